# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connection methods: list, read, save (full replace; id 0 creates), soft delete, the Active toggle (a flip, refused while
an active actor type has a mandatory field without a direction), the two connection tests and the sync summary."""

import copy
import uuid

from ..agent import (NO_CONTENT, BadRequest, BusinessRuleError, DataError, InvalidRequest, agent_method, bool_param, carrier,
                     int_param, lookup, optional, MISSING)

# LastSync of a connection that never synchronized: .NET's DateTime.MinValue, as a DateTime member that was never set
# serializes (Swagger: LastSync is a date-time).
NEVER_SYNCED = '0001-01-01T00:00:00'

# DB column lengths from the SuperOffice table docs (ErpConnection).
STRING_LIMITS = (('DisplayName', 254), ('DisplayDescription', 254), ('ConnectionId', 127), ('MostRecentTimestamp', 254))

CONNECTION_FIELDS = ('ErpConnectionId', 'ErpConnectorId', 'DisplayName', 'DisplayDescription', 'Active', 'ConnectionId',
                     'MostRecentTimestamp', 'ConfigFields', 'Deleted', 'AllAccess', 'UserGroupAccessIds', 'AssociateAccessIds')


def parse_connection(obj, error=BadRequest):
    """An ErpConnection object (payload or data file) -> the stored form.

    ``ConfigFields`` stays None when missing/null: SaveConnection keeps the stored config then.
    """
    if not isinstance(obj, dict):
        raise error('An ErpConnection must be a JSON object')
    return {
        'ErpConnectionId': optional(obj, 'ErpConnectionId', int, 0, error),
        'ErpConnectorId': optional(obj, 'ErpConnectorId', int, 0, error),
        'DisplayName': optional(obj, 'DisplayName', str, '', error),
        'DisplayDescription': optional(obj, 'DisplayDescription', str, '', error),
        'Active': optional(obj, 'Active', bool, False, error),
        'ConnectionId': optional(obj, 'ConnectionId', str, '', error),
        'MostRecentTimestamp': optional(obj, 'MostRecentTimestamp', str, '', error),
        'ConfigFields': optional(obj, 'ConfigFields', dict, None, error),
        'Deleted': optional(obj, 'Deleted', bool, False, error),
        'AllAccess': optional(obj, 'AllAccess', bool, False, error),
        'UserGroupAccessIds': optional(obj, 'UserGroupAccessIds', list, [], error),
        'AssociateAccessIds': optional(obj, 'AssociateAccessIds', list, [], error),
    }


class ConnectionMethods:

    def _connector_fields(self, connector_id):
        return self._connector_offer(connector_id)['config_fields']

    def _masked_config(self, connector_id, config):
        config = dict(config)
        if not self.state['password_fields_readable']:
            mask = self.state['password_mask']  # None: blank; a text; True: one * per character (a set value only)
            for key in self.password_keys(connector_id) & set(config):
                value = config[key]
                config[key] = '' if not value or mask is None else '*' * len(value) if mask is True else mask
        return config

    def _connection_out(self, conn, with_config=True):
        out = dict((name, copy.deepcopy(conn[name])) for name in CONNECTION_FIELDS)
        out['ConfigFields'] = self._masked_config(conn['ErpConnectorId'], conn['ConfigFields']) if with_config else {}
        return carrier(out)

    def _live_connection(self, conn_id):
        conn = self.state['connections'].get(conn_id)
        return conn if conn and not conn['Deleted'] else None

    def _live_connection_or_refuse(self, conn_id):
        """The live connection, or the refusal a method about an unknown (or deleted) connection answers with."""
        conn = self._live_connection(conn_id)
        if conn is None:
            raise InvalidRequest('ErpConnection %d does not exist.' % conn_id)
        return conn

    def _config_passes(self, connector_id, config):
        """What a connector's TestConfigData would say: it knows the connector, and every Mandatory field has a value."""
        if connector_id not in self.state['connectors'] or connector_id in self.state['config_test_failures']:
            return False
        return all(('%s' % config.get(field['FieldKey'], '')).strip()
                   for field in self._connector_fields(connector_id) if field['Access'] == 'Mandatory')

    @agent_method('GetAllConnections', 'ArrayOfErpConnection', 'ErpConnection')
    def get_all_connections(self, params):
        include_deleted = bool_param(params, 'IncludeDeleted', default=False)
        return [self._connection_out(conn, with_config=False)
                for conn in self._sorted('connections')
                if include_deleted or not conn['Deleted']]

    @agent_method('GetConnection', 'ErpConnection')
    def get_connection(self, params):
        conn = self.state['connections'].get(int_param(params, 'ErpConnectionId'))
        return self._connection_out(conn) if conn else None

    @agent_method('GetErpConnectionConfigFields', 'StringDictionary')
    def get_connection_config_fields(self, params):
        conn = self.state['connections'].get(int_param(params, 'ErpConnectionId'))
        return self._masked_config(conn['ErpConnectorId'], conn['ConfigFields']) if conn else None

    @agent_method('SaveConnection', 'ErpConnection')
    def save_connection(self, params):
        payload = lookup(params, 'Connection')
        if payload is MISSING or payload is None:
            raise InvalidRequest("The required parameter 'Connection' is missing.")
        new = parse_connection(payload)
        conn_id = new['ErpConnectionId']
        connector_id = new['ErpConnectorId']
        connector = self.state['connectors'].get(connector_id)
        if connector is None or connector['deleted']:
            raise InvalidRequest('ErpConnector %d does not exist.' % connector_id)
        for name, limit in STRING_LIMITS:
            if len(new[name]) > limit:
                raise InvalidRequest('%s is longer than %d characters.' % (name, limit))

        stored = None
        if conn_id != 0:
            stored = self.state['connections'].get(conn_id)
            if stored is None:
                raise InvalidRequest('ErpConnection %d does not exist.' % conn_id)
            if stored['Deleted']:
                raise InvalidRequest('ErpConnection %d is deleted and cannot be saved.' % conn_id)

        old_config = stored['ConfigFields'] if stored else {}
        if new['ConfigFields'] is None:
            new['ConfigFields'] = dict(old_config)
        else:
            # Reads blank Password fields, so a client cannot send them back; absent ones are kept.
            for key in self.password_keys(connector_id) - set(new['ConfigFields']):
                if key in old_config:
                    new['ConfigFields'][key] = old_config[key]
        if stored and stored['Active'] and new['ConfigFields'] != old_config:
            raise BusinessRuleError('ErpConnection %d is active: its ConfigFields cannot be changed. '
                                    'Deactivate the connection, save it, then activate it again.' % conn_id)

        if not new['ConnectionId']:
            new['ConnectionId'] = stored['ConnectionId'] if stored else str(uuid.uuid4())
        for other in self.state['connections'].values():
            if other['ErpConnectionId'] != conn_id and other['ConnectionId'].lower() == new['ConnectionId'].lower():
                raise BusinessRuleError('ConnectionId is already used by ErpConnection %d.' % other['ErpConnectionId'])

        # Active and Deleted are server-managed: only the toggle and DeleteConnection change them.
        new['Active'] = stored['Active'] if stored else False
        new['Deleted'] = False
        if not stored:
            conn_id = new['ErpConnectionId'] = self.state['next_id']
            self.state['next_id'] += 1
        self.state['connections'][conn_id] = new  # full replace, as the carrier is saved whole
        if not stored or stored['ErpConnectorId'] != connector_id:
            # The server asks the connector for its actor types and fields when a connection is set up (SDK setup-connection).
            self._refresh_fields(conn_id)
        return self._connection_out(new)

    @agent_method('DeleteConnection', None)
    def delete_connection(self, params):
        conn = self.state['connections'].get(int_param(params, 'ErpConnectionId'))
        if conn:
            conn['Deleted'] = True
            conn['Active'] = False
        return NO_CONTENT

    @agent_method('ToggleErpConnectionActive', 'ArrayOfstring', 'string')
    def toggle_connection_active(self, params):
        conn_id = int_param(params, 'ErpConnectionId')
        conn = self._live_connection(conn_id)
        if conn is None:
            return None
        if not conn['Active']:
            reasons = list(self.state['toggle_failures'].get(conn_id) or []) or self._activation_problems(conn_id)
            if reasons:
                return reasons
        conn['Active'] = not conn['Active']
        return ['']

    @agent_method('TestConnectionById', 'boolean')
    def test_connection_by_id(self, params):
        conn_id = int_param(params, 'ErpConnectionId')
        conn = self._live_connection(conn_id)
        if conn is None or conn_id in self.state['test_failures']:
            return False
        return self._config_passes(conn['ErpConnectorId'], conn['ConfigFields'])

    @agent_method('TestConnectionByConfig', 'boolean')
    def test_connection_by_config(self, params):
        # Chosen reading of the ambiguous parameter (see the README): ErpConnectionId names the connector, as the .NET
        # reference says and as a connection that is not saved yet requires; the config is tested as it is sent.
        connector_id = int_param(params, 'ErpConnectionId')
        config = optional(params, 'ConfigFields', dict, {})
        return self._config_passes(connector_id, config)

    @agent_method('GetErpSyncConnectionSummary', 'ErpSyncConnectionSummary')
    def get_connection_summary(self, params):
        conn = self.state['connections'].get(int_param(params, 'ErpSyncConnectionId'))
        if conn is None:
            return None
        return carrier({
            'DisplayName': conn['DisplayName'], 'DisplayDescription': conn['DisplayDescription'], 'Active': conn['Active'],
            'Deleted': conn['Deleted'], 'LastSync': self.state['last_sync'].get(conn['ErpConnectionId']) or NEVER_SYNCED,
            'Actors': self._actor_summaries(conn['ErpConnectionId']),
        })


def parse_connections(raw, connectors, tenant_key):
    """The data file's connections -> stored form, with deterministic GUIDs (so a reset gives the same ones)."""
    connections = {}
    for item in raw or []:
        conn = parse_connection(item, error=DataError)
        conn_id = conn['ErpConnectionId']
        if conn_id <= 0 or conn_id in connections:
            raise DataError('connection ids must be positive and unique (got %d)' % conn_id)
        if conn['ErpConnectorId'] not in connectors:
            raise DataError('connection %d uses unknown connector %d' % (conn_id, conn['ErpConnectorId']))
        if conn['ConfigFields'] is None:
            conn['ConfigFields'] = {}
        if not conn['ConnectionId']:
            conn['ConnectionId'] = str(uuid.uuid5(uuid.NAMESPACE_URL, 'superoffice-emulator:%s:%d' % (tenant_key, conn_id)))
        if conn['Deleted']:
            conn['Active'] = False
        connections[conn_id] = conn
    return connections
