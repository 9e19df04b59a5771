# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A whole tenant as one plan: connectors, connections with their mappings and list mappings, activation and the engine,
in the order the server needs (the stages of _plan.py); used by erpsync_tenant, which the role erpsync runs.

Private to this collection (the leading underscore): its interface may change without notice.
"""

from ansible_collections.superoffice.crm.plugins.module_utils._items import invalid
from ansible_collections.superoffice.crm.plugins.module_utils._plan import Code
from ansible_collections.superoffice.crm.plugins.module_utils._resources import (
    actor_mapping, connection, connection_items, connection_results, connector, list_mapping, sync_priority)
from ansible_collections.superoffice.crm.plugins.module_utils._resources.engine import Engine
from ansible_collections.superoffice.crm.plugins.module_utils._values import ascii_int, interval_to_seconds

# The parts of a tenant a run may be limited to (erpsync_tenant's parts, the role's tags).
PARTS = ('connectors', 'connections', 'mappings', 'sync_priority', 'engine')

TENANT_CONNECTION_OPTIONS = dict(connection_items.CONNECTION_OPTIONS,
                                 mappings=dict(type='list', elements='dict'),
                                 list_mappings=dict(type='list', elements='dict'),
                                 list_mappings_exclusive=dict(type='bool', default=False))


class TenantItems:
    """Every desired object of one tenant run, by kind, checked without a request."""

    def __init__(self, connectors, connections, mappings, lists, interval, priority=None):
        self.connectors = connectors
        self.connections = connections
        self.mappings = mappings
        self.lists = lists
        self.interval = interval    # the engine interval in seconds, or None
        self.priority = priority    # the sync priority's item, or None (left as it is)


def tenant_items(params):
    """Every desired object of the tenant, checked without a request; raise PlanError listing every problem."""
    connectors = connector.items_from_list(params['connectors'], 'connectors')
    connections = connection_items.items_from_list(params['connections'], TENANT_CONNECTION_OPTIONS, 'connections')
    mappings, lists = [], []
    for item in connections:
        label = 'connections[%d]' % item.index
        if item.errors:
            continue
        if (item.params.get('mappings') or item.params.get('list_mappings') is not None) and item.params['state'] == 'absent':
            item.errors.append('%s: mappings and list_mappings need state=present' % label)
        item.has_mappings = bool(item.params.get('mappings'))
        mappings += actor_mapping.items_from_list(item.params.get('mappings'), label + '.mappings', parent=item)
        if item.params.get('list_mappings') is not None:
            lists.append(list_mapping.validate_params(item.params['list_mappings'], label + '.list_mappings', parent=item,
                                                      exclusive=item.params['list_mappings_exclusive']))
    errors = connector.problems(connectors) + connection_items.problems(connections) + [e for item in mappings + lists for e in item.errors]
    seconds = None
    if params['engine_interval'] is not None:
        try:
            seconds = interval_to_seconds(params['engine_interval'])
        except ValueError as e:
            errors.append('engine_interval: %s' % e)
    if params['engine_wait_timeout'] < 1:
        errors.append('engine_wait_timeout must be at least 1 second, got %d' % params['engine_wait_timeout'])
    if params['sync_priority'] is not None:
        errors += sync_priority.priority_errors(params['sync_priority'], 'sync_priority')
    if errors:
        raise invalid(errors)
    priority = None
    if params['sync_priority'] is not None:
        priority = sync_priority.PriorityItem(params['sync_priority'], 'sync_priority', 'sync_priority: ')
    return TenantItems(connectors, connections, mappings, lists, seconds, priority)


def connection_of(item):
    """The record of a mapping item's connection, or None while it does not exist (created later, or never in check mode)."""
    record = item.parent.final
    return record if record and record.get('ErpConnectionId') else None


def select_parts(items, parts):
    """Leave out the items of the parts a run does not converge (the connections stay while their mappings are converged). A
    connection whose mappings are left out is not activated on the ones it has (which the definition may have changed)."""
    if 'connectors' not in parts:
        items.connectors[:] = []
    if 'mappings' not in parts:
        items.mappings[:], items.lists[:] = [], []
        for item in items.connections:
            if item.params.get('mappings') or item.params.get('list_mappings') is not None:
                item.activation_held = ('it was not activated (it stays inactive): it gives mappings or list_mappings, which this run leaves '
                                        'out (parts without mappings), so it would go live on the ones it has now. Run with the mappings '
                                        'part too (the role: --tags erpsync_connections,erpsync_mappings)')
            item.children[:], item.has_mappings = [], False
    if not parts & set(['connections', 'mappings']):
        items.connections[:] = []


