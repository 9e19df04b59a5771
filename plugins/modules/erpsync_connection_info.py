#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_connection_info: the ERP connections of a tenant, optionally with their config (secrets masked) and sync summary.

DOCUMENTATION = r'''
module: erpsync_connection_info
short_description: List the ERP Sync connections of a SuperOffice tenant
version_added: 0.1.0
description:
  - Lists the ERP connections of a tenant with one request (C(GetAllConnections)), optionally filtered by O(id), O(name) or O(active).
    The filters are applied to the list locally; connections that match none are left out.
  - The connection list carries no config. With O(include_config=true) the module also reads each returned connection
    (C(GetConnection)) and the config field types of its connector (C(GetConfigurationFields), once per connector), and returns
    the config with C(Password)-type values replaced by C(********).
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
  - superoffice.crm.attributes.INFO_MODULE
options:
  id:
    description:
      - Return only the connection with this id.
    type: int
  name:
    description:
      - Return only connections with exactly this name (C(DisplayName)).
    type: str
  active:
    description:
      - Return only active (V(true)) or only inactive (V(false)) connections.
    type: bool
  include_deleted:
    description:
      - Also return deleted connections (C(DeleteConnection) only marks them deleted); their RV(connections[].deleted) is V(true).
    type: bool
    default: false
  include_config:
    description:
      - Also read and return each connection's config (one C(GetConnection) per returned connection).
    type: bool
    default: false
  summary:
    description:
      - Also read each returned connection's sync summary (C(GetErpSyncConnectionSummary), one per connection), that is when it last
        synchronized (RV(connections[].last_sync), RV(connections[].last_sync_age)) and per ERP actor type whether it has
        mappings (RV(connections[].actors)).
      - Use it in a pipeline to fail when a connection has not synced for too long (see the examples).
    type: bool
    default: false
seealso:
  - module: superoffice.crm.erpsync_connection
  - module: superoffice.crm.erpsync_connector_info
'''

EXAMPLES = r'''
- name: List the active connections with their config
  superoffice.crm.erpsync_connection_info:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
    active: true
    include_config: true
  register: active_connections

- name: Look up one connection by name, with module_defaults for the connection options
  module_defaults:
    group/superoffice.crm.webapi:
      url: https://online2.superoffice.com/Cust12345
      ticket: "{{ superoffice_ticket }}"
      app_token: "{{ superoffice_app_token }}"
  block:
    - name: Read the Visma connection
      superoffice.crm.erpsync_connection_info:
        name: Visma production
      register: visma

    - name: Show its id
      ansible.builtin.debug:
        msg: "{{ visma.connections[0].id }}"
      when: visma.connections | length == 1

- name: Fail a scheduled pipeline when an active connection has not synced for two hours
  block:
    - name: Read the active connections with their sync summary
      superoffice.crm.erpsync_connection_info:
        active: true
        summary: true
      register: synced

    - name: Every active connection synced within the last two hours
      ansible.builtin.assert:
        that:
          - item.last_sync_age is not none
          - item.last_sync_age < 7200
        fail_msg: "{{ item.name }} last synced {{ item.last_sync | default('never', true) }}"
        quiet: true
      loop: "{{ synced.connections }}"
      loop_control:
        label: "{{ item.name }}"
'''

