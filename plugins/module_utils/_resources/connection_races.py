# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connections and other runs: the API has no lock, so a run reads the connection list again before a wave of toggles or
creates (a flag someone else flipped is not flipped twice, a connection someone else made is not made twice), finds a
twin another run created at the same moment (its delete is a plan step of the kind), finds its own create and reads a
toggle's flag back after an unclear answer, and checks the list after the last write.

Private to this collection (the leading underscore): its interface may change without notice.
"""

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._plan import Code, ItemFailure
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_items import OP_CREATED, TOGGLES, describe, item_label


class Races:
    """The fresh reads of one Connections kind (``kind``: its items, unlisted items, api and the ids it knows)."""

    def __init__(self, kind):
        self.kind = kind

    def refresh(self):
        """A fresh list right before a wave of fresh steps: each item's ``live`` record, and ``twin`` for the connections this
        run created."""
        records = self.kind.api.get_all_connections(False)
        self.index(records)
        for item in self.kind.items:
            if item.current is None and item.live is not None and not item.blocked and not item.operations:
                item.fail('connection %s appeared (%s) while this run was working: another run may be converging this tenant at '
                          'the same time. It was not created again; run again to converge it' % (item_label(item), describe(item.live)),
                          code=Code.RACE)
            item.twin = self._twin(item, records)

    def _twin(self, item, records):
        """Runs from two controllers (no lock spans them) that create one connection at the same moment both find it absent
        and both create it. The run whose new connection got the higher id deletes it again (it is new and inactive), so one
        remains: ids grow in the order the saves land, so that run's list always shows the other's connection."""
        mine = (item.final or {}).get('ErpConnectionId')
        if OP_CREATED not in item.operations or mine is None or item.blocked:
            return None
        name, connector = item.final.get('DisplayName'), item.final.get('ErpConnectorId')
        twins = sorted(r['ErpConnectionId'] for r in records if r.get('DisplayName') == name and r.get('ErpConnectorId') == connector
                       and r['ErpConnectionId'] != mine and r['ErpConnectionId'] not in self.kind.known_ids)
        return twins[0] if twins and twins[0] < mine else None

    def delete_twin(self, item):
        """The write of the step that deletes this run's copy of a twin (see _twin)."""
        mine = item.final['ErpConnectionId']
        try:
            self.kind.api.delete_connection(mine)
        except WebAPIError as e:
            message = ('another run created connection %r at the same moment (id %s) as this run (id %s), and deleting this '
                       'run\'s one again failed: %s. Delete one of the two' % (item.final.get('DisplayName'), item.twin, mine, e.message))
            raise ItemFailure(message, e.result_fields(), code=Code.RACE)

    @staticmethod
    def twin_deleted(item):
        """The effect of the twin delete step on the item: it fails, saying one connection remains."""
        mine = item.final['ErpConnectionId']
        name = item.final.get('DisplayName')
        item.final = None
        item.fail('another run created connection %r at the same moment (id %s), so the one this run created (id %s) was '
                  'deleted again and one remains. Run again to converge it' % (name, item.twin, mine), code=Code.RACE)

    def index(self, records):
        """Set each item's ``live`` record from a list read; returns the records by id."""
        by_id = dict((r['ErpConnectionId'], r) for r in records)
        for item in self.kind.items + self.kind.unlisted:
            record = item.final or item.current
            if record is not None and record.get('ErpConnectionId') is not None:
                item.live = by_id.get(record['ErpConnectionId'])
            elif item.params['name'] is not None:
                named = [r for r in records if r.get('DisplayName') == item.params['name'] and r['ErpConnectionId'] not in self.kind.known_ids]
                item.live = named[0] if named else None
        return by_id

    def find_created(self, item, payload):
        """After an unclear create: this run's connection, the one that carries the GUID the create sent (ConnectionId), or
        None when no new connection has the name (then the create did not land, and is sent once more).

        A connection with the name but without that GUID may be another run's or an admin's, or this run's on a server
        that replaces a client's GUID: it is never taken as this run's (activated, configured or reported); the item fails
        naming every such connection and leaves them as they are."""
        records = self.kind.api.get_all_connections(False)
        mine = [r for r in records if (r.get('ConnectionId') or '').lower() == payload['ConnectionId'].lower()]
        if mine:
            item.unclear = True
            item.has_config = False  # the list carries no config
            return mine[0]
        candidates = [r for r in records if r.get('DisplayName') == payload['DisplayName']
                      and r.get('ErpConnectorId') == payload['ErpConnectorId'] and r['ErpConnectionId'] not in self.kind.known_ids]
        if candidates:
            found = ', '.join(describe(r) for r in candidates)
            raise ItemFailure('creating connection %r had an unclear outcome, and the list now shows %s with that name and '
                              'connector, without the GUID this run sent (ConnectionId %s): this run cannot prove it made any '
                              'of them, so it did not create the connection again and left %s as it is. Another run or an admin '
                              'may have made it (or, on a server that replaces a client\'s GUID, this run): check, then run again'
                              % (payload['DisplayName'], found, payload['ConnectionId'], found), code=Code.UNCLEAR)
        return None

    def toggled(self, item, conn_id, target):
        """After an unclear toggle: the record when it shows the flag wanted, else None."""
        record = self.kind.api.get_connection(conn_id)
        if record is None or record.get('Deleted'):
            # Toggling again without knowing the flag could flip it back (a double flip): stop here.
            raise ItemFailure('the outcome of ToggleErpConnectionActive for connection id %s was unclear, and GetConnection then '
                              'answered %s, so whether its Active flag changed is unknown. It was not toggled again: check the '
                              'connection before running again' % (conn_id, 'null' if record is None else 'a deleted connection'))
        item.unclear = True
        return record if bool(record.get('Active')) == target else None

    def verify(self):
        """After the last write, one list read: report what the server shows, and fail (honestly) what differs from it."""
        try:
            records = self.kind.api.get_all_connections(False)
        except WebAPIError as e:
            self.kind.run.warn('The connections could not be read back after the run to verify it (%s); the results show what the '
                               'writes answered' % e.message)
            return
        by_id = self.index(records)
        accepted = dict((id(item), self._accepted(item)) for item in self.kind.items + self.kind.unlisted if item.final or item.current)
        strays = self._strays(by_id, accepted)
        reported = []
        for item in self.kind.items + self.kind.unlisted:
            if not item.operations or item.final is None:
                continue
            live = by_id.get(item.final.get('ErpConnectionId'))
            if live is None:
                item.fail('connection %s is not live after the run, although %s; another run or an admin may have deleted it'
                          % (describe(item.final), ', '.join(item.operations)), code=Code.RACE)
                continue
            item.final = dict(item.final, **{k: v for k, v in live.items() if k != 'ConfigFields'})
            if self._check_flag(item, live, strays, accepted[id(item)]):
                reported.append(item)
        if strays:
            self._name_strays(strays, reported)

    def _accepted(self, item):
        """The Active flags an item may show after the run: the one the run reports (a held activation leaves it as it was), and
        for an item whose toggle had an unclear outcome also the one it wanted (that toggle may land late). Not the wanted flag
        of any other failed item: a misdirected toggle that made it so must show as a stray."""
        flags = set([bool((item.final or item.current).get('Active'))])
        if item.failed and item.unclear:
            flags.add(False if item.unlisted else self.kind.wanted_active(item))
        return flags

    def _strays(self, by_id, accepted):
        """The live connections whose Active flag changed since the list read at the start to one no item of this run accepts
        (a connection no item names keeps its flag): a toggle the server or a proxy applied to another connection than the one
        sent, or another run's or an admin's."""
        wanted = dict(((item.final or item.current).get('ErpConnectionId'), accepted[id(item)])
                      for item in self.kind.items + self.kind.unlisted if (item.final or item.current) and item.params['state'] == 'present')
        flipped = [(before, by_id.get(before['ErpConnectionId'])) for before in self.kind.live]
        return [(before, now) for before, now in flipped if now is not None and bool(now.get('Active')) != bool(before.get('Active'))
                and bool(now.get('Active')) not in wanted.get(now['ErpConnectionId'], set([bool(before.get('Active'))]))]

    def _name_strays(self, strays, reported):
        """Every item whose toggle may have landed on a stray (and whose own flag did not already name them) fails naming the
        strays; with no toggle sent, a warning names them."""
        text, them = stray_text(strays), 'it' if len(strays) == 1 else 'them'
        toggled = [item for item in self.kind.items + self.kind.unlisted if any(op in item.operations for op in TOGGLES)]
        for item in toggled:
            if item not in reported:
                item.fail_after('%s: a toggle of this run (of %s) may have landed on %s (a server or a proxy in between mixing up '
                                'requests), or another run or an admin toggled %s. Nothing was toggled back: check %s before running '
                                'again' % (text, describe(item.final), them, them, them))
        if not toggled:
            self.kind.run.warn('%s (this run toggled no connection)' % text)

    def _check_flag(self, item, live, strays, accepted):
        """Fail an item whose toggle the server does not show (True when it did)."""
        if not any(op in item.operations for op in TOGGLES) or bool(live.get('Active')) in accepted:
            return False
        state = 'active' if live.get('Active') else 'inactive'
        if strays:
            item.fail_after('ToggleErpConnectionActive reported success, but connection %s is %s now, and %s: the server or a proxy '
                            'in between may have toggled the other connection instead. Nothing was toggled again: check both before '
                            'running again' % (describe(item.final), state, stray_text(strays)))
        elif item.unclear:
            item.fail_after('an unclear ToggleErpConnectionActive was applied late or twice: connection %s is now %s. It was '
                            'not toggled again; run again to converge it' % (describe(item.final), state), code=Code.UNCLEAR)
        else:
            item.fail_after('ToggleErpConnectionActive reported success, but connection %s is %s now: another run (from another '
                            'controller; the API has no lock) may have toggled it at the same moment. Run again to converge it'
                            % (describe(item.final), state), code=Code.RACE)
        return True


def stray_text(strays):
    """Connections whose Active flag changed though this run did not mean it, as one clause."""
    return '; '.join('connection %s, which this run did not toggle, was %s when the run started and is %s now' % (
        describe(now), 'active' if before.get('Active') else 'inactive', 'active' if now.get('Active') else 'inactive')
        for before, now in strays)