class Tenant:
    """The resource kinds of one tenant run, by name; ``kinds`` in dependency order. ``parts`` limits the run: the kinds of
    the other parts are left out (the connections are still read, frozen, when only their mappings are selected)."""

    def __init__(self, run, params, items):
        self.run = run
        self.items = items
        parts = set(params['parts'])
        select_parts(items, parts)
        planned = dict((c.params['name'].strip().lower(), c) for c in items.connectors
                       if c.params['state'] == 'present' and c.params['name'] and c.params['id'] is None)
        used = set(('%s' % c.params['connector']).strip().lower() for c in items.connections if c.params['connector'])
        used |= set(ascii_int(name) for name in used if ascii_int(name) is not None)
        self.connectors = connector.Connectors(run, items.connectors, exclusive=params['connectors_exclusive'] and 'connectors' in parts,
                                               used=used, leaving=self._leaving)
        self.priority = None
        if 'sync_priority' in parts and items.priority is not None:
            self.priority = sync_priority.SyncPriority(run, items.priority, self._priority_targets)
        # What must go through before the run switches over (the unlisted connections deactivated, the engine's state
        # changed), unless the user says otherwise.
        whole = items.connections + items.mappings + items.lists + ([items.priority] if self.priority is not None else [])
        self.connections = connection.Connections(
            run, items.connections, exclusive=params['connections_exclusive'], planned_connectors=planned,
            unlisted_requires=() if params['connections_exclusive_despite_failures'] else whole, activation_requires=self._placed)
        self.connections.frozen = 'connections' not in parts
        self.mappings = actor_mapping.ActorMappings(run, items.mappings, connection_of)
        self.lists = list_mapping.ListMappings(run, items.lists, connection_of)
        self.engine = self._engine(params, parts, () if params['engine_despite_failures'] else whole)
        self.kinds = [kind for kind in (self.connectors, self.connections, self.mappings, self.lists, self.priority, self.engine)
                      if kind is not None]

    def _engine(self, params, parts, requires):
        items = self.items
        if 'engine' not in parts or (params['engine_state'] is None and items.interval is None):
            return None
        return Engine(self.run, params['engine_state'], items.interval, params['engine_wait'], params['engine_wait_timeout'], requires)

    def _placed(self, item):
        """A connection the sync priority places goes live only once its place is saved (else it would synchronize last); not
        one live before the run (activated again after a config change), which has its place in the stored order."""
        if self.priority is None or item.was_active or not any(target.item is item for target in self.priority.item.targets):
            return []
        return [self.priority.item]

    def _leaving(self, record, connector):
        """The connection item that deletes the live connection ``record`` or moves it off ``connector``, else None."""
        if self.connections.frozen:
            return None
        names = ('%s' % connector['ErpConnectorId'], (connector.get('DisplayName') or '').strip().lower())
        for item in self.items.connections:
            params = item.params
            if params['id'] != record['ErpConnectionId'] and (params['id'] is not None or params['name'] != record.get('DisplayName')):
                continue
            if params['state'] == 'absent' or (params['connector'] is not None and params['connector'].strip().lower() not in names):
                return item
        return None

    def _priority_targets(self):
        """The connections the sync priority can name, as this run leaves them (read by the connections' kind, else here)."""
        if self.connections.items or self.connections.exclusive:
            return sync_priority.planned_targets(self.connections)
        return sync_priority.live_targets(self.run.api.get_all_connections(False))


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


def object_result(kind, item, key):
    """One object's entry in the result: ``changed``, ``operations``, the object under ``key``, its diff, its failure."""
    entry = dict(changed=item.changed, operations=list(item.operations))
    entry[key] = kind.facts(item)
    if kind.run.diff:
        entry['diff'] = kind.diff(item)
    if item.blocked:
        entry['failed'] = True
        entry['msg'] = item.msg or 'not applied: its connection failed'
    return entry


def _connection_entries(tenant, bulk):
    """The bulk module's connection entries, each with its mappings and list mappings; a refused activation also names the
    mandatory fields without a direction."""
    for entry, item in zip(bulk['connections'], tenant.items.connections):
        entry['mappings'] = [object_result(tenant.mappings, m, 'mapping') for m in tenant.items.mappings if m.parent is item]
        entry['list_mappings'] = [object_result(tenant.lists, m, 'list_mappings') for m in tenant.items.lists if m.parent is item]
        if item.code is Code.REFUSED:
            missing = mandatory_without_direction(tenant.items.mappings, item)
            if missing:
                item.msg = entry['msg'] = '%s. Mandatory fields without a direction: %s' % (item.msg, ', '.join(missing))
    return bulk['connections']


