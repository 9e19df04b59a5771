# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Answers about another object than the one asked for (the emulator's wrong_id fault: a confused server or a proxy mixing up
# requests): a read answered about another connection or connector is never written to, a toggle that lands on another
# connection is named.

import pytest

from ansible_collections.superoffice.crm.tests.unit.plugins.emulated import connection_record, fault, state, tenant_run

SAP_CONFIG = dict(ServiceLayerUrl='https://b.example.com/b1s/v1', CompanyDb='SBO_BERGEN', UserName='sosync', Password='pw-bergen')


@pytest.mark.parametrize('mode', ['record', 'call'])
def test_a_connection_read_about_another_connection_is_never_written_to(demo_tenant, run_module, mode):
    """Found by review (F1): GetConnection for connection 2 answered connection 1's record (a confused server or a caching
    proxy); the run renamed production connection 1 to 'Visma.net pilot', rewrote its description and config and left it
    deactivated, and its message never named connection 1."""
    store, options = demo_tenant
    before = connection_record(state(store), 1)
    fault(store, method='GetConnection', kind='wrong_id', id=1, mode=mode, count=1)
    result = tenant_run(run_module, options, dict(connections=[dict(
        name='Visma.net pilot', description='Pilot, mapped', config=dict(CompanyId='7654322'), active=True)]))
    after = connection_record(state(store), 1)
    assert after == before, 'connection 1 was written: %s' % sorted(k for k in after if after[k] != before.get(k))
    assert connection_record(state(store), 2)['DisplayDescription'] != 'Pilot, mapped'  # nothing written to 2 either
    assert result.get('failed') is True
    assert 'GetConnection' in result['msg'] and 'ErpConnectionId 2' in result['msg'] and 'ErpConnectionId 1' in result['msg'], result['msg']


def test_a_mapping_read_about_another_connection_is_never_written_to(demo_tenant, run_module):
    """Found by review (F1): two connections of one connector; GetActorTypeMapping for the new one answered connection 1's
    mapping, and the run mapped and activated Customer on production connection 1 (live at once: it is active)."""
    store, options = demo_tenant
    setup = tenant_run(run_module, options, dict(connections=[dict(name='SAP B1 Bergen', connector='SAP Business One', config=SAP_CONFIG)]))
    assert not setup.get('failed'), setup.get('msg')
    before = state(store)['mappings']
    fault(store, method='GetActorTypeMapping', kind='wrong_id', id=1, mode='call', count=1)
    result = tenant_run(run_module, options, dict(connections=[dict(name='SAP B1 Bergen', mappings=[dict(
        actor_type='Customer', active=True, fields=[dict(erp_field='CardName', crm_field='contact.name', direction='both')])])]))
    assert state(store)['mappings'] == before, 'a mapping was written'
    assert result.get('failed') is True
    assert 'GetActorTypeMapping' in result['msg'] and 'ErpConnectionId 1' in result['msg'], result['msg']


def test_a_connector_read_about_another_connector_is_never_written_to(demo_tenant, run_module):
    """Found by review (F1): GetErpSyncConnectorEntity for connector 2 (Visma.net) answered with connector 1's id; the run
    renamed connector 1 (SAP Business One, used by the active production connection) to 'Visma.net', moved it to the new URL
    and reported success."""
    store, options = demo_tenant
    before = state(store)['connectors']
    fault(store, method='GetErpSyncConnectorEntity', kind='wrong_id', id=1, mode='answer', count=1)
    result = tenant_run(run_module, options, dict(connectors=[dict(
        name='Visma.net', connector_url='https://erp-gw.corp.example.local/vismanet-v2/ErpConnector.svc', test_url=False)]))
    assert state(store)['connectors'] == before, 'a connector was written'
    assert result.get('failed') is True
    assert 'ErpConnectorId 2' in result['msg'] and 'ErpConnectorId 1' in result['msg'], result['msg']


def test_a_toggle_that_lands_on_another_connection_is_named(demo_tenant, run_module):
    """Found by review (F5): ToggleErpConnectionActive for connection 2 flipped production connection 1 (a proxy mixing up two
    requests); the run blamed "another run" for connection 2 and advised to run again, and never named connection 1."""
    store, options = demo_tenant
    fault(store, method='ToggleErpConnectionActive', kind='wrong_id', id=1, mode='call', count=1)
    result = tenant_run(run_module, options, dict(connections=[dict(name='Visma.net pilot', active=True)]))
    assert connection_record(state(store), 1)['Active'] is False  # what the confused server did
    assert result.get('failed') is True
    assert "'SAP B1 Oslo' (id 1)" in result['msg'], result['msg']
    assert 'Run again to converge' not in result['msg'], result['msg']
