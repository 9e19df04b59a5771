# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ERP tab's field order of an actor mapping (erp_tab_order): read from GetConnectionsAndDisplayFields (the only agent
answer that carries the ERP fields' Rank), brought to the wanted order with the fewest MoveErpFieldItem calls, read again.

MoveErpFieldItem moves one field one place among all fields of the actor type (a negative Direction moves it up, towards the
lowest rank, which the ERP tab shows first). Ranks are taken as positions, so the fields the tab does not show sit at the
ranks between the shown ones; the read after the moves checks it, and the order is planned again from it when the server
numbers ranks otherwise.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import threading

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._plan import ItemFailure, Step
from ansible_collections.superoffice.crm.plugins.module_utils._shapes import CRM_ACTOR_TYPES, ERP_ACTOR_TYPES, enum_name

UP = -1
ROUNDS = 3                  # plans of moves, each checked by a read, before the run gives up
OP_ORDERED = 'ERP-tab order updated'


def order_errors(order, where):
    """Problems of erp_tab_order that need no request: blank keys, a key twice."""
    errors = []
    for index, key in enumerate(order or []):
        if not key.strip():
            errors.append('%serp_tab_order[%d] must not be empty; give ERP field keys' % (where, index))
        elif order.index(key) != index:
            errors.append('%serp_tab_order lists %r twice; give each field once' % (where, key))
    return errors


def order_problems(item, rows, planned, active):
    """After the mapping is read: each key an ERP field of the actor type, shown on the ERP tab after this run, of an actor type
    that synchronizes (the server lists the fields of active ones only)."""
    order = item.params.get('erp_tab_order')
    if not order:
        return []
    shown = set(row['ErpFieldKey'] for row in planned if row.get('ShowInGui'))
    problems = ['%serp_tab_order names %s, which is not an ERP field of actor type %s' % (item.where, key, item.params['actor_type'])
                for key in order if key not in rows]
    problems += ['%serp_tab_order names %s, which is not shown on the ERP tab; set show_in_erp_tab: true for it' % (item.where, key)
                 for key in order if key in rows and key not in shown]
    if not active:
        problems.append('%serp_tab_order needs the actor type to synchronize (active: true): GetConnectionsAndDisplayFields, '
                        'the only read of the ERP tab, lists the fields of active actor types only' % item.where)
    return problems


def crm_actor(mapping):
    return enum_name((mapping or {}).get('ActorTypeCrm'), CRM_ACTOR_TYPES) or None


def shown_fields(answer, conn_id, actor, label):
    """The ERP tab of one connection and actor type from a GetConnectionsAndDisplayFields answer: [(key, rank)] lowest rank
    first. ItemFailure where the server offers none."""
    entries = [entry for entry in answer if entry['ErpConnectionId'] == conn_id]
    if not entries:
        raise ItemFailure('the ERP-tab order of actor type %s of connection %s cannot be read: GetConnectionsAndDisplayFields lists '
                          'no fields of it (the server lists connections whose actor type mapping is active; set active: true, or '
                          'leave erp_tab_order out)' % (actor, label))
    shown_as = enum_name(entries[0].get('ErpActorType'), ERP_ACTOR_TYPES)
    if shown_as != actor:
        actors = ', '.join('%s' % enum_name(a, ERP_ACTOR_TYPES) for a in entries[0].get('ErpActorTypes') or [shown_as])
        raise ItemFailure('the ERP-tab order of actor type %s of connection %s cannot be read: GetConnectionsAndDisplayFields shows '
                          'the connection on this SuperOffice entity as actor type %s (of %s), and the server offers no other way to '
                          'read the order of %s; leave erp_tab_order out for it' % (actor, label, shown_as, actors, actor))
    fields = [(field['FieldKey'], field['Rank']) for field in entries[0].get('ErpFields') or []]
    return sorted(fields, key=lambda field: field[1])


def unshown(given, shown):
    """The problem of keys the ERP tab does not show after the save (the server leaves out fields missing in the ERP system)."""
    missing = [key for key in given if key not in dict(shown)]
    if not missing:
        return None
    return 'erp_tab_order names %s, which the ERP tab does not show (GetConnectionsAndDisplayFields lists: %s)' % (
        ', '.join(missing), ', '.join(key for key, rank in shown) or 'no field')


def wanted_order(given, shown):
    """The keys given first, then the other shown fields in their current order."""
    return list(given) + [key for key, rank in shown if key not in given]


