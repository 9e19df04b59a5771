# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_tenant: the whole plan in the server's order (connector, connection, mappings, defaults, list mappings, activation,
# engine), check mode, an unchanged tenant, a failing item that stops only what depends on it, and the role's warnings.

import copy

from ansible_collections.superoffice.crm.plugins.module_utils._resources.list_mapping import strip_metadata
from ansible_collections.superoffice.crm.plugins.modules import erpsync_tenant
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import (
    LIST, META, client_guid, connection, connector_entity, connector_item, default, list_container, list_entry, listed, mapping, mdo_item, row,
    saved_mapping)

FORTNOX = 'https://erpconnectors.example.com/fortnox/ErpConnector.svc'
FIELDS = [
    dict(FieldKey='ApiUrl', Rank=1, DisplayName='API URL', FieldType='Text', DefaultValue='https://api.fortnox.se/3', MaxLength=1023,
         Access='Mandatory'),
    dict(FieldKey='AccessToken', Rank=2, DisplayName='Access token', FieldType='Password', DefaultValue='', MaxLength=254, Access='Mandatory'),
    dict(FieldKey='SyncArticles', Rank=3, DisplayName='Synchronise articles', FieldType='Checkbox', DefaultValue='0', MaxLength=0,
         Access='Normal'),
]
SECRET = 'fortnox-token-secret'
CONNECTION = dict(name='Fortnox prod', connector='Fortnox', config={'AccessToken': SECRET, 'SyncArticles': True}, update_secrets='on_create',
                  active=True,
                  mappings=[dict(actor_type='Customer', active=True, fields=[
                      dict(erp_field='Name', crm_field='contact.name', direction='both'), dict(erp_field='Email', default='info@example.com')])],
                  list_mappings=[dict(erp_list='PriceList', items={'A': 'A customer'})])
ARGS = dict(connectors=[dict(name='Fortnox', connector_url=FORTNOX)], connections=[CONNECTION], engine_state='running', engine_interval='PT10M')
ENGINE_STOPPED = dict(META, IsRunning=False, StatusMessage='Stopped', Interval='01:00:00')
ENGINE_RUNNING = dict(ENGINE_STOPPED, IsRunning=True, StatusMessage='Running', Interval='00:10:00')
NEW = connection(9, 'Fortnox prod', connector=4, description='',
                 config={'ApiUrl': 'https://api.fortnox.se/3', 'AccessToken': '', 'SyncArticles': '1'})  # secrets read blank
MAPPED_ROWS = [row(101, 'Name', 'contact.name', True, True, access='Mandatory'), row(102, 'Email'),
               row(103, 'PriceList', list_reference='PriceList')]


def new_connection_body():
    return {'Connection': {'ErpConnectionId': 0, 'ErpConnectorId': 4, 'DisplayName': 'Fortnox prod', 'DisplayDescription': '',
                           'Active': False, 'ConnectionId': client_guid(1), 'MostRecentTimestamp': '',
                           'ConfigFields': {'AccessToken': SECRET, 'SyncArticles': '1', 'ApiUrl': 'https://api.fortnox.se/3'},
                           'Deleted': False, 'AllAccess': True, 'UserGroupAccessIds': [], 'AssociateAccessIds': []}}


def expect_reads_of_an_empty_tenant(webapi):
    webapi.expect('GetAllConnectors', {}, [connector_item(1, 'SAP Business One')])
    webapi.expect('TestConnectorUrl', {'Url': FORTNOX}, 'NoError')  # the new connector's address, tested while planning
    webapi.expect('GetAllConnections', LIST, [])
    webapi.expect('GetEngineStatus', {}, ENGINE_STOPPED)


