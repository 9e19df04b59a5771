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
from ansible_collections.superoffice.crm.plugins.module_utils._shapes import CRM_ACTOR_TYPES, ERP_ACTOR_TYPES, FIELD_ACCESS, enum_name
from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._items import fail_with_errors, module_spec, read_and_check, validate_items
from ansible_collections.superoffice.crm.plugins.module_utils._plan import DEFAULTS, MAPPINGS, REFRESH_FIELDS, Item, ItemFailure, Kind, Step

ACTOR_TYPE_CHOICES = list(ERP_ACTOR_TYPES[1:])
DIRECTIONS = {'to_crm': (True, False), 'to_erp': (False, True), 'both': (True, True), 'none': (False, False)}
DEFAULT_KEYS = ('default', 'first_sync_default', 'prompt_user', 'mandatory')
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
)

OP_UPDATED = 'mapping updated'


def mapping_options():
    """The module's argument spec: ``fields`` is checked item by item (module_item), so that messages name the field."""
    return module_spec(MAPPING_OPTIONS)


def direction_of(row):
    for name, flags in DIRECTIONS.items():
        if flags == (bool(row.get('SyncToCrm')), bool(row.get('SyncToErp'))):
            return name
    return 'none'


def field_facts(row, default=None):
    """One field mapping in the shape of the ``fields`` option (and its defaults, when read)."""
    facts = dict(erp_field=row['ErpFieldKey'], crm_field=row.get('CrmFieldKey') or '', direction=direction_of(row),
                 show_in_search=bool(row.get('ShowInSearch')), show_in_erp_tab=bool(row.get('ShowInGui')))
    if default is not None:
        facts.update(default_facts(default))
    return facts


def default_facts(default):
    return dict(default=default.get('DefaultValue') or '', first_sync_default=(default.get('FirstSyncDefaultValue') or '')
                if default.get('HasFirstSyncDefaultValue') else '', prompt_user=bool(default.get('PromptUser')),
                mandatory=bool(default.get('Mandatory')))


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
        if field.get('crm_field') == '' and field.get('direction') not in (None, 'none'):
            item.errors.append('%sfields[%s]: direction %s needs a crm_field (a field that is not synced has no direction)' % (
                where, key, field['direction']))
        if field.get('mandatory') and not (field.get('default') or field.get('prompt_user')):
            item.errors.append('%sfields[%s]: mandatory needs a default or prompt_user (the admin screen asks for one of them)' % (where, key))
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


def read_only_errors(item, rows):
    """A direction on a field the connector marks read-only (the admin screen offers none)."""
    return ['%sfields[%s]: the connector marks this ERP field read-only (it cannot be synchronized), so it takes no direction; '
            'leave direction out or set it to none' % (item.where, field['erp_field'])
            for field in item.params['fields'] or [] if field.get('direction') not in (None, 'none')
            and enum_name(rows[field['erp_field']].get('Access'), FIELD_ACCESS) == 'ReadOnly']


def crm_field_errors(item, planned):
    """A SuperOffice field mapped from two ERP fields."""
    crm = {}
    for row in planned:
        if row['CrmFieldKey']:
            crm.setdefault(row['CrmFieldKey'], []).append(row['ErpFieldKey'])
    return ['%sCRM field %s would be mapped from %d ERP fields (%s); a SuperOffice field takes one ERP field'
            % (item.where, crm_field, len(erp_fields), ', '.join(erp_fields)) for crm_field, erp_fields in sorted(crm.items())
            if len(erp_fields) > 1]


def mandatory_errors(item, rows):
    """A mandatory default with neither a value nor a prompt, as it would be after the run."""
    errors = []
    for field in item.params['fields'] or []:
        current = default_facts(item.defaults.get(rows[field['erp_field']]['ErpFieldId']) or {})
        wanted = dict((key, current[key] if field.get(key) is None else field[key]) for key in ('default', 'prompt_user', 'mandatory'))
        if wanted['mandatory'] and not (wanted['default'] or wanted['prompt_user']):
            errors.append('%sfields[%s]: a mandatory default needs a default value or prompt_user' % (item.where, field['erp_field']))
    return errors


