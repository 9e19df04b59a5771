# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One real emulator per test session (a thread on port 0), reset before every test."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import copy
import json
import os

import pytest
import requests

from ansible_collections.superoffice.crm.emulator.reqlog import RequestLog
from ansible_collections.superoffice.crm.emulator.server import EmulatorServer
from ansible_collections.superoffice.crm.emulator.store import TenantStore

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))

ONLINE = 'Cust12345'
ONLINE2 = 'Cust54321'
ONSITE = 'SuperOffice'

TICKET = '7T:dGVzdC10aWNrZXQtb25saW5lLXNlY3JldA=='
APP_TOKEN = 'app-token-secret-0f9e8d7c'
ACCESS_TOKEN = '8A:Cust12345.access-token-secret-a1b2c3'
ONSITE_USER = 'ERPAdmin'
ONSITE_PASSWORD = 'onsite-Passw0rd-secret'
ONSITE_TICKET = '7T:b25zaXRlLXRpY2tldC1zZWNyZXQ='
ONLINE2_TICKET = '7T:b3RoZXItdGVuYW50LXRpY2tldA=='

VISMA_SECRET = 'visma-client-secret-value'
TRIPLETEX_CONSUMER = 'tripletex-consumer-secret'
TRIPLETEX_EMPLOYEE = 'tripletex-employee-secret'

# Every value that must never show up in a WebAPI response or in the request log.
SECRETS = (TICKET, APP_TOKEN, ACCESS_TOKEN, ONSITE_PASSWORD, ONSITE_TICKET, ONLINE2_TICKET,
           VISMA_SECRET, TRIPLETEX_CONSUMER, TRIPLETEX_EMPLOYEE, 'online-basic-secret', 'seed-only-tje0')


def _connectors():
    return [
        {'id': 1, 'name': 'Visma.net', 'url': 'https://connectors.example.com/vismanet/ErpConnector.svc', 'config_fields': [
            {'FieldKey': 'ApiUrl', 'DisplayName': 'API URL', 'FieldType': 'Text', 'MaxLength': 1023, 'Access': 'Mandatory'},
            {'FieldKey': 'CompanyId', 'DisplayName': 'Company ID', 'FieldType': 'Text', 'Access': 'Mandatory', 'ShowInSearch': True},
            {'FieldKey': 'ClientSecret', 'DisplayName': 'Client secret', 'FieldType': 'Password', 'Access': 'Mandatory'},
            {'FieldKey': 'Note', 'FieldType': 'Text'},
        ]},
        {'id': 2, 'name': 'Tripletex', 'url': 'https://connectors.example.com/tripletex/ErpConnector.svc', 'config_fields': [
            {'FieldKey': 'ConsumerToken', 'FieldType': 'Password', 'Access': 'Mandatory'},
            {'FieldKey': 'EmployeeToken', 'FieldType': 'Password', 'Access': 'Mandatory'},
        ]},
    ]


def _connections():
    def conn(conn_id, connector, name, active=False, deleted=False, config=None, cursor=''):
        return {'ErpConnectionId': conn_id, 'ErpConnectorId': connector, 'DisplayName': name, 'DisplayDescription': name + ' description',
                'Active': active, 'ConnectionId': '00000000-0000-4000-8000-%012d' % conn_id, 'MostRecentTimestamp': cursor,
                'ConfigFields': config or {}, 'Deleted': deleted, 'AllAccess': True, 'UserGroupAccessIds': [], 'AssociateAccessIds': []}
    visma = {'ApiUrl': 'https://integration.visma.net/API/', 'CompanyId': '1234567', 'ClientSecret': VISMA_SECRET, 'Note': 'prod'}
    return [
        conn(1, 1, 'Visma prod', active=True, config=visma, cursor='2026-01-01T00:00:00'),
        conn(2, 1, 'Visma test', config=dict(visma, CompanyId='7654321', Note='test')),
        conn(3, 2, 'Tripletex old', deleted=True, config={'ConsumerToken': TRIPLETEX_CONSUMER, 'EmployeeToken': TRIPLETEX_EMPLOYEE}),
        conn(4, 1, 'Visma incomplete', config=dict(visma, CompanyId='')),
    ]


