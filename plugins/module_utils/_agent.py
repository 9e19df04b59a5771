# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ErpSync agent methods the collection calls: one function per method, with the request body the official
Swagger names and the answer shape the client checks before anyone uses the answer.

Private to this collection (the leading underscore): its interface may change without notice.
"""

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._shapes import (
    ACTOR_MAPPING, CONNECTION, CONNECTION_DATA, CONNECTOR_ENTITY, DEFAULT_VALUE, ENGINE, ERP_ACTOR_TYPES, FIELD_METADATA, LIST_CONTAINER,
    LIST_ITEM, MDO_ITEM, PLUGIN_RESPONSE, SUMMARY, Opt, enum_name)
from ansible_collections.superoffice.crm.plugins.module_utils._values import ascii_int, is_secret_type, seconds_to_timespan

# Carrier metadata the server sends but never takes back.
CARRIER_METADATA = ('TableRight', 'FieldProperties')

# How often a method may be sent, declared beside each call below: READ and SET (a read, a setter or a whole-object
# save: sending it twice has the effect of sending it once) may be retried after a lost answer; ONCE (a toggle, a create,
# a sync run) is sent once, and when its outcome is unclear the plan re-reads and decides (_plan.Applier.reconcile).
READ = SET = True
ONCE = False

# What an answer is about, declared beside each call below as ``about``: the members that name the object asked for, checked
# by about_asked. Every answer the Swagger gives a primary key (and an actor mapping its ERP actor type) carries it, also for
# an object never saved: see each call. Answers that name no object (GetConfigurationFields, GetErpSyncConnectionSummary,
# scalars) cannot be checked; GetConnectionsAndDisplayFields lists every connection, each checked by field_order.shown_fields.
ENUM_MEMBERS = {'ActorTypeErp': ERP_ACTOR_TYPES}


def writable(carrier):
    """A carrier as it is sent back: without the read-only metadata."""
    return {k: v for k, v in carrier.items() if k not in CARRIER_METADATA}


def about_asked(method, about, answer):
    """An answer about the object it was asked for: each member ``about`` names (a primary key, the actor type) as asked. An
    answer about another object (a confused server, a proxy mixing up requests) is an error, so that nothing is written on the
    strength of it; an asked 0 (a save that creates) takes any id. A null answer is left to the caller (an unknown id)."""
    if not isinstance(answer, dict):
        return answer
    for key, asked in about.items():
        answered = enum_name(answer.get(key), ENUM_MEMBERS.get(key, ()))
        if not asked or answered == asked:
            continue
        other = '%s %s' % (key, answered if isinstance(answered, int) else repr(answered))  # tenant text, shown inert
        if method.startswith('Get'):
            raise WebAPIError('ErpSync %s was asked about %s %s and answered about %s: the server or a proxy in between mixed up two '
                              'objects. Nothing was written on the strength of it; run again once the server answers about the object '
                              'asked for' % (method, key, asked, other), method=method)
        raise WebAPIError('ErpSync %s was sent for %s %s and answered about %s: the server or a proxy in between mixed up two objects, '
                          'and it may have written to %s instead. Nothing more is written for it; check both before running again'
                          % (method, key, asked, other, other), method=method)
    return answer


def blank_reasons(reasons):
    """ToggleErpConnectionActive answers a list of failure reasons; blank strings mean nothing failed."""
    return [r for r in (reasons or []) if r is not None and ('%s' % r).strip()]


class ErpSyncAPI:
    """The ErpSync agent methods the collection uses, with lookups cached for one module run."""

    def __init__(self, client):
        self.client = client
        self._connectors = None
        self._field_metadata = {}

    def call(self, method, body=None, about=None, **kwargs):
        return about_asked(method, about or {}, self.client.call(method, body, **kwargs))

    # Engine
    def get_engine_status(self):
        return self.call('GetEngineStatus', expect=ENGINE, repeatable=READ)

    def change_engine_status(self, run):
        return self.call('ChangeEngineStatus', {'Run': bool(run)}, expect=Opt(ENGINE), null_ok=True, repeatable=SET)  # it only queues

    def change_engine_interval(self, seconds):
        return self.call('ChangeEngineInterval', {'Interval': seconds_to_timespan(seconds)}, repeatable=SET)

    # Connections
    def get_all_connections(self, include_deleted=False):
        return self.call('GetAllConnections', {'IncludeDeleted': bool(include_deleted)}, expect=[CONNECTION], repeatable=READ)

    def get_connection(self, connection_id):
        """The connection, or None when the server does not know the id (agents answer 200 ``null`` for an unknown id:
        superoffice-erpsync-api.md, error behaviour; so a record with another id, 0 too, is about another object)."""
        return self.call('GetConnection', {'ErpConnectionId': int(connection_id)}, expect=CONNECTION, null_ok=True, repeatable=READ,
                         about={'ErpConnectionId': int(connection_id)})

    def save_connection(self, connection, connection_id):
        """``connection_id``: the connection the item is about (0 creates), against which the answer is checked."""
        # Never repeated blindly: id 0 creates one more connection each time, and an update sent again after the engine moved
        # the sync cursor (MostRecentTimestamp) would set it back. After an unclear answer the caller reads and decides.
        return self.call('SaveConnection', {'Connection': connection}, expect=CONNECTION, repeatable=ONCE,
                         about={'ErpConnectionId': int(connection_id)})

    def delete_connection(self, connection_id):
        return self.call('DeleteConnection', {'ErpConnectionId': int(connection_id)}, repeatable=SET)

    def toggle_connection_active(self, connection_id):
        """Flip the Active flag. Returns the failure reasons (empty list on success)."""
        return blank_reasons(self.call('ToggleErpConnectionActive', {'ErpConnectionId': int(connection_id)}, expect=[Opt(str)], repeatable=ONCE))

    def test_connection(self, connection_id):
        return self.call('TestConnectionById', {'ErpConnectionId': int(connection_id)}, expect=bool, repeatable=READ)

    def test_connection_config(self, connection_id, config):
        return self.call('TestConnectionByConfig', {'ErpConnectionId': int(connection_id), 'ConfigFields': dict(config)}, expect=bool, repeatable=READ)

    def get_connection_summary(self, connection_id):
        # Note the request property: ErpSyncConnectionId, not ErpConnectionId (Swagger GetErpSyncConnectionSummaryRequest).
        return self.call('GetErpSyncConnectionSummary', {'ErpSyncConnectionId': int(connection_id)}, expect=SUMMARY, repeatable=READ)

    # Connectors
    def get_connectors(self):
        if self._connectors is None:
            self._connectors = self.call('GetAllConnectors', expect=[LIST_ITEM], repeatable=READ)
        return self._connectors

    def forget_connectors(self):
        self._connectors = None

    def get_field_metadata(self, connector_id):
        """The connector's config field descriptions (FieldKey, FieldType, Access, ...), cached per run; None when the
        server answers null (an unknown or orphaned connector): then nothing about its fields can be told."""
        if connector_id not in self._field_metadata:
            self._field_metadata[connector_id] = self.call('GetConfigurationFields', {'ErpConnectorId': int(connector_id)},
                                                           expect=[FIELD_METADATA], null_ok=True, repeatable=READ)
        return self._field_metadata[connector_id]

    def plain_keys(self, connector_id):
        """The config keys the connector's metadata types as plain (not secret) fields, exactly as it spells them. Every
        other key is secret (fail closed): one the metadata lacks, lists only in another case or also types as secret, and
        every key when the metadata is empty or unknown."""
        fields = (self.get_field_metadata(connector_id) if connector_id else None) or []
        secret = set(f['FieldKey'] for f in fields if is_secret_type(f.get('FieldType')))
        return set(f['FieldKey'] for f in fields) - secret

    def resolve_connector(self, connector):
        """The connector id for a name or numeric id; raise ValueError listing the known connectors."""
        connectors = self.get_connectors()
        text = ('%s' % connector).strip()
        number = ascii_int(text)
        for item in connectors:
            if number is not None and item['Id'] == number:
                return item['Id']
        matches = [item['Id'] for item in connectors if (item.get('Name') or '').lower() == text.lower()]
        if len(matches) == 1:
            return matches[0]
        known = ', '.join('%s (%s)' % (item.get('Name'), item['Id']) for item in connectors) or 'none'
        if matches:
            raise ValueError('connector %r matches %d connectors; give its numeric id. Known connectors: %s' % (connector, len(matches), known))
        raise ValueError('connector %r is not known to this tenant. Known connectors: %s' % (connector, known))

    def get_connector_entity(self, connector_id):
        # A new entity comes from CreateDefaultErpSyncConnectorEntity (id 0); an unknown id reads null (as GetConnection).
        return self._url_known(self.call('GetErpSyncConnectorEntity', query={'erpSyncConnectorEntityId': int(connector_id)},
                                         expect=CONNECTOR_ENTITY, null_ok=True, repeatable=READ, about={'ErpConnectorId': int(connector_id)}))

    def _url_known(self, entity):
        """An entity whose URL's secrets (credentials, key-like parameters) the run's Secrets now mask in any text."""
        if entity is not None:
            self.client.secrets.add_url(entity.get('URL'))
        return entity

    def create_default_connector_entity(self):
        return self._url_known(self.call('CreateDefaultErpSyncConnectorEntity', expect=CONNECTOR_ENTITY, repeatable=READ))

    def save_connector_entity(self, entity, connector_id):
        """``connector_id``: the connector the item is about (0 creates), against which the answer is checked."""
        # The body is the entity itself (no request wrapper); id 0 creates a connector.
        return self._url_known(self.call('SaveErpSyncConnectorEntity', writable(entity), expect=CONNECTOR_ENTITY,
                                         repeatable=SET if connector_id else ONCE, about={'ErpConnectorId': int(connector_id)}))

    def delete_connector_entity(self, connector_id):
        return self.call('DeleteErpSyncConnectorEntity', query={'erpSyncConnectorEntityId': int(connector_id)}, repeatable=SET)

    def can_delete_connector_entity(self, connector_id):
        return self.call('CanDeleteErpSyncConnectorEntity', {'ErpSyncConnectorId': int(connector_id)}, expect=str, repeatable=READ)

    def test_connector_url(self, url):
        return self.call('TestConnectorUrl', {'Url': url}, expect=str, repeatable=READ)

    # Mappings
    def update_connection_fields(self, connection_id):
        return self.call('UpdateConnectionFields', {'ErpConnectionId': int(connection_id)}, expect=bool, repeatable=SET)

    # The mapping of one connection and ERP actor type ("connection+actor type = unique key", Swagger), also one never saved.
    def get_actor_type_mapping(self, connection_id, actor_type):
        return self.call('GetActorTypeMapping', {'ErpConnectionId': int(connection_id), 'ActorType': actor_type}, expect=ACTOR_MAPPING, repeatable=READ,
                         about={'ErpConnectionId': int(connection_id), 'ActorTypeErp': actor_type})

    def save_actor_type_mapping(self, mapping, connection_id, actor_type):
        return self.call('SaveActorTypeMapping', {'Mapping': writable(mapping)}, expect=ACTOR_MAPPING, repeatable=SET,
                         about={'ErpConnectionId': int(connection_id), 'ActorTypeErp': actor_type})

    # A default value is kept on the ERP field's own row (SuperOffice's table docs, ErpField: HasFirstSyncDefaultValue,
    # PromptUser, Mandatory, ...; ErpSyncDefaultValue.ErpFieldId is its primary key, Swagger), so the answer carries the
    # field's id also for a default never saved.
    def get_default_value(self, field_id):
        return self.call('GetDefaultValueInfo', {'ErpFieldId': int(field_id)}, expect=DEFAULT_VALUE, repeatable=READ,
                         about={'ErpFieldId': int(field_id)})

    def save_default_value(self, default, field_id):
        return self.call('SaveDefaultValueInfo', {'ErpSyncDefaultValue': writable(default)}, expect=DEFAULT_VALUE, repeatable=SET,
                         about={'ErpFieldId': int(field_id)})

    # "The listmappings for the specified connection" (Swagger; ErpConnectionId its primary key): its id also when it maps
    # no list field.
    def get_list_mappings(self, connection_id):
        return self.call('GetConnectionListMappings', {'ErpConnectionId': int(connection_id)}, expect=LIST_CONTAINER, repeatable=READ,
                         about={'ErpConnectionId': int(connection_id)})

    def save_list_mappings(self, container, connection_id):
        return self.call('SaveConnectionListMappings', {'ListMapping': container}, expect=LIST_CONTAINER, repeatable=SET,
                         about={'ErpConnectionId': int(connection_id)})

    def mdo_list(self, name, additional=None):
        """The items of an MDO list (``GET api/v1/MDOList/{name}?flat=true``, REST only): a CRM list's items to find them by
        name, or the connections in sync priority order. ``additional``: the provider's extra context (``useRank=true``, a
        user-defined list's id), sent as the query parameter ``additional``."""
        query = dict(name=name, additional=additional) if additional else dict(name=name)
        return self.call('MDOList', query=query, expect=[MDO_ITEM], repeatable=READ)

    def supports_advanced_search(self, connection_id, actor_type):
        return self.call('SupportsAdvancedSearch', {'ErpConnectionId': int(connection_id), 'ErpActorType': actor_type}, expect=bool,
                         repeatable=READ)

    # Sync priority and the ERP tab's field order
    def save_sync_priorities(self, connection_ids):
        """The replication order, highest first; 0 stands for SuperOffice itself. The whole order is sent, so it is a setter."""
        return self.call('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [int(i) for i in connection_ids]}, expect=bool,
                         repeatable=SET)

    def connections_and_display_fields(self, crm_actor_type, entity_id=0):
        """Per connection that synchronizes this SuperOffice entity type, the ERP fields its ERP tab shows, with their Rank.
        EntityId 0: no particular record (the field list does not depend on it)."""
        return self.call('GetConnectionsAndDisplayFields', {'CrmActorType': crm_actor_type, 'EntityId': int(entity_id)},
                         expect=[CONNECTION_DATA], repeatable=READ)

    def move_erp_field_item(self, field_id, direction, connection_id, actor_type):
        # ONCE: each call moves the field one place more, so a lost answer is settled by reading the order again.
        return self.call('MoveErpFieldItem', {'ErpFieldId': int(field_id), 'Direction': int(direction), 'ErpConnectionId': int(connection_id),
                                              'ErpActorType': actor_type}, repeatable=ONCE)

    # Sync runs
    def sync(self, method, body=None):
        return self.call(method, body, expect=PLUGIN_RESPONSE, repeatable=ONCE)

    def force_resync_batch_task(self, connection_id, internal_key_ids):
        # ONCE: a second call starts a second batch task. It answers 204: the outcome shows later, in the sync summary.
        return self.call('ForceResyncBatchTask', {'ErpConnectionId': int(connection_id), 'InternalKeyIds': [int(k) for k in internal_key_ids]},
                         repeatable=ONCE)
