# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Mapping methods: a connection's ERP fields per actor type (asked from the connector), the field mappings (with the
cross-connection rule behind AlreadyMapped), default values, list mappings, advanced search, and the rule that refuses
activation while a mandatory field has no synchronization direction."""

from ..agent import (MISSING, BadRequest, BusinessRuleError, DataError, InvalidRequest, agent_method, bool_param, carrier, enum_param,
                     int_param, lookup, object_param, optional)
from ..crm import CRM_ACTOR_TYPES, ERP_ACTOR_TYPES, UDLIST, list_id, list_reference, mdo_item, no_selection

ROW_FLAGS = ('SyncToCrm', 'SyncToErp', 'ShowInGui', 'ShowInSearch')
DEFAULT_FIELDS = ('DefaultValue', 'HasFirstSyncDefaultValue', 'FirstSyncDefaultValue', 'PromptUser', 'Mandatory')


def _blank_row():
    return {'CrmFieldKey': '', 'SyncToCrm': False, 'SyncToErp': False, 'ShowInGui': False, 'ShowInSearch': False}


class MappingMethods:

    # -- the connection's ERP fields -------------------------------------------------------------------

    def _refresh_fields(self, conn_id):
        """Ask the connection's connector for its actor types and fields (UpdateConnectionFields). Known fields keep their
        ErpFieldId and mapping; fields the connector no longer offers stay, marked missing (MissingInERP)."""
        conn = self.state['connections'][conn_id]
        offered = self.state['fields'].setdefault(conn_id, {})
        for actor in offered.values():
            for field_id in actor.values():
                self.state['erp_fields'][field_id]['missing'] = True
        self.state['crm_uses'] = None
        for actor_type in self._connector_offer(conn['ErpConnectorId'])['actor_types']:
            known = offered.setdefault(actor_type['type'], {})
            mapping = self.state['mappings'].setdefault('%d:%s' % (conn_id, actor_type['type']), {'active': False, 'rows': {}})
            # ErpField.Rank orders the ERP tab: a known field keeps the rank an admin gave it, a new one goes last.
            next_rank = max([self.state['erp_fields'][field_id]['rank'] for field_id in known.values()] + [0]) + 1
            for field in actor_type['fields']:
                field_id = known.get(field['key'])
                if field_id is None:
                    field_id = known[field['key']] = self.state['next_field_id']
                    self.state['next_field_id'] += 1
                    rank, next_rank = next_rank, next_rank + 1
                else:
                    rank = self.state['erp_fields'][field_id]['rank']
                self.state['erp_fields'][field_id] = dict(field, id=field_id, conn=conn_id, actor=actor_type['type'],
                                                          crm_actor=actor_type['crm'], missing=False, rank=rank)
                mapping['rows'].setdefault(field_id, _blank_row())

    def _actor_types(self, conn_id):
        return sorted(self.state['fields'].get(conn_id, {}), key=ERP_ACTOR_TYPES.index)

    def _crm_actor(self, conn_id, actor):
        for field_id in self.state['fields'].get(conn_id, {}).get(actor, {}).values():
            return self.state['erp_fields'][field_id]['crm_actor']
        return 'Unknown'

    def _mapping(self, conn_id, actor):
        return self.state['mappings'].get('%d:%s' % (conn_id, actor))

    def _crm_fields(self, crm_actor):
        return self.state['crm']['fields'].get(crm_actor, {})

    def _crm_uses(self):
        """(CRM actor type, CRM field key) -> ids of the connections whose mappings synchronize that CRM field (in either
        direction); kept until a mapping or a connection's fields change."""
        uses = self.state.get('crm_uses')
        if uses is None:
            uses = self.state['crm_uses'] = {}
            for key, mapping in self.state['mappings'].items():
                conn_id, actor = key.split(':')
                crm_actor = self._crm_actor(int(conn_id), actor)
                for row in mapping['rows'].values():
                    if row['CrmFieldKey'] and (row['SyncToCrm'] or row['SyncToErp']):
                        uses.setdefault((crm_actor, row['CrmFieldKey']), set()).add(int(conn_id))
        return uses

    def _mapped_elsewhere(self, conn_id, crm_actor, crm_key):
        """The live connections other than ``conn_id`` that synchronize this CRM field: what AlreadyMapped says ("already
        mapped in some other connection", Swagger ErpSyncFieldMapping)."""
        others = self._crm_uses().get((crm_actor, crm_key), ())
        return [self.state['connections'][c] for c in sorted(others) if c != conn_id and self._live_connection(c) is not None]

    def _mapping_out(self, conn_id, actor):
        mapping = self._mapping(conn_id, actor)
        crm_actor = self._crm_actor(conn_id, actor)
        crm_fields = self._crm_fields(crm_actor)
        rows = []
        for key, field_id in sorted(self.state['fields'][conn_id][actor].items(), key=lambda kv: kv[1]):
            field = self.state['erp_fields'][field_id]
            row = mapping['rows'][field_id]
            crm_list = crm_fields.get(row['CrmFieldKey'])
            rows.append(carrier({
                'ErpFieldId': field_id, 'CrmFieldKey': row['CrmFieldKey'], 'CrmDisplayName': row['CrmFieldKey'], 'CrmDisplayTooltip': '',
                'ErpFieldKey': key, 'FieldType': field['type'], 'ErpDisplayName': field['name'], 'ErpDisplayTooltip': '',
                'SyncToCrm': row['SyncToCrm'], 'SyncToErp': row['SyncToErp'], 'ShowInGui': row['ShowInGui'],
                'ShowInSearch': row['ShowInSearch'],
                'AlreadyMapped': bool(row['CrmFieldKey']) and bool(self._mapped_elsewhere(conn_id, crm_actor, row['CrmFieldKey'])),
                'MissingInERP': field['missing'], 'MissingInCRM': bool(row['CrmFieldKey']) and row['CrmFieldKey'] not in crm_fields,
                # "Reference to CRM list, if a mapping exists" (table doc erpfield): set by the CRM list field mapped.
                'Access': field['access'], 'ListReference': list_reference(crm_list) if crm_list else '',
            }))
        return carrier({'ErpConnectionId': conn_id, 'IsActive': mapping['active'], 'ActorTypeErp': actor, 'ActorTypeCrm': crm_actor,
                        'FieldMappings': rows})

    def _actor_or_refuse(self, conn_id, actor):
        if actor not in self.state['fields'].get(conn_id, {}):
            raise InvalidRequest('Actor type %s is not offered by the connector of ErpConnection %d; it offers: %s.'
                                 % (actor, conn_id, ', '.join(self._actor_types(conn_id)) or 'none'))

    def _activation_problems(self, conn_id):
        """Why a connection may not be activated: mandatory ERP fields of an active actor type without a direction."""
        problems = []
        for actor in self._actor_types(conn_id):
            mapping = self._mapping(conn_id, actor)
            if not mapping or not mapping['active']:
                continue
            for key, field_id in sorted(self.state['fields'][conn_id][actor].items(), key=lambda kv: kv[1]):
                field = self.state['erp_fields'][field_id]
                row = mapping['rows'][field_id]
                if field['access'] == 'Mandatory' and not field['missing'] and not (row['SyncToCrm'] or row['SyncToErp']):
                    problems.append("Mandatory field '%s' (%s) of actor type %s has no synchronization direction." % (field['name'], key, actor))
        return problems

    def _actor_summaries(self, conn_id):
        summaries = []
        for actor in self._actor_types(conn_id):
            mapping = self._mapping(conn_id, actor)
            mapped = sum(1 for row in mapping['rows'].values() if row['CrmFieldKey'])
            defaults = sum(1 for field_id in self.state['fields'][conn_id][actor].values() if field_id in self.state['defaults'])
            summaries.append(carrier({'ActorType': actor, 'HasMappings': bool(mapped), 'Defaults': '%d' % defaults, 'Mappings': '%d' % mapped}))
        return summaries

    # -- methods --------------------------------------------------------------------------------------

    @agent_method('UpdateConnectionFields', 'boolean')
    def update_connection_fields(self, params):
        conn_id = int_param(params, 'ErpConnectionId')
        if self._live_connection(conn_id) is None:
            return False
        self._refresh_fields(conn_id)
        return True

    @agent_method('GetCrmActorType', 'CrmActorType')
    def get_crm_actor_type(self, params):
        conn_id = int_param(params, 'ErpConnectionId')
        actor = enum_param(params, 'ErpActorType', ERP_ACTOR_TYPES)
        return self._crm_actor(conn_id, actor)

    @agent_method('GetActorTypeMapping', 'ErpSyncActorTypeMapping')
    def get_actor_type_mapping(self, params):
        conn_id = int_param(params, 'ErpConnectionId')
        actor = enum_param(params, 'ActorType', ERP_ACTOR_TYPES)
        if self._live_connection(conn_id) is None:
            return None
        self._actor_or_refuse(conn_id, actor)
        return self._mapping_out(conn_id, actor)

    @agent_method('SaveActorTypeMapping', 'ErpSyncActorTypeMapping')
    def save_actor_type_mapping(self, params):
        mapping = object_param(params, 'Mapping')
        conn_id = int_param(mapping, 'ErpConnectionId')
        actor = enum_param(mapping, 'ActorTypeErp', ERP_ACTOR_TYPES)
        self._live_connection_or_refuse(conn_id)
        self._actor_or_refuse(conn_id, actor)
        rows = lookup(mapping, 'FieldMappings')
        if rows is MISSING or rows is None:
            rows = []
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise BadRequest("'FieldMappings' must be an array of objects")
        stored = self._mapping(conn_id, actor)
        crm_fields = self._crm_fields(self._crm_actor(conn_id, actor))
        own = set(self.state['fields'][conn_id][actor].values())
        new_rows = dict((field_id, dict(row)) for field_id, row in stored['rows'].items())
        for raw in rows:
            field_id = int_param(raw, 'ErpFieldId')
            if field_id not in own:
                raise InvalidRequest('ErpFieldId %d is not a field of actor type %s of ErpConnection %d.' % (field_id, actor, conn_id))
            field = self.state['erp_fields'][field_id]
            row = dict((flag, optional(raw, flag, bool, False)) for flag in ROW_FLAGS)
            row['CrmFieldKey'] = optional(raw, 'CrmFieldKey', str, '')
            if row['CrmFieldKey'] and row['CrmFieldKey'] not in crm_fields:
                raise InvalidRequest("CRM field '%s' is not a field of %s; its fields are: %s." % (
                    row['CrmFieldKey'], self._crm_actor(conn_id, actor), ', '.join(sorted(crm_fields))))
            if (row['SyncToCrm'] or row['SyncToErp']) and not row['CrmFieldKey']:
                raise BusinessRuleError("ERP field '%s' has a synchronization direction but no SuperOffice field." % field['key'])
            if (row['SyncToCrm'] or row['SyncToErp']) and field['access'] == 'ReadOnly':
                raise BusinessRuleError("ERP field '%s' cannot be synchronized (it is read-only in the ERP system)." % field['key'])
            if any(row[k] != new_rows[field_id][k] for k in ('CrmFieldKey', 'SyncToCrm', 'SyncToErp')):
                self._refuse_second_master(conn_id, actor, field, row)
            new_rows[field_id] = row
        keys = [row['CrmFieldKey'] for row in new_rows.values() if row['CrmFieldKey']]
        twice = sorted(set(k for k in keys if keys.count(k) > 1))
        if twice:
            raise BusinessRuleError('CRM field %s is mapped from more than one ERP field of actor type %s.' % (', '.join(twice), actor))
        stored['rows'] = new_rows
        stored['active'] = bool_param(mapping, 'IsActive', default=stored['active'])
        self.state['crm_uses'] = None
        return self._mapping_out(conn_id, actor)

    def _refuse_second_master(self, conn_id, actor, field, row):
        """A CRM field another connection already synchronizes cannot be mapped one way to SuperOffice here (Swagger,
        ErpSyncFieldMapping.AlreadyMapped): two ERP systems would each overwrite it. Checked for the rows a save changes, so
        a mapping saved before the other connection's stays as it is."""
        if not (row['CrmFieldKey'] and row['SyncToCrm'] and not row['SyncToErp']):
            return
        others = self._mapped_elsewhere(conn_id, self._crm_actor(conn_id, actor), row['CrmFieldKey'])
        if others:
            raise BusinessRuleError(
                "ERP field '%s' cannot be synchronized one way to SuperOffice field %s: that field is already mapped in connection "
                "%s, so here it can only be synchronized both ways or to the ERP system." % (
                    field['key'], row['CrmFieldKey'], ', '.join("'%s' (id %d)" % (c['DisplayName'], c['ErpConnectionId']) for c in others)))

    def _default_out(self, field_id):
        field = self.state['erp_fields'][field_id]
        value = self.state['defaults'].get(field_id) or {}
        return carrier({
            'ErpFieldId': field_id, 'DefaultValue': value.get('DefaultValue', ''),
            'HasFirstSyncDefaultValue': value.get('HasFirstSyncDefaultValue', False),
            'FirstSyncDefaultValue': value.get('FirstSyncDefaultValue', ''), 'PromptUser': value.get('PromptUser', False),
            'Mandatory': value.get('Mandatory', False), 'ErpFieldKey': field['key'], 'FieldType': field['type'],
            'ListName': field['list'], 'Access': field['access'],
        })

    @agent_method('GetDefaultValueInfo', 'ErpSyncDefaultValue')
    def get_default_value_info(self, params):
        field_id = int_param(params, 'ErpFieldId')
        return self._default_out(field_id) if field_id in self.state['erp_fields'] else None

    @agent_method('SaveDefaultValueInfo', 'ErpSyncDefaultValue')
    def save_default_value_info(self, params):
        raw = object_param(params, 'ErpSyncDefaultValue')
        field_id = int_param(raw, 'ErpFieldId')
        if field_id not in self.state['erp_fields']:
            raise InvalidRequest('ErpFieldId %d does not exist.' % field_id)
        value = {
            'DefaultValue': optional(raw, 'DefaultValue', str, ''),
            'HasFirstSyncDefaultValue': optional(raw, 'HasFirstSyncDefaultValue', bool, False),
            'FirstSyncDefaultValue': optional(raw, 'FirstSyncDefaultValue', str, ''),
            'PromptUser': optional(raw, 'PromptUser', bool, False),
            'Mandatory': optional(raw, 'Mandatory', bool, False),
        }
        cleared = value == {'DefaultValue': '', 'HasFirstSyncDefaultValue': False, 'FirstSyncDefaultValue': '', 'PromptUser': False,
                            'Mandatory': False}
        # A default set up for a field the connector declares Mandatory is always mandatory: the screen shows that box
        # checked and disabled (SDK "Default value setup"). A field without a default set up stays as it is.
        value['Mandatory'] = value['Mandatory'] or (self.state['erp_fields'][field_id]['access'] == 'Mandatory' and not cleared)
        # "If mandatory, you must also choose one of the two options above" (admin guide configure.md): "Set default value"
        # (HasFirstSyncDefaultValue; a DefaultValue counts too, as the 0.2 modules send that) or "Ask user" (PromptUser).
        if value['Mandatory'] and not (value['HasFirstSyncDefaultValue'] or value['DefaultValue'] or value['PromptUser']):
            raise BusinessRuleError('A mandatory default needs a default value ("Set default value") or "Ask user for value" (PromptUser).')
        if cleared:
            self.state['defaults'].pop(field_id, None)
        else:
            self.state['defaults'][field_id] = value
        return self._default_out(field_id)

    def _list_fields(self, conn_id):
        """The mapped list fields of a connection: (ERP field, CRM list name), in field id order."""
        found = []
        for actor in self._actor_types(conn_id):
            mapping = self._mapping(conn_id, actor)
            crm_fields = self._crm_fields(self._crm_actor(conn_id, actor))
            for field_id in sorted(self.state['fields'][conn_id][actor].values()):
                field = self.state['erp_fields'][field_id]
                crm_list = crm_fields.get(mapping['rows'][field_id]['CrmFieldKey'])
                if field['type'] == 'List' and crm_list and not field['missing']:
                    found.append((field, crm_list))
        return found

    def _list_container(self, conn_id):
        conn = self.state['connections'][conn_id]
        lists = self.state['crm']['lists']
        entries = []
        for field, crm_list in self._list_fields(conn_id):
            display, crm_items = lists[crm_list]
            chosen = self.state['list_mappings'].get(field['id'], {})
            items = []
            for erp_item in field['items']:
                crm_id = chosen.get(erp_item['id'], 0)
                crm_item = mdo_item(crm_id, crm_items[crm_id]) if crm_id in crm_items else no_selection()
                items.append(carrier({'ErpListItemId': erp_item['id'], 'ErpListItemName': erp_item['name'], 'CrmListItem': crm_item}))
            # CrmList.ExtraInfo names the MDO list of a standard list (choice 14); a user-defined list has none there.
            extra = '' if crm_list.startswith(UDLIST) else crm_list
            entries.append(carrier({'CrmList': mdo_item(list_id(lists, crm_list), display, extra), 'ErpListName': field['list'],
                                    'ErpCrmListItemMappings': items, 'ErpActorTypeName': field['actor'], 'ErpFieldId': field['id']}))
        return carrier({'ErpListItemMappings': entries, 'ErpConnectionId': conn_id, 'ErpConnectionName': conn['DisplayName']})

    @agent_method('GetConnectionListMappings', 'ErpConnectionListMappingContainer')
    def get_connection_list_mappings(self, params):
        conn_id = int_param(params, 'ErpConnectionId')
        if self._live_connection(conn_id) is None:
            return None
        return self._list_container(conn_id)

    @agent_method('SaveConnectionListMappings', 'ErpConnectionListMappingContainer')
    def save_connection_list_mappings(self, params):
        container = object_param(params, 'ListMapping')
        conn_id = int_param(container, 'ErpConnectionId')
        self._live_connection_or_refuse(conn_id)
        mapped = dict((field['id'], (field, crm_list)) for field, crm_list in self._list_fields(conn_id))
        entries = lookup(container, 'ErpListItemMappings')
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise BadRequest("'ErpListItemMappings' must be an array of objects")
        updates = {}
        for entry in entries:
            field_id = int_param(entry, 'ErpFieldId')
            if field_id not in mapped:
                raise InvalidRequest('ErpFieldId %d is not a mapped list field of ErpConnection %d.' % (field_id, conn_id))
            field, crm_list = mapped[field_id]
            crm_items = self.state['crm']['lists'][crm_list][1]
            erp_ids = set(item['id'] for item in field['items'])
            chosen = dict(self.state['list_mappings'].get(field_id, {}))
            for item in lookup(entry, 'ErpCrmListItemMappings') or []:
                erp_id = optional(item, 'ErpListItemId', str, '')
                if erp_id not in erp_ids:
                    raise InvalidRequest("ERP list item '%s' is not an item of list %s." % (erp_id, field['list']))
                crm_item = lookup(item, 'CrmListItem')
                crm_id = optional(crm_item, 'Id', int, 0) if isinstance(crm_item, dict) else 0
                if crm_id and crm_id not in crm_items:
                    raise InvalidRequest('CRM list item %d is not an item of the CRM list %s.' % (crm_id, crm_list))
                chosen[erp_id] = crm_id
            targets = [crm_id for crm_id in chosen.values() if crm_id]
            twice = sorted(set(t for t in targets if targets.count(t) > 1))
            if twice:
                raise BusinessRuleError('CRM list item %s is chosen for more than one item of ERP list %s.' % (
                    ', '.join(map(str, twice)), field['list']))
            updates[field_id] = chosen
        self.state['list_mappings'].update(updates)
        return self._list_container(conn_id)

    @agent_method('SupportsAdvancedSearch', 'boolean')
    def supports_advanced_search(self, params):
        """Asked from the connection's connector, per ERP actor type (data file: ``advanced_search`` of an actor type)."""
        conn = self._live_connection(int_param(params, 'ErpConnectionId'))
        actor = enum_param(params, 'ErpActorType', ERP_ACTOR_TYPES)
        if conn is None:
            return False
        offered = self._connector_offer(conn['ErpConnectorId'])['actor_types']
        return any(a['type'] == actor and a['advanced_search'] for a in offered)


