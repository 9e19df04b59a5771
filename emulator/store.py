# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tenant state and ErpSync agent semantics, with no HTTP in it.

A transport front-end (the JSON/HTTP one in ``server.py``, a SOAP one later) turns a
request into ``Tenant.call(method_name, params)`` where ``params`` is the decoded
request object (PascalCase keys), and turns the return value or the raised
``AgentError`` back into its own wire format.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy
import json
import re
import threading
import time
import uuid

from . import online as _online
from .timespan import format_timespan, parse_timespan

_MISSING = object()

# Returned by void methods (DeleteConnection, ChangeEngineInterval): HTTP 204.
NO_CONTENT = object()

INT32_MIN = -2147483648
INT32_MAX = 2147483647

FIELD_TYPES = ('Checkbox', 'Text', 'Password', 'Integer', 'Double', 'List', 'Date', 'Label')
FIELD_ACCESS = ('Normal', 'Mandatory', 'ReadOnly')

# DB column lengths from the SuperOffice table docs (ErpConnection).
_STRING_LIMITS = (('DisplayName', 254), ('DisplayDescription', 254), ('ConnectionId', 127), ('MostRecentTimestamp', 254))

CONNECTION_FIELDS = ('ErpConnectionId', 'ErpConnectorId', 'DisplayName', 'DisplayDescription', 'Active', 'ConnectionId',
                     'MostRecentTimestamp', 'ConfigFields', 'Deleted', 'AllAccess', 'UserGroupAccessIds', 'AssociateAccessIds')

DEFAULT_VERSION = {
    'NetServerVersion': '11.10.1234.0',
    'NetServerLabel': 'SuperOffice CRM 11.10 (WebAPI emulator)',
    'Services': 'Services87',
    'ServicesCurrent': 'Services88',
    'Version': '11.10',
}


class AgentError(Exception):
    """A refused call, answered with the agents' "internal error object"."""

    http_status = 200

    def __init__(self, detail):
        super(AgentError, self).__init__(detail)
        self.detail = detail

    def body(self):
        return {'Message': 'The request is invalid.', 'MessageDetail': self.detail}


class InvalidRequest(AgentError):
    """Missing parameter or a rule violation: HTTP 200 with the error object (documented agent quirk)."""

    http_status = 200


class BadRequest(AgentError):
    """Malformed request (wrong JSON type, body not JSON): HTTP 400 with the error object."""

    http_status = 400


class DataError(ValueError):
    """The data file (or an admin call) holds something the emulator cannot use."""


class AgentMethod(object):
    """One ErpSync method: its canonical name, implementation and carrier type (for XML/SOAP)."""

    def __init__(self, name, func, result_type, item_type=None):
        self.name = name
        self.func = func
        self.result_type = result_type
        self.item_type = item_type


METHODS = {}


def agent_method(name, result_type, item_type=None):
    def decorate(func):
        METHODS[name.lower()] = AgentMethod(name, func, result_type, item_type)
        return func
    return decorate


def find_method(name):
    """Case-insensitive like ASP.NET routing; None when the agent has no such method."""
    return METHODS.get((name or '').lower())


def json_type(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, (int, float)):
        return 'number'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, list):
        return 'array'
    return 'object'


def _lookup(obj, name):
    # JSON.NET binds property names case-insensitively; keep that.
    if name in obj:
        return obj[name]
    lowered = name.lower()
    for key, value in obj.items():
        if key.lower() == lowered:
            return value
    return _MISSING


def _int_value(value, name, error=BadRequest):
    if isinstance(value, bool) or not isinstance(value, int):
        raise error("'%s' must be an integer, got a JSON %s" % (name, json_type(value)))
    if not INT32_MIN <= value <= INT32_MAX:
        raise error("'%s' is outside the 32-bit integer range" % name)
    return value


def _int_param(params, name):
    value = _lookup(params, name)
    if value is _MISSING or value is None:
        raise InvalidRequest("The required parameter '%s' is missing." % name)
    return _int_value(value, name)


def _bool_param(params, name, default=_MISSING):
    value = _lookup(params, name)
    if value is _MISSING or value is None:
        if default is _MISSING:
            raise InvalidRequest("The required parameter '%s' is missing." % name)
        return default
    if not isinstance(value, bool):
        raise BadRequest("'%s' must be a boolean, got a JSON %s" % (name, json_type(value)))
    return value


