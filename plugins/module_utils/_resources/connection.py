# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ERP connections as a resource kind: read with one list call, identified by id or name, compared on the options given,
changed by the steps deactivate -> test config -> save (activated again when it certainly saved nothing) -> test -> (twin
check) -> activate; used by erpsync_connection(s) and the tenant. The items and their options are in connection_items.py,
the config and its secrets in connection_config.py, the races with other runs in connection_races.py, the modules' results
and views in connection_results.py.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import uuid

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._items import fail_with_errors, invalid
from ansible_collections.superoffice.crm.plugins.module_utils._plan import (
    ACTIVATE, DEACTIVATE, SAVE, TEST, TWINS, UNLISTED, Code, ItemFailure, Kind, PlanError, Step)
from ansible_collections.superoffice.crm.plugins.module_utils._resources import connection_results
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_results import left_inactive, refusal
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_config import ConnectionConfig
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_items import (
    CONNECTION_OPTIONS, ID_LIST_FIELDS, OP_ACTIVATED, OP_CREATED, OP_DEACTIVATED, OP_DEACTIVATED_FOR_CONFIG, OP_DELETED,
    OP_REACTIVATED, OP_UPDATED, PLAIN_FIELDS, ConnectionItem, check_items, describe, reasons_text, same_target_errors,
    warn_about_names)
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_races import Races


