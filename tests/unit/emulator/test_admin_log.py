# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The request log (memory and file), secrets never leaking, and the admin API."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import json

from .conftest import (ACCESS_TOKEN, APP_TOKEN, ONLINE, ONLINE2, ONSITE, ONSITE_PASSWORD, SECRETS, TICKET, TRIPLETEX_CONSUMER,
                       VISMA_SECRET)

LOG_KEYS = {'seq', 'time', 'tenant', 'http_method', 'path', 'method', 'body', 'auth', 'app_token', 'status', 'fault'}


def test_log_entry_shape(client):
    client.call(ONLINE, 'GetConnection', {'ErpConnectionId': 2})
    client.call(ONLINE, 'GetConnection', {'ErpConnectionId': 2}, headers={'Authorization': 'Bearer ' + ACCESS_TOKEN}, auth=False)
    first, second = client.log()
    assert set(first) == LOG_KEYS
    assert second['seq'] == first['seq'] + 1
    assert first['time'].endswith('Z') and 'T' in first['time']
    assert (first['tenant'], first['http_method'], first['method'], first['status'], first['fault']) == (ONLINE, 'POST', 'GetConnection', 200, None)
    assert first['path'] == '/%s/api/v1/Agents/ErpSync/GetConnection' % ONLINE
    assert first['body'] == {'ErpConnectionId': 2}
    assert (first['auth'], first['app_token']) == ('SOTicket', True)
    assert (second['auth'], second['app_token']) == ('Bearer', False)


def test_log_filters_and_clear(client):
    client.call(ONLINE, 'GetEngineStatus')
    client.call(ONSITE, 'GetEngineStatus')
    client.call(ONSITE, 'GetEngineStatus', auth=False)
    assert [e['tenant'] for e in client.log()] == [ONLINE, ONSITE, ONSITE]
    onsite = client.log(ONSITE)
    assert [(e['auth'], e['status']) for e in onsite] == [('Basic', 200), ('none', 401)]
    assert client.log('superoffice') == onsite  # tenant filter is case-insensitive
    since = client.admin('GET', 'requests?since=%d' % onsite[0]['seq']).json()
    assert [e['seq'] for e in since] == [onsite[1]['seq']]
    # Admin calls are not logged.
    client.state(ONLINE)
    client.admin('GET', 'tenants')
    assert len(client.log()) == 3
    assert client.admin('DELETE', 'requests').json() == {'cleared': True}
    assert client.log() == []


def test_log_masks_password_config_values(client, emulator_server):
    conn = {'ErpConnectionId': 2, 'ErpConnectorId': 1, 'DisplayName': 'x',
            'ConfigFields': {'ApiUrl': 'https://a.example', 'CompanyId': '1', 'ClientSecret': 'fresh-secret-in-payload'}}
    client.ok(ONLINE, 'SaveConnection', {'Connection': conn})
    client.call('Cust99999', 'SaveConnection', {'Connection': dict(conn, ConfigFields={'Anything': 'unknown-tenant-secret'})})
    entries = client.log()
    assert entries[0]['body']['Connection']['ConfigFields'] == {'ApiUrl': 'https://a.example', 'CompanyId': '1', 'ClientSecret': '********'}
    # An unknown tenant has no field metadata: every config value is masked.
    assert entries[1]['tenant'] == 'Cust99999' and entries[1]['status'] == 404
    assert entries[1]['body']['Connection']['ConfigFields'] == {'Anything': '********'}
    with open(emulator_server.log_path, encoding='utf-8') as handle:
        text = handle.read()
    for secret in ('fresh-secret-in-payload', 'unknown-tenant-secret'):
        assert secret not in text and secret not in repr(entries)


def test_no_secret_in_any_response_or_log(client, emulator_server):
    seen = []

    def record(response):
        seen.append(response.text + repr(dict(response.headers)))

    basic_bad = 'Basic ' + base64.b64encode(b'ERPAdmin:' + ONSITE_PASSWORD.encode() + b'x').decode()
    for tenant in (ONLINE, ONLINE2, ONSITE):
        for method, body in (('GetAllConnections', {'IncludeDeleted': True}), ('GetConnection', {'ErpConnectionId': 1}),
                             ('GetConnection', {'ErpConnectionId': 3}), ('GetErpConnectionConfigFields', {'ErpConnectionId': 1}),
                             ('GetConfigurationFields', {'ErpConnectorId': 1}), ('GetEngineStatus', None)):
            if tenant != ONSITE:  # the on-site tenant is configured with password_fields_readable
                record(client.call(tenant, method, body))
                record(client.call(tenant, method, body, headers={'Accept': 'application/xml'}))
            record(client.call(tenant, method, body, auth=False, headers={'Authorization': basic_bad, 'SO-AppToken': APP_TOKEN + 'x'}))
    record(client.call(ONLINE, 'SaveConnection', {'Connection': {'ErpConnectionId': 0, 'ErpConnectorId': 1, 'DisplayName': 'n',
                                                                 'ConfigFields': {'ClientSecret': VISMA_SECRET}}}))
    record(client.call(ONLINE, 'GetConnection', {}, auth=False, headers={'Authorization': 'SOTicket ' + TICKET}))
    text = '\n'.join(seen)
    with open(emulator_server.log_path, encoding='utf-8') as handle:
        file_text = handle.read()
    memory = repr(client.log())
    for secret in SECRETS + (TRIPLETEX_CONSUMER,):
        assert secret not in text, secret
        assert secret not in file_text, secret
        assert secret not in memory, secret


def test_log_file_gets_one_json_line_per_request(client, emulator_server):
    client.call(ONLINE, 'GetEngineStatus')
    with open(emulator_server.log_path, encoding='utf-8') as handle:
        last = json.loads(handle.read().splitlines()[-1])
    assert last['seq'] == client.log()[-1]['seq'] and set(last) == LOG_KEYS


def test_tenant_state_and_reset(client):
    state = client.state(ONLINE)
    assert set(state) >= {'tenant', 'online', 'engine', 'connectors', 'connections', 'toggle_failures', 'test_failures', 'faults'}
    assert state['connections'][0]['ConfigFields']['ClientSecret'] == VISMA_SECRET  # admin view shows config in clear
    assert 'credentials' not in state
    client.ok(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 2})
    client.call(ONLINE, 'DeleteConnection', {'ErpConnectionId': 1})
    client.admin('PUT', 'tenants/%s/test_failures' % ONLINE, [2])
    client.admin('PUT', 'tenants/%s/engine' % ONLINE, {'running': True})
    assert client.state(ONLINE) != state
    reset = client.admin('POST', 'tenants/%s/reset' % ONLINE)
    assert reset.status_code == 200
    assert reset.json() == state == client.state(ONLINE)


def test_admin_errors(client):
    assert client.admin('GET', 'tenants/Nope').status_code == 404
    assert client.admin('GET', 'nothing/here').status_code == 404
    assert client.admin('PUT', 'tenants/%s/test_failures' % ONLINE, {'not': 'a list'}).status_code == 400
    assert client.admin('PUT', 'tenants/%s/toggle_failures' % ONLINE, {'x': ['r']}).status_code == 400
    response = client.session.put(client.url('/_emulator/tenants/%s/engine' % ONLINE), data=b'{bad')
    assert response.status_code == 400
    index = client.admin('GET', '').json()
    assert [t['tenant'] for t in index['tenants']] == [ONLINE, ONLINE2, ONSITE]
    assert 'ToggleErpConnectionActive' in index['methods'] and 'drop_after_apply' in index['fault_kinds']
