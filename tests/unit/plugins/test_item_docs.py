# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The documented suboptions of the list options that modules validate item by item themselves (sanity's validate-modules
# cannot compare those with an argument spec): same names, types, defaults, choices and nesting as the specs in use.

import pytest

from ansible_collections.superoffice.crm.plugins.module_utils._resources.actor_mapping import FIELD_OPTIONS, MAPPING_OPTIONS
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_items import CONNECTION_OPTIONS
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connector import CONNECTOR_OPTIONS
from ansible_collections.superoffice.crm.plugins.module_utils._resources.list_mapping import LIST_OPTIONS
from ansible_collections.superoffice.crm.plugins.module_utils._resources.tenant import TENANT_CONNECTION_OPTIONS

from ansible_collections.superoffice.crm.tests.unit.plugins.test_meta_runtime import module_documentation

# The tenant validates mappings and list mappings of a connection item separately (to name them in messages).
TENANT_CONNECTIONS = dict(TENANT_CONNECTION_OPTIONS,
                          mappings=dict(TENANT_CONNECTION_OPTIONS['mappings'], options=MAPPING_OPTIONS),
                          list_mappings=dict(TENANT_CONNECTION_OPTIONS['list_mappings'], options=LIST_OPTIONS))
ITEM_SPECS = [
    ('erpsync_connections', 'connections', CONNECTION_OPTIONS),
    ('erpsync_actor_mapping', 'fields', FIELD_OPTIONS),
    ('erpsync_list_mapping', 'lists', LIST_OPTIONS),
    ('erpsync_tenant', 'connectors', CONNECTOR_OPTIONS),
    ('erpsync_tenant', 'connections', TENANT_CONNECTIONS),
]
COMPARED = ('type', 'elements', 'default', 'choices', 'required')


def differences(path, documented, spec):
    found = []
    for name in sorted(set(documented) | set(spec)):
        where = '%s.%s' % (path, name)
        if name not in spec:
            found.append('%s is documented but not taken' % where)
            continue
        if name not in documented:
            found.append('%s is taken but not documented' % where)
            continue
        doc, want = documented[name], spec[name]
        for key in COMPARED:
            have = doc.get(key, 'str' if key == 'type' else (False if key == 'required' else None))
            expected = want.get(key, 'str' if key == 'type' else (False if key == 'required' else None))
            if have != expected:
                found.append('%s: %s is documented as %r, the spec has %r' % (where, key, have, expected))
        if doc.get('suboptions') or want.get('options'):
            found += differences(where, doc.get('suboptions') or {}, want.get('options') or {})
    return found


@pytest.mark.parametrize('module, option, spec', ITEM_SPECS, ids=['%s.%s' % (m, o) for m, o, s in ITEM_SPECS])
def test_documented_items_match_the_spec(module, option, spec):
    documented = module_documentation(module)['options'][option].get('suboptions') or {}
    assert differences(option, documented, spec) == []


def test_a_difference_is_found():
    # The comparison itself: a changed default and a missing option are reported.
    documented = dict(name=dict(type='str'), state=dict(type='str', default='absent'))
    assert differences('x', documented, dict(name=dict(type='str'), state=dict(type='str', default='present'), id=dict(type='int'))) == [
        'x.id is taken but not documented', "x.state: default is documented as 'absent', the spec has 'present'"]
