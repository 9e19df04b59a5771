# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The sync priority (the order in which connections replicate) as a resource kind: read from the MDO list erpconnections in
rank order, compared on the connections' order, saved whole with SaveErpConnectionSyncPriorities; used by
erpsync_sync_priority, the tenant and the export.

SuperOffice itself is the entry 0 (what ConnectionRank stores for it). The MDO list lists connections only, so SuperOffice's
place is written together with a change of the connections' order and is not compared (unless a server lists it).

Private to this collection (the leading underscore): its interface may change without notice.
"""

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._items import raise_problems
from ansible_collections.superoffice.crm.plugins.module_utils._plan import SYNC_PRIORITY, Code, Item, ItemFailure, Kind, PlanError, Step
from ansible_collections.superoffice.crm.plugins.module_utils._values import ascii_int

# Names (text) or ids (whole numbers): the entries are checked here, so that a mapping or a list is refused, not turned into text.
PRIORITY_OPTIONS = dict(connections=dict(type='list', elements='raw', required=True))
# The MDO list and its additional attribute that orders it by ConnectionRank (MDO provider doc erpconnections.md); a second
# attribute would be joined with '&'.
PRIORITY_LIST = 'erpconnections'
BY_RANK = 'useRank=true'
OP_SET = 'sync priority set'


class Target:
    """A connection the order can name: as read before any write (``record``), or made by the tenant's ``item`` in this run."""

    def __init__(self, name, record=None, item=None):
        self.name = name
        self.record = record
        self.item = item

    @property
    def conn_id(self):
        record = self.record or (self.item.final if self.item is not None else None) or {}
        return record.get('ErpConnectionId')

    @property
    def guid(self):
        record = (self.item.final if self.item is not None else None) or self.record or {}
        return record.get('ConnectionId') or ''

    @property
    def alive(self):
        """Live now: not deleted by this run (yet), and made already (or, in check mode, predicted)."""
        return self.item is None or self.item.final is not None

    def unmade(self, check_mode):
        """To be made by this run, and not made (or, in check mode, not predicted)."""
        if self.record is not None or self.item is None:
            return False
        return not self.alive or (self.conn_id is None and not check_mode)

    @property
    def nameable(self):
        """Live after the run: the order may name it."""
        return self.item is None or self.item.params['state'] == 'present'


SUPEROFFICE = Target('SuperOffice', {'ErpConnectionId': 0})


def live_targets(records):
    return [Target(record.get('DisplayName') or '', record) for record in records]


def planned_targets(connections):
    """The connections as the tenant's run leaves them (``connections``: its Connections kind, read): the live ones (by the
    name an item gives them), and the ones its items make."""
    touched = dict((item.current['ErpConnectionId'], item) for item in connections.items if item.current is not None)
    targets = [Target(touched[r['ErpConnectionId']].params['name'] or r.get('DisplayName') or '', r, touched[r['ErpConnectionId']])
               if r['ErpConnectionId'] in touched else Target(r.get('DisplayName') or '', r) for r in connections.live]
    return targets + [Target(item.params['name'], None, item) for item in connections.items
                      if item.current is None and item.params['state'] == 'present' and not item.errors]


class PriorityItem(Item):
    """The desired order: ``params['connections']`` as given; ``targets`` once resolved (SUPEROFFICE for 0); ``known`` every
    connection the order can hold. ``current`` and ``final`` are lists of Targets, highest priority first."""

    def __init__(self, entries, option, where=''):
        super().__init__(dict(connections=list(entries or [])), where=where)
        self.option = option        # how messages name the list: connections (the module), sync_priority (the tenant)
        self.targets = []
        self.known = []
        self.sent = []              # what SaveErpConnectionSyncPriorities got (check mode: would get)


def priority_errors(entries, label):
    """Problems of the entries that need no request: none at all, a blank one, one given twice (0 too)."""
    errors = [] if entries else ['%s must name at least one connection' % label]
    seen = {}
    for index, entry in enumerate(entries or []):
        text = ('%s' % entry).strip()
        # An id (0 too) whatever blanks surround it; a name as written (a tenant's name may end with a blank).
        number = ascii_int(text)
        key = number if number is not None else '%s' % entry
        if isinstance(entry, bool) or not isinstance(entry, (str, int)):
            errors.append('%s[%d] must be a connection name or id (or 0 for SuperOffice itself), got %s' % (
                label, index, 'a %s' % type(entry).__name__ if entry is not None else 'null'))
        elif not text:
            errors.append('%s[%d] must not be empty; give a connection name or id, or 0 for SuperOffice itself' % (label, index))
        elif key in seen:
            errors.append('%s[%d] and %s[%d] both give %r; each connection, and SuperOffice (0), may be placed once'
                          % (label, seen[key], label, index, text))
        seen.setdefault(key, index)
    return errors