TEST_DATA = {'tenants': {
    ONLINE: {
        'online': True,
        'credentials': {'users': {'admin': 'online-basic-secret'}, 'tickets': [TICKET], 'access_tokens': [ACCESS_TOKEN], 'app_tokens': [APP_TOKEN]},
        'engine': {'running': False, 'interval_seconds': 300, 'status_message': 'Idle', 'delay': 0.3},
        'connectors': _connectors(),
        'connections': _connections(),
        'toggle_failures': {'4': ['Mandatory field CompanyId has no value.', 'No field mappings for actor type Customer.']},
        'test_failures': [],
    },
    ONLINE2: {
        'credentials': {'tickets': [ONLINE2_TICKET], 'app_tokens': [APP_TOKEN]},
        'disabled_methods': ['GetAllConnectors'],  # like a server older than Services88
        'version': {'NetServerVersion': '10.2.0.0', 'ServicesCurrent': 'Services87'},
        'connectors': _connectors(),
        'connections': _connections(),
    },
    ONSITE: {
        'online': False,
        # tje0/Tje0 is the Basic credential of the doc samples (seed replay).
        'credentials': {'users': {ONSITE_USER: ONSITE_PASSWORD, 'tje0': 'Tje0'}, 'tickets': [ONSITE_TICKET]},
        'engine': {'running': True, 'interval_seconds': 90000},
        'connectors': _connectors(),
        'connections': _connections(),
        'password_fields_readable': True,
    },
}}

AUTH = {
    ONLINE: {'Authorization': 'SOTicket ' + TICKET, 'SO-AppToken': APP_TOKEN},
    ONLINE2: {'Authorization': 'SOTicket ' + ONLINE2_TICKET, 'SO-AppToken': APP_TOKEN},
    ONSITE: {'Authorization': 'Basic ' + base64.b64encode(('%s:%s' % (ONSITE_USER, ONSITE_PASSWORD)).encode()).decode()},
}


class Client(object):
    """Small helper around one keep-alive requests.Session."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.session = requests.Session()

    def url(self, path):
        return self.base_url + path

    def call(self, tenant, method, body=None, headers=None, auth=True, raw=None, http_method='POST', params=None):
        """Call an ErpSync method; returns the requests.Response. ``params``: query parameters."""
        send = dict(AUTH.get(tenant, {})) if auth else {}
        send.update(headers or {})
        kwargs = {'params': params} if params else {}
        if raw is not None:
            kwargs['data'] = raw
        elif body is not None:
            kwargs['json'] = body
        return self.session.request(http_method, self.url('/%s/api/v1/Agents/ErpSync/%s' % (tenant, method)), headers=send, timeout=10, **kwargs)

    def ok(self, tenant, method, body=None, **kwargs):
        """Call and return the decoded JSON of a 200 answer."""
        response = self.call(tenant, method, body, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def admin(self, http_method, path, body=None):
        response = self.session.request(http_method, self.url('/_emulator/' + path), json=body, timeout=10)
        return response

    def state(self, tenant):
        response = self.admin('GET', 'tenants/' + tenant)
        assert response.status_code == 200
        return response.json()

    def connection(self, tenant, conn_id):
        return dict((c['ErpConnectionId'], c) for c in self.state(tenant)['connections'])[conn_id]

    def log(self, tenant=None):
        return self.admin('GET', 'requests' + ('?tenant=' + tenant if tenant else '')).json()


@pytest.fixture(scope='session')
def emulator_server(tmp_path_factory):
    log_path = str(tmp_path_factory.mktemp('emulator') / 'requests.jsonl')
    store = TenantStore(copy.deepcopy(TEST_DATA), default_delay=0.2)
    server = EmulatorServer(('127.0.0.1', 0), store, RequestLog(log_path)).start_thread()
    server.log_path = log_path
    yield server
    server.stop()


@pytest.fixture
def client(emulator_server):
    api = Client(emulator_server.base_url)
    assert api.admin('POST', 'reset').status_code == 200
    assert api.admin('DELETE', 'requests').status_code == 200
    yield api
    api.session.close()


@pytest.fixture
def data_file(tmp_path):
    path = tmp_path / 'tenants.json'
    path.write_text(json.dumps(TEST_DATA))
    return str(path)
