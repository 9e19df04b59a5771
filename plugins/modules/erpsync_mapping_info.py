#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_mapping_info: a connection's field mappings, defaults and list mappings, in the shape the mapping modules take.

DOCUMENTATION = r'''
module: erpsync_mapping_info
short_description: Read the field mappings, default values and list mappings of a SuperOffice ERP Sync connection
version_added: 0.2.0
description:
  - Reads a connection's actor mappings and list mappings and returns them in the shapes M(superoffice.crm.erpsync_actor_mapping)
    and M(superoffice.crm.erpsync_list_mapping) take, so they can be edited and applied again (C(info -> edit -> apply)).
  - Reads the connection list (C(GetAllConnections)), the connection's actor types from its sync summary
    (C(GetErpSyncConnectionSummary)) unless O(actor_types) names them, one mapping per actor type (C(GetActorTypeMapping)),
    with O(include_defaults=true) one default per field (C(GetDefaultValueInfo)), with O(include_lists=true) the list
    mappings (C(GetConnectionListMappings)), and per actor type whether the connection supports advanced search
    (C(SupportsAdvancedSearch)).
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
  - superoffice.crm.attributes.INFO_MODULE
options:
  connection:
    description:
      - The ERP connection, by name (C(DisplayName)) or numeric id (C(ErpConnectionId)).
    type: str
    required: true
  actor_types:
    description:
      - The ERP actor types to read. Left out, every actor type the connection has.
    type: list
    elements: str
    choices: [Customer, Supplier, Partner, Person, Project, Employee, Sale]
  include_defaults:
    description:
      - Also read the default values of every field (one C(GetDefaultValueInfo) per field).
    type: bool
    default: false
  include_lists:
    description:
      - Also read the list mappings.
    type: bool
    default: true
seealso:
  - module: superoffice.crm.erpsync_actor_mapping
  - module: superoffice.crm.erpsync_list_mapping
  - module: superoffice.crm.erpsync_tenant_info
'''

EXAMPLES = r'''
- name: Read the Visma connection's mappings
  superoffice.crm.erpsync_mapping_info:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
    connection: Visma.net production
    include_defaults: true
  register: visma

- name: Apply the customer mapping to the test connection
  superoffice.crm.erpsync_actor_mapping:
    connection: Visma.net test
    actor_type: Customer
    active: "{{ customer.active }}"
    fields: "{{ customer.fields }}"
  vars:
    customer: "{{ visma.mappings | selectattr('actor_type', 'equalto', 'Customer') | first }}"
'''

RETURN = r'''
connection:
  description: The connection read, as C({id, name}).
  returned: success
  type: dict
  sample: {"id": 7, "name": "Visma.net production"}
mappings:
  description:
    - One entry per actor type, exactly in the shape of the options of M(superoffice.crm.erpsync_actor_mapping) (and of the items
      of the role's C(mappings)), C(actor_type), C(active) and C(fields), so that it can be fed back as it is.
      Its C(fields) are those that are mapped, flagged or have defaults.
  returned: success
  type: list
  elements: dict
  sample: [{"actor_type": "Customer", "active": true,
            "fields": [{"erp_field": "Name", "crm_field": "contact.name", "direction": "both", "show_in_search": true,
                        "show_in_erp_tab": false}]}]
crm_actor_types:
  description: The SuperOffice entity each actor type of RV(mappings) is synchronized with.
  returned: success
  type: dict
  sample: {"Customer": "Contact", "Person": "Person"}
advanced_search:
  description:
    - Per actor type of RV(mappings), whether the connection supports advanced search for it (C(SupportsAdvancedSearch)).
    - Beside RV(mappings), not in it, so that RV(mappings) can be fed back to M(superoffice.crm.erpsync_actor_mapping) as it is.
  returned: success
  type: dict
  sample: {"Customer": true, "Person": false}
  version_added: 0.3.0
list_mappings:
  description:
    - Every mapped list, exactly in the shape of O(superoffice.crm.erpsync_list_mapping#module:lists) (each C(erp_field), or
      C(erp_list) when the field is not known, and C(items), SuperOffice items by id, V(null) for no selection), so that it can
      be fed back as it is; empty unless O(include_lists=true). In Jinja, read the items as C(entry['items']).
  returned: success
  type: list
  elements: dict
  sample: [{"erp_field": "CustomerClass", "items": {"A": 1, "B": 2, "C": null}}]
list_details:
  description: The same lists with what they connect, C(erp_list), C(erp_field), C(actor_type) and the SuperOffice list C(crm_list).
  returned: success
  type: list
  elements: dict
  sample: [{"erp_list": "CustomerClass", "erp_field": "CustomerClass", "actor_type": "Customer", "crm_list": "Category",
            "items": {"A": 1, "B": 2, "C": null}}]
'''

from ansible_collections.superoffice.crm.plugins.module_utils._shapes import ERP_ACTOR_TYPES
from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._resources.export import read_mappings
from ansible_collections.superoffice.crm.plugins.module_utils._resources.list_mapping import list_option


def main():
    module = ErpSyncModule(
        dict(
            connection=dict(type='str', required=True),
            actor_types=dict(type='list', elements='str', choices=list(ERP_ACTOR_TYPES[1:])),
            include_defaults=dict(type='bool', default=False),
            include_lists=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    record = module.connection_record(params['connection'])
    run = module.run()
    mappings, lists = module.read_or_fail(read_mappings, run, record['ErpConnectionId'], params['actor_types'],
                                          params['include_defaults'], params['include_lists'])
    actors = [m['actor_type'] for m in mappings]
    advanced = module.read_or_fail(run.each, lambda actor: run.api.supports_advanced_search(record['ErpConnectionId'], actor), actors)
    module.exit_json(changed=False, connection=dict(id=record['ErpConnectionId'], name=record.get('DisplayName')),
                     mappings=[dict(actor_type=m['actor_type'], active=m['active'], fields=m['fields']) for m in mappings],
                     crm_actor_types=dict((m['actor_type'], m['crm_actor_type']) for m in mappings),
                     advanced_search=dict(zip(actors, advanced)),
                     list_mappings=[list_option(entry) for entry in lists], list_details=lists)


if __name__ == '__main__':
    main()
