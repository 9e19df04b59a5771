# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ErpSync agent methods the collection calls: one function per method, with the request body the official
Swagger names and the answer shape the client checks before anyone uses the answer.

Private to this collection (the leading underscore): its interface may change without notice.
"""

from ansible_collections.superoffice.crm.plugins.module_utils._client import MapOf, Opt
from ansible_collections.superoffice.crm.plugins.module_utils._values import ascii_int, is_secret_type, seconds_to_timespan

# Enums the server may send as names or as numbers (Swagger order).
ERP_ACTOR_TYPES = ('Unknown', 'Customer', 'Supplier', 'Partner', 'Person', 'Project', 'Employee', 'Sale')
CRM_ACTOR_TYPES = ('Unknown', 'Contact', 'Person', 'Project', 'Sale')
FIELD_ACCESS = ('Normal', 'Mandatory', 'ReadOnly')
ENUM = (str, int)

# Answer shapes (see _client.shape_problem): only what the collection reads is required.
ENGINE = {'IsRunning': bool, 'StatusMessage': Opt(str), 'Interval': Opt(str)}
CONNECTION = {
    'ErpConnectionId': int, 'ErpConnectorId': int, 'DisplayName': Opt(str), 'DisplayDescription': Opt(str), 'Active': bool,
    'ConnectionId': Opt(str), 'MostRecentTimestamp': Opt(str), 'ConfigFields': Opt(MapOf(Opt(str))), 'Deleted': Opt(bool),
    'AllAccess': Opt(bool), 'UserGroupAccessIds': Opt([int]), 'AssociateAccessIds': Opt([int]),
}
LIST_ITEM = {'Id': int, 'Name': Opt(str), 'ToolTip': Opt(str)}
FIELD_METADATA = {
    'FieldKey': str, 'FieldType': Opt(ENUM), 'Access': Opt(ENUM), 'Rank': Opt(int), 'DisplayName': Opt(str),
    'DisplayDescription': Opt(str), 'DefaultValue': Opt(str), 'MaxLength': Opt(int), 'ListName': Opt(str), 'ShowInSearch': Opt(bool),
}
CONNECTOR_ENTITY = {'ErpConnectorId': int, 'DisplayName': Opt(str), 'URL': Opt(str), 'Deleted': Opt(bool)}
ACTOR_SUMMARY = {'ActorType': Opt(ENUM), 'HasMappings': Opt(bool), 'Defaults': Opt(str), 'Mappings': Opt(str)}
SUMMARY = {'DisplayName': Opt(str), 'Active': Opt(bool), 'Deleted': Opt(bool), 'LastSync': Opt(str), 'Actors': Opt([ACTOR_SUMMARY])}
FIELD_MAPPING = {
    'ErpFieldId': int, 'ErpFieldKey': str, 'CrmFieldKey': Opt(str), 'SyncToCrm': Opt(bool), 'SyncToErp': Opt(bool),
    'ShowInGui': Opt(bool), 'ShowInSearch': Opt(bool), 'Access': Opt(ENUM), 'FieldType': Opt(ENUM), 'ListReference': Opt(str),
    'ErpDisplayName': Opt(str), 'CrmDisplayName': Opt(str), 'AlreadyMapped': Opt(bool), 'MissingInERP': Opt(bool), 'MissingInCRM': Opt(bool),
}
ACTOR_MAPPING = {'ErpConnectionId': int, 'IsActive': bool, 'ActorTypeErp': ENUM, 'ActorTypeCrm': Opt(ENUM), 'FieldMappings': [FIELD_MAPPING]}
DEFAULT_VALUE = {
    'ErpFieldId': int, 'DefaultValue': Opt(str), 'HasFirstSyncDefaultValue': Opt(bool), 'FirstSyncDefaultValue': Opt(str),
    'PromptUser': Opt(bool), 'Mandatory': Opt(bool), 'ErpFieldKey': Opt(str),
}
MDO_ITEM = {'Id': int, 'Name': Opt(str), 'ExtraInfo': Opt(str), 'Deleted': Opt(bool)}
LIST_ITEM_MAPPING = {'ErpListItemId': str, 'ErpListItemName': Opt(str), 'CrmListItem': Opt(MDO_ITEM)}
LIST_MAPPING = {'ErpFieldId': int, 'ErpListName': Opt(str), 'ErpActorTypeName': Opt(str), 'CrmList': Opt(MDO_ITEM),
                'ErpCrmListItemMappings': [LIST_ITEM_MAPPING]}
LIST_CONTAINER = {'ErpConnectionId': int, 'ErpConnectionName': Opt(str), 'ErpListItemMappings': [LIST_MAPPING]}
PLUGIN_RESPONSE = {'IsOk': bool, 'UserExplanation': Opt(str), 'TechExplanation': Opt(str), 'ErrorCode': Opt(str),
                   'Status': Opt(ENUM), 'Changes': Opt(dict)}

# Carrier metadata the server sends but never takes back.
CARRIER_METADATA = ('TableRight', 'FieldProperties')


def enum_name(value, names):
    """An enum sent as a name or as a number (by the Swagger's order), as its name; unknown numbers stay numbers."""
    if isinstance(value, int) and not isinstance(value, bool):
        return names[value] if 0 <= value < len(names) else value
    return value


def writable(carrier):
    """A carrier as it is sent back: without the read-only metadata."""
    return {k: v for k, v in carrier.items() if k not in CARRIER_METADATA}


def blank_reasons(reasons):
    """ToggleErpConnectionActive answers a list of failure reasons; blank strings mean nothing failed."""
    return [r for r in (reasons or []) if r is not None and ('%s' % r).strip()]


class ErpSyncAPI:
    """The ErpSync agent methods the collection uses, with lookups cached for one module run."""

    def __init__(self, client):
        self.client = client
        self._connectors = None
        self._field_metadata = {}

    def call(self, method, body=None, **kwargs):
        return self.client.call(method, body, **kwargs)

    # Engine
    def get_engine_status(self):
        return self.call('GetEngineStatus', expect=ENGINE)

    def change_engine_status(self, run):
        return self.call('ChangeEngineStatus', {'Run': bool(run)}, expect=Opt(ENGINE), null_ok=True)

    def change_engine_interval(self, seconds):
        return self.call('ChangeEngineInterval', {'Interval': seconds_to_timespan(seconds)})

    # Connections
    def get_all_connections(self, include_deleted=False):
        return self.call('GetAllConnections', {'IncludeDeleted': bool(include_deleted)}, expect=[CONNECTION])

    def get_connection(self, connection_id):
        """The connection, or None when the server does not know the id (agents answer 200 ``null``)."""
        return self.call('GetConnection', {'ErpConnectionId': int(connection_id)}, expect=CONNECTION, null_ok=True)

    def save_connection(self, connection):
        # Never repeated blindly: id 0 creates one more connection each time, and an update sent again after the engine moved
        # the sync cursor (MostRecentTimestamp) would set it back. After an unclear answer the caller reads and decides.
        return self.call('SaveConnection', {'Connection': connection}, expect=CONNECTION, repeatable=False)

    def delete_connection(self, connection_id):
        return self.call('DeleteConnection', {'ErpConnectionId': int(connection_id)})

    def toggle_connection_active(self, connection_id):
        """Flip the Active flag. Returns the failure reasons (empty list on success)."""
        return blank_reasons(self.call('ToggleErpConnectionActive', {'ErpConnectionId': int(connection_id)}, expect=[Opt(str)]))

    def test_connection(self, connection_id):
        return self.call('TestConnectionById', {'ErpConnectionId': int(connection_id)}, expect=bool)

    def test_connection_config(self, connection_id, config):
        return self.call('TestConnectionByConfig', {'ErpConnectionId': int(connection_id), 'ConfigFields': dict(config)}, expect=bool)

    def get_connection_summary(self, connection_id):
        # Note the request property: ErpSyncConnectionId, not ErpConnectionId (Swagger GetErpSyncConnectionSummaryRequest).
        return self.call('GetErpSyncConnectionSummary', {'ErpSyncConnectionId': int(connection_id)}, expect=SUMMARY)

    # Connectors
    def get_connectors(self):
        if self._connectors is None:
            self._connectors = self.call('GetAllConnectors', expect=[LIST_ITEM])
        return self._connectors

    def forget_connectors(self):
        self._connectors = None

    def get_field_metadata(self, connector_id):
        """The connector's config field descriptions (FieldKey, FieldType, Access, ...), cached per run; None when the
        server answers null (an unknown or orphaned connector): then nothing about its fields can be told."""
        if connector_id not in self._field_metadata:
            self._field_metadata[connector_id] = self.call('GetConfigurationFields', {'ErpConnectorId': int(connector_id)},
                                                           expect=[FIELD_METADATA], null_ok=True)
        return self._field_metadata[connector_id]

    def password_keys(self, connector_id):
        """Keys of the connector's secret config fields, or None when its metadata is unknown (then every value is secret)."""
        fields = self.get_field_metadata(connector_id) if connector_id else None
        if fields is None:
            return None
        return set(f['FieldKey'] for f in fields if is_secret_type(f.get('FieldType')))

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
        return self.call('GetErpSyncConnectorEntity', query={'erpSyncConnectorEntityId': int(connector_id)},
                         expect=CONNECTOR_ENTITY, null_ok=True)

    def create_default_connector_entity(self):
        return self.call('CreateDefaultErpSyncConnectorEntity', expect=CONNECTOR_ENTITY)

    def save_connector_entity(self, entity):
        # The body is the entity itself (no request wrapper); id 0 creates a connector.
        return self.call('SaveErpSyncConnectorEntity', writable(entity), expect=CONNECTOR_ENTITY,
                         repeatable=bool(entity.get('ErpConnectorId')))

    def delete_connector_entity(self, connector_id):
        return self.call('DeleteErpSyncConnectorEntity', query={'erpSyncConnectorEntityId': int(connector_id)})

    def can_delete_connector_entity(self, connector_id):
        return self.call('CanDeleteErpSyncConnectorEntity', {'ErpSyncConnectorId': int(connector_id)}, expect=str)

    def test_connector_url(self, url):
        return self.call('TestConnectorUrl', {'Url': url}, expect=str)

    # Mappings
    def update_connection_fields(self, connection_id):
        return self.call('UpdateConnectionFields', {'ErpConnectionId': int(connection_id)}, expect=bool)

    def get_actor_type_mapping(self, connection_id, actor_type):
        return self.call('GetActorTypeMapping', {'ErpConnectionId': int(connection_id), 'ActorType': actor_type}, expect=ACTOR_MAPPING)

    def save_actor_type_mapping(self, mapping):
        return self.call('SaveActorTypeMapping', {'Mapping': writable(mapping)}, expect=ACTOR_MAPPING)

    def get_default_value(self, field_id):
        return self.call('GetDefaultValueInfo', {'ErpFieldId': int(field_id)}, expect=DEFAULT_VALUE)

    def save_default_value(self, default):
        return self.call('SaveDefaultValueInfo', {'ErpSyncDefaultValue': writable(default)}, expect=DEFAULT_VALUE)

    def get_list_mappings(self, connection_id):
        return self.call('GetConnectionListMappings', {'ErpConnectionId': int(connection_id)}, expect=LIST_CONTAINER)

    def save_list_mappings(self, container):
        return self.call('SaveConnectionListMappings', {'ListMapping': container}, expect=LIST_CONTAINER)

    def mdo_list(self, name):
        """The items of a CRM list (``GET api/v1/MDOList/{name}?flat=true``), to find CRM list items by name."""
        return self.call('MDOList', query={'name': name}, expect=[MDO_ITEM])

    # Sync runs
    def sync(self, method, body=None):
        return self.call(method, body, expect=PLUGIN_RESPONSE)
