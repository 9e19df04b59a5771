# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_tenant_info: the reads of an export, the role's variables it returns, and secrets replaced by vault placeholders
# even when the server shows them.

from ansible_collections.superoffice.crm.plugins.modules import erpsync_tenant_info
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import (
    LIST, META, connection, connector_entity, connector_item, default, list_container, list_entry, listed, mapping, mdo_item, row)

FIELDS = [dict(FieldKey='ApiUrl', FieldType='Text', DefaultValue='https://api.example.com', Access='Mandatory'),
          dict(FieldKey='ClientSecret', FieldType='Password', DefaultValue='', Access='Mandatory'),
          dict(FieldKey='Branch', FieldType='Integer', DefaultValue='1', Access='Normal')]
URL = 'https://erpconnectors.example.com/visma/ErpConnector.svc'
ENGINE = dict(META, IsRunning=True, StatusMessage='Running', Interval='00:05:00')
STORED_SECRET = 'stored-secret-the-server-shows'


def visma(conn_id, name, active=False, **extra):
    config = {'ApiUrl': 'https://api.example.com', 'ClientSecret': STORED_SECRET, 'Branch': '1'}
    config.update(extra)
    return connection(conn_id, name, connector=3, active=active, config=config, description='')


def expect_tenant_reads(webapi, records):
    webapi.expect('GetEngineStatus', {}, ENGINE)
    webapi.expect('GetAllConnectors', {}, [connector_item(3, 'Visma.net')])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(3, 'Visma.net', URL), query={'erpSyncConnectorEntityId': 3})
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in records])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    for record in records:
        webapi.expect('GetConnection', {'ErpConnectionId': record['ErpConnectionId']}, record)


def test_export_without_mappings(webapi, run_module):
    records = [visma(1, 'Visma prod', active=True, Branch='2'), visma(2, 'Visma-prod')]
    expect_tenant_reads(webapi, records)
    result = run_module(erpsync_tenant_info.main, dict(include_mappings=False))
    assert result['changed'] is False
    role_vars = result['role_vars']
    assert role_vars['erpsync_engine_state'] == 'running'
    assert role_vars['erpsync_engine_interval'] == '00:05:00'
    assert role_vars['erpsync_connectors'] == [dict(name='Visma.net', connector_url=URL)]
    first, second = role_vars['erpsync_connections']
    # Only what differs from a new connection: mandatory values always, the others when not the connector's default.
    assert first == dict(name='Visma prod', connector='Visma.net', active=True, update_secrets='on_create',
                         config={'ApiUrl': 'https://api.example.com', 'Branch': '2', 'ClientSecret': '{{ vault_visma_prod_1_clientsecret }}'})
    # 'Visma prod' and 'Visma-prod' give the same variable name: both carry their connection id.
    assert second['config']['ClientSecret'] == '{{ vault_visma_prod_2_clientsecret }}'
    assert result['vault_placeholders'] == ['vault_visma_prod_1_clientsecret', 'vault_visma_prod_2_clientsecret']
    assert STORED_SECRET not in repr(result)


def test_export_with_mappings_in_the_role_shape(webapi, run_module):
    record = visma(1, 'Visma prod', active=True)
    expect_tenant_reads(webapi, [record])
    webapi.expect('GetErpSyncConnectionSummary', {'ErpSyncConnectionId': 1},
                  dict(META, DisplayName='Visma prod', Active=True, Deleted=False, LastSync='', Actors=[dict(META, ActorType='Customer')]))
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 1, 'ActorType': 'Customer'},
                  mapping(1, active=True, rows=[row(101, 'Name', 'contact.name', True, True, search=True), row(102, 'Email'),
                                                row(103, 'PriceList', 'contact.category', True)]))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 101}, default(101, 'Name'))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 102}, default(102, 'Email', value='info@example.com', prompt=True))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 103}, default(103, 'PriceList'))
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 1},
                  list_container(1, [list_entry(103, 'PriceList', {'A': mdo_item(1, 'A customer'), 'B': None})]))
    result = run_module(erpsync_tenant_info.main, dict())
    item = result['role_vars']['erpsync_connections'][0]
    assert item['mappings'] == [dict(actor_type='Customer', active=True, fields=[
        dict(erp_field='Name', crm_field='contact.name', direction='both', show_in_search=True),
        dict(erp_field='Email', default='info@example.com', prompt_user=True),
        dict(erp_field='PriceList', crm_field='contact.category', direction='to_crm')])]
    assert item['list_mappings'] == [dict(erp_field='PriceList', items={'A': 1})]
    assert STORED_SECRET not in repr(result)