def test_an_empty_tenant_is_set_up_in_the_order_the_server_needs(webapi, run_module):
    expect_reads_of_an_empty_tenant(webapi)
    # The connector, made as the admin screen makes it (its address was tested while planning).
    webapi.expect('CreateDefaultErpSyncConnectorEntity', {}, connector_entity(0, '', ''))
    webapi.expect('SaveErpSyncConnectorEntity', {'ErpConnectorId': 0, 'DisplayName': 'Fortnox', 'URL': FORTNOX, 'Deleted': False},
                  connector_entity(4, 'Fortnox', FORTNOX))
    # The connection of the new connector: its fields are known now; saved inactive, with the mandatory default filled in.
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 4}, FIELDS)
    # A fresh list before the create, as other writes were made since the first one: a connection another run made
    # meanwhile is not made twice.
    webapi.expect('GetAllConnections', LIST, [])
    webapi.expect('SaveConnection', new_connection_body(), NEW)
    # Its mapping (read now that it exists), the mapping, then the default, then the list mapping.
    current = mapping(9, rows=[row(101, 'Name', access='Mandatory'), row(102, 'Email'), row(103, 'PriceList', list_reference='table=category')])
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 9, 'ActorType': 'Customer'}, current)
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 102}, default(102, 'Email'))
    sent = {'Mapping': dict((k, v) for k, v in copy.deepcopy(current).items() if k not in META)}
    sent['Mapping']['IsActive'] = True
    sent['Mapping']['FieldMappings'] = [dict((k, v) for k, v in r.items() if k not in META) for r in sent['Mapping']['FieldMappings']]
    sent['Mapping']['FieldMappings'][0].update(CrmFieldKey='contact.name', SyncToCrm=True, SyncToErp=True)
    webapi.expect('SaveActorTypeMapping', sent, saved_mapping(sent))
    webapi.expect('SaveDefaultValueInfo', answer=default(102, 'Email', value='info@example.com'))
    lists = list_container(9, [list_entry(103, 'PriceList', {'A': None, 'B': None}, crm_list='Category')])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 9}, lists)
    webapi.expect('GET https://crm.example.com/SuperOffice/api/v1/MDOList/category', answer=[mdo_item(1, 'A customer')], query={'flat': 'true'})
    planned = list_container(9, [list_entry(103, 'PriceList', {'A': {'Id': 1, 'Name': 'A customer'}, 'B': None}, crm_list='Category')])
    webapi.expect('SaveConnectionListMappings', {'ListMapping': strip_metadata(planned)}, planned)
    # Activated once mapped; the engine last: interval, then state, then the wait.
    webapi.expect('GetAllConnections', LIST, [listed(NEW)])  # a fresh list before the activation: no twin another run made
    webapi.expect('ToggleErpConnectionActive', {'ErpConnectionId': 9}, [])
    webapi.expect('ChangeEngineInterval', {'Interval': '00:10:00'}, status=204)
    webapi.expect('ChangeEngineStatus', {'Run': True}, ENGINE_STOPPED)
    webapi.expect('GetEngineStatus', {}, ENGINE_RUNNING)
    webapi.expect('GetAllConnections', LIST, [listed(dict(NEW, Active=True))])
    result = run_module(erpsync_tenant.main, ARGS, diff=True)
    assert result['changed'] is True, result.get('msg')
    assert result['connectors'][0]['operations'] == ['created']
    entry = result['connections'][0]
    assert entry['operations'] == ['created', 'activated']
    assert entry['connection']['config']['AccessToken'] == '********'
    assert entry['mappings'][0]['operations'] == ['mapping updated', 'default of Email updated']
    assert entry['list_mappings'][0]['operations'] == ['list mappings updated']
    assert result['engine']['engine']['running'] is True
    assert set(result['diff']['after']) == {'connectors', 'connections', 'mappings', 'list_mappings', 'engine'}
    assert SECRET not in repr(result)


def test_check_mode_only_reads_and_predicts_every_step(webapi, run_module):
    expect_reads_of_an_empty_tenant(webapi)
    result = run_module(erpsync_tenant.main, ARGS, check_mode=True)
    assert result['changed'] is True
    assert result['connectors'][0]['operations'] == ['created']
    entry = result['connections'][0]
    assert entry['operations'] == ['created', 'activated']
    assert entry['id'] is None
    assert entry['mappings'][0]['operations'] == ['mapping updated', 'default of Email updated']
    assert entry['list_mappings'][0]['operations'] == ['list mappings updated']
    assert result['engine']['changed'] is True


def test_an_unchanged_tenant_is_answered_with_reads_only(webapi, run_module):
    args = dict(connections=[dict(name='Fortnox prod', active=True, mappings=[dict(actor_type='Customer', active=True, fields=[
        dict(erp_field='Name', crm_field='contact.name', direction='both')])])], engine_state='running')
    webapi.expect('GetAllConnections', LIST, [listed(dict(NEW, Active=True))])
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 9, 'ActorType': 'Customer'}, mapping(9, active=True, rows=MAPPED_ROWS))
    webapi.expect('GetEngineStatus', {}, ENGINE_RUNNING)
    result = run_module(erpsync_tenant.main, args)
    assert result['changed'] is False
    assert webapi.methods == ['GetAllConnections', 'GetActorTypeMapping', 'GetEngineStatus']


