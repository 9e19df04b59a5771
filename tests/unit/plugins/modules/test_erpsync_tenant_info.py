# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_tenant_info: the reads of an export, the role's variables it returns, and secrets replaced by vault placeholders
# even when the server shows them.

import re

import pytest

import yaml

from ansible_collections.superoffice.crm.plugins.module_utils._resources.export import placeholder
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
    result = run_module(erpsync_tenant_info.main, dict(include_mappings=False, exclusive=False))
    assert result['changed'] is False
    role_vars = result['role_vars']
    assert role_vars['erpsync_engine_state'] == 'running'
    assert role_vars['erpsync_engine_interval'] == '00:05:00'
    assert role_vars['erpsync_connectors'] == [dict(name='Visma.net', connector_url=URL)]
    assert role_vars['erpsync_connectors_exclusive'] is False and role_vars['erpsync_connections_exclusive'] is False
    first, second = role_vars['erpsync_connections']
    # Only what differs from a new connection: mandatory values always, the others when not the connector's default.
    assert first == dict(name='Visma prod', connector='Visma.net', active=True, update_secrets='on_create',
                         config={'ApiUrl': 'https://api.example.com', 'Branch': '2', 'ClientSecret': '{{ vault_erpsync_1_ClientSecret }}'})
    assert second['config']['ClientSecret'] == '{{ vault_erpsync_2_ClientSecret }}'
    assert result['vault_placeholders'] == ['vault_erpsync_1_ClientSecret', 'vault_erpsync_2_ClientSecret']
    assert STORED_SECRET not in repr(result)


def test_the_default_export_is_the_whole_truth(webapi, run_module):
    records = [visma(1, 'Visma prod', active=True)]
    expect_tenant_reads(webapi, records)
    result = run_module(erpsync_tenant_info.main, dict(include_mappings=False))
    role_vars = result['role_vars']
    assert role_vars['erpsync_connectors_exclusive'] is True and role_vars['erpsync_connections_exclusive'] is True
    # Every config value, the connector's defaults too: a later change by hand to any of them shows as drift.
    assert role_vars['erpsync_connections'][0]['config'] == {
        'ApiUrl': 'https://api.example.com', 'Branch': '1', 'ClientSecret': '{{ vault_erpsync_1_ClientSecret }}'}


@pytest.mark.parametrize('keys, names', [
    (['X Y', 'X_Y', 'x y'], ['vault_erpsync_7_X_20_Y', 'vault_erpsync_7_X__Y', 'vault_erpsync_7_x_20_y']),
    (['Client-Secret', 'client secret', 'Secret', 'secret'],
     ['vault_erpsync_7_Client_2d_Secret', 'vault_erpsync_7_client_20_secret', 'vault_erpsync_7_Secret', 'vault_erpsync_7_secret']),
    (['Pass\u00f8rd', 'Pass_f8_rd'], ['vault_erpsync_7_Pass_f8_rd', 'vault_erpsync_7_Pass__f8__rd']),
])
def test_vault_placeholders_never_collide(keys, names):
    got = [placeholder(7, key) for key in keys]
    assert got == names and len(set(got)) == len(got)
    assert all(re.match(r'^[A-Za-z0-9_]+$', name) for name in got)


def test_placeholders_differ_across_connections_of_one_name_and_from_the_readme_names(webapi, run_module):
    records = [visma(1, 'SuperOffice'), visma(2, 'SuperOffice')]
    expect_tenant_reads(webapi, records)
    result = run_module(erpsync_tenant_info.main, dict(include_mappings=False))
    assert result['vault_placeholders'] == ['vault_erpsync_1_ClientSecret', 'vault_erpsync_2_ClientSecret']
    # Two hand-made connections of one name: the export gives their ids, so that it can be applied again.
    assert [c.get('id') for c in result['role_vars']['erpsync_connections']] == [1, 2]


def test_a_connection_that_reads_back_null_fails_the_export_clearly(webapi, run_module):
    record = visma(1, 'Visma prod')
    webapi.expect('GetEngineStatus', {}, ENGINE)
    webapi.expect('GetAllConnectors', {}, [connector_item(3, 'Visma.net')])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(3, 'Visma.net', URL), query={'erpSyncConnectorEntityId': 3})
    webapi.expect('GetAllConnections', LIST, [listed(record)])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('GetConnection', {'ErpConnectionId': 1}, None)
    result = run_module(erpsync_tenant_info.main, dict(include_mappings=False))
    assert result['failed'] is True
    assert "GetConnection answered null for connection 'Visma prod' (id 1)" in result['msg']


