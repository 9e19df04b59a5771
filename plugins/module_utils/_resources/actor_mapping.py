# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Field mappings of one connection and ERP actor type, with their default values, as a resource kind: read with one
GetActorTypeMapping (plus one GetDefaultValueInfo per field whose defaults are given), compared on the keys given, saved
whole; used by erpsync_actor_mapping, erpsync_mapping_info, erpsync_tenant_info and the tenant.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import copy

from ansible_collections.superoffice.crm.plugins.module_utils._agent import writable
from ansible_collections.superoffice.crm.plugins.module_utils._shapes import CRM_ACTOR_TYPES, ERP_ACTOR_TYPES, enum_name
from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._items import fail_with_errors, module_spec, read_and_check, validate_items
from ansible_collections.superoffice.crm.plugins.module_utils._plan import (
    ACTIVATE_MAPPINGS, DEFAULTS, FIELD_ORDER, MAPPINGS, REFRESH_FIELDS, Item, ItemFailure, Kind, Step)
from ansible_collections.superoffice.crm.plugins.module_utils._resources.field_order import (
    FieldOrder, crm_actor, order_errors, order_problems, shown_fields, unshown)
from ansible_collections.superoffice.crm.plugins.module_utils._resources.mapping_rules import (
    DEFAULT_KEYS, DIRECTIONS, already_mapped_errors, blank_default, crm_field_errors, default_facts, direction_of, field_errors,
    mandatory_errors, read_only_errors, wanted_default)

ACTOR_TYPE_CHOICES = list(ERP_ACTOR_TYPES[1:])
ROW_KEYS = ('CrmFieldKey', 'SyncToCrm', 'SyncToErp', 'ShowInGui', 'ShowInSearch')

FIELD_OPTIONS = dict(
    erp_field=dict(type='str', required=True),
    crm_field=dict(type='str'),
    direction=dict(type='str', choices=list(DIRECTIONS)),
    show_in_search=dict(type='bool'),
    show_in_erp_tab=dict(type='bool'),
    default=dict(type='str'),
    first_sync_default=dict(type='str'),
    prompt_user=dict(type='bool'),
    mandatory=dict(type='bool'),
)
MAPPING_OPTIONS = dict(
    actor_type=dict(type='str', required=True, choices=ACTOR_TYPE_CHOICES),
    active=dict(type='bool'),
    fields=dict(type='list', elements='dict', options=FIELD_OPTIONS),
    exclusive_fields=dict(type='bool', default=False),
    refresh_fields=dict(type='bool', default=False),
    erp_tab_order=dict(type='list', elements='str'),
)

OP_UPDATED = 'mapping updated'
OP_ACTIVATED = 'mapping activated'


def mapping_options():
    """The module's argument spec: ``fields`` is checked item by item (module_item), so that messages name the field."""
    return module_spec(MAPPING_OPTIONS)


def field_facts(row, default=None):
    """One field mapping in the shape of the ``fields`` option (and its defaults, when read)."""
    facts = dict(erp_field=row['ErpFieldKey'], crm_field=row.get('CrmFieldKey') or '', direction=direction_of(row),
                 show_in_search=bool(row.get('ShowInSearch')), show_in_erp_tab=bool(row.get('ShowInGui')))
    if default is not None:
        facts.update(default_facts(default))
    return facts


def is_set(row, default=None):
    """Whether a field mapping holds anything (a CRM field, a flag, a default): what info and export show."""
    return bool(row.get('CrmFieldKey') or any(row.get(k) for k in ROW_KEYS[1:]) or (default and any(default_facts(default).values())))


def mapping_facts(conn_id, mapping, defaults=None, only_set=True, given=()):
    """A mapping carrier in the shape of erpsync_actor_mapping's options (``given``: ERP field keys always shown), its
    fields in ERP field key order (the same whatever order the server keeps them in, and in check mode)."""
    defaults = defaults or {}
    fields = [field_facts(row, defaults.get(row['ErpFieldId'])) for row in sorted(mapping['FieldMappings'], key=lambda row: row['ErpFieldKey'])
              if not only_set or is_set(row, defaults.get(row['ErpFieldId'])) or row['ErpFieldKey'] in given]
    return dict(connection_id=conn_id, actor_type=enum_name(mapping['ActorTypeErp'], ERP_ACTOR_TYPES),
                crm_actor_type=enum_name(mapping.get('ActorTypeCrm'), CRM_ACTOR_TYPES) or '', active=bool(mapping['IsActive']),
                fields=fields)


