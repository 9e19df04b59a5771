# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_actor_mapping: exact request sequences for mapping, defaults, exclusive fields, refresh, check mode and refusals.

import copy

from ansible_collections.superoffice.crm.plugins.modules import erpsync_actor_mapping
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import (
    LIST, connection, default, listed, mapping, row, saved_mapping)

CONN = listed(connection(7))
CUSTOMER = {'ErpConnectionId': 7, 'ActorType': 'Customer'}


def run(run_module, args, **kwargs):
    return run_module(erpsync_actor_mapping.main, dict(dict(connection='Visma', actor_type='Customer'), **args), **kwargs)


def sent_mapping(current, active=None, **rows):
    """The SaveActorTypeMapping body: the mapping read (without metadata), with row changes by ERP field key."""
    body = copy.deepcopy(current)
    for key in ('TableRight', 'FieldProperties'):
        body.pop(key)
    body['FieldMappings'] = [dict((k, v) for k, v in r.items() if k not in ('TableRight', 'FieldProperties')) for r in body['FieldMappings']]
    for r in body['FieldMappings']:
        r.update(rows.get(r['ErpFieldKey'], {}))
    if active is not None:
        body['IsActive'] = active
    return {'Mapping': body}


def test_map_fields_and_activate(webapi, run_module):
    current = mapping(7)
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    body = sent_mapping(current, active=True, Name=dict(CrmFieldKey='contact.name', SyncToCrm=True, SyncToErp=True, ShowInSearch=True),
                        Email=dict(CrmFieldKey='contact.email', SyncToCrm=True))
    webapi.expect('SaveActorTypeMapping', body, saved_mapping(body))
    result = run(run_module, dict(active=True, fields=[
        dict(erp_field='Name', crm_field='contact.name', direction='both', show_in_search=True),
        dict(erp_field='Email', crm_field='contact.email', direction='to_crm')]), diff=True)
    assert result['changed'] is True
    assert result['operations'] == ['mapping updated']
    fields = dict((f['erp_field'], f) for f in result['mapping']['fields'])
    assert fields['Name']['direction'] == 'both' and fields['Email']['direction'] == 'to_crm'
    assert result['diff']['before']['active'] is False and result['diff']['after']['active'] is True


def test_unchanged_mapping_reads_only(webapi, run_module):
    current = mapping(7, active=True, rows=[row(101, 'Name', 'contact.name', True, True, access='Mandatory'), row(102, 'Email')])
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    result = run(run_module, dict(active=True, fields=[dict(erp_field='Name', crm_field='contact.name', direction='both')]))
    assert result['changed'] is False
    assert webapi.methods == ['GetAllConnections', 'GetActorTypeMapping']


def test_check_mode_predicts_without_writing(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7))
    result = run(run_module, dict(fields=[dict(erp_field='Email', crm_field='contact.email', direction='to_erp')]), check_mode=True)
    assert result['changed'] is True
    assert [f for f in result['mapping']['fields'] if f['erp_field'] == 'Email'][0]['direction'] == 'to_erp'


def test_a_default_value_is_read_and_saved_after_the_mapping(webapi, run_module):
    current = mapping(7)
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 102}, default(102, 'Email'))
    wanted = dict((k, v) for k, v in default(102, 'Email', value='info@example.com', prompt=True).items()
                  if k not in ('TableRight', 'FieldProperties'))
    webapi.expect('SaveDefaultValueInfo', {'ErpSyncDefaultValue': wanted}, default(102, 'Email', value='info@example.com', prompt=True))
    result = run(run_module, dict(fields=[dict(erp_field='Email', default='info@example.com', prompt_user=True)]))
    assert result['operations'] == ['default of Email updated']
    assert webapi.methods == ['GetAllConnections', 'GetActorTypeMapping', 'GetDefaultValueInfo', 'SaveDefaultValueInfo']


def expect_an_activation_with_a_default(webapi):
    current = mapping(7)
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 102}, default(102, 'Email'))
    inactive = sent_mapping(current, Name=dict(CrmFieldKey='contact.name', SyncToCrm=True, SyncToErp=True))
    webapi.expect('SaveActorTypeMapping', inactive, saved_mapping(inactive))
    return inactive


