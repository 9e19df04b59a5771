# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Check mode tells the truth: for generated desired states over generated starting tenants (new and existing connectors,
connections, mappings with and without defaults, list mappings, activation, engine), erpsync_tenant's --check --diff
result equals the real run that follows, and check mode fails exactly when the real run fails.

The tenant is the bundled emulator (a real HTTP server in this process, the demo data's empty tenant Nordic). What check
mode cannot know is left out of the comparison, and only that: the ids, GUIDs and CRM list item ids the server gives
objects that do not exist yet, and the CRM entity of a connection that does not exist yet.
"""

import copy
import json
import os
import random

import pytest

from ansible_collections.superoffice.crm.emulator.server import EmulatorServer
from ansible_collections.superoffice.crm.emulator.store import TenantStore
from ansible_collections.superoffice.crm.plugins.modules import erpsync_tenant

DATA = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'emulator', 'data', 'demo.json')
SAP_URL = 'https://erp-gw.nordic.example.com/sapb1/ErpConnector.svc'
VISMA_URL = 'https://erp-gw.nordic.example.com/vismanet/ErpConnector.svc'
SCENARIOS = 40
# What the server gives an object that does not exist yet: check mode predicts null (or nothing) for it. (The engine's status
# message after a start or stop is the server's text.)
SERVER_GIVEN = ('id', 'connection_id', 'connector_id', 'connection_guid', 'crm_actor_type', 'status_message')
MASK = '********'


def sap_config(r):
    return dict(ServiceLayerUrl='https://sap%d.example.com/b1s/v1' % r.randint(1, 3), CompanyDb=r.choice(['SBO_A', 'SBO_B']),
                UserName='sosync', Password='sap-pw')


SAP = dict(connector='SAP Business One', actor='Customer', mandatory='CardName', list_field='GroupCode', list='CustomerGroups',
           list_items=('100', '101'), config=sap_config,
           fields=[('FederalTaxID', 'contact.orgnr'), ('Phone1', 'contact.phone'), ('EmailAddress', 'contact.email')],
           shown='CardCode')
VISMA = dict(connector='Visma.net', actor='Customer', mandatory='Name', list_field='CustomerClass', list='CustomerClass',
             list_items=None, config=lambda r: dict(CompanyId=str(r.randint(1000, 1003)), ClientId='crm', ClientSecret='visma-pw'),
             fields=[('OrgNumber', 'contact.orgnr'), ('Email', 'contact.email'), ('Phone', 'contact.phone')], shown='CustomerNumber')
NAMES = (('SAP Oslo', SAP), ('SAP Bergen', SAP), ('Visma Nordic', VISMA))


@pytest.fixture(scope='module')
def emulator():
    with open(DATA) as handle:
        data = json.load(handle)
    data['tenants']['Nordic']['engine']['delay'] = 0.01  # the queued engine change applies at once
    server = EmulatorServer(('127.0.0.1', 0), TenantStore(data)).start_thread()
    yield server
    server.stop()


def nordic(emulator):
    tenant = emulator.store.get('Nordic')
    tenant.reset()
    return dict(url=emulator.base_url + '/Nordic', username='ERPAdmin', password='Demo-Passw0rd!')


def fields_of(r, kind, active):
    """Field mappings that the server takes: the mandatory field gets a direction when the actor type is active."""
    fields = []
    if active or r.random() < 0.5:
        fields.append(dict(erp_field=kind['mandatory'], crm_field='contact.name', direction='both', show_in_search=r.random() < 0.5))
    for erp, crm in r.sample(kind['fields'], r.randint(0, len(kind['fields']))):
        field = dict(erp_field=erp, crm_field=crm, direction=r.choice(['both', 'to_erp', 'none']))
        if r.random() < 0.3:
            field.update(default=r.choice(['x', 'y']), prompt_user=r.random() < 0.5)
        fields.append(field)
    if r.random() < 0.5:
        field = dict(erp_field=kind['list_field'], crm_field='contact.category', direction='both')
        if r.random() < 0.4:
            field.update(first_sync_default=r.choice(['100', '']), prompt_user=True)
        fields.append(field)
    if r.random() < 0.3:
        fields.append(dict(erp_field=kind['shown'], show_in_erp_tab=r.random() < 0.5))
    return fields


def connection_of(r, name, kind):
    active = r.random() < 0.6
    mapping_active = active or r.random() < 0.5
    item = dict(name=name, connector=kind['connector'], description=r.choice(['', 'Ledger', 'Nordic ledger']), active=active,
                config=kind['config'](r), update_secrets='on_create')
    if r.random() < 0.85:
        mapping = dict(actor_type=kind['actor'], active=mapping_active, fields=fields_of(r, kind, mapping_active))
        mapping['exclusive_fields'] = r.random() < 0.3
        mapping['refresh_fields'] = r.random() < 0.2
        item['mappings'] = [mapping]
        mapped_list = any(f['erp_field'] == kind['list_field'] for f in mapping['fields'])
        if mapped_list and kind['list_items'] and r.random() < 0.7:
            items = dict((erp, r.choice(['A customer', 'B customer', 3, None])) for erp in r.sample(kind['list_items'], r.randint(1, 2)))
            if len(set(v for v in items.values() if v is not None)) == len([v for v in items.values() if v is not None]):
                item['list_mappings'] = [dict(erp_list=kind['list'], items=items)]
    return item


def desired(r, limited=True):
    """A desired tenant the server takes (the real run succeeds unless ``limited`` leaves out a part it needs): a random
    part of every kind."""
    connections = [connection_of(r, name, kind) for name, kind in NAMES if r.random() < 0.6]
    connectors = [dict(name='SAP Business One', connector_url=SAP_URL), dict(name='Visma.net', connector_url=VISMA_URL)]
    state = dict(connectors=connectors, connections=connections, connections_exclusive=r.random() < 0.2,
                 engine_state=r.choice([None, 'running', 'stopped']), engine_interval=r.choice([None, 'PT10M', '00:30:00']))
    if limited and r.random() < 0.2:  # a run limited to some parts (the role's tags)
        state['parts'] = r.sample(['connectors', 'connections', 'mappings', 'engine'], r.randint(1, 3))
    return dict((k, v) for k, v in state.items() if v is not None)


def run(run_module, connection, state, check_mode=False):
    return run_module(erpsync_tenant.main, copy.deepcopy(state), check_mode=check_mode, diff=True, connection=connection)


def normalized(check, real, config=False):
    """``real`` with what the server gives new objects replaced by check mode's prediction (null or ''); and the config of
    a connection whose connector is registered in the same run, which check mode cannot type (it masks every value, fail
    closed) nor fill with the connector's defaults."""
    if isinstance(check, dict) and isinstance(real, dict):
        if config and all(v == MASK for v in check.values()):
            return dict((k, check[k]) for k in real if k in check)
        return dict((k, check[k] if k in check and k in SERVER_GIVEN and check[k] in (None, '')
                     else normalized(check.get(k), v, k == 'config')) for k, v in real.items())
    if isinstance(check, list) and isinstance(real, list) and len(check) == len(real):
        return [normalized(c, v) for c, v in zip(check, real)]
    return real


def outline(result):
    """What a review reads: changed and failed, per object its operations and failure, the counts, the engine, the diff."""
    def entry(e):
        return dict(changed=e['changed'], operations=e['operations'], failed=e.get('failed', False))
    return dict(
        changed=result['changed'], failed=result.get('failed', False), summary=result.get('summary'),
        connectors=[entry(c) for c in result.get('connectors', [])],
        connections=[dict(entry(c), connection=c['connection'], mappings=[dict(entry(m), mapping=m['mapping']) for m in c['mappings']],
                          list_mappings=[entry(m) for m in c['list_mappings']]) for c in result.get('connections', [])],
        engine=result.get('engine'), diff=result.get('diff'))


def differences(a, b, path=''):
    """Where two results differ, one line per place (the assertion message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b), key=str) for d in differences(a.get(k, '<missing>'), b.get(k, '<missing>'), '%s.%s' % (path, k))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, '%s[%d]' % (path, i))]
    return [] if a == b else ['%s: check %r, real %r' % (path, a, b)]


@pytest.mark.parametrize('seed', range(SCENARIOS))
def test_check_mode_predicts_the_real_run(emulator, run_module, seed):
    r = random.Random(seed)
    connection = nordic(emulator)
    if r.random() < 0.6:  # a tenant someone set up before: the starting state is itself a generated desired state
        start = run(run_module, connection, desired(r, limited=False))
        assert not start.get('failed'), start.get('msg')
    wanted = desired(r)
    check = run(run_module, connection, wanted, check_mode=True)
    real = run(run_module, connection, wanted)
    assert check.get('failed', False) == real.get('failed', False), (check.get('msg'), real.get('msg'))
    assert not differences(outline(check), outline(normalized(check, real)))
    if not real.get('failed'):  # and a run after it has nothing left to do
        again = run(run_module, connection, wanted, check_mode=True)
        assert again['changed'] is False and not again.get('failed'), again.get('diff')


def test_the_generator_covers_every_kind_of_change(emulator, run_module):
    """The scenarios above create, change and leave alone every kind (so the comparison is not vacuous)."""
    seen = set()
    for seed in range(SCENARIOS):
        r = random.Random(seed)
        if r.random() < 0.6:
            desired(r, limited=False)
        wanted = desired(r)
        for item in wanted['connections']:
            seen.add('connection')
            for mapping in item.get('mappings', []):
                seen.add('mapping')
                seen.update('default' for f in mapping['fields'] if 'default' in f or 'first_sync_default' in f)
            seen.update('list_mapping' for dummy in item.get('list_mappings', []))
            seen.update('active' for dummy in [1] if item['active'])
        seen.update('engine' for dummy in [1] if 'engine_state' in wanted)
    assert seen == set(['connection', 'mapping', 'default', 'list_mapping', 'active', 'engine'])


@pytest.mark.parametrize('case', ['unknown ERP field', 'unknown CRM list item'])
def test_check_mode_fails_where_the_real_run_fails(emulator, run_module, case):
    connection = nordic(emulator)
    r = random.Random(7)
    base = connection_of(r, 'SAP Oslo', SAP)
    base.update(active=False, mappings=[dict(actor_type='Customer', active=True, fields=[
        dict(erp_field='CardName', crm_field='contact.name', direction='both'),
        dict(erp_field='GroupCode', crm_field='contact.category', direction='both')])])
    base.pop('list_mappings', None)
    state = dict(connectors=[dict(name='SAP Business One', connector_url=SAP_URL)], connections=[base])
    assert not run(run_module, connection, state).get('failed')
    broken = copy.deepcopy(state)
    if case == 'unknown ERP field':
        broken['connections'][0]['mappings'][0]['fields'].append(dict(erp_field='NoSuchField', crm_field='contact.email'))
    else:
        broken['connections'][0]['list_mappings'] = [dict(erp_list='CustomerGroups', items={'100': 'No such category'})]
    check = run(run_module, connection, broken, check_mode=True)
    real = run(run_module, connection, broken)
    assert check['failed'] is True and real['failed'] is True
    assert check['msg'] == real['msg']
