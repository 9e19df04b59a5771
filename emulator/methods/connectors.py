# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connector methods: the list, the config field metadata, and the connector entity (create, read, save, delete) with its
URL test and delete check. A connector's config fields and actor types are asked from the connector service at its URL
each time they are needed, as the server asks the connector (GetConfigData, GetSupportedActorTypes)."""

import copy

from ..agent import BadRequest, BusinessRuleError, InvalidRequest, NO_CONTENT, agent_method, carrier, int_param, optional, str_param

RESPONSE_CODES = ('NoError', 'ErrorConnectorHasConnections', 'ErrorNotFound')


class ConnectorMethods:

    def _connector_entity(self, connector):
        return carrier({'ErpConnectorId': connector['id'], 'DisplayName': connector['name'], 'URL': connector['url'],
                        'Deleted': connector['deleted']})

    def _service(self, url):
        """The connector service answering at a URL (its config fields and actor types), or None."""
        return self.state['services'].get((url or '').strip().lower())

    def _connector_offer(self, connector_id):
        """What the connector service at a connector's URL offers now: its config fields and actor types. A connector no
        service answers for offers what the data file declares for it (nothing, for one registered through the agent)."""
        connector = self.state['connectors'].get(connector_id)
        if connector is None:
            return {'config_fields': [], 'actor_types': []}
        return self._service(connector['url']) or {'config_fields': connector['config_fields'], 'actor_types': connector['actor_types']}

    def _connections_of(self, connector_id):
        return [c for c in self.state['connections'].values() if c['ErpConnectorId'] == connector_id and not c['Deleted']]

    @agent_method('GetAllConnectors', 'ArrayOfListItem', 'ListItem')
    def get_all_connectors(self, params):
        del params
        # "Uses the ErpConnector archive" (Swagger; its columns are id, url and name) and returns "the connector id, name, url"
        # (.NET reference): ListItem has Id, Name and ToolTip, so the URL is in ToolTip.
        return [{'Id': c['id'], 'Name': c['name'], 'ToolTip': c['url']} for c in self._sorted('connectors') if not c['deleted']]

    @agent_method('GetConfigurationFields', 'ArrayOfFieldMetadata', 'FieldMetadata')
    def get_configuration_fields(self, params):
        connector = self.state['connectors'].get(int_param(params, 'ErpConnectorId'))
        if connector is None or connector['deleted']:
            return None
        return [carrier(copy.deepcopy(field)) for field in self._connector_offer(connector['id'])['config_fields']]

    @agent_method('CreateDefaultErpSyncConnectorEntity', 'ErpSyncConnectorEntity')
    def create_default_connector_entity(self, params):
        del params
        return carrier({'ErpConnectorId': 0, 'DisplayName': '', 'URL': '', 'Deleted': False})

    @agent_method('GetErpSyncConnectorEntity', 'ErpSyncConnectorEntity', request='query')
    def get_connector_entity(self, params):
        connector = self.state['connectors'].get(int_param(params, 'erpSyncConnectorEntityId'))
        return self._connector_entity(connector) if connector else None

    @agent_method('SaveErpSyncConnectorEntity', 'ErpSyncConnectorEntity', request='entity')
    def save_connector_entity(self, params):
        connector_id = optional(params, 'ErpConnectorId', int, 0)
        name = optional(params, 'DisplayName', str, '')
        url = optional(params, 'URL', str, '')
        if not name.strip():
            raise InvalidRequest('DisplayName must not be empty.')
        if len(name) > 254 or len(url) > 1023:
            raise InvalidRequest('DisplayName is at most 254 and URL at most 1023 characters long.')
        if connector_id == 0:
            connector_id = max(list(self.state['connectors']) + [0]) + 1
            connector = self.state['connectors'][connector_id] = {
                'id': connector_id, 'name': name, 'url': '', 'description': '', 'deleted': False, 'config_fields': [], 'actor_types': []}
        else:
            connector = self.state['connectors'].get(connector_id)
            if connector is None or connector['deleted']:
                raise InvalidRequest('ErpConnector %d does not exist.' % connector_id)
        connector['name'] = name
        if url.strip().lower() != connector['url'].strip().lower():
            # A new URL is a new connector service: what the data file declared for the old one no longer applies.
            connector['config_fields'], connector['actor_types'] = [], []
        connector['url'] = url
        return self._connector_entity(connector)

    @agent_method('DeleteErpSyncConnectorEntity', None, request='query')
    def delete_connector_entity(self, params):
        connector = self.state['connectors'].get(int_param(params, 'erpSyncConnectorEntityId'))
        if connector is not None:
            if self._connections_of(connector['id']):
                raise BusinessRuleError('ErpConnector %d is used by connections and cannot be deleted.' % connector['id'])
            connector['deleted'] = True
        return NO_CONTENT

    @agent_method('CanDeleteErpSyncConnectorEntity', 'ErpSyncResponseCode')
    def can_delete_connector_entity(self, params):
        connector = self.state['connectors'].get(int_param(params, 'ErpSyncConnectorId'))
        if connector is None or connector['deleted']:
            return 'ErrorNotFound'
        return 'ErrorConnectorHasConnections' if self._connections_of(connector['id']) else 'NoError'

    @agent_method('TestConnectorUrl', 'ErpSyncResponseCode')
    def test_connector_url(self, params):
        url = str_param(params, 'Url')
        if not url.strip():
            raise BadRequest("'Url' must not be empty.")
        override = self.state['connector_url_results'].get(url.strip().lower())
        if override:
            return override
        return 'NoError' if self._service(url) else 'ErrorNotFound'