RETURN = r'''
connections:
  description: The connections that match the filters, ordered as the server lists them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The connection id (C(ErpConnectionId)).
      type: int
      sample: 7
    name:
      description: The connection's name (C(DisplayName)).
      type: str
      sample: Visma production
    description:
      description: The connection's description (C(DisplayDescription)).
      type: str
      sample: Orders and customers from Visma
    active:
      description: Whether the connection is active.
      type: bool
      sample: true
    connector_id:
      description: The id of the connector the connection uses (C(ErpConnectorId)).
      type: int
      sample: 3
    connection_guid:
      description: The GUID the server gave the connection (C(ConnectionId)).
      type: str
      sample: 9b2f6a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b
    all_access:
      description: Whether every user may use the connection.
      type: bool
      sample: true
    user_group_ids:
      description: User groups that may use the connection, sorted.
      type: list
      elements: int
      sample: []
    associate_ids:
      description: Associates that may use the connection, sorted.
      type: list
      elements: int
      sample: []
    deleted:
      description: Whether the connection is deleted (only with O(include_deleted=true)).
      type: bool
      sample: false
    most_recent_timestamp:
      description: The engine's sync cursor (C(MostRecentTimestamp)).
      type: str
      sample: "2026-03-01T10:15:00"
    config:
      description:
        - The connection's config fields, C(Password)-type values replaced by C(********). A blank C(Password)-type value means
          the server shows none; servers that hide stored secrets always show none.
        - When the connector's field types cannot be read, every value is replaced by C(********).
        - V(null) unless O(include_config=true).
      type: dict
      sample: {"ApiUrl": "https://erp.example.com/api", "ApiKey": "********"}
    last_sync:
      description:
        - When the connection last synchronized (C(LastSync)), as an ISO 8601 date and time; the server's time zone is taken
          as UTC when it names none. V(null) when it never synchronized.
      returned: when O(summary=true)
      type: str
      sample: "2026-11-30T06:15:00+00:00"
    last_sync_age:
      description: Seconds since RV(connections[].last_sync), by the controller's clock; V(null) when it never synchronized.
      returned: when O(summary=true)
      type: int
      sample: 540
    actors:
      description: Per ERP actor type of the connection, the server's summary.
      returned: when O(summary=true)
      type: list
      elements: dict
      contains:
        actor_type:
          description: The ERP actor type, for example V(Customer).
          type: str
          sample: Customer
        has_mappings:
          description: Whether any ERP field of this actor type is mapped to a SuperOffice field.
          type: bool
          sample: true
        defaults:
          description: The server's summary of the default values (C(Defaults)).
          type: str
          sample: "2"
        mappings:
          description: The server's summary of the field mappings (C(Mappings)).
          type: str
          sample: "12"
'''

import datetime

from ansible_collections.superoffice.crm.plugins.module_utils._shapes import ERP_ACTOR_TYPES, enum_name
from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_items import connection_facts
from ansible_collections.superoffice.crm.plugins.module_utils._values import sync_time


def matches(record, params):
    if params['id'] is not None and record['ErpConnectionId'] != params['id']:
        return False
    if params['name'] is not None and record.get('DisplayName') != params['name']:
        return False
    if params['active'] is not None and bool(record.get('Active')) != params['active']:
        return False
    return True


def summary_facts(summary, now):
    """LastSync and the per-actor summary of GetErpSyncConnectionSummary."""
    when = sync_time(summary.get('LastSync'))
    return dict(
        last_sync=when.isoformat() if when else None,
        last_sync_age=int((now - when).total_seconds()) if when else None,
        actors=[dict(actor_type=enum_name(actor.get('ActorType'), ERP_ACTOR_TYPES), has_mappings=bool(actor.get('HasMappings')),
                     defaults=actor.get('Defaults') or '', mappings=actor.get('Mappings') or '')
                for actor in summary.get('Actors') or []],
    )


def main():
    module = ErpSyncModule(
        dict(
            id=dict(type='int'),
            name=dict(type='str'),
            active=dict(type='bool'),
            include_deleted=dict(type='bool', default=False),
            include_config=dict(type='bool', default=False),
            summary=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params['name'] is not None and not params['name'].strip():
        module.fail_json(msg='name must not be empty; leave it out to list every connection')
    if params['id'] is not None and params['id'] < 1:
        module.fail_json(msg='id must be a positive integer, got %d' % params['id'])
    api = module.api()
    run = module.run()
    records = [r for r in module.read_or_fail(api.get_all_connections, params['include_deleted']) if matches(r, params)]
    if params['include_config']:
        full = module.read_or_fail(run.each, lambda r: api.get_connection(r['ErpConnectionId']), records)
        for listed, record in zip(records, full):
            if record is None:
                # Listed a moment ago, so not unknown: an empty config here would be a lie.
                module.fail_json(msg='GetConnection answered null for connection %s (id %s), which GetAllConnections listed; '
                                     'its config could not be read' % (listed.get('DisplayName'), listed['ErpConnectionId']),
                                 changed=False)
        connections = [connection_facts(record, module.read_or_fail(api.plain_keys, record['ErpConnectorId'])) for record in full]
    else:
        connections = [connection_facts(record, with_config=False) for record in records]
    if params['summary']:
        now = datetime.datetime.now(datetime.timezone.utc)
        summaries = module.read_or_fail(run.each, lambda r: api.get_connection_summary(r['ErpConnectionId']), records)
        for facts, summary in zip(connections, summaries):
            facts.update(summary_facts(summary, now))
    module.exit_json(changed=False, connections=connections)


if __name__ == '__main__':
    main()
