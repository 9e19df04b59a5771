#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_actor_mapping: the field mappings and default values of one connection and ERP actor type.

DOCUMENTATION = r'''
module: erpsync_actor_mapping
short_description: Map the ERP fields of one SuperOffice ERP Sync connection and actor type, with their default values
version_added: 0.2.0
description:
  - Manages one tab of the admin screen's B(Mappings) dialog as code. For one ERP connection and one ERP actor type (a
    Customer, Supplier, Person, ...), whether it synchronizes (O(active)), and per ERP field the SuperOffice field it maps
    to, the direction, whether it shows in search and in the ERP tab, and its default values (the B(Defaults) dialog).
  - Reads the connection list (C(GetAllConnections)) to find O(connection), the mapping (C(GetActorTypeMapping)), and the
    default values of the fields whose default options are given (C(GetDefaultValueInfo), one per field). Only the keys
    given are compared; an unchanged run makes these reads only.
  - The mapping is saved whole (C(SaveActorTypeMapping)) as it was read, with the changes applied, so the result is the
    same whether the server merges or replaces it. Default values are saved per field (C(SaveDefaultValueInfo)).
  - Every given ERP field is checked against the fields the connection offers for the actor type, a direction against a field
    the connector marks read-only, and every SuperOffice field against being mapped twice, before anything is written; the
    messages list the valid keys.
  - SuperOffice field keys are checked by the server when the mapping is saved (the ErpSync agent has no method that lists
    them); a refused save fails the task with the server's reason, and nothing of the actor type is changed.
  - A connection can only be activated when every mandatory ERP field of its active actor types has a direction; map them
    before M(superoffice.crm.erpsync_connection) activates it (the role C(superoffice.crm.erpsync) keeps that order).
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
  actor_type:
    description:
      - The ERP actor type, as the connector offers it.
    type: str
    required: true
    choices: [Customer, Supplier, Partner, Person, Project, Employee, Sale]
  active:
    description:
      - Whether this actor type synchronizes (the tab's B(Sync ERP ... to SuperOffice ...) check box, C(IsActive)).
      - An actor type that becomes active while default values are to be saved is saved inactive first and activated once
        they are saved (one more C(SaveActorTypeMapping)), so it never synchronizes without them; if a default fails, it
        stays inactive. Its O(erp_tab_order) is set after the activation (the server lists active actor types only).
      - Leave it out to keep the current setting.
    type: bool
  fields:
    description:
      - The ERP fields to map, each by its key (C(ErpFieldKey)). Fields not listed keep their mapping, unless O(exclusive_fields=true).
      - Within a field, options left out keep their current value.
    type: list
    elements: dict
    suboptions:
      erp_field:
        description:
          - The ERP field's key (C(ErpFieldKey)), as M(superoffice.crm.erpsync_mapping_info) shows it.
        type: str
        required: true
      crm_field:
        description:
          - The SuperOffice field the ERP field maps to (C(CrmFieldKey)), for example V(contact.name).
          - V('') unmaps the field (it is then not synchronized, and its direction is cleared).
        type: str
      direction:
        description:
          - V(to_crm) synchronizes from the ERP system to SuperOffice, V(to_erp) the other way, V(both) both ways, V(none) not at all.
          - Needs a O(fields[].crm_field); fields the connector marks read-only take none.
        type: str
        choices: [to_crm, to_erp, both, none]
      show_in_search:
        description: Show the field in the ERP search window (C(ShowInSearch)).
        type: bool
      show_in_erp_tab:
        description: Show the field in the ERP tab of the company, contact and project screens (C(ShowInGui)).
        type: bool
      default:
        description:
          - The connector-level default value of the field (C(DefaultValue), stored in CultureDataFormatter form when it is not
            text). The admin screen's B(Add sync default value) dialog does not show it; for its B(Set default value) use
            O(fields[].first_sync_default).
        type: str
      first_sync_default:
        description:
          - The admin screen's B(Set default value) (its check box and value, C(HasFirstSyncDefaultValue) and
            C(FirstSyncDefaultValue)), the value sent to the ERP system when ERP Sync creates an actor there (its first
            synchronization); V('') clears it.
        type: str
      prompt_user:
        description: The admin screen's B(Ask user for value) (C(PromptUser)), shown in the first-sync dialog.
        type: bool
      mandatory:
        description:
          - The admin screen's B(Mandatory - User must fill in value) (C(Mandatory)). Needs O(fields[].first_sync_default) or
            O(fields[].prompt_user) in the same item, as the admin screen asks for one of them.
          - A field the connector declares mandatory (C(Access) C(Mandatory)) has a mandatory default whenever one is set up
            (the admin screen checks and disables the box, and the server stores it so), so leave this out for it, or give V(true).
            Its default is removed whole when nothing is set up.
        type: bool
  exclusive_fields:
    description:
      - When V(true), mapped ERP fields that O(fields) does not list become unmapped (no SuperOffice field, no direction).
    type: bool
    default: false
  refresh_fields:
    description:
      - Ask the connector for its current actor types and fields first (C(UpdateConnectionFields)), so fields the connector
        added since the connection was saved can be mapped. The refresh is not reported as a change.
      - Not sent in check mode; check mode compares with the fields the server stored at the last refresh.
    type: bool
    default: false
  erp_tab_order:
    description:
      - ERP field keys in the order the ERP tab of the company, contact and project screens shows them, the first shown first
        (the admin screen's B(Rank Fields) dialog). Fields shown on the tab but not listed follow the listed ones, in their
        current order.
      - Each key must be an ERP field that is shown on the ERP tab after this task (O(fields[].show_in_erp_tab)), of an actor
        type that synchronizes (O(active)); both are checked before anything is written.
      - The order is read with C(GetConnectionsAndDisplayFields) (the only agent answer that carries the fields' C(Rank)),
        after the mapping is saved. When it differs, the fewest C(MoveErpFieldItem) calls are sent (each moves one field one
        place, past fields the tab does not show too), and the order is read again; the task fails if it is not as asked,
        saying what the tab shows.
      - Where the server offers no order the task fails before any move, naming the reason; the server lists only active actor
        type mappings, and of two actor types on one SuperOffice entity (Customer and Supplier on companies) only the first.
    type: list
    elements: str
    version_added: 0.3.0
notes:
  - Check mode and diff mode predict exactly what a real run does (with the O(refresh_fields) exception above); nothing is written
    in check mode. When this task changes which fields the ERP tab shows (or activates the actor type, or the connection is made
    in the same run), check mode cannot read the ERP tab's order, as the server shows the fields' ranks only after the save;
    it then predicts the moves of O(erp_tab_order) (when two fields or more are shown) and warns that it did.
  - A SuperOffice field another connection synchronizes (C(AlreadyMapped)) can be synchronized only both ways or to the ERP system
    here; a change to V(to_crm) of such a field fails before any write. A field mapped to another SuperOffice field in the same
    task is checked by the server, whose refusal names the other connection.
seealso:
  - module: superoffice.crm.erpsync_mapping_info
  - module: superoffice.crm.erpsync_list_mapping
  - module: superoffice.crm.erpsync_connection
'''

