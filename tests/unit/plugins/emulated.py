# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Helpers of the tests that run modules against the bundled emulator in this process (conftest.py's demo_tenant fixture:
the demo data's on-site tenant SuperOffice, connection 1 'SAP B1 Oslo' active, connection 2 'Visma.net pilot' inactive),
reading the tenant's state through the emulator's store, never through the collection."""

import copy
import json
import os

from ansible_collections.superoffice.crm.emulator.faults import parse_fault
from ansible_collections.superoffice.crm.plugins.modules import erpsync_tenant

DEMO_DATA = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'emulator', 'data', 'demo.json')


def demo_data():
    """The demo data, with a fast engine and no scripted toggle refusals."""
    with open(DEMO_DATA) as handle:
        data = json.load(handle)
    data['tenants']['SuperOffice']['engine']['delay'] = 0.01
    data['tenants']['SuperOffice'].pop('toggle_failures', None)
    return data


def fault(store, **rule):
    """Add one of the emulator's fault rules (by default for the next 20 matching requests)."""
    store.add_fault(parse_fault(dict(rule, count=rule.get('count', 20))))


def state(store):
    return copy.deepcopy(store.snapshot())


def connection_record(snapshot, conn_id):
    return [c for c in snapshot['connections'] if c['ErpConnectionId'] == conn_id][0]


def tenant_run(run_module, options, args, check_mode=False):
    return run_module(erpsync_tenant.main, copy.deepcopy(args), check_mode=check_mode, diff=True, connection=options)