def module_item(params):
    """The item of the erpsync_actor_mapping module: its options checked as a tenant's mapping items are."""
    return validate_items([dict((name, params.get(name)) for name in MAPPING_OPTIONS)], MAPPING_OPTIONS,
                          lambda params, index, errors: mapping_item(params, None, errors), 'actor mapping')[0]


class MappingItem(Item):
    """A desired actor mapping of one connection."""

    def __init__(self, params, index=None, where='', parent=None):
        super().__init__(params, index, where, parent)
        self.mapping = None         # the carrier as read (or, for a connection check mode would create, as predicted)
        self.defaults = {}          # ErpFieldId -> ErpSyncDefaultValue, as read and then as saved
        self.defaults_before = {}   # as read
        self.pending = True         # not read yet (its connection is created or refreshed in this run)
        self.shown = []             # erp_tab_order: the fields the ERP tab shows, as read (or predicted): [(key, rank)]
        self.order_unknown = False  # ... not readable in check mode (fields first shown in this run): the moves are predicted
        self.order_before = None    # ... their keys in rank order
        self.order = None           # ... after the run
        self.activate_later = False  # saved inactive, activated once the steps it waits for succeeded (ActorMappings._waits)


def mapping_item(params, index=None, errors=None, label='mappings', parent=None):
    """A desired actor mapping, its options checked (no request needed)."""
    where = '%s[%d] (%s): ' % (label, index, params.get('actor_type')) if index is not None else ''
    item = MappingItem(params, index, where, parent)
    if errors:
        item.errors = ['%s%s' % (where, e) for e in errors]
        return item
    seen = set()
    for field in params.get('fields') or []:
        key = field['erp_field']
        if not key.strip():
            item.errors.append('%sfields: erp_field must not be empty' % where)
        elif key in seen:
            item.errors.append('%sfields: erp_field %r is listed twice' % (where, key))
        seen.add(key)
        item.errors += field_errors(where, field)
    item.errors += order_errors(params.get('erp_tab_order'), where)
    return item


def items_from_list(raw_items, label, parent=None):
    items = validate_items(raw_items, MAPPING_OPTIONS, lambda params, index, errors: mapping_item(params, index, errors, label, parent),
                           'actor mapping')
    seen = {}
    for item in items:
        actor = item.params.get('actor_type')
        if actor in seen and not item.errors:
            item.errors.append('%s[%d] and %s[%d] both map actor type %s; give each actor type once' % (label, seen[actor], label, item.index, actor))
        seen.setdefault(actor, item.index)
    return items