def test_a_refused_activation_names_the_mandatory_fields_without_a_direction(webapi, run_module):
    args = dict(connections=[dict(name='Fortnox prod', active=True, mappings=[dict(actor_type='Customer', active=True)])])
    webapi.expect('GetAllConnections', LIST, [listed(NEW)])
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 9, 'ActorType': 'Customer'},
                  mapping(9, rows=[row(101, 'Name', access='Mandatory')]))
    webapi.expect('SaveActorTypeMapping', answer=mapping(9, active=True, rows=[row(101, 'Name', access='Mandatory')]))
    webapi.expect('GetAllConnections', LIST, [listed(NEW)])  # fresh before the flip
    webapi.expect('ToggleErpConnectionActive', {'ErpConnectionId': 9}, ["Mandatory field 'Name' has no synchronization direction."])
    result = run_module(erpsync_tenant.main, args)
    assert result['failed'] is True
    assert result['changed'] is True
    assert 'Mandatory fields without a direction: Customer.Name' in result['msg']
    assert 'Applied: connections[0].mappings[0] (Customer): mapping updated' in result['msg']
    # The mapping was applied: the refused activation of its connection does not report it as failed (Item.blocked).
    applied = result['connections'][0]['mappings'][0]
    assert applied['operations'] == ['mapping updated'] and 'failed' not in applied, applied


def test_a_failed_connection_skips_its_mappings_and_the_others_go_on(webapi, run_module):
    other = listed(connection(8, 'Other', connector=4, description='old'))
    args = dict(connections=[
        dict(name='Fortnox prod', description='new', mappings=[dict(actor_type='Customer', active=True)]),
        dict(name='Other', description='new')])
    webapi.expect('GetAllConnections', LIST, [listed(NEW), other])
    webapi.expect('GetConnection', {'ErpConnectionId': 9}, NEW)
    webapi.expect('GetConnection', {'ErpConnectionId': 8}, dict(other, ConfigFields={}))
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 4}, FIELDS)  # which stored values are secrets (kept, not sent)
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 9, 'ActorType': 'Customer'}, mapping(9, rows=[row(101, 'Name')]))
    webapi.expect('SaveConnection', answer=None, status=400)
    webapi.expect('SaveConnection', answer=dict(other, DisplayDescription='new'))
    result = run_module(erpsync_tenant.main, args)
    assert result['failed'] is True
    assert result['connections'][0]['failed'] is True
    assert result['connections'][0]['mappings'][0]['failed'] is True
    assert result['connections'][0]['mappings'][0]['msg'] == 'not applied: its connection failed'
    assert result['connections'][1]['operations'] == ['updated']
    assert 'SaveActorTypeMapping' not in webapi.methods


def test_unknown_role_variables_are_warned_about(webapi, run_module):
    result = run_module(erpsync_tenant.main, dict(connections=[], warn_unknown=['erpsync_engine_intervall']))
    assert result['changed'] is False
    assert any('erpsync_engine_intervall is not one the role superoffice.crm.erpsync takes' in w for w in result['warnings'])


def test_a_live_connection_whose_list_mapping_failed_is_counted_as_failed(webapi, run_module):
    # No activation waits for the list mapping (the connection is active already): the connection still fails with it, so the
    # summary and the message agree (tenant._fail_with_children).
    args = dict(connections=[dict(name='Fortnox prod', list_mappings=[dict(erp_list='PriceList', items={'A': 1})])])
    active = dict(NEW, Active=True)
    webapi.expect('GetAllConnections', LIST, [listed(active)])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 9}, list_container(9, [list_entry(103, 'PriceList', {'A': None})]))
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 9, 'ActorType': 'Customer'}, mapping(9, active=True))
    webapi.expect('GET https://crm.example.com/SuperOffice/api/v1/MDOList/category', answer=[mdo_item(1, 'A customer')], query={'flat': 'true'})
    webapi.expect('SaveConnectionListMappings', answer=None, status=400)
    result = run_module(erpsync_tenant.main, args)
    assert result['failed'] is True and result['changed'] is False
    entry = result['connections'][0]
    assert entry['list_mappings'][0]['failed'] is True
    assert entry['failed'] is True and entry['operations'] == []
    assert result['summary']['failed'] == 1 and result['summary']['unchanged'] == 0
    assert result['msg'].startswith("1 of 1 connection failed: connections[0] ('Fortnox prod'): connections[0].list_mappings failed: "), result['msg']


