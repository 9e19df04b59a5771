# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading a tenant's ERP Sync setup back in the shape the modules and the role take: a connection's mappings (for
erpsync_mapping_info) and the whole tenant as role variables, secrets replaced by vault placeholders (erpsync_tenant_info).

Private to this collection (the leading underscore): its interface may change without notice.
"""

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError, masked_url
from ansible_collections.superoffice.crm.plugins.module_utils._resources.actor_mapping import mapping_facts
from ansible_collections.superoffice.crm.plugins.module_utils._resources.engine import engine_facts
from ansible_collections.superoffice.crm.plugins.module_utils._resources.field_order import FieldOrder
from ansible_collections.superoffice.crm.plugins.module_utils._resources.list_mapping import list_facts, list_option
from ansible_collections.superoffice.crm.plugins.module_utils._resources.sync_priority import export_priority
from ansible_collections.superoffice.crm.plugins.module_utils._shapes import ERP_ACTOR_TYPES, enum_name
from ansible_collections.superoffice.crm.plugins.module_utils._values import field_type_name, is_secret_type, same_config_value
from ansible_collections.superoffice.crm.plugins.module_utils._yaml import untrusted_yaml


def read_mappings(run, conn_id, actor_types=None, include_defaults=False, include_lists=True, order=None):
    """A connection's actor mappings and list mappings in the shapes erpsync_actor_mapping and erpsync_list_mapping take.

    The actor types are the connection's own (from its sync summary) unless given. Reads: the summary, one mapping per actor
    type, one default per field (``include_defaults``), the list mappings (``include_lists``); with ``order`` (a FieldOrder
    and whether the export is exclusive), the ERP tab's order of the mappings that show two fields or more (one read per
    SuperOffice entity type and run).
    """
    api = run.api
    if actor_types is None:
        summary = api.get_connection_summary(conn_id)
        actor_types = [enum_name(a.get('ActorType'), ERP_ACTOR_TYPES) for a in summary.get('Actors') or []]
    carriers = run.each(lambda actor: api.get_actor_type_mapping(conn_id, actor), actor_types)
    defaults = {}
    if include_defaults:
        field_ids = [row['ErpFieldId'] for carrier in carriers for row in carrier['FieldMappings']]
        defaults = dict(zip(field_ids, run.each(api.get_default_value, field_ids)))
    mappings = [mapping_facts(conn_id, carrier, defaults) for carrier in carriers]
    for facts, carrier in zip(mappings, carriers if order is not None else []):
        facts['erp_tab_order'] = order[0].exported(conn_id, carrier, order[1])
    lists = []
    if include_lists:
        keys = dict((row['ErpFieldId'], row['ErpFieldKey']) for carrier in carriers for row in carrier['FieldMappings'])
        lists = [list_facts(entry, keys) for entry in api.get_list_mappings(conn_id)['ErpListItemMappings']]
    return mappings, lists


PLACEHOLDER_PREFIX = 'vault_erpsync_'


def placeholder(conn_id, key):
    """The vault variable of a secret config value: vault_erpsync_<connection id>_<field key>. Collision-free by
    construction: the connection id is unique, and the key is written so that two keys never give one name (letters and
    digits as they are, ``_`` as ``__``, any other character as ``_<hex code>_``); no other variable of the collection or its
    docs starts with vault_erpsync_."""
    encoded = ''.join(c if c.isascii() and c.isalnum() else '__' if c == '_' else '_%x_' % ord(c) for c in '%s' % key)
    return '%s%d_%s' % (PLACEHOLDER_PREFIX, conn_id, encoded)


def export_connection(run, listed, names, include_mappings, exclusive, placeholders, order):
    """One live connection as an erpsync_connections item, its Password-type values replaced by ``{{ vault_erpsync_... }}``
    placeholders (recorded in ``placeholders``). Only what differs from a new connection's defaults, unless ``exclusive``
    (the whole truth: every config value, every actor type, every mapped list)."""
    api = run.api
    record = api.get_connection(listed['ErpConnectionId'])
    if record is None:
        raise WebAPIError('ErpSync GetConnection answered null for connection %r (id %s), which GetAllConnections listed; '
                          'the export would not be whole' % (listed.get('DisplayName'), listed['ErpConnectionId']), method='GetConnection')
    item = dict(name=record.get('DisplayName') or '', connector=connector_name(api, record['ErpConnectorId']))
    if names.count(item['name']) > 1:
        item['id'] = record['ErpConnectionId']  # the name alone would match several live connections: the id decides
    if record.get('DisplayDescription'):
        item['description'] = record['DisplayDescription']
    if not record.get('AllAccess'):
        item.update(all_access=False, user_group_ids=sorted(record.get('UserGroupAccessIds') or []),
                    associate_ids=sorted(record.get('AssociateAccessIds') or []))
    config = export_config(api, record, exclusive, placeholders)
    if config:
        item['config'] = config
        item['update_secrets'] = 'on_create'
    item['active'] = bool(record.get('Active'))
    if include_mappings:
        item.update(export_mappings(run, record['ErpConnectionId'], exclusive, order))
    return item


def export_config(api, record, exclusive, placeholders):
    """The config values a new connection would not have (all of them with ``exclusive``; mandatory ones always), secrets as
    placeholders: never the value, which the server may show."""
    by_key = dict((f['FieldKey'], f) for f in api.get_field_metadata(record['ErpConnectorId']) or [])
    config = {}
    for key, value in sorted((record.get('ConfigFields') or {}).items()):
        field = by_key.get(key)
        if field is None or is_secret_type(field.get('FieldType')):
            name = placeholder(record['ErpConnectionId'], key)
            placeholders.append(name)
            config[key] = '{{ %s }}' % name
        elif exclusive or field.get('Access') == 'Mandatory' or \
                not same_config_value(value or '', field.get('DefaultValue') or '', field_type_name(field.get('FieldType'))):
            config[key] = value or ''
    return config


def export_mappings(run, conn_id, exclusive, order):
    """A connection's ``mappings`` and ``list_mappings`` as the role's connection items take them: what is set, or with
    ``exclusive`` every actor type and mapped list, marked exclusive so that anything mapped by hand later shows as drift."""
    mappings, lists = read_mappings(run, conn_id, include_defaults=True, order=(order, exclusive))
    exported = {}
    chosen = [dict(actor_type=m['actor_type'], active=m['active'], fields=[trim_field(f) for f in m['fields']],
                   **(dict(erp_tab_order=m['erp_tab_order']) if m['erp_tab_order'] else {}))
              for m in mappings if exclusive or m['active'] or m['fields']]
    if exclusive:
        for mapping in chosen:
            mapping['exclusive_fields'] = True
    if chosen:
        exported['mappings'] = chosen
    chosen = [dict(option, items=dict((k, v) for k, v in option['items'].items() if v is not None))
              for option in (list_option(entry) for entry in lists)]
    chosen = [entry for entry in chosen if exclusive or entry['items']]
    if chosen:
        exported['list_mappings'] = chosen
        if exclusive:
            exported['list_mappings_exclusive'] = True
    return exported


def trim_field(field):
    """A field mapping without the keys that hold the server's defaults (so the export stays short)."""
    trimmed = dict(erp_field=field['erp_field'])
    for key, default in (('crm_field', ''), ('direction', 'none'), ('show_in_search', False), ('show_in_erp_tab', False),
                         ('default', ''), ('first_sync_default', ''), ('prompt_user', False), ('mandatory', False)):
        if key in field and field[key] != default:
            trimmed[key] = field[key]
    return trimmed


