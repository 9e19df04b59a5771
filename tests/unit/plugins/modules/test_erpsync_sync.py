# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_sync: each mode sends its method once with the Swagger's body; check mode sends nothing; IsOk=false fails.

import pytest
import requests

from ansible_collections.superoffice.crm.plugins.modules import erpsync_sync
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import LIST, connection, listed, plugin_response

CONN = listed(connection(7, active=True))


def run(run_module, args, **kwargs):
    return run_module(erpsync_sync.main, args, **kwargs)


@pytest.mark.parametrize('mode, method', [('sync_all', 'SyncAll'), ('force_sync_all', 'ForceSyncAll')])
def test_sync_everything(webapi, run_module, mode, method):
    webapi.expect(method, {}, plugin_response())
    result = run(run_module, dict(mode=mode))
    assert result['changed'] is True
    assert result['method'] == method
    assert result['response']['ok'] is True
    assert result['msg'] == '%s ran' % method


@pytest.mark.parametrize('blank_values, method', [(True, 'ForceResync'), (False, 'ForceResyncNoBlankValues')])
def test_resync_records_of_a_connection(webapi, run_module, blank_values, method):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect(method, {'ErpConnectionId': 7, 'InternalKeyIds': [12, 13]}, plugin_response())
    result = run(run_module, dict(mode='resync', connection='Visma', keys=['12', '13'], blank_values=blank_values))
    assert result['method'] == method


def test_resync_from_superoffice_to_every_connection(webapi, run_module):
    webapi.expect('ForceResync', {'ErpConnectionId': 0, 'InternalKeyIds': []}, plugin_response())
    assert run(run_module, dict(mode='resync'))['changed'] is True


def test_resync_external_keys(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('ForceResyncExternalNoBlankValues', {'ErpConnectionId': 7, 'ErpActorType': 'Customer', 'ExternalKeys': ['C1', 'C2']},
                  plugin_response())
    result = run(run_module, dict(mode='resync_external', connection='7', actor_type='Customer', keys=['C1', 'C2'], blank_values=False))
    assert result['method'] == 'ForceResyncExternalNoBlankValues'


def test_check_mode_sends_nothing(webapi, run_module):
    result = run(run_module, dict(mode='force_sync_all'), check_mode=True)
    assert result['changed'] is True
    assert result['response'] is None
    assert 'nothing was sent' in result['msg']


def test_is_ok_false_fails_with_the_explanations(webapi, run_module):
    webapi.expect('ForceSyncAll', {}, dict(plugin_response(False, 'The ERP system is down.', 'Error', 'Unavailable'),
                                           TechExplanation='HTTP 503 from the connector'))
    result = run(run_module, dict(mode='force_sync_all'))
    assert result['failed'] is True
    assert result['changed'] is False
    assert result['msg'] == ('ErpSync ForceSyncAll answered IsOk=false (Error, error code Unavailable): The ERP system is down. '
                             'HTTP 503 from the connector')


def test_a_lost_answer_is_not_sent_again(webapi, run_module):
    webapi.expect('ForceSyncAll', {}, error=requests.exceptions.ReadTimeout('read timed out'))
    result = run(run_module, dict(mode='force_sync_all'))
    assert result['failed'] is True
    assert 'may or may not have been applied' in result['msg']
    assert webapi.methods == ['ForceSyncAll']


def test_null_answer_is_an_error(webapi, run_module):
    webapi.expect('SyncAll', {}, None)
    result = run(run_module, dict(mode='sync_all'))
    assert result['failed'] is True
    assert 'null' in result['msg']


def test_background_starts_a_batch_task_that_answers_nothing(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('ForceResyncBatchTask', {'ErpConnectionId': 7, 'InternalKeyIds': [12]}, status=204)
    result = run(run_module, dict(mode='resync', connection='Visma', keys=['12'], background=True))
    assert result['changed'] is True
    assert result['method'] == 'ForceResyncBatchTask'
    assert result['response'] is None
    assert 'started a batch task on the server' in result['msg']


def test_background_in_check_mode_sends_nothing(webapi, run_module):
    result = run(run_module, dict(mode='resync', background=True), check_mode=True)
    assert result['changed'] is True and result['method'] == 'ForceResyncBatchTask'
    assert webapi.calls == []


def test_a_lost_answer_of_a_batch_task_is_not_sent_again(webapi, run_module):
    """A second ForceResyncBatchTask would start a second batch task."""
    webapi.expect('ForceResyncBatchTask', {'ErpConnectionId': 0, 'InternalKeyIds': []}, status=502)
    result = run(run_module, dict(mode='resync', background=True))
    assert result['failed'] is True
    assert 'The request may or may not have been applied' in result['msg']
    assert webapi.methods == ['ForceResyncBatchTask']


def test_a_refused_batch_task_fails(webapi, run_module):
    webapi.expect('ForceResyncBatchTask', {'ErpConnectionId': 0, 'InternalKeyIds': []},
                  answer={'Message': 'An error has occurred.', 'MessageDetail': 'ErpConnection 9 does not exist.'}, status=500)
    result = run(run_module, dict(mode='resync', background=True))
    assert result['failed'] is True and result['changed'] is False
    assert 'ErpConnection 9 does not exist.' in result['msg']


@pytest.mark.parametrize('args, message', [
    (dict(mode='sync_all', background=True), 'background is only used with mode=resync'),
    (dict(mode='resync', background=True, blank_values=False), 'there is no ForceResyncBatchTaskNoBlankValues'),
])
def test_background_combinations_that_cannot_work_fail_before_any_request(webapi, run_module, args, message):
    result = run(run_module, args)
    assert result['failed'] is True and message in result['msg']
    assert webapi.calls == []
