#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_connection: one ERP connection (present/absent, Active flag, connector, config, access), as the admin screen edits it.

DOCUMENTATION = r'''
module: erpsync_connection
short_description: Create, update, activate, deactivate or delete one SuperOffice ERP Sync connection
version_added: 0.1.0
description:
  - Manages one ERP connection of a SuperOffice tenant's ERP Sync agent; the connection is found by O(id) or by O(name).
  - Reads the connection list once (C(GetAllConnections)) and writes only what differs from the options given. Options
    left out are not compared and keep their current value.
  - C(SaveConnection) replaces the whole record, so before saving an existing connection the module reads it
    (C(GetConnection)) and sends it back as read, with only the requested fields changed; the sync cursor
    (C(MostRecentTimestamp)) and the connection GUID are kept.
  - To manage many connections in one task, with a fixed number of requests, use M(superoffice.crm.erpsync_connections).
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
  - superoffice.crm.attributes
options:
  id:
    description:
      - The connection's id (C(ErpConnectionId)).
      - Identifies the connection. When O(name) is given as well, O(name) is the name the connection
        should have (a rename).
      - An id that is unknown, or belongs to a deleted connection, fails with O(state=present) and is
        nothing to do with O(state=absent).
    type: int
  name:
    description:
      - The connection's name (C(DisplayName)), compared exactly.
      - Without O(id), identifies the connection. It must match exactly one live (not deleted) connection; if it matches
        several, the module fails and lists them, so give O(id). If it matches none, O(state=present) creates the
        connection (O(connector) is then required).
      - With O(id), the desired name.
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
        module arguments); see O(update_secrets).
      - Changing the config of an active connection follows the SuperOffice admin rule; the module deactivates the connection,
        saves it and activates it again, and reports that in RV(operations). When the save certainly changed nothing (the
        test before it failed, or the server refused it with HTTP 4xx), the connection is activated again at once and the
        task fails; after any other failure (an unclear outcome, an answer it cannot use) it is left inactive, as RV(operations)
        shows.
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
      - Whether every user may use the connection. When false, O(user_group_ids) and O(associate_ids) decide.
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
notes:
  - Requests of an unchanged run with no O(config) are a single C(GetAllConnections) (plus C(GetAllConnectors) when O(connector)
    is given). With O(config), C(GetConfigurationFields) and C(GetConnection) are added, as the list carries no config.
  - After an unclear outcome (lost answer, timeout, server error, a 200 answer cut short) the module never repeats a toggle or a
    create blindly; it reads the connection (or the list) again and only repeats what did not happen.
  - Each create sends a GUID of its own as C(ConnectionId), which the server keeps (the emulator does; see its README, choice 28).
    After a create with an unclear outcome the module takes as its own only the connection that carries that GUID, and sends
    the create again only when no new connection with the name exists. A new connection with the name but without the GUID
    (another run's, an admin's, or this run's on a server that makes its own GUID) is never activated, configured or reported as
    the module's; the item fails naming its id, and it is left as it is.
  - An answer to a write that names another object than the one written (another id) is an error, and nothing more is written
    for that connection.
  - A connection another run created at the same moment with the same name and connector is deleted again by the run whose copy
    got the higher id, so it never exists twice; keep one converging run per tenant (O(lock_timeout)).
  - Check mode and diff mode predict exactly what a real run does (a new connection has RV(connection.id=null)); nothing is written in check mode.
seealso:
  - module: superoffice.crm.erpsync_connections
  - module: superoffice.crm.erpsync_connection_info
  - module: superoffice.crm.erpsync_connector_info
  - name: ErpSync agent SaveConnection
    description: The WebAPI method that creates and updates connections.
    link: https://docs.superoffice.com/en/api/reference/restful/agent/ErpSync_Agent/v1ErpSyncAgent_SaveConnection.html
'''

