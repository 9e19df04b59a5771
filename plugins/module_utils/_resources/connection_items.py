# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The desired connections: the per-connection options, an item built from them with the problems found before any
request, a connection found by name or id, and the user-facing views of a connection record (config masked).

Private to this collection (the leading underscore): its interface may change without notice.
"""

import copy
import re

from ansible_collections.superoffice.crm.plugins.module_utils._base import MASK
from ansible_collections.superoffice.crm.plugins.module_utils._items import (
    duplicate_errors, identity_errors, item_where, raise_problems, validate_items)
from ansible_collections.superoffice.crm.plugins.module_utils._plan import Item
from ansible_collections.superoffice.crm.plugins.module_utils._values import ascii_int

# The per-connection options: the options of erpsync_connection and the suboptions of erpsync_connections.connections.
CONNECTION_OPTIONS = dict(
    id=dict(type='int'),
    name=dict(type='str'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    active=dict(type='bool'),
    connector=dict(type='str'),
    description=dict(type='str'),
    config=dict(type='dict'),
    update_secrets=dict(type='str', choices=['always', 'on_create'], default='always', no_log=False),
    all_access=dict(type='bool'),
    user_group_ids=dict(type='list', elements='int'),
    associate_ids=dict(type='list', elements='int'),
    test_connection=dict(type='bool', default=False),
)
CONNECTION_REQUIRED_ONE_OF = [['id', 'name']]

# Option -> ErpConnection carrier field, for the fields compared as they are.
PLAIN_FIELDS = (('name', 'DisplayName'), ('description', 'DisplayDescription'), ('all_access', 'AllAccess'))
ID_LIST_FIELDS = (('user_group_ids', 'UserGroupAccessIds'), ('associate_ids', 'AssociateAccessIds'))

# The value the export's vault stub gives every secret (erpsync_tenant_info): refused as a config value, so that an export
# applied before its vault file was filled in never overwrites the ERP credentials with it.
STUB = 'CHANGE_ME'
# The export's placeholder of a secret, '{{ vault_erpsync_3_ClientSecret }}' (export.placeholder), as a config value: never
# templated (erpsync_tenant_info's role_vars passed on directly: a module result is never templated), refused the same way.
UNRENDERED_PLACEHOLDER = re.compile(r'\{\{ vault_erpsync_[0-9]+_[A-Za-z0-9_]+ \}\}')

# Column sizes of ErpConnection.DisplayName/DisplayDescription and ConnectionConfigField.FieldKey/FieldValue.
MAX_DISPLAY_TEXT = 254
MAX_CONFIG_KEY = 254
MAX_CONFIG_VALUE = 1023

OP_CREATED = 'created'
OP_UPDATED = 'updated'
OP_DELETED = 'deleted'
OP_ACTIVATED = 'activated'
OP_DEACTIVATED = 'deactivated'
OP_DEACTIVATED_FOR_CONFIG = 'deactivated for config change'
OP_REACTIVATED = 'reactivated'
TOGGLES = (OP_ACTIVATED, OP_DEACTIVATED, OP_DEACTIVATED_FOR_CONFIG, OP_REACTIVATED)


def connection_options():
    """A fresh copy of the per-connection option spec."""
    return copy.deepcopy(CONNECTION_OPTIONS)


def mask_config(config, plain_keys, given=None):
    """Config values for output: every value but those of ``plain_keys`` (the keys the connector's metadata types as plain
    fields, see ErpSyncAPI.plain_keys) replaced by the mask, so that a key the metadata does not type is hidden (fail closed).

    A secret shows the mask when the server shows a value or the user gave one (the server may hide stored secrets, so a
    blank read does not mean "not set"); a blank one stays blank.
    """
    given = given or {}
    plain_keys = plain_keys or ()
    shown = {}
    for key, value in (config or {}).items():
        if key not in plain_keys:
            value = MASK if (value or given.get(key)) else ''
        shown[key] = value
    return shown


def connection_facts(record, plain_keys=(), with_config=True, given_config=None):
    """The user-facing view of an ErpConnection carrier; ``config`` is None when it was not read."""
    config = None
    if with_config:
        config = mask_config(record.get('ConfigFields') or {}, plain_keys, given_config)
    return dict(
        id=record.get('ErpConnectionId'),
        name=record.get('DisplayName') or '',
        description=record.get('DisplayDescription') or '',
        active=bool(record.get('Active')),
        connector_id=record.get('ErpConnectorId'),
        connection_guid=record.get('ConnectionId') or None,
        all_access=bool(record.get('AllAccess')),
        user_group_ids=sorted(record.get('UserGroupAccessIds') or []),
        associate_ids=sorted(record.get('AssociateAccessIds') or []),
        deleted=bool(record.get('Deleted')),
        most_recent_timestamp=record.get('MostRecentTimestamp') or '',
        config=config,
    )


def describe(record):
    return "'%s' (id %s)" % (record.get('DisplayName'), record.get('ErpConnectionId'))


def reasons_text(reasons):
    """The server's refusal reasons as one clause (without a final period, so a sentence can go on)."""
    return '; '.join(('%s' % r).strip().rstrip('.') for r in reasons)


