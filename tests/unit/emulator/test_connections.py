# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import re

import pytest

from .conftest import AUTH, ONLINE, ONLINE2, ONSITE, VISMA_SECRET

CONNECTION_KEYS = {'ErpConnectionId', 'ErpConnectorId', 'DisplayName', 'DisplayDescription', 'Active', 'ConnectionId', 'MostRecentTimestamp',
                   'ConfigFields', 'Deleted', 'AllAccess', 'UserGroupAccessIds', 'AssociateAccessIds', 'TableRight', 'FieldProperties'}
FIELD_KEYS = {'FieldKey', 'Rank', 'DisplayName', 'DisplayDescription', 'FieldType', 'ListName', 'DefaultValue', 'MaxLength', 'Access', 'ShowInSearch'}


def assert_invalid(response, detail_part, status=200):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {'Message', 'MessageDetail'}
    assert body['Message'] == 'The request is invalid.'
    assert detail_part in body['MessageDetail']


def assert_refused(response, detail_part):
    """A business rule's refusal: 200 with the REST error object (emulator README, "Errors")."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {'Error', 'ErrorType', 'ErrorMessage', 'ErrorSource'}
    assert body['Error'] is True and body['ErrorType'] == 'SoException'
    assert detail_part in body['ErrorMessage']


def new_connection(**changes):
    conn = {'ErpConnectionId': 0, 'ErpConnectorId': 1, 'DisplayName': 'Visma new', 'DisplayDescription': 'created by a test',
            'Active': True, 'ConnectionId': '', 'MostRecentTimestamp': '', 'Deleted': False, 'AllAccess': False,
            'UserGroupAccessIds': [3], 'AssociateAccessIds': [7, 8],
            'ConfigFields': {'ApiUrl': 'https://x.example/api', 'CompanyId': '42', 'ClientSecret': 'brand-new-secret', 'Note': ''}}
    conn.update(changes)
    return conn


# -- reads ---------------------------------------------------------------------------------


def test_get_all_connections_hides_deleted_and_config(client):
    live = client.ok(ONLINE, 'GetAllConnections', {'IncludeDeleted': False})
    assert [c['ErpConnectionId'] for c in live] == [1, 2, 4]
    for conn in live:
        assert set(conn) == CONNECTION_KEYS
        assert conn['ConfigFields'] == {}
        assert conn['TableRight'] == {'Mask': 'FULL', 'Reason': ''} and conn['FieldProperties'] == {}
    everything = client.ok(ONLINE, 'GetAllConnections', {'IncludeDeleted': True})
    assert [(c['ErpConnectionId'], c['Deleted']) for c in everything] == [(1, False), (2, False), (3, True), (4, False)]
    # IncludeDeleted is optional (false), the body may be absent.
    assert [c['ErpConnectionId'] for c in client.ok(ONLINE, 'GetAllConnections')] == [1, 2, 4]


def test_get_connection_masks_passwords(client):
    conn = client.ok(ONLINE, 'GetConnection', {'ErpConnectionId': 1})
    assert set(conn) == CONNECTION_KEYS
    assert conn['ConfigFields'] == {'ApiUrl': 'https://integration.visma.net/API/', 'CompanyId': '1234567', 'ClientSecret': '', 'Note': 'prod'}
    assert (conn['Active'], conn['Deleted'], conn['MostRecentTimestamp']) == (True, False, '2026-01-01T00:00:00')
    assert client.ok(ONLINE, 'GetErpConnectionConfigFields', {'ErpConnectionId': 1})['ClientSecret'] == ''


def test_password_fields_readable_tenant(client):
    assert client.ok(ONSITE, 'GetConnection', {'ErpConnectionId': 1})['ConfigFields']['ClientSecret'] == VISMA_SECRET
    assert client.ok(ONSITE, 'GetErpConnectionConfigFields', {'ErpConnectionId': 1})['ClientSecret'] == VISMA_SECRET


def test_deleted_connection_is_still_readable(client):
    conn = client.ok(ONLINE, 'GetConnection', {'ErpConnectionId': 3})
    assert (conn['Deleted'], conn['Active']) == (True, False)
    assert conn['ConfigFields'] == {'ConsumerToken': '', 'EmployeeToken': ''}


@pytest.mark.parametrize('method', ['GetConnection', 'GetErpConnectionConfigFields', 'ToggleErpConnectionActive'])
def test_unknown_id_is_200_null(client, method):
    response = client.call(ONLINE, method, {'ErpConnectionId': 999})
    assert response.status_code == 200
    assert response.text == 'null'
    assert response.json() is None


@pytest.mark.parametrize('method', ['GetConnection', 'GetErpConnectionConfigFields', 'DeleteConnection', 'ToggleErpConnectionActive',
                                    'TestConnectionById'])
def test_missing_id_is_200_error_object(client, method):
    assert_invalid(client.call(ONLINE, method, {}), 'ErpConnectionId')
    assert_invalid(client.call(ONLINE, method), 'ErpConnectionId')  # no body at all


@pytest.mark.parametrize('value', ['abc', '5', 1.5, True, [1], {'id': 1}, 2 ** 40])
def test_non_integer_id_is_400(client, value):
    assert_invalid(client.call(ONLINE, 'GetConnection', {'ErpConnectionId': value}), 'ErpConnectionId', status=400)


def test_parameter_names_are_case_insensitive(client):
    assert client.ok(ONLINE, 'GetConnection', {'erpConnectionId': 2})['ErpConnectionId'] == 2


@pytest.mark.parametrize('raw', [b'{not json', b'\xff\xfe', b'[1, 2]', b'"text"'])
def test_body_not_a_json_object_is_400(client, raw):
    response = client.call(ONLINE, 'GetConnection', raw=raw, headers={'Content-Type': 'application/json'})
    assert_invalid(response, '', status=400)


# -- SaveConnection ------------------------------------------------------------------------


def test_create(client):
    saved = client.ok(ONLINE, 'SaveConnection', {'Connection': new_connection()})
    assert set(saved) == CONNECTION_KEYS
    assert saved['ErpConnectionId'] == 5
    assert saved['Active'] is False  # the payload's Active is ignored on create
    assert re.match(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', saved['ConnectionId'])
    assert saved['ConfigFields']['ClientSecret'] == ''
    assert (saved['AllAccess'], saved['UserGroupAccessIds'], saved['AssociateAccessIds']) == (False, [3], [7, 8])
    stored = client.connection(ONLINE, 5)
    assert stored['ConfigFields']['ClientSecret'] == 'brand-new-secret'
    assert stored['ConnectionId'] == saved['ConnectionId']
    second = client.ok(ONLINE, 'SaveConnection', {'Connection': new_connection(DisplayName='another')})
    assert second['ErpConnectionId'] == 6 and second['ConnectionId'] != saved['ConnectionId']


def test_create_keeps_given_connection_guid(client):
    saved = client.ok(ONLINE, 'SaveConnection', {'Connection': new_connection(ConnectionId='aaaaaaaa-0000-4000-8000-000000000001')})
    assert saved['ConnectionId'] == 'aaaaaaaa-0000-4000-8000-000000000001'
    duplicate = client.call(ONLINE, 'SaveConnection', {'Connection': new_connection(ConnectionId='aaaaaaaa-0000-4000-8000-000000000001')})
    assert_refused(duplicate, 'ConnectionId')


def test_update_is_a_full_replace(client):
    before = client.connection(ONLINE, 1)
    # A client that round-trips only some fields resets the others - MostRecentTimestamp included.
    payload = {'ErpConnectionId': 1, 'ErpConnectorId': 1, 'DisplayName': 'Visma renamed', 'MostRecentTimestamp': '', 'Active': False}
    saved = client.ok(ONLINE, 'SaveConnection', {'Connection': payload})
    assert saved['MostRecentTimestamp'] == ''
    assert saved['DisplayDescription'] == ''
    assert saved['AllAccess'] is False
    assert saved['Active'] is True  # not changed by SaveConnection
    stored = client.connection(ONLINE, 1)
    assert stored['MostRecentTimestamp'] == '' and stored['DisplayName'] == 'Visma renamed'
    assert stored['ConfigFields'] == before['ConfigFields']  # ConfigFields absent (null): config kept
    assert stored['ConnectionId'] == before['ConnectionId']  # a blank GUID keeps the stored one


def test_update_keeps_absent_password_fields(client):
    conn = client.ok(ONLINE, 'GetConnection', {'ErpConnectionId': 2})
    conn['ConfigFields'] = {'ApiUrl': 'https://new.example/api', 'CompanyId': '7654321'}  # no ClientSecret, no Note
    saved = client.ok(ONLINE, 'SaveConnection', {'Connection': conn})
    assert saved['ConfigFields'] == {'ApiUrl': 'https://new.example/api', 'CompanyId': '7654321', 'ClientSecret': ''}
    stored = client.connection(ONLINE, 2)['ConfigFields']
    assert stored == {'ApiUrl': 'https://new.example/api', 'CompanyId': '7654321', 'ClientSecret': VISMA_SECRET}  # Note dropped


def test_update_with_blank_password_overwrites_it(client):
    conn = client.ok(ONLINE, 'GetConnection', {'ErpConnectionId': 2})  # the read gives ClientSecret ""
    client.ok(ONLINE, 'SaveConnection', {'Connection': conn})
    assert client.connection(ONLINE, 2)['ConfigFields']['ClientSecret'] == ''


def test_update_with_null_config_keeps_config(client):
    before = client.connection(ONLINE, 2)['ConfigFields']
    conn = client.ok(ONLINE, 'GetConnection', {'ErpConnectionId': 2})
    conn['ConfigFields'] = None
    conn['DisplayName'] = 'still configured'
    client.ok(ONLINE, 'SaveConnection', {'Connection': conn})
    assert client.connection(ONLINE, 2)['ConfigFields'] == before


def test_active_connection_config_change_refused(client):
    before = client.state(ONLINE)
    conn = client.ok(ONLINE, 'GetConnection', {'ErpConnectionId': 1})
    conn['ConfigFields'] = {'ApiUrl': 'https://changed.example/api', 'CompanyId': '1234567', 'Note': 'prod'}
    assert_refused(client.call(ONLINE, 'SaveConnection', {'Connection': conn}), 'active')
    assert client.state(ONLINE)['connections'] == before['connections']
    # The admin rule: deactivate, save, reactivate.
    assert client.ok(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 1}) == ['']
    client.ok(ONLINE, 'SaveConnection', {'Connection': conn})
    assert client.ok(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 1}) == ['']
    stored = client.connection(ONLINE, 1)
    assert stored['Active'] is True
    assert stored['ConfigFields']['ApiUrl'] == 'https://changed.example/api'
    assert stored['ConfigFields']['ClientSecret'] == VISMA_SECRET


def test_active_connection_other_fields_may_change(client):
    conn = client.ok(ONLINE, 'GetConnection', {'ErpConnectionId': 1})
    del conn['ConfigFields']['ClientSecret']  # absent Password field: kept, so the config is unchanged
    conn['DisplayName'] = 'renamed while active'
    assert client.ok(ONLINE, 'SaveConnection', {'Connection': conn})['DisplayName'] == 'renamed while active'


@pytest.mark.parametrize('changes, detail', [
    ({'ErpConnectorId': 99}, 'ErpConnector 99'),
    ({'ErpConnectionId': 99}, 'ErpConnection 99'),
    ({'ErpConnectionId': 3}, 'deleted'),
    ({'DisplayName': 'x' * 255}, 'DisplayName'),
    ({'DisplayDescription': 'x' * 255}, 'DisplayDescription'),
])
def test_save_refusals_store_nothing(client, changes, detail):
    before = client.state(ONLINE)
    assert_invalid(client.call(ONLINE, 'SaveConnection', {'Connection': new_connection(**changes)}), detail)
    after = client.state(ONLINE)
    assert (after['connections'], after['next_connection_id']) == (before['connections'], before['next_connection_id'])


def test_save_display_name_of_254_is_fine(client):
    assert client.ok(ONLINE, 'SaveConnection', {'Connection': new_connection(DisplayName='x' * 254)})['ErpConnectionId'] == 5


@pytest.mark.parametrize('body', [{}, {'Connection': None}])
def test_save_missing_connection(client, body):
    assert_invalid(client.call(ONLINE, 'SaveConnection', body), 'Connection')


@pytest.mark.parametrize('changes', [{'ErpConnectionId': 'one'}, {'ErpConnectorId': '1'}, {'DisplayName': 5},
                                     {'ConfigFields': {'CompanyId': 42}}, {'ConfigFields': ['a']}, {'UserGroupAccessIds': ['x']},
                                     {'AllAccess': 'yes'}])
def test_save_malformed_is_400(client, changes):
    before = client.state(ONLINE)['connections']
    assert_invalid(client.call(ONLINE, 'SaveConnection', {'Connection': new_connection(**changes)}), '', status=400)
    assert client.state(ONLINE)['connections'] == before


# -- delete, toggle, test --------------------------------------------------------------------


def test_delete_is_soft_and_void(client):
    response = client.call(ONLINE, 'DeleteConnection', {'ErpConnectionId': 1})
    assert response.status_code == 204 and response.content == b''
    assert [c['ErpConnectionId'] for c in client.ok(ONLINE, 'GetAllConnections', {'IncludeDeleted': False})] == [2, 4]
    deleted = [c for c in client.ok(ONLINE, 'GetAllConnections', {'IncludeDeleted': True}) if c['ErpConnectionId'] == 1][0]
    assert (deleted['Deleted'], deleted['Active']) == (True, False)
    # Already deleted and unknown ids are void too.
    assert client.call(ONLINE, 'DeleteConnection', {'ErpConnectionId': 1}).status_code == 204
    assert client.call(ONLINE, 'DeleteConnection', {'ErpConnectionId': 999}).status_code == 204
    assert client.ok(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 1}) is None
    assert client.ok(ONLINE, 'TestConnectionById', {'ErpConnectionId': 1}) is False


def test_toggle_flips(client):
    assert client.ok(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 2}) == ['']
    assert client.connection(ONLINE, 2)['Active'] is True
    assert client.ok(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 2}) == ['']
    assert client.connection(ONLINE, 2)['Active'] is False


def test_toggle_refused_activation(client):
    reasons = client.ok(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 4})
    assert reasons == ['Mandatory field CompanyId has no value.', 'No field mappings for actor type Customer.']
    assert client.connection(ONLINE, 4)['Active'] is False


def test_toggle_deactivation_always_succeeds(client):
    assert client.admin('PUT', 'tenants/%s/toggle_failures' % ONLINE, {'1': ['would block activation']}).status_code == 200
    assert client.ok(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 1}) == ['']
    assert client.connection(ONLINE, 1)['Active'] is False
    assert client.ok(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 1}) == ['would block activation']
    assert client.state(ONLINE)['toggle_failures'] == {'1': ['would block activation']}  # PUT replaced the data file's rules


def test_test_connection_by_id(client):
    assert client.ok(ONLINE, 'TestConnectionById', {'ErpConnectionId': 1}) is True
    assert client.ok(ONLINE, 'TestConnectionById', {'ErpConnectionId': 2}) is True
    assert client.ok(ONLINE, 'TestConnectionById', {'ErpConnectionId': 4}) is False  # mandatory CompanyId is blank
    assert client.ok(ONLINE, 'TestConnectionById', {'ErpConnectionId': 3}) is False  # deleted
    assert client.ok(ONLINE, 'TestConnectionById', {'ErpConnectionId': 999}) is False
    assert client.admin('PUT', 'tenants/%s/test_failures' % ONLINE, [1]).status_code == 200
    assert client.ok(ONLINE, 'TestConnectionById', {'ErpConnectionId': 1}) is False
    assert client.ok(ONLINE, 'TestConnectionById', {'ErpConnectionId': 2}) is True


def test_test_connection_after_password_wipe(client):
    conn = client.ok(ONLINE, 'GetConnection', {'ErpConnectionId': 2})
    client.ok(ONLINE, 'SaveConnection', {'Connection': conn})  # sends ClientSecret "" back: wiped
    assert client.ok(ONLINE, 'TestConnectionById', {'ErpConnectionId': 2}) is False


# -- connectors ------------------------------------------------------------------------------


def test_get_all_connectors(client):
    # Id, name and URL, as the ErpConnector archive has them: ListItem's only other member, ToolTip, holds the URL.
    assert client.ok(ONLINE, 'GetAllConnectors') == [
        {'Id': 1, 'Name': 'Visma.net', 'ToolTip': 'https://connectors.example.com/vismanet/ErpConnector.svc'},
        {'Id': 2, 'Name': 'Tripletex', 'ToolTip': 'https://connectors.example.com/tripletex/ErpConnector.svc'},
    ]
    entity = client.call(ONLINE, 'GetErpSyncConnectorEntity', params={'erpSyncConnectorEntityId': 1}).json()
    assert entity['URL'] == 'https://connectors.example.com/vismanet/ErpConnector.svc'


def test_get_configuration_fields(client):
    fields = client.ok(ONLINE, 'GetConfigurationFields', {'ErpConnectorId': 1})
    assert [f['FieldKey'] for f in fields] == ['ApiUrl', 'CompanyId', 'ClientSecret', 'Note']
    for field in fields:
        assert set(field) == FIELD_KEYS | {'TableRight', 'FieldProperties'}
    assert fields[2] == {'FieldKey': 'ClientSecret', 'Rank': 3, 'DisplayName': 'Client secret', 'DisplayDescription': '',
                         'FieldType': 'Password', 'ListName': '', 'DefaultValue': '', 'MaxLength': 0, 'Access': 'Mandatory',
                         'ShowInSearch': False, 'TableRight': {'Mask': 'FULL', 'Reason': ''}, 'FieldProperties': {}}
    assert fields[3]['DisplayName'] == 'Note' and fields[3]['Access'] == 'Normal'
    assert client.call(ONLINE, 'GetConfigurationFields', {'ErpConnectorId': 9}).text == 'null'
    assert_invalid(client.call(ONLINE, 'GetConfigurationFields', {}), 'ErpConnectorId')


# -- isolation ---------------------------------------------------------------------------------


def test_tenants_are_isolated(client):
    client.ok(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 2})
    client.ok(ONLINE, 'SaveConnection', {'Connection': new_connection()})
    client.call(ONLINE, 'ChangeEngineInterval', {'Interval': '02:00:00'})
    assert client.connection(ONLINE2, 2)['Active'] is False
    assert [c['ErpConnectionId'] for c in client.ok(ONLINE2, 'GetAllConnections')] == [1, 2, 4]
    assert client.ok(ONLINE2, 'GetEngineStatus')['Interval'] == '00:05:00'
    # One tenant's credentials do not open another.
    assert client.call(ONLINE2, 'GetEngineStatus', headers=AUTH[ONLINE], auth=False).status_code == 401


def test_a_lone_surrogate_in_a_name_is_answered_as_dotnet_writes_it(client):
    """Found by review (F18): a name sent as "\\ud800" (valid JSON; .NET strings are UTF-16 and keep it) made every later
    answer, and the admin API, fail with 500. .NET's UTF-8 encoder writes U+FFFD for it."""
    body = json.dumps({'Connection': new_connection(DisplayName='bad \ud800 name')}).encode('ascii')
    saved = client.call(ONLINE, 'SaveConnection', raw=body, headers={'Content-Type': 'application/json'})
    assert saved.status_code == 200, saved.text
    assert saved.json()['DisplayName'] == 'bad \ufffd name'
    names = [c['DisplayName'] for c in client.ok(ONLINE, 'GetAllConnections', {'IncludeDeleted': False})]
    assert 'bad \ufffd name' in names
    assert 'bad \ufffd name' in [c['DisplayName'] for c in client.state(ONLINE)['connections']]
