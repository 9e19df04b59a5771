# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""List mappings of one connection (each ERP list item to one CRM list item) as a resource kind: read with one
GetConnectionListMappings (plus the CRM list when items are named or changed), compared item by item, saved whole; used by
erpsync_list_mapping, erpsync_mapping_info, erpsync_tenant_info and the tenant.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import copy

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.superoffice.crm.plugins.module_utils._agent import CARRIER_METADATA
from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._items import fail_with_errors, module_spec, read_and_check, validation_errors
from ansible_collections.superoffice.crm.plugins.module_utils._plan import LIST_MAPPINGS, Item, ItemFailure, Kind, Step
from ansible_collections.superoffice.crm.plugins.module_utils._resources.actor_mapping import MappingItem
from ansible_collections.superoffice.crm.plugins.module_utils._values import ascii_int

LIST_OPTIONS = dict(
    erp_list=dict(type='str'),
    erp_field=dict(type='str'),
    items=dict(type='dict', required=True),
)
LIST_MAPPING_OPTIONS = dict(
    lists=dict(type='list', elements='dict', required=True, options=LIST_OPTIONS,
               required_one_of=[['erp_list', 'erp_field']], mutually_exclusive=[['erp_list', 'erp_field']]),
    exclusive=dict(type='bool', default=False),
)
OP_UPDATED = 'list mappings updated'


def list_mapping_options():
    """The module's argument spec: ``lists`` is checked by validate_params, so that messages name the option."""
    return module_spec(LIST_MAPPING_OPTIONS)


def strip_metadata(value):
    """A carrier (with nested carriers) as it is sent back: without the read-only TableRight/FieldProperties."""
    if isinstance(value, dict):
        return dict((k, strip_metadata(v)) for k, v in value.items() if k not in CARRIER_METADATA)
    if isinstance(value, list):
        return [strip_metadata(v) for v in value]
    return value


def crm_list_name(entry):
    """The 0.2 way to the MDO list of an ERP list's CRM list (``CrmList.ExtraInfo``, else its name in lower case), which no
    document describes: used only where the field's ListReference cannot be used."""
    crm_list = entry.get('CrmList') or {}
    return crm_list.get('ExtraInfo') or (crm_list.get('Name') or '').lower()


def list_source(reference):
    """The MDO list (name, additional) of a CRM list reference, ``table=<table name>[&<extra id>=<value>]`` (ErpField.ListReference,
    table doc erpfield.md), or None when the reference is empty or not of that form. A standard list is its table name in
    lower case (the generic MDO provider; perspos.md); a user-defined list is ``udlist`` with its list id as additional
    (UDList.md), whatever the extra pair is called; other extra pairs of a standard table are passed on as additional."""
    pairs = [part.partition('=') for part in (reference or '').split('&') if part.strip()]
    if not pairs or any(not sep or not name.strip() or not value.strip() for name, sep, value in pairs):
        return None
    tables = [value.strip() for name, sep, value in pairs if name.strip().lower() == 'table']
    extra = ['%s=%s' % (name.strip(), value.strip()) for name, sep, value in pairs if name.strip().lower() != 'table']
    if len(tables) != 1:
        return None
    if tables[0].lower() != 'udlist':
        return tables[0].lower(), '&'.join(extra) or None
    list_id = extra[0].partition('=')[2] if len(extra) == 1 else ''
    return ('udlist', list_id) if ascii_int(list_id) is not None else None


def list_facts(entry, field_keys=None):
    """One ERP list's mapping in the shape of the ``lists`` option: ERP item id -> CRM item id (None: no selection)."""
    items = dict((m['ErpListItemId'], (m.get('CrmListItem') or {}).get('Id') or None) for m in entry['ErpCrmListItemMappings'])
    facts = dict(erp_list=entry.get('ErpListName') or '', actor_type=entry.get('ErpActorTypeName') or '',
                 crm_list=(entry.get('CrmList') or {}).get('Name') or '', items=items)
    if field_keys and entry['ErpFieldId'] in field_keys:
        facts['erp_field'] = field_keys[entry['ErpFieldId']]
    return facts


def list_option(facts):
    """A list mapping as the ``lists`` option takes it: by ERP field when it is known (one ERP list may serve two fields),
    else by ERP list."""
    key = dict(erp_field=facts['erp_field']) if facts.get('erp_field') else dict(erp_list=facts['erp_list'])
    return dict(key, items=dict(facts['items']))