EXAMPLES = r'''
- name: Synchronize Visma customers to SuperOffice companies
  superoffice.crm.erpsync_actor_mapping:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
    connection: Visma.net production
    actor_type: Customer
    active: true
    fields:
      - {erp_field: Name, crm_field: contact.name, direction: both, show_in_search: true}
      - {erp_field: OrgNumber, crm_field: contact.orgnr, direction: to_crm}
      - {erp_field: CustomerClass, crm_field: contact.category, direction: to_crm}
      - {erp_field: Country, crm_field: contact.country, direction: to_crm, first_sync_default: "NO", mandatory: true}
      - {erp_field: PriceList, first_sync_default: Standard, prompt_user: true}
      - {erp_field: CustomerNumber, show_in_erp_tab: true}
      - {erp_field: Balance, show_in_erp_tab: true}
    erp_tab_order: [Balance, CustomerNumber]

- name: Map exactly these supplier fields, unmapping every other one
  superoffice.crm.erpsync_actor_mapping:
    connection: "7"
    actor_type: Supplier
    exclusive_fields: true
    refresh_fields: true
    fields:
      - {erp_field: Name, crm_field: contact.name, direction: to_crm}
  module_defaults:
    group/superoffice.crm.webapi:
      url: https://online2.superoffice.com/Cust12345
      ticket: "{{ superoffice_ticket }}"
      app_token: "{{ superoffice_app_token }}"
'''