class Untrusted(str):
    """A string the YAML tags !unsafe (Ansible's loader never templates it)."""


class UnsafeLoader(yaml.SafeLoader):
    """Reads !unsafe the way Ansible's loader does for the strings the export writes (a quoted string stays a string),
    keeping the tag visible. (Ansible's own templating is not imported here: it changes how modules report warnings in the
    same process. The integration target export_hostile loads the file with ansible-playbook.)"""


UnsafeLoader.add_constructor('!unsafe', lambda loader, node: Untrusted(loader.construct_scalar(node)))


def strings(value):
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(k) + strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def test_the_yaml_export_keeps_tenant_data_from_ever_being_templated(webapi, run_module):
    hostile = "{{ lookup('pipe', 'touch /tmp/pwned') }}"
    header = "#jinja2:variable_start_string:'[[', variable_end_string:']]'\n[[ 1 ]]"
    records = [visma(1, hostile, Branch=hostile)]
    records[0]['DisplayDescription'] = header
    records[0]['ConfigFields'][hostile] = 'yes'
    expect_tenant_reads(webapi, records)
    result = run_module(erpsync_tenant_info.main, dict(include_mappings=False))
    loaded = yaml.load(result['role_vars_yaml'], Loader=UnsafeLoader)
    assert loaded == result['role_vars']  # every value reads back as it was (a quoted "yes" stays a string)
    templates = [s for s in strings(loaded) if '{' in s or s.startswith('#')]
    plain = [s for s in templates if not isinstance(s, Untrusted)]
    # The only templates are the placeholders, whose names are letters, digits and underscores (a hostile key is encoded).
    assert len(plain) == 2 and all(re.match(r'^\{\{ vault_erpsync_1_[A-Za-z0-9_]+ \}\}$', s) for s in plain)
    assert isinstance(loaded['erpsync_connections'][0]['name'], Untrusted)
    assert isinstance(loaded['erpsync_connections'][0]['description'], Untrusted)
    assert any(isinstance(k, Untrusted) and k == hostile for k in loaded['erpsync_connections'][0]['config'])


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
    result = run_module(erpsync_tenant_info.main, dict(exclusive=False))
    item = result['role_vars']['erpsync_connections'][0]
    # Fields in key order, whatever order the server keeps them in.
    assert item['mappings'] == [dict(actor_type='Customer', active=True, fields=[
        dict(erp_field='Email', default='info@example.com', prompt_user=True),
        dict(erp_field='Name', crm_field='contact.name', direction='both', show_in_search=True),
        dict(erp_field='PriceList', crm_field='contact.category', direction='to_crm')])]
    assert item['list_mappings'] == [dict(erp_field='PriceList', items={'A': 1})]
    assert STORED_SECRET not in repr(result)


def test_the_whole_truth_lists_every_actor_type_and_mapped_list_exclusively(webapi, run_module):
    record = visma(1, 'Visma prod', active=True)
    expect_tenant_reads(webapi, [record])
    webapi.expect('GetErpSyncConnectionSummary', {'ErpSyncConnectionId': 1},
                  dict(META, DisplayName='Visma prod', Active=True, Deleted=False, LastSync='',
                       Actors=[dict(META, ActorType='Customer'), dict(META, ActorType='Supplier')]))
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 1, 'ActorType': 'Customer'},
                  mapping(1, active=True, rows=[row(101, 'Name', 'contact.name', True, True), row(103, 'PriceList', 'contact.category', True)]))
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 1, 'ActorType': 'Supplier'}, mapping(1, actor='Supplier', rows=[row(201, 'Name')]))
    for field_id, key in ((101, 'Name'), (103, 'PriceList'), (201, 'Name')):
        webapi.expect('GetDefaultValueInfo', {'ErpFieldId': field_id}, default(field_id, key))
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 1},
                  list_container(1, [list_entry(103, 'PriceList', {'A': None, 'B': None})]))
    item = run_module(erpsync_tenant_info.main, dict())['role_vars']['erpsync_connections'][0]
    assert item['mappings'] == [
        dict(actor_type='Customer', active=True, exclusive_fields=True, fields=[
            dict(erp_field='Name', crm_field='contact.name', direction='both'),
            dict(erp_field='PriceList', crm_field='contact.category', direction='to_crm')]),
        dict(actor_type='Supplier', active=False, exclusive_fields=True, fields=[])]
    # A mapped list with no item chosen is listed too: an item someone maps by hand later is drift.
    assert item['list_mappings'] == [dict(erp_field='PriceList', items={})]
    assert item['list_mappings_exclusive'] is True
