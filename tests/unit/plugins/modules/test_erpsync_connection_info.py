# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json

from ansible_collections.superoffice.crm.plugins.modules import erpsync_connection_info

SECRET = 'Readable-Secret-3344'
FIELDS = [{'FieldKey': 'ApiUrl', 'FieldType': 'Text'}, {'FieldKey': 'ApiKey', 'FieldType': 'Password'}]


def record(conn_id, name, active=False, connector=3, deleted=False, config=None):
    return {
        'ErpConnectionId': conn_id, 'ErpConnectorId': connector, 'DisplayName': name, 'DisplayDescription': None,
        'Active': active, 'ConnectionId': 'guid-%d' % conn_id, 'MostRecentTimestamp': '', 'ConfigFields': config or {},
        'Deleted': deleted, 'AllAccess': False, 'UserGroupAccessIds': [3, 1], 'AssociateAccessIds': None,
        'TableRight': {'Mask': 'FULL', 'Reason': ''}, 'FieldProperties': {},
    }


RECORDS = [record(1, 'A', active=True), record(2, 'B'), record(3, 'C', active=True, connector=5)]


def test_all_connections_with_one_request(webapi, run_module):
    webapi.expect('GetAllConnections', {'IncludeDeleted': False}, RECORDS)
    result = run_module(erpsync_connection_info.main, {}, check_mode=True)
    assert result['changed'] is False
    assert [c['id'] for c in result['connections']] == [1, 2, 3]
    assert result['connections'][0] == {
        'id': 1, 'name': 'A', 'description': '', 'active': True, 'connector_id': 3, 'connection_guid': 'guid-1', 'all_access': False,
        'user_group_ids': [1, 3], 'associate_ids': [], 'deleted': False, 'most_recent_timestamp': '', 'config': None}
    assert webapi.methods == ['GetAllConnections']


def test_filters_are_applied_locally(webapi, run_module):
    webapi.expect('GetAllConnections', {'IncludeDeleted': False}, RECORDS)
    result = run_module(erpsync_connection_info.main, dict(active=True, name='C'))
    assert [c['id'] for c in result['connections']] == [3]
    webapi.expect('GetAllConnections', {'IncludeDeleted': False}, RECORDS)
    result = run_module(erpsync_connection_info.main, dict(id=2))
    assert [c['name'] for c in result['connections']] == ['B']
    webapi.expect('GetAllConnections', {'IncludeDeleted': False}, RECORDS)
    result = run_module(erpsync_connection_info.main, dict(name='nope'))
    assert result['connections'] == []


def test_include_deleted(webapi, run_module):
    webapi.expect('GetAllConnections', {'IncludeDeleted': True}, RECORDS + [record(4, 'Gone', deleted=True)])
    result = run_module(erpsync_connection_info.main, dict(include_deleted=True, active=False))
    assert [(c['id'], c['deleted']) for c in result['connections']] == [(2, False), (4, True)]


def test_include_config_masks_secrets_and_reads_fields_once_per_connector(webapi, run_module):
    webapi.expect('GetAllConnections', {'IncludeDeleted': False}, RECORDS)
    webapi.expect('GetConnection', {'ErpConnectionId': 1}, record(1, 'A', True, config={'ApiUrl': 'https://a', 'ApiKey': SECRET}))
    webapi.expect('GetConnection', {'ErpConnectionId': 2}, record(2, 'B', config={'ApiUrl': 'https://b', 'ApiKey': ''}))
    webapi.expect('GetConnection', {'ErpConnectionId': 3}, record(3, 'C', True, connector=5, config={'ApiUrl': 'https://c'}))
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 5}, FIELDS)
    result = run_module(erpsync_connection_info.main, dict(include_config=True))
    assert [c['config'] for c in result['connections']] == [
        {'ApiUrl': 'https://a', 'ApiKey': '********'}, {'ApiUrl': 'https://b', 'ApiKey': ''}, {'ApiUrl': 'https://c'}]
    assert SECRET not in json.dumps(result)


def test_null_config_read_fails(webapi, run_module):
    webapi.expect('GetAllConnections', {'IncludeDeleted': False}, RECORDS)
    webapi.expect('GetConnection', {'ErpConnectionId': 2}, None)
    result = run_module(erpsync_connection_info.main, dict(id=2, include_config=True))
    assert result['failed'] is True
    assert 'GetConnection answered null for connection B (id 2)' in result['msg']


def test_blank_name_fails_before_any_request(webapi, run_module):
    result = run_module(erpsync_connection_info.main, dict(name=' '))
    assert result['failed'] is True
    assert 'name must not be empty' in result['msg']


def test_read_failure(webapi, run_module):
    webapi.expect('GetAllConnections', {'IncludeDeleted': False}, status=403)
    result = run_module(erpsync_connection_info.main, {})
    assert result['failed'] is True
    assert result['status'] == 403
    assert result['changed'] is False
