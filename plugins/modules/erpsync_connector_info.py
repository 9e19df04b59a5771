#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_connector_info: the connectors of a tenant with their service address and config field metadata.

DOCUMENTATION = r'''
module: erpsync_connector_info
short_description: List the ERP Sync connectors of a SuperOffice tenant with their config fields
version_added: 0.1.0
description:
  - Lists the ERP connectors known to a tenant (C(GetAllConnectors)) and, for each, its address (from the connector entity,
    C(GetErpSyncConnectorEntity)) and the config fields a connection of that connector takes (C(GetConfigurationFields)), with
    their keys for the C(config) option of M(superoffice.crm.erpsync_connection), types, defaults and whether they are mandatory.
  - Makes one list read and two reads per connector returned.
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
      description:
        - The connector's service address, from the connector entity (C(URL)). The same as RV(connectors[].connector_url).
        - The password of its user info (the user when there is no password) and the values of key-like parameters (in the query,
          the fragment and path segments) are shown as C(********), as for O(superoffice.crm.erpsync_connector#module:connector_url).
      type: str
      sample: https://connectors.example.com/visma/ErpConnector.svc
    connector_url:
      description:
        - The connector's service address (C(URL) of the connector entity), as M(superoffice.crm.erpsync_connector) takes it,
          C(https://.../ErpConnector.svc), or C(app://<app id>) for a sync app in SuperOffice Online.
      type: str
      sample: https://connectors.example.com/visma/ErpConnector.svc
    deleted:
      description: Whether the connector is deleted; always V(false), as the list holds live connectors only.
      type: bool
      sample: false
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

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError, masked_url
from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._values import field_type_name


def field_facts(field):
    return dict(
        key=field['FieldKey'],
        name=field.get('DisplayName') or '',
        description=field.get('DisplayDescription') or '',
        type=field_type_name(field.get('FieldType')) or field.get('FieldType'),
        access=field.get('Access'),
        default=field.get('DefaultValue') or '',
        max_length=field.get('MaxLength') or 0,
        rank=field.get('Rank'),
        list_name=field.get('ListName') or '',
        show_in_search=bool(field.get('ShowInSearch')),
    )


def connector_facts(api, item):
    """One connector: its entity (the URL lives there, not in the list) and its config fields."""
    entity = api.get_connector_entity(item['Id'])
    if entity is None:
        raise WebAPIError('ErpSync GetErpSyncConnectorEntity answered null for connector %r (id %s), which GetAllConnectors '
                          'lists; its URL could not be read' % (item.get('Name'), item['Id']), method='GetErpSyncConnectorEntity')
    fields = api.get_field_metadata(item['Id']) or []
    fields = sorted(fields, key=lambda f: (f.get('Rank') is None, f.get('Rank') or 0))
    return dict(
        id=item['Id'],
        name=item.get('Name'),
        url=masked_url(entity.get('URL') or ''),
        connector_url=masked_url(entity.get('URL') or ''),
        deleted=bool(entity.get('Deleted')),
        config_fields=[field_facts(f) for f in fields],
    )


def main():
    module = ErpSyncModule(dict(name=dict(type='str'), id=dict(type='int')), supports_check_mode=True)
    params = module.params
    if params['name'] is not None and not params['name'].strip():
        module.fail_json(msg='name must not be empty; leave it out to list every connector')
    if params['id'] is not None and params['id'] < 1:
        module.fail_json(msg='id must be a positive integer, got %d' % params['id'])
    api = module.api()
    selected = [item for item in module.read_or_fail(api.get_connectors)
                if (params['id'] is None or item['Id'] == params['id'])
                and (params['name'] is None or (item.get('Name') or '').lower() == params['name'].lower())]
    connectors = module.read_or_fail(module.run().each, lambda item: connector_facts(api, item), selected)
    module.exit_json(changed=False, connectors=connectors)


if __name__ == '__main__':
    main()
