#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_sync_priority: the order in which a tenant's ERP connections replicate (the admin screen's Set Sync Priority).

DOCUMENTATION = r'''
module: erpsync_sync_priority
short_description: Set the order in which SuperOffice ERP Sync connections replicate
version_added: 0.3.0
description:
  - Manages the admin screen's B(Set Sync Priority) dialog as code. The sync priority is the replication order of a tenant's
    connections, with SuperOffice itself among them (C(ErpConfiguration.ConnectionRank), connection ids separated by
    semicolons, C(0) standing for SuperOffice).
  - Reads the connection list (C(GetAllConnections)) and the order from the MDO list C(erpconnections) sorted by rank
    (C(GET api/v1/MDOList/erpconnections?flat=true&additional=useRank=true)). When the connections' order differs from
    O(connections), the whole order is saved (C(SaveErpConnectionSyncPriorities)) and read back once. An unchanged run makes
    the two reads only.
  - The order read is checked against the connection list (every live connection once, its GUID in C(ExtraInfo) as the
    connection has it); an answer that does not match fails the task, and nothing is written because of it.
  - Needs the REST WebAPI (O(api=rest)); the SOAP services have no MDO lists.
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
  - superoffice.crm.attributes
options:
  connections:
    description:
      - The connections, highest priority first, each by name (C(DisplayName)) or numeric id (C(ErpConnectionId)). An entry of
        digits is an id first, as O(superoffice.crm.erpsync_actor_mapping#module:connection) takes it; a connection whose
        name is a number that is not an id is found by that name.
      - V(0) (or V("0")) is SuperOffice itself, as the server stores it. Left out, SuperOffice is placed first.
      - Live connections not listed follow the listed ones, in their current order. Each connection, and V(0), may be given once.
    type: list
    elements: raw
    required: true
notes:
  - B(SuperOffice's place cannot be read back.) The MDO list C(erpconnections) lists connections only (as its documented
    sample does), so only the connections' order is compared. SuperOffice's place (V(0) in O(connections), else first) is
    written together with a change of the connections' order; moving only V(0) is not detected and makes no change.
    RV(sync_priority.superoffice_position) is V(null) unless this run wrote it. To place SuperOffice alone, change the
    connections' order in one run and set it back with V(0) where you want it in the next.
  - A connection literally named V(0), or named like the id of another connection, must be given by its id.
  - Check mode and diff mode predict exactly what a real run does; nothing is written in check mode.
seealso:
  - module: superoffice.crm.erpsync_tenant
    description: Its O(superoffice.crm.erpsync_tenant#module:sync_priority) sets the same order as part of a whole tenant.
  - name: Set Sync Priority (SuperOffice docs)
    description: The admin dialog this module manages.
    link: https://docs.superoffice.com/en/erp/admin/configure.html#priority
'''

EXAMPLES = r'''
- name: Visma first, then SuperOffice itself, then the rest as they are
  superoffice.crm.erpsync_sync_priority:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
    connections:
      - Visma.net production
      - 0
      - SAP Business One

- name: By id, SuperOffice first (left out)
  superoffice.crm.erpsync_sync_priority:
    connections: ["7", "3"]
  module_defaults:
    group/superoffice.crm.webapi:
      url: https://online2.superoffice.com/Cust12345
      ticket: "{{ superoffice_ticket }}"
      app_token: "{{ superoffice_app_token }}"
'''

RETURN = r'''
operations:
  description: What the run did (or would do in check mode), V(sync priority set) or nothing.
  returned: always
  type: list
  elements: str
  sample: ["sync priority set"]
sync_priority:
  description: The order after the run (in check mode, as it would be).
  returned: success, and on failure when known
  type: dict
  contains:
    connections:
      description: The live connections' names, highest priority first.
      type: list
      elements: str
      sample: ["Visma.net production", "SAP Business One"]
    ids:
      description: Their ids, in the same order.
      type: list
      elements: int
      sample: [7, 3]
    superoffice_position:
      description: SuperOffice's place in the order written by this run (1 is first), V(null) when nothing was written (the
        server does not show it).
      type: int
      sample: 2
    sent:
      description: The ids this run sent to C(SaveErpConnectionSyncPriorities) (V(0) for SuperOffice); empty when nothing was
        written.
      type: list
      elements: int
      sample: [7, 0, 3]
diff:
  description: The connections' names in order and SuperOffice's place, before and after, under C(--diff).
  returned: when diff mode is on
  type: dict
  sample: {"before": {"connections": ["SAP Business One", "Visma.net production"], "superoffice_position": null},
           "after": {"connections": ["Visma.net production", "SAP Business One"], "superoffice_position": 2}}
status:
  description: The HTTP status of the failed WebAPI request, when the failure came from one.
  returned: failure
  type: int
  sample: 503
api_method:
  description: The ErpSync agent method that failed, when the failure came from a WebAPI request.
  returned: failure
  type: str
  sample: SaveErpConnectionSyncPriorities
'''

from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._resources.sync_priority import PRIORITY_OPTIONS, SyncPriority, priority_item


def main():
    module = ErpSyncModule(PRIORITY_OPTIONS, supports_check_mode=True)
    item = module.checked(priority_item, module.params['connections'], operations=[])  # before the client exists
    module.converge_one(SyncPriority(module.run(), item), item, 'sync_priority')


if __name__ == '__main__':
    main()