def priority_item(entries, label='connections'):
    """The desired order, its entries checked without a request; raise PlanError listing every problem."""
    raise_problems(priority_errors(entries, label))
    return PriorityItem(entries, label)


def resolve(item, targets):
    """Each entry as a Target (0: SuperOffice; digits: an id first, as ``connection`` options take it); the problems found."""
    errors, resolved = [], []
    for index, entry in enumerate(item.params['connections']):
        target, error = resolve_entry('%s[%d]' % (item.option, index), '%s' % entry, targets)
        resolved += [target] if target is not None else []
        errors += [error] if error else []
    twice = [t for t in resolved if t is not SUPEROFFICE and resolved.count(t) > 1]
    if twice:
        errors.append('%s names connection %r (id %s) more than once (by name and by id); place each connection once'
                      % (item.option, twice[0].name, twice[0].conn_id))
    return resolved, errors


def resolve_entry(where, text, targets):
    """(the Target an entry names, None) or (None, the problem). Digits name an id whatever blanks surround them; a name
    matches as written, as connection items match names (the export writes a name with blanks at its ends as it is)."""
    number = ascii_int(text)
    if number == 0:
        return SUPEROFFICE, None
    found = [t for t in targets if number is not None and t.conn_id == number] or [t for t in targets if t.name == text]
    where = '%s (%r)' % (where, text)
    if len(found) == 1 and found[0].nameable:
        return found[0], None
    if found and all(not t.nameable for t in found):
        return None, '%s is deleted by this run (state=absent), so it has no place in the order' % where
    if found:
        return None, '%s matches %d live connections (%s); give its id' % (where, len(found), ', '.join('id %s' % t.conn_id for t in found))
    return None, '%s is not a live connection; live connections: %s' % (where, ', '.join(
        "'%s' (id %s)" % (t.name, t.conn_id) for t in targets if t.nameable) or 'none')


def plan(resolved, current):
    """(the connections' wanted order, what is sent): the entries given, then the connections not given in their current
    order; SuperOffice where it was given, else first."""
    listed = without_superoffice(resolved)
    wanted = listed + [t for t in without_superoffice(current) if t not in listed]
    at = resolved.index(SUPEROFFICE) if SUPEROFFICE in resolved else 0
    return wanted, wanted[:at] + [SUPEROFFICE] + wanted[at:]


def position(order):
    return order.index(SUPEROFFICE) + 1 if SUPEROFFICE in order else None


def without_superoffice(order):
    return [t for t in order if t is not SUPEROFFICE]


def names(order):
    return [t.name for t in without_superoffice(order)]


def read_order(api, known):
    """The live connections (of ``known``) in the server's sync priority order (SuperOffice too where the server lists it),
    checked against the connection list: a confused answer is an error, never a reason to write."""
    by_id = dict((t.conn_id, t) for t in known if t.alive and t.conn_id is not None)
    answer = api.mdo_list(PRIORITY_LIST, BY_RANK)
    problems = order_problems(answer, by_id)
    if problems:
        raise WebAPIError('the MDO list %s (%s) does not match the connections: %s' % (PRIORITY_LIST, BY_RANK, '; '.join(problems)),
                          method='MDOList')
    return [by_id[entry['Id']] if entry['Id'] else SUPEROFFICE for entry in answer]


def order_problems(answer, by_id):
    """Why the MDO list's items are not the live connections (``by_id``), each once, with their GUIDs in ExtraInfo."""
    ids = [entry['Id'] for entry in answer]
    problems = ['it lists id %s, which is not a live connection' % i for i in ids if i and i not in by_id]
    problems += ['it lists id %s twice' % i for i in sorted(set(i for i in ids if ids.count(i) > 1))]
    problems += ["it does not list connection '%s' (id %s)" % (t.name, i) for i, t in sorted(by_id.items()) if i not in ids]
    for entry in answer:
        target = by_id.get(entry['Id'])
        if entry.get('ExtraInfo') and target is not None and target.guid and entry['ExtraInfo'].lower() != target.guid.lower():
            problems.append('the GUID of connection id %s is %s in it, %s in the connection list' % (entry['Id'], entry['ExtraInfo'], target.guid))
    return problems


