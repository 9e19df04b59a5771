# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Check mode predicts the real run of a change to an existing tenant: test_check_equals_apply's property, with a generator
that changes a started tenant the way a merge request does: the sync priority, the ERP tab's order of fields already shown, exclusive options
(connections_exclusive, connectors_exclusive, exclusive_fields, list_mappings_exclusive), deletes, renames by id, dropped
items, and runs limited to parts. The starting tenant is itself a generated desired state, applied for real.

What check mode is documented not to know stays out of the comparison (normalized() of the original test: ids and GUIDs
of new objects, the config of a connector registered in the same run); erp_tab_order is only given on mappings whose
shown fields the start already shows, so the documented over-prediction for fields first shown in the run never applies.
"""

import copy
import os
import random

import pytest

from ansible_collections.superoffice.crm.tests.unit.plugins.test_check_equals_apply import NAMES, differences, nordic, normalized, outline, run
from ansible_collections.superoffice.crm.tests.unit.plugins import test_check_equals_apply as base

emulator = base.emulator  # the same fixture: a server of this module's own

SCENARIOS = int(os.environ.get('SUPEROFFICE_CHANGE_SCENARIOS', '80'))  # an independent review ran 300
SEEN = {}  # operation -> how many real runs made it (the coverage test at the end reads it)


def start_state(r):
    """A tenant someone set up: every connection with an active, mapped Customer whose ERP tab shows two fields or more."""
    state = base.desired(r, limited=False)
    state['connections'] = list(state['connections']) or [base.connection_of(r, NAMES[0][0], NAMES[0][1])]
    for item in state['connections']:
        kind = dict(NAMES)[item['name']]
        item['active'] = r.random() < 0.7
        mapping = dict(actor_type=kind['actor'], active=True, fields=base.fields_of(r, kind, True))
        by_key = dict((f['erp_field'], f) for f in mapping['fields'])
        for key in (kind['shown'], kind['mandatory']) + tuple(erp for erp, crm in kind['fields'][:1]):
            by_key.setdefault(key, dict(erp_field=key))['show_in_erp_tab'] = True
        mapping['fields'] = list(by_key.values())
        item['mappings'] = [mapping]
        item.pop('list_mappings', None)
    if len(state['connections']) > 1 and r.random() < 0.5:
        names = [c['name'] for c in state['connections']]
        r.shuffle(names)
        state['sync_priority'] = names
    return state


def mutated(r, start, started):
    """A change to the started tenant, as a merge request makes it. ``started``: the real run's result (the ids)."""
    state = copy.deepcopy(start)
    ids = dict((entry['connection']['name'], entry['connection']['id']) for entry in started['connections'] if entry.get('connection'))
    state.pop('sync_priority', None)
    state.pop('engine_state', None)
    state.pop('engine_interval', None)
    left = []
    for item in state['connections']:
        roll = r.random()
        if roll < 0.12:
            continue                                          # dropped from the list (unlisted)
        if roll < 0.22:
            left.append(dict(name=item['name'], state='absent'))  # deleted
            continue
        if roll < 0.32 and item['name'] in ids:
            item = dict(item, id=ids[item['name']], name=item['name'] + ' renamed')  # renamed by id
        if r.random() < 0.3:
            item['active'] = not item.get('active')
        if r.random() < 0.3:
            item['description'] = r.choice(['', 'Changed', 'Nordic ledger'])
        if r.random() < 0.3:  # a config change (an active connection is deactivated for it and reactivated)
            kind = dict(NAMES).get(item['name'].replace(' renamed', ''))
            item['config'] = kind['config'](r)
            if r.random() < 0.5:
                item['config'][r.choice(['Password', 'ClientSecret'])] = r.choice(['new-pw', 'sap-pw', 'visma-pw'])
                item['update_secrets'] = r.choice(['always', 'on_create'])
        for mapping in item.get('mappings', []):
            if r.random() < 0.1:
                mapping['refresh_fields'] = True
        for mapping in item.get('mappings', []):
            if r.random() < 0.3:
                mapping['active'] = not mapping['active'] if item.get('active') is False else True
            mapping['exclusive_fields'] = r.random() < 0.3
            shown = [f['erp_field'] for f in mapping['fields'] if f.get('show_in_erp_tab')]
            if mapping['active'] and len(shown) > 1 and r.random() < 0.5:
                mapping['erp_tab_order'] = r.sample(shown, len(shown))
            for field in mapping['fields']:
                if field.get('direction') and field['erp_field'] not in ('CardName', 'Name') and r.random() < 0.2:
                    field['direction'] = r.choice(['both', 'to_erp', 'none'])
                if 'default' in field and r.random() < 0.3:
                    field['default'] = r.choice(['x', 'z'])
        kind = dict(NAMES).get(item['name'].replace(' renamed', ''))
        if kind and kind['list_items'] and r.random() < 0.4 and any(
                f['erp_field'] == kind['list_field'] for m in item.get('mappings', []) for f in m['fields']):
            item['list_mappings'] = [dict(erp_list=kind['list'], items={kind['list_items'][0]: r.choice(['A customer', 'B customer'])})]
            item['list_mappings_exclusive'] = r.random() < 0.5
        left.append(item)
    if r.random() < 0.3:  # a new connection too
        name, kind = r.choice([n for n in NAMES if n[0] not in [c['name'] for c in start['connections']]] or [NAMES[0]])
        if name not in [c['name'] for c in start['connections']]:
            left.append(base.connection_of(r, name, kind))
    state['connections'] = left
    state['connections_exclusive'] = r.random() < 0.3
    if r.random() < 0.25:
        state['connectors_exclusive'] = True
        state['connectors'] = r.sample(state['connectors'], r.randint(1, len(state['connectors'])))
    live = [c.get('name') for c in left if c.get('state') != 'absent']
    live += [n for n in ids if n not in [c['name'].replace(' renamed', '') for c in state['connections']]]
    if live and r.random() < 0.5:
        order = r.sample(live, r.randint(1, len(live)))
        if r.random() < 0.2:
            order.insert(r.randint(0, len(order)), 0)
        state['sync_priority'] = order
    if r.random() < 0.3:
        state['engine_state'] = r.choice(['running', 'stopped'])
    if r.random() < 0.15:
        state['parts'] = r.sample(['connectors', 'connections', 'mappings', 'sync_priority', 'engine'], r.randint(1, 3))
    return state


