# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_mapping_info: the reads, and results in exactly the shape erpsync_actor_mapping and erpsync_list_mapping take.

from ansible_collections.superoffice.crm.plugins.module_utils._resources.actor_mapping import MAPPING_OPTIONS
from ansible_collections.superoffice.crm.plugins.module_utils._resources.list_mapping import LIST_OPTIONS
from ansible_collections.superoffice.crm.plugins.modules import erpsync_mapping_info
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import (
    LIST, META, connection, default, list_container, list_entry, listed, mapping, mdo_item, row)

CONN = listed(connection(7))
SUMMARY = dict(META, DisplayName='Visma', Active=False, Deleted=False, LastSync='',
               Actors=[dict(META, ActorType='Customer', HasMappings=True, Defaults='', Mappings='3'), dict(META, ActorType='Person')])


def test_reads_every_actor_type_of_the_connection_with_defaults(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetErpSyncConnectionSummary', {'ErpSyncConnectionId': 7}, SUMMARY)
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Customer'},
                  mapping(7, active=True, rows=[row(101, 'Name', 'contact.name', True, True), row(103, 'PriceList', 'contact.category', True)]))
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Person'}, mapping(7, 'Person', rows=[row(201, 'FirstName')],
                                                                                                crm='Person'))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 101}, default(101, 'Name', value='Unknown'))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 103}, default(103, 'PriceList'))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 201}, default(201, 'FirstName'))
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7},
                  list_container(7, [list_entry(103, 'PriceList', {'A': mdo_item(1, 'A customer'), 'B': None})]))
    webapi.expect('SupportsAdvancedSearch', {'ErpConnectionId': 7, 'ErpActorType': 'Customer'}, True)
    webapi.expect('SupportsAdvancedSearch', {'ErpConnectionId': 7, 'ErpActorType': 'Person'}, False)
    result = run_module(erpsync_mapping_info.main, dict(connection='Visma', include_defaults=True))
    assert result['changed'] is False
    assert result['connection'] == dict(id=7, name='Visma')
    assert result['crm_actor_types'] == {'Customer': 'Contact', 'Person': 'Person'}
    # Beside the mappings, not in them: they are fed back to erpsync_actor_mapping as they are.
    assert result['advanced_search'] == {'Customer': True, 'Person': False}
    customer = result['mappings'][0]
    assert customer['actor_type'] == 'Customer' and customer['active'] is True
    assert [f['erp_field'] for f in customer['fields']] == ['Name', 'PriceList']
    assert [f for f in customer['fields'] if f['erp_field'] == 'Name'][0]['default'] == 'Unknown'
    assert result['mappings'][1] == dict(actor_type='Person', active=False, fields=[])
    assert result['list_mappings'] == [dict(erp_field='PriceList', items={'A': 1, 'B': None})]
    assert result['list_details'][0]['crm_list'] == 'Category'
    # The shapes the writing modules take, key for key.
    for item in result['mappings']:
        assert set(item) <= set(MAPPING_OPTIONS)
        for field in item['fields']:
            assert set(field) <= set(MAPPING_OPTIONS['fields']['options'])
    for entry in result['list_mappings']:
        assert set(entry) <= set(LIST_OPTIONS)


def test_given_actor_types_without_lists(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Supplier'}, mapping(7, 'Supplier', rows=[]))
    webapi.expect('SupportsAdvancedSearch', {'ErpConnectionId': 7, 'ErpActorType': 'Supplier'}, False)
    result = run_module(erpsync_mapping_info.main, dict(connection='7', actor_types=['Supplier'], include_lists=False))
    assert result['mappings'] == [dict(actor_type='Supplier', active=False, fields=[])]
    assert result['list_mappings'] == []


def test_a_confused_advanced_search_answer_is_an_error(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Supplier'}, mapping(7, 'Supplier', rows=[]))
    webapi.expect('SupportsAdvancedSearch', {'ErpConnectionId': 7, 'ErpActorType': 'Supplier'}, 'yes')
    result = run_module(erpsync_mapping_info.main, dict(connection='7', actor_types=['Supplier'], include_lists=False))
    assert result['failed'] is True
    assert 'ErpSync SupportsAdvancedSearch answered something this collection cannot use: the answer is a string, expected true or false' \
        in result['msg']
