#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_tenant: a whole tenant's ERP Sync setup in one plan (what the role superoffice.crm.erpsync runs).

DOCUMENTATION = r'''
module: erpsync_tenant
short_description: Bring the whole ERP Sync setup of a SuperOffice tenant to a desired state in one run
version_added: 0.2.0
description:
  - Converges connectors, connections with their field mappings, default values, ERP-tab field order and list mappings, the
    connections' Active flags, the sync priority and the engine in one plan, in the order the server needs. Connectors are
    registered first; connections are saved (new ones inactive); their fields are refreshed and mapped, defaults and list
    mappings set; then actor types of live connections are activated (after their defaults and list mappings) and the
    ERP-tab order set; then the sync priority is set; then connections are activated (a connection whose mandatory fields
    lack a direction cannot be); then the unlisted connections are deactivated (O(connections_exclusive)); then the engine
    interval and state, so a started engine runs on the new configuration.
  - Nothing goes live before what it needs went through. A connection is activated only when its mappings, defaults, list
    mappings and its place in O(sync_priority) were saved; an actor type of a live connection is saved inactive and
    activated only when its defaults and the connection's list mappings were saved (one more C(SaveActorTypeMapping));
    a connection deactivated for a config change that the server refuses is activated again.
  - The role C(superoffice.crm.erpsync) runs this module; its variables are this module's options with an C(erpsync_)
    prefix. Use the role, or this module directly in a play of your own.
  - Every option of every item is checked before any request, and every object that exists is read and checked before any write;
    objects made in the run (a connector, a connection) are read once they exist.
  - Each item takes the options of M(superoffice.crm.erpsync_connector), M(superoffice.crm.erpsync_connection) and
    M(superoffice.crm.erpsync_actor_mapping), with the same meaning and request economy. An unchanged tenant is answered with
    reads only.
  - When an object fails while being applied, the objects that do not depend on it are still applied; the task then fails,
    naming each failed object with its reason and listing what was applied.
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
  - superoffice.crm.attributes
options:
  connectors:
    description:
      - Connector registrations, each with the options of M(superoffice.crm.erpsync_connector) (C(name) or C(id),
        C(connector_url), C(state), C(test_url)).
      - A connection item may name a connector that this list registers in the same run.
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description:
          - ErpConnectorId of an existing connector. Either O(connectors[].id) or O(connectors[].name)
            identifies the connector.
        type: int
      name:
        description:
          - DisplayName of the connector; with O(connectors[].id) given, the name to set.
        type: str
      connector_url:
        description:
          - The connector service address, C(https://.../ErpConnector.svc), or C(app://<app id>) for a SuperOffice
            Online sync app. Needed to register a connector.
        type: str
      state:
        description:
          - V(absent) deletes the connector, after the connections this run deletes or moves to another connector. While
            connections the run keeps use it, the item fails before any write (in check mode too) naming them; the rest of
            the tenant goes on. If a connection it waits for fails, the connector is not deleted (held).
        type: str
        choices: [present, absent]
        default: present
      test_url:
        description:
          - C(TestConnectorUrl) must answer C(NoError) before the connector is registered or moved.
        type: bool
        default: true
  connections:
    description:
      - ERP connections, each with the options of M(superoffice.crm.erpsync_connection), and optionally C(mappings) and
        C(list_mappings).
      - C(mappings) is a list of actor mappings, each with the options of M(superoffice.crm.erpsync_actor_mapping) except
        C(connection) (C(actor_type), C(active), C(fields), C(exclusive_fields), C(refresh_fields)).
      - C(list_mappings) is the O(superoffice.crm.erpsync_list_mapping#module:lists) option of M(superoffice.crm.erpsync_list_mapping)
        (each C(erp_list) or C(erp_field), and C(items)).
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description:
          - ErpConnectionId of an existing connection. Either O(connections[].id) or O(connections[].name)
            identifies the connection.
        type: int
      name:
        description:
          - DisplayName of the connection. It must match at most one live (not deleted) connection; with
            O(connections[].id) given, it is the name to set.
        type: str
      state:
        description:
          - V(absent) deletes the connection (a soft delete on the server).
        type: str
        choices: [present, absent]
        default: present
      active:
        description:
          - Whether the connection should be active. Activation may be refused by the server (for example when field
            mappings are missing); the task then fails with the server's reasons, after the other items were applied.
          - Leave it out to keep the current flag (new connections are created inactive).
        type: bool
      connector:
        description:
          - Connector name (V(SAP Business One)) or numeric id (V("1")). Needed to create a connection.
        type: str
      description:
        description:
          - DisplayDescription of the connection.
        type: str
      config:
        description:
          - Connector configuration fields, key to value, as O(superoffice.crm.erpsync_connection#module:config) (values in
            the field type's form; V(true)/V(false) for C(Checkbox) fields). Only the keys given are compared and written.
          - Values of Password-type fields are masked in results and diffs.
        type: dict
      update_secrets:
        description:
          - V(always) rewrites Password-type config fields given in O(connections[].config) on every run
            (the server never shows them, so they cannot be compared); V(on_create) writes them only when the
            connection is created, so an unchanged tenant reports no change.
        type: str
        choices: [always, on_create]
        default: always
      all_access:
        description:
          - Whether every user may use the connection.
        type: bool
      user_group_ids:
        description:
          - User group ids that may use the connection.
        type: list
        elements: int
      associate_ids:
        description:
          - Associate ids that may use the connection.
        type: list
        elements: int
      test_connection:
        description:
          - Test the connection whenever the run changes or activates it; if a test answers V(false) the task fails.
          - A create or update is tested before it is saved, with C(TestConnectionByConfig) and the config as it will be
            saved, so a configuration that fails is never saved (as in the admin screen); after the save the stored
            connection is tested with C(TestConnectionById), and it is not activated when that fails. When a stored
            Password-type value reads blank and is not given again, the config cannot be tested whole, so only the test
            after the save is made. An activation alone is tested with C(TestConnectionById).
          - The tests are not run when nothing changed, nor in check mode (a new connection is not saved there, and the
            test after a save needs the saved connection); so with this option a real run may fail where check mode
            predicted success.
        type: bool
        default: false
      mappings:
        description:
          - Field mappings of this connection, one item per ERP actor type, each with the options of
            M(superoffice.crm.erpsync_actor_mapping) except C(connection).
          - Applied after the connection is saved and before it is activated. An actor type that becomes active on a live
            connection is activated after its defaults and the connection's list mappings.
        type: list
        elements: dict
        suboptions:
          actor_type:
            description: The ERP actor type.
            type: str
            required: true
            choices: [Customer, Supplier, Partner, Person, Project, Employee, Sale]
          active:
            description: Whether this actor type synchronizes.
            type: bool
          fields:
            description: The ERP fields to map, as O(superoffice.crm.erpsync_actor_mapping#module:fields).
            type: list
            elements: dict
            suboptions:
              erp_field:
                description: The ERP field's key.
                type: str
                required: true
              crm_field:
                description: The SuperOffice field it maps to; V('') unmaps it.
                type: str
              direction:
                description: V(to_crm), V(to_erp), V(both) or V(none).
                type: str
                choices: [to_crm, to_erp, both, none]
              show_in_search:
                description: Show the field in the ERP search window.
                type: bool
              show_in_erp_tab:
                description: Show the field in the ERP tab.
                type: bool
              default:
                description: The connector-level default value (C(DefaultValue)); not the admin screen's B(Set default value).
                type: str
              first_sync_default:
                description: The admin screen's B(Set default value), sent to the ERP system on the first synchronization.
                type: str
              prompt_user:
                description: The admin screen's B(Ask user for value).
                type: bool
              mandatory:
                description: The user must fill in the value (needs first_sync_default or prompt_user).
                type: bool
          exclusive_fields:
            description: Mapped fields not listed become unmapped.
            type: bool
            default: false
          refresh_fields:
            description: Ask the connector for its current fields first (C(UpdateConnectionFields)).
            type: bool
            default: false
          erp_tab_order:
            description: ERP field keys in the order the ERP tab shows them, as O(superoffice.crm.erpsync_actor_mapping#module:erp_tab_order).
            type: list
            elements: str
            version_added: 0.3.0
      list_mappings:
        description:
          - List mappings of this connection, as O(superoffice.crm.erpsync_list_mapping#module:lists); applied after the
            field mappings, so a list field mapped in the same run can be used.
        type: list
        elements: dict
        suboptions:
          erp_list:
            description: The ERP list's name.
            type: str
          erp_field:
            description: The key of the mapped ERP field whose list this is.
            type: str
          items:
            description: ERP list item id -> SuperOffice list item id or name; V(null) for no selection.
            type: dict
            required: true
      list_mappings_exclusive:
        description:
          - ERP list items that O(connections[].list_mappings) does not name become unmapped (no selection), as
            O(superoffice.crm.erpsync_list_mapping#module:exclusive).
        type: bool
        default: false
        version_added: 0.3.0
  sync_priority:
    description:
      - The replication order of the connections, highest priority first, as
        O(superoffice.crm.erpsync_sync_priority#module:connections) (names or ids, V(0) for SuperOffice itself, the
        connections not listed after the listed ones in their current order).
      - Names are the connections' names after this run (a connection this run creates or renames can be named); set after
        the connections are saved and mapped and before they are activated (the order may name inactive connections), so
        that a connection goes live only in its place; if the order cannot be set, the connections it names are not
        activated. Left out, the order is left as it is.
      - As with M(superoffice.crm.erpsync_sync_priority), SuperOffice's place is written only together with a change of the
        connections' order (the server does not show it).
    type: list
    elements: raw
    version_added: 0.3.0
  connectors_exclusive:
    description:
      - When V(true), every connector that no item of O(connectors) names and no item of O(connections) uses is deleted,
        after the connections this run deletes. A connector that other live connections still use is left registered, with
        a warning naming them (O(connections_exclusive) deactivates connections, it does not delete them).
    type: bool
    default: false
    version_added: 0.3.0
  connections_exclusive:
    description:
      - When V(true), every live connection that no item of O(connections) refers to, and that is active, is deactivated
        (never deleted), after the listed ones are activated, and only when no connection, mapping, list mapping or the
        sync priority of the run failed (a switch-over whose new connection failed keeps the old one live); see
        O(connections_exclusive_despite_failures).
    type: bool
    default: false
  engine_state:
    description:
      - The engine state, as O(superoffice.crm.erpsync_engine#module:state). Left out, the state is left as it is.
    type: str
    choices: [running, stopped]
  engine_interval:
    description:
      - The engine polling interval, as O(superoffice.crm.erpsync_engine#module:interval). Left out, it is left as it is.
    type: str
  engine_wait:
    description: As O(superoffice.crm.erpsync_engine#module:wait).
    type: bool
    default: true
  engine_wait_timeout:
    description: As O(superoffice.crm.erpsync_engine#module:wait_timeout).
    type: int
    default: 120
  parts:
    description:
      - The parts of the tenant this run converges; the others are left as they are (and not read, except the connections,
        which are read when their mappings or the sync priority are selected). V(connectors) are the connector
        registrations, V(connections) the connections (their config, access, activation, and O(connections_exclusive)),
        V(mappings) the field mappings, defaults, ERP-tab order and list mappings, V(sync_priority) the order of
        O(sync_priority), V(engine) the engine's interval and state.
      - The role sets it from the tags a play runs with (C(--tags erpsync_engine) converges only the engine).
      - A connection that does not exist yet is not created without V(connections); its mappings then fail, naming it.
      - Without V(mappings), a connection whose item gives C(mappings) or C(list_mappings) is not activated (it would go live
        on the mappings it has now, which the item may change); its item fails asking for the mappings part too. An
        active connection stays active.
    type: list
    elements: str
    choices: [connectors, connections, mappings, sync_priority, engine]
    default: [connectors, connections, mappings, sync_priority, engine]
    version_added: 0.3.0
  engine_despite_failures:
    description:
      - By default the engine's state (O(engine_state)) is not changed when any connection, mapping or list mapping of the run
        failed, so the engine never starts on a half-applied configuration (the interval is still set). V(true) changes it
        anyway.
    type: bool
    default: false
    version_added: 0.3.0
  connections_exclusive_despite_failures:
    description:
      - By default O(connections_exclusive) deactivates no connection when any connection, mapping, list mapping or the sync
        priority of the run failed, so a tenant never loses its live connection to a replacement that did not go through.
        V(true) deactivates them anyway.
    type: bool
    default: false
    version_added: 0.3.0
  warn_unknown:
    description:
      - Names of variables to warn about as unknown. The role passes the C(erpsync_*) and C(superoffice_*) variables it
        sees but does not take (a typing slip such as C(erpsync_engine_intervall) would otherwise be ignored silently).
    type: list
    elements: str
    default: []
notes:
  - Check mode and diff mode predict exactly what a real run does; objects that would be made in the run have V(null) ids, and the
    mappings of a connection that would be created are predicted from the options given. Nothing is written in check mode.
seealso:
  - name: The role superoffice.crm.erpsync
    description: The role that runs this module from role variables (C(ansible-doc -t role superoffice.crm.erpsync)).
    link: https://github.com/superoffice-crm/ansible-collection-superoffice-crm/blob/main/docs/reference/erpsync_role.rst
  - module: superoffice.crm.erpsync_tenant_info
    description: Reads a tenant back in this module's shape (the role's variables).
'''

