# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_list_mapping: exact request sequences; CRM items by id and by name, no selection, exclusive, refusals.

import pytest

from ansible_collections.superoffice.crm.plugins.module_utils._resources.list_mapping import list_source, strip_metadata
from ansible_collections.superoffice.crm.plugins.modules import erpsync_list_mapping
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import (
    LIST, connection, list_container, list_entry, listed, mapping, mdo_item, row)

CONN = listed(connection(7))
CATEGORY = [mdo_item(1, 'A customer'), mdo_item(2, 'B customer'), mdo_item(3, 'C customer')]
# CRM list items come from the MDO list of the CRM list (GET, not an agent method), read once per list and run.
MDO_CATEGORY = 'GET https://crm.example.com/SuperOffice/api/v1/MDOList/category'
FLAT = {'flat': 'true'}


def container(a=None, b=None, c=None):
    return list_container(7, [list_entry(103, 'PriceList', {'A': a, 'B': b, 'C': c})])


def run(run_module, args, **kwargs):
    return run_module(erpsync_list_mapping.main, dict(dict(connection='Visma'), **args), **kwargs)


def saved_body(planned):
    return {'ListMapping': strip_metadata(planned)}


def test_items_by_id_and_by_name_are_set(webapi, run_module):
    current = container(a=mdo_item(1, 'A customer'))
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7}, current)
    # The CRM list is the one the field's ListReference names ("table=category": the MDO list category).
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Customer'}, mapping(7))
    webapi.expect(MDO_CATEGORY, answer=CATEGORY, query=FLAT)
    planned = container(a=mdo_item(1, 'A customer'), b={'Id': 2, 'Name': 'B customer'}, c={'Id': 3, 'Name': 'C customer'})
    webapi.expect('SaveConnectionListMappings', saved_body(planned), planned)
    result = run(run_module, dict(lists=[dict(erp_list='PriceList', items={'A': 'A customer', 'B': 2, 'C': 'c customer'})]))
    assert result['changed'] is True
    assert result['operations'] == ['list mappings updated']
    assert result['list_mappings'][0]['items'] == {'A': 1, 'B': 2, 'C': 3}


def test_unchanged_by_id_needs_no_crm_list(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7}, container(a=mdo_item(1, 'A customer')))
    result = run(run_module, dict(lists=[dict(erp_list='PriceList', items={'A': 1, 'B': None})]))
    assert result['changed'] is False
    assert webapi.methods == ['GetAllConnections', 'GetConnectionListMappings']


def test_by_erp_field_reads_the_mapping_for_the_field_keys(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7}, container(a=mdo_item(1, 'A customer')))
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Customer'}, mapping(7))
    planned = container(a={'Id': 0, 'Name': '(No Selection)'})
    webapi.expect('SaveConnectionListMappings', saved_body(planned), planned)
    result = run(run_module, dict(lists=[dict(erp_field='PriceList', items={'A': None})]))
    assert result['operations'] == ['list mappings updated']


def test_exclusive_clears_the_items_not_given(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7}, container(a=mdo_item(1, 'A customer'), b=mdo_item(2, 'B customer')))
    planned = container(a=mdo_item(1, 'A customer'), b={'Id': 0, 'Name': '(No Selection)'})
    webapi.expect('SaveConnectionListMappings', saved_body(planned), planned)
    result = run(run_module, dict(lists=[dict(erp_list='PriceList', items={'A': 1})], exclusive=True))
    assert result['changed'] is True


def test_unknown_names_and_items_and_a_crm_item_twice_fail_before_any_write(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7}, container())
    result = run(run_module, dict(lists=[dict(erp_list='PriceList', items={'A': 'Platinum', 'B': 2, 'C': 2, 'Z': 1})]))
    assert result['failed'] is True
    assert 'ERP list item Z is not in the list' in result['msg']
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7}, container())
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Customer'}, mapping(7))
    webapi.expect(MDO_CATEGORY, answer=CATEGORY, query=FLAT)
    again = run(run_module, dict(lists=[dict(erp_list='PriceList', items={'A': 'Platinum', 'B': 2, 'C': 2})]))
    assert "CRM list item 'Platinum' is not in the CRM list Category; its items are: 1 (A customer)" in again['msg']
    assert 'CRM list item 2 would be chosen for more than one ERP item' in again['msg']
    assert 'SaveConnectionListMappings' not in webapi.methods