class ListMappingItem(Item):
    """The desired list mappings of one connection."""

    def __init__(self, params, where='', parent=None):
        super().__init__(params, None, where, parent)
        self.container = None       # the list mappings as read
        self.planned = None         # the container as it should be
        self.changes = []           # (the list as given, {ERP item: (CRM item before, as given)}) per list, for diffs
        self.predicted = []         # the given lists whose mapping does not exist yet (check mode: it would after the run)
        self.pending = True         # not read yet (its connection is created or mapped in this run)


def list_mapping_item(params, label='list_mappings', parent=None, errors=None):
    """A desired set of list mappings of one connection, its options checked (no request needed)."""
    item = ListMappingItem(params, '%s: ' % label if parent is not None else '', parent)
    item.errors = ['%s%s' % (item.where, e) for e in errors or []]
    for index, wanted in enumerate(params.get('lists') or []):
        items = wanted.get('items') if isinstance(wanted, dict) else None
        if not isinstance(items, dict):
            if not errors:  # the option check names it when it could not read a mapping
                item.errors.append('%slists[%d].items must be a mapping of ERP list item ids to CRM list items, got %s'
                                   % (item.where, index, type(items).__name__))
            continue
        for erp_id, crm in items.items():
            if crm is not None and not isinstance(crm, (str, int)) or isinstance(crm, bool):
                item.errors.append('%slists[%d].items[%s]: give a CRM list item id, a CRM list item name, or null for no selection'
                                   % (item.where, index, erp_id))
    return item


def validate_params(raw, label='list_mappings', parent=None, exclusive=False):
    """The ``lists`` of the module, or of a tenant connection item, checked with the module's own spec."""
    result = ArgumentSpecValidator(dict(lists=LIST_MAPPING_OPTIONS['lists'])).validate({'lists': raw})
    params = dict(lists=result.validated_parameters.get('lists') or [], exclusive=exclusive)
    return list_mapping_item(params, label, parent, validation_errors(result))


