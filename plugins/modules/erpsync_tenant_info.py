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
  - Reads a whole tenant (engine, connectors, connections with their config, field mappings with defaults and the ERP tab's
    order, list mappings, the sync priority) and returns it as RV(role_vars), in exactly the shape of the variables of the
    role C(superoffice.crm.erpsync), and as RV(role_vars_yaml), the same as a variables file. Feeding it back to the role
    (with the secrets filled in) reports no change.
  - With O(exclusive=true) (the default) the export is the whole truth; every connection and connector is listed and marked
    exclusive (C(erpsync_connections_exclusive), C(erpsync_connectors_exclusive)), every config value, every actor type with
    C(exclusive_fields), every mapped list with C(list_mappings_exclusive). The role run with it against a tenant someone
    changed by hand reports every change in C(--check --diff) and undoes it. O(exclusive=false) writes only what differs
    from what the server gives a new object (mandatory config values always), so the export stays short and the role
    leaves everything else alone.
  - The values of C(Password)-type config fields, and of every config key the connector's field metadata does not type as a
    plain field (a key it lacks, lists only in another case, or a connector whose metadata is empty), are B(never) read into
    the result. Each is replaced by a placeholder
    C({{ vault_erpsync_<connection id>_<field key> }}) listed in RV(vault_placeholders), to be defined in a vault file. The
    names never collide; the connection id is unique, the field key is written letter for letter (C(_) as C(__), any character
    other than a letter or digit as C(_<hex code>_)), and nothing else of the collection uses the prefix C(vault_erpsync_).
  - A connector URL that carries credentials or key-like parameters (in its query, fragment or path segments; a name with
    C(key), C(token), C(secret), C(code), C(pass), C(pwd), C(sig), C(auth), C(cred), C(ticket), C(session), C(jwt) or
    C(assertion) in it) is exported masked, for example
    C(https://user:********@erp.example.com/ErpConnector.svc?api_key=********&company=42). Applied, that masked URL keeps the
    stored one (see M(superoffice.crm.erpsync_connector)).
  - Everything a tenant holds is untrusted; a name or value may hold Jinja or YAML specials. RV(role_vars_yaml) writes every
    such string quoted, and tagged C(!unsafe) where it could look like a template, so no value from the tenant is ever
    evaluated when the file is loaded (C(vars_files), C(include_vars), C(-e @file), C(host_vars)). Write the file from
    RV(role_vars_yaml), never with C(to_nice_yaml) of RV(role_vars) (that drops the protection). RV(role_vars) is a module
    result, which Ansible never templates while it passes it on in a play; so its placeholders stay text too, and the
    modules refuse such a config value before any request, naming it. To apply an export, write RV(role_vars_yaml) to a
    file and load it with the vault variables defined.
  - Reads one engine status, the connector list and one connector entity per connector, the connection list, and per
    connection one full read, its summary, one mapping per actor type, one default per field and its list mappings (with
    O(include_mappings=true)), one read per object, as the ErpSync agent has no bulk reads; with two connections or more the
    sync priority (the MDO list C(erpconnections) by rank, REST only), and for mappings that show two fields or more on the
    ERP tab one C(GetConnectionsAndDisplayFields) per SuperOffice entity type.
  - The sync priority is exported as C(erpsync_sync_priority), the connections by name (by id where a name is ambiguous or
    looks like an id) without SuperOffice itself, whose place the server does not show; so applying the export writes
    nothing. With O(exclusive=false) it is exported only when it is not the id order of a tenant nobody ranked.
  - A mapping's C(erp_tab_order) is exported where the server shows its ERP tab (an active actor type, not hidden behind
    another actor type of the same SuperOffice entity) with two fields or more; with O(exclusive=false) only when it is
    not the order of the mapping's fields.
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
  exclusive:
    description:
      - Export the whole truth, marked exclusive, so that anything changed by hand afterwards shows as drift and the role
        undoes it (see above). V(false) exports only what differs from the server's defaults.
    type: bool
    default: true
    version_added: 0.3.0
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

- name: Write it as the role's variables (tenant data stays data)
  ansible.builtin.copy:
    content: "{{ export.role_vars_yaml }}"
    dest: inventory/host_vars/crm/erpsync.yml
    mode: "0600"
'''

RETURN = r'''
role_vars:
  description:
    - The tenant as the role's variables, C(erpsync_engine_state), C(erpsync_engine_interval), C(erpsync_connectors),
      C(erpsync_connectors_exclusive), C(erpsync_connections) (with C(mappings) and C(list_mappings)),
      C(erpsync_connections_exclusive) and C(erpsync_sync_priority). Password-type config values are placeholders.
  returned: success
  type: dict
  sample:
    erpsync_engine_state: running
    erpsync_engine_interval: "00:05:00"
    erpsync_connectors: [{"name": "Visma.net", "connector_url": "https://erpconnectors.example.com/vismanet/ErpConnector.svc"}]
    erpsync_connectors_exclusive: true
    erpsync_connections:
      - name: Visma.net production
        connector: Visma.net
        config: {"CompanyId": "1234567", "ClientSecret": "{{ vault_erpsync_3_ClientSecret }}"}
        update_secrets: on_create
        active: true
        mappings: [{"actor_type": "Customer", "active": true, "exclusive_fields": true,
                    "fields": [{"erp_field": "Name", "crm_field": "contact.name", "direction": "both", "show_in_erp_tab": true},
                               {"erp_field": "CustomerNumber", "show_in_erp_tab": true}],
                    "erp_tab_order": ["CustomerNumber", "Name"]}]
    erpsync_connections_exclusive: true
    erpsync_sync_priority: ["Visma.net production", "SAP Business One"]
role_vars_yaml:
  description:
    - RV(role_vars) as a YAML variables file in which no value from the tenant can be templated (see above); the placeholders
      are the only templates.
  returned: success
  type: str
  sample: "---\nerpsync_engine_state: \"running\"\nerpsync_connections:\n  - name: \"Visma.net production\"\n"
  version_added: 0.3.0
vault_placeholders:
  description: The names of the variables the placeholders in RV(role_vars) use; define them (in a vault file) before applying.
  returned: success
  type: list
  elements: str
  sample: ["vault_erpsync_3_ClientSecret"]
requests:
  description: How many requests the export made.
  returned: success
  type: int
  sample: 58
'''

from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._resources.export import export_tenant, export_yaml


def main():
    module = ErpSyncModule(dict(include_mappings=dict(type='bool', default=True), exclusive=dict(type='bool', default=True)),
                           supports_check_mode=True)
    role_vars, placeholders = module.read_or_fail(export_tenant, module.run(), module.params['include_mappings'], module.params['exclusive'])
    module.exit_json(changed=False, role_vars=role_vars, role_vars_yaml=export_yaml(role_vars, placeholders), vault_placeholders=placeholders,
                     requests=module.api().client.request_count)


if __name__ == '__main__':
    main()
