#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

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
        - V(null) unless O(include_config=true).
      type: dict
      sample: {"ApiUrl": "https://erp.example.com/api", "ApiKey": "********"}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.superoffice.crm.plugins.module_utils._connections import connection_facts
from ansible_collections.superoffice.crm.plugins.module_utils._erpsync import ErpSyncAPI
from ansible_collections.superoffice.crm.plugins.module_utils._webapi import WebAPIClient, WebAPIError, fail_on_error, webapi_argument_spec


def matches(record, params):
    if params['id'] is not None and record.get('ErpConnectionId') != params['id']:
        return False
    if params['name'] is not None and record.get('DisplayName') != params['name']:
        return False
    if params['active'] is not None and bool(record.get('Active')) != params['active']:
        return False
    return True


def main():
    module = AnsibleModule(
        argument_spec=webapi_argument_spec(
            id=dict(type='int'),
            name=dict(type='str'),
            active=dict(type='bool'),
            include_deleted=dict(type='bool', default=False),
            include_config=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params['name'] is not None and not params['name'].strip():
        module.fail_json(msg='name must not be empty; leave it out to list every connection')
    if params['id'] is not None and params['id'] < 1:
        module.fail_json(msg='id must be a positive integer, got %d' % params['id'])
    api = ErpSyncAPI(WebAPIClient(module))
    connections = []
    try:
        for record in api.get_all_connections(params['include_deleted']):
            if not matches(record, params):
                continue
            if not params['include_config']:
                connections.append(connection_facts(record, with_config=False))
                continue
            full = api.get_connection(record['ErpConnectionId'])
            if full is None:
                # Listed a moment ago, so not unknown: an empty config here would be a lie.
                module.fail_json(msg='GetConnection answered null for connection %s (id %s), which GetAllConnections listed; '
                                     'its config could not be read' % (record.get('DisplayName'), record.get('ErpConnectionId')),
                                 changed=False)
            connections.append(connection_facts(full, api.password_keys(full.get('ErpConnectorId'))))
    except WebAPIError as e:
        fail_on_error(module, e, changed=False)
    module.exit_json(changed=False, connections=connections)


if __name__ == '__main__':
    main()