class ListMappings(Kind):
    """List mappings of connections. ``connection_of(item)`` gives the connection record or None while it does not exist."""

    name = 'list_mappings'

    def __init__(self, run, items, connection_of):
        super().__init__(run, items)
        self.connection_of = connection_of
        self._crm_lists = {}
        self._mappings = {}

    def read(self):
        # A connection whose field mappings change in this run gets its list fields from them: read it after.
        ready = [item for item in self.items if self._conn_id(item) and not self._mappings_change(item)]
        read_and_check(self.run, self.items, ready, self._read_item, self._plan)

    @staticmethod
    def _mappings_change(item):
        return item.parent is not None and item.parent.has_mappings

    def _conn_id(self, item):
        record = self.connection_of(item)
        return record.get('ErpConnectionId') if record else None

    def _read_item(self, item):
        item.container = item.current = item.final = self.api.get_list_mappings(self._conn_id(item))
        item.pending = False

    def _field_keys(self, item, entries):
        """ErpFieldId -> ErpFieldKey of the entries' fields: the list carries ids, the user gives keys (one read per actor type)."""
        keys = {}
        for actor in sorted(set(e.get('ErpActorTypeName') for e in entries if e.get('ErpActorTypeName'))):
            keys.update((row['ErpFieldId'], row['ErpFieldKey']) for row in self._rows(item, actor))
        return keys

    def _rows(self, item, actor):
        """The field mappings of one actor type of the item's connection: as this run's actor mapping of it read or saved them
        (not as check mode predicts them), else read (once per connection, actor type and run)."""
        for sibling in (item.parent.children if item.parent is not None else []):
            if isinstance(sibling, MappingItem) and sibling.params['actor_type'] == actor and sibling.mapping \
                    and not (self.run.check_mode and sibling.changed):
                return (sibling.final or sibling.mapping)['FieldMappings']
        key = (self._conn_id(item), actor)
        if key not in self._mappings:
            self._mappings[key] = self.api.get_actor_type_mapping(key[0], actor)['FieldMappings']
        return self._mappings[key]

    def _crm_items(self, item, entry):
        """The CRM list's items (id -> name), read once per list and run, from the MDO list its field's ListReference names (the
        0.2 way where it names none)."""
        rows = self._rows(item, entry['ErpActorTypeName']) if entry.get('ErpActorTypeName') else []
        reference = ''.join(row.get('ListReference') or '' for row in rows if row['ErpFieldId'] == entry['ErpFieldId'])
        source = list_source(reference) or (crm_list_name(entry), None)
        if source not in self._crm_lists:
            try:
                self._crm_lists[source] = dict((i['Id'], i.get('Name') or '') for i in self.api.mdo_list(*source))
            except WebAPIError as e:
                raise WebAPIError('%s; it is the CRM list of ERP list %r (ListReference %r), read as the MDO list %s%s' % (
                    e.message, entry.get('ErpListName'), reference, source[0], ' with additional %s' % source[1] if source[1] else ''),
                    e.status, e.method)
        return self._crm_lists[source]

    def _plan(self, item):
        """The container as it should be, and its changes, or problems in ``item.errors``."""
        entries = (item.container or {}).get('ErpListItemMappings') or []
        wanted_lists = item.params['lists']
        keys = self._field_keys(item, entries) if entries and any(w.get('erp_field') for w in wanted_lists) else {}
        item.planned = copy.deepcopy(item.container)
        by_id = dict((e['ErpFieldId'], e) for e in (item.planned or {}).get('ErpListItemMappings') or [])
        for wanted in wanted_lists:
            entry = self._entry(item, entries, wanted, keys)
            if entry is not None:
                self._apply(item, by_id[entry['ErpFieldId']], wanted)
            elif self._predicts(item):
                # Check mode: the list's mapping appears when its field is mapped in this run (or its connection is made),
                # so its ERP items cannot be read yet: the given items are predicted as set.
                item.predicted.append(wanted)
                item.changes.append((list_key(wanted), dict(('%s' % k, (None, v)) for k, v in wanted['items'].items() if v is not None)))

    def _predicts(self, item):
        """Check mode, for a connection that would be created or whose field mappings would change in this run."""
        if not self.run.check_mode or item.parent is None:
            return False
        return item.container is None or any(child.changed for child in item.parent.children if child is not item)

    def _entry(self, item, entries, wanted, keys):
        if wanted.get('erp_field'):
            found = [e for e in entries if keys.get(e['ErpFieldId']) == wanted['erp_field']]
            what = 'ERP field %r' % wanted['erp_field']
        else:
            found = [e for e in entries if e.get('ErpListName') == wanted['erp_list']]
            what = 'ERP list %r' % wanted['erp_list']
        if len(found) == 1:
            return found[0]
        known = ', '.join('%s (%s)' % (e.get('ErpListName'), e.get('ErpActorTypeName')) for e in entries) or 'none'
        if found:
            item.errors.append('%s%s is used by %d mapped fields (%s); give erp_field instead' % (
                item.where, what, len(found), ', '.join(e.get('ErpActorTypeName') or '' for e in found)))
        elif not self._predicts(item):
            item.errors.append('%s%s is not a mapped list of connection id %s; its mapped lists are: %s. A list field must be '
                               'mapped to a SuperOffice list field (erpsync_actor_mapping) before its items can be mapped'
                               % (item.where, what, self._conn_id(item), known))
        return None

    def _apply(self, item, entry, wanted):
        """Set the wanted CRM item of each ERP item of one list (and clear the others with ``exclusive``)."""
        current = dict((m['ErpListItemId'], m) for m in entry['ErpCrmListItemMappings'])
        given = dict(('%s' % k, v) for k, v in wanted['items'].items())
        unknown = sorted(set(given) - set(current))
        where = '%s%s: ' % (item.where, entry.get('ErpListName'))
        if unknown:
            item.errors.append('%sERP list item%s %s %s not in the list; its items are: %s' % (
                where, 's' if len(unknown) > 1 else '', ', '.join(unknown), 'are' if len(unknown) > 1 else 'is',
                ', '.join('%s (%s)' % (m['ErpListItemId'], m.get('ErpListItemName')) for m in entry['ErpCrmListItemMappings'])))
            return
        if item.params['exclusive']:
            given = dict((erp_id, given.get(erp_id)) for erp_id in current)
        changes = {}
        for erp_id, crm in given.items():
            crm_id = self._crm_id(item, where, entry, crm, current[erp_id])
            if crm_id is None:
                continue
            mapping = current[erp_id]
            if ((mapping.get('CrmListItem') or {}).get('Id') or 0) != crm_id:
                changes[erp_id] = (shown(mapping.get('CrmListItem'), crm), crm)
                mapping['CrmListItem'] = self._crm_item(item, entry, crm_id)
        item.changes.append((list_key(wanted), changes))
        chosen = [(m.get('CrmListItem') or {}).get('Id') for m in entry['ErpCrmListItemMappings']]
        twice = sorted(set('%s' % c for c in chosen if c and chosen.count(c) > 1))
        if twice:
            item.errors.append('%sCRM list item %s would be chosen for more than one ERP item; each ERP item maps to its own CRM '
                               'item' % (where, ', '.join(twice)))

    def _crm_id(self, item, where, entry, crm, mapping):
        """The CRM item id a given value names (0 for null), or None after recording the problem."""
        if crm is None:
            return 0
        number = crm if isinstance(crm, int) else ascii_int(crm)
        if number is not None and number == ((mapping.get('CrmListItem') or {}).get('Id') or 0):
            return number  # unchanged: nothing to look up
        items = self._crm_items(item, entry)
        if number is not None and number in items:
            return number
        named = [i for i, name in items.items() if name == crm] or [i for i, name in items.items() if ('%s' % crm).lower() == name.lower()]
        if len(named) == 1:
            return named[0]
        item.errors.append('%sCRM list item %r is %s the CRM list %s; its items are: %s' % (
            where, crm, 'ambiguous in' if named else 'not in', (entry.get('CrmList') or {}).get('Name'),
            ', '.join('%s (%s)' % (i, name) for i, name in sorted(items.items()))))
        return None

    def _crm_item(self, item, entry, crm_id):
        if not crm_id:
            return {'Id': 0, 'Name': '(No Selection)'}
        return {'Id': crm_id, 'Name': self._crm_items(item, entry).get(crm_id, '')}

    def catch_up(self, stage):
        if stage != LIST_MAPPINGS:
            return
        pending = [item for item in self.items if item.pending and not item.blocked]
        self.run.each(self._read_pending, pending)
        for item in pending:
            self._plan_pending(item)

    def steps(self, stage):
        if stage != LIST_MAPPINGS:
            return []
        return [step for step in (self._save_step(item) for item in self.items
                                  if not item.blocked and (item.planned is not None or item.predicted)) if step is not None]

    def _read_pending(self, item):
        """The list mappings of a connection made or mapped in this run, read now (in check mode, a connection that would be
        created has none)."""
        try:
            if self._conn_id(item):
                self._read_item(item)
            item.pending = False
        except WebAPIError as e:
            item.fail(e.message, e.result_fields())

    def _plan_pending(self, item):
        if item.blocked or (item.container is None and not self.run.check_mode):
            return
        try:
            self._plan(item)
        except WebAPIError as e:
            item.fail(e.message, e.result_fields())
            return
        fail_with_errors(item)

    def _save_step(self, item):
        if item.planned == item.container and not any(changes for key, changes in item.changes):
            return None
        payload = strip_metadata(item.planned)

        def send():
            saved = self.api.save_list_mappings(payload, self._conn_id(item))
            if [list_facts(e)['items'] for e in saved['ErpListItemMappings']] != [list_facts(e)['items'] for e in payload['ErpListItemMappings']]:
                raise ItemFailure('SaveConnectionListMappings answered list mappings that differ from the ones sent: the server did '
                                  'not store them as asked', applied=True)
            return saved

        return Step(item, OP_UPDATED, send, done=lambda answer: setattr(item, 'final', answer or item.planned),
                    predicted=item.planned, verified=True)

    def facts(self, item):
        container = item.final or item.container
        facts = [list_facts(entry) for entry in (container or {}).get('ErpListItemMappings') or []]
        return facts + [dict(erp_list=w.get('erp_list') or '', erp_field=w.get('erp_field'), items=w['items']) for w in item.predicted]

    def diff(self, item):
        """The ERP items whose CRM item changes, per list as the options name it, with the CRM items as the options give them
        (a name, an id, or null); the same in check mode and in the real run."""
        changes = [(key, items) for key, items in item.changes if items] if item.changed else []
        return dict(before=dict((key, dict((k, v[0]) for k, v in items.items())) for key, items in changes),
                    after=dict((key, dict((k, v[1]) for k, v in items.items())) for key, items in changes))


def list_key(wanted):
    """A list as the options name it."""
    return wanted.get('erp_field') or wanted.get('erp_list')


def shown(crm_item, given):
    """The CRM item a mapping has, as the user identifies items: by name when the given value is a name, else by id (None:
    no selection)."""
    if not crm_item or not crm_item.get('Id'):
        return None
    if isinstance(given, str) and ascii_int(given) is None:
        return crm_item.get('Name')
    return crm_item['Id']