def blank_default(field_id):
    """The default value carrier of a field that has none."""
    return dict(ErpFieldId=field_id, DefaultValue='', HasFirstSyncDefaultValue=False, FirstSyncDefaultValue='', PromptUser=False,
                Mandatory=False)


class ActorMappings(Kind):
    """Field mappings and defaults of actor types. ``connection_of(item)`` gives the item's connection record, or None
    while it does not exist (it is created later in the run, or in check mode never)."""

    name = 'mappings'

    def __init__(self, run, items, connection_of):
        super().__init__(run, items)
        self.connection_of = connection_of

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
        item.errors += read_only_errors(item, rows) + crm_field_errors(item, self._rows(item)) + mandatory_errors(item, rows)

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

    def steps(self, stage):
        if stage == REFRESH_FIELDS:
            return [self._refresh_step(item) for item in self.items if item.params['refresh_fields'] and self._conn_id(item)]
        if stage == MAPPINGS:
            return [step for step in (self._mapping_step(item) for item in self.items if not item.blocked) if step is not None]
        if stage == DEFAULTS:
            return [step for item in self.items if not item.blocked and item.mapping is not None for step in self._default_steps(item)]
        return []

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
        changed = active != item.mapping['IsActive'] or any(
            any(new.get(k) != old.get(k) and (new.get(k) or old.get(k)) for k in ROW_KEYS) for new, old in zip(rows, item.mapping['FieldMappings']))
        if not changed:
            return None
        payload = dict(writable(item.mapping), IsActive=active, FieldMappings=[writable(row) for row in rows])

        def send():
            saved = self.api.save_actor_type_mapping(payload)
            left = [row['ErpFieldKey'] for row, want in zip(saved['FieldMappings'], rows)
                    if any((row.get(k) or False) != (want.get(k) or False) for k in ROW_KEYS)]
            if left or bool(saved['IsActive']) != active:
                raise ItemFailure('SaveActorTypeMapping answered a mapping that differs from the one sent (%s): the server did not '
                                  'store it as asked' % (', '.join(left) or 'IsActive'), applied=True)
            return saved

        return Step(item, OP_UPDATED, send, done=lambda answer: setattr(item, 'final', answer), predicted=payload, verified=True)

    def _default_steps(self, item):
        rows = dict((row['ErpFieldKey'], row) for row in item.mapping['FieldMappings'])
        steps = []
        for field in item.params['fields'] or []:
            if not any(field.get(k) is not None for k in DEFAULT_KEYS):
                continue
            field_id = rows[field['erp_field']].get('ErpFieldId')
            current = item.defaults.get(field_id) or blank_default(field_id)
            wanted = dict(writable(current))
            if field.get('default') is not None:
                wanted['DefaultValue'] = field['default']
            if field.get('first_sync_default') is not None:
                wanted.update(FirstSyncDefaultValue=field['first_sync_default'], HasFirstSyncDefaultValue=bool(field['first_sync_default']))
            if field.get('prompt_user') is not None:
                wanted['PromptUser'] = field['prompt_user']
            if field.get('mandatory') is not None:
                wanted['Mandatory'] = field['mandatory']
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
            return self.api.save_default_value(wanted)
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
        return mapping_facts(self._conn_id(item), mapping, item.defaults, given=[f['erp_field'] for f in item.params['fields'] or []])

    def diff(self, item):
        """The mapping's flag and its set or given fields by ERP field key (in key order: the same in check mode, where a new
        connection's fields are predicted, and in the real run)."""
        given = [f['erp_field'] for f in item.params['fields'] or []]

        def view(mapping, defaults):
            if mapping is None:
                return {}
            facts = mapping_facts(self._conn_id(item), mapping, defaults, given=given)
            fields = dict((f.pop('erp_field'), f) for f in facts['fields'])
            return dict(active=facts['active'], fields=dict(sorted(fields.items())))
        return dict(before=view(item.current, item.defaults_before), after=view(item.final or item.mapping, item.defaults))
