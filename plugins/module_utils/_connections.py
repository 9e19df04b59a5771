# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one convergence engine for ERP connections, used by erpsync_connection and erpsync_connections.

The single module converges a list of one item, the bulk module a list of many; both get the same
validation, request economy, check/diff behaviour and secret handling from here.

Private to this collection (the leading underscore): its interface may change without notice.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.six import integer_types, string_types

from ansible_collections.superoffice.crm.plugins.module_utils._webapi import MASK, WebAPIError

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
_PLAIN_FIELDS = (('name', 'DisplayName'), ('description', 'DisplayDescription'), ('all_access', 'AllAccess'))
_ID_LIST_FIELDS = (('user_group_ids', 'UserGroupAccessIds'), ('associate_ids', 'AssociateAccessIds'))
_CARRIER_METADATA = ('TableRight', 'FieldProperties')

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


def connection_options():
    """A fresh copy of the per-connection option spec."""
    return copy.deepcopy(CONNECTION_OPTIONS)


def mask_config_args(params):
    """A copy of module arguments with every ``config`` value masked (also inside ``connections`` items).

    Before the connector's field metadata is read the module cannot tell secret config values from plain
    ones, so the echoed arguments (``invocation``, the module log) never show any of them.
    """
    if not isinstance(params, dict):
        return params
    masked = dict(params)
    if isinstance(masked.get('config'), dict):
        masked['config'] = dict((k, MASK if v not in (None, '') else v) for k, v in masked['config'].items())
    if isinstance(masked.get('connections'), list):
        masked['connections'] = [mask_config_args(item) for item in masked['connections']]
    return masked


class ConnectionModule(AnsibleModule):
    """AnsibleModule that never echoes ``config`` values (they may be secrets) in ``invocation`` or the module log."""

    def exit_json(self, **kwargs):
        kwargs.setdefault('invocation', {'module_args': mask_config_args(getattr(self, 'params', None))})
        super(ConnectionModule, self).exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        kwargs.setdefault('invocation', {'module_args': mask_config_args(getattr(self, 'params', None))})
        super(ConnectionModule, self).fail_json(msg, **kwargs)

    def _log_invocation(self):
        params = self.params
        self.params = mask_config_args(params)
        try:
            super(ConnectionModule, self)._log_invocation()
        finally:
            self.params = params


def mask_config(config, password_keys, given=None):
    """Config values for output: Password-type values replaced by the mask.

    A Password field shows the mask when the server shows a value or the user gave one (the server may
    hide stored secrets, so a blank read does not mean "not set"); a blank one stays blank.
    ``password_keys`` None means the field types are unknown: every value is masked.
    """
    given = given or {}
    shown = {}
    for key, value in (config or {}).items():
        if password_keys is None or key in password_keys:
            value = MASK if (value or given.get(key)) else ''
        shown[key] = value
    return shown


def connection_facts(record, password_keys=(), with_config=True, given_config=None):
    """The user-facing view of an ErpConnection carrier; ``config`` is None when it was not read."""
    config = None
    if with_config:
        config = mask_config(record.get('ConfigFields') or {}, password_keys, given_config)
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


def _reasons(reasons):
    """The server's refusal reasons as one clause (without a final period, so a sentence can go on)."""
    return '; '.join(('%s' % r).strip().rstrip('.') for r in reasons)


def describe(record):
    return "'%s' (id %s)" % (record.get('DisplayName'), record.get('ErpConnectionId'))


class ConvergeError(Exception):
    """The run cannot start (invalid items, a failed read before any write): nothing was changed."""

    def __init__(self, message, fields=None):
        super(ConvergeError, self).__init__(message)
        self.message = message
        self.fields = fields or {}


class _ItemFailure(Exception):
    def __init__(self, message):
        super(_ItemFailure, self).__init__(message)
        self.message = message


