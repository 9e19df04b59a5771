# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator against SuperOffice's Swagger of the ErpSync agent: every method it implements is called with a request the
Swagger allows, and its answer must match the Swagger's answer schema strictly; every other Swagger method must be unknown
to it (404, as on an older server), and it implements nothing the Swagger lacks. The MDO lists it answers
(``GET api/v1/MDOList/{name}``) are checked against the Swagger's MDOListItem."""

import base64
import os

import pytest
import requests

from ansible_collections.superoffice.crm.emulator.agent import METHODS
from ansible_collections.superoffice.crm.emulator.server import EmulatorServer
from ansible_collections.superoffice.crm.emulator.store import TenantStore
from ansible_collections.superoffice.crm.tests.unit.swagger_contract import CONTRACT

from .conftest import REPO_ROOT

TENANT = 'SuperOffice'  # demo.json's on-site tenant: 'SAP B1 Oslo' (id 1, SAP Business One), 'Visma.net pilot' (id 2)
AUTH = {'Authorization': 'Basic ' + base64.b64encode(b'ERPAdmin:Demo-Passw0rd!').decode()}
FORTNOX = 'https://erpconnectors.example.com/fortnox/ErpConnector.svc'


@pytest.fixture(scope='module')
def server():
    store = TenantStore.from_file(os.path.join(REPO_ROOT, 'emulator', 'data', 'demo.json'), default_delay=0)
    running = EmulatorServer(('127.0.0.1', 0), store).start_thread()
    yield running
    running.stop()


class Api:
    def __init__(self, base_url):
        self.base_url = base_url
        self.session = requests.Session()

    def call(self, method, body=None, query=None):
        """The answer of a method (after checking that the request itself matches the Swagger)."""
        assert CONTRACT.request_problems(method, body, query) == [], 'the test sends a request the Swagger does not allow'
        response = self.session.post('%s/%s/api/v1/Agents/ErpSync/%s' % (self.base_url, TENANT, method), json=body, params=query,
                                     headers=AUTH, timeout=10)
        assert response.status_code in (200, 204), '%s: HTTP %d %s' % (method, response.status_code, response.text)
        return response.json() if response.content else None


@pytest.fixture
def api(server):
    client = Api(server.base_url)
    assert client.session.post(server.base_url + '/_emulator/reset', timeout=10).status_code == 200
    yield client
    client.session.close()


def mapped_customer(api):
    """The SAP connection's Customer mapping with its list field GroupCode mapped (so that list mappings have an entry)."""
    mapping = api.call('GetActorTypeMapping', {'ErpConnectionId': 1, 'ActorType': 'Customer'})
    for row in mapping['FieldMappings']:
        if row['ErpFieldKey'] == 'GroupCode':
            row.update(CrmFieldKey='contact.category', SyncToCrm=True)
    return api.call('SaveActorTypeMapping', {'Mapping': mapping})


def displayed(api):
    """The SAP connection's Customer mapping active, with fields on the ERP tab (so that GetConnectionsAndDisplayFields lists them)."""
    mapping = api.call('GetActorTypeMapping', {'ErpConnectionId': 1, 'ActorType': 'Customer'})
    mapping['IsActive'] = True
    for row in mapping['FieldMappings']:
        row['ShowInGui'] = row['ErpFieldKey'] in ('CardName', 'GroupCode')
    return api.call('SaveActorTypeMapping', {'Mapping': mapping})


def field_id(api, key='CardName'):
    mapping = api.call('GetActorTypeMapping', {'ErpConnectionId': 1, 'ActorType': 'Customer'})
    return [row['ErpFieldId'] for row in mapping['FieldMappings'] if row['ErpFieldKey'] == key][0]


def new_connection():
    return {'ErpConnectionId': 0, 'ErpConnectorId': 1, 'DisplayName': 'Contract', 'DisplayDescription': '', 'Active': False,
            'ConnectionId': '', 'MostRecentTimestamp': '', 'Deleted': False, 'AllAccess': True, 'UserGroupAccessIds': [],
            'AssociateAccessIds': [],
            'ConfigFields': {'ServiceLayerUrl': 'https://sap.example.com/b1s/v1', 'CompanyDb': 'SBO', 'UserName': 'sync', 'Password': 'contract-password'}}


