#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_tenant_info: read a whole tenant's ERP Sync setup back as the role's variables (the way in for an existing tenant).

DOCUMENTATION = r'''
module: erpsync_tenant_info
short_description: Export the ERP Sync setup of a SuperOffice tenant as the variables of the erpsync role
version_added: 0.2.0
description:
  - Reads a whole tenant (engine, connectors, connections with their config, field mappings with defaults, list mappings) and
    returns it as RV(role_vars), in exactly the shape of the variables of the role C(superoffice.crm.erpsync). Feeding
    RV(role_vars) back to the role (with the secrets filled in) reports no change.
  - Only what differs from what the server gives a new object is written (a connection's access when not everyone's, config
    values that differ from the connector's defaults, mapped fields, set defaults and chosen list items), so the export stays
    short. Mandatory config values are always written, as a new connection needs them.
  - The values of C(Password)-type config fields are B(never) read into the result. Each is replaced by a placeholder
    C({{ vault_<connection>_<field> }}) listed in RV(vault_placeholders), to be defined in a vault file.
  - Reads one engine status, the connector list and one connector entity per connector, the connection list, and per
    connection one full read, its summary, one mapping per actor type, one default per field and its list mappings (with
    O(include_mappings=true)), one read per object, as the ErpSync agent has no bulk reads.
  - The playbook C(superoffice.crm.export) writes the export to a variables file and a vault stub.
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
  - superoffice.crm.attributes.INFO_MODULE
options:
  include_mappings:
    description:
      - Also export each connection's field mappings, default values and list mappings.
    type: bool
    default: true
seealso:
  - name: The role superoffice.crm.erpsync
    description: The role the export is made for; its C(export) entry point and the playbook C(superoffice.crm.export) write it to files.
    link: https://github.com/superoffice-crm/ansible-collection-superoffice-crm/blob/main/docs/reference/erpsync_role.rst
  - module: superoffice.crm.erpsync_tenant
'''

EXAMPLES = r'''
- name: Export a tenant
  superoffice.crm.erpsync_tenant_info:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
  register: export

- name: Write it as the role's variables
  ansible.builtin.copy:
    content: "{{ export.role_vars | to_nice_yaml(indent=2, sort_keys=false) }}"
    dest: inventory/host_vars/crm/erpsync.yml
    mode: "0600"
'''

RETURN = r'''
role_vars:
  description:
    - The tenant as the role's variables, C(erpsync_engine_state), C(erpsync_engine_interval), C(erpsync_connectors) and
      C(erpsync_connections) (with C(mappings) and C(list_mappings)). Password-type config values are placeholders.
  returned: success
  type: dict
  sample:
    erpsync_engine_state: running
    erpsync_engine_interval: "00:05:00"
    erpsync_connectors: [{"name": "Visma.net", "connector_url": "https://erpconnectors.example.com/vismanet/ErpConnector.svc"}]
    erpsync_connections:
      - name: Visma.net production
        connector: Visma.net
        config: {"CompanyId": "1234567", "ClientSecret": "{{ vault_visma_net_production_clientsecret }}"}
        update_secrets: on_create
        active: true
        mappings: [{"actor_type": "Customer", "active": true, "fields": [{"erp_field": "Name", "crm_field": "contact.name", "direction": "both"}]}]
vault_placeholders:
  description: The names of the variables the placeholders in RV(role_vars) use; define them (in a vault file) before applying.
  returned: success
  type: list
  elements: str
  sample: ["vault_visma_net_production_clientsecret"]
requests:
  description: How many requests the export made.
  returned: success
  type: int
  sample: 58
'''

from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._resources.export import export_tenant


def main():
    module = ErpSyncModule(dict(include_mappings=dict(type='bool', default=True)), supports_check_mode=True)
    role_vars, placeholders = module.read_or_fail(export_tenant, module.run(), module.params['include_mappings'])
    module.exit_json(changed=False, role_vars=role_vars, vault_placeholders=placeholders, requests=module.api().client.request_count)


if __name__ == '__main__':
    main()
