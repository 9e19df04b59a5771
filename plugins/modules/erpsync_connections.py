#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_connections: many ERP connections in one module run (one list read, writes only for what differs).

DOCUMENTATION = r'''
module: erpsync_connections
short_description: Converge many SuperOffice ERP Sync connections in one task
version_added: 0.1.0
description:
  - The bulk companion of M(superoffice.crm.erpsync_connection), used by the C(superoffice.crm.erpsync) role. Each item of
    O(connections) takes the options of M(superoffice.crm.erpsync_connection), with the same meaning.
  - The number of requests does not grow with the number of connections that are already as wanted. The connection list is read once
    (C(GetAllConnections)), the connectors once when any item names one (C(GetAllConnectors)), the config field metadata once per
    connector whose items give O(connections[].config), and a single connection (C(GetConnection)) only for items that give
    O(connections[].config) or need to be saved. An unchanged run of items without O(connections[].config) makes one or two requests.
  - Every item is validated, and every name, id, connector and config key is checked, before anything is written; any problem
    fails the task with all problems listed and nothing changed.
  - When an item fails while being applied (for example an activation is refused), the other items are still applied; the
    task then fails, naming each failed item with its reason and listing what was applied.
  - With O(exclusive=true), live connections that no item refers to are deactivated (never deleted), once every item went
    through; when an item failed they stay active (a switch-over whose new connection failed keeps the old one live).
  - Before each wave of toggles and creates the list is read again, so a flag already as wanted is not flipped and a connection
    that appeared meanwhile is not created again (that item fails). A connection another run created at the same moment with the
    same name and connector is deleted again by the run whose copy got the higher id, so it never exists twice. Toggles of two
    runs at the same moment can still cancel out (the API's toggle is a flip); keep one converging run per tenant (O(lock_timeout)).
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
  - superoffice.crm.attributes
options:
  connections:
    description:
      - The desired connections, each identified by O(connections[].id) or O(connections[].name).
      - A connection may be listed once; items are applied in the order given.
    type: list
    elements: dict
    required: true
    suboptions:
        id:
          description:
            - The connection's id (C(ErpConnectionId)).
            - Identifies the connection. When O(connections[].name) is given as well, O(connections[].name) is the name the connection
              should have (a rename).
            - An id that is unknown, or belongs to a deleted connection, fails with O(connections[].state=present) and is
              nothing to do with O(connections[].state=absent).
          type: int
        name:
          description:
            - The connection's name (C(DisplayName)), compared exactly.
            - Without O(connections[].id), identifies the connection. It must match exactly one live (not deleted) connection; if it matches
              several, the module fails and lists them, so give O(connections[].id). If it matches none, O(connections[].state=present) creates the
              connection (O(connections[].connector) is then required).
            - With O(connections[].id), the desired name.
          type: str
        state:
          description:
            - V(present) creates or updates the connection.
            - V(absent) deletes it with C(DeleteConnection), a soft delete (the connection is only marked deleted). A connection
              that does not exist or is already deleted is nothing to do.
          type: str
          choices: [present, absent]
          default: present
        active:
          description:
            - Whether the connection should be active. Leave it out to keep the current state; new connections are created inactive.
            - C(ToggleErpConnectionActive) flips the flag, so it is called only when the flag differs. If the server refuses an
              activation, the module fails with the server's reasons and the connection stays inactive.
          type: bool
        connector:
          description:
            - The connector the connection uses, by name (case-insensitive) or numeric id. Unknown connectors fail with a list of the known ones.
            - Required to create a connection. For an existing connection, a different connector moves the connection to it.
          type: str
        description:
          description:
            - The connection's description (C(DisplayDescription)).
          type: str
        config:
          description:
            - Configuration fields of the connector, as a dictionary of C(FieldKey) to value. M(superoffice.crm.erpsync_connector_info) lists them.
            - Only the keys given are compared and written; other stored fields keep their values.
            - Values are converted to the form the server stores for the field's type (the connector's C(FieldType)); the
              comparison uses that form, so an unchanged run stays unchanged. C(Checkbox) fields take V(true)/V(false) (also
              V(yes)/V(no), V(1)/V(0)) and store C(1)/C(0); C(Integer) and C(Double) fields take numbers; C(Date) fields take
              an ISO date; other fields take text, and numbers are converted to text. A boolean for a field that is not a
              C(Checkbox) fails (quote it), as the module cannot know which text the connector expects.
            - Keys that are not config fields of the connector fail, listing the known ones.
            - Values of C(Password)-type fields are never shown (in results, diffs, messages or the echoed
              module arguments); see O(connections[].update_secrets).
            - Changing the config of an active connection follows the SuperOffice admin rule; the module deactivates the connection,
              saves it and activates it again, and reports that in RV(connections[].operations). When the save certainly changed
              nothing (the test before it failed, or the server refused it with HTTP 4xx), the connection is activated again at
              once and the task fails; after any other failure (an unclear outcome, an answer it cannot use) it is left
              inactive, as RV(connections[].operations) shows.
          type: dict
        update_secrets:
          description:
            - What to do with C(Password)-type config fields when the server does not reveal their stored value, so it cannot be compared.
            - V(always) writes them on every run, which always reports a change. On an active connection that also means
              deactivating and reactivating it on every run.
            - V(on_create) writes them only when the connection is created, when the connection has no such field yet, or when
              the server shows a stored value that differs. Use it for idempotent runs.
          type: str
          choices: [always, on_create]
          default: always
        all_access:
          description:
            - Whether every user may use the connection. When false, O(connections[].user_group_ids) and O(connections[].associate_ids) decide.
            - New connections get V(true) unless given.
          type: bool
        user_group_ids:
          description:
            - Ids of the user groups that may use the connection. Compared as a set; order and duplicates do not matter.
          type: list
          elements: int
        associate_ids:
          description:
            - Ids of the associates (users) that may use the connection. Compared as a set.
          type: list
          elements: int
        test_connection:
          description:
            - Test the connection whenever the run changes or activates it; if a test answers V(false) the task fails.
            - A create or update is tested before it is saved, with C(TestConnectionByConfig) and the config as it will
              be saved, so a configuration that fails is never saved (as in the admin screen); after the save the stored
              connection is tested with C(TestConnectionById), and it is not activated when that fails. When a stored
              Password-type value reads blank and is not given again, the config cannot be tested whole, so only the
              test after the save is made. An activation alone is tested with C(TestConnectionById).
            - The tests are not run when nothing changed, nor in check mode (a new connection is not saved there, and the
              test after a save needs the saved connection); so with this option a real run may fail where check mode
              predicted success.
          type: bool
          default: false
  exclusive:
    description:
      - When V(true), every live connection that no item of O(connections) refers to, and that is active, is deactivated.
        Such connections are never deleted.
      - They are deactivated after the items are applied, and only when no item failed; otherwise they stay active and are
        reported in RV(unlisted_failed). To deactivate one regardless, list it with O(connections[].active=false).
      - They are reported in RV(unlisted_deactivated).
    type: bool
    default: false
notes:
  - The options of each item are validated with the same rules as M(superoffice.crm.erpsync_connection); messages name the item
    as C(connections[INDEX]).
  - After an unclear outcome (lost answer, timeout, server error, a 200 answer cut short) the module never repeats a toggle or a
    create blindly; it reads the connection (or the list) again and only repeats what did not happen.
  - Each create sends a GUID of its own as C(ConnectionId), which the server keeps (the emulator does; see its README, choice 28).
    After a create with an unclear outcome the module takes as its own only the connection that carries that GUID, and sends
    the create again only when no new connection with the name exists. A new connection with the name but without the GUID
    (another run's, an admin's, or this run's on a server that makes its own GUID) is never activated, configured or reported as
    the module's; the item fails naming its id, and it is left as it is.
  - An answer to a write that names another object than the one written (another id) is an error, and nothing more is written
    for that connection.
  - Check mode and diff mode predict exactly what a real run does; nothing is written in check mode.
seealso:
  - module: superoffice.crm.erpsync_connection
  - module: superoffice.crm.erpsync_connection_info
  - module: superoffice.crm.erpsync_connector_info
'''