def _normalize_config(config, errors, where):
    """Config values as the strings the WebAPI stores; numbers become text, anything else is an error."""
    normalized = {}
    for key, value in config.items():
        key = '%s' % (key,)
        if not key.strip():
            errors.append('%sconfig keys must not be empty' % where)
        elif isinstance(value, bool):
            errors.append("%sconfig.%s is a boolean; config values are text, so quote it ('true' or 'false', "
                          "or whatever text the connector expects)" % (where, key))
        elif len(key) > MAX_CONFIG_KEY:
            errors.append('%sconfig keys must be at most %d characters long' % (where, MAX_CONFIG_KEY))
        elif isinstance(value, integer_types + (float,) + string_types):
            normalized[key] = value if isinstance(value, string_types) else '%s' % (value,)
            if len(normalized[key]) > MAX_CONFIG_VALUE:
                # Never the value itself: it may be a secret.
                errors.append('%sconfig.%s is %d characters long; the server stores at most %d'
                              % (where, key, len(normalized[key]), MAX_CONFIG_VALUE))
        elif value is None:
            errors.append("%sconfig.%s has no value; give a string ('' for an empty value)" % (where, key))
        else:
            errors.append('%sconfig.%s must be a string, got a %s' % (where, key, type(value).__name__))
    return normalized


class Item(object):
    """One desired connection and what the run did to it."""

    def __init__(self, params, index=None, errors=None):
        self.params = params
        self.index = index
        self.errors = []
        self.connector_id = None    # resolved from params['connector']
        self.current = None         # the live record, from the list (no config) or GetConnection
        self.has_config = False     # whether self.current came with ConfigFields
        self.final = None           # the record after the run (or as predicted in check mode)
        self.final_has_config = False
        self.operations = []
        self.failed = False
        self.msg = None
        self.error_fields = {}
        self.diff = None
        self.config = None
        self.written = {}           # config keys written by the run (for diffs)
        where = self.where()
        if errors:
            self.errors = ['%s%s' % (where, e) for e in errors]
            return
        if params['id'] is not None and params['id'] < 1:
            self.errors.append('%sid must be a positive integer, got %d' % (where, params['id']))
        for option in ('name', 'connector'):
            if params[option] is not None and not params[option].strip():
                self.errors.append('%s%s must not be empty' % (where, option))
        for option in ('name', 'description'):
            if params[option] is not None and len(params[option]) > MAX_DISPLAY_TEXT:
                self.errors.append('%s%s is %d characters long; the server stores at most %d'
                                   % (where, option, len(params[option]), MAX_DISPLAY_TEXT))
        for option in ('user_group_ids', 'associate_ids'):
            wrong = [i for i in params[option] or [] if i < 1]
            if wrong:
                self.errors.append('%s%s must hold positive ids, got %s' % (where, option, ', '.join('%d' % i for i in wrong)))
        if params['config'] is not None:
            self.config = _normalize_config(params['config'], self.errors, where)

    @property
    def state(self):
        return self.params['state']

    @property
    def changed(self):
        return bool(self.operations)

    def where(self):
        """Prefix naming the item in messages: empty for the single module, ``connections[2] ('X'): `` in bulk."""
        if self.index is None:
            return ''
        ident = []
        if isinstance(self.params.get('name'), string_types) and self.params['name']:
            ident.append("'%s'" % self.params['name'])
        if isinstance(self.params.get('id'), integer_types):
            ident.append('id %s' % self.params['id'])
        return 'connections[%d]%s: ' % (self.index, ' (%s)' % ', '.join(ident) if ident else '')

    def label(self):
        record = self.final or self.current
        if record is not None and record.get('ErpConnectionId') is not None:
            return describe(record)
        if self.params.get('name'):
            return "'%s'" % self.params['name']
        return 'id %s' % self.params.get('id')


def _defaults():
    return dict((name, spec.get('default')) for name, spec in CONNECTION_OPTIONS.items())


def items_from_list(raw_items):
    """Validate the ``connections`` list item by item with the per-connection spec; messages name the item."""
    validator = ArgumentSpecValidator(CONNECTION_OPTIONS, required_one_of=CONNECTION_REQUIRED_ONE_OF)
    items = []
    for index, raw in enumerate(raw_items or []):
        params = _defaults()
        if not isinstance(raw, dict):
            items.append(Item(params, index, ['must be a dictionary of connection options, got a %s' % type(raw).__name__]))
            continue
        result = validator.validate(raw)
        params.update(result.validated_parameters)
        errors = [('unsupported option %s' % e.msg) if isinstance(e, UnsupportedError) else e.msg for e in result.errors.errors]
        items.append(Item(params, index, errors))
    return items


def item_from_params(params):
    """The single module's options as an item."""
    return Item(dict((name, params.get(name)) for name in CONNECTION_OPTIONS))


