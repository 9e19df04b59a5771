# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Edges of the go-live order, the reactivation after a refused save, request counts, terminal text and the lock (an independent review).

import copy
import json
import re

from ansible_collections.superoffice.crm.plugins.modules import erpsync_engine
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import META
from ansible_collections.superoffice.crm.tests.unit.plugins.emulated import connection_record, fault, state, tenant_run

SAP_CONFIG = dict(ServiceLayerUrl='https://b.example.com/b1s/v1', CompanyDb='SBO_BERGEN', UserName='sosync', Password='pw-bergen')
VISMA_CUSTOMER = dict(actor_type='Customer', active=True, fields=[dict(erp_field='Name', crm_field='contact.name', direction='both')])
CUSTOMER_WITH_DEFAULT = dict(actor_type='Customer', active=True, fields=[
    dict(erp_field='CardName', crm_field='contact.name', direction='both'),
    dict(erp_field='Phone1', crm_field='contact.phone', direction='both', default='+47')])


def test_a_failed_sync_priority_does_not_leave_production_deactivated(demo_tenant, run_module):
    """Production connection 1 (live, so it has its place in the stored priority) gets a config change, so the run deactivates
    it for the change; the new sync priority is refused. Its reactivation is held 'because sync_priority failed', so
    production stays down although its own change went through and it still has its old place."""
    store, options = demo_tenant
    fault(store, method='SaveErpConnectionSyncPriorities', kind='status', status=400)
    result = tenant_run(run_module, options, dict(connections=[dict(name='SAP B1 Oslo', config=dict(CompanyDb='SBO_NEW'), active=True)],
                                                  sync_priority=['Visma.net pilot', 'SAP B1 Oslo']))
    assert result.get('failed') is True
    assert connection_record(state(store), 1)['ConfigFields']['CompanyDb'] == 'SBO_NEW'  # its own change went through
    assert connection_record(state(store), 1)['Active'] is True, result['connections'][0]['msg']


def check_then_run(run_module, options, args):
    check = tenant_run(run_module, options, args, check_mode=True)
    real = tenant_run(run_module, options, args)
    return check, real


def test_check_mode_predicts_a_config_change_with_a_mapping_activation_on_production(demo_tenant, run_module):
    """Live connection 1: a config change (deactivated for it) and Customer activated with a default and a list mapping."""
    store, options = demo_tenant
    mapping = copy.deepcopy(CUSTOMER_WITH_DEFAULT)
    mapping['fields'].append(dict(erp_field='GroupCode', crm_field='contact.category', direction='both'))
    args = dict(connections=[dict(name='SAP B1 Oslo', config=dict(CompanyDb='SBO_NEW'), active=True, mappings=[mapping],
                                  list_mappings=[dict(erp_list='CustomerGroups', items={'100': 'A customer'})])])
    check, real = check_then_run(run_module, options, args)
    assert not real.get('failed'), real['msg']
    assert check['connections'][0]['operations'] == real['connections'][0]['operations']
    assert check['connections'][0]['mappings'][0]['operations'] == real['connections'][0]['mappings'][0]['operations']
    assert check['diff'] == real['diff']
    assert check['summary'] == real['summary']


def test_a_home_directory_the_lock_cannot_be_made_in_fails_naming_the_fix(tmp_path, monkeypatch, run_module, webapi):
    """HOME that is not a usable directory (here a file; the same for a read-only or missing home such as /nonexistent, or
    HOME='' which expanduser turns into '/'): every real run fails (lock_timeout defaults to 600) with a bare OSError text
    that names neither HOME nor lock_timeout (before this change the lock lived in the temp directory, which works)."""
    home = tmp_path / 'home-is-a-file'
    home.write_text('')
    monkeypatch.setenv('HOME', str(home))
    webapi.expect('GetEngineStatus', {}, dict(META, IsRunning=True, StatusMessage='Running', Interval='00:05:00'))
    result = run_module(erpsync_engine.main, dict(state='running', lock_timeout=5),
                        connection=dict(url='https://crm.example.com/SuperOffice', username='admin', password='s3cret-pw'))
    del webapi.expected[:]
    assert result.get('failed') is True and 'exception' not in result, result
    assert 'lock_timeout' in result['msg'] and 'HOME' in result['msg'], result['msg']


