# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Writes to different objects at once (concurrency), and one converging run per tenant (the lock): the same requests as
# one after the other, results in the order of the items, a 429 pausing every thread, a failure staying with its item.

import fcntl
import os

import pytest

from ansible_collections.superoffice.crm.plugins.module_utils._lock import lock_directory, lock_path
from ansible_collections.superoffice.crm.plugins.modules import erpsync_connections, erpsync_engine
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import LIST, META, client_guid, connection

NAMES = ['Bulk %d' % n for n in range(1, 7)]
FIELDS = [dict(FieldKey='ApiUrl', FieldType='Text', DefaultValue='https://api.example.com', Access='Mandatory')]


def create_body(name):
    return {'Connection': {'ErpConnectionId': 0, 'ErpConnectorId': 3, 'DisplayName': name, 'DisplayDescription': '', 'Active': False,
                           'ConnectionId': client_guid(NAMES.index(name) + 1), 'MostRecentTimestamp': '',
                           'ConfigFields': {'ApiUrl': 'https://api.example.com'},
                           'Deleted': False, 'AllAccess': True, 'UserGroupAccessIds': [], 'AssociateAccessIds': []}}


def expect_bulk_create(webapi, failing=None, throttled=None):
    webapi.any_order = True  # the creates go out at once, in any order
    webapi.expect('GetAllConnections', LIST, [])
    webapi.expect('GetAllConnectors', {}, [dict(Id=3, Name='Visma.net', ToolTip='')])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    created = []
    for number, name in enumerate(NAMES, start=10):
        if name == throttled:
            webapi.expect('SaveConnection', create_body(name), status=429, headers={'Retry-After': '2'})
        if name == failing:
            webapi.expect('SaveConnection', create_body(name), dict(Message='The request is invalid.', MessageDetail='Name taken'), status=400)
            continue
        record = connection(number, name, config={'ApiUrl': 'https://api.example.com'}, description='')
        created.append(record)
        webapi.expect('SaveConnection', create_body(name), record)
    webapi.expect('GetAllConnections', LIST, created)  # before going live (stage TWINS): no twin made by another run
    webapi.expect('GetAllConnections', LIST, created)  # the list read at the end confirms the creates
    return created


def run_bulk(run_module, concurrency):
    return run_module(erpsync_connections.main, dict(connections=[dict(name=n, connector='Visma.net') for n in NAMES],
                                                     concurrency=concurrency))


def test_creates_go_out_at_once_with_the_same_requests(webapi, run_module):
    expect_bulk_create(webapi)
    result = run_bulk(run_module, 4)
    assert result['changed'] is True
    assert [c['name'] for c in result['connections']] == NAMES  # the items' order, whatever order the answers came in
    wanted = ['GetAllConnections', 'GetAllConnectors', 'GetConfigurationFields'] + ['SaveConnection'] * 6 + ['GetAllConnections'] * 2
    assert sorted(webapi.methods) == sorted(wanted)


def test_a_429_pauses_and_is_sent_again(webapi, run_module):
    expect_bulk_create(webapi, throttled='Bulk 3')
    result = run_bulk(run_module, 4)
    assert result['changed'] is True and not result.get('failed')
    assert webapi.methods.count('SaveConnection') == 7
    assert 2.0 in [round(s, 1) for s in webapi.sleeps]


def test_a_failure_stays_with_its_item(webapi, run_module):
    expect_bulk_create(webapi, failing='Bulk 4')
    result = run_bulk(run_module, 4)
    assert result['failed'] is True
    assert [c['name'] for c in result['connections'] if c.get('failed')] == ['Bulk 4']
    assert result['summary']['created'] == 5
    assert "connections[3] ('Bulk 4')" in result['msg']


@pytest.mark.parametrize('concurrency', [0, 33])
def test_concurrency_is_bounded(webapi, run_module, concurrency):
    result = run_bulk(run_module, concurrency)
    assert result['failed'] is True
    assert 'concurrency' in result['msg']


# -- the lock ----------------------------------------------------------------------------------------


@pytest.fixture
def lock_dir(tmp_path, monkeypatch):
    """Where the locks live (under HOME, see _lock), inside the test's directory."""
    monkeypatch.setenv('HOME', str(tmp_path))
    return tmp_path


def held_lock(lock_dir, url='https://crm.example.com/SuperOffice'):
    """The lock of a tenant, held as another run on this controller holds it (the path from _lock: the tenant lock tests of
    test_lock_hardening.py find it without knowing it)."""
    del lock_dir  # HOME points there
    os.makedirs(lock_directory(), mode=0o700, exist_ok=True)
    handle = open(lock_path(url), 'a+')
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def test_a_run_waits_for_another_on_the_same_tenant_and_gives_up_after_lock_timeout(webapi, run_module, lock_dir):
    handle = held_lock(lock_dir)
    try:
        result = run_module(erpsync_engine.main, dict(state='running', lock_timeout=0.3))
    finally:
        handle.close()
    assert result['failed'] is True
    assert 'Another run on this controller has been changing https://crm.example.com/SuperOffice for more than 0.3 s' in result['msg']
    assert 'nothing was changed' in result['msg']
    assert webapi.calls == []


def test_check_mode_and_other_tenants_do_not_wait(webapi, run_module, lock_dir):
    handle = held_lock(lock_dir, 'https://crm.example.com/OtherTenant')
    try:
        webapi.expect('GetEngineStatus', {}, dict(META, IsRunning=True, StatusMessage='', Interval='00:05:00'))
        assert run_module(erpsync_engine.main, dict(state='running', lock_timeout=0.3))['changed'] is False
    finally:
        handle.close()
    handle = held_lock(lock_dir)
    try:
        webapi.expect('GetEngineStatus', {}, dict(META, IsRunning=False, StatusMessage='', Interval='00:05:00'))
        assert run_module(erpsync_engine.main, dict(state='running', lock_timeout=0.3), check_mode=True)['changed'] is True
    finally:
        handle.close()


def test_the_lock_is_released_after_the_run(webapi, run_module, lock_dir):
    for dummy in range(2):
        webapi.expect('GetEngineStatus', {}, dict(META, IsRunning=True, StatusMessage='', Interval='00:05:00'))
        assert run_module(erpsync_engine.main, dict(state='running', lock_timeout=5))['changed'] is False
    assert os.listdir(lock_directory())
