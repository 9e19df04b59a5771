# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from ansible_collections.superoffice.crm.plugins.modules import erpsync_connector_info

CONNECTORS = [{'Id': 3, 'Name': 'Visma.net', 'ToolTip': 'https://c.example.com/visma'},
              {'Id': 5, 'Name': 'Tripletex', 'ToolTip': None}]
FIELDS = [
    {'FieldKey': 'ApiKey', 'Rank': 2, 'DisplayName': 'API key', 'DisplayDescription': 'Key', 'FieldType': 'Password', 'ListName': '',
     'DefaultValue': '', 'MaxLength': 64, 'Access': 'Normal', 'ShowInSearch': False},
    {'FieldKey': 'ApiUrl', 'Rank': 1, 'DisplayName': 'API URL', 'DisplayDescription': None, 'FieldType': 'Text', 'ListName': None,
     'DefaultValue': 'https://', 'MaxLength': 0, 'Access': 'Mandatory', 'ShowInSearch': True},
]


def entity(connector_id, name, url, deleted=False):
    return {'ErpConnectorId': connector_id, 'DisplayName': name, 'URL': url, 'Deleted': deleted, 'TableRight': None, 'FieldProperties': {}}


def expect_connector(webapi, connector_id, name, url, fields):
    """The URL lives in the entity (GetErpSyncConnectorEntity takes the id as a query parameter), the fields in the metadata."""
    webapi.expect('GetErpSyncConnectorEntity', {}, entity(connector_id, name, url), query={'erpSyncConnectorEntityId': connector_id})
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': connector_id}, fields)


def test_all_connectors_with_their_fields(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    expect_connector(webapi, 3, 'Visma.net', 'https://connectors.example.com/visma/ErpConnector.svc', FIELDS)
    expect_connector(webapi, 5, 'Tripletex', 'app://tripletex-sync', None)
    result = run_module(erpsync_connector_info.main, {}, check_mode=True)
    assert result['changed'] is False
    assert result['connectors'] == [
        {'id': 3, 'name': 'Visma.net', 'url': 'https://connectors.example.com/visma/ErpConnector.svc',
         'connector_url': 'https://connectors.example.com/visma/ErpConnector.svc', 'deleted': False, 'config_fields': [
             {'key': 'ApiUrl', 'name': 'API URL', 'description': '', 'type': 'Text', 'access': 'Mandatory', 'default': 'https://',
              'max_length': 0, 'rank': 1, 'list_name': '', 'show_in_search': True},
             {'key': 'ApiKey', 'name': 'API key', 'description': 'Key', 'type': 'Password', 'access': 'Normal', 'default': '',
              'max_length': 64, 'rank': 2, 'list_name': '', 'show_in_search': False}]},
        {'id': 5, 'name': 'Tripletex', 'url': 'app://tripletex-sync', 'connector_url': 'app://tripletex-sync', 'deleted': False,
         'config_fields': []},
    ]


def test_entity_answering_null_fails(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    webapi.expect('GetErpSyncConnectorEntity', {}, None)
    result = run_module(erpsync_connector_info.main, dict(id=3))
    assert result['failed'] is True
    assert "GetErpSyncConnectorEntity answered null for connector 'Visma.net' (id 3)" in result['msg']


def test_filter_by_name_reads_one_connector(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    expect_connector(webapi, 5, 'Tripletex', '', [])
    result = run_module(erpsync_connector_info.main, dict(name='TRIPLETEX'))
    assert [c['id'] for c in result['connectors']] == [5]


def test_filter_by_id(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    expect_connector(webapi, 3, 'Visma.net', '', FIELDS)
    result = run_module(erpsync_connector_info.main, dict(id=3))
    assert [c['name'] for c in result['connectors']] == ['Visma.net']


def test_no_match_is_an_empty_list(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    result = run_module(erpsync_connector_info.main, dict(id=99))
    assert result['connectors'] == []
    assert webapi.methods == ['GetAllConnectors']


def test_blank_name_fails_before_any_request(webapi, run_module):
    result = run_module(erpsync_connector_info.main, dict(name=''))
    assert result['failed'] is True
    assert 'name must not be empty' in result['msg']


def test_read_failure(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, status=404)
    result = run_module(erpsync_connector_info.main, {})
    assert result['failed'] is True
    assert result['status'] == 404
