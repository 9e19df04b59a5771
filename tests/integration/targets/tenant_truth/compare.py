# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""compare.py CHECK.json REAL.json: the role's result in check mode equals the real run's, apart from what the server gives
new objects (ids, GUIDs, its CRM entity, the engine's status text). Exits non-zero listing the differences."""

import json
import sys

SERVER_GIVEN = ('id', 'connection_id', 'connector_id', 'connection_guid', 'crm_actor_type', 'status_message')
MASK = '********'


def normalized(check, real, config=False):
    """``real`` with what the server gives new objects as check mode predicts it (null or ''); and the config of a connection
    whose connector is registered in the same run, which check mode cannot type (every value masked, fail closed)."""
    if isinstance(check, dict) and isinstance(real, dict):
        if config and all(v == MASK for v in check.values()):
            return dict((k, check[k]) for k in real if k in check)
        return dict((k, check[k] if k in SERVER_GIVEN and k in check and check[k] in (None, '') else normalized(check.get(k), v, k == 'config'))
                    for k, v in real.items())
    if isinstance(check, list) and isinstance(real, list) and len(check) == len(real):
        return [normalized(c, v) for c, v in zip(check, real)]
    return real


def differences(a, b, path=''):
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in differences(a.get(k, '<missing>'), b.get(k, '<missing>'), '%s.%s' % (path, k))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, '%s[%d]' % (path, i))]
    return [] if a == b else ['%s: check %r, real %r' % (path, a, b)]


def main():
    with open(sys.argv[1]) as f:
        check = json.load(f)
    with open(sys.argv[2]) as f:
        real = json.load(f)
    # Check mode cannot know a new connection's list mappings as the server keeps them (every ERP item, CRM ids): its
    # entries are compared by what changed (operations, the diff), not by the stored state.
    for result in (check, real):
        for key in ('invocation', 'warnings', 'deprecations'):
            result.pop(key, None)
        for connection in result.get('connections', []):
            for entry in connection.get('list_mappings', []):
                entry.pop('list_mappings', None)
    found = differences(check, normalized(check, real))
    if found:
        sys.exit('check mode and the real run differ:\n' + '\n'.join(found))
    print('compare.py: check mode predicted the real run (%s)' % ', '.join(sorted(set(k for k in real if k not in ('invocation',)))))


if __name__ == '__main__':
    main()