def _optional(obj, name, kind, default, error=BadRequest):
    """Read an optional typed member: missing or null -> default (what .NET binding does)."""
    value = _lookup(obj, name)
    if value is _MISSING or value is None:
        return copy.deepcopy(default)
    if kind is int:
        return _int_value(value, name, error)
    if kind is bool and not isinstance(value, bool):
        raise error("'%s' must be a boolean, got a JSON %s" % (name, json_type(value)))
    if kind is str and not isinstance(value, str):
        raise error("'%s' must be a string, got a JSON %s" % (name, json_type(value)))
    if kind is list:
        if not isinstance(value, list):
            raise error("'%s' must be an array of integers, got a JSON %s" % (name, json_type(value)))
        return [_int_value(item, name, error) for item in value]
    if kind is dict:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise error("'%s' must be an object of string values" % name)
        return dict(value)
    return value


def parse_connection(obj, error=BadRequest):
    """An ErpConnection object (payload or data file) -> the stored form.

    ``ConfigFields`` stays None when missing/null: SaveConnection keeps the stored config then.
    """
    if not isinstance(obj, dict):
        raise error('An ErpConnection must be a JSON object, got a JSON %s' % json_type(obj))
    conn = {
        'ErpConnectionId': _optional(obj, 'ErpConnectionId', int, 0, error),
        'ErpConnectorId': _optional(obj, 'ErpConnectorId', int, 0, error),
        'DisplayName': _optional(obj, 'DisplayName', str, '', error),
        'DisplayDescription': _optional(obj, 'DisplayDescription', str, '', error),
        'Active': _optional(obj, 'Active', bool, False, error),
        'ConnectionId': _optional(obj, 'ConnectionId', str, '', error),
        'MostRecentTimestamp': _optional(obj, 'MostRecentTimestamp', str, '', error),
        'ConfigFields': _optional(obj, 'ConfigFields', dict, None, error),
        'Deleted': _optional(obj, 'Deleted', bool, False, error),
        'AllAccess': _optional(obj, 'AllAccess', bool, False, error),
        'UserGroupAccessIds': _optional(obj, 'UserGroupAccessIds', list, [], error),
        'AssociateAccessIds': _optional(obj, 'AssociateAccessIds', list, [], error),
    }
    return conn


def _parse_field(raw, rank):
    if not isinstance(raw, dict) or not isinstance(raw.get('FieldKey'), str) or not raw['FieldKey']:
        raise DataError('every config field needs a non-empty string FieldKey')
    field = {
        'FieldKey': raw['FieldKey'],
        'Rank': raw.get('Rank', rank),
        'DisplayName': raw.get('DisplayName', raw['FieldKey']),
        'DisplayDescription': raw.get('DisplayDescription', ''),
        'FieldType': raw.get('FieldType', 'Text'),
        'ListName': raw.get('ListName', ''),
        'DefaultValue': raw.get('DefaultValue', ''),
        'MaxLength': raw.get('MaxLength', 0),
        'Access': raw.get('Access', 'Normal'),
        'ShowInSearch': raw.get('ShowInSearch', False),
    }
    if field['FieldType'] not in FIELD_TYPES:
        raise DataError('config field %s: FieldType must be one of %s' % (field['FieldKey'], ', '.join(FIELD_TYPES)))
    if field['Access'] not in FIELD_ACCESS:
        raise DataError('config field %s: Access must be one of %s' % (field['FieldKey'], ', '.join(FIELD_ACCESS)))
    return field


def _parse_connector(raw):
    if not isinstance(raw, dict) or isinstance(raw.get('id'), bool) or not isinstance(raw.get('id'), int):
        raise DataError('every connector needs an integer "id"')
    fields = raw.get('config_fields') or []
    return {
        'id': raw['id'],
        'name': str(raw.get('name', 'Connector %d' % raw['id'])),
        'url': str(raw.get('url', '')),
        'config_fields': [_parse_field(f, i + 1) for i, f in enumerate(fields)],
    }


def _looks_online(key):
    # Online context identifiers are "Cust" + digits; anything else is treated as on-site.
    return re.match(r'^Cust\d+$', key) is not None


def parse_id_list(value, what):
    if not isinstance(value, list) or any(isinstance(i, bool) or not isinstance(i, int) for i in value):
        raise DataError('%s must be a list of integer ids' % what)
    return sorted(set(value))


