# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A whole tenant as one plan: connectors, connections with their mappings and list mappings, activation and the engine,
in the order the server needs (the stages of _plan.py); used by erpsync_tenant, which the role erpsync runs.

Private to this collection (the leading underscore): its interface may change without notice.
"""

from ansible_collections.superoffice.crm.plugins.module_utils._plan import invalid
from ansible_collections.superoffice.crm.plugins.module_utils._resources import (
    actor_mapping, connection, connection_items, connection_results, connector, list_mapping)
from ansible_collections.superoffice.crm.plugins.module_utils._resources.engine import Engine
from ansible_collections.superoffice.crm.plugins.module_utils._values import interval_to_seconds

TENANT_CONNECTION_OPTIONS = dict(connection_items.CONNECTION_OPTIONS,
                                 mappings=dict(type='list', elements='dict'),
                                 list_mappings=dict(type='list', elements='dict'))


def tenant_items(params):
    """Every desired object of the tenant, checked without a request; raise PlanError listing every problem."""
    connectors = connector.items_from_list(params['connectors'], 'connectors')
    connections = connection_items.items_from_list(params['connections'], TENANT_CONNECTION_OPTIONS, 'connections')
    mappings, lists = [], []
    for item in connections:
        label = 'connections[%d]' % item.index
        if item.errors:
            continue
        if (item.params.get('mappings') or item.params.get('list_mappings')) and item.params['state'] == 'absent':
            item.errors.append('%s: mappings and list_mappings need state=present' % label)
        item.has_mappings = bool(item.params.get('mappings'))
        mappings += actor_mapping.items_from_list(item.params.get('mappings'), label + '.mappings', parent=item)
        if item.params.get('list_mappings'):
            lists.append(list_mapping.validate_params(item.params['list_mappings'], label + '.list_mappings', parent=item))
    errors = connector.problems(connectors) + connection_items.problems(connections) + [e for item in mappings + lists for e in item.errors]
    seconds = None
    if params['engine_interval'] is not None:
        try:
            seconds = interval_to_seconds(params['engine_interval'])
        except ValueError as e:
            errors.append('engine_interval: %s' % e)
    if params['engine_wait_timeout'] < 1:
        errors.append('engine_wait_timeout must be at least 1 second, got %d' % params['engine_wait_timeout'])
    if errors:
        raise invalid(errors)
    return connectors, connections, mappings, lists, seconds


def tenant_kinds(module, api, params, items):
    """The resource kinds of one tenant run, in dependency order."""
    connectors, connections, mappings, lists, seconds = items
    planned = dict((c.params['name'].strip().lower(), c) for c in connectors
                   if c.params['state'] == 'present' and c.params['name'] and c.params['id'] is None)

    def connection_of(item):
        record = item.parent.final
        return record if record and record.get('ErpConnectionId') else None

    kinds = [connector.Connectors(module, api, connectors),
             connection.Connections(module, api, connections, exclusive=params['connections_exclusive'], planned_connectors=planned),
             actor_mapping.ActorMappings(module, api, mappings, connection_of),
             list_mapping.ListMappings(module, api, lists, connection_of)]
    if params['engine_state'] is not None or seconds is not None:
        kinds.append(Engine(module, api, params['engine_state'], seconds, params['engine_wait'], params['engine_wait_timeout']))
    return kinds


def mandatory_without_direction(mappings, conn_item):
    """The mandatory ERP fields of the connection's active actor types that have no direction (as this run read them)."""
    missing = []
    for item in mappings:
        mapping = item.final or item.mapping
        if item.parent is not conn_item or not mapping or not mapping.get('IsActive'):
            continue
        missing += ['%s.%s' % (item.params['actor_type'], row['ErpFieldKey']) for row in mapping['FieldMappings']
                    if row.get('Access') in ('Mandatory', 1) and not (row.get('SyncToCrm') or row.get('SyncToErp'))]
    return missing


def tenant_result(kinds, items, diff_mode):
    """The erpsync_tenant result, and the failure message (or None)."""
    connectors, connections, mappings, lists = items[:4]
    connector_kind, connection_kind, mapping_kind, list_kind = kinds[:4]
    engine = kinds[4] if len(kinds) > 4 else None
    bulk = connection_results.bulk_result(connection_kind, diff_mode)[0]
    for entry, item in zip(bulk['connections'], connections):
        entry['mappings'] = [object_result(mapping_kind, m, 'mapping', diff_mode) for m in mappings if m.parent is item]
        entry['list_mappings'] = [object_result(list_kind, m, 'list_mappings', diff_mode) for m in lists if m.parent is item]
        if item.failed and 'activating' in (item.msg or ''):
            missing = mandatory_without_direction(mappings, item)
            if missing:
                item.msg = entry['msg'] = '%s. Mandatory fields without a direction: %s' % (item.msg, ', '.join(missing))
    result = dict(changed=False, connectors=[object_result(connector_kind, c, 'connector', diff_mode) for c in connectors],
                  connections=bulk['connections'], summary=bulk['summary'],
                  unlisted_deactivated=bulk['unlisted_deactivated'])
    if engine is not None:
        result['engine'] = engine.result(diff_mode)[0]
    failures, applied = [], []
    for label, objects in (('connectors', connectors), ('connections', connections + connection_kind.unlisted), ('mappings', mappings),
                           ('list mappings', lists)):
        for item in objects:
            name = 'unlisted connection %s: ' % connection_items.item_label(item) if getattr(item, 'unlisted', False) else item.where or label + ': '
            if item.failed:
                failures.append('%s%s' % (name, item.msg))
            if item.changed:
                applied.append('%s%s' % (name, ', '.join(item.operations)))
    if engine is not None and engine.item.failed:
        failures.append('engine: %s' % engine.item.msg)
    if engine is not None and engine.item.changed:
        applied.append('engine: %s' % ', '.join(engine.item.operations))
    result['changed'] = bool(applied) or bool(bulk['unlisted_deactivated'])
    if diff_mode:
        result['diff'] = dict(before={}, after={})
        for key, diff in (('connections', bulk.get('diff')), ('engine', (result.get('engine') or {}).get('diff'))):
            if diff and diff['before'] != diff['after']:
                result['diff']['before'][key], result['diff']['after'][key] = diff['before'], diff['after']
        for key, kind, objects in (('connectors', connector_kind, connectors), ('mappings', mapping_kind, mappings), ('list_mappings', list_kind, lists)):
            for item in objects:
                if item.changed:
                    diff = kind.diff(item)
                    name = (item.where or key).rstrip(': ')
                    result['diff']['before'].setdefault(key, {})[name] = diff['before']
                    result['diff']['after'].setdefault(key, {})[name] = diff['after']
    if not failures:
        return result, None
    return result, '%d change%s failed: %s. Applied: %s' % (
        len(failures), 's' if len(failures) > 1 else '', '; '.join(failures), '; '.join(applied) if applied else 'nothing')


def object_result(kind, item, key, diff_mode):
    entry = dict(changed=item.changed, operations=list(item.operations))
    entry[key] = kind.facts(item)
    if diff_mode:
        entry['diff'] = kind.diff(item)
    if item.failed or item.blocked:
        entry['failed'] = True
        entry['msg'] = item.msg or 'not applied: its connection failed'
    return entry