def export_priority(api, records, exclusive):
    """The sync priority as the role's erpsync_sync_priority: the live connections in rank order, by name (by id where a name
    is ambiguous or looks like an id), without SuperOffice (it cannot be read, so a fed-back export writes nothing). None when
    it is the order of a tenant nobody ranked (id order) and not ``exclusive``, or when there is nothing to order."""
    if len(records) < 2:
        return None
    order = read_order(api, live_targets(records))
    ids = [t.conn_id for t in without_superoffice(order)]
    if not exclusive and ids == sorted(ids):
        return None
    all_names = [t.name for t in order]
    return [t.name if t.name.strip() and all_names.count(t.name) == 1 and ascii_int(t.name) is None else t.conn_id
            for t in without_superoffice(order)]


class SyncPriority(Kind):
    """The sync priority of one tenant. ``targets()`` gives the connections as the run leaves them (the tenant's); without
    it, the live connections are read here."""

    name = 'sync_priority'
    changes_others = False  # the order is the tenant's ErpConfiguration, not a connection's record or flag

    def __init__(self, run, item, targets=None):
        super().__init__(run, [item])
        self.item = item
        self.targets_of = targets

    def read(self):
        item = self.item
        try:
            item.known = self.targets_of() if self.targets_of else live_targets(self.api.get_all_connections(False))
            item.targets, errors = resolve(item, item.known)
            raise_problems(errors)
            item.current = item.final = self.read_order()
        except WebAPIError as e:
            raise PlanError(e.message + '. Nothing was changed', e.result_fields())

    def read_order(self):
        return read_order(self.api, self.item.known)

    def catch_up(self, stage):
        """The tenant made or deleted connections in this run: the order read before is read again (check mode: predicted,
        the new ones last); a connection it names that could not be made holds it."""
        item = self.item
        if stage != SYNC_PRIORITY or self.targets_of is None or item.blocked:
            return
        missing = [t for t in item.targets if t.unmade(self.run.check_mode)]
        if missing:
            item.fail('the sync priority was not set, because %s' % '; '.join(
                '%s failed: %s' % (t.item.label, t.item.msg or 'it was not made') for t in missing), code=Code.HELD)
            return
        if not any(t.item is not None and t.alive != (t.record is not None) for t in item.known):
            return
        if self.run.check_mode:
            item.current = [t for t in item.current if t.alive] + [t for t in item.known if t.record is None and t.alive]
        else:
            try:
                item.current = self.read_order()
            except WebAPIError as e:
                item.fail(e.message + '; the sync priority was not set', e.result_fields())
        item.final = item.current

    def steps(self, stage):
        item = self.item
        if stage != SYNC_PRIORITY or item.blocked:
            return []
        wanted, sent = plan(item.targets, item.current)
        if (sent if SUPEROFFICE in item.current else wanted) == item.current:
            return []

        def send():
            if not self.api.save_sync_priorities([t.conn_id for t in sent]):
                raise ItemFailure('SaveErpConnectionSyncPriorities answered false: the server did not store the order %s'
                                  % ', '.join('%s' % t.conn_id for t in sent))
            return True

        def done(answer):
            item.final, item.sent = sent, sent

        return [Step(item, OP_SET, send, done, predicted=True)]

    def verify(self):
        """The order is read again after the save (which answers only true): it must show the connections as sent."""
        item = self.item
        try:
            shown = self.read_order()
        except WebAPIError as e:
            item.fail('%s; the sync priority was written, but could not be read back' % e.message, e.result_fields())
            return
        if without_superoffice(shown) != without_superoffice(item.final) or (SUPEROFFICE in shown and shown != item.final):
            item.fail('the sync priority was written (%s), but the server reads it back as %s' % (
                ', '.join(names(item.final)), ', '.join(names(shown))))
            item.final = shown

    def facts(self, item):
        order = item.final if item.final is not None else []
        return dict(connections=names(order), ids=[t.conn_id for t in without_superoffice(order)],
                    superoffice_position=position(order), sent=[t.conn_id for t in item.sent])

    def diff(self, item):
        def view(order):
            return dict(connections=names(order or []), superoffice_position=position(order or []))
        return dict(before=view(item.current), after=view(item.final))