EXAMPLES = r'''
- name: Converge the tenant's ERP connections, deactivating any other connection
  superoffice.crm.erpsync_connections:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
    exclusive: true
    connections:
      - name: Visma production
        connector: Visma.net
        description: Orders and customers from Visma
        config:
          ApiUrl: https://erp.example.com/api
          ApiKey: "{{ vault_visma_api_key }}"
        update_secrets: on_create
        active: true
      - name: Visma test
        connector: Visma.net
        active: false
      - name: Old import
        state: absent

- name: Use module_defaults for the connection options
  module_defaults:
    group/superoffice.crm.webapi:
      url: https://online2.superoffice.com/Cust12345
      ticket: "{{ superoffice_ticket }}"
      app_token: "{{ superoffice_app_token }}"
  block:
    - name: Converge connections from inventory data
      superoffice.crm.erpsync_connections:
        connections: "{{ erpsync_connections }}"
      register: converged

    - name: Show what changed
      ansible.builtin.debug:
        msg: "{{ converged.summary }}"
'''

RETURN = r'''
connections:
  description: One entry per item of O(connections), in the same order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The connection's name after the run (or the name given, when it does not exist).
      type: str
      sample: Visma production
    id:
      description: The connection id; V(null) for a connection that does not exist or that check mode would create.
      type: int
      sample: 7
    state:
      description: The item's O(connections[].state).
      type: str
      sample: present
    changed:
      description: Whether the item changed (or would change, in check mode).
      type: bool
      sample: true
    operations:
      description:
        - What the run did to the connection, in order. Possible entries are V(created), V(updated), V(deleted), V(activated),
          V(deactivated), V(deactivated for config change) and V(reactivated).
      type: list
      elements: str
      sample: ["created", "activated"]
    connection:
      description:
        - The connection after the run, with the keys of RV(superoffice.crm.erpsync_connection#module:connection);
          C(Password)-type config values replaced by C(********).
        - C(config) is V(null) when the run did not need to read it (no config given and nothing saved).
        - V(null) for O(connections[].state=absent).
      type: dict
      sample: {"id": 7, "name": "Visma production", "description": "", "active": true, "connector_id": 3,
               "connection_guid": "9b2f6a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b", "all_access": true, "user_group_ids": [],
               "associate_ids": [], "deleted": false, "most_recent_timestamp": "", "config": null}
    diff:
      description: The item's managed fields before and after (secrets masked).
      type: dict
      returned: when diff mode is on
      sample: {"before": {"state": "absent"}, "after": {"state": "present", "id": 7, "name": "Visma production", "active": true}}
    failed:
      description: V(true) when this item failed; the other items were still applied.
      type: bool
      returned: when the item failed
      sample: true
    msg:
      description: Why the item failed.
      type: str
      returned: when the item failed
      sample: "activating connection 'Visma production' (id 7) was refused: Mandatory field Customer.Name has no direction"
summary:
  description: Counts of what the run did.
  returned: always
  type: dict
  contains:
    total:
      description: Number of items.
      type: int
      sample: 20
    created:
      description: Items created.
      type: int
      sample: 1
    updated:
      description: Items saved with changed fields.
      type: int
      sample: 2
    deleted:
      description: Items deleted.
      type: int
      sample: 0
    activated:
      description: Items activated (not counting reactivations after a config change).
      type: int
      sample: 1
    deactivated:
      description: Items deactivated because O(connections[].active=false), and items deactivated for a config change and
        not activated again (refused, or held).
      type: int
      sample: 0
    unchanged:
      description: Items that were already as wanted.
      type: int
      sample: 16
    failed:
      description: Items that failed.
      type: int
      sample: 0
    unlisted_deactivated:
      description: Unlisted connections deactivated because of O(exclusive).
      type: int
      sample: 1
unlisted_deactivated:
  description: The unlisted connections that O(exclusive=true) deactivated (or would deactivate, in check mode).
  returned: always
  type: list
  elements: dict
  sample: [{"id": 4, "name": "Legacy import"}]
unlisted_failed:
  description: Unlisted connections whose deactivation failed, with the reason.
  returned: failure
  type: list
  elements: dict
  sample: [{"id": 4, "name": "Legacy import", "msg": "deactivating unlisted connection 'Legacy import' (id 4) was refused: busy"}]
diff:
  description:
    - Before and after of every connection that changed, keyed by connection name (C(name (id N)) when names repeat),
      under C(--diff). C(Password)-type config values are shown as C(********).
  returned: when diff mode is on
  type: dict
  sample:
    before: {"Visma test": {"state": "absent"}, "Legacy import": {"state": "present", "id": 4, "name": "Legacy import", "active": true}}
    after: {"Visma test": {"state": "present", "id": 9, "name": "Visma test", "active": false},
            "Legacy import": {"state": "present", "id": 4, "name": "Legacy import", "active": false}}
status:
  description: The HTTP status of a failed read that stopped the run before any write.
  returned: failure
  type: int
  sample: 503
api_method:
  description: The ErpSync agent method of a failed read that stopped the run before any write.
  returned: failure
  type: str
  sample: GetAllConnections
'''

from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._plan import PlanError
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection import Connections
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_items import CONNECTION_OPTIONS, check_items, items_from_list
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_results import bulk_result


def main():
    module = ErpSyncModule(
        dict(
            connections=dict(type='list', elements='dict', required=True),
            exclusive=dict(type='bool', default=False),
        ),
        item_options=dict(connections=CONNECTION_OPTIONS),
        supports_check_mode=True,
    )
    items = items_from_list(module.params['connections'])
    try:
        check_items(items)  # before the client exists: bad input makes no request
    except PlanError as e:
        module.fail_json(msg=e.message, changed=False)
    kind = Connections(module.run(), items, exclusive=module.params['exclusive'])
    module.converge([kind])
    result, failure = bulk_result(kind)
    if failure:
        module.fail_json(msg=failure, **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
