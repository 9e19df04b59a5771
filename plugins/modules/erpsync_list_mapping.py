#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_list_mapping: which CRM list item each ERP list item of a connection maps to.

DOCUMENTATION = r'''
module: erpsync_list_mapping
short_description: Map ERP list items to SuperOffice list items for a SuperOffice ERP Sync connection
version_added: 0.2.0
description:
  - Manages the admin screen's B(List mapping) dialog as code. For every list field of a connection that is mapped to a
    SuperOffice list field (category, status, country, ...), each ERP list item maps to one SuperOffice list item, or to none.
  - Reads the connection list (C(GetAllConnections)) to find O(connection) and its list mappings (C(GetConnectionListMappings));
    when SuperOffice list items are given by name, or change, the SuperOffice list is read too (C(GET api/v1/MDOList/{list}),
    once per list) to check them. An unchanged run given by ids makes two reads.
  - The list mappings are saved whole (C(SaveConnectionListMappings)), as they were read with the changes applied.
  - Unknown lists, unknown ERP items, unknown SuperOffice items, and two ERP items of one list mapped to the same SuperOffice
    item fail before anything is written, listing what is valid.
  - A list only appears once its field is mapped to a SuperOffice list field (M(superoffice.crm.erpsync_actor_mapping)).
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
  - superoffice.crm.attributes
options:
  connection:
    description:
      - The ERP connection, by name (C(DisplayName)) or numeric id (C(ErpConnectionId)).
    type: str
    required: true
  lists:
    description:
      - The ERP lists to map. Lists not given keep their mapping.
    type: list
    elements: dict
    required: true
    suboptions:
      erp_list:
        description:
          - The ERP list's name (C(ErpListName)). When two mapped fields use the same list, give O(lists[].erp_field) instead.
        type: str
      erp_field:
        description:
          - The key of the mapped ERP field (C(ErpFieldKey)) whose list this is.
        type: str
      items:
        description:
          - ERP list item id -> SuperOffice list item, by id (a number) or by name; V(null) for no selection.
          - ERP items not given keep their mapping, unless O(exclusive=true).
        type: dict
        required: true
  exclusive:
    description:
      - When V(true), ERP items of the given lists that O(lists[].items) does not name get no selection.
    type: bool
    default: false
notes:
  - SuperOffice list items are looked up by name through the REST WebAPI's MDO lists; with O(api=soap) give them by id.
  - Check mode and diff mode predict exactly what a real run does; nothing is written in check mode.
seealso:
  - module: superoffice.crm.erpsync_actor_mapping
  - module: superoffice.crm.erpsync_mapping_info
'''

EXAMPLES = r'''
- name: Map the Visma customer classes to SuperOffice categories
  superoffice.crm.erpsync_list_mapping:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
    connection: Visma.net production
    lists:
      - erp_list: CustomerClass
        items:
          A: A customer        # by name
          B: 2                 # by id
          C: null              # no selection
      - erp_field: Country
        items: {"NO": Norway, "SE": Sweden}   # quoted: a bare NO is the YAML boolean false
    exclusive: true
'''

RETURN = r'''
operations:
  description: What the run did (or would do in check mode), V(list mappings updated).
  returned: always
  type: list
  elements: str
  sample: ["list mappings updated"]
list_mappings:
  description:
    - Every mapped list of the connection after the run, in the shape of O(lists) (SuperOffice items by id), each with
      C(erp_list) (the ERP list's name), C(actor_type) (the ERP actor type of its field), C(crm_list) (the SuperOffice list
      it maps to) and C(items) (ERP list item id -> SuperOffice list item id, V(null) for no selection).
    - In Jinja, read the items as C(entry['items']); C(entry.items) is the dictionary's own method.
  returned: success, and on failure when known
  type: list
  elements: dict
  sample: [{"erp_list": "CustomerClass", "actor_type": "Customer", "crm_list": "Category", "items": {"A": 1, "B": 2, "C": null}}]
diff:
  description: The items of every mapped list before and after, by ERP list, under C(--diff).
  returned: when diff mode is on
  type: dict
  sample: {"before": {"CustomerClass": {"A": null}}, "after": {"CustomerClass": {"A": 1}}}
status:
  description: The HTTP status of the failed WebAPI request, when the failure came from one.
  returned: failure
  type: int
  sample: 503
api_method:
  description: The ErpSync agent method that failed, when the failure came from a WebAPI request.
  returned: failure
  type: str
  sample: SaveConnectionListMappings
'''

from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._items import check_errors
from ansible_collections.superoffice.crm.plugins.module_utils._resources.list_mapping import (
    LIST_OPTIONS, ListMappings, list_mapping_options, validate_params)


def main():
    module = ErpSyncModule(dict(connection=dict(type='str', required=True), **list_mapping_options()), item_options=dict(lists=LIST_OPTIONS),
                           supports_check_mode=True)
    item = validate_params(module.params['lists'], exclusive=module.params['exclusive'])
    module.checked(check_errors, [item], operations=[])  # before the client exists: bad input makes no request
    record = module.connection_record(module.params['connection'])
    module.converge_one(ListMappings(module.run(), [item], lambda item: record), item, 'list_mappings')


if __name__ == '__main__':
    main()