def parse_toggle_failures(value):
    if not isinstance(value, dict):
        raise DataError('toggle_failures must be an object {"<id>": ["reason", ...]}')
    result = {}
    for key, reasons in value.items():
        try:
            conn_id = int(key)
        except (TypeError, ValueError):
            raise DataError('toggle_failures keys must be connection ids, got %r' % (key,))
        if isinstance(reasons, str):
            reasons = [reasons]
        if not isinstance(reasons, list) or not reasons or not all(isinstance(r, str) for r in reasons):
            raise DataError('toggle_failures["%s"] must be a non-empty list of strings' % key)
        result[conn_id] = list(reasons)
    return result


def _parse_engine(raw):
    if not isinstance(raw, dict):
        raise DataError('engine must be an object')
    running = raw.get('running', False)
    if not isinstance(running, bool):
        raise DataError('engine.running must be a boolean')
    interval = raw.get('interval_seconds', 300)
    if 'interval' in raw:
        try:
            interval = parse_timespan(raw['interval'])
        except ValueError as exc:
            raise DataError('engine.interval: %s' % exc)
    if isinstance(interval, bool) or not isinstance(interval, int) or interval <= 0:
        raise DataError('engine.interval_seconds must be a positive integer')
    delay = raw.get('delay')
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0):
        raise DataError('engine.delay must be a non-negative number of seconds')
    return {
        'running': running,
        'interval_seconds': interval,
        'status_message': str(raw.get('status_message', 'Running' if running else 'Stopped')),
        'delay': delay,
        'pending': None,
    }


def _parse_tenant(key, raw):
    """Data-file tenant -> initial state dict. Raises DataError with the tenant named."""
    if not isinstance(raw, dict):
        raise DataError('tenant %s must be an object' % key)
    try:
        creds = raw.get('credentials') or {}
        users = creds.get('users') or {}
        if not isinstance(users, dict) or not all(isinstance(v, str) for v in users.values()):
            raise DataError('credentials.users must map user names to password strings')
        credentials = {'users': dict(users)}
        for name in ('tickets', 'access_tokens', 'app_tokens'):
            values = creds.get(name) or []
            if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
                raise DataError('credentials.%s must be a list of non-empty strings' % name)
            credentials[name] = list(values)

        connectors = {}
        for item in raw.get('connectors') or []:
            connector = _parse_connector(item)
            if connector['id'] in connectors:
                raise DataError('duplicate connector id %d' % connector['id'])
            connectors[connector['id']] = connector

        connections = {}
        for item in raw.get('connections') or []:
            conn = parse_connection(item, error=DataError)
            conn_id = conn['ErpConnectionId']
            if conn_id <= 0 or conn_id in connections:
                raise DataError('connection ids must be positive and unique (got %d)' % conn_id)
            if conn['ErpConnectorId'] not in connectors:
                raise DataError('connection %d uses unknown connector %d' % (conn_id, conn['ErpConnectorId']))
            if conn['ConfigFields'] is None:
                conn['ConfigFields'] = {}
            if not conn['ConnectionId']:
                # Deterministic, so that a reset gives the same GUIDs again.
                conn['ConnectionId'] = str(uuid.uuid5(uuid.NAMESPACE_URL, 'superoffice-emulator:%s:%d' % (key, conn_id)))
            if conn['Deleted']:
                conn['Active'] = False
            connections[conn_id] = conn

        version = dict(DEFAULT_VERSION)
        version.update(raw.get('version') or {})
        disabled = raw.get('disabled_methods') or []
        for name in disabled:
            if find_method(name) is None:
                raise DataError('disabled_methods: unknown ErpSync method %r' % (name,))
        online = raw.get('online', _looks_online(key))
        if not isinstance(online, bool):
            raise DataError('online must be a boolean')
        try:
            online_auth = _online.parse_settings(raw)  # state, system_users (emulator/online.py)
        except ValueError as exc:
            raise DataError(str(exc))
        return {
            'online': online,
            'online_auth': online_auth,
            'credentials': credentials,
            'engine': _parse_engine(raw.get('engine') or {}),
            'connectors': connectors,
            'connections': connections,
            'next_id': max(list(connections) + [0]) + 1,
            'toggle_failures': parse_toggle_failures(raw.get('toggle_failures') or {}),
            'test_failures': parse_id_list(raw.get('test_failures') or [], 'test_failures'),
            'password_fields_readable': bool(raw.get('password_fields_readable', False)),
            'version': version,
            'disabled_methods': set(find_method(n).name for n in disabled),
            'faults': [],
        }
    except DataError as exc:
        raise DataError('tenant %s: %s' % (key, exc))


