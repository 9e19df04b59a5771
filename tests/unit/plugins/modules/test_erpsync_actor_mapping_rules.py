# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_actor_mapping and the admin screen's rules: which default member each option writes, mandatory defaults (needing
# "Set default value" or "Ask user", forced on fields the connector declares mandatory), AlreadyMapped, and the server's
# business-rule refusals in both of their shapes.

import pytest

from ansible_collections.superoffice.crm.plugins.modules import erpsync_actor_mapping, erpsync_tenant
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import LIST, META, connection, default, listed, mapping, row
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.test_erpsync_actor_mapping import sent_mapping

CONN = listed(connection(7))
CUSTOMER = {'ErpConnectionId': 7, 'ActorType': 'Customer'}
# The two shapes of a business-rule refusal: the agent's error object with HTTP 200, and the REST error (HTTP 500 here).
OTHER = "ERP field 'Email' cannot be synchronized one way to SuperOffice field contact.email: that field is already mapped in connection 'SAP' (id 3)"
REFUSALS = [
    (200, {'Error': True, 'ErrorType': 'SoException', 'ErrorMessage': OTHER, 'ErrorSource': 'ErpSyncAgent'}),
    (500, {'Message': 'An error has occurred.', 'MessageDetail': OTHER}),
]


def run(run_module, fields, **kwargs):
    return run_module(erpsync_actor_mapping.main, dict(connection='Visma', actor_type='Customer', fields=fields), **kwargs)


def body(field_id, key, **members):
    """The SaveDefaultValueInfo body: a blank default of the field with ``members``."""
    sent = dict(ErpFieldId=field_id, DefaultValue='', HasFirstSyncDefaultValue=False, FirstSyncDefaultValue='', PromptUser=False,
                Mandatory=False, ErpFieldKey=key, FieldType='Text', ListName='', Access=members.pop('Access', 'Normal'))
    sent.update(members)
    return {'ErpSyncDefaultValue': sent}


def stored(sent):
    return dict(META, **sent['ErpSyncDefaultValue'])


def test_first_sync_default_is_the_admin_screens_set_default_value(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 103}, default(103, 'PriceList'))
    sent = body(103, 'PriceList', HasFirstSyncDefaultValue=True, FirstSyncDefaultValue='Standard', PromptUser=True, Mandatory=True)
    webapi.expect('SaveDefaultValueInfo', sent, stored(sent))
    result = run(run_module, [dict(erp_field='PriceList', first_sync_default='Standard', prompt_user=True, mandatory=True)])
    assert result['operations'] == ['default of PriceList updated']
    assert [f for f in result['mapping']['fields'] if f['erp_field'] == 'PriceList'][0] == dict(
        erp_field='PriceList', crm_field='', direction='none', show_in_search=False, show_in_erp_tab=False, default='',
        first_sync_default='Standard', prompt_user=True, mandatory=True)


@pytest.mark.parametrize('field', [
    dict(erp_field='Email', default='info@example.com', mandatory=True),
    dict(erp_field='Email', mandatory=True),
    dict(erp_field='Email', first_sync_default='', mandatory=True),
])
def test_mandatory_needs_set_default_value_or_ask_user_before_any_request(webapi, run_module, field):
    result = run(run_module, [field])
    assert result['failed'] is True and result['changed'] is False
    assert 'fields[Email]: mandatory needs first_sync_default or prompt_user' in result['msg']
    assert webapi.calls == []


def test_a_default_of_a_connector_mandatory_field_is_saved_and_compared_as_mandatory(webapi, run_module):
    """The server stores such a default with Mandatory true whatever was sent: sending it so keeps the next run unchanged."""
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 101}, default(101, 'Name'))
    sent = body(101, 'Name', HasFirstSyncDefaultValue=True, FirstSyncDefaultValue='Acme', Mandatory=True)
    webapi.expect('SaveDefaultValueInfo', sent, stored(sent))
    result = run(run_module, [dict(erp_field='Name', first_sync_default='Acme')])
    assert result['operations'] == ['default of Name updated']
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 101}, stored(sent))
    again = run(run_module, [dict(erp_field='Name', first_sync_default='Acme')])
    assert again['changed'] is False


