# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The admin screen's rules for an actor mapping and its default values, checked on what was read before any write (read-only
fields, a SuperOffice field mapped twice or already mapped in another connection, mandatory defaults), and the default value
carrier each field's options ask for.

Which option writes which member of ErpSyncDefaultValue (the admin screen's "Add sync default value" dialog):
``first_sync_default`` is "Set default value" (HasFirstSyncDefaultValue and FirstSyncDefaultValue), ``prompt_user`` is "Ask
user for value" (PromptUser), ``mandatory`` is "Mandatory - User must fill in value" (Mandatory), and ``default`` is the
connector-level DefaultValue, which the dialog does not show.

Private to this collection (the leading underscore): its interface may change without notice.
"""

from ansible_collections.superoffice.crm.plugins.module_utils._agent import writable
from ansible_collections.superoffice.crm.plugins.module_utils._shapes import FIELD_ACCESS, enum_name

DIRECTIONS = {'to_crm': (True, False), 'to_erp': (False, True), 'both': (True, True), 'none': (False, False)}
DEFAULT_KEYS = ('default', 'first_sync_default', 'prompt_user', 'mandatory')


def direction_of(row):
    for name, flags in DIRECTIONS.items():
        if flags == (bool(row.get('SyncToCrm')), bool(row.get('SyncToErp'))):
            return name
    return 'none'


def access(row):
    return enum_name(row.get('Access'), FIELD_ACCESS)


def default_facts(default):
    return dict(default=default.get('DefaultValue') or '', first_sync_default=(default.get('FirstSyncDefaultValue') or '')
                if default.get('HasFirstSyncDefaultValue') else '', prompt_user=bool(default.get('PromptUser')),
                mandatory=bool(default.get('Mandatory')))


def blank_default(field_id):
    """The default value carrier of a field that has none."""
    return dict(ErpFieldId=field_id, DefaultValue='', HasFirstSyncDefaultValue=False, FirstSyncDefaultValue='', PromptUser=False,
                Mandatory=False)


def set_up(default):
    """Whether a default value carrier holds a default (a value, or the prompt)."""
    return bool(default.get('DefaultValue') or default.get('HasFirstSyncDefaultValue') or default.get('FirstSyncDefaultValue')
                or default.get('PromptUser'))


def wanted_default(field, current, row):
    """The default value carrier a field's options ask for: ``current`` with the options given. A field the connector declares
    mandatory is mandatory whenever a default is set up (the admin screen checks and disables the box, and the server stores
    it so), and its default is removed whole (Mandatory false) when nothing is set up."""
    wanted = dict(writable(current))
    if field.get('default') is not None:
        wanted['DefaultValue'] = field['default']
    if field.get('first_sync_default') is not None:
        wanted.update(FirstSyncDefaultValue=field['first_sync_default'], HasFirstSyncDefaultValue=bool(field['first_sync_default']))
    if field.get('prompt_user') is not None:
        wanted['PromptUser'] = field['prompt_user']
    if field.get('mandatory') is not None:
        wanted['Mandatory'] = field['mandatory']
    if access(row) == 'Mandatory':
        wanted['Mandatory'] = set_up(wanted)
    return wanted


def field_errors(where, field):
    """A field's options that contradict each other (no request needed)."""
    key = field['erp_field']
    errors = []
    if field.get('crm_field') == '' and field.get('direction') not in (None, 'none'):
        errors.append('%sfields[%s]: direction %s needs a crm_field (a field that is not synced has no direction)' % (
            where, key, field['direction']))
    if field.get('mandatory') and not (field.get('first_sync_default') or field.get('prompt_user')):
        errors.append('%sfields[%s]: mandatory needs first_sync_default or prompt_user (the admin screen asks for "Set default value" '
                      'or "Ask user for value" with it)' % (where, key))
    return errors


def read_only_errors(item, rows):
    """A direction on a field the connector marks read-only (the admin screen offers none)."""
    return ['%sfields[%s]: the connector marks this ERP field read-only (it cannot be synchronized), so it takes no direction; '
            'leave direction out or set it to none' % (item.where, field['erp_field'])
            for field in item.params['fields'] or [] if field.get('direction') not in (None, 'none')
            and access(rows[field['erp_field']]) == 'ReadOnly']


def crm_field_errors(item, planned):
    """A SuperOffice field mapped from two ERP fields."""
    crm = {}
    for row in planned:
        if row['CrmFieldKey']:
            crm.setdefault(row['CrmFieldKey'], []).append(row['ErpFieldKey'])
    return ['%sCRM field %s would be mapped from %d ERP fields (%s); a SuperOffice field takes one ERP field'
            % (item.where, crm_field, len(erp_fields), ', '.join(erp_fields)) for crm_field, erp_fields in sorted(crm.items())
            if len(erp_fields) > 1]


def already_mapped_errors(item, planned):
    """A SuperOffice field another connection already synchronizes (AlreadyMapped, as read) made one way to SuperOffice here:
    the server refuses it (two ERP systems would each overwrite it). A row mapped to another SuperOffice field in this run is
    not known beforehand; the server's refusal then names the other connection."""
    read = dict((row['ErpFieldKey'], row) for row in item.mapping['FieldMappings'])
    return ["%sERP field '%s': SuperOffice field %s is already mapped in another connection (AlreadyMapped), so it can only be "
            "synchronized both ways or to the ERP system here" % (item.where, row['ErpFieldKey'], row['CrmFieldKey'])
            for row in planned if read[row['ErpFieldKey']].get('AlreadyMapped') and row.get('CrmFieldKey')
            and row['CrmFieldKey'] == read[row['ErpFieldKey']].get('CrmFieldKey') and direction_of(row) == 'to_crm'
            and direction_of(read[row['ErpFieldKey']]) != 'to_crm']


def mandatory_errors(item, rows):
    """Defaults as they would be after the run: a mandatory one needs "Set default value" or "Ask user for value", and one of a
    field the connector declares mandatory cannot be made optional."""
    errors = []
    for field in item.params['fields'] or []:
        if not any(field.get(k) is not None for k in DEFAULT_KEYS):
            continue
        row = rows[field['erp_field']]
        wanted = wanted_default(field, item.defaults.get(row['ErpFieldId']) or blank_default(row['ErpFieldId']), row)
        facts = default_facts(wanted)
        if access(row) == 'Mandatory' and field.get('mandatory') is False and set_up(wanted):
            errors.append('%sfields[%s]: the connector declares this field mandatory, so its default is always mandatory (the admin '
                          'screen checks and disables the box); leave mandatory out or set it to true' % (item.where, field['erp_field']))
        elif access(row) != 'Mandatory' and facts['mandatory'] and not (facts['first_sync_default'] or facts['prompt_user']):
            errors.append('%sfields[%s]: a mandatory default needs first_sync_default or prompt_user' % (item.where, field['erp_field']))
    return errors