def _invalid_message(errors):
    if len(errors) == 1:
        return errors[0] + '. Nothing was changed'
    return 'Nothing was changed; %d problems: %s' % (len(errors), '; '.join(errors))


def _duplicate_errors(items):
    errors = []
    for option in ('id', 'name'):
        seen = {}
        for item in items:
            value = item.params.get(option)
            if value is None or item.errors:
                continue
            if value in seen:
                errors.append('connections[%d] and connections[%d] both give %s %r; each connection may be listed once'
                              % (seen[value], item.index, option, value))
            else:
                seen[value] = item.index
    return errors


def check_items(items):
    """Problems found without any request (option values, duplicates): raise ConvergeError listing all of them."""
    errors = [e for item in items for e in item.errors]
    errors.extend(_duplicate_errors(items))
    if errors:
        raise ConvergeError(_invalid_message(errors))


class ConnectionConverger(object):
    """Brings connections to the desired state with the fewest requests; see the module docs for the rules."""

    def __init__(self, module, api):
        self.module = module
        self.api = api
        self.check_mode = module.check_mode
        self.diff_mode = module._diff
        self.live = []
        self.known_ids = set()
        self.unlisted = []
        self.unlisted_failures = []
        self._fresh = {}        # connection id -> record read while settling an unclear toggle

    # -- validation and reads (before any write) -----------------------------------------------

    def prepare(self, items):
        """Everything that needs the tenant's data and can fail before a write: raise ConvergeError listing every problem.

        The items must have passed check_items() (which needs no request).
        """
        try:
            self.live = self.api.get_all_connections(False)
            self.known_ids = set(c.get('ErpConnectionId') for c in self.live)
            for item in items:
                self._resolve(item)
            for item in items:
                if not item.errors:
                    self._check_config(item)
            errors = [e for item in items for e in item.errors]
            errors.extend(self._same_target_errors(items))
        except WebAPIError as e:
            raise ConvergeError(e.message + '. Nothing was changed', e.result_fields())
        if errors:
            raise ConvergeError(_invalid_message(errors))
        self._rename_warnings(items)

    @staticmethod
    def _same_target_errors(items):
        errors = []
        seen = {}
        for item in items:
            if item.current is None:
                continue
            conn_id = item.current.get('ErpConnectionId')
            if conn_id in seen:
                errors.append('connections[%d] and connections[%d] both refer to connection %s; each connection may be listed once'
                              % (seen[conn_id], item.index, describe(item.current)))
            else:
                seen[conn_id] = item.index
        return errors

    def _resolve(self, item):
        params = item.params
        where = item.where()
        present = item.state == 'present'
        if present and params['connector'] is not None:
            try:
                item.connector_id = self.api.resolve_connector(params['connector'])
            except ValueError as e:
                item.errors.append('%s%s' % (where, e))
        if params['id'] is not None:
            for record in self.live:
                if record.get('ErpConnectionId') == params['id']:
                    item.current = record
                    return
            if not present:
                return  # unknown or already deleted: nothing to delete
            record = self.api.get_connection(params['id'])
            if record is None:
                item.errors.append('%sno connection has id %d. To create a connection, leave out id and give name and connector'
                                   % (where, params['id']))
            elif record.get('Deleted'):
                item.errors.append('%sconnection %s is deleted and cannot be changed. To create a new one, leave out id '
                                   'and give name and connector' % (where, describe(record)))
            else:
                item.current, item.has_config = record, True
            return
        matches = [r for r in self.live if r.get('DisplayName') == params['name']]
        if len(matches) > 1:
            item.errors.append('%sname %r matches %d live connections: %s. Give id to choose one'
                               % (where, params['name'], len(matches), ', '.join('id %s' % r.get('ErpConnectionId') for r in matches)))
        elif matches:
            item.current = matches[0]
        elif present and params['connector'] is None:
            item.errors.append("%sno live connection is named %r; give connector (name or id) to create it" % (where, params['name']))

    def _target_connector(self, item):
        if item.connector_id is not None:
            return item.connector_id
        return (item.current or {}).get('ErpConnectorId')

    def _check_config(self, item):
        """Field metadata for the item's connector: hide the secrets given, refuse unknown keys."""
        if item.state != 'present' or item.config is None:
            return
        connector_id = self._target_connector(item)
        fields = self.api.get_field_metadata(connector_id)
        secret_keys = self.api.password_keys(connector_id)
        for key, value in item.config.items():
            if key in secret_keys and value:
                self.module.no_log_values.add(value)
        known = [f.get('FieldKey') for f in fields]
        for field in fields:
            limit = field.get('MaxLength') or 0
            value = item.config.get(field.get('FieldKey'))
            if value is not None and 0 < limit < len(value):
                item.errors.append('%sconfig.%s is %d characters long; connector %s allows at most %d'
                                   % (item.where(), field['FieldKey'], len(value), self._connector_name(item, connector_id), limit))
        unknown = sorted(set(item.config) - set(known))
        if unknown:
            item.errors.append('%sconfig key%s %s %s not known to connector %s; its config fields are: %s' % (
                item.where(), 's' if len(unknown) > 1 else '', ', '.join(unknown), 'are' if len(unknown) > 1 else 'is',
                self._connector_name(item, connector_id), ', '.join(known) or 'none'))

    def _connector_name(self, item, connector_id):
        if item.connector_id is not None:  # the connector list was read to resolve it
            for connector in self.api.get_connectors():
                if connector.get('Id') == connector_id:
                    return "'%s' (id %s)" % (connector.get('Name'), connector_id)
        return 'id %s' % connector_id

    def _rename_warnings(self, items):
        renamed = dict((item.current.get('ErpConnectionId'), item.params['name']) for item in items
                       if item.current is not None and item.params['name'] is not None and item.state == 'present')
        deleted = set(item.current.get('ErpConnectionId') for item in items if item.current is not None and item.state == 'absent')
        for item in items:
            if item.current is None or item.params['id'] is None or item.params['name'] is None or item.state != 'present':
                continue
            if item.current.get('DisplayName') == item.params['name']:
                continue
            for other in self.live:
                other_id = other.get('ErpConnectionId')
                if other_id == item.current.get('ErpConnectionId') or other_id in deleted:
                    continue
                if renamed.get(other_id, other.get('DisplayName')) == item.params['name']:
                    self.module.warn('%sconnection %s is renamed to %r, which connection %s also has; finding these '
                                     'connections by name will fail until the names differ'
                                     % (item.where(), describe(item.current), item.params['name'], describe(other)))

    # -- per item ---------------------------------------------------------------------------

    def converge(self, items, exclusive=False):
        """Apply every item (failures are recorded on the item), then deactivate unlisted ones if exclusive."""
        for item in items:
            try:
                if item.state == 'absent':
                    self._absent(item)
                elif item.current is None:
                    self._create_item(item)
                else:
                    self._update_item(item)
            except _ItemFailure as e:
                item.failed, item.msg = True, e.message
            except WebAPIError as e:
                item.failed, item.msg, item.error_fields = True, e.message, e.result_fields()
            if self.diff_mode and item.diff is None:
                view = self._view(item, item.current, item.has_config) if item.current else {'state': 'absent'}
                item.diff = dict(before=view, after=view)
        if exclusive:
            self._deactivate_unlisted(items)

    def _read(self, conn_id):
        record = self.api.get_connection(conn_id)
        if record is None:
            raise _ItemFailure('connection id %s no longer exists (GetConnection answered null)' % conn_id)
        if record.get('Deleted'):
            raise _ItemFailure('connection %s was deleted meanwhile' % describe(record))
        return record

    def _absent(self, item):
        if item.current is None:
            view = {'state': 'absent'}
            item.diff = dict(before=view, after=view)
            return
        item.diff = dict(before=self._view(item, item.current, False, full=True), after={'state': 'absent'})
        if not self.check_mode:
            self.api.delete_connection(item.current['ErpConnectionId'])
        item.operations.append(OP_DELETED)

    def _create_item(self, item):
        params = item.params
        payload = dict(
            ErpConnectionId=0,
            ErpConnectorId=item.connector_id,
            DisplayName=params['name'],
            DisplayDescription=params['description'] or '',
            Active=False,
            ConnectionId='',
            MostRecentTimestamp='',
            ConfigFields=dict(item.config or {}),
            Deleted=False,
            AllAccess=True if params['all_access'] is None else params['all_access'],
            UserGroupAccessIds=sorted(set(params['user_group_ids'] or [])),
            AssociateAccessIds=sorted(set(params['associate_ids'] or [])),
        )
        item.diff = dict(before={'state': 'absent'}, after={'state': 'absent'})
        if self.check_mode:
            item.final = dict(payload, ErpConnectionId=None, ConnectionId=None)
            item.final_has_config = True
        else:
            item.final, item.final_has_config = self._create(payload)
            self.known_ids.add(item.final.get('ErpConnectionId'))
        item.operations.append(OP_CREATED)
        item.written = dict(item.config or {})
        try:
            self._after_save(item, bool(item.final.get('Active')), False, bool(item.params['active']))
        finally:
            item.diff['after'] = self._view(item, item.final, item.final_has_config)

    def _create(self, payload):
        """SaveConnection with id 0, never twice: after an unclear outcome look for the new connection first."""
        try:
            saved = self.api.save_connection(payload)
            if saved is not None and saved.get('ErpConnectionId'):
                return saved, True
        except WebAPIError as e:
            if not e.unclear:
                raise
        found = self._find_created(payload)
        if found is not None:
            return found, False
        saved = self.api.save_connection(payload)
        if saved is None or not saved.get('ErpConnectionId'):
            raise _ItemFailure('SaveConnection answered without a connection id: the connection %r may not have been '
                               'created; check the tenant before running again' % payload['DisplayName'])
        return saved, True

    def _find_created(self, payload):
        candidates = [r for r in self.api.get_all_connections(False)
                      if r.get('DisplayName') == payload['DisplayName'] and r.get('ErpConnectorId') == payload['ErpConnectorId']
                      and r.get('ErpConnectionId') not in self.known_ids]
        if len(candidates) > 1:
            raise _ItemFailure('creating %r had an unclear outcome and %d new connections with that name exist now: %s'
                               % (payload['DisplayName'], len(candidates), ', '.join(describe(r) for r in candidates)))
        return candidates[0] if candidates else None

    def _update_item(self, item):
        record, has_config = item.current, item.has_config
        conn_id = record['ErpConnectionId']
        if item.config is not None and not has_config:
            record, has_config = self._read(conn_id), True
        changes, written = self._compare(item, record, has_config)
        if (changes or written) and not has_config:
            # SaveConnection replaces the whole record: start from the full record as it is now.
            record, has_config = self._read(conn_id), True
            changes, written = self._compare(item, record, has_config)
        item.current, item.has_config = record, has_config
        item.final, item.final_has_config = record, has_config
        before = self._view(item, record, has_config)
        item.diff = dict(before=before, after=before)

        active_now = bool(record.get('Active'))
        want_active = active_now if item.params['active'] is None else item.params['active']
        deactivated_for_config = False
        try:
            if active_now and (not want_active or written):
                deactivated_for_config = bool(written) and want_active
                self._set_active(item, False, OP_DEACTIVATED_FOR_CONFIG if deactivated_for_config else OP_DEACTIVATED)
                active_now = False
            if changes or written:
                payload = self._payload(item, record, changes, written)
                payload['Active'] = active_now
                if self.check_mode:
                    predicted = dict(payload)
                    predicted['ConfigFields'] = dict(record.get('ConfigFields') or {})
                    predicted['ConfigFields'].update(written)
                    item.final = predicted
                else:
                    item.final = self._save_update(item, payload)
                item.final_has_config = True
                item.operations.append(OP_UPDATED)
            self._after_save(item, active_now, deactivated_for_config, want_active)
        finally:
            item.written = written
            item.diff['after'] = self._view(item, item.final, item.final_has_config)

    def _after_save(self, item, active_now, deactivated_for_config, want_active):
        """Test (after any change), then activate: a connection that fails its test is not activated."""
        conn_id = item.final.get('ErpConnectionId')
        activate = want_active and not active_now
        if item.params['test_connection'] and (item.operations or activate) and not self.check_mode:
            if not self.api.test_connection(conn_id):
                raise _ItemFailure('TestConnectionById answered false for connection %s after the change: the connector '
                                   'could not reach the ERP system with the stored configuration. The change was saved%s'
                                   % (describe(item.final), '; the connection was left inactive' if want_active else ''))
        if activate:
            self._set_active(item, True, OP_REACTIVATED if deactivated_for_config else OP_ACTIVATED,
                             deactivated_for_config=deactivated_for_config)
        if any(op in item.operations for op in (OP_ACTIVATED, OP_DEACTIVATED, OP_DEACTIVATED_FOR_CONFIG, OP_REACTIVATED)):
            if self.check_mode:
                item.final = dict(item.final, Active=want_active)
            else:
                # Report the server's state after a toggle, and make sure the flip happened.
                item.final = self._reread(conn_id)
                if bool(item.final.get('Active')) != want_active:
                    raise _ItemFailure('ToggleErpConnectionActive reported success, but connection %s is still %s'
                                       % (describe(item.final), 'inactive' if want_active else 'active'))

    def _set_active(self, item, target, operation, deactivated_for_config=False):
        record = item.final
        if not self.check_mode:
            reasons = self._toggle(record['ErpConnectionId'], target)
            if reasons:
                if target:
                    note = ''
                    if deactivated_for_config:
                        note = '. It had been deactivated to change its config; the change was saved and the connection is now inactive'
                    elif OP_UPDATED in item.operations or OP_CREATED in item.operations:
                        note = '. The other changes were saved; the connection stays inactive'
                    raise _ItemFailure('activating connection %s was refused: %s%s' % (describe(record), _reasons(reasons), note))
                raise _ItemFailure('deactivating connection %s was refused: %s. Nothing else was changed on it'
                                   % (describe(record), _reasons(reasons)))
        item.operations.append(operation)

    def _toggle(self, conn_id, target):
        """ToggleErpConnectionActive flips the flag, so after an unclear outcome re-read before flipping again.

        Returns the refusal reasons (empty when the flag is now ``target``).
        """
        self._fresh.pop(conn_id, None)
        last_error = None
        for dummy in range(2):
            try:
                return self.api.toggle_connection_active(conn_id)
            except WebAPIError as e:
                if not e.unclear:
                    raise
                last_error = e
            record = self.api.get_connection(conn_id)
            if record is None or record.get('Deleted'):
                # Toggling again without knowing the flag could flip it back (a double flip): stop here.
                raise _ItemFailure('%s; GetConnection then answered %s, so whether the Active flag of connection id %s changed '
                                   'is unknown. It was not toggled again: check the connection before running again'
                                   % (last_error.message, 'null' if record is None else 'a deleted connection', conn_id))
            if bool(record.get('Active')) == target:
                self._fresh[conn_id] = record
                return []
        raise last_error

    def _reread(self, conn_id):
        """The record after a toggle (already read if the toggle's outcome had to be settled)."""
        return self._fresh.pop(conn_id, None) or self._read(conn_id)

    def _compare(self, item, record, has_config):
        """What differs from the desired state: (carrier field changes, config keys to write)."""
        params = item.params
        changes = {}
        for option, field in _PLAIN_FIELDS:
            want = params[option]
            have = record.get(field)
            if field == 'AllAccess':
                have = bool(have)
            elif have is None:
                have = ''
            if want is not None and have != want:
                changes[field] = want
        if item.connector_id is not None and record.get('ErpConnectorId') != item.connector_id:
            changes['ErpConnectorId'] = item.connector_id
        for option, field in _ID_LIST_FIELDS:
            if params[option] is not None and set(record.get(field) or []) != set(params[option]):
                changes[field] = sorted(set(params[option]))
        written = {}
        if item.config is not None and has_config:
            secret_keys = self._secret_keys(item, record)
            have = record.get('ConfigFields') or {}
            for key, value in item.config.items():
                current = have.get(key) or ''
                if key in secret_keys and not current:
                    # A secret the record does not have at all is not set: write it. One that reads blank may be
                    # hidden by the server (or empty): it cannot be compared, so update_secrets decides.
                    if key not in have or params['update_secrets'] == 'always':
                        written[key] = value
                elif current != value:
                    written[key] = value
        return changes, written

    def _secret_keys(self, item, record):
        keys = set(self.api.password_keys(record.get('ErpConnectorId')))
        if item.connector_id is not None and item.connector_id != record.get('ErpConnectorId'):
            keys |= self.api.password_keys(item.connector_id)
        return keys

    def _payload(self, item, record, changes, written):
        """The record as read, with only the user's changes: the sync cursor and GUID stay as they are.

        Password fields that read blank are left out (unless written), so the server keeps what it stores.
        """
        secret_keys = self._secret_keys(item, record)
        payload = dict((k, copy.deepcopy(v)) for k, v in record.items() if k not in _CARRIER_METADATA)
        payload.update(changes)
        config = dict((k, v) for k, v in (record.get('ConfigFields') or {}).items() if v or k not in secret_keys)
        config.update(written)
        payload['ConfigFields'] = config
        return payload

    def _save_update(self, item, payload):
        """SaveConnection of an existing record. After an unclear outcome re-read, and save again only if needed."""
        try:
            saved = self.api.save_connection(payload)
        except WebAPIError as e:
            if not e.unclear:
                raise
            fresh = self._read(payload['ErpConnectionId'])
            changes, written = self._compare(item, fresh, True)
            if not changes and not written:
                return fresh
            retry = self._payload(item, fresh, changes, written)
            retry['Active'] = payload['Active']
            saved = self.api.save_connection(retry)
        if saved is None:
            raise _ItemFailure('SaveConnection answered null for connection %s: the change may not have been saved'
                               % describe(payload))
        return saved

    # -- exclusive ----------------------------------------------------------------------------

    def _deactivate_unlisted(self, items):
        listed = set(item.current.get('ErpConnectionId') for item in items if item.current is not None)
        listed |= set(item.final.get('ErpConnectionId') for item in items if item.final is not None)
        for record in self.live:
            if record.get('ErpConnectionId') in listed or not record.get('Active'):
                continue
            entry = dict(id=record.get('ErpConnectionId'), name=record.get('DisplayName'))
            try:
                if not self.check_mode:
                    reasons = self._toggle(record['ErpConnectionId'], False)
                    if reasons:
                        raise _ItemFailure('deactivating unlisted connection %s was refused: %s' % (describe(record), _reasons(reasons)))
                    fresh = self._reread(record['ErpConnectionId'])
                    if fresh.get('Active'):
                        raise _ItemFailure('ToggleErpConnectionActive reported success, but unlisted connection %s is still active'
                                           % describe(record))
                self.unlisted.append(entry)
            except (_ItemFailure, WebAPIError) as e:
                self.unlisted_failures.append(dict(entry, msg=e.message))

    # -- views ------------------------------------------------------------------------------

    def facts(self, item):
        """The ``connection`` result of an item, or None when it does not exist (any more)."""
        if item.state == 'absent' or item.final is None:
            return None
        record = item.final
        secret_keys = ()
        if item.final_has_config and record.get('ConfigFields'):
            secret_keys = self._output_secret_keys(record.get('ErpConnectorId'))
        return connection_facts(record, secret_keys, item.final_has_config, item.config)

    def _output_secret_keys(self, connector_id):
        try:
            return self.api.password_keys(connector_id)
        except WebAPIError:
            return None  # cannot tell: mask every value

    def _view(self, item, record, has_config, full=False):
        """The managed fields of a record for diffs, secrets masked (see _config_view)."""
        facts = connection_facts(record, (), False)
        view = dict(state='present', id=facts['id'], name=facts['name'])
        shown = [k for k in ('description', 'active', 'all_access', 'user_group_ids', 'associate_ids') if full or item.params[k] is not None]
        if full or item.connector_id is not None:
            shown.append('connector_id')
        for key in shown:
            view[key] = facts[key]
        if item.config is not None and has_config and not full:
            view['config'] = self._config_view(item, record)
        return view

    def _config_view(self, item, record):
        """The given config keys as the record has them; a secret shows the mask when set, blank when not.

        A secret that is written but looks the same before and after (both masked, or both blank because the
        server hides it) is marked ``(updated)``, so the diff shows the change it reports.
        """
        secret_keys = self._secret_keys(item, record)
        have = record.get('ConfigFields') or {}
        written = item.written
        before = (item.current or {}).get('ConfigFields') or {}
        view = {}
        for key in sorted(item.config):
            value = have.get(key) or ''
            if key in secret_keys:
                value = MASK if value else ''
                if key in written and record is not item.current:
                    value = MASK if written[key] else ''
                    if value == (MASK if before.get(key) else ''):
                        value = (value + ' (updated)').strip()
            view[key] = value
        return view


