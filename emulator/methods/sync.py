# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Sync-now methods: SyncAll (only while the engine runs), ForceSyncAll, ForceResync*, ForceResyncExternal* and
ForceResyncBatchTask. Each answers a PluginResponse (the batch task: 204) and moves LastSync of the connections it synced;
admin-injected failures answer IsOk false."""

import datetime

from ..agent import NO_CONTENT, BadRequest, agent_method, carrier, enum_param, int_param, lookup, optional
from ..crm import ERP_ACTOR_TYPES


def plugin_response(ok=True, user='', tech='', code='', status=None, synced=()):
    changes = carrier({'AddedRecords': [], 'DeletedRecords': [],
                       'UpdatedRecords': [carrier({'Tablename': 'erpconnection', 'RecordId': conn_id}) for conn_id in synced]})
    return carrier({'IsOk': ok, 'UserExplanation': user, 'TechExplanation': tech, 'ErrorCode': code, 'Changes': changes,
                    'Status': status or ('Ok' if ok else 'Error')})


class SyncMethods:

    def _sync(self, method, connection_ids, detail):
        """Record one sync run; the next injected failure (admin sync_failures) answers instead, syncing nothing."""
        if self.state['sync_failures']:
            failure = self.state['sync_failures'].pop(0)
            self.state['sync_runs'].append(dict(detail, method=method, ok=False))
            return plugin_response(False, failure.get('UserExplanation', 'The synchronization failed.'),
                                   failure.get('TechExplanation', ''), failure.get('ErrorCode', 'SyncFailed'), failure.get('Status', 'Error'))
        now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S')
        for conn_id in connection_ids:
            self.state['last_sync'][conn_id] = now
        self.state['sync_runs'].append(dict(detail, method=method, ok=True, connections=sorted(connection_ids)))
        return plugin_response(True, 'Synchronized %d connection(s).' % len(connection_ids), synced=sorted(connection_ids))

    def _active_ids(self):
        return [c['ErpConnectionId'] for c in self.state['connections'].values() if c['Active'] and not c['Deleted']]

    @agent_method('SyncAll', 'PluginResponse')
    def sync_all(self, params):
        del params
        if not self.state['engine']['running']:
            return plugin_response(False, 'Automatic synchronization is turned off; nothing was synchronized. Use ForceSyncAll '
                                   'to synchronize anyway.', code='SyncDisabled', status='Warning')
        return self._sync('SyncAll', self._active_ids(), {})

    @agent_method('ForceSyncAll', 'PluginResponse')
    def force_sync_all(self, params):
        del params
        return self._sync('ForceSyncAll', self._active_ids(), {})

    def _resync(self, method, params):
        conn_id = int_param(params, 'ErpConnectionId')
        keys = optional(params, 'InternalKeyIds', list, [])
        if conn_id == 0:  # from CRM: to every active connection
            return self._sync(method, self._active_ids(), {'source': 0, 'keys': keys})
        conn = self._live_connection(conn_id)
        if conn is None:
            return plugin_response(False, 'ERP connection %d does not exist.' % conn_id, code='NotFound')
        return self._sync(method, [conn_id], {'source': conn_id, 'keys': keys})

    @agent_method('ForceResync', 'PluginResponse')
    def force_resync(self, params):
        return self._resync('ForceResync', params)

    @agent_method('ForceResyncNoBlankValues', 'PluginResponse')
    def force_resync_no_blank_values(self, params):
        return self._resync('ForceResyncNoBlankValues', params)

    @agent_method('ForceResyncBatchTask', None)
    def force_resync_batch_task(self, params):
        """ForceResync's body, started as a batch task: 204, and the outcome only shows in the sync runs and LastSync. The
        emulator runs the task at once; an unknown source connection is refused, as there is no PluginResponse to say so."""
        conn_id = int_param(params, 'ErpConnectionId')
        if conn_id != 0:
            self._live_connection_or_refuse(conn_id)
        self._resync('ForceResyncBatchTask', params)
        return NO_CONTENT

    def _resync_external(self, method, params):
        conn_id = int_param(params, 'ErpConnectionId')
        actor = enum_param(params, 'ErpActorType', ERP_ACTOR_TYPES)
        keys = lookup(params, 'ExternalKeys') or []
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise BadRequest("'ExternalKeys' must be an array of strings")
        conn = self._live_connection(conn_id)
        if conn is None:
            return plugin_response(False, 'ERP connection %d does not exist.' % conn_id, code='NotFound')
        if actor not in self.state['fields'].get(conn_id, {}):
            return plugin_response(False, 'Actor type %s is not offered by ERP connection %d.' % (actor, conn_id), code='UnknownActorType')
        return self._sync(method, [conn_id], {'source': conn_id, 'actor': actor, 'external_keys': keys})

    @agent_method('ForceResyncExternal', 'PluginResponse')
    def force_resync_external(self, params):
        return self._resync_external('ForceResyncExternal', params)

    @agent_method('ForceResyncExternalNoBlankValues', 'PluginResponse')
    def force_resync_external_no_blank_values(self, params):
        return self._resync_external('ForceResyncExternalNoBlankValues', params)