# Method -> function(api) giving (body, query) of a valid request; some prepare the tenant first.
REQUESTS = {
    'GetEngineStatus': lambda api: (None, None),
    'ChangeEngineStatus': lambda api: ({'Run': True}, None),
    'ChangeEngineInterval': lambda api: ({'Interval': '00:10:00'}, None),
    'GetAllConnections': lambda api: ({'IncludeDeleted': True}, None),
    'GetConnection': lambda api: ({'ErpConnectionId': 1}, None),
    'SaveConnection': lambda api: ({'Connection': new_connection()}, None),
    'DeleteConnection': lambda api: ({'ErpConnectionId': 2}, None),
    'GetConfigurationFields': lambda api: ({'ErpConnectorId': 1}, None),
    'GetErpConnectionConfigFields': lambda api: ({'ErpConnectionId': 1}, None),
    'ToggleErpConnectionActive': lambda api: ({'ErpConnectionId': 1}, None),
    'TestConnectionById': lambda api: ({'ErpConnectionId': 1}, None),
    'TestConnectionByConfig': lambda api: ({'ErpConnectionId': 1, 'ConfigFields': new_connection()['ConfigFields']}, None),
    'GetAllConnectors': lambda api: (None, None),
    'GetErpSyncConnectionSummary': lambda api: ({'ErpSyncConnectionId': 1}, None),
    'CreateDefaultErpSyncConnectorEntity': lambda api: (None, None),
    'SaveErpSyncConnectorEntity': lambda api: ({'ErpConnectorId': 0, 'DisplayName': 'Fortnox', 'URL': FORTNOX, 'Deleted': False}, None),
    'GetErpSyncConnectorEntity': lambda api: (None, {'erpSyncConnectorEntityId': 1}),
    'DeleteErpSyncConnectorEntity': lambda api: (None, {'erpSyncConnectorEntityId': api.call(
        'SaveErpSyncConnectorEntity', {'ErpConnectorId': 0, 'DisplayName': 'Unused', 'URL': FORTNOX, 'Deleted': False})['ErpConnectorId']}),
    'CanDeleteErpSyncConnectorEntity': lambda api: ({'ErpSyncConnectorId': 1}, None),
    'TestConnectorUrl': lambda api: ({'Url': FORTNOX}, None),
    'UpdateConnectionFields': lambda api: ({'ErpConnectionId': 1}, None),
    'GetActorTypeMapping': lambda api: ({'ErpConnectionId': 1, 'ActorType': 'Customer'}, None),
    'SaveActorTypeMapping': lambda api: ({'Mapping': api.call('GetActorTypeMapping', {'ErpConnectionId': 1, 'ActorType': 'Supplier'})}, None),
    'GetCrmActorType': lambda api: ({'ErpConnectionId': 1, 'ErpActorType': 'Customer'}, None),
    'GetDefaultValueInfo': lambda api: ({'ErpFieldId': field_id(api)}, None),
    'SaveDefaultValueInfo': lambda api: ({'ErpSyncDefaultValue': dict(api.call('GetDefaultValueInfo', {'ErpFieldId': field_id(api)}),
                                                                      DefaultValue='Unknown customer', PromptUser=True)}, None),
    'GetConnectionListMappings': lambda api: (mapped_customer(api) and {'ErpConnectionId': 1}, None),
    'SaveConnectionListMappings': lambda api: (mapped_customer(api) and {
        'ListMapping': api.call('GetConnectionListMappings', {'ErpConnectionId': 1})}, None),
    'SyncAll': lambda api: (None, None),
    'ForceSyncAll': lambda api: (None, None),
    'ForceResync': lambda api: ({'ErpConnectionId': 1, 'InternalKeyIds': [12]}, None),
    'ForceResyncNoBlankValues': lambda api: ({'ErpConnectionId': 0, 'InternalKeyIds': []}, None),
    'ForceResyncExternal': lambda api: ({'ErpConnectionId': 1, 'ErpActorType': 'Customer', 'ExternalKeys': ['C1']}, None),
    'ForceResyncExternalNoBlankValues': lambda api: ({'ErpConnectionId': 1, 'ErpActorType': 'Customer', 'ExternalKeys': ['C1']}, None),
    'ForceResyncBatchTask': lambda api: ({'ErpConnectionId': 0, 'InternalKeyIds': [12]}, None),
    'SaveErpConnectionSyncPriorities': lambda api: ({'ErpConnectionIds': [2, 0, 1]}, None),
    'MoveErpFieldItem': lambda api: ({'ErpFieldId': field_id(api, 'GroupCode'), 'Direction': -1, 'ErpConnectionId': 1,
                                      'ErpActorType': 'Customer'}, None),
    'GetConnectionsAndDisplayFields': lambda api: (displayed(api) and {'CrmActorType': 'Contact', 'EntityId': 0}, None),
    'SupportsAdvancedSearch': lambda api: ({'ErpConnectionId': 1, 'ErpActorType': 'Customer'}, None),
}
# The Swagger's methods the emulator does not implement (they answer 404): runtime operations on single CRM records, and
# ValidateArchiveColumnConfig. The emulator README lists the same.
NOT_EMULATED = ['BreakActorLink', 'ConnectActor', 'CreateActorLink', 'CreateErpActorFromCrm', 'GetErpFieldValues',
                'GetFieldValuesFromCrm', 'GetFieldValuesFromErp', 'GetFieldsForNewErpActor', 'TryConnectActor',
                'ValidateArchiveColumnConfig']