def test_a_failed_result_as_the_default_callback_prints_it_carries_no_terminal_control_in_its_messages(demo_tenant, run_module):
    """The default callback prints a failed task as "fatal: [host]: FAILED! => <result JSON>", dumped with ensure_ascii=False
    (ansible/plugins/callback/__init__.py _dump_results): JSON escapes only C0 controls, so DEL, the C1 controls (\x9b is
    CSI) and the bidi overrides of tenant text would reach the terminal raw. Every message (the items' too: the refusal
    reason, the name) and the diff show them as visible escapes; the data keeps the name verbatim (the export round-trips it)."""
    store, options = demo_tenant
    name = 'Pilot \u202egnp.exe\u202c \x9b31m'
    rename = tenant_run(run_module, options, dict(connections=[dict(id=2, name=name)]))
    assert not rename.get('failed'), rename.get('msg')
    store.set_toggle_failures({'2': ['refused \u202eerongi\u202c \x9b2K']})
    result = tenant_run(run_module, options, dict(connections=[dict(id=2, active=True)]))
    assert result.get('failed') is True
    control = re.compile('[\x7f-\x9f\u202a-\u202e\u2066-\u2069]')

    def messages(value):
        if isinstance(value, dict):
            return [m for k, v in value.items() for m in ([v] if k == 'msg' and isinstance(v, str) else messages(v))]
        return [m for v in value for m in messages(v)] if isinstance(value, list) else []
    texts = messages(result)
    assert len(texts) >= 2 and any('\\u202eerongi' in text for text in texts), texts  # the item's message, escaped
    assert not [m for m in texts if control.search(json.dumps(m, ensure_ascii=False))], texts
    assert rename['diff'] and not control.search(json.dumps(rename['diff'], ensure_ascii=False)), rename['diff']
    assert result['connections'][0]['connection']['name'] == name  # data verbatim


def methods_of(emulator, since):
    return [e['method'] or e['path'] for e in emulator.request_log.entries(since=since)]


def last_seq(emulator):
    entries = emulator.request_log.entries()
    return entries[-1]['seq'] if entries else 0


def test_a_sync_priority_save_costs_no_extra_connection_list_read(demo_emulator, demo_tenant, run_module):
    """A new connection ranked first and activated: c7f06dd read the connection list 3 times; since SYNC_PRIORITY moved
    between TWINS and ACTIVATE, its save counts as a wave of writes, so the toggles' fresh view is read once more (4), although
    a sync priority save cannot change any connection's Active flag."""
    store, options = demo_tenant
    since = last_seq(demo_emulator)
    result = tenant_run(run_module, options, dict(connections=[dict(
        name='SAP B1 Bergen', connector='SAP Business One', config=SAP_CONFIG, active=True, mappings=[dict(
            actor_type='Customer', active=True, fields=[dict(erp_field='CardName', crm_field='contact.name', direction='both')])])],
        sync_priority=['SAP B1 Bergen', 'SAP B1 Oslo', 0]))
    assert not result.get('failed'), result['msg']
    methods = methods_of(demo_emulator, since)
    assert methods.count('GetAllConnections') == 3, methods


def test_an_actor_type_activated_on_a_live_connection_with_list_mappings_costs_one_more_save(demo_tenant, demo_emulator, run_module):
    """Live connection 1 whose list mapping is already as given: Customer activated with a field change is saved inactive and
    then activated (two SaveActorTypeMapping, no more). The list mappings of a connection whose fields are mapped in the run
    are read after the mapping save (its list fields come from it), so whether a list mapping step comes between is not known
    when the first save is planned: the activation waits. A cost of one request per activation, accepted (the review's
    finding 5, noted on the issue)."""
    store, options = demo_tenant
    lists = [dict(erp_list='CustomerGroups', items={'100': 'A customer'})]
    fields = [dict(erp_field='CardName', crm_field='contact.name', direction='both'),
              dict(erp_field='GroupCode', crm_field='contact.category', direction='both')]
    setup = tenant_run(run_module, options, dict(connections=[dict(name='SAP B1 Oslo', list_mappings=lists, mappings=[dict(
        actor_type='Customer', active=False, fields=fields)])]))
    assert not setup.get('failed'), setup['msg']
    since = last_seq(demo_emulator)
    fields = copy.deepcopy(fields) + [dict(erp_field='Phone1', crm_field='contact.phone', direction='both')]
    result = tenant_run(run_module, options, dict(connections=[dict(name='SAP B1 Oslo', list_mappings=lists, mappings=[dict(
        actor_type='Customer', active=True, fields=fields)])]))
    assert not result.get('failed'), result['msg']
    assert state(store)['mappings']['1']['Customer']['active'] is True
    assert result['connections'][0]['list_mappings'][0]['changed'] is False
    assert result['connections'][0]['mappings'][0]['operations'] == ['mapping updated', 'mapping activated']
    assert methods_of(demo_emulator, since).count('SaveActorTypeMapping') == 2, methods_of(demo_emulator, since)


