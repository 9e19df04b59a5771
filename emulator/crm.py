# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The CRM side the ERP fields are mapped to: the fields of each CRM entity and the CRM lists (MDO lists) behind the
list fields, with their list references. A tenant's data file may replace either (``crm_fields``, ``crm_lists``) and add
user-defined lists (``udlists``); these are the defaults.

The ErpSync agent has no method that lists CRM fields (see the emulator README); the emulator checks CrmFieldKey values
against this catalogue when a mapping is saved, as the server does.
"""

import copy

from .agent import DataError

CRM_ACTOR_TYPES = ('Unknown', 'Contact', 'Person', 'Project', 'Sale')
ERP_ACTOR_TYPES = ('Unknown', 'Customer', 'Supplier', 'Partner', 'Person', 'Project', 'Employee', 'Sale')

# CRM field key -> the MDO list its values come from ('' for a plain field).
CRM_FIELDS = {
    'Contact': {
        'contact.name': '', 'contact.department': '', 'contact.orgnr': '', 'contact.number': '', 'contact.email': '',
        'contact.phone': '', 'contact.url': '', 'contact.category': 'category', 'contact.business': 'business',
        'contact.country': 'country', 'address.street': '', 'address.zip': '', 'address.city': '', 'contact.currency': 'currency',
    },
    'Person': {
        'person.firstname': '', 'person.lastname': '', 'person.title': '', 'person.email': '', 'person.phone': '',
        'person.mobile': '', 'person.position': 'perspos',
    },
    'Project': {
        'project.name': '', 'project.number': '', 'project.type': 'projtype', 'project.status': 'projstatus', 'project.description': '',
    },
    'Sale': {
        'sale.heading': '', 'sale.number': '', 'sale.amount': '', 'sale.type': 'saletype',
    },
}

# MDO list name -> (display name, items: id -> name). Each is a GenericMDOProvider list named after its table (MDO provider
# docs: "The name of the MDO list is 'perspos'" for table PersPos), so the name is the table name in lower case.
CRM_LISTS = {
    'category': ('Category', {1: 'A customer', 2: 'B customer', 3: 'C customer', 4: 'Supplier', 5: 'Prospect'}),
    'business': ('Business', {1: 'IT', 2: 'Retail', 3: 'Manufacturing', 4: 'Finance'}),
    'country': ('Country', {578: 'Norway', 752: 'Sweden', 208: 'Denmark', 826: 'United Kingdom', 840: 'United States'}),
    'currency': ('Currency', {1: 'NOK', 2: 'SEK', 3: 'DKK', 4: 'EUR', 5: 'USD'}),
    'perspos': ('Position', {1: 'Manager', 2: 'Accountant', 3: 'Buyer'}),
    'projtype': ('Project type', {1: 'Internal', 2: 'Customer project', 3: 'Implementation'}),
    'projstatus': ('Project status', {1: 'Planned', 2: 'In progress', 3: 'Completed'}),
    'saletype': ('Sale type', {1: 'New sale', 2: 'Renewal'}),
}
# The table names as the database docs spell them (docs/en/database/tables/), for ErpField.ListReference.
LIST_TABLES = {'perspos': 'PersPos', 'projtype': 'ProjType', 'projstatus': 'ProjStatus', 'saletype': 'SaleType'}
# A user-defined list is one sublist of the UDList table, named by its UDListDefinition id: the MDO list "udlist" with that
# id as additional info, or the dynamic provider "udlist<id>" (MDO provider doc UDList.md). The catalogue keys it by the latter.
UDLIST = 'udlist'


def list_reference(name):
    """ErpField.ListReference of a CRM list: "table=<table name>[&<extra id>=<value>]" (table doc erpfield); a
    user-defined list names its UDListDefinition id, the column of UDList that says which sublist an item belongs to."""
    if name.startswith(UDLIST) and name[len(UDLIST):].isdigit():
        return 'table=udlist&udlistdefinition_id=%s' % name[len(UDLIST):]
    return 'table=%s' % LIST_TABLES.get(name, name)


def _parse_udlists(raw, fields, lists):
    """The data file's user-defined lists: {"<UDListDefinition id>": {"name", "items": {"<id>": "<name>"},
    "fields": {"<CRM actor type>": ["<CRM field key>", ...]}}}, added to the catalogue as "udlist<id>"."""
    for list_id, spec in (raw or {}).items():
        if not ('%s' % list_id).isdigit() or not isinstance(spec, dict) or not isinstance(spec.get('items'), dict):
            raise DataError('udlists needs {"<list id>": {"name": "...", "items": {"<id>": "<name>"}, "fields": {...}}}')
        key = '%s%s' % (UDLIST, list_id)
        lists[key] = (spec.get('name', key), dict((int(k), v) for k, v in spec['items'].items()))
        for actor, keys in (spec.get('fields') or {}).items():
            if actor not in CRM_ACTOR_TYPES[1:] or not isinstance(keys, list):
                raise DataError('udlists.%s.fields must map CRM actor types to lists of CRM field keys' % list_id)
            fields.setdefault(actor, {}).update((field_key, key) for field_key in keys)


def parse_crm(raw):
    """The tenant's CRM catalogue: the defaults, or the data file's ``crm_fields`` / ``crm_lists``, plus its ``udlists``."""
    fields = copy.deepcopy(raw.get('crm_fields') or CRM_FIELDS)
    lists = dict(CRM_LISTS)
    if raw.get('crm_lists'):
        lists = {}
        for name, spec in raw['crm_lists'].items():
            if not isinstance(spec, dict) or not isinstance(spec.get('items'), dict):
                raise DataError('crm_lists.%s needs "items": {"<id>": "<name>"}' % name)
            lists[name] = (spec.get('name', name), dict((int(k), v) for k, v in spec['items'].items()))
    if not isinstance(fields, dict):
        raise DataError('crm_fields must be an object')
    _parse_udlists(raw.get('udlists'), fields, lists)
    for actor, keys in fields.items():
        if actor not in CRM_ACTOR_TYPES or not isinstance(keys, dict):
            raise DataError('crm_fields must map CRM actor types (%s) to {"<field key>": "<list name or empty>"}' % ', '.join(CRM_ACTOR_TYPES))
        for key, list_name in keys.items():
            if list_name and list_name not in lists:
                raise DataError('crm_fields.%s.%s uses the unknown CRM list %r' % (actor, key, list_name))
    return {'fields': fields, 'lists': lists}


def list_id(lists, name):
    """A stable id for a CRM list (MDOListItem.Id of the list itself): a user-defined list's UDListDefinition id."""
    if name.startswith(UDLIST) and name[len(UDLIST):].isdigit():
        return int(name[len(UDLIST):])
    return sorted(lists).index(name) + 1