RETURN = r'''
operations:
  description: What the run did (or would do in check mode), V(mapping updated), V(default of FIELD updated) per field,
    V(mapping activated) (the activation saved after the defaults) and V(ERP-tab order updated).
  returned: always
  type: list
  elements: str
  sample: ["mapping updated", "default of Country updated", "ERP-tab order updated"]
mapping:
  description:
    - The actor type's mapping after the run, in the shape of this module's options (so it can be fed back), with the
      connection id and the SuperOffice entity the actor type maps to. RV(mapping.fields) holds the fields that are mapped
      or set, and the given ones.
  returned: success, and on failure when known
  type: dict
  contains:
    connection_id:
      description: The connection id; V(null) for a connection that check mode would create.
      type: int
      sample: 7
    actor_type:
      description: The ERP actor type.
      type: str
      sample: Customer
    crm_actor_type:
      description: The SuperOffice entity it maps to (C(ActorTypeCrm)), V(Contact), V(Person), V(Project) or V(Sale).
      type: str
      sample: Contact
    active:
      description: Whether the actor type synchronizes.
      type: bool
      sample: true
    fields:
      description: The field mappings, each with the keys of O(fields) (the default keys when they were read).
      type: list
      elements: dict
      sample: [{"erp_field": "Name", "crm_field": "contact.name", "direction": "both", "show_in_search": true, "show_in_erp_tab": false}]
    erp_tab_order:
      description: The fields the ERP tab shows, in its order, when O(erp_tab_order) is given (in check mode, as predicted).
      type: list
      elements: str
      returned: when O(erp_tab_order) is given
      sample: ["Balance", "CustomerNumber", "Name"]
      version_added: 0.3.0
diff:
  description: The actor type's O(active) flag, the given (and mapped) fields and, with O(erp_tab_order), the ERP tab's order,
    before and after, under C(--diff).
  returned: when diff mode is on
  type: dict
  sample: {"before": {"active": false, "fields": []}, "after": {"active": true, "fields": [{"erp_field": "Name", "crm_field": "contact.name"}]}}
status:
  description: The HTTP status of the failed WebAPI request, when the failure came from one.
  returned: failure
  type: int
  sample: 503
api_method:
  description: The ErpSync agent method that failed, when the failure came from a WebAPI request.
  returned: failure
  type: str
  sample: SaveActorTypeMapping
'''

from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._items import check_errors
from ansible_collections.superoffice.crm.plugins.module_utils._resources.actor_mapping import (
    FIELD_OPTIONS, ActorMappings, mapping_options, module_item)


def main():
    module = ErpSyncModule(dict(connection=dict(type='str', required=True), **mapping_options()), item_options=dict(fields=FIELD_OPTIONS),
                           supports_check_mode=True)
    item = module_item(module.params)
    module.checked(check_errors, [item], operations=[])  # before the client exists: bad input makes no request
    record = module.connection_record(module.params['connection'])
    module.converge_one(ActorMappings(module.run(), [item], lambda item: record), item, 'mapping')


if __name__ == '__main__':
    main()