ACTIVATED_WITH_A_DEFAULT = dict(active=True, fields=[dict(erp_field='Name', crm_field='contact.name', direction='both'),
                                                     dict(erp_field='Email', default='info@example.com')])


def test_an_actor_type_is_activated_after_its_defaults(webapi, run_module):
    # The fields are saved with the flag as it was, then the default, then the flag: the actor type never synchronizes
    # without its default (one more save, only for an activation that has something to wait for).
    inactive = expect_an_activation_with_a_default(webapi)
    webapi.expect('SaveDefaultValueInfo', answer=default(102, 'Email', value='info@example.com'))
    active = copy.deepcopy(inactive)
    active['Mapping']['IsActive'] = True
    webapi.expect('SaveActorTypeMapping', active, saved_mapping(active))
    result = run(run_module, ACTIVATED_WITH_A_DEFAULT, diff=True)
    assert result['operations'] == ['mapping updated', 'default of Email updated', 'mapping activated']
    assert result['mapping']['active'] is True and result['diff']['after']['active'] is True


def test_an_actor_type_whose_default_failed_is_not_activated(webapi, run_module):
    expect_an_activation_with_a_default(webapi)
    webapi.expect('SaveDefaultValueInfo', status=400, answer={'Message': 'The request is invalid.'})
    result = run(run_module, ACTIVATED_WITH_A_DEFAULT)
    assert result['failed'] is True and result['mapping']['active'] is False
    assert webapi.methods.count('SaveActorTypeMapping') == 1
    assert result['msg'].startswith('ErpSync SaveDefaultValueInfo failed: HTTP 400')
    assert 'so actor type Customer was not activated (it stays inactive) (done before the failure: mapping updated)' in result['msg']


def test_exclusive_fields_unmap_the_others(webapi, run_module):
    current = mapping(7, active=True, rows=[row(101, 'Name', 'contact.name', True, True), row(102, 'Email', 'contact.email', True, False)])
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    body = sent_mapping(current, Email=dict(CrmFieldKey='', SyncToCrm=False, SyncToErp=False))
    webapi.expect('SaveActorTypeMapping', body, saved_mapping(body))
    result = run(run_module, dict(fields=[dict(erp_field='Name')], exclusive_fields=True))
    assert result['operations'] == ['mapping updated']


def test_refresh_fields_asks_the_connector_first(webapi, run_module):
    current = mapping(7, active=True, rows=[row(101, 'Name', 'contact.name', True, True)])
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('UpdateConnectionFields', {'ErpConnectionId': 7}, True)
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    result = run(run_module, dict(active=True, refresh_fields=True, fields=[dict(erp_field='Name', direction='both')]))
    assert result['changed'] is False


def test_unknown_erp_field_lists_the_fields_before_any_write(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7))
    result = run(run_module, dict(fields=[dict(erp_field='Phone', crm_field='contact.phone', direction='both')]))
    assert result['failed'] is True
    assert 'ERP field Phone is not offered for actor type Customer' in result['msg']
    assert 'its fields are: Email, Name, PriceList' in result['msg']


def test_a_crm_field_twice_and_a_direction_on_a_read_only_field_fail_before_any_write(webapi, run_module):
    current = mapping(7, rows=[row(101, 'Name', access='Mandatory'), row(102, 'Email', 'contact.email', True), row(104, 'Number', access='ReadOnly')])
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    result = run(run_module, dict(fields=[dict(erp_field='Name', crm_field='contact.email', direction='both'),
                                          dict(erp_field='Number', direction='to_crm')]))
    assert result['failed'] is True
    assert 'the connector marks this ERP field read-only' in result['msg']
    assert 'CRM field contact.email would be mapped from 2 ERP fields (Name, Email)' in result['msg']
    assert 'Nothing was changed' in result['msg']


def test_a_save_the_server_does_not_store_as_sent_is_an_error(webapi, run_module):
    current = mapping(7)
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    webapi.expect('SaveActorTypeMapping', answer=current)  # answered unchanged
    result = run(run_module, dict(active=True))
    assert result['failed'] is True
    assert 'SaveActorTypeMapping answered a mapping that differs from the one sent (IsActive)' in result['msg']


def test_an_unknown_connection_lists_the_live_ones(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    result = run(run_module, dict(connection='Tripletex', active=True))
    assert result['failed'] is True
    assert "'Visma' (id 7)" in result['msg']