MDO_LISTS = [
    ('erpconnections', {'flat': 'true'}),
    ('erpconnections', {'flat': 'true', 'additional': 'useRank=true'}),
    ('erpconnections', {'flat': 'true', 'additional': 'useRank=true&prefixwithconnector=true'}),
    ('category', {'flat': 'true'}),
    ('udlist', {'flat': 'true', 'additional': '12'}),
    ('udlist12', {'flat': 'true'}),
]
EMULATED = sorted(method.name for method in METHODS.values())


def test_every_emulated_method_is_in_the_swagger_and_has_a_contract_case():
    assert sorted(set(EMULATED) - set(CONTRACT.methods)) == []
    assert sorted(REQUESTS) == EMULATED
    assert sorted(set(CONTRACT.methods) - set(EMULATED)) == NOT_EMULATED
    assert (len(CONTRACT.methods), len(EMULATED)) == (49, 39)


@pytest.mark.parametrize('method', EMULATED)
def test_the_answer_matches_the_swagger(api, method):
    body, query = REQUESTS[method](api)
    answer = api.call(method, body, query)
    assert CONTRACT.answer_problems(method, answer) == []


@pytest.mark.parametrize('method', sorted(set(CONTRACT.methods) - set(EMULATED)))
def test_methods_not_emulated_are_unknown(api, method):
    response = api.session.post('%s/%s/api/v1/Agents/ErpSync/%s' % (api.base_url, TENANT, method), json={}, headers=AUTH, timeout=10)
    assert response.status_code == 404


@pytest.mark.parametrize('name, query', MDO_LISTS)
def test_mdo_lists_answer_swagger_mdo_list_items(api, name, query):
    response = api.session.get('%s/%s/api/v1/MDOList/%s' % (api.base_url, TENANT, name), params=query, headers=AUTH, timeout=10)
    assert response.status_code == 200, response.text
    items = response.json()
    assert items and CONTRACT.carrier_problems('SuperOffice.CRM.Services.MDOListItem', items) == []


def test_the_contract_refuses_what_the_swagger_does_not_name():
    # The checks themselves: a misspelt property, a wrong type, a null where .NET has a value type.
    assert CONTRACT.request_problems('GetConnection', {'ErpConnectionID': 1})
    assert CONTRACT.answer_problems('GetEngineStatus', {'IsRunning': 'yes', 'StatusMessage': '', 'Interval': '00:05:00'})
    assert CONTRACT.answer_problems('GetEngineStatus', {'IsRunning': None, 'StatusMessage': None, 'Interval': None})
    assert not CONTRACT.answer_problems('GetEngineStatus', {'IsRunning': True, 'StatusMessage': None, 'Interval': '00:05:00'})
    assert CONTRACT.carrier_problems('SuperOffice.CRM.Services.MDOListItem', [{'Id': 1, 'Name': 'x', 'Extra': ''}])
    assert CONTRACT.carrier_problems('SuperOffice.CRM.Services.MDOListItem', [{'Id': '1'}])
