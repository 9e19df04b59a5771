# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Going live against the emulator: an actor type, a connection or an exclusive switch-over goes live only after everything it
# needs was applied, and a refused config save does not leave production deactivated (review F2, F3, F4, F9, F10).

import copy

import pytest

from ansible_collections.superoffice.crm.tests.unit.plugins.emulated import connection_record, fault, state, tenant_run

SAP_CONFIG = dict(ServiceLayerUrl='https://b.example.com/b1s/v1', CompanyDb='SBO_BERGEN', UserName='sosync', Password='pw-bergen')
CUSTOMER = dict(actor_type='Customer', active=True, fields=[dict(erp_field='CardName', crm_field='contact.name', direction='both')])
CUSTOMER_WITH_DEFAULT = dict(actor_type='Customer', active=True, fields=[
    dict(erp_field='CardName', crm_field='contact.name', direction='both'),
    dict(erp_field='Phone1', crm_field='contact.phone', direction='both', default='+47')])


def check_then_run(run_module, options, args):
    """The check mode result and the real run's: check mode fails where the run does, naming the same items."""
    check = tenant_run(run_module, options, args, check_mode=True)
    real = tenant_run(run_module, options, args)
    return check, real


@pytest.mark.parametrize('method', ['SaveDefaultValueInfo', 'SaveConnectionListMappings'])
def test_an_actor_type_of_a_live_connection_is_not_activated_before_its_other_steps(demo_tenant, run_module, method):
    """Found by review (F2): Customer activated on the active connection 1 with a default and a list mapping; the default (or
    the list mapping) is refused. SaveActorTypeMapping made Customer active at once, so it synchronized without them."""
    store, options = demo_tenant
    assert state(store)['mappings']['1']['Customer']['active'] is False
    fault(store, method=method, kind='status', status=400)
    mapping = copy.deepcopy(CUSTOMER_WITH_DEFAULT)
    mapping['fields'].append(dict(erp_field='GroupCode', crm_field='contact.category', direction='both'))
    result = tenant_run(run_module, options, dict(connections=[dict(
        name='SAP B1 Oslo', mappings=[mapping], list_mappings=[dict(erp_list='CustomerGroups', items={'100': 'A customer'})])]))
    assert result.get('failed') is True
    customer = state(store)['mappings']['1']['Customer']
    assert customer['active'] is False, 'Customer is live although its %s failed' % method
    assert customer['fields']['CardName']['CrmFieldKey'] == 'contact.name'  # the fields were saved, inactive
    entry = result['connections'][0]['mappings'][0]
    assert entry['failed'] is True and 'actor type Customer was not activated (it stays inactive)' in entry['msg'], entry
    assert entry['mapping']['active'] is False


def test_an_actor_type_is_activated_once_its_other_steps_succeeded(demo_tenant, run_module):
    """The same change without a fault: the fields and the default are saved with the flag as it was, then the flag is set (one
    more SaveActorTypeMapping); check mode predicts it."""
    store, options = demo_tenant
    args = dict(connections=[dict(name='SAP B1 Oslo', mappings=[CUSTOMER_WITH_DEFAULT])])
    check, real = check_then_run(run_module, options, args)
    assert not real.get('failed'), real.get('msg')
    assert state(store)['mappings']['1']['Customer']['active'] is True
    ops = ['mapping updated', 'default of Phone1 updated', 'mapping activated']
    assert real['connections'][0]['mappings'][0]['operations'] == ops
    assert check['connections'][0]['mappings'][0]['operations'] == ops
    assert check['diff'] == real['diff']


def test_a_new_connection_does_not_go_live_when_its_sync_priority_fails(demo_tenant, run_module):
    """Found by review (F3): a new connection ranked first; SaveErpConnectionSyncPriorities fails. The connection was activated
    (stage ACTIVATE came before SYNC_PRIORITY): it synchronized with the lowest priority, after SuperOffice."""
    store, options = demo_tenant
    fault(store, method='SaveErpConnectionSyncPriorities', kind='status', status=400)
    result = tenant_run(run_module, options, dict(connections=[dict(
        name='SAP B1 Bergen', connector='SAP Business One', config=SAP_CONFIG, active=True, mappings=[CUSTOMER])],
        sync_priority=['SAP B1 Bergen', 'SAP B1 Oslo', 0]))
    assert result.get('failed') is True
    bergen = [c for c in state(store)['connections'] if c['DisplayName'] == 'SAP B1 Bergen']
    assert bergen and bergen[0]['Active'] is False, 'SAP B1 Bergen went live although its place in the sync priority failed'
    entry = result['connections'][0]
    assert entry['operations'] == ['created'] and 'not activated (it stays inactive), because sync_priority failed' in entry['msg'], entry