def expect_a_connector_its_connection_uses(webapi):
    webapi.expect('GetAllConnectors', {}, [connector_item(1, 'Old ERP')])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(1, 'Old ERP', FORTNOX), query={'erpSyncConnectorEntityId': 1})
    webapi.expect('CanDeleteErpSyncConnectorEntity', {'ErpSyncConnectorId': 1}, 'ErrorConnectorHasConnections')
    webapi.expect('GetAllConnections', LIST, [listed(connection(5, 'Old prod', connector=1))])  # who uses it
    webapi.expect('GetAllConnections', LIST, [listed(connection(5, 'Old prod', connector=1))])  # the connections' own read


RETIRE = dict(connectors=[dict(name='Old ERP', state='absent')], connections=[dict(name='Old prod', state='absent')])


def test_a_connector_is_deleted_after_the_connections_the_run_deletes(webapi, run_module):
    expect_a_connector_its_connection_uses(webapi)
    webapi.expect('DeleteConnection', {'ErpConnectionId': 5}, status=204)
    webapi.expect('CanDeleteErpSyncConnectorEntity', {'ErpSyncConnectorId': 1}, 'NoError')  # asked again, now that it is unused
    webapi.expect('DeleteErpSyncConnectorEntity', {}, status=204, query={'erpSyncConnectorEntityId': 1})
    result = run_module(erpsync_tenant.main, RETIRE)
    assert 'failed' not in result, result.get('msg')
    assert result['connectors'][0]['operations'] == ['deleted'] and result['connections'][0]['operations'] == ['deleted']
    assert not webapi.expected


def test_check_mode_predicts_the_connector_deleted_after_its_connections(webapi, run_module):
    expect_a_connector_its_connection_uses(webapi)
    result = run_module(erpsync_tenant.main, RETIRE, check_mode=True)
    assert 'failed' not in result, result.get('msg')
    assert result['changed'] is True
    assert result['connectors'][0]['operations'] == ['deleted'] and result['connections'][0]['operations'] == ['deleted']


def test_a_connector_whose_connection_was_not_deleted_is_held(webapi, run_module):
    expect_a_connector_its_connection_uses(webapi)
    webapi.expect('DeleteConnection', {'ErpConnectionId': 5}, status=400, answer={'Message': 'The request is invalid.', 'MessageDetail': 'locked'})
    result = run_module(erpsync_tenant.main, RETIRE)
    assert result['failed'] is True and result['changed'] is False
    held = result['connectors'][0]
    assert held['failed'] is True and held['operations'] == []
    assert "it was not deleted (connections still use it), because connections[0] ('Old prod') failed" in held['msg']
    assert 'DeleteErpSyncConnectorEntity' not in webapi.methods


def test_a_connector_a_kept_connection_uses_fails_before_any_write_in_check_mode_too(webapi, run_module):
    for check_mode in (False, True):
        expect_a_connector_its_connection_uses(webapi)
        webapi.expect('GetConnection', {'ErpConnectionId': 5}, connection(5, 'Old prod', connector=1))
        webapi.expect('GetConfigurationFields', {'ErpConnectorId': 1}, FIELDS)
        if not check_mode:
            webapi.expect('SaveConnection', answer=connection(5, 'Old prod', connector=1, description='kept'))
        args = dict(connectors=[dict(name='Old ERP', state='absent')], connections=[dict(name='Old prod', description='kept')])
        result = run_module(erpsync_tenant.main, args, check_mode=check_mode)
        assert result['connectors'][0]['failed'] is True
        assert "connections 'Old prod' (id 5) use it and this run does not delete them" in result['connectors'][0]['msg']
        assert result['connections'][0]['operations'] == ['updated']  # the other objects go on, as they would
        webapi.methods.clear()