def test_a_list_that_is_not_mapped_names_the_mapped_ones(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7}, container())
    result = run(run_module, dict(lists=[dict(erp_list='Country', items={'NO': 1})]))
    assert result['failed'] is True
    assert "ERP list 'Country' is not a mapped list of connection id 7; its mapped lists are: PriceList (Customer)" in result['msg']


def test_check_mode_predicts_the_change(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7}, container())
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Customer'}, mapping(7))
    webapi.expect(MDO_CATEGORY, answer=CATEGORY, query=FLAT)  # a new CRM item id is checked against the list
    result = run(run_module, dict(lists=[dict(erp_list='PriceList', items={'A': 1})]), check_mode=True)
    assert result['changed'] is True
    assert result['list_mappings'][0]['items'] == {'A': 1, 'B': None, 'C': None}


def test_a_save_the_server_does_not_store_is_an_error(webapi, run_module):
    current = container()
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7}, current)
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Customer'}, mapping(7))
    webapi.expect(MDO_CATEGORY, answer=CATEGORY, query=FLAT)
    webapi.expect('SaveConnectionListMappings', answer=current)
    result = run(run_module, dict(lists=[dict(erp_list='PriceList', items={'A': 1})]))
    assert result['failed'] is True
    assert 'SaveConnectionListMappings answered list mappings that differ from the ones sent' in result['msg']


def test_a_user_defined_list_is_read_as_udlist_with_its_id(webapi, run_module):
    """ListReference "table=udlist&<extra id>=12" names a user-defined list: the MDO list udlist, its id as additional. Its
    CrmList.ExtraInfo is empty and its name is not a list name, so the 0.2 way could not find it."""
    entry = list_entry(103, 'PriceList', {'A': None}, crm_list='Price list')
    entry['CrmList']['ExtraInfo'] = ''
    current = list_container(7, [entry])
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7}, current)
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Customer'},
                  mapping(7, rows=[row(103, 'PriceList', 'contact.udef.pricelist', True, list_reference='table=udlist&udlistdefinition_id=12')]))
    webapi.expect('GET https://crm.example.com/SuperOffice/api/v1/MDOList/udlist', query={'flat': 'true', 'additional': '12'},
                  answer=[mdo_item(1, 'Base price'), mdo_item(2, 'Wholesale')])
    planned = list_container(7, [dict(entry, ErpCrmListItemMappings=[dict(entry['ErpCrmListItemMappings'][0], CrmListItem={'Id': 2, 'Name': 'Wholesale'})])])
    webapi.expect('SaveConnectionListMappings', saved_body(planned), planned)
    result = run(run_module, dict(lists=[dict(erp_field='PriceList', items={'A': 'Wholesale'})]))
    assert result['list_mappings'][0]['items'] == {'A': 2}
    assert webapi.methods.count('GetActorTypeMapping') == 1  # the field keys and the list reference come from one read


@pytest.mark.parametrize('reference, source', [
    ('table=category', ('category', None)),
    ('table=PersPos', ('perspos', None)),
    ('TABLE=udlist&udlistdefinition_id=12', ('udlist', '12')),
    ('table=udlist&listId=7', ('udlist', '7')),
    ('table=business&lang=no', ('business', 'lang=no')),
    ('', None),
    ('PriceList', None),
    ('table=udlist', None),
    ('table=udlist&a=1&b=2', None),
    ('table=udlist&id=x', None),
    ('table=a&table=b', None),
])
def test_list_references_name_mdo_lists(reference, source):
    assert list_source(reference) == source


def test_without_a_usable_reference_the_0_2_way_is_the_fallback_and_a_miss_names_both(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7}, container())
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Customer'},
                  mapping(7, rows=[row(103, 'PriceList', 'contact.category', True, list_reference='')]))
    webapi.expect(MDO_CATEGORY, query=FLAT, status=404, answer={'Message': 'No MDO list named category.'})
    result = run(run_module, dict(lists=[dict(erp_list='PriceList', items={'A': 'A customer'})]))
    assert result['failed'] is True and result['changed'] is False
    assert "it is the CRM list of ERP list 'PriceList' (ListReference ''), read as the MDO list category" in result['msg']
