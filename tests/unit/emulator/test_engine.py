# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time

import pytest

from ansible_collections.superoffice.crm.emulator.timespan import format_timespan, parse_timespan

from .conftest import ONLINE, ONSITE

INVALID = {'Message': 'The request is invalid.'}


def status(client, tenant=ONLINE):
    return client.ok(tenant, 'GetEngineStatus')


def test_get_engine_status_shape(client):
    assert status(client) == {'IsRunning': False, 'StatusMessage': 'Idle', 'Interval': '00:05:00',
                              'TableRight': {'Mask': 'FULL', 'Reason': ''}, 'FieldProperties': {}}
    onsite = status(client, ONSITE)
    assert (onsite['IsRunning'], onsite['StatusMessage'], onsite['Interval']) == (True, 'Running', '1.01:00:00')


def test_change_status_is_queued_and_applies_after_the_delay(client):
    before = client.ok(ONLINE, 'ChangeEngineStatus', {'Run': True})
    assert before['IsRunning'] is False  # the answer is the pre-change status
    assert set(before) == {'IsRunning', 'StatusMessage', 'Interval', 'TableRight', 'FieldProperties'}
    assert status(client)['IsRunning'] is False
    pending = client.state(ONLINE)['engine']['pending']
    assert pending['run'] is True and 0 < pending['applies_in'] <= 0.3
    # A repeated request does not push the deadline back.
    client.ok(ONLINE, 'ChangeEngineStatus', {'Run': True})
    time.sleep(0.4)
    after = status(client)
    assert (after['IsRunning'], after['StatusMessage']) == (True, 'Running')
    assert client.state(ONLINE)['engine']['pending'] is None


def test_change_status_to_current_state_is_harmless(client):
    assert client.ok(ONLINE, 'ChangeEngineStatus', {'Run': False})['IsRunning'] is False
    assert client.state(ONLINE)['engine']['pending'] is None
    assert status(client)['IsRunning'] is False


def test_opposite_request_cancels_pending_change(client):
    client.ok(ONLINE, 'ChangeEngineStatus', {'Run': True})
    client.ok(ONLINE, 'ChangeEngineStatus', {'Run': False})
    time.sleep(0.35)
    assert status(client)['IsRunning'] is False


def test_server_default_delay_applies_without_tenant_override(client):
    # The on-site tenant has no engine.delay: the server default (0.2 s in these tests) is used.
    assert client.state(ONSITE)['engine']['effective_delay'] == 0.2
    client.ok(ONSITE, 'ChangeEngineStatus', {'Run': False})
    assert status(client, ONSITE)['IsRunning'] is True
    time.sleep(0.3)
    assert (status(client, ONSITE)['IsRunning'], status(client, ONSITE)['StatusMessage']) == (False, 'Stopped')


def test_admin_engine_sets_directly(client):
    response = client.admin('PUT', 'tenants/%s/engine' % ONLINE, {'running': True, 'delay': 0})
    assert response.status_code == 200
    assert status(client)['IsRunning'] is True
    client.ok(ONLINE, 'ChangeEngineStatus', {'Run': False})
    assert status(client)['IsRunning'] is False  # zero delay: visible on the next read
    assert client.admin('PUT', 'tenants/%s/engine' % ONLINE, {'bogus': 1}).status_code == 400


@pytest.mark.parametrize('body', [{}, {'Run': None}])
def test_change_status_missing_run(client, body):
    response = client.call(ONLINE, 'ChangeEngineStatus', body)
    assert response.status_code == 200
    assert response.json()['Message'] == 'The request is invalid.'
    assert 'Run' in response.json()['MessageDetail']


def test_change_status_wrong_type(client):
    response = client.call(ONLINE, 'ChangeEngineStatus', {'Run': 'yes'})
    assert response.status_code == 400
    assert set(response.json()) == {'Message', 'MessageDetail'}


@pytest.mark.parametrize('sent, shown', [
    ('00:10:00', '00:10:00'),
    ('1.02:00:00', '1.02:00:00'),
    ('23:59:59', '23:59:59'),
    ('00:05:00.9999999', '00:05:00'),  # fractions are truncated (the DB keeps whole seconds)
    ('0.00:01:00', '00:01:00'),
    ('7.00:00:00', '7.00:00:00'),
])
def test_change_interval(client, sent, shown):
    response = client.call(ONLINE, 'ChangeEngineInterval', {'Interval': sent})
    assert response.status_code == 204
    assert response.content == b''
    assert 'Content-Type' not in response.headers
    assert status(client)['Interval'] == shown


@pytest.mark.parametrize('sent', ['PT5M', 'P1D', '300', '5', '00:05', '24:00:00', '00:60:00', '00:00:60', '00:00:00', '00:00:00.5',
                                  '-00:05:00', '', 'five minutes', 300, True])
def test_change_interval_refuses(client, sent):
    response = client.call(ONLINE, 'ChangeEngineInterval', {'Interval': sent})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {'Message', 'MessageDetail'} and body['Message'] == INVALID['Message']
    assert status(client)['Interval'] == '00:05:00'


def test_change_interval_missing_parameter(client):
    response = client.call(ONLINE, 'ChangeEngineInterval', {})
    assert response.status_code == 200
    assert response.json()['Message'] == 'The request is invalid.'


@pytest.mark.parametrize('seconds, text', [(1, '00:00:01'), (59, '00:00:59'), (300, '00:05:00'), (3600, '01:00:00'),
                                           (86399, '23:59:59'), (86400, '1.00:00:00'), (93784, '1.02:03:04'), (864000, '10.00:00:00')])
def test_timespan_round_trip(seconds, text):
    assert format_timespan(seconds) == text
    assert parse_timespan(text) == seconds
