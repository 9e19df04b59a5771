# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
name: emulator_admin
short_description: Arrange and observe one fault scenario on the WebAPI emulator (test helper of the reliability target)
description:
  - C(arrange) puts a tenant back to its data-file state, sets a short batch delay and the activation refusals, injects the
    faults in order and clears the request log, in one task.
  - C(observe) optionally waits for requests still running (O(settle)), reads the tenant's state dump and request log and
    returns them with what the scenarios assert on. It fails, naming what it saw, when two live connections share a name,
    when a connection was flipped more often than O(flips_allowed), or when an injected fault did not fire.
  - C(engine) sets the emulator's engine directly (admin API C(PUT /engine)).
  - The admin API's address is read from E(SUPEROFFICE_EMULATOR_URL).
options:
  _terms:
    description: C(arrange), C(observe) or C(engine).
    required: true
  tenant:
    description: Tenant key.
    default: SuperOffice
  faults:
    description: Fault rules to inject (arrange).
    type: list
    default: []
  refusals:
    description: Activation refusals by connection id, each a list of reasons (arrange).
    type: dict
    default: {}
  engine:
    description: Engine settings (arrange, engine).
    type: dict
    default: {}
  settle:
    description: Seconds to wait before reading, so that delayed requests end (observe).
    type: float
    default: 0
  flips_allowed:
    description: How many applied toggles one connection may see in the scenario (observe).
    type: int
    default: 1
'''

import collections
import json
import os
import time

from ansible.errors import AnsibleError
from ansible.module_utils.six.moves.urllib.request import Request, urlopen
from ansible.plugins.lookup import LookupBase

# Fault kinds after which the emulator did not apply the call.
NOT_APPLIED = ('status', 'html', 'null', 'drop_before_apply')


def _admin(method, path, body=None):
    url = os.environ['SUPEROFFICE_EMULATOR_URL'] + '/_emulator' + path
    data = json.dumps(body).encode('utf-8') if body is not None else None
    request = Request(url, data=data, headers={'Content-Type': 'application/json'})
    request.get_method = lambda: method
    response = urlopen(request, timeout=30)
    content = response.read()
    return json.loads(content.decode('utf-8')) if content else None


def arrange(tenant, faults, refusals, engine):
    _admin('POST', '/tenants/%s/reset' % tenant)
    _admin('PUT', '/tenants/%s/engine' % tenant, dict(dict(delay=0.2), **engine))
    _admin('PUT', '/tenants/%s/toggle_failures' % tenant, refusals)
    for fault in faults:
        _admin('POST', '/tenants/%s/faults' % tenant, fault)
    _admin('DELETE', '/requests')
    return True


def observe(tenant, settle, flips_allowed):
    if settle:
        time.sleep(settle)
    state = _admin('GET', '/tenants/%s' % tenant)
    log = [entry for entry in _admin('GET', '/requests?tenant=%s' % tenant) if entry.get('method')]
    live = [c for c in state['connections'] if not c.get('Deleted')]
    toggles = [e for e in log if e['method'] == 'ToggleErpConnectionActive']
    flips = [e['body']['ErpConnectionId'] for e in toggles if e.get('fault') not in NOT_APPLIED]
    seen = dict(
        state=state,
        engine=state['engine'],
        live=live,
        log=log,
        calls=[e['method'] for e in log],
        faults_fired=len([e for e in log if e.get('fault')]),
        flips=flips,
        toggles_sent=len(toggles),
    )
    problems = []
    names = collections.Counter(c.get('DisplayName') for c in live)
    problems.extend('%d live connections are named %r (a duplicate)' % (n, name) for name, n in sorted(names.items()) if n > 1)
    counts = collections.Counter(flips)
    problems.extend('connection %s was flipped %d times (allowed: %d)' % (conn_id, n, flips_allowed)
                    for conn_id, n in sorted(counts.items()) if n > flips_allowed)
    problems.extend('fault %s did not fire' % json.dumps(f, sort_keys=True) for f in state['faults'] if f.get('count'))
    if problems:
        raise AnsibleError('%s. Calls: %s' % ('; '.join(problems), ', '.join(
            '%s%s' % (e['method'], ' (%s)' % e['fault'] if e.get('fault') else '') for e in log)))
    return seen


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        tenant = self.get_option('tenant')
        results = []
        for term in terms:
            if term == 'arrange':
                results.append(arrange(tenant, self.get_option('faults'), self.get_option('refusals'), self.get_option('engine')))
            elif term == 'observe':
                results.append(observe(tenant, self.get_option('settle'), self.get_option('flips_allowed')))
            elif term == 'engine':
                results.append(_admin('PUT', '/tenants/%s/engine' % tenant, self.get_option('engine')))
            else:
                raise AnsibleError('emulator_admin: unknown term %r; use arrange, observe or engine' % (term,))
        return results