def connector_name(api, connector_id):
    names = [c.get('Name') for c in api.get_connectors() if c['Id'] == connector_id]
    return names[0] if len(names) == 1 and names[0] else '%s' % connector_id


def export_tenant(run, include_mappings=True, exclusive=True):
    """The whole tenant as the role's variables, and the vault placeholders to fill."""
    api = run.api
    placeholders = []
    engine = engine_facts(api.get_engine_status())
    connectors = []
    for listed in api.get_connectors():
        entity = api.get_connector_entity(listed['Id']) or {}
        # The URL's credentials and keys masked: applied, the masked URL keeps the stored one (connector.kept_url).
        connectors.append(dict(name=listed.get('Name') or entity.get('DisplayName') or '', connector_url=masked_url(entity.get('URL') or '')))
    live = api.get_all_connections(False)
    # Each connector's field types once, before the connections are read at once (so no two threads read them twice).
    run.each(api.get_field_metadata, sorted(set(r['ErpConnectorId'] for r in live)))
    names = [r.get('DisplayName') or '' for r in live]
    order = FieldOrder(run)
    connections = run.each(lambda record: export_connection(run, record, names, include_mappings, exclusive, placeholders, order), live)
    if len(set(placeholders)) != len(placeholders):
        raise WebAPIError('two vault placeholders of the export have one name (%s); nothing was exported'
                          % ', '.join(sorted(set(p for p in placeholders if placeholders.count(p) > 1))))
    role_vars = dict(erpsync_engine_state='running' if engine['running'] else 'stopped', erpsync_engine_interval=engine['interval'],
                     erpsync_connectors=connectors, erpsync_connectors_exclusive=exclusive, erpsync_connections=connections,
                     erpsync_connections_exclusive=exclusive)
    # The order is an MDO list, which the SOAP services do not serve: an export over SOAP leaves it out.
    priority = export_priority(api, live, exclusive) if api.client.params.get('api') != 'soap' else None
    if priority is not None:
        role_vars['erpsync_sync_priority'] = priority
    return role_vars, sorted(placeholders)


def export_yaml(role_vars, placeholders):
    """The export as a variables file: every string from the tenant written so that it is never templated (_yaml.py),
    the placeholders as the only templates."""
    header = ['An ERP Sync setup exported by superoffice.crm (erpsync_tenant_info, playbook superoffice.crm.export).',
              'Apply it with the role superoffice.crm.erpsync; define the vault_erpsync_* variables first (the vault file beside it).',
              'Tenant data is written as quoted strings (!unsafe where it could look like a template): it is never evaluated.']
    return untrusted_yaml(role_vars, ['{{ %s }}' % p for p in placeholders], header)