def _fail_with_children(connections):
    """A connection whose mapping or list mapping failed did not reach its desired state: it fails too (if its activation
    was not already held for it), so the summary's count and the message agree."""
    for item in connections:
        failed = [child for child in item.children if child.failed]
        if failed and not item.failed:
            item.fail('; '.join('%s failed: %s' % (child.label, child.msg) for child in failed), code=Code.HELD)


def _failure_message(tenant, labelled):
    """The message of a failed run: the failed connectors, connections (their mappings' failures are in theirs) and engine,
    counted per kind, and what was applied."""
    kinds = (('connector', tenant.items.connectors), ('connection', tenant.items.connections + tenant.connections.unlisted))
    counts = ['%d of %d %s%s' % (len([i for i in items if i.failed]), len(items), noun, '' if len(items) == 1 else 's')
              for noun, items in kinds if any(i.failed for i in items)]
    reported = [i for noun, items in kinds for i in items]
    for noun, kind in (('the sync priority', tenant.priority), ('the engine', tenant.engine)):
        if kind is not None and kind.item.failed:
            counts.append(noun)
            reported.append(kind.item)
    failures = ['%s%s' % (label, item.msg) for label, item in labelled if item.failed and any(item is i for i in reported)]
    applied = ['%s%s' % (label, ', '.join(item.operations)) for label, item in labelled if item.changed]
    what = ' and '.join([', '.join(counts[:-1]), counts[-1]] if len(counts) > 1 else counts)
    return '%s failed: %s. Applied: %s' % (what, '; '.join(failures), '; '.join(applied) or 'nothing')


def _labelled(tenant):
    """Every item of the run with the label its failure and its changes are named by."""
    labelled = [(item.where or 'connectors: ', item) for item in tenant.items.connectors]
    labelled += [(item.where or 'connections: ', item) for item in tenant.items.connections]
    labelled += [('unlisted connection %s: ' % connection_items.item_label(item), item) for item in tenant.connections.unlisted]
    labelled += [(item.where or 'mappings: ', item) for item in tenant.items.mappings]
    labelled += [(item.where or 'list mappings: ', item) for item in tenant.items.lists]
    if tenant.priority is not None:
        labelled.append(('sync_priority: ', tenant.priority.item))
    if tenant.engine is not None:
        labelled.append(('engine: ', tenant.engine.item))
    return labelled


def connection_title(item):
    """A connection as a review names it: its name (the one given, else the server's), else its id."""
    record = item.final or item.current or {}
    return item.params.get('name') or record.get('DisplayName') or 'id %s' % (record.get('ErpConnectionId') or item.params.get('id'))


def _title(kind, item):
    """The key of an object in the diff: connectors by name, mappings by connection name and actor type, list mappings by
    connection name."""
    if kind.name == 'mappings':
        return '%s: %s' % (connection_title(item.parent), item.params['actor_type'])
    if kind.name == 'list_mappings':
        return connection_title(item.parent)
    return item.params.get('name') or 'id %s' % item.params.get('id')


def _diff(tenant, bulk, engine, priority):
    """Before and after of every changed object, by kind and name."""
    diff = dict(before={}, after={})
    for key, part in (('connections', bulk.get('diff')), ('sync_priority', (priority or {}).get('diff')), ('engine', (engine or {}).get('diff'))):
        if part and part['before'] != part['after']:
            diff['before'][key], diff['after'][key] = part['before'], part['after']
    for kind in (tenant.connectors, tenant.mappings, tenant.lists):
        for item in kind.items:
            if item.changed:
                part = kind.diff(item)
                name = _title(kind, item)
                if name in diff['before'].get(kind.name, {}):
                    name = '%s (%s)' % (name, item.label)  # two connections of one name (given by id)
                diff['before'].setdefault(kind.name, {})[name] = part['before']
                diff['after'].setdefault(kind.name, {})[name] = part['after']
    return diff


def tenant_result(tenant):
    """The erpsync_tenant result, and the failure message (or None)."""
    _fail_with_children(tenant.items.connections)
    bulk = connection_results.bulk_result(tenant.connections)[0]
    result = dict(changed=False, connectors=[object_result(tenant.connectors, c, 'connector') for c in tenant.items.connectors],
                  connections=_connection_entries(tenant, bulk), summary=bulk['summary'],
                  unlisted_deactivated=bulk['unlisted_deactivated'])
    if tenant.priority is not None:
        result['sync_priority'] = object_result(tenant.priority, tenant.priority.item, 'sync_priority')
    if tenant.engine is not None:
        result['engine'] = tenant.engine.result()[0]
    labelled = _labelled(tenant)
    result['changed'] = any(item.changed for label, item in labelled)
    if tenant.run.diff:
        result['diff'] = _diff(tenant, bulk, result.get('engine'), result.get('sync_priority'))
    if not any(item.failed for label, item in labelled):
        return result, None
    return result, _failure_message(tenant, labelled)
