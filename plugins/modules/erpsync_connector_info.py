#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
module: erpsync_connector_info
short_description: List the ERP Sync connectors of a SuperOffice tenant with their config fields
version_added: 0.1.0
description:
  - Lists the ERP connectors known to a tenant (C(GetAllConnectors)) and, for each, the config fields a connection of that
    connector takes (C(GetConfigurationFields)), with their keys for the C(config) option of
    M(superoffice.crm.erpsync_connection), types, defaults and whether they are mandatory.
  - Filter with O(name) or O(id) to read the fields of one connector only.
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
  - superoffice.crm.attributes.INFO_MODULE
options:
  name:
    description:
      - Return only the connector with this name (case-insensitive).
    type: str
  id:
    description:
      - Return only the connector with this id.
    type: int
seealso:
  - module: superoffice.crm.erpsync_connection
'''

EXAMPLES = r'''
- name: List every connector and its config fields
  superoffice.crm.erpsync_connector_info:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
  register: connectors

- name: Show the config keys of the Visma connector, with module_defaults for the connection options
  module_defaults:
    group/superoffice.crm.webapi:
      url: https://online2.superoffice.com/Cust12345
      ticket: "{{ superoffice_ticket }}"
      app_token: "{{ superoffice_app_token }}"
  block:
    - name: Read the connector
      superoffice.crm.erpsync_connector_info:
        name: Visma.net
      register: visma

    - name: Show its mandatory config keys
      ansible.builtin.debug:
        msg: "{{ visma.connectors[0].config_fields | selectattr('access', 'equalto', 'Mandatory') | map(attribute='key') | list }}"
'''

RETURN = r'''
connectors:
  description: The connectors that match the filters, ordered as the server lists them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The connector id (C(ErpConnectorId)); give it, or the name, as C(connector) to M(superoffice.crm.erpsync_connection).
      type: int
      sample: 3
    name:
      description: The connector's name.
      type: str
      sample: Visma.net
    url:
      description: The connector's address, as the server lists it (the list item's C(ToolTip)).
      type: str
      sample: https://connectors.example.com/visma/ErpConnector.svc
    config_fields:
      description: The config fields a connection of this connector takes, by rank.
      type: list
      elements: dict
      contains:
        key:
          description: The field key (C(FieldKey)), used as key in C(config).
          type: str
          sample: ApiKey
        name:
          description: The field's display name.
          type: str
          sample: API key
        description:
          description: The field's description.
          type: str
          sample: Key of the Visma API client
        type:
          description: The field type; values of C(Password) fields are secret and never shown by this collection.
          type: str
          choices: [Checkbox, Text, Password, Integer, Double, List, Date, Label]
          sample: Password
        access:
          description: Whether the field is C(Normal), C(Mandatory) or C(ReadOnly).
          type: str
          sample: Mandatory
        default:
          description: The field's default value.
          type: str
          sample: ""
        max_length:
          description: The longest value allowed; V(0) means unlimited.
          type: int
          sample: 0
        rank:
          description: The field's position in the connector's settings.
          type: int
          sample: 2
        list_name:
          description: For C(List) fields, the name of the list of allowed values.
          type: str
          sample: ""
        show_in_search:
          description: Whether the field is shown in searches.
          type: bool
          sample: false
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.superoffice.crm.plugins.module_utils._erpsync import ErpSyncAPI
from ansible_collections.superoffice.crm.plugins.module_utils._webapi import WebAPIClient, WebAPIError, fail_on_error, webapi_argument_spec


def field_facts(field):
    return dict(
        key=field.get('FieldKey'),
        name=field.get('DisplayName') or '',
        description=field.get('DisplayDescription') or '',
        type=field.get('FieldType'),
        access=field.get('Access'),
        default=field.get('DefaultValue') or '',
        max_length=field.get('MaxLength') or 0,
        rank=field.get('Rank'),
        list_name=field.get('ListName') or '',
        show_in_search=bool(field.get('ShowInSearch')),
    )


def main():
    module = AnsibleModule(
        argument_spec=webapi_argument_spec(
            name=dict(type='str'),
            id=dict(type='int'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params['name'] is not None and not params['name'].strip():
        module.fail_json(msg='name must not be empty; leave it out to list every connector')
    if params['id'] is not None and params['id'] < 1:
        module.fail_json(msg='id must be a positive integer, got %d' % params['id'])
    api = ErpSyncAPI(WebAPIClient(module))
    connectors = []
    try:
        for item in api.get_connectors():
            if params['id'] is not None and item.get('Id') != params['id']:
                continue
            if params['name'] is not None and (item.get('Name') or '').lower() != params['name'].lower():
                continue
            fields = sorted(api.get_field_metadata(item['Id']), key=lambda f: (f.get('Rank') is None, f.get('Rank')))
            connectors.append(dict(
                id=item.get('Id'),
                name=item.get('Name'),
                url=item.get('ToolTip') or '',
                config_fields=[field_facts(f) for f in fields],
            ))
    except WebAPIError as e:
        fail_on_error(module, e, changed=False)
    module.exit_json(changed=False, connectors=connectors)


if __name__ == '__main__':
    main()