class ActorMappings(Kind):
    """Field mappings and defaults of actor types. ``connection_of(item)`` gives the item's connection record, or None
    while it does not exist (it is created later in the run, or in check mode never)."""

    name = 'mappings'

    def __init__(self, run, items, connection_of):
        super().__init__(run, items)
        self.connection_of = connection_of
        self.order = FieldOrder(run)

    def read(self):
        # One read per mapping (and per default asked for), at once for different mappings. A mapping whose connection is
        # made or refreshed in this run is read when the MAPPINGS stage comes.
        ready = [item for item in self.items if not item.params['refresh_fields'] and self._conn_id(item)]
        read_and_check(self.run, self.items, ready, self._read_item, self._check)

    def _conn_id(self, item):
        record = self.connection_of(item)
        return record.get('ErpConnectionId') if record else None

    def _read_item(self, item):
        conn_id = self._conn_id(item)
        item.mapping = self.api.get_actor_type_mapping(conn_id, item.params['actor_type'])
        rows = dict((row['ErpFieldKey'], row) for row in item.mapping['FieldMappings'])
        wanted = [rows[f['erp_field']]['ErpFieldId'] for f in item.params['fields'] or []
                  if f['erp_field'] in rows and any(f.get(k) is not None for k in DEFAULT_KEYS)]
        item.defaults = dict((field_id, self.api.get_default_value(field_id)) for field_id in wanted)
        item.defaults_before = dict(item.defaults)
        item.pending = False
        item.current = item.final = item.mapping

    def _check(self, item):
        """Problems found on the server's fields, before any write of this item."""
        rows = dict((row['ErpFieldKey'], row) for row in item.mapping['FieldMappings'])
        unknown = sorted(f['erp_field'] for f in item.params['fields'] or [] if f['erp_field'] not in rows)
        if unknown:
            item.errors.append('%sERP field%s %s %s not offered for actor type %s of connection id %s; its fields are: %s%s' % (
                item.where, 's' if len(unknown) > 1 else '', ', '.join(unknown), 'are' if len(unknown) > 1 else 'is',
                item.params['actor_type'], self._conn_id(item), ', '.join(sorted(rows)) or 'none',
                '' if item.params['refresh_fields'] else ' (refresh_fields=true asks the connector for its current fields first)'))
            return
        planned = self._rows(item)
        active = item.mapping['IsActive'] if item.params['active'] is None else item.params['active']
        item.errors += (read_only_errors(item, rows) + crm_field_errors(item, planned) + already_mapped_errors(item, planned)
                        + mandatory_errors(item, rows) + order_problems(item, rows, planned, active))

    def _rows(self, item):
        """The field mappings as they should be: the ones read, with the given keys (and exclusive_fields) applied."""
        given = dict((f['erp_field'], f) for f in item.params['fields'] or [])
        rows = []
        for row in item.mapping['FieldMappings']:
            row = copy.deepcopy(row)
            field = given.get(row['ErpFieldKey'])
            if field is not None:
                if field.get('crm_field') is not None:
                    row['CrmFieldKey'] = field['crm_field']
                if field.get('direction') is not None:
                    row['SyncToCrm'], row['SyncToErp'] = DIRECTIONS[field['direction']]
                elif field.get('crm_field') == '':
                    row['SyncToCrm'] = row['SyncToErp'] = False
                if field.get('show_in_search') is not None:
                    row['ShowInSearch'] = field['show_in_search']
                if field.get('show_in_erp_tab') is not None:
                    row['ShowInGui'] = field['show_in_erp_tab']
            elif item.params['exclusive_fields'] and (row.get('CrmFieldKey') or row.get('SyncToCrm') or row.get('SyncToErp')):
                row.update(CrmFieldKey='', SyncToCrm=False, SyncToErp=False)
            rows.append(row)
        return rows

    def catch_up(self, stage):
        if stage == MAPPINGS:
            self.run.each(self._read_pending, [item for item in self.items if item.pending and not item.blocked])
        if stage == ACTIVATE_MAPPINGS:
            for item in self.items:
                if item.activate_later and item.failed:
                    item.msg += '; so actor type %s was not activated (it stays inactive)' % item.params['actor_type']
        if stage == FIELD_ORDER:
            for item in self._ordered():
                self._read_order(item)

    def _ordered(self):
        return [item for item in self.items if item.params['erp_tab_order'] and not item.blocked and item.mapping is not None]

    def steps(self, stage):
        ready = [item for item in self.items if not item.blocked]
        planners = {
            REFRESH_FIELDS: lambda: [self._refresh_step(item) for item in self.items if item.params['refresh_fields'] and self._conn_id(item)],
            MAPPINGS: lambda: [self._mapping_step(item) for item in ready],
            DEFAULTS: lambda: [step for item in ready if item.mapping is not None for step in self._default_steps(item)],
            ACTIVATE_MAPPINGS: lambda: [self._activation_step(item) for item in ready if item.activate_later],
            FIELD_ORDER: lambda: [self._order_step(item) for item in self._ordered()],
        }
        return [step for step in planners[stage]() if step is not None] if stage in planners else []

    def _read_order(self, item):
        """The ERP tab's order, read after this run saved the mapping. In check mode the server still shows the mapping as it
        was, so the order of a mapping this run would make, activate or show other fields of cannot be read: its shown fields
        are taken in the mapping's order, and the moves are predicted (with a warning)."""
        final = item.final or item.mapping
        if self.run.check_mode and (not self._conn_id(item) or self._shows_otherwise(item)):
            item.shown = [(row['ErpFieldKey'], n) for n, row in enumerate(final['FieldMappings'], 1) if row.get('ShowInGui')]
            item.order_unknown = len(item.shown) > 1
            if item.order_unknown:
                self.run.warn('%scheck mode cannot read the ERP-tab order of fields this run would first show (the server shows them '
                              'only after the save): the moves of erp_tab_order are predicted' % item.where)
        else:
            try:
                item.shown = shown_fields(self.order.read(crm_actor(final)), self._conn_id(item), item.params['actor_type'], self._label(item))
            except WebAPIError as e:
                item.fail(e.message, e.result_fields())
                return
            except ItemFailure as e:
                item.fail(e.message)
                return
            if unshown(item.params['erp_tab_order'], item.shown):
                item.fail(unshown(item.params['erp_tab_order'], item.shown))
        item.order_before = item.order = [key for key, rank in item.shown]

    @staticmethod
    def _shows_otherwise(item):
        """This run changes what the ERP tab shows of the mapping (its IsActive flag or a field's ShowInGui)."""
        before, after = item.mapping, item.final or item.mapping
        return bool(before['IsActive']) != bool(after['IsActive']) or any(
            bool(old.get('ShowInGui')) != bool(new.get('ShowInGui')) for old, new in zip(before['FieldMappings'], after['FieldMappings']))

    def _label(self, item):
        record = self.connection_of(item) or {}
        return "'%s' (id %s)" % (record.get('DisplayName'), record.get('ErpConnectionId'))

    def _order_step(self, item):
        final = item.final or item.mapping
        field_ids = dict((row['ErpFieldKey'], row['ErpFieldId']) for row in final['FieldMappings'])
        return self.order.step(item, self._conn_id(item), self._label(item), item.params['erp_tab_order'], item.shown, field_ids,
                               item.order_unknown)

    def _refresh_step(self, item):
        conn_id = self._conn_id(item)

        def send():
            if not self.api.update_connection_fields(conn_id):
                raise ItemFailure('UpdateConnectionFields answered false for connection id %s: the connector could not tell its '
                                  'actor types and fields' % conn_id)
        # A refresh of what the connector offers, not a change of the tenant's configuration: no operation of its own.
        return Step(item, None, send, verified=True)

    def _read_pending(self, item):
        """An item whose connection is new or refreshed in this run: read now. In check mode a connection that would be
        created has nothing to read, and a refresh is not asked for (UpdateConnectionFields changes the stored fields): the
        given fields the server does not show yet are predicted as offered, blank."""
        try:
            if self._conn_id(item):
                self._read_item(item)
                if self.run.check_mode and item.params['refresh_fields']:
                    self._predict_rows(item)
                self._check(item)
                fail_with_errors(item)
            else:
                item.mapping = dict(ErpConnectionId=None, IsActive=False, ActorTypeErp=item.params['actor_type'], ActorTypeCrm=None,
                                    FieldMappings=[])
                self._predict_rows(item)
                item.current = item.final = item.mapping
                item.pending = False
        except WebAPIError as e:
            item.fail(e.message, e.result_fields())

    def _predict_rows(self, item):
        """Blank rows, with ids of their own, for the given fields the carrier lacks (and their blank defaults)."""
        have = set(row['ErpFieldKey'] for row in item.mapping['FieldMappings'])
        missing = [f for f in item.params['fields'] or [] if f['erp_field'] not in have]
        for number, field in enumerate(missing, start=1):
            item.mapping['FieldMappings'].append(dict(ErpFieldId=-number, ErpFieldKey=field['erp_field'], CrmFieldKey='', SyncToCrm=False,
                                                      SyncToErp=False, ShowInGui=False, ShowInSearch=False))
            if any(field.get(k) is not None for k in DEFAULT_KEYS):
                item.defaults[-number] = item.defaults_before[-number] = blank_default(-number)
        if missing and self._conn_id(item):
            self.run.warn('%scheck mode does not ask the connector for its current fields (refresh_fields): %s, not offered now, '
                          'are predicted as offered after the refresh' % (item.where, ', '.join(f['erp_field'] for f in missing)))

    def _mapping_step(self, item):
        if item.mapping is None:
            return None
        rows = self._rows(item)
        active = item.mapping['IsActive'] if item.params['active'] is None else item.params['active']
        item.activate_later = active and not item.mapping['IsActive'] and self._waits(item)
        flag = item.mapping['IsActive'] if item.activate_later else active
        changed = flag != item.mapping['IsActive'] or any(
            any(new.get(k) != old.get(k) and (new.get(k) or old.get(k)) for k in ROW_KEYS) for new, old in zip(rows, item.mapping['FieldMappings']))
        if not changed:
            return None
        return self._save_step(item, OP_UPDATED, dict(writable(item.mapping), IsActive=flag, FieldMappings=[writable(row) for row in rows]))

    def _waits(self, item):
        """Whether the activation of the actor type waits in a save of its own (ACTIVATE_MAPPINGS) for the steps after its
        mapping: its defaults, and the list mappings of its connection. Not when nothing comes after, nor in the tenant when the
        connection is not live now: the tenant activates a connection only after all of its mappings and list mappings
        succeeded, so an actor type of an inactive connection synchronizes nothing before then, and a new tenant's mappings
        cost one save each. (The ERP-tab order cannot wait: it can only be read and moved once the actor type is active.)"""
        if item.parent is not None and not (self.connection_of(item) or {}).get('Active'):
            return False
        return bool(self._default_steps(item) or self._list_siblings(item))

    @staticmethod
    def _list_siblings(item):
        """The list mappings of the item's connection (in the tenant, its connection's children that are not actor mappings)."""
        return [child for child in item.parent.children if not isinstance(child, MappingItem)] if item.parent is not None else []

    def _activation_step(self, item):
        """The actor type activated, once its defaults and its connection's list mappings were saved: the mapping as saved (or
        read), with IsActive set."""
        mapping = item.final or item.mapping
        payload = dict(writable(mapping), IsActive=True, FieldMappings=[writable(row) for row in mapping['FieldMappings']])
        return self._save_step(item, OP_ACTIVATED, payload, requires=self._list_siblings(item),
                               held='actor type %s was not activated (it stays inactive)' % item.params['actor_type'])

    def _save_step(self, item, operation, payload, requires=(), held=None):
        rows = payload['FieldMappings']

        def send():
            saved = self.api.save_actor_type_mapping(payload, self._conn_id(item), item.params['actor_type'])
            left = [row['ErpFieldKey'] for row, want in zip(saved['FieldMappings'], rows)
                    if any((row.get(k) or False) != (want.get(k) or False) for k in ROW_KEYS)]
            if left or bool(saved['IsActive']) != bool(payload['IsActive']):
                raise ItemFailure('SaveActorTypeMapping answered a mapping that differs from the one sent (%s): the server did not '
                                  'store it as asked' % (', '.join(left) or 'IsActive'), applied=True)
            return saved

        return Step(item, operation, send, done=lambda answer: setattr(item, 'final', answer), predicted=payload, verified=True,
                    requires=requires, held=held)

    def _default_steps(self, item):
        rows = dict((row['ErpFieldKey'], row) for row in item.mapping['FieldMappings'])
        steps = []
        for field in item.params['fields'] or []:
            if not any(field.get(k) is not None for k in DEFAULT_KEYS):
                continue
            row = rows[field['erp_field']]
            current = item.defaults.get(row.get('ErpFieldId')) or blank_default(row.get('ErpFieldId'))
            wanted = wanted_default(field, current, row)
            if default_facts(wanted) == default_facts(current):
                continue
            steps.append(Step(item, 'default of %s updated' % field['erp_field'], self._save_default(wanted, rows, field['erp_field']),
                              done=self._record_default(item, field['erp_field'], rows), predicted=wanted, verified=True))
        return steps

    def _save_default(self, wanted, rows, erp_field):
        def send():
            if wanted.get('ErpFieldId') is None:
                # A connection created in this run: its field ids are known now.
                wanted['ErpFieldId'] = rows[erp_field]['ErpFieldId']
            return self.api.save_default_value(wanted, rows[erp_field]['ErpFieldId'])
        return send

    @staticmethod
    def _record_default(item, erp_field, rows):
        def done(answer):
            item.defaults[rows[erp_field].get('ErpFieldId')] = answer
        return done

    def facts(self, item):
        mapping = item.final or item.mapping
        if mapping is None:
            return None
        facts = mapping_facts(self._conn_id(item), mapping, item.defaults, given=[f['erp_field'] for f in item.params['fields'] or []])
        if item.params['erp_tab_order']:
            facts['erp_tab_order'] = item.order
        return facts

    def diff(self, item):
        """The mapping's flag and its set or given fields by ERP field key (in key order: the same in check mode, where a new
        connection's fields are predicted, and in the real run), and the ERP tab's order when erp_tab_order is given."""
        given = [f['erp_field'] for f in item.params['fields'] or []]

        def view(mapping, defaults, order):
            if mapping is None:
                return {}
            facts = mapping_facts(self._conn_id(item), mapping, defaults, given=given)
            fields = dict((f.pop('erp_field'), f) for f in facts['fields'])
            shown = dict(erp_tab_order=order) if item.params['erp_tab_order'] else {}
            return dict(active=facts['active'], fields=dict(sorted(fields.items())), **shown)
        return dict(before=view(item.current, item.defaults_before, item.order_before),
                    after=view(item.final or item.mapping, item.defaults, item.order))