class Connections(Kind):
    """Brings connections to the desired state with the fewest requests; see the module docs for the rules."""

    name = 'connections'

    def __init__(self, run, items, exclusive=False, label='connections', planned_connectors=None, unlisted_requires=None,
                 activation_requires=None):
        """``planned_connectors``: name (lower case) -> the connector item that registers it in this run (the tenant).
        ``unlisted_requires``: the items that must not fail for ``exclusive`` to deactivate the unlisted connections (by
        default the listed ones: a switch-over whose new connection failed leaves the old one live). ``activation_requires(item)``:
        the items besides its mappings that an activation needs (the tenant's sync priority that places the connection)."""
        super().__init__(run, items)
        self.exclusive = exclusive
        self.unlisted_requires = items if unlisted_requires is None else unlisted_requires
        self.activation_requires = activation_requires or (lambda item: [])
        self.label = label
        self.planned_connectors = planned_connectors or {}
        self.live = []
        self.known_ids = set()
        self.unlisted = []          # items made for live connections that no item names (exclusive)
        self.config = ConnectionConfig(self.api)
        self.races = Races(self)

    # -- reads and validation (before any write) -----------------------------------------------------------

    def read(self):
        """Everything that needs the tenant's data and can fail before a write: raise PlanError listing every problem."""
        check_items(self.items, self.label)
        if not self.items and not self.exclusive:
            return
        try:
            self._resolve_all()
            if not self.frozen:
                self._read_full()
        except ItemFailure as e:
            raise PlanError(e.message + '. Nothing was changed', e.fields)
        except WebAPIError as e:
            raise PlanError(e.message + '. Nothing was changed', e.result_fields())
        warn_about_names(self.items, self.live, self.run.warn)
        for item in self.items:
            item.final = item.current
            if self.frozen and item.current is None and item.params['state'] == 'present':
                item.fail('connection %r does not exist, and this run does not create it (the connections part of the tenant is '
                          'not selected); its mappings are not applied' % item.params['name'])
        if self.exclusive:
            self._plan_unlisted()

    def _resolve_all(self):
        """The live connection of each item, and its config checked against its connector; every problem at once. A frozen
        kind (only the mappings of the tenant are converged) only finds the connections."""
        self.live = self.api.get_all_connections(False)
        self.known_ids = set(c['ErpConnectionId'] for c in self.live)
        for item in self.items:
            self._resolve(item)
        for item in self.items:
            if not item.errors and item.params['state'] == 'present' and item.connector_item is None and not self.frozen:
                self.config.check(item)
        errors = [e for item in self.items for e in item.errors] + same_target_errors(self.items, self.label)
        if errors:
            raise invalid(errors)

    def _read_full(self):
        """SaveConnection replaces the whole record, and the list carries no config: read the connections to change."""
        wanted = [item for item in self.items if item.current is not None and not item.has_config and self._needs_full(item)]
        records = self.run.each(lambda item: self._read(item.current['ErpConnectionId']), wanted)
        for item, record in zip(wanted, records):
            item.current, item.has_config = record, True
        errors = [e for item in self.items if item.untyped_keys for e in self.config.stored_key_errors(item)]
        if errors:
            raise invalid(errors)
        for item in self.items:
            if item.current is not None and item.params['state'] == 'present':
                item.written = self._compare(item, item.current, item.has_config)[1]
                if item.has_config:
                    self.config.secret_keys(item, item.current)  # the field types, read before any write (for the save)

    def _resolve(self, item):
        params = item.params
        where = item.where
        present = params['state'] == 'present'
        if present and params['connector'] is not None and not self.frozen:
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

    def _needs_full(self, item):
        """Whether the item needs the full record (config, or a save that sends the record back whole)."""
        if item.params['state'] != 'present':
            return False
        changes = self._compare(item, item.current, False)[0]
        return item.config is not None or bool(changes)

    def _read(self, conn_id):
        record = self.api.get_connection(conn_id)
        if record is None:
            raise ItemFailure('connection id %s no longer exists (GetConnection answered null)' % conn_id)
        if record.get('Deleted'):
            raise ItemFailure('connection %s was deleted meanwhile' % describe(record))
        return record

    def _plan_unlisted(self):
        listed = set(item.current['ErpConnectionId'] for item in self.items if item.current is not None)
        for record in self.live:
            if record['ErpConnectionId'] in listed or not record.get('Active'):
                continue
            params = dict((name, spec.get('default')) for name, spec in CONNECTION_OPTIONS.items())
            params.update(id=record['ErpConnectionId'], name=record.get('DisplayName'), active=False)
            item = ConnectionItem(params, unlisted=True)
            item.current = item.final = record
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
        written = self.config.to_write(item, record) if item.config is not None and has_config else {}
        return changes, written

    # -- the plan, stage by stage ------------------------------------------------------------------------

    def steps(self, stage):
        planners = {
            DEACTIVATE: lambda: [self._toggle_step(item, False) for item in self.items if self._deactivation(item)],
            SAVE: lambda: [step for step in (self._save_step(item) for item in self.items if not item.blocked) if step is not None],
            TEST: lambda: [self._test_step(item) for item in self.items if self._tested(item)],
            TWINS: lambda: [self._twin_step(item) for item in self.items if self._created_here(item)],
            # A connection goes live only when every step of its mappings and list mappings succeeded (never half-configured).
            ACTIVATE: lambda: [self._toggle_step(item, True, item.children + self.activation_requires(item))
                               for item in self.items if self._activation(item)],
            UNLISTED: lambda: [self._toggle_step(item, False, self.unlisted_requires, 'it was not deactivated (unlisted connections stay '
                                                 'active until the listed ones went through)') for item in self.unlisted],
        }
        return planners[stage]() if stage in planners else []

    def _tested(self, item):
        """test_connection: the stored connection is tested after a change, and before it is activated."""
        return (item.params['state'] == 'present' and item.params['test_connection'] and item.final is not None
                and bool(item.operations or (self._activation(item) and not self._left_out(item))))

    @staticmethod
    def _created_here(item):
        """Created by this run (check mode predicts no id: nothing was created)."""
        return OP_CREATED in item.operations and (item.final or {}).get('ErpConnectionId') is not None

    def catch_up(self, stage):
        if stage == SAVE:
            for item in self.items:
                if item.connector_item is not None and not item.blocked:
                    self._connector_registered(item)
        if stage == ACTIVATE:
            for item in self.items:
                if not item.blocked and self._activation(item) and self._left_out(item):
                    item.fail(item.activation_held, code=Code.HELD)

    @staticmethod
    def _left_out(item):
        """An activation this run must not make (a run of the tenant without the part of the mappings the item gives); a
        reactivation after a config change restores the connection as it was, on the mappings it had."""
        return item.activation_held is not None and not item.was_active

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
            self.config.check(item)
            item.errors += self.config.stored_key_errors(item)
        except WebAPIError as e:
            item.fail(e.message, e.result_fields())
        fail_with_errors(item)

    @staticmethod
    def wanted_active(item):
        """The Active flag the item should end with: as given, else as it was before the run (new ones are inactive)."""
        if item.params['active'] is not None:
            return item.params['active']
        return item.was_active

    def _deactivation(self, item):
        if item.params['state'] != 'present' or not item.was_active:
            return False
        return not self.wanted_active(item) or bool(item.written)

    def _activation(self, item):
        if item.params['state'] != 'present' or item.final is None:
            return False
        return self.wanted_active(item) and not item.final.get('Active')

    def _toggle_step(self, item, target, requires=(), held=None):
        record = item.final
        conn_id = record.get('ErpConnectionId')
        if target:
            operation = OP_REACTIVATED if OP_DEACTIVATED_FOR_CONFIG in item.operations else OP_ACTIVATED
        else:
            operation = OP_DEACTIVATED_FOR_CONFIG if (item.written and self.wanted_active(item) and not item.unlisted) else OP_DEACTIVATED

        def send():
            reasons = self.api.toggle_connection_active(conn_id)
            if reasons:
                raise ItemFailure(refusal(item, target, reasons), code=Code.REFUSED if target else Code.FAILED)
            return dict(item.final, Active=target)

        def done(answer):
            item.final = dict(item.final, **{k: v for k, v in answer.items() if k != 'ConfigFields'})

        def needed():
            # The fresh read shows the flag already as wanted (another run, or an admin): nothing to flip.
            return bool((item.live or item.final).get('Active')) != target

        def settled():
            # ... and the result shows the flag the server shows.
            item.final = dict(item.final, Active=(item.live or item.final).get('Active'))

        return Step(item, operation, send, done, predicted=dict(record, Active=target),
                    readback=lambda: self.races.toggled(item, conn_id, target), needed=needed, settled=settled, fresh=True,
                    requires=requires, held=held or 'it was not %s (it stays inactive)' % operation)

    def _twin_step(self, item):
        """A connection this run created, deleted again when another run created it at the same moment with a lower id (see
        connection_races.Races._twin): needed only when the fresh list before activation shows such a twin."""
        return Step(item, OP_DELETED, lambda: self.races.delete_twin(item), done=lambda answer: self.races.twin_deleted(item),
                    needed=lambda: item.twin is not None, fresh=True, verified=True)

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
        payload = self.config.payload(item, record, changes, written)
        payload['Active'] = bool(record.get('Active'))
        predicted = dict(payload)
        predicted['ConfigFields'] = dict(record.get('ConfigFields') or {}, **written)

        whole = self.config.whole(item, record, written)

        def send():
            try:
                if params['test_connection'] and whole:
                    self.config.test(item, payload['ErpConnectorId'], payload['ConfigFields'])
            except (ItemFailure, WebAPIError) as e:
                raise self._not_saved(item, e)
            try:
                saved = self.api.save_connection(payload, item.current['ErpConnectionId'])
            except WebAPIError as e:
                if e.unclear:
                    raise  # settled by reading (Step.readback)
                raise self._not_saved(item, e) if e.refused else ItemFailure(left_inactive(item, e.message), e.result_fields())
            if saved is None:
                raise ItemFailure(left_inactive(item, 'SaveConnection answered null for connection %s: the change may not have been '
                                                'saved' % describe(payload)))
            return saved

        def done(answer):
            item.final, item.has_config = answer, True

        def readback():
            fresh = self._read(payload['ErpConnectionId'])
            changes_left, written_left = self._compare(item, fresh, True)
            return fresh if not changes_left and not written_left else None

        return Step(item, OP_UPDATED, send, done, predicted=predicted, readback=readback, verified=True)

    def _not_saved(self, item, error):
        """A save that certainly changed nothing (the test before it failed, or the server refused it) of a connection this run
        deactivated for the change: activated again, so that production is not left down for a change that never happened.
        After an unclear answer it stays inactive (the change may have been saved, untested)."""
        if OP_DEACTIVATED_FOR_CONFIG not in item.operations:
            return error
        fields = error.fields if isinstance(error, ItemFailure) else error.result_fields()
        text = '%s; as nothing was saved, connection %s, deactivated for the change, ' % (error.message, describe(item.final))
        try:
            reasons = self.api.toggle_connection_active(item.final['ErpConnectionId'])
        except WebAPIError as e:
            item.unclear = item.unclear or e.unclear  # it may still land: the read after the run accepts either flag
            return ItemFailure(text + 'could not be activated again (%s). Check whether it is active' % e.message, fields)
        if reasons:
            return ItemFailure(text + 'could not be activated again: %s. It is inactive now' % reasons_text(reasons), fields)
        item.final = dict(item.final, Active=True)
        item.operations.append(OP_REACTIVATED)
        # Said as the server answered it: the read after the run names the connection if the toggle landed elsewhere.
        return ItemFailure(text + 'was toggled to be active again, which the server accepted', fields)

    def _create_step(self, item):
        params = item.params
        payload = dict(
            ErpConnectionId=0,
            ErpConnectorId=item.connector_id,
            DisplayName=params['name'],
            DisplayDescription=params['description'] or '',
            Active=False,
            # The run's mark on its create (sent again as it is): a GUID the server keeps (see Races.find_created), so that
            # after an unclear answer the run tells its own connection from one another run or an admin made.
            ConnectionId=str(uuid.uuid4()),
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
                self.config.test(item, item.connector_id, payload['ConfigFields'])
            saved = self.api.save_connection(payload, 0)
            if saved is None or not saved.get('ErpConnectionId'):
                raise ItemFailure('SaveConnection answered without a connection id: the connection %r may not have been '
                                  'created; check the tenant before running again' % payload['DisplayName'])
            if saved['ErpConnectionId'] in self.known_ids:
                raise ItemFailure('SaveConnection, sent to create connection %r, answered with id %s, which connection %s already '
                                  'had: the server may have written to it instead. Nothing more is written for it; check both '
                                  'before running again' % (payload['DisplayName'], saved['ErpConnectionId'], describe(saved)))
            return saved

        def done(answer):
            item.final, item.has_config = answer, not item.unclear  # a create found in the list after an unclear answer has no config
            if answer.get('ErpConnectionId') is not None:
                self.known_ids.add(answer['ErpConnectionId'])

        def readback():
            return self.races.find_created(item, payload)

        # Not taken as verified by its answer: the list read at the end also finds a twin another run created meanwhile.
        return Step(item, OP_CREATED, send, done, predicted=dict(payload, ErpConnectionId=None, ConnectionId=None),
                    readback=readback, needed=lambda: item.live is None, fresh=True)

    def _test_step(self, item):
        conn_id = item.final.get('ErpConnectionId')

        def send():
            if not self.api.test_connection(conn_id):
                raise ItemFailure('TestConnectionById answered false for connection %s after the change: the connector '
                                  'could not reach the ERP system with the stored configuration. The change was saved%s'
                                  % (describe(item.final), '; the connection was left inactive' if self._activation(item) else ''))
        return Step(item, None, send, verified=True)

    # -- fresh reads and the final check (connection_races.py) ---------------------------------------------

    def refresh(self):
        self.races.refresh()

    def verify(self):
        self.races.verify()

    # -- views (connection_results.py) ---------------------------------------------------------------------

    def facts(self, item):
        return connection_results.item_facts(self.config, item)

    def diff(self, item):
        return connection_results.item_diff(self.config, item)