def near(name):
    """A name as people read it: case and runs of white space do not count (to warn about near-duplicates)."""
    return re.sub(r'\s+', ' ', (name or '').strip()).casefold()


def _check_config_shape(config, errors, where):
    """Config keys and values that are wrong whatever the connector (before any request)."""
    for key, value in config.items():
        key = '%s' % (key,)
        if not key.strip():
            errors.append('%sconfig keys must not be empty' % where)
        elif len(key) > MAX_CONFIG_KEY:
            errors.append('%sconfig keys must be at most %d characters long' % (where, MAX_CONFIG_KEY))
        elif value is None:
            errors.append("%sconfig.%s has no value; give a string ('' for an empty value)" % (where, key))
        elif value == STUB:
            errors.append('%sconfig.%s is still %s, the text the export\'s vault stub gives every secret: fill in its vault_erpsync_* '
                          'variable (in the vault file beside the export) before applying' % (where, key, STUB))
        elif isinstance(value, str) and UNRENDERED_PLACEHOLDER.fullmatch(value):
            errors.append('%sconfig.%s is %s, a vault placeholder of the export that was never templated (erpsync_tenant_info\'s '
                          'role_vars is a module result, which Ansible never templates): write its role_vars_yaml to a variables file '
                          'and load that (include_vars, vars_files or host_vars, as the playbook superoffice.crm.export does) with the '
                          'vault variable defined, instead of passing role_vars on' % (where, key, value))
        elif not isinstance(value, (str, int, float, bool)):
            errors.append('%sconfig.%s must be a string, got a %s' % (where, key, type(value).__name__))
        elif len('%s' % (value,)) > MAX_CONFIG_VALUE:
            # Never the value itself: it may be a secret.
            errors.append('%sconfig.%s is %d characters long; the server stores at most %d'
                          % (where, key, len('%s' % (value,)), MAX_CONFIG_VALUE))


class ConnectionItem(Item):
    """A desired connection (or, with ``unlisted``, a live connection no item names that exclusive deactivates)."""

    def __init__(self, params, index=None, where='', unlisted=False):
        super().__init__(params, index, where)
        self.config = None          # the given config, in the server's form once the connector's field types are known
        self.connector_id = None    # resolved from params['connector']
        self.connector_item = None  # the tenant's connector item registering its connector in this run
        self.has_config = False     # whether current/final came with ConfigFields (GetConnection), not from the list
        self.written = {}           # config keys the run writes (for diffs)
        self.live = None            # the record as the latest fresh read shows it
        self.twin = None            # a lower-id connection another run created at the same moment as this run's (its id)
        self.unlisted = unlisted
        self.unclear = False        # a write had an unclear outcome: the final read must confirm it
        self.has_mappings = False   # the tenant maps its fields in this run (its list mappings are read after that)
        self.untyped_keys = set()   # given config keys the connector's metadata does not list (accepted if the connection stores them)
        self.activation_held = None  # why this run may not activate it (the tenant run without the part of the mappings it gives)

    @property
    def was_active(self):
        """Whether the connection was live when the run read it (a new one was not)."""
        return bool((self.current or {}).get('Active'))


def connection_item(params, index=None, errors=None, label='connections'):
    """A desired connection, its option values checked (no request needed); problems are in ``item.errors``."""
    where = item_where(label, index, params)
    item = ConnectionItem(params, index, where)
    if errors:
        item.errors = ['%s%s' % (where, e) for e in errors]
        return item
    item.errors += identity_errors(params, where, ('name', 'connector', 'description'), MAX_DISPLAY_TEXT)
    for option in ('user_group_ids', 'associate_ids'):
        wrong = [i for i in params[option] or [] if i < 1]
        if wrong:
            item.errors.append('%s%s must hold positive ids, got %s' % (where, option, ', '.join('%d' % i for i in wrong)))
    if params['config'] is not None:
        _check_config_shape(params['config'], item.errors, where)
    return item