def mdo_item(item_id, name, extra=''):
    return {'Id': item_id, 'Name': name, 'ToolTip': '', 'Deleted': False, 'Rank': item_id, 'Type': '', 'ChildItems': [],
            'IconHint': '', 'ColorBlock': 0, 'ExtraInfo': extra, 'StyleHint': '', 'FullName': name,
            'TableRight': {'Mask': 'FULL', 'Reason': ''}, 'FieldProperties': {}}


def no_selection():
    """The "(No Selection)" CRM list item: id 0, as SuperOffice lists say "none"."""
    return mdo_item(0, '(No Selection)')


def mdo_list(crm, name, additional=''):
    """``GET api/v1/MDOList/{name}``: the items of a CRM list, or None for an unknown list. The list "udlist" takes the
    UDListDefinition id as its additional info; "udlist<id>" names the same list (MDO provider doc UDList.md)."""
    name = (name or '').lower()
    if name == UDLIST:
        if not additional.strip().isdigit():
            raise ValueError('The MDO list udlist needs the id of the user-defined list as additional info (additional=<id>).')
        name = '%s%d' % (UDLIST, int(additional))
    for key, (dummy, items) in crm['lists'].items():
        if key.lower() == name:
            return [mdo_item(item_id, item_name) for item_id, item_name in sorted(items.items())]
    return None