def item_result(converger, item):
    """One item's entry in the bulk module's ``connections`` result."""
    record = item.final or item.current or {}
    result = dict(
        name=record.get('DisplayName') or item.params.get('name'),
        id=record.get('ErpConnectionId') if record else item.params.get('id'),
        state=item.state,
        changed=item.changed,
        operations=list(item.operations),
        connection=converger.facts(item),
    )
    if converger.diff_mode:
        result['diff'] = item.diff
    if item.failed:
        result['failed'] = True
        result['msg'] = item.msg
    return result


def run_single(module, make_api):
    """erpsync_connection: converge one item and exit. ``make_api()`` gives the ErpSyncAPI, once the options are valid."""
    item = item_from_params(module.params)
    try:
        check_items([item])
    except ConvergeError as e:
        module.fail_json(msg=e.message, changed=False, operations=[])
    converger = ConnectionConverger(module, make_api())
    try:
        converger.prepare([item])
    except ConvergeError as e:
        module.fail_json(msg=e.message, changed=False, operations=[], **e.fields)
    converger.converge([item])
    result = dict(changed=item.changed, operations=list(item.operations), connection=converger.facts(item))
    if converger.diff_mode:
        result['diff'] = item.diff
    if item.failed:
        result.update(item.error_fields)
        msg = item.msg
        if item.operations:
            msg += ' (done before the failure: %s)' % ', '.join(item.operations)
        module.fail_json(msg=msg, **result)
    module.exit_json(**result)