EXAMPLES = r'''
- name: A tenant from empty to a running, mapped, active connection
  superoffice.crm.erpsync_tenant:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
    connectors:
      - name: Fortnox
        connector_url: https://erpconnectors.example.com/fortnox/ErpConnector.svc
    connections:
      - name: Fortnox production
        connector: Fortnox
        config: {AccessToken: "{{ vault_fortnox_token }}", SyncArticles: true}
        update_secrets: on_create
        active: true
        mappings:
          - actor_type: Customer
            active: true
            fields:
              - {erp_field: Name, crm_field: contact.name, direction: both}
              - {erp_field: PriceList, crm_field: contact.category, direction: to_crm}
        list_mappings:
          - erp_list: PriceList
            items: {A: A customer, B: B customer}
    sync_priority: [Fortnox production, 0]
    engine_state: running
    engine_interval: PT10M
'''

RETURN = r'''
connectors:
  description: One entry per item of O(connectors), with C(changed), C(operations), C(connector) (as the module
    M(superoffice.crm.erpsync_connector) returns it) and, when it failed, C(failed) and C(msg).
  returned: always
  type: list
  elements: dict
connections:
  description:
    - One entry per item of O(connections), with the keys of the result of M(superoffice.crm.erpsync_connections), and
      C(mappings) (per actor mapping C(changed), C(operations), C(mapping)) and C(list_mappings) (C(changed), C(operations),
      C(list_mappings)).
  returned: always
  type: list
  elements: dict
summary:
  description: Counts of what the run did to the connections, as M(superoffice.crm.erpsync_connections) returns them.
  returned: always
  type: dict
unlisted_deactivated:
  description: The unlisted connections that O(connections_exclusive=true) deactivated (or would deactivate, in check mode).
  returned: always
  type: list
  elements: dict
engine:
  description: The engine result (C(changed), C(queued), C(engine)), as M(superoffice.crm.erpsync_engine) returns it.
  returned: when O(engine_state) or O(engine_interval) is given
  type: dict
sync_priority:
  description: The sync priority's C(changed), C(operations) and C(sync_priority), as M(superoffice.crm.erpsync_sync_priority)
    returns them (and C(failed), C(msg) when it failed).
  returned: when O(sync_priority) is given
  type: dict
  version_added: 0.3.0
diff:
  description: Before and after of every changed object, by kind (C(connectors), C(connections), C(mappings), C(list_mappings),
    C(sync_priority), C(engine)), under C(--diff). Secrets are masked.
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connector import CONNECTOR_OPTIONS
from ansible_collections.superoffice.crm.plugins.module_utils._resources.tenant import (
    PARTS, TENANT_CONNECTION_OPTIONS, Tenant, tenant_items, tenant_result)


def main():
    module = ErpSyncModule(
        dict(
            connectors=dict(type='list', elements='dict', default=[]),
            connections=dict(type='list', elements='dict', default=[]),
            connections_exclusive=dict(type='bool', default=False),
            connectors_exclusive=dict(type='bool', default=False),
            engine_state=dict(type='str', choices=['running', 'stopped']),
            engine_interval=dict(type='str'),
            engine_wait=dict(type='bool', default=True),
            engine_wait_timeout=dict(type='int', default=120),
            engine_despite_failures=dict(type='bool', default=False),
            connections_exclusive_despite_failures=dict(type='bool', default=False),
            sync_priority=dict(type='list', elements='raw'),
            parts=dict(type='list', elements='str', choices=list(PARTS), default=list(PARTS)),
            warn_unknown=dict(type='list', elements='str', default=[]),
        ),
        item_options=dict(connectors=CONNECTOR_OPTIONS, connections=TENANT_CONNECTION_OPTIONS),
        supports_check_mode=True,
    )
    params = module.params
    for name in params['warn_unknown']:
        module.warn('The variable %s is not one the role superoffice.crm.erpsync takes, so it is ignored; check its spelling '
                    '(ansible-doc -t role superoffice.crm.erpsync lists them)' % name)
    items = module.checked(tenant_items, params)  # before the client exists: bad input makes no request
    tenant = Tenant(module.run(), params, items)
    module.converge(tenant.kinds)
    result, failure = tenant_result(tenant)
    if failure:
        module.fail_json(msg=failure, **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