EXAMPLES = r'''
- name: Create a Visma connection and activate it
  superoffice.crm.erpsync_connection:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
    name: Visma production
    connector: Visma.net
    description: Orders and customers from Visma
    config:
      ApiUrl: https://erp.example.com/api
      CompanyId: 1234
      ApiKey: "{{ vault_visma_api_key }}"
    update_secrets: on_create
    active: true
    test_connection: true

- name: Set connection options once for every module of the collection
  module_defaults:
    group/superoffice.crm.webapi:
      url: https://online2.superoffice.com/Cust12345
      ticket: "{{ superoffice_ticket }}"
      app_token: "{{ superoffice_app_token }}"
  block:
    - name: Restrict the connection to two user groups
      superoffice.crm.erpsync_connection:
        name: Visma production
        all_access: false
        user_group_ids: [2, 5]

    - name: Rename connection 7
      superoffice.crm.erpsync_connection:
        id: 7
        name: Visma (archive)

    - name: Deactivate it
      superoffice.crm.erpsync_connection:
        id: 7
        active: false

    - name: Delete a connection (soft delete)
      superoffice.crm.erpsync_connection:
        name: Old test connection
        state: absent
'''

RETURN = r'''
operations:
  description:
    - What the run did (or would do in check mode), in order.
    - Possible entries are V(created), V(updated), V(deleted), V(activated), V(deactivated),
      V(deactivated for config change) and V(reactivated) (the two steps around a config change of an active connection).
  returned: always
  type: list
  elements: str
  sample: ["deactivated for config change", "updated", "reactivated"]
connection:
  description:
    - The connection after the run, as the server shows it (in check mode, as it would be).
    - V(null) when O(state=absent).
  returned: success, and on failure when known
  type: dict
  contains:
    id:
      description: The connection id (C(ErpConnectionId)); V(null) for a connection that check mode would create.
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
      description:
        - The connection's GUID (C(ConnectionId)); for a connection this module created, the one it sent. V(null) for a
          connection that check mode would create.
      type: str
      sample: 9b2f6a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b
    all_access:
      description: Whether every user may use the connection.
      type: bool
      sample: false
    user_group_ids:
      description: User groups that may use the connection, sorted.
      type: list
      elements: int
      sample: [2, 5]
    associate_ids:
      description: Associates that may use the connection, sorted.
      type: list
      elements: int
      sample: []
    deleted:
      description: Whether the connection is deleted; always V(false) here.
      type: bool
      sample: false
    most_recent_timestamp:
      description: The engine's sync cursor (C(MostRecentTimestamp)), kept as it is by every save.
      type: str
      sample: "2026-03-01T10:15:00"
    config:
      description:
        - The connection's config fields, with C(Password)-type values replaced by C(********) when the server shows a value
          or O(config) gives one. A blank C(Password)-type value means the server shows none; servers that hide stored secrets
          always show none.
        - V(null) when the run did not need to read the config (no O(config) given and nothing saved); the connection list
          does not carry it. M(superoffice.crm.erpsync_connection_info) with O(superoffice.crm.erpsync_connection_info#module:include_config=true)
          reads it.
      type: dict
      sample: {"ApiUrl": "https://erp.example.com/api", "CompanyId": "1234", "ApiKey": "********"}
diff:
  description:
    - The managed fields before and after, under C(--diff); C(Password)-type config values are shown as C(********).
    - A secret that is rewritten but looks the same before and after is marked C((updated)).
  returned: when diff mode is on
  type: dict
  sample:
    before: {"state": "present", "id": 7, "name": "Visma production", "description": "Orders", "active": true}
    after: {"state": "present", "id": 7, "name": "Visma production", "description": "Orders and customers", "active": true}
status:
  description: The HTTP status of the failed WebAPI request, when the failure came from one.
  returned: failure
  type: int
  sample: 503
api_method:
  description: The ErpSync agent method that failed, when the failure came from a WebAPI request.
  returned: failure
  type: str
  sample: ToggleErpConnectionActive
'''

from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection import Connections
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_items import (
    CONNECTION_OPTIONS, CONNECTION_REQUIRED_ONE_OF, check_items, connection_item, connection_options)


def main():
    module = ErpSyncModule(connection_options(), required_one_of=CONNECTION_REQUIRED_ONE_OF, supports_check_mode=True)
    item = connection_item(dict((name, module.params.get(name)) for name in CONNECTION_OPTIONS))
    module.checked(check_items, [item], operations=[])  # before the client exists: bad input makes no request
    module.converge_one(Connections(module.run(), [item]), item, 'connection')


if __name__ == '__main__':
    main()