def run_bulk(module, make_api):
    """erpsync_connections: converge every item, apply what can be applied, then report (and fail) per item."""
    items = items_from_list(module.params['connections'])
    try:
        check_items(items)
    except ConvergeError as e:
        module.fail_json(msg=e.message, changed=False)
    converger = ConnectionConverger(module, make_api())
    try:
        converger.prepare(items)
    except ConvergeError as e:
        module.fail_json(msg=e.message, changed=False, **e.fields)
    converger.converge(items, exclusive=module.params['exclusive'])
    results = [item_result(converger, item) for item in items]

    def count(operation):
        return sum(1 for item in items if operation in item.operations)

    summary = dict(
        total=len(items),
        created=count(OP_CREATED),
        updated=count(OP_UPDATED),
        deleted=count(OP_DELETED),
        activated=count(OP_ACTIVATED),
        deactivated=count(OP_DEACTIVATED),
        unchanged=sum(1 for item in items if not item.changed and not item.failed),
        failed=sum(1 for item in items if item.failed),
        unlisted_deactivated=len(converger.unlisted),
    )
    changed = any(item.changed for item in items) or bool(converger.unlisted)
    result = dict(changed=changed, connections=results, summary=summary, unlisted_deactivated=converger.unlisted)
    if converger.diff_mode:
        result['diff'] = _aggregate_diff(items, converger)
    failures = ['%s%s' % (item.where(), item.msg) for item in items if item.failed]
    failures.extend('unlisted connection %s (id %s): %s' % (f['name'], f['id'], f['msg']) for f in converger.unlisted_failures)
    if failures:
        result['unlisted_failed'] = converger.unlisted_failures
        applied = ['%s: %s' % (item.label(), ', '.join(item.operations)) for item in items if item.changed]
        applied.extend("'%s' (id %s): deactivated (unlisted)" % (u['name'], u['id']) for u in converger.unlisted)
        msg = '%d of %d connection changes failed: %s. Applied: %s' % (
            len(failures), len(items) + len(converger.unlisted) + len(converger.unlisted_failures), '; '.join(failures),
            '; '.join(applied) if applied else 'nothing')
        module.fail_json(msg=msg, **result)
    module.exit_json(**result)


def _aggregate_diff(items, converger):
    before, after = {}, {}

    def key_for(name, conn_id):
        key = name or 'id %s' % conn_id
        if key in before or key in after:
            key = '%s (id %s)' % (key, conn_id)
        return key

    for item in items:
        if not item.changed or item.diff is None:
            continue
        record = item.final or item.current or {}
        key = key_for(record.get('DisplayName') or item.params.get('name'), record.get('ErpConnectionId'))
        before[key] = item.diff['before']
        after[key] = item.diff['after']
    for entry in converger.unlisted:
        key = key_for(entry['name'], entry['id'])
        before[key] = dict(state='present', id=entry['id'], name=entry['name'], active=True)
        after[key] = dict(state='present', id=entry['id'], name=entry['name'], active=False)
    return dict(before=before, after=after)
