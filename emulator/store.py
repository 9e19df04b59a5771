# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tenant state: the data file, the admin edits, and ``Tenant.call`` that runs one agent method under the tenant's lock.

The agent methods themselves live in ``methods/`` (one mixin per resource); a transport front-end (``server.py`` for
JSON, ``soap.py`` for SOAP) turns a request into ``Tenant.call(method, params)`` and the result back into its wire format.
"""

import copy
import json
import re
import threading
import time

from . import online as _online
from .agent import DataError, BadRequest, find_method, json_type
from .crm import parse_crm
from .methods.connections import ConnectionMethods, parse_connections
from .methods.connectors import RESPONSE_CODES, ConnectorMethods
from .methods.engine import EngineMethods
from .methods.mappings import MappingMethods, parse_actor_types
from .methods.priorities import PriorityMethods, parse_connection_rank
from .methods.ranks import RankMethods
from .methods.sync import SyncMethods
from .timespan import format_timespan, parse_timespan

FIELD_TYPES = ('Checkbox', 'Text', 'Password', 'Integer', 'Double', 'List', 'Date', 'Label')
FIELD_ACCESS = ('Normal', 'Mandatory', 'ReadOnly')

DEFAULT_VERSION = {
    'NetServerVersion': '11.10.1234.0',
    'NetServerLabel': 'SuperOffice CRM 11.10 (WebAPI emulator)',
    'Services': 'Services87',
    'ServicesCurrent': 'Services88',
    'Version': '11.10',
}
MAX_LATENCY = 5.0


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


def _parse_service(raw, where):
    """What a connector service at a URL offers: config fields and actor types."""
    fields = raw.get('config_fields') or []
    return {'config_fields': [_parse_field(f, i + 1) for i, f in enumerate(fields)],
            'actor_types': parse_actor_types(raw.get('actor_types'), where)}


def _parse_connector(raw):
    if not isinstance(raw, dict) or isinstance(raw.get('id'), bool) or not isinstance(raw.get('id'), int):
        raise DataError('every connector needs an integer "id"')
    connector = {
        'id': raw['id'],
        'name': str(raw.get('name', 'Connector %d' % raw['id'])),
        'url': str(raw.get('url', '')),
        'description': str(raw.get('description', '')),
        'deleted': bool(raw.get('deleted', False)),
    }
    connector.update(_parse_service(raw, 'connector %d' % raw['id']))
    return connector


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


def parse_latency(value, what='latency'):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_LATENCY:
        raise DataError('%s must be a number of seconds from 0 to %s' % (what, MAX_LATENCY))
    return float(value)


def parse_sync_failures(value):
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise DataError('sync_failures must be a list of objects (UserExplanation, TechExplanation, ErrorCode, Status)')
    return [dict(v) for v in value]


def parse_url_results(value):
    if not isinstance(value, dict) or not all(v in RESPONSE_CODES for v in value.values()):
        raise DataError('connector_url_results must map URLs to one of %s' % ', '.join(RESPONSE_CODES))
    return dict((k.strip().lower(), v) for k, v in value.items())


def parse_password_mask(value):
    """How a server shows stored Password-type values: None (blank, the default), a fixed text such as "********", or
    true (a run of "*" as long as the stored value)."""
    if value is None or value is False:
        return None
    if value is True or (isinstance(value, str) and value):
        return value
    raise DataError('password_mask must be null (blank), a non-empty text such as "********", or true (one * per character)')


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
        services = {}
        for item in raw.get('connectors') or []:
            connector = _parse_connector(item)
            if connector['id'] in connectors:
                raise DataError('duplicate connector id %d' % connector['id'])
            connectors[connector['id']] = connector
            if connector['url']:
                services[connector['url'].strip().lower()] = {'config_fields': connector['config_fields'], 'actor_types': connector['actor_types']}
        for item in raw.get('connector_services') or []:
            if not isinstance(item, dict) or not item.get('url'):
                raise DataError('every connector service needs a "url"')
            services[item['url'].strip().lower()] = _parse_service(item, 'connector service %s' % item['url'])

        connections = parse_connections(raw.get('connections'), connectors, key)
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
            'services': services,
            'connections': connections,
            'next_id': max(list(connections) + [0]) + 1,
            'toggle_failures': parse_toggle_failures(raw.get('toggle_failures') or {}),
            'test_failures': parse_id_list(raw.get('test_failures') or [], 'test_failures'),
            'config_test_failures': parse_id_list(raw.get('config_test_failures') or [], 'config_test_failures'),
            'connector_url_results': parse_url_results(raw.get('connector_url_results') or {}),
            'sync_failures': parse_sync_failures(raw.get('sync_failures') or []),
            'password_fields_readable': bool(raw.get('password_fields_readable', False)),
            'password_mask': parse_password_mask(raw.get('password_mask')),
            'version': version,
            'disabled_methods': set(find_method(n).name for n in disabled),
            'faults': [],
            'latency': parse_latency(raw.get('latency', 0)),
            'crm': parse_crm(raw),
            # Mapping state: a connection's ERP fields, their mappings, defaults and list mappings (methods/mappings.py).
            'fields': {}, 'erp_fields': {}, 'next_field_id': 1001, 'mappings': {}, 'defaults': {}, 'list_mappings': {},
            'last_sync': {}, 'sync_runs': [],
            # ErpConfiguration.ConnectionRank (methods/priorities.py).
            'connection_rank': parse_connection_rank(raw.get('connection_rank') or []),
        }
    except DataError as exc:
        raise DataError('tenant %s: %s' % (key, exc))


class Tenant(EngineMethods, ConnectionMethods, ConnectorMethods, MappingMethods, SyncMethods, PriorityMethods, RankMethods):
    """One tenant: its credentials, ErpSync engine, connectors, connections and their mappings.

    Every public entry point takes ``self.lock``, so concurrent HTTP threads see each call as atomic; tenants never share
    state.
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
            # The data file's connections are set up as the server sets up a saved one: their fields are read from the connector.
            for conn_id in sorted(self.state['connections']):
                self._refresh_fields(conn_id)

    @property
    def online(self):
        return self.state['online']

    @property
    def credentials(self):
        return self.state['credentials']

    @property
    def version(self):
        return self.state['version']

    @property
    def latency(self):
        return self.state['latency']

    def method_enabled(self, method):
        return method.name not in self.state['disabled_methods']

    def password_keys(self, connector_id=None):
        """FieldKeys of Password-type config fields of one connector, or of all connectors."""
        keys = set()
        for connector in self.state['connectors'].values():
            if connector_id is None or connector['id'] == connector_id:
                keys.update(f['FieldKey'] for f in self._connector_offer(connector['id'])['config_fields'] if f['FieldType'] == 'Password')
        return keys

    def set_toggle_failures(self, value):
        failures = parse_toggle_failures(value)
        with self.lock:
            self.state['toggle_failures'] = failures

    def set_list(self, name, value):
        """Admin edits of a test hook: test_failures, config_test_failures, sync_failures, connector_url_results, latency,
        password_mask."""
        parsers = {'password_mask': parse_password_mask, 'test_failures': lambda v: parse_id_list(v, 'test_failures'),
                   'config_test_failures': lambda v: parse_id_list(v, 'config_test_failures'),
                   'sync_failures': parse_sync_failures, 'connector_url_results': parse_url_results, 'latency': parse_latency}
        parsed = parsers[name](value)
        with self.lock:
            self.state[name] = parsed

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
            state = self.state
            engine = dict(state['engine'])
            pending = engine['pending']
            if pending:
                engine['pending'] = {'run': pending['run'], 'applies_in': round(max(0.0, pending['due'] - time.monotonic()), 3)}
            engine['interval'] = format_timespan(engine['interval_seconds'])
            engine['effective_delay'] = self._delay()
            mappings = {}
            for conn_id in sorted(state['fields']):
                for actor in self._actor_types(conn_id):
                    out = self._mapping_out(conn_id, actor)
                    keep = ('ErpFieldId', 'CrmFieldKey', 'SyncToCrm', 'SyncToErp', 'ShowInGui', 'ShowInSearch', 'MissingInERP')
                    mappings.setdefault(str(conn_id), {})[actor] = {
                        'active': out['IsActive'], 'crm_actor': out['ActorTypeCrm'],
                        'fields': dict((row['ErpFieldKey'], dict((k, row[k]) for k in keep)) for row in out['FieldMappings'])}
            return {
                'tenant': self.key,
                'online': self.online,
                'password_fields_readable': state['password_fields_readable'],
                'password_mask': state['password_mask'],
                'engine': engine,
                'connectors': copy.deepcopy(self._sorted('connectors')),
                'connections': copy.deepcopy(self._sorted('connections')),
                'next_connection_id': state['next_id'],
                'mappings': mappings,
                'defaults': dict((str(k), v) for k, v in sorted(state['defaults'].items())),
                'list_mappings': dict((str(k), v) for k, v in sorted(state['list_mappings'].items())),
                'last_sync': dict((str(k), v) for k, v in sorted(state['last_sync'].items())),
                'sync_runs': copy.deepcopy(state['sync_runs']),
                'toggle_failures': dict((str(k), list(v)) for k, v in state['toggle_failures'].items()),
                'test_failures': list(state['test_failures']),
                'config_test_failures': list(state['config_test_failures']),
                'faults': copy.deepcopy(state['faults']),
                'disabled_methods': sorted(state['disabled_methods']),
                'latency': state['latency'],
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

    def _sorted(self, kind):
        """Connectors or connections in id order."""
        items = self.state[kind]
        return [items[key] for key in sorted(items)]


class TenantStore:
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