def test_check_mode_predicts_the_forced_mandatory(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 101}, default(101, 'Name'))
    result = run(run_module, [dict(erp_field='Name', prompt_user=True)], check_mode=True)
    assert [f for f in result['mapping']['fields'] if f['erp_field'] == 'Name'][0]['mandatory'] is True


def test_a_connector_mandatory_default_is_removed_whole_and_cannot_be_made_optional(webapi, run_module):
    current = dict(default(101, 'Name', first='Acme', mandatory=True))
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 101}, current)
    sent = body(101, 'Name')
    webapi.expect('SaveDefaultValueInfo', sent, stored(sent))
    assert run(run_module, [dict(erp_field='Name', first_sync_default='')])['operations'] == ['default of Name updated']
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 101}, current)
    refused = run(run_module, [dict(erp_field='Name', mandatory=False, first_sync_default='Acme', prompt_user=True)])
    assert refused['failed'] is True and refused['changed'] is False
    assert 'fields[Name]: the connector declares this field mandatory, so its default is always mandatory' in refused['msg']


def already_mapped(to_crm=True, to_erp=True):
    return mapping(7, active=True, rows=[row(101, 'Name', 'contact.name', True, True, access='Mandatory'),
                                         dict(row(102, 'Email', 'contact.email', to_crm, to_erp), AlreadyMapped=True)])


def test_a_field_already_mapped_elsewhere_is_not_made_one_way_to_superoffice(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, already_mapped())
    result = run(run_module, [dict(erp_field='Email', direction='to_crm')], check_mode=True)
    assert result['failed'] is True and result['changed'] is False
    assert ("ERP field 'Email': SuperOffice field contact.email is already mapped in another connection (AlreadyMapped), so it can "
            "only be synchronized both ways or to the ERP system here") in result['msg']
    assert webapi.methods == ['GetAllConnections', 'GetActorTypeMapping']


def test_a_field_already_mapped_elsewhere_may_stay_one_way_and_go_both_ways(webapi, run_module):
    """The server checks the rows a save changes: a one-way mapping saved before the other connection's stays."""
    webapi.expect('GetAllConnections', LIST, [CONN])
    current = already_mapped(to_erp=False)
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    sent = sent_mapping(current, Email=dict(SyncToErp=True))
    webapi.expect('SaveActorTypeMapping', sent, dict(sent['Mapping'], **META))
    result = run(run_module, [dict(erp_field='Name', direction='both'), dict(erp_field='Email', direction='both')])
    assert result['operations'] == ['mapping updated']


@pytest.mark.parametrize('status, refusal', REFUSALS, ids=['error object at 200', 'REST error'])
def test_the_servers_refusal_in_either_shape_fails_the_task_and_names_the_other_connection(webapi, run_module, status, refusal):
    current = mapping(7, active=True)
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    webapi.expect('SaveActorTypeMapping', sent_mapping(current, Email=dict(CrmFieldKey='contact.email', SyncToCrm=True)), refusal, status=status)
    result = run(run_module, [dict(erp_field='Email', crm_field='contact.email', direction='to_crm')])
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith('ErpSync SaveActorTypeMapping failed: ')
    assert "already mapped in connection 'SAP' (id 3)" in result['msg']
    assert webapi.methods.count('SaveActorTypeMapping') == 1


@pytest.mark.parametrize('status, refusal', REFUSALS, ids=['error object at 200', 'REST error'])
def test_a_tenant_names_the_refused_mapping_and_keeps_its_connection_inactive(webapi, run_module, status, refusal):
    current = mapping(7, active=True)
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    webapi.expect('SaveActorTypeMapping', sent_mapping(current, Email=dict(CrmFieldKey='contact.email', SyncToCrm=True)), refusal, status=status)
    result = run_module(erpsync_tenant.main, dict(connections=[dict(name='Visma', active=True, mappings=[dict(
        actor_type='Customer', fields=[dict(erp_field='Email', crm_field='contact.email', direction='to_crm')])])]))
    assert result['failed'] is True and result['changed'] is False
    assert "connections[0].mappings[0] (Customer) failed: ErpSync SaveActorTypeMapping failed: " in result['msg']
    assert "already mapped in connection 'SAP' (id 3)" in result['msg']
    assert 'ToggleErpConnectionActive' not in webapi.methods