def test_connections_exclusive_does_not_deactivate_production_when_its_replacement_failed(demo_tenant, run_module):
    """Found by review (F4): migrating from 'SAP B1 Oslo' to a new connection with connections_exclusive; the new one's mapping
    is refused, so it stays inactive. The unlisted production connection was deactivated anyway: no connection was active."""
    store, options = demo_tenant
    fault(store, method='SaveActorTypeMapping', kind='status', status=400)
    args = dict(connections_exclusive=True, connections=[dict(
        name='SAP B1 Oslo v2', connector='SAP Business One', config=SAP_CONFIG, active=True, mappings=[CUSTOMER])])
    result = tenant_run(run_module, options, args)
    assert result.get('failed') is True
    assert connection_record(state(store), 1)['Active'] is True, result['msg']
    assert result['unlisted_deactivated'] == []
    assert "unlisted connection 'SAP B1 Oslo' (id 1)" in result['msg'] and 'was not deactivated' in result['msg'], result['msg']


def test_connections_exclusive_deactivates_despite_failures_when_told(demo_tenant, run_module):
    """connections_exclusive_despite_failures=true: the unlisted connections are deactivated although a listed one failed."""
    store, options = demo_tenant
    fault(store, method='SaveActorTypeMapping', kind='status', status=400)
    args = dict(connections_exclusive=True, connections_exclusive_despite_failures=True, connections=[dict(
        name='SAP B1 Oslo v2', connector='SAP Business One', config=SAP_CONFIG, active=True, mappings=[CUSTOMER])])
    result = tenant_run(run_module, options, args)
    assert result.get('failed') is True
    assert connection_record(state(store), 1)['Active'] is False
    assert result['unlisted_deactivated'] == [dict(id=1, name='SAP B1 Oslo')]


def test_a_refused_config_save_does_not_leave_production_deactivated(demo_tenant, run_module):
    """Found by review (F9): the active connection 1 gets a config change, which the server refuses (HTTP 400: certainly not
    applied). It stayed deactivated ("deactivated for config change"), its config unchanged, and no deactivation was counted."""
    store, options = demo_tenant
    fault(store, method='SaveConnection', kind='status', status=400)
    result = tenant_run(run_module, options, dict(connections=[dict(name='SAP B1 Oslo', config=dict(CompanyDb='SBO_NEW'), active=True)]))
    assert result.get('failed') is True
    assert connection_record(state(store), 1)['Active'] is True, result['msg']
    entry = result['connections'][0]
    assert entry['operations'] == ['deactivated for config change', 'reactivated'], entry
    assert ("connection 'SAP B1 Oslo' (id 1), deactivated for the change, was toggled to be active again, which the server accepted"
            in entry['msg']), entry['msg']
    assert result['summary']['deactivated'] == 0


def test_a_run_limited_to_connections_does_not_activate_one_on_mappings_it_left_out(demo_tenant, run_module):
    """Found by review (F10): an inactive connection whose Customer mapping synchronizes Name both ways; the definition changes
    it to SuperOffice -> ERP only and activates the connection. Run with parts=[connections] (the role's --tags
    erpsync_connections), the connection went live on the old mapping."""
    store, options = demo_tenant
    old = [dict(actor_type='Customer', active=True, fields=[dict(erp_field='Name', crm_field='contact.name', direction='both')])]
    setup = tenant_run(run_module, options, dict(connections=[dict(name='Visma.net pilot', mappings=old)]))
    assert not setup.get('failed'), setup.get('msg')
    new = copy.deepcopy(old)
    new[0]['fields'][0]['direction'] = 'to_erp'
    args = dict(parts=['connections'], connections=[dict(name='Visma.net pilot', active=True, mappings=new)])
    check, real = check_then_run(run_module, options, args)
    assert connection_record(state(store), 2)['Active'] is False, 'connection 2 went live on mappings the run left out'
    assert check.get('failed') is True and real.get('failed') is True
    assert check['msg'] == real['msg']
    assert 'mappings' in real['connections'][0]['msg'] and 'parts' in real['connections'][0]['msg'], real['msg']