def parse_actor_types(raw, where):
    """A connector's actor types in the data file -> stored form (fields with their type, access and list items)."""
    actor_types = []
    for actor in raw or []:
        if not isinstance(actor, dict) or actor.get('type') not in ERP_ACTOR_TYPES[1:] or actor.get('crm') not in CRM_ACTOR_TYPES[1:]:
            raise DataError('%s: every actor type needs "type" (%s) and "crm" (%s)' % (where, ', '.join(ERP_ACTOR_TYPES[1:]), ', '.join(CRM_ACTOR_TYPES[1:])))
        fields = []
        for field in actor.get('fields') or []:
            if not isinstance(field, dict) or not isinstance(field.get('key'), str) or not field['key']:
                raise DataError('%s: every field of actor type %s needs a "key"' % (where, actor['type']))
            items = [{'id': str(i['id']), 'name': str(i.get('name', i['id']))} for i in field.get('items') or []]
            fields.append({'key': field['key'], 'name': field.get('name', field['key']), 'type': field.get('type', 'Text'),
                           'access': field.get('access', 'Normal'), 'list': field.get('list', ''), 'items': items})
        actor_types.append({'type': actor['type'], 'crm': actor['crm'], 'fields': fields,
                            'advanced_search': bool(actor.get('advanced_search', False))})
    return actor_types