def items_from_list(raw_items, options=None, label='connections'):
    """Validate a list of connection items with the per-connection spec; messages name the item."""
    return validate_items(raw_items, options or CONNECTION_OPTIONS, lambda params, index, errors: connection_item(params, index, errors, label),
                          'connection', required_one_of=CONNECTION_REQUIRED_ONE_OF)


def problems(items, label='connections'):
    """Problems found without any request (option values, duplicates)."""
    return [e for item in items for e in item.errors] + duplicate_errors(items, label, 'connection')


def check_items(items, label='connections'):
    """Raise a PlanError listing every problem found without any request."""
    raise_problems(problems(items, label))


def item_label(item):
    record = item.final or item.current
    if record is not None and record.get('ErpConnectionId') is not None:
        return describe(record)
    if item.params.get('name'):
        return "'%s'" % item.params['name']
    return 'id %s' % item.params.get('id')


def find_connection(api, connection, records=None):
    """The live connection a name or numeric id names (as ``connection`` options take it); ValueError listing the live ones.
    Digits name an id whatever blanks surround them; a name matches as written (a tenant's name may end with a blank)."""
    records = api.get_all_connections(False) if records is None else records
    number = ascii_int(connection)
    found = [r for r in records if r['ErpConnectionId'] == number] or [r for r in records if r.get('DisplayName') == '%s' % (connection,)]
    if len(found) == 1:
        return found[0]
    if found:
        raise ValueError('connection %r matches %d live connections: %s; give its id' % (
            connection, len(found), ', '.join(describe(r) for r in found)))
    raise ValueError('connection %r is not a live connection; live connections: %s' % (
        connection, ', '.join(describe(r) for r in records) or 'none'))


def same_target_errors(items, label='connections'):
    """Two items that resolve to one live connection (by id and by name, say): each connection may be listed once."""
    errors = []
    seen = {}
    for item in items:
        if item.current is None:
            continue
        conn_id = item.current['ErpConnectionId']
        if conn_id in seen:
            errors.append('%s[%d] and %s[%d] both refer to connection %s; each connection may be listed once'
                          % (label, seen[conn_id], label, item.index, describe(item.current)))
        else:
            seen[conn_id] = item.index
    return errors


def warn_about_names(items, live, warn):
    """Warnings about slips a run cannot refuse: a new name that differs from a live one only in case or white space, a move
    to another connector, and a rename to a name another connection has (finding by name fails then)."""
    renamed = dict((item.current['ErpConnectionId'], item.params['name']) for item in items
                   if item.current is not None and item.params['name'] is not None and item.params['state'] == 'present')
    deleted = set(item.current['ErpConnectionId'] for item in items if item.current is not None and item.params['state'] == 'absent')
    for item in items:
        if item.params['state'] != 'present':
            continue
        if item.current is None:
            _warn_near_name(item, live, warn)
            continue
        if item.connector_id is not None and item.connector_id != item.current.get('ErpConnectorId'):
            warn('%sconnection %s moves from connector id %s to connector id %s. The admin screen offers no such change '
                 'and the stored config belongs to the old connector; consider a new connection instead'
                 % (item.where, describe(item.current), item.current.get('ErpConnectorId'), item.connector_id))
        if item.params['id'] is not None and item.params['name'] not in (None, item.current.get('DisplayName')):
            _warn_shared_name(item, live, renamed, deleted, warn)


def _warn_near_name(item, live, warn):
    name = item.params['name']
    similar = [r for r in live if near(r.get('DisplayName')) == near(name)]
    if similar or name != name.strip():
        warn('%sconnection %r will be created, although %s; names are compared exactly, so check for a typing slip (case or '
             'white space)' % (item.where, name, ', '.join('connection %s differs from it only in case or white space' % describe(r)
                                                           for r in similar) or 'its name starts or ends with white space'))


def _warn_shared_name(item, live, renamed, deleted, warn):
    for other in live:
        other_id = other['ErpConnectionId']
        if other_id == item.current['ErpConnectionId'] or other_id in deleted:
            continue
        if renamed.get(other_id, other.get('DisplayName')) == item.params['name']:
            warn('%sconnection %s is renamed to %r, which connection %s also has; finding these connections by name will fail '
                 'until the names differ' % (item.where, describe(item.current), item.params['name'], describe(other)))