def test_an_unlisted_connector_a_live_connection_uses_is_left_with_a_warning(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, [connector_item(1, 'Used'), connector_item(2, 'Unused')])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(1, 'Used', FORTNOX), query={'erpSyncConnectorEntityId': 1})
    webapi.expect('CanDeleteErpSyncConnectorEntity', {'ErpSyncConnectorId': 1}, 'ErrorConnectorHasConnections')
    webapi.expect('GetAllConnections', LIST, [listed(connection(5, 'Kept', connector=1))])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(2, 'Unused', FORTNOX), query={'erpSyncConnectorEntityId': 2})
    webapi.expect('CanDeleteErpSyncConnectorEntity', {'ErpSyncConnectorId': 2}, 'NoError')
    webapi.expect('DeleteErpSyncConnectorEntity', {}, status=204, query={'erpSyncConnectorEntityId': 2})
    result = run_module(erpsync_tenant.main, dict(connectors=[], connectors_exclusive=True))
    assert 'failed' not in result, result.get('msg')
    assert [c['operations'] for c in result['connectors']] == [['deleted']]
    assert any("unlisted connector 'Used' (id 1): it is left registered: connector 'Used' (id 1) cannot be deleted: connections 'Kept' "
               "(id 5) use it" in w for w in result['warnings'])


def expect_customer_activated_on_a_live_connection(webapi):
    """Customer of the active connection 9 goes from inactive to active, with a default and a list mapping: the mapping is saved
    inactive, then the default and the list mapping, and only then is the actor type activated (one more save)."""
    current = mapping(9, rows=[row(101, 'Name', access='Mandatory'), row(102, 'Email'), row(103, 'PriceList', list_reference='table=category')])
    webapi.expect('GetAllConnections', LIST, [listed(dict(NEW, Active=True))])
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 9, 'ActorType': 'Customer'}, current)
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 102}, default(102, 'Email'))
    inactive = {'Mapping': dict((k, v) for k, v in copy.deepcopy(current).items() if k not in META)}
    inactive['Mapping']['FieldMappings'] = [dict((k, v) for k, v in r.items() if k not in META) for r in inactive['Mapping']['FieldMappings']]
    inactive['Mapping']['FieldMappings'][0].update(CrmFieldKey='contact.name', SyncToCrm=True, SyncToErp=True)
    webapi.expect('SaveActorTypeMapping', inactive, saved_mapping(inactive))
    webapi.expect('SaveDefaultValueInfo', answer=default(102, 'Email', value='info@example.com'))
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 9}, list_container(9, [list_entry(103, 'PriceList', {'A': None})]))
    webapi.expect('GET https://crm.example.com/SuperOffice/api/v1/MDOList/category', answer=[mdo_item(1, 'A customer')], query={'flat': 'true'})
    active = copy.deepcopy(inactive)
    active['Mapping']['IsActive'] = True
    return active


def test_an_actor_type_of_a_live_connection_is_activated_after_its_default_and_list_mappings(webapi, run_module):
    active = expect_customer_activated_on_a_live_connection(webapi)
    planned = list_container(9, [list_entry(103, 'PriceList', {'A': {'Id': 1, 'Name': 'A customer'}})])
    webapi.expect('SaveConnectionListMappings', {'ListMapping': strip_metadata(planned)}, planned)
    webapi.expect('SaveActorTypeMapping', active, saved_mapping(active))
    result = run_module(erpsync_tenant.main, dict(connections=[dict(CONNECTION, active=None, config=None, connector=None)]))
    assert 'failed' not in result, result.get('msg')
    assert webapi.methods == ['GetAllConnections', 'GetActorTypeMapping', 'GetDefaultValueInfo', 'SaveActorTypeMapping', 'SaveDefaultValueInfo',
                              'GetConnectionListMappings', 'GET https://crm.example.com/SuperOffice/api/v1/MDOList/category',
                              'SaveConnectionListMappings', 'SaveActorTypeMapping']
    assert result['connections'][0]['mappings'][0]['operations'] == ['mapping updated', 'default of Email updated', 'mapping activated']
    assert result['connections'][0]['mappings'][0]['mapping']['active'] is True


def test_an_actor_type_of_a_live_connection_stays_inactive_when_its_list_mapping_fails(webapi, run_module):
    expect_customer_activated_on_a_live_connection(webapi)
    webapi.expect('SaveConnectionListMappings', answer=None, status=400)
    result = run_module(erpsync_tenant.main, dict(connections=[dict(CONNECTION, active=None, config=None, connector=None)]))
    assert result['failed'] is True
    assert webapi.methods.count('SaveActorTypeMapping') == 1
    entry = result['connections'][0]['mappings'][0]
    assert entry['operations'] == ['mapping updated', 'default of Email updated'] and entry['mapping']['active'] is False
    assert entry['msg'] == 'actor type Customer was not activated (it stays inactive), because connections[0].list_mappings failed'