def _carrier(obj):
    """Add the read-only carrier metadata every agent carrier has (as the doc samples show)."""
    obj['TableRight'] = {'Mask': 'FULL', 'Reason': ''}
    obj['FieldProperties'] = {}
    return obj


class Tenant(object):
    """One tenant: its credentials, ErpSync engine, connectors and connections.

    Every public entry point takes ``self.lock``, so concurrent HTTP threads see each
    call as atomic; tenants never share state.
    """

    def __init__(self, key, raw, default_delay=1.0):
        self.key = key
        self.default_delay = default_delay
        self.lock = threading.RLock()
        self._initial = _parse_tenant(key, raw)
        self.state = None
        self.reset()

    # -- administration -------------------------------------------------------------------

    def reset(self):
        with self.lock:
            self.state = copy.deepcopy(self._initial)

    @property
    def online(self):
        return self.state['online']

    @property
    def credentials(self):
        return self.state['credentials']

    @property
    def version(self):
        return self.state['version']

    def method_enabled(self, method):
        return method.name not in self.state['disabled_methods']

    def password_keys(self, connector_id=None):
        """FieldKeys of Password-type config fields of one connector, or of all connectors."""
        keys = set()
        for connector in self.state['connectors'].values():
            if connector_id is None or connector['id'] == connector_id:
                keys.update(f['FieldKey'] for f in connector['config_fields'] if f['FieldType'] == 'Password')
        return keys

    def set_toggle_failures(self, value):
        failures = parse_toggle_failures(value)
        with self.lock:
            self.state['toggle_failures'] = failures

    def set_test_failures(self, value):
        failures = parse_id_list(value, 'test_failures')
        with self.lock:
            self.state['test_failures'] = failures

    def set_engine(self, changes):
        """Direct engine edits for tests (no queue): running, delay, interval(_seconds), status_message."""
        if not isinstance(changes, dict):
            raise DataError('engine settings must be an object')
        unknown = set(changes) - {'running', 'delay', 'interval', 'interval_seconds', 'status_message'}
        if unknown:
            raise DataError('unknown engine settings: %s' % ', '.join(sorted(unknown)))
        with self.lock:
            engine = self.state['engine']
            merged = dict(engine, **changes)
            if 'running' in changes and 'status_message' not in changes:
                merged['status_message'] = 'Running' if changes['running'] else 'Stopped'
            parsed = _parse_engine(merged)
            parsed['pending'] = None if 'running' in changes else engine['pending']
            self.state['engine'] = parsed

    def add_fault(self, rule):
        with self.lock:
            self.state['faults'].append(rule)

    def clear_faults(self):
        with self.lock:
            self.state['faults'] = []

    def take_fault(self, method_name):
        """The first rule for this method (or "*") with count left; decrements it."""
        with self.lock:
            for rule in self.state['faults']:
                if rule['count'] > 0 and rule['method'] in ('*', method_name):
                    rule['count'] -= 1
                    return dict(rule)
        return None

    def snapshot(self):
        """Full current state for assertions: config in clear, credentials left out."""
        with self.lock:
            self._settle_engine()
            engine = dict(self.state['engine'])
            pending = engine['pending']
            if pending:
                engine['pending'] = {'run': pending['run'], 'applies_in': round(max(0.0, pending['due'] - time.monotonic()), 3)}
            engine['interval'] = format_timespan(engine['interval_seconds'])
            engine['effective_delay'] = self._delay()
            return {
                'tenant': self.key,
                'online': self.online,
                'password_fields_readable': self.state['password_fields_readable'],
                'engine': engine,
                'connectors': copy.deepcopy(self._sorted('connectors')),
                'connections': copy.deepcopy(self._sorted('connections')),
                'next_connection_id': self.state['next_id'],
                'toggle_failures': dict((str(k), list(v)) for k, v in self.state['toggle_failures'].items()),
                'test_failures': list(self.state['test_failures']),
                'faults': copy.deepcopy(self.state['faults']),
                'disabled_methods': sorted(self.state['disabled_methods']),
            }

    # -- the agent ------------------------------------------------------------------------

    def call(self, method, params):
        """Run one ErpSync method. ``params`` is the decoded request object (None = no body).

        Returns the result (None means an explicit JSON null, NO_CONTENT a void method)
        or raises AgentError.
        """
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise BadRequest('The request body must be a JSON object, got a JSON %s' % json_type(params))
        with self.lock:
            self._settle_engine()
            return method.func(self, params)

    def _delay(self):
        delay = self.state['engine']['delay']
        return self.default_delay if delay is None else delay

    def _settle_engine(self):
        # ChangeEngineStatus is queued to the "Batch system"; apply it lazily once due.
        engine = self.state['engine']
        pending = engine['pending']
        if pending and time.monotonic() >= pending['due']:
            engine['running'] = pending['run']
            engine['status_message'] = 'Running' if pending['run'] else 'Stopped'
            engine['pending'] = None

    def _engine_status(self):
        engine = self.state['engine']
        return _carrier({
            'IsRunning': engine['running'],
            'StatusMessage': engine['status_message'],
            'Interval': format_timespan(engine['interval_seconds']),
        })

    def _connector_fields(self, connector_id):
        connector = self.state['connectors'].get(connector_id)
        return connector['config_fields'] if connector else []

    def _masked_config(self, connector_id, config):
        config = dict(config)
        if not self.state['password_fields_readable']:
            for key in self.password_keys(connector_id) & set(config):
                config[key] = ''
        return config

    def _connection_out(self, conn, with_config=True):
        out = dict((name, copy.deepcopy(conn[name])) for name in CONNECTION_FIELDS)
        out['ConfigFields'] = self._masked_config(conn['ErpConnectorId'], conn['ConfigFields']) if with_config else {}
        return _carrier(out)

    def _sorted(self, kind):
        """Connectors or connections in id order."""
        items = self.state[kind]
        return [items[key] for key in sorted(items)]

    def _live_connection(self, conn_id):
        conn = self.state['connections'].get(conn_id)
        return conn if conn and not conn['Deleted'] else None

    @agent_method('GetEngineStatus', 'ErpSyncEngineStatus')
    def get_engine_status(self, params):
        del params
        return self._engine_status()

    @agent_method('ChangeEngineStatus', 'ErpSyncEngineStatus')
    def change_engine_status(self, params):
        run = _bool_param(params, 'Run')
        before = self._engine_status()
        engine = self.state['engine']
        if run == engine['running']:
            # Asking for the current state is harmless and cancels an opposite pending request.
            engine['pending'] = None
        elif not engine['pending'] or engine['pending']['run'] != run:
            engine['pending'] = {'run': run, 'due': time.monotonic() + self._delay()}
        self._settle_engine()  # a zero delay applies at once, after the pre-change answer was taken
        return before

    @agent_method('ChangeEngineInterval', None)
    def change_engine_interval(self, params):
        value = _lookup(params, 'Interval')
        if value is _MISSING or value is None:
            raise InvalidRequest("The required parameter 'Interval' is missing.")
        try:
            seconds = parse_timespan(value)
        except ValueError as exc:
            raise BadRequest(str(exc))
        self.state['engine']['interval_seconds'] = seconds
        return NO_CONTENT

    @agent_method('GetAllConnections', 'ArrayOfErpConnection', 'ErpConnection')
    def get_all_connections(self, params):
        include_deleted = _bool_param(params, 'IncludeDeleted', default=False)
        return [self._connection_out(conn, with_config=False)
                for conn in self._sorted('connections')
                if include_deleted or not conn['Deleted']]

    @agent_method('GetConnection', 'ErpConnection')
    def get_connection(self, params):
        conn = self.state['connections'].get(_int_param(params, 'ErpConnectionId'))
        return self._connection_out(conn) if conn else None

    @agent_method('GetErpConnectionConfigFields', 'StringDictionary')
    def get_connection_config_fields(self, params):
        conn = self.state['connections'].get(_int_param(params, 'ErpConnectionId'))
        return self._masked_config(conn['ErpConnectorId'], conn['ConfigFields']) if conn else None

    @agent_method('SaveConnection', 'ErpConnection')
    def save_connection(self, params):
        payload = _lookup(params, 'Connection')
        if payload is _MISSING or payload is None:
            raise InvalidRequest("The required parameter 'Connection' is missing.")
        new = parse_connection(payload)
        conn_id = new['ErpConnectionId']
        connector_id = new['ErpConnectorId']
        if connector_id not in self.state['connectors']:
            raise InvalidRequest('ErpConnector %d does not exist.' % connector_id)
        for name, limit in _STRING_LIMITS:
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
            raise InvalidRequest('ErpConnection %d is active: its ConfigFields cannot be changed. '
                                 'Deactivate the connection, save it, then activate it again.' % conn_id)

        if not new['ConnectionId']:
            new['ConnectionId'] = stored['ConnectionId'] if stored else str(uuid.uuid4())
        for other in self.state['connections'].values():
            if other['ErpConnectionId'] != conn_id and other['ConnectionId'].lower() == new['ConnectionId'].lower():
                raise InvalidRequest('ConnectionId is already used by ErpConnection %d.' % other['ErpConnectionId'])

        # Active and Deleted are server-managed: only the toggle and DeleteConnection change them.
        new['Active'] = stored['Active'] if stored else False
        new['Deleted'] = False
        if not stored:
            conn_id = new['ErpConnectionId'] = self.state['next_id']
            self.state['next_id'] += 1
        self.state['connections'][conn_id] = new  # full replace, as the carrier is saved whole
        return self._connection_out(new)

    @agent_method('DeleteConnection', None)
    def delete_connection(self, params):
        conn = self.state['connections'].get(_int_param(params, 'ErpConnectionId'))
        if conn:
            conn['Deleted'] = True
            conn['Active'] = False
        return NO_CONTENT

    @agent_method('ToggleErpConnectionActive', 'ArrayOfstring', 'string')
    def toggle_connection_active(self, params):
        conn_id = _int_param(params, 'ErpConnectionId')
        conn = self._live_connection(conn_id)
        if conn is None:
            return None
        if not conn['Active'] and conn_id in self.state['toggle_failures']:
            return list(self.state['toggle_failures'][conn_id])
        conn['Active'] = not conn['Active']
        return ['']

    @agent_method('TestConnectionById', 'boolean')
    def test_connection_by_id(self, params):
        conn_id = _int_param(params, 'ErpConnectionId')
        conn = self._live_connection(conn_id)
        if conn is None or conn_id in self.state['test_failures'] or conn['ErpConnectorId'] not in self.state['connectors']:
            return False
        for field in self._connector_fields(conn['ErpConnectorId']):
            if field['Access'] == 'Mandatory' and not conn['ConfigFields'].get(field['FieldKey'], '').strip():
                return False
        return True

    @agent_method('GetAllConnectors', 'ArrayOfListItem', 'ListItem')
    def get_all_connectors(self, params):
        del params
        return [{'Id': c['id'], 'Name': c['name'], 'ToolTip': c['url']}
                for c in self._sorted('connectors')]

    @agent_method('GetConfigurationFields', 'ArrayOfFieldMetadata', 'FieldMetadata')
    def get_configuration_fields(self, params):
        connector = self.state['connectors'].get(_int_param(params, 'ErpConnectorId'))
        return copy.deepcopy(connector['config_fields']) if connector else None


class TenantStore(object):
    """All tenants of one data file, looked up case-insensitively by tenant key."""

    def __init__(self, data, default_delay=1.0):
        if not isinstance(data, dict) or not isinstance(data.get('tenants'), dict) or not data['tenants']:
            raise DataError('the data file needs a non-empty "tenants" object')
        self.tenants = {}
        for key, raw in data['tenants'].items():
            if not re.match(r'^[A-Za-z0-9_.-]+$', key) or key.startswith('_'):
                raise DataError('tenant key %r must be letters, digits, ".", "-" or "_" and not start with "_"' % (key,))
            if key.lower() in self.tenants:
                raise DataError('duplicate tenant key %s (keys are case-insensitive)' % key)
            self.tenants[key.lower()] = Tenant(key, raw, default_delay)

    @classmethod
    def from_file(cls, path, default_delay=1.0):
        with open(path, 'r', encoding='utf-8') as handle:
            try:
                data = json.load(handle)
            except ValueError as exc:
                raise DataError('%s is not valid JSON: %s' % (path, exc))
        return cls(data, default_delay)

    def get(self, key):
        return self.tenants.get((key or '').lower())

    def all(self):
        return sorted(self.tenants.values(), key=lambda t: t.key)
