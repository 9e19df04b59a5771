# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Sync priority: SaveErpConnectionSyncPriorities stores the replication order (ErpConfiguration.ConnectionRank: connection
ids, 0 for SuperOffice itself), and the MDO lists of ``GET api/v1/MDOList/{name}``: "erpconnections" (its additional
attribute useRank orders it by that rank) and the CRM lists of emulator/crm.py."""

from ..agent import BadRequest, DataError, agent_method, int_value, required
from ..crm import mdo_item, mdo_list

# ConnectionRank's entry for SuperOffice itself: "with '0' representing the SuperOffice 'connector'" (table doc erpconfiguration).
SUPEROFFICE = 0


def parse_connection_rank(value):
    """ConnectionRank as the data file or the admin API gives it, "0;2;1" or [0, 2, 1], as a list of ids."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.split(';') if part.strip()]
        if all(part.isdigit() for part in parts):
            return [int(part) for part in parts]
    elif isinstance(value, list) and all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in value):
        return list(value)
    raise DataError('connection_rank must be a text such as "0;2;1" or a list of connection ids, 0 standing for SuperOffice')


def parse_additional(text):
    """An MDO list's additional info as name=value pairs separated by "&" (the MDO provider docs list named attributes, e.g.
    erpconnections' useRank, and give "Separator: &" where a list takes several); names match in any case."""
    pairs = {}
    for part in (text or '').split('&'):
        name, sep, value = part.partition('=')
        if sep:
            pairs[name.strip().lower()] = value.strip()
    return pairs


def _true(text):
    return (text or '').strip().lower() in ('true', '1')


class PriorityMethods:

    @agent_method('SaveErpConnectionSyncPriorities', 'boolean')
    def save_sync_priorities(self, params):
        """"Takes an array of the ErpConnection ids and saves these as ordered sync priorities"; true if saved. A list the
        server could not store as ConnectionRank (an id that is not a live connection or 0, an id twice) answers false."""
        ids = required(params, 'ErpConnectionIds')
        if not isinstance(ids, list):
            raise BadRequest("'ErpConnectionIds' must be an array of integers")
        ids = [int_value(conn_id, 'ErpConnectionIds') for conn_id in ids]
        if len(set(ids)) != len(ids) or any(i != SUPEROFFICE and self._live_connection(i) is None for i in ids):
            return False
        self.state['connection_rank'] = ids
        return True

    def _connections_by_rank(self, use_rank):
        """The live connections in id order, or (useRank) in ConnectionRank's order, unranked ones last by id."""
        live = [conn for conn in self._sorted('connections') if not conn['Deleted']]
        if not use_rank:
            return live
        position = dict((conn_id, index) for index, conn_id in enumerate(self.state['connection_rank']))
        return sorted(live, key=lambda conn: (position.get(conn['ErpConnectionId'], len(position)), conn['ErpConnectionId']))

    def mdo_list(self, name, additional=''):
        """``GET api/v1/MDOList/{name}?additional=...``: the items, or None for an unknown list. ValueError: the list needs
        other additional info. "erpconnections" lists connections only (its doc sample has no SuperOffice entry), with the
        connection's GUID in ExtraInfo; Rank is the position in the answer, so it says nothing about SuperOffice's place."""
        if (name or '').lower() != 'erpconnections':
            return mdo_list(self.state['crm'], name, additional)
        options = parse_additional(additional)
        items = []
        for position, conn in enumerate(self._connections_by_rank(_true(options.get('userank'))), 1):
            label = conn['DisplayName']
            if _true(options.get('prefixwithconnector')):
                connector = self.state['connectors'].get(conn['ErpConnectorId'])
                label = '%s: %s' % (connector['name'] if connector else '', label)
            item = mdo_item(conn['ErpConnectionId'], label, conn['ConnectionId'])
            item['Rank'] = position
            items.append(item)
        return items
