# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ERP-tab field order: MoveErpFieldItem moves one field a place up or down among all fields of its actor type (ErpField.Rank,
as the admin screen's Rank Fields dialog does), and GetConnectionsAndDisplayFields answers, per connection, the fields the ERP
tab of a CRM entity shows, with their Rank."""

from ..agent import NO_CONTENT, InvalidRequest, agent_method, carrier, enum_param, int_param, optional
from ..crm import CRM_ACTOR_TYPES, ERP_ACTOR_TYPES


class RankMethods:

    def _ranked_fields(self, conn_id, actor):
        """The ERP fields of one actor type of a connection in rank order: all of them, shown on the ERP tab or not, as the
        Rank Fields dialog lists them (admin guide configure.md)."""
        field_ids = self.state['fields'].get(conn_id, {}).get(actor, {}).values()
        return sorted((self.state['erp_fields'][field_id] for field_id in field_ids), key=lambda field: (field['rank'], field['id']))

    @agent_method('MoveErpFieldItem', None)
    def move_erp_field_item(self, params):
        """"Positive value to increase rank, negative to decrease" (.NET and CRMScript reference): the sign says the way, and
        one call moves the field one place, as the dialog's arrow buttons do. At either end, and with 0, nothing moves."""
        field_id = int_param(params, 'ErpFieldId')
        direction = int_param(params, 'Direction')
        conn_id = int_param(params, 'ErpConnectionId')
        actor = enum_param(params, 'ErpActorType', ERP_ACTOR_TYPES)
        self._live_connection_or_refuse(conn_id)
        self._actor_or_refuse(conn_id, actor)
        fields = self._ranked_fields(conn_id, actor)
        field_ids = [field['id'] for field in fields]
        if field_id not in field_ids:
            raise InvalidRequest('ErpFieldId %d is not a field of actor type %s of ErpConnection %d.' % (field_id, actor, conn_id))
        index = field_ids.index(field_id)
        for rank, field in enumerate(fields, 1):
            field['rank'] = rank
        other = index + (direction > 0) - (direction < 0)
        if other != index and 0 <= other < len(fields):
            fields[index]['rank'], fields[other]['rank'] = fields[other]['rank'], fields[index]['rank']
        return NO_CONTENT

    def field_ranks(self):
        """For the admin API: {"<connection id>": {"<ERP actor type>": [{"ErpFieldId", "ErpFieldKey", "Rank", "ShowInGui"}]}},
        every field in rank order."""
        answer = {}
        for conn_id in sorted(self.state['fields']):
            for actor in self._actor_types(conn_id):
                rows = self._mapping(conn_id, actor)['rows']
                answer.setdefault('%d' % conn_id, {})[actor] = [
                    {'ErpFieldId': field['id'], 'ErpFieldKey': field['key'], 'Rank': field['rank'], 'ShowInGui': rows[field['id']]['ShowInGui']}
                    for field in self._ranked_fields(conn_id, actor)]
        return answer

    def _display_field(self, field, row):
        """An ERP field the ERP tab shows, as FieldMetadata (Rank: lowest first)."""
        return carrier({'FieldKey': field['key'], 'Rank': field['rank'], 'DisplayName': field['name'], 'DisplayDescription': '',
                        'FieldType': field['type'], 'ListName': field['list'], 'DefaultValue': '', 'MaxLength': 0,
                        'Access': field['access'], 'ShowInSearch': row['ShowInSearch']})

    @agent_method('GetConnectionsAndDisplayFields', 'ArrayOfErpConnectionData', 'ErpConnectionData')
    def get_connections_and_display_fields(self, params):
        """"Get all connection statuses and fields for a given entity": one ErpConnectionData per live connection that has
        an active actor type mapping for this CRM actor type. ErpActorTypes lists those ERP actor types; ErpActorType and
        ErpFields are the first one's, its fields shown on the ERP tab (ShowInGui) in rank order. The emulator has no CRM
        records: every EntityId is an entity linked to no ERP actor (Connected false)."""
        crm_actor = enum_param(params, 'CrmActorType', CRM_ACTOR_TYPES)
        optional(params, 'EntityId', int, 0)
        answer = []
        for conn in self._sorted('connections'):
            conn_id = conn['ErpConnectionId']
            if conn['Deleted']:
                continue
            actors = [actor for actor in self._actor_types(conn_id)
                      if self._crm_actor(conn_id, actor) == crm_actor and self._mapping(conn_id, actor)['active']]
            if not actors:
                continue
            rows = self._mapping(conn_id, actors[0])['rows']
            shown = [self._display_field(field, rows[field['id']]) for field in self._ranked_fields(conn_id, actors[0])
                     if rows[field['id']]['ShowInGui'] and not field['missing']]
            answer.append(carrier({'ErpConnectionId': conn_id, 'ConnectionName': conn['DisplayName'], 'Connected': False,
                                   'ErpFields': shown, 'CrmActorType': crm_actor, 'ErpActorType': actors[0], 'ErpActorTypes': actors}))
        return answer