def plan_moves(shown, wanted):
    """The moves up that bring the shown fields into ``wanted`` order, fewest first: each key in turn goes up until it is above
    every key after it (one place per move, past hidden fields too). ``shown``: [(key, rank)]. Returns [key, ...], one per move."""
    position = dict(shown)
    moves = []
    for index, key in enumerate(wanted):
        below = [position[other] for other in wanted[index + 1:]]
        if not below or position[key] < min(below):
            continue
        top = min(below)
        moves += [key] * (position[key] - top)
        for other in position:
            if top <= position[other] < position[key]:
                position[other] += 1
        position[key] = top
    return moves


class FieldOrder:
    """The ERP-tab order of actor mappings: one read per SuperOffice entity type, then per mapping one step of moves."""

    def __init__(self, run):
        self.run = run
        self.api = run.api
        self._answers = {}
        self._lock = threading.Lock()   # the export reads connections at once: each entity type is read once all the same

    def read(self, crm):
        """GetConnectionsAndDisplayFields of one SuperOffice entity type, once for every mapping that needs it before the moves."""
        with self._lock:
            if crm not in self._answers:
                self._answers[crm] = display_fields(self.api, crm)
            return self._answers[crm]

    def exported(self, conn_id, mapping, exclusive):
        """erp_tab_order of an actor mapping for the export: its shown fields in rank order, when there are two or more and the
        server shows them (an active mapping, shown as its actor type, by a server that has the method); with ``exclusive``
        always, else only when the order differs from the order of the mapping's fields."""
        rows = [row['ErpFieldKey'] for row in mapping['FieldMappings'] if row.get('ShowInGui')]
        if not mapping['IsActive'] or len(rows) < 2 or crm_actor(mapping) is None:
            return None
        actor = enum_name(mapping['ActorTypeErp'], ERP_ACTOR_TYPES)
        try:
            keys = [key for key, rank in shown_fields(self.read(crm_actor(mapping)), conn_id, actor, 'id %s' % conn_id)]
        except ItemFailure:
            return None
        except WebAPIError as e:
            if e.status == 404:
                return None
            raise
        if len(keys) < 2 or (not exclusive and keys == [key for key in rows if key in keys]):
            return None
        return keys

    def step(self, item, conn_id, label, given, shown, field_ids, unknown=False):
        """The moves of one mapping as one step (None when the order is as wanted; ``unknown``: check mode could not read it):
        sent one by one, then read again; planned again from that read when the server numbers ranks otherwise."""
        wanted = wanted_order(given, shown)
        if [key for key, rank in shown] == wanted and not unknown:
            return None
        actor = item.params['actor_type']
        crm = crm_actor(item.final or item.mapping)

        def read_again():
            return shown_fields(display_fields(self.api, crm), conn_id, actor, label)

        def send():
            order, sent = shown, []
            for dummy in range(ROUNDS):
                moves = plan_moves(order, wanted)
                if not moves:
                    return [key for key, rank in order]
                try:
                    for key in moves:
                        self.api.move_erp_field_item(field_ids[key], UP, conn_id, actor)
                        sent.append(key)
                except WebAPIError as e:
                    raise ItemFailure('%s, after %d of %d moves (%s). The ERP tab now shows: %s' % (
                        e.message, len(sent), len(moves), ', '.join(sent) or 'none', now_shown(read_again)), e.result_fields(), applied=bool(sent))
                order = read_again()
            raise ItemFailure('after %d moves (MoveErpFieldItem, one place up each: %s) the ERP tab shows %s, not %s: the server does '
                              'not move fields as planned' % (len(sent), ', '.join(sent), ', '.join(k for k, r in order), ', '.join(wanted)),
                              applied=bool(sent))

        def done(answer):
            item.order = answer

        return Step(item, OP_ORDERED, send, done, predicted=wanted, verified=True)


def display_fields(api, crm):
    """GetConnectionsAndDisplayFields of one SuperOffice entity type (EntityId 0: the ERP tab's fields do not depend on the
    record); an older server without it fails naming what needs it."""
    try:
        return api.connections_and_display_fields(crm)
    except WebAPIError as e:
        if e.status != 404:
            raise
        raise WebAPIError("%s; erp_tab_order needs GetConnectionsAndDisplayFields, the only read of the ERP tab's order" % e.message,
                          e.status, e.method)


def now_shown(read_again):
    try:
        return ', '.join(key for key, rank in read_again())
    except (WebAPIError, ItemFailure) as e:
        return 'unknown, it could not be read again (%s)' % e.message
