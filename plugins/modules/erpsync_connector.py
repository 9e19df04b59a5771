#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_connector: register, rename, move or delete one ERP Sync connector.

DOCUMENTATION = r'''
module: erpsync_connector
short_description: Register, rename, move or delete a SuperOffice ERP Sync connector
version_added: 0.2.0
description:
  - Manages one connector registration of a SuperOffice tenant's ERP Sync agent (C(ErpSyncConnectorEntity)), the first step
    of the admin workflow, before connections can use the connector.
  - Reads the connector list once (C(GetAllConnectors)); the connector's address is only in the connector entity, so it is
    read too (C(GetErpSyncConnectorEntity)) when O(connector_url) is given, for O(state=absent), or for a rename.
  - A new connector is made as the admin screen makes it, from the server's default entity
    (C(CreateDefaultErpSyncConnectorEntity)), saved with id V(0) (C(SaveErpSyncConnectorEntity)).
  - Before a connector is registered, or moved to another address, C(TestConnectorUrl) must answer C(NoError) (unless
    O(test_url=false)); any other answer fails the task with its meaning and nothing is saved. It is asked before any
    write, in check mode too (it changes nothing).
  - A connector is deleted only when C(CanDeleteErpSyncConnectorEntity) answers C(NoError). It is asked before any write, in
    check mode too. A connector that connections still use is not deleted, and the task fails naming them (in check mode
    as well). To retire a connector with its connections in one task, use M(superoffice.crm.erpsync_tenant) (or the role),
    which deletes the connections first.
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
  - superoffice.crm.attributes
options:
  name:
    description:
      - The connector's name (C(DisplayName)).
      - Without O(id), identifies the connector; an exact match wins, else the name is compared ignoring case (and the
        connector is then renamed to the spelling given). It must match one connector; if it matches several, give O(id).
        If it matches none, O(state=present) registers the connector
        (O(connector_url) is then required).
      - With O(id), the name the connector should have (a rename).
    type: str
  id:
    description:
      - The connector's id (C(ErpConnectorId)). An unknown id fails with O(state=present) and is nothing to do with O(state=absent).
    type: int
  connector_url:
    description:
      - The address of the connector service, C(https://.../ErpConnector.svc), or C(app://<app id>) for a sync app in
        SuperOffice Online. Not O(url), which is the tenant.
      - Compared with the connector's stored address; a different one moves the connector there (tested first, see O(test_url)).
      - Required to register a connector.
      - Must not carry credentials (C(user:password@)). Results, diffs, messages and the export show a stored URL with the password
        of its user info (the user itself when there is no password, a token), and the values of key-like parameters in its
        query, its fragment (C(#access_token=)) and its path segments (C(;jsessionid=)) as C(********); a name is key-like with
        C(key), C(token), C(secret), C(code), C(pass), C(pwd), C(sig), C(auth), C(cred), C(ticket), C(session), C(jwt) or
        C(assertion) in it. That masked form given here keeps the stored URL as it is; any other URL with C(********) in it is
        refused.
    type: str
  state:
    description:
      - V(present) registers or updates the connector; V(absent) deletes it (refused while connections use it).
    type: str
    choices: [present, absent]
    default: present
  test_url:
    description:
      - Ask the server to reach the connector service (C(TestConnectorUrl)) before registering the connector or moving it to
        another address, and save nothing unless it answers C(NoError). Asked while planning, in check mode too.
      - Set to V(false) to register a connector whose service is not reachable yet.
    type: bool
    default: true
notes:
  - Check mode and diff mode predict exactly what a real run does (a connector that would be registered has
    RV(connector.id=null)); nothing is written in check mode, and the URL test is made as in a real run.
seealso:
  - module: superoffice.crm.erpsync_connector_info
  - module: superoffice.crm.erpsync_connection
  - name: ErpSync agent SaveErpSyncConnectorEntity
    description: The WebAPI method that registers and updates connectors.
    link: https://docs.superoffice.com/en/api/reference/restful/agent/ErpSync_Agent/v1ErpSyncAgent_SaveErpSyncConnectorEntity.html
'''

EXAMPLES = r'''
- name: Register the Fortnox connector service
  superoffice.crm.erpsync_connector:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
    name: Fortnox
    connector_url: https://erpconnectors.example.com/fortnox/ErpConnector.svc

- name: Register a SuperOffice Online sync app as a connector, and rename another one
  module_defaults:
    group/superoffice.crm.webapi:
      url: https://online2.superoffice.com/Cust12345
      ticket: "{{ superoffice_ticket }}"
      app_token: "{{ superoffice_app_token }}"
  block:
    - name: The sync app
      superoffice.crm.erpsync_connector:
        name: Fortnox (app)
        connector_url: app://fortnox-sync

    - name: Rename connector 3
      superoffice.crm.erpsync_connector:
        id: 3
        name: Visma.net (old)

- name: Delete a connector that no connection uses any more
  superoffice.crm.erpsync_connector:
    name: Legacy connector
    state: absent
'''

RETURN = r'''
operations:
  description: What the run did (or would do in check mode), V(created), V(updated) or V(deleted).
  returned: always
  type: list
  elements: str
  sample: ["created"]
connector:
  description: The connector after the run, as the server shows it (in check mode, as it would be); V(null) for O(state=absent).
  returned: success, and on failure when known
  type: dict
  contains:
    id:
      description: The connector id (C(ErpConnectorId)); V(null) for a connector that check mode would register.
      type: int
      sample: 4
    name:
      description: The connector's name (C(DisplayName)).
      type: str
      sample: Fortnox
    connector_url:
      description: The connector service's address (C(URL)).
      type: str
      sample: https://erpconnectors.example.com/fortnox/ErpConnector.svc
    deleted:
      description: Whether the connector is deleted; always V(false) here.
      type: bool
      sample: false
diff:
  description: The connector's name and address before and after, under C(--diff).
  returned: when diff mode is on
  type: dict
  sample: {"before": {"state": "absent"}, "after": {"state": "present", "id": 4, "name": "Fortnox", "connector_url": "app://fortnox-sync"}}
status:
  description: The HTTP status of the failed WebAPI request, when the failure came from one.
  returned: failure
  type: int
  sample: 503
api_method:
  description: The ErpSync agent method that failed, when the failure came from a WebAPI request.
  returned: failure
  type: str
  sample: TestConnectorUrl
'''

from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connector import (
    CONNECTOR_OPTIONS, CONNECTOR_REQUIRED_ONE_OF, Connectors, check_items, connector_item, connector_options)


def main():
    module = ErpSyncModule(connector_options(), required_one_of=CONNECTOR_REQUIRED_ONE_OF, supports_check_mode=True)
    item = connector_item(dict((name, module.params.get(name)) for name in CONNECTOR_OPTIONS))
    module.checked(check_items, [item], operations=[])  # before the client exists: bad input makes no request
    module.converge_one(Connectors(module.run(), [item]), item, 'connector')


if __name__ == '__main__':
    main()
