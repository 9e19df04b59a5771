# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ERP connections as a resource kind: read with one list call, identified by id or name, compared on the options given,
changed by the steps deactivate -> test config -> save -> test -> activate; used by erpsync_connection(s) and the tenant.
The items and their options are in connection_items.py, the modules' results in connection_results.py.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import copy

from ansible_collections.superoffice.crm.plugins.module_utils._agent import writable
from ansible_collections.superoffice.crm.plugins.module_utils._base import MASK, WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._plan import (
    ACTIVATE, DEACTIVATE, SAVE, TEST, UNLISTED, ItemFailure, Kind, PlanError, Step, invalid, run_concurrently)
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_items import (
    CONNECTION_OPTIONS, ID_LIST_FIELDS, OP_ACTIVATED, OP_CREATED, OP_DEACTIVATED, OP_DEACTIVATED_FOR_CONFIG, OP_DELETED,
    OP_REACTIVATED, OP_UPDATED, PLAIN_FIELDS, TOGGLES, check_items, connection_facts, connection_item, describe, item_label, near,
    reasons_text)
from ansible_collections.superoffice.crm.plugins.module_utils._values import config_value, field_type_name, same_config_value


class Connections(Kind):
    """Brings connections to the desired state with the fewest requests; see the module docs for the rules."""

    def __init__(self, module, api, items, exclusive=False, label='connections', planned_connectors=None):
        """``planned_connectors``: name (lower case) -> the connector item that registers it in this run (the tenant)."""
        self.module = module
        self.api = api
        self.items = items
        self.exclusive = exclusive
        self.label = label
        self.planned_connectors = planned_connectors or {}
        self.live = []
        self.known_ids = set()
        self.unlisted = []          # items made for live connections that no item names (exclusive)

    # -- reads and validation (before any write) -----------------------------------------------------------

    def read(self):
        """Everything that needs the tenant's data and can fail before a write: raise PlanError listing every problem."""
        check_items(self.items, self.label)
        if not self.items and not self.exclusive:
            return
        try:
            self.live = self.api.get_all_connections(False)
            self.known_ids = set(c['ErpConnectionId'] for c in self.live)
            for item in self.items:
                self._resolve(item)
            for item in self.items:
                if not item.errors and item.params['state'] == 'present' and item.connector_item is None:
                    self._check_config(item)
            errors = [e for item in self.items for e in item.errors] + self._same_target_errors()
            if errors:
                raise invalid(errors)
            # SaveConnection replaces the whole record, and the list carries no config: read the connections to change.
            wanted = [item for item in self.items if item.current is not None and not item.has_config and self._needs_full(item)]
            records = run_concurrently(lambda item: self._read(item.current['ErpConnectionId']), wanted, self.module.params.get('concurrency') or 1)
            for item, record in zip(wanted, records):
                item.current, item.has_config = record, True
            for item in self.items:
                if item.current is not None and item.params['state'] == 'present':
                    item.written = self._compare(item, item.current, item.has_config)[1]
                    if item.has_config:
                        self._secret_keys(item, item.current)  # the field types, read before any write (for the save)
        except ItemFailure as e:
            raise PlanError(e.message + '. Nothing was changed', e.fields)
        except WebAPIError as e:
            raise PlanError(e.message + '. Nothing was changed', e.result_fields())
        self._warnings()
        for item in self.items:
            item.final = item.current
        if self.exclusive:
            self._plan_unlisted()

    def _resolve(self, item):
        params = item.params
        where = item.where
        present = params['state'] == 'present'
        if present and params['connector'] is not None:
            try:
                item.connector_id = self.api.resolve_connector(params['connector'])
            except ValueError as e:
                # A connector registered earlier in this run: its id (and field types) are known once it is saved.
                item.connector_item = self.planned_connectors.get(params['connector'].strip().lower())
                if item.connector_item is None:
                    item.errors.append('%s%s' % (where, e))
        if params['id'] is not None:
            for record in self.live:
                if record['ErpConnectionId'] == params['id']:
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
                               % (where, params['name'], len(matches), ', '.join('id %s' % r['ErpConnectionId'] for r in matches)))
        elif matches:
            item.current = matches[0]
        elif present and params['connector'] is None:
            item.errors.append("%sno live connection is named %r; give connector (name or id) to create it" % (where, params['name']))

    def _same_target_errors(self):
        errors = []
        seen = {}
        for item in self.items:
            if item.current is None:
                continue
            conn_id = item.current['ErpConnectionId']
            if conn_id in seen:
                errors.append('%s[%d] and %s[%d] both refer to connection %s; each connection may be listed once'
                              % (self.label, seen[conn_id], self.label, item.index, describe(item.current)))
            else:
                seen[conn_id] = item.index
        return errors

    def _target_connector(self, item):
        if item.connector_id is not None:
            return item.connector_id
        return (item.current or {}).get('ErpConnectorId')

    def _check_config(self, item):
        """The connector's field metadata: values in the server's form, secrets hidden, unknown keys and empty mandatory
        fields of a new connection refused."""
        creating = item.current is None
        if item.params['config'] is None and not creating:
            return
        connector_id = self._target_connector(item)
        fields = self.api.get_field_metadata(connector_id)
        if fields is None:
            item.errors.append('%sErpSync GetConfigurationFields answered null for connector %s, so the config of connection %s '
                               'cannot be checked (nor its secrets told apart); check that the connector exists'
                               % (item.where, self._connector_name(item, connector_id), item_label(item)))
            return
        by_key = dict((f['FieldKey'], f) for f in fields)
        given = item.params['config'] or {}
        unknown = sorted(set('%s' % k for k in given) - set(by_key))
        if unknown:
            item.errors.append('%sconfig key%s %s %s not known to connector %s; its config fields are: %s' % (
                item.where, 's' if len(unknown) > 1 else '', ', '.join(unknown), 'are' if len(unknown) > 1 else 'is',
                self._connector_name(item, connector_id), ', '.join(by_key) or 'none'))
        config = {}
        for key, value in given.items():
            field = by_key.get('%s' % key)
            if field is None:
                continue
            try:
                config[field['FieldKey']] = config_value(value, field.get('FieldType'))
            except ValueError as e:
                item.errors.append('%sconfig.%s %s' % (item.where, key, e))
                continue
            limit = field.get('MaxLength') or 0
            if 0 < limit < len(config[field['FieldKey']]):
                item.errors.append('%sconfig.%s is %d characters long; connector %s allows at most %d'
                                   % (item.where, key, len(config[field['FieldKey']]), self._connector_name(item, connector_id), limit))
        secret_keys = self.api.password_keys(connector_id)
        for key, value in config.items():
            if key in secret_keys:
                self.api.client.secrets.add(value)
        if creating:
            self._fill_mandatory(item, fields, config, connector_id)
        item.config = config if item.params['config'] is not None or config else None

    def _fill_mandatory(self, item, fields, config, connector_id):
        """A new connection must have every Mandatory config field (the admin screen will not save it otherwise); a field the
        connector gives a DefaultValue is filled with it, as the screen pre-fills it."""
        missing = []
        for field in fields:
            key = field['FieldKey']
            if (field.get('Access') or '') != 'Mandatory' or ('%s' % config.get(key, '')).strip():
                continue
            if (field.get('DefaultValue') or '').strip():
                config[key] = field['DefaultValue']
            else:
                missing.append(key)
        if missing:
            item.errors.append('%sconnector %s needs a value for the mandatory config field%s %s to create connection %r; give '
                               '%s in config' % (item.where, self._connector_name(item, connector_id), 's' if len(missing) > 1 else '',
                                                 ', '.join(missing), item.params['name'], 'them' if len(missing) > 1 else 'it'))

    def _connector_name(self, item, connector_id):
        if item.connector_id is not None:  # the connector list was read to resolve it
            for connector in self.api.get_connectors():
                if connector['Id'] == connector_id:
                    return "'%s' (id %s)" % (connector.get('Name'), connector_id)
        return 'id %s' % connector_id

    def _needs_full(self, item):
        """Whether the item needs the full record (config, or a save that sends the record back whole)."""
        if item.params['state'] != 'present':
            return False
        changes, written = self._compare(item, item.current, False)
        return item.config is not None or bool(changes)

    def _read(self, conn_id):
        record = self.api.get_connection(conn_id)
        if record is None:
            raise ItemFailure('connection id %s no longer exists (GetConnection answered null)' % conn_id)
        if record.get('Deleted'):
            raise ItemFailure('connection %s was deleted meanwhile' % describe(record))
        return record

    def _warnings(self):
        renamed = dict((item.current['ErpConnectionId'], item.params['name']) for item in self.items
                       if item.current is not None and item.params['name'] is not None and item.params['state'] == 'present')
        deleted = set(item.current['ErpConnectionId'] for item in self.items if item.current is not None and item.params['state'] == 'absent')
        for item in self.items:
            params = item.params
            if item.current is None and params['state'] == 'present':
                similar = [r for r in self.live if near(r.get('DisplayName')) == near(params['name'])]
                if similar or params['name'] != params['name'].strip():
                    self.module.warn('%sconnection %r will be created, although %s; names are compared exactly, so check for a '
                                     'typing slip (case or white space)' % (item.where, params['name'], ', '.join(
                                         'connection %s differs from it only in case or white space' % describe(r) for r in similar)
                                         or 'its name starts or ends with white space'))
            if item.current is not None and item.connector_id is not None and item.connector_id != item.current.get('ErpConnectorId'):
                self.module.warn('%sconnection %s moves from connector id %s to connector id %s. The admin screen offers no such change '
                                 'and the stored config belongs to the old connector; consider a new connection instead'
                                 % (item.where, describe(item.current), item.current.get('ErpConnectorId'), item.connector_id))
            if item.current is None or params['id'] is None or params['name'] is None or params['state'] != 'present':
                continue
            if item.current.get('DisplayName') == params['name']:
                continue
            for other in self.live:
                other_id = other['ErpConnectionId']
                if other_id == item.current['ErpConnectionId'] or other_id in deleted:
                    continue
                if renamed.get(other_id, other.get('DisplayName')) == params['name']:
                    self.module.warn('%sconnection %s is renamed to %r, which connection %s also has; finding these '
                                     'connections by name will fail until the names differ'
                                     % (item.where, describe(item.current), params['name'], describe(other)))

    def _plan_unlisted(self):
        listed = set(item.current['ErpConnectionId'] for item in self.items if item.current is not None)
        for record in self.live:
            if record['ErpConnectionId'] in listed or not record.get('Active'):
                continue
            item = connection_item(dict((name, spec.get('default')) for name, spec in CONNECTION_OPTIONS.items()))
            item.params.update(id=record['ErpConnectionId'], name=record.get('DisplayName'), active=False)
            item.current = item.final = record
            item.unlisted = True
            self.unlisted.append(item)

    # -- comparing --------------------------------------------------------------------------------------

    def _compare(self, item, record, has_config):
        """What differs from the desired state: (carrier field changes, config keys to write)."""
        params = item.params
        changes = {}
        for option, field in PLAIN_FIELDS:
            want = params[option]
            have = record.get(field)
            have = bool(have) if field == 'AllAccess' else ('' if have is None else have)
            if want is not None and have != want:
                changes[field] = want
        if item.connector_id is not None and record.get('ErpConnectorId') != item.connector_id:
            changes['ErpConnectorId'] = item.connector_id
        for option, field in ID_LIST_FIELDS:
            if params[option] is not None and set(record.get(field) or []) != set(params[option]):
                changes[field] = sorted(set(params[option]))
        written = {}
        if item.config is not None and has_config:
            secret_keys = self._secret_keys(item, record)
            types = self._field_types(item, record)
            have = record.get('ConfigFields') or {}
            for key, value in item.config.items():
                current = have.get(key) or ''
                if key in secret_keys and not current:
                    # A secret the record does not have at all is not set: write it. One that reads blank may be
                    # hidden by the server (or empty): it cannot be compared, so update_secrets decides.
                    if key not in have or params['update_secrets'] == 'always':
                        written[key] = value
                elif not same_config_value(current, value, types.get(key)):
                    written[key] = value
        return changes, written

    def _secret_keys(self, item, record):
        """Keys whose values are secret for this item: of the record's connector and of the target connector. When either
        connector's metadata is unknown, every key of the item's config and of the record counts as secret."""
        keys = set()
        for connector_id in set([record.get('ErpConnectorId'), self._target_connector(item)]):
            found = self.api.password_keys(connector_id)
            if found is None:
                return set(record.get('ConfigFields') or {}) | set(item.config or {})
            keys |= found
        return keys

    def _field_types(self, item, record):
        fields = self.api.get_field_metadata(self._target_connector(item) or record.get('ErpConnectorId')) or []
        return dict((f['FieldKey'], field_type_name(f.get('FieldType'))) for f in fields)

    def _payload(self, item, record, changes, written):
        """The record as read, with only the user's changes: the sync cursor and GUID stay as they are.

        Secret fields that read blank are left out (unless written), so the server keeps what it stores.
        """
        secret_keys = self._secret_keys(item, record)
        payload = copy.deepcopy(writable(record))
        payload.update(changes)
        config = dict((k, v) for k, v in (record.get('ConfigFields') or {}).items() if v or k not in secret_keys)
        config.update(written)
        payload['ConfigFields'] = config
        return payload

    # -- the plan, stage by stage ------------------------------------------------------------------------

    def steps(self, stage):
        if stage == DEACTIVATE:
            return [self._toggle_step(item, False) for item in self.items if self._deactivation(item)]
        if stage == SAVE:
            for item in self.items:
                if item.connector_item is not None and not item.blocked:
                    self._connector_registered(item)
            return [step for step in (self._save_step(item) for item in self.items if not item.blocked) if step is not None]
        if stage == TEST:
            return [self._test_step(item) for item in self.items
                    if item.params['state'] == 'present' and item.params['test_connection'] and item.final is not None
                    and (item.operations or self._activation(item))]
        if stage == ACTIVATE:
            return [self._toggle_step(item, True) for item in self.items if self._activation(item)]
        if stage == UNLISTED:
            return [self._toggle_step(item, False) for item in self.unlisted]
        return []

    def _connector_registered(self, item):
        """A connection of a connector registered earlier in this run: now its id and field types can be known."""
        connector = item.connector_item
        if connector.blocked:
            item.fail('not saved: its connector %r was not registered' % item.params['connector'])
            return
        item.connector_id = (connector.final or {}).get('ErpConnectorId')
        if item.connector_id is None:  # check mode: the connector would be registered, its fields are not known
            item.config = dict((k, '%s' % v) for k, v in (item.params['config'] or {}).items()) if item.params['config'] else None
            return
        try:
            self._check_config(item)
        except WebAPIError as e:
            item.fail(e.message, e.result_fields())
        if item.errors:
            item.fail('; '.join(e[len(item.where):] for e in item.errors))

    @staticmethod
    def _wanted_active(item):
        """The Active flag the item should end with: as given, else as it was before the run (new ones are inactive)."""
        if item.params['active'] is not None:
            return item.params['active']
        return bool((item.current or {}).get('Active'))

    def _deactivation(self, item):
        if item.params['state'] != 'present' or item.current is None or not item.current.get('Active'):
            return False
        return not self._wanted_active(item) or bool(item.written)

    def _activation(self, item):
        if item.params['state'] != 'present' or item.final is None:
            return False
        return self._wanted_active(item) and not item.final.get('Active')

    def _toggle_step(self, item, target):
        record = item.final
        conn_id = record.get('ErpConnectionId')
        if target:
            operation = OP_REACTIVATED if OP_DEACTIVATED_FOR_CONFIG in item.operations else OP_ACTIVATED
        else:
            operation = OP_DEACTIVATED_FOR_CONFIG if (item.written and self._wanted_active(item) and not item.unlisted) else OP_DEACTIVATED

        def send():
            reasons = self.api.toggle_connection_active(conn_id)
            if reasons:
                raise ItemFailure(self._refusal(item, target, reasons))
            return dict(item.final, Active=target)

        def done(answer):
            item.final = dict(item.final, **{k: v for k, v in answer.items() if k != 'ConfigFields'})

        def needed():
            # The fresh read shows the flag already as wanted (another run, or an admin): nothing to flip, and the
            # result shows the flag the server shows.
            live = item.live or item.final
            if bool(live.get('Active')) == target:
                item.final = dict(item.final, Active=live.get('Active'))
                return False
            return True

        return Step(item, operation, send, done, predicted=dict(record, Active=target),
                    reread=lambda: self._reread(item, conn_id), shows=lambda rec: bool(rec.get('Active')) == target,
                    needed=needed, fresh=True)  # for a new connection: a twin another run made is dropped before activation

    def _reread(self, item, conn_id):
        record = self.api.get_connection(conn_id)
        if record is None or record.get('Deleted'):
            # Toggling again without knowing the flag could flip it back (a double flip): stop here.
            raise ItemFailure('the outcome of ToggleErpConnectionActive for connection id %s was unclear, and GetConnection then '
                              'answered %s, so whether its Active flag changed is unknown. It was not toggled again: check the '
                              'connection before running again' % (conn_id, 'null' if record is None else 'a deleted connection'))
        item.unclear = True
        return record

    def _refusal(self, item, target, reasons):
        record = item.final
        if not target:
            what = 'unlisted connection' if item.unlisted else 'connection'
            return 'deactivating %s %s was refused: %s. Nothing else was changed on it' % (what, describe(record), reasons_text(reasons))
        note = ''
        if OP_DEACTIVATED_FOR_CONFIG in item.operations:
            note = '. It had been deactivated to change its config; the change was saved and the connection is now inactive'
        elif OP_UPDATED in item.operations or OP_CREATED in item.operations:
            note = '. The other changes were saved; the connection stays inactive'
        return 'activating connection %s was refused: %s%s' % (describe(record), reasons_text(reasons), note)

    def _save_step(self, item):
        params = item.params
        if params['state'] == 'absent':
            if item.current is None:
                return None
            conn_id = item.current['ErpConnectionId']
            return Step(item, OP_DELETED, lambda: self.api.delete_connection(conn_id), done=lambda answer: setattr(item, 'final', None),
                        verified=True)
        if item.current is None:
            return self._create_step(item)
        record = item.final
        changes, written = self._compare(item, record, item.has_config)
        item.written = written
        if not changes and not written:
            return None
        payload = self._payload(item, record, changes, written)
        payload['Active'] = bool(record.get('Active'))
        predicted = dict(payload)
        predicted['ConfigFields'] = dict(record.get('ConfigFields') or {}, **written)

        # A secret that reads blank is not sent (the server keeps it), so the new config can only be tested whole when
        # no such secret is left out; otherwise the stored connection is tested by id after the save.
        secret_keys = self._secret_keys(item, record)
        whole = not [k for k, v in (record.get('ConfigFields') or {}).items() if k in secret_keys and not v and k not in written]

        def send():
            if params['test_connection'] and whole:
                self._test_config(item, payload['ErpConnectorId'], payload['ConfigFields'])
            saved = self.api.save_connection(payload)
            if saved is None:
                raise ItemFailure('SaveConnection answered null for connection %s: the change may not have been saved' % describe(payload))
            return saved

        def done(answer):
            item.final, item.has_config = answer, True

        def reread():
            return self._read(payload['ErpConnectionId'])

        def shows(fresh):
            changes_left, written_left = self._compare(item, fresh, True)
            return not changes_left and not written_left

        return Step(item, OP_UPDATED, send, done, predicted=predicted, reread=reread, shows=shows, verified=True)

    def _create_step(self, item):
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
        item.written = dict(item.config or {})

        def send():
            if params['test_connection']:
                self._test_config(item, item.connector_id, payload['ConfigFields'])
            saved = self.api.save_connection(payload)
            if saved is None or not saved.get('ErpConnectionId'):
                raise ItemFailure('SaveConnection answered without a connection id: the connection %r may not have been '
                                  'created; check the tenant before running again' % payload['DisplayName'])
            return saved

        def done(answer):
            item.final, item.has_config = answer, not item.unclear  # a create found in the list after an unclear answer has no config
            if answer.get('ErpConnectionId') is not None:
                self.known_ids.add(answer['ErpConnectionId'])

        def reread():
            return self._find_created(item, payload)

        # Not taken as verified by its answer: the list read at the end also finds a twin another run created meanwhile.
        return Step(item, OP_CREATED, send, done, predicted=dict(payload, ErpConnectionId=None, ConnectionId=None),
                    reread=reread, shows=lambda record: True, needed=lambda: item.live is None, fresh=True)

    def _find_created(self, item, payload):
        """After an unclear create: the new connection if the list shows it (so it is not created twice)."""
        candidates = [r for r in self.api.get_all_connections(False)
                      if r.get('DisplayName') == payload['DisplayName'] and r.get('ErpConnectorId') == payload['ErpConnectorId']
                      and r['ErpConnectionId'] not in self.known_ids]
        if len(candidates) > 1:
            raise ItemFailure('creating %r had an unclear outcome and %d new connections with that name exist now: %s'
                              % (payload['DisplayName'], len(candidates), ', '.join(describe(r) for r in candidates)))
        if not candidates:
            return None
        item.unclear = True
        item.has_config = False  # the list carries no config
        return candidates[0]

    def _test_config(self, item, connector_id, config):
        """The admin screen's rule: a configuration is saved only after it tested well. TestConnectionByConfig gets the
        connector's id (the new config has no connection yet; see the emulator README for the evidence)."""
        if not self.api.test_connection_config(connector_id, config):
            raise ItemFailure('TestConnectionByConfig answered false for connection %s: the connector could not reach the ERP system '
                              'with the new configuration, so nothing was saved' % item_label(item))

    def _test_step(self, item):
        conn_id = item.final.get('ErpConnectionId')

        def send():
            if not self.api.test_connection(conn_id):
                raise ItemFailure('TestConnectionById answered false for connection %s after the change: the connector '
                                  'could not reach the ERP system with the stored configuration. The change was saved%s'
                                  % (describe(item.final), '; the connection was left inactive' if self._activation(item) else ''))
        return Step(item, None, send, verified=True)

    # -- fresh reads and the final check ---------------------------------------------------------------

    def refresh(self):
        """A fresh list right before a wave of toggles or creates: a flag someone else already flipped is not flipped again,
        and a connection someone else created meanwhile is not created twice."""
        self._index(self._drop_twins(self.api.get_all_connections(False)))
        for item in self.items:
            if item.current is None and item.live is not None and not item.blocked and not item.operations:
                item.fail('connection %s appeared (%s) while this run was working: another run may be converging this tenant at '
                          'the same time. It was not created again; run again to converge it' % (item_label(item), describe(item.live)))

    def _drop_twins(self, records):
        """Runs from two controllers (no lock spans them) that create one connection at the same moment both find it absent
        and both create it. The run whose new connection got the higher id deletes it again (it is new and inactive), so one
        remains: ids grow in the order the saves land, so that run's list always shows the other's connection.
        Returns the records without the ones deleted here."""
        kept = records
        for item in self.items:
            mine = (item.final or {}).get('ErpConnectionId')
            if OP_CREATED not in item.operations or mine is None or item.blocked:
                continue
            name, connector = item.final.get('DisplayName'), item.final.get('ErpConnectorId')
            twins = sorted(r['ErpConnectionId'] for r in records if r.get('DisplayName') == name and r.get('ErpConnectorId') == connector
                           and r['ErpConnectionId'] != mine and r['ErpConnectionId'] not in self.known_ids)
            if not twins or twins[0] > mine:
                continue
            try:
                self.api.delete_connection(mine)
            except WebAPIError as e:
                item.fail('another run created connection %r at the same moment (id %s) as this run (id %s), and deleting this '
                          'run\'s one again failed: %s. Delete one of the two' % (name, twins[0], mine, e.message), e.result_fields())
                continue
            item.operations.append(OP_DELETED)
            item.final = None
            kept = [r for r in kept if r['ErpConnectionId'] != mine]
            item.fail('another run created connection %r at the same moment (id %s), so the one this run created (id %s) was '
                      'deleted again and one remains. Run again to converge it' % (name, twins[0], mine))
        return kept

    def _index(self, records):
        by_id = dict((r['ErpConnectionId'], r) for r in records)
        for item in self.items + self.unlisted:
            record = item.final or item.current
            if record is not None and record.get('ErpConnectionId') is not None:
                item.live = by_id.get(record['ErpConnectionId'])
            elif item.params['name'] is not None:
                named = [r for r in records if r.get('DisplayName') == item.params['name'] and r['ErpConnectionId'] not in self.known_ids]
                item.live = named[0] if named else None
        return by_id

    def verify(self):
        """After the last write, one list read: drop a twin another run created meanwhile, report what the server shows, and
        fail (honestly) what differs from it."""
        try:
            records = self.api.get_all_connections(False)
        except WebAPIError as e:
            self.module.warn('The connections could not be read back after the run to verify it (%s); the results show what the '
                             'writes answered' % e.message)
            return
        by_id = self._index(self._drop_twins(records))
        for item in self.items + self.unlisted:
            if not item.operations or item.final is None:
                continue
            live = by_id.get(item.final.get('ErpConnectionId'))
            if live is None:
                item.fail('connection %s is not live after the run, although %s; another run or an admin may have deleted it'
                          % (describe(item.final), ', '.join(item.operations)))
                continue
            item.final = dict(item.final, **{k: v for k, v in live.items() if k != 'ConfigFields'})
            wanted = self._wanted_active(item) if not item.unlisted else False
            if any(op in item.operations for op in TOGGLES) and bool(live.get('Active')) != wanted:
                state = 'active' if live.get('Active') else 'inactive'
                if item.unclear:
                    item.fail('an unclear ToggleErpConnectionActive was applied late or twice: connection %s is now %s. It was '
                              'not toggled again; run again to converge it' % (describe(item.final), state))
                else:
                    item.fail('ToggleErpConnectionActive reported success, but connection %s is %s now: another run (from another '
                              'controller; the API has no lock) may have toggled it at the same moment. Run again to converge it'
                              % (describe(item.final), state))

    # -- views --------------------------------------------------------------------------------------------

    def facts(self, item):
        """The ``connection`` result of an item, or None when it does not exist (any more)."""
        if item.params['state'] == 'absent' or item.final is None:
            return None
        record = item.final
        secret_keys = ()
        if item.has_config and record.get('ConfigFields'):
            try:
                secret_keys = self._secret_keys(item, record)
            except WebAPIError:
                secret_keys = None  # cannot tell: mask every value
        return connection_facts(record, secret_keys, item.has_config, item.config)

    def diff(self, item):
        if item.params['state'] == 'absent':
            before = self.view(item, item.current, full=True) if item.current is not None else {'state': 'absent'}
            return dict(before=before, after={'state': 'absent'} if item.operations or item.current is None else before)
        before = self.view(item, item.current) if item.current is not None else {'state': 'absent'}
        after = self.view(item, item.final) if item.final is not None and (item.current is not None or item.operations) else before
        return dict(before=before, after=after)

    def view(self, item, record, full=False):
        """The managed fields of a record for diffs, secrets masked (see _config_view)."""
        facts = connection_facts(record, (), False)
        view = dict(state='present', id=facts['id'], name=facts['name'])
        shown = [k for k in ('description', 'active', 'all_access', 'user_group_ids', 'associate_ids') if full or item.params[k] is not None]
        if full or item.connector_id is not None:
            shown.append('connector_id')
        for key in shown:
            view[key] = facts[key]
        if item.config is not None and item.has_config and not full:
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
