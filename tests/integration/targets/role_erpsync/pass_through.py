# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Completeness of the erpsync role against the module it runs (a role that drops a module option is a bug).

Usage: python pass_through.py ROLE_DIR  (reads ``ansible-doc -j`` of the modules and the role's tasks and vars)

* every connection option (the options of the webapi doc fragment, as erpsync_engine_info has them) has a role
  variable ``superoffice_<option>`` with the same type and choices, and the role passes it to erpsync_tenant;
* every other option of erpsync_tenant has its role variable and is passed;
* the items of erpsync_connectors and erpsync_connections in the role's argument spec have exactly the module's
  suboptions (nested ones too), with the same type, elements, choices and default.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re
import subprocess
import sys

TENANT = 'superoffice.crm.erpsync_tenant'
CONNECTION_ONLY = 'superoffice.crm.erpsync_engine_info'
ROLE = 'superoffice.crm.erpsync'
# erpsync_tenant option -> role variable, for the options that are not connection options.
MODULE_VARIABLES = {
    'connectors': 'erpsync_connectors', 'connections': 'erpsync_connections', 'connections_exclusive': 'erpsync_connections_exclusive',
    'engine_state': 'erpsync_engine_state', 'engine_interval': 'erpsync_engine_interval', 'engine_wait': 'erpsync_engine_wait',
    'engine_wait_timeout': 'erpsync_engine_wait_timeout', 'connectors_exclusive': 'erpsync_connectors_exclusive',
    'engine_despite_failures': 'erpsync_engine_despite_failures', 'parts': 'erpsync_parts', 'sync_priority': 'erpsync_sync_priority',
    'connections_exclusive_despite_failures': 'erpsync_connections_exclusive_despite_failures',
}
# Options the role computes itself rather than take from a variable.
ROLE_COMPUTED = {'warn_unknown': '__erpsync_unknown'}
COMPARED = ('type', 'elements', 'choices', 'default')


def ansible_doc(kind, name):
    output = subprocess.check_output(['ansible-doc', '-j', '-t', kind, name])
    return json.loads(output.decode('utf-8'))[name]


def same(first, second, keys):
    """The keys whose values differ (a missing type means str, as Ansible reads it)."""
    def value(spec, key):
        found = spec.get(key)
        if key == 'type' and found is None:
            return 'str'
        if key == 'choices' and found is not None:
            return sorted('%s' % choice for choice in found)
        return found
    return [key for key in keys if value(first, key) != value(second, key)]


def compare_items(path, module_items, role_items, problems):
    """The role's item spec against the module's suboptions, recursively."""
    for option in sorted(set(module_items) | set(role_items)):
        where = '%s[].%s' % (path, option)
        if option not in role_items:
            problems.append('%s items lack the module option %s' % (path, option))
        elif option not in module_items:
            problems.append('%s items take %s, which the module does not know' % (path, option))
        else:
            for key in same(module_items[option], role_items[option], COMPARED):
                problems.append('%s: %s is %r in the module but %r in the role'
                                % (where, key, module_items[option].get(key), role_items[option].get(key)))
            if module_items[option].get('suboptions') or role_items[option].get('options'):
                compare_items(where, module_items[option].get('suboptions') or {}, role_items[option].get('options') or {}, problems)


def main():
    tasks = ''.join(open(os.path.join(sys.argv[1], part, 'main.yml')).read() for part in ('tasks', 'vars'))
    tenant = ansible_doc('module', TENANT)['doc']['options']
    connection_options = sorted(ansible_doc('module', CONNECTION_ONLY)['doc']['options'])
    role = ansible_doc('role', ROLE)['entry_points']['main']['options']
    problems = []

    for option in connection_options:
        variable = 'superoffice_%s' % option
        if option not in tenant:
            problems.append('connection option %s is not an option of erpsync_tenant' % option)
        if variable not in role:
            problems.append('connection option %s has no role variable %s' % (option, variable))
            continue
        for key in same(tenant[option], role[variable], ('type', 'choices')):
            problems.append('%s: %s is %r in the module but %r in the role' % (variable, key, tenant[option].get(key), role[variable].get(key)))
        # The role builds the module defaults from a dict of 'option': superoffice_option entries.
        if not re.search(r"'%s': %s\b" % (re.escape(option), re.escape(variable)), tasks):
            problems.append('roles/erpsync/vars/main.yml does not pass %s as the option %s' % (variable, option))

    for option in sorted(set(tenant) - set(connection_options)):
        variable = MODULE_VARIABLES.get(option) or ROLE_COMPUTED.get(option)
        if variable is None or (option in MODULE_VARIABLES and variable not in role):
            problems.append('erpsync_tenant option %s has no role variable' % option)
        elif not re.search(r'^\s+%s: "\{\{[^\n]*\b%s\b' % (re.escape(option), re.escape(variable)), tasks, re.MULTILINE):
            problems.append('roles/erpsync/tasks/main.yml does not pass %s as the option %s' % (variable, option))

    for option in ('connectors', 'connections'):
        compare_items(MODULE_VARIABLES[option], tenant[option]['suboptions'], role[MODULE_VARIABLES[option]].get('options', {}), problems)

    for problem in problems:
        print('PASS-THROUGH: %s' % problem)
    print('%d connection options, %d erpsync_tenant options checked: %d problem(s)' % (len(connection_options), len(tenant), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