def scenario(run_module, connection, seed):
    """One generated change: the start applied for real, then the change in check mode and for real. Returns both results."""
    r = random.Random(1000 + seed)
    start = start_state(r)
    started = run(run_module, connection, start)
    assert not started.get('failed'), ('the start did not apply', started.get('msg'))
    wanted = mutated(r, start, started)
    return wanted, run(run_module, connection, wanted, check_mode=True), run(run_module, connection, wanted)


@pytest.mark.parametrize('seed', range(SCENARIOS))
def test_check_mode_predicts_a_change_to_an_existing_tenant(emulator, run_module, seed):
    connection = nordic(emulator)
    wanted, check, real = scenario(run_module, connection, seed)
    assert check.get('failed', False) == real.get('failed', False), (wanted, check.get('msg'), real.get('msg'))
    for op in operations(real):
        SEEN[op] = SEEN.get(op, 0) + 1
    problems = differences(outline(check), outline(normalized(check, real)))
    assert not problems, (wanted, problems)
    # update_secrets=always writes the secrets on every run (the server never shows them): documented, not idempotent.
    if not real.get('failed') and not any(c.get('update_secrets') == 'always' for c in wanted['connections']):
        again = run(run_module, connection, wanted, check_mode=True)
        assert again['changed'] is False and not again.get('failed'), (wanted, again.get('diff'))


def operations(result):
    """Every operation a result names (the engine's too), without the field names of defaults."""
    ops = []
    for entry in result.get('connectors', []):
        ops += ['connector ' + o for o in entry['operations']]
    for entry in result.get('connections', []):
        ops += ['connection ' + o for o in entry['operations']]
        for m in entry.get('mappings', []):
            ops += ['mapping ' + o.split(' of ')[0] for o in m['operations']]
        for m in entry.get('list_mappings', []):
            ops += ['list ' + o for o in m['operations']]
    ops += ['unlisted deactivated'] * len(result.get('unlisted_deactivated', []))
    if (result.get('sync_priority') or {}).get('changed'):
        ops.append('sync priority set')
    if (result.get('engine') or {}).get('changed'):
        ops.append('engine changed')
    return ops


def test_the_generator_covers_the_changes(emulator, run_module):
    """The real runs made every kind of change the generator is for (counted by the scenarios above; run alone, it runs them)."""
    if not SEEN:
        for seed in range(SCENARIOS):
            for op in operations(scenario(run_module, nordic(emulator), seed)[2]):
                SEEN[op] = SEEN.get(op, 0) + 1
    wanted = ['connection deleted', 'connection updated', 'connection activated', 'connection deactivated', 'mapping mapping updated',
              'mapping default', 'list list mappings updated', 'mapping ERP-tab order updated', 'unlisted deactivated', 'sync priority set',
              'connection created', 'connection deactivated for config change', 'connection reactivated', 'connector deleted']
    assert [w for w in wanted if not any(op.startswith(w) for op in SEEN)] == [], sorted(SEEN)