def test_a_reactivation_after_a_refused_save_that_landed_elsewhere_is_not_reported_as_done(demo_tenant, run_module):
    """The active connection 1 gets a config change; SaveConnection is refused (HTTP 400), so the run activates it again
    (_not_saved). That toggle lands on connection 2 (a proxy mixing up requests). The result says connection 1 "was activated
    again" although it is inactive, and never names connection 2, which went live: the verify that would catch it cannot amend
    an item that already failed, and _name_strays warns only when no item toggled."""
    store, options = demo_tenant
    fault(store, method='SaveConnection', kind='status', status=400)
    fault(store, method='ToggleErpConnectionActive', kind='delay', seconds=0, count=1)  # the deactivation goes through
    fault(store, method='ToggleErpConnectionActive', kind='wrong_id', id=2, mode='call', count=1)
    result = tenant_run(run_module, options, dict(connections=[dict(name='SAP B1 Oslo', config=dict(CompanyDb='SBO_NEW'), active=True)]))
    assert result.get('failed') is True
    now = state(store)
    assert connection_record(now, 1)['Active'] is False and connection_record(now, 2)['Active'] is True  # what the server did
    texts = [result['msg']] + result.get('warnings', [])
    assert not any('was activated again' in text for text in texts), texts
    assert any("'Visma.net pilot' (id 2)" in text for text in texts), texts


def test_a_held_reactivation_does_not_fail_the_other_connections_as_strays(demo_tenant, run_module):
    """Connection 1 (live) gets a config change and a default that the server refuses, so its reactivation is held (as
    designed: never live half-configured); connection 2 is activated and that goes through. The verify's new stray check
    wants connection 1 active (wanted_active), sees it inactive, calls it a stray, and fails connection 2 with "a toggle of
    this run may have landed on 'SAP B1 Oslo' (id 1)" although this run deactivated 1 on purpose and 2 is as wanted."""
    store, options = demo_tenant
    fault(store, method='SaveDefaultValueInfo', kind='status', status=400)
    result = tenant_run(run_module, options, dict(connections=[
        dict(name='SAP B1 Oslo', config=dict(CompanyDb='SBO_NEW'), active=True, mappings=[CUSTOMER_WITH_DEFAULT]),
        dict(name='Visma.net pilot', active=True)]))
    assert result.get('failed') is True
    assert connection_record(state(store), 2)['Active'] is True
    pilot = result['connections'][1]
    assert not pilot.get('failed'), pilot.get('msg')


def test_a_misdirected_toggle_that_makes_a_held_connection_live_is_reported(demo_tenant, run_module):
    """Connection 1 (live) gets a config change, so the run deactivates it first; that toggle lands on connection 2 (a proxy
    mixing up requests). Connection 2 wants to go live, but its mapping save is refused, so its activation is held: it must
    stay inactive (never live half-configured). The read after the run accepts 'active' for connection 2 because it is the
    flag the failed item wanted, so connection 2 - live, with a failed mapping - is no stray, and its result says inactive
    ('it stays inactive'). Connection 1's own deactivation, which never landed, is hidden the same way (it failed, and wanted
    active)."""
    store, options = demo_tenant
    fault(store, method='SaveActorTypeMapping', kind='status', status=400)
    fault(store, method='ToggleErpConnectionActive', kind='wrong_id', id=2, mode='call', count=1)
    result = tenant_run(run_module, options, dict(connections=[
        dict(name='SAP B1 Oslo', config=dict(CompanyDb='SBO_NEW'), active=True),
        dict(name='Visma.net pilot', active=True, mappings=[VISMA_CUSTOMER])]))
    now = state(store)
    assert connection_record(now, 2)['Active'] is True  # what the misdirected toggle did
    assert result.get('failed') is True
    pilot = result['connections'][1]
    texts = [result['msg']] + result.get('warnings', []) + [c.get('msg') or '' for c in result['connections']]
    # Either the result shows connection 2 as it is, or some message names it as changed by a toggle of this run.
    assert pilot['connection']['active'] is True or any(re.search(r"'Visma\.net pilot' \(id 2\)[^;]*is active now", t) for t in texts), texts


def test_a_misdirected_toggle_that_takes_a_held_unlisted_connection_down_is_reported(demo_tenant, run_module):
    """An exclusive run: new connection 'SAP B1 Bergen' goes live, connection 2 is to go live too but its mapping save is
    refused, so the unlisted live connection 1 (production) must stay active (held: 'unlisted connections stay active until
    the listed ones went through'). The activation toggle of the new connection lands on connection 1 (a proxy mixing up
    requests) and takes production down. The read after the run accepts 'inactive' for connection 1 because the failed
    unlisted item wanted it, so nothing names connection 1: the new connection's item blames another run, and the unlisted
    item still says connection 1 stays active."""
    store, options = demo_tenant
    fault(store, method='SaveActorTypeMapping', kind='status', status=400)
    fault(store, method='ToggleErpConnectionActive', kind='wrong_id', id=1, mode='call', count=1)
    result = tenant_run(run_module, options, dict(connections_exclusive=True, connections=[
        dict(name='SAP B1 Bergen', connector='SAP Business One', config=SAP_CONFIG, active=True),
        dict(name='Visma.net pilot', active=True, mappings=[VISMA_CUSTOMER])]))
    assert connection_record(state(store), 1)['Active'] is False  # production went down through the misdirected toggle
    assert result.get('failed') is True
    texts = [result['msg']] + result.get('warnings', [])
    assert any(re.search(r"'SAP B1 Oslo' \(id 1\)[^;]*is inactive now", t) for t in texts), texts
