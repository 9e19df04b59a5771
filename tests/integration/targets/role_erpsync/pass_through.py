# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Completeness of the erpsync role against the modules it runs (a role that drops a module option is a bug).

Usage: python pass_through.py ROLE_TASKS_FILE  (reads ``ansible-doc -j`` of the modules and the role itself)

* every connection option (the options erpsync_engine and erpsync_connections share) has a role variable
  ``superoffice_<option>`` with the same type and choices, and both module tasks pass it;
* every other option of the two modules has its role variable and is passed;
* each erpsync_connections item in the role's argument spec has exactly the modules' per-connection options,
  with the same type, elements, choices and default.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import re
import subprocess
import sys

ENGINE = 'superoffice.crm.erpsync_engine'
BULK = 'superoffice.crm.erpsync_connections'
ROLE = 'superoffice.crm.erpsync'
# Module option -> role variable, for the options that are not connection options.
MODULE_VARIABLES = {
    ENGINE: {'state': 'erpsync_engine_state', 'interval': 'erpsync_engine_interval',
             'wait': 'erpsync_engine_wait', 'wait_timeout': 'erpsync_engine_wait_timeout'},
    BULK: {'connections': 'erpsync_connections', 'exclusive': 'erpsync_connections_exclusive'},
}
COMPARED = ('type', 'elements', 'choices')


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


def main():
    tasks = open(sys.argv[1]).read()
    engine = ansible_doc('module', ENGINE)['doc']['options']
    bulk = ansible_doc('module', BULK)['doc']['options']
    role = ansible_doc('role', ROLE)['entry_points']['main']['options']
    problems = []

    def passed(option, variable):
        # The task line "option: "{{ ... variable ... }}"" (the connection options sit in the shared YAML anchor).
        if not re.search(r'^\s+%s: "\{\{[^\n]*\b%s\b' % (re.escape(option), re.escape(variable)), tasks, re.MULTILINE):
            problems.append('roles/erpsync/tasks/main.yml does not pass %s as the option %s' % (variable, option))

    connection_options = sorted(set(engine) & set(bulk))
    for option in connection_options:
        variable = 'superoffice_%s' % option
        if variable not in role:
            problems.append('connection option %s has no role variable %s' % (option, variable))
            continue
        for key in same(engine[option], role[variable], ('type', 'choices')):
            problems.append('%s: %s is %r in the modules but %r in the role' % (variable, key, engine[option].get(key), role[variable].get(key)))
        passed(option, variable)
    if tasks.count('<<: *erpsync_webapi_options') != 1 or tasks.count('<<: &erpsync_webapi_options') != 1:
        problems.append('both module tasks must take the connection options from the erpsync_webapi_options anchor')

    for module, options in ((ENGINE, engine), (BULK, bulk)):
        for option in sorted(set(options) - set(connection_options)):
            variable = MODULE_VARIABLES[module].get(option)
            if variable is None or variable not in role:
                problems.append('%s option %s has no role variable' % (module, option))
            else:
                passed(option, variable)

    module_items = bulk['connections']['suboptions']
    role_items = role['erpsync_connections'].get('options', {})
    for option in sorted(set(module_items) | set(role_items)):
        if option not in role_items:
            problems.append('erpsync_connections items lack the module option %s' % option)
        elif option not in module_items:
            problems.append('erpsync_connections items take %s, which the module does not know' % option)
        else:
            for key in same(module_items[option], role_items[option], COMPARED + ('default',)):
                problems.append('erpsync_connections[].%s: %s is %r in the module but %r in the role'
                                % (option, key, module_items[option].get(key), role_items[option].get(key)))

    for problem in problems:
        print('PASS-THROUGH: %s' % problem)
    print('%d connection options, %d engine options, %d connections options, %d item options checked: %d problem(s)'
          % (len(connection_options), len(engine), len(bulk), len(module_items), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
