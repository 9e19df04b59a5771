# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_tenant_info's export applied back against the emulator: a placeholder never templated is never written as a
# secret (review F7), and a connection name with blanks at its ends applies as exported (F12).

from ansible_collections.superoffice.crm.plugins.module_utils._resources.export import placeholder
from ansible_collections.superoffice.crm.plugins.modules import erpsync_mapping_info, erpsync_tenant_info
from ansible_collections.superoffice.crm.tests.unit.plugins.emulated import state, tenant_run

SAP_CONFIG = dict(ServiceLayerUrl='https://b.example.com/b1s/v1', CompanyDb='SBO_BERGEN', UserName='sosync', Password='pw-bergen')


def test_an_unrendered_vault_placeholder_is_never_written_as_a_secret(demo_tenant, run_module):
    """Found by review (F7): erpsync_tenant_info's role_vars passed on to the role (a module result is never templated, so
    the placeholder stays text) created a connection with the literal '{{ vault_erpsync_1_Password }}' as its ERP
    password, silently (as CHANGE_ME was)."""
    store, options = demo_tenant
    before = state(store)
    config = dict(SAP_CONFIG, Password='{{ %s }}' % placeholder(1, 'Password'))
    result = tenant_run(run_module, options, dict(connections=[
        dict(name='SAP B1 Oslo', config=dict(config, CompanyDb='SBO_OSLO'), update_secrets='on_create'),
        dict(name='SAP B1 Bergen', connector='SAP Business One', config=config, update_secrets='on_create')]))
    assert result.get('failed') is True
    assert "connections[1] ('SAP B1 Bergen'): config.Password is {{ vault_erpsync_1_Password }}, a vault placeholder" in result['msg']
    assert "connections[0] ('SAP B1 Oslo'): config.Password" in result['msg'], result['msg']
    assert 'include_vars' in result['msg'] and 'Nothing was changed' in result['msg'], result['msg']
    assert state(store) == before


def test_every_placeholder_the_export_writes_is_refused_unrendered(demo_tenant, run_module):
    """The refusal knows the export's own form: each placeholder of a real export, passed on as role_vars, is named."""
    store, options = demo_tenant
    export = run_module(erpsync_tenant_info.main, {}, connection=options)
    assert export['vault_placeholders'], export
    role_vars = export['role_vars']
    result = tenant_run(run_module, options, dict(connections=role_vars['erpsync_connections']), check_mode=True)
    assert result.get('failed') is True
    for name in export['vault_placeholders']:
        assert '{{ %s }}, a vault placeholder' % name in result['msg'], (name, result['msg'])


def test_the_whole_truth_export_of_a_name_with_blanks_at_its_ends_applies(demo_tenant, run_module):
    """Found by review (F12): a tenant admin leaves a trailing blank in a connection name ('Visma.net pilot '). The export
    names it so in erpsync_sync_priority; the sync priority stripped its entries, so applying the export failed ("is not a
    live connection") and a scheduled drift job failed on this tenant until someone renamed the connection."""
    store, options = demo_tenant
    rename = tenant_run(run_module, options, dict(connections=[dict(id=2, name='Visma.net pilot ')]))
    assert not rename.get('failed'), rename.get('msg')
    export = run_module(erpsync_tenant_info.main, {}, connection=options)
    role_vars = export['role_vars']
    assert 'Visma.net pilot ' in role_vars['erpsync_sync_priority']
    args = dict(connectors=role_vars['erpsync_connectors'], connectors_exclusive=role_vars['erpsync_connectors_exclusive'],
                connections=role_vars['erpsync_connections'], connections_exclusive=role_vars['erpsync_connections_exclusive'],
                sync_priority=role_vars['erpsync_sync_priority'])
    for item in args['connections']:  # the vault filled in (update_secrets=on_create: not written to existing connections)
        item['config'] = dict((k, 'filled' if '{{' in v else v) for k, v in item.get('config', {}).items())
    check = tenant_run(run_module, options, args, check_mode=True)
    assert not check.get('failed'), check.get('msg')
    assert check['changed'] is False, check.get('diff')
    real = tenant_run(run_module, options, args)
    assert not real.get('failed') and real['changed'] is False, real.get('msg')


def test_a_connection_option_names_a_connection_with_blanks_at_its_ends_as_written(demo_tenant, run_module):
    """As connection items and the sync priority: the name as written finds it; the name without its blank is another one."""
    store, options = demo_tenant
    rename = tenant_run(run_module, options, dict(connections=[dict(id=2, name='Visma.net pilot ')]))
    assert not rename.get('failed'), rename.get('msg')
    found = run_module(erpsync_mapping_info.main, dict(connection='Visma.net pilot '), connection=options)
    assert found.get('failed') is not True, found.get('msg')
    assert found['connection'] == dict(id=2, name='Visma.net pilot ')
    assert run_module(erpsync_mapping_info.main, dict(connection=' 2 '), connection=options)['connection']['id'] == 2
    other = run_module(erpsync_mapping_info.main, dict(connection='Visma.net pilot'), connection=options)
    assert other['failed'] is True and "connection 'Visma.net pilot' is not a live connection" in other['msg'], other['msg']
