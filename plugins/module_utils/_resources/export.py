# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading a tenant's ERP Sync setup back in the shape the modules and the role take: a connection's mappings (for
erpsync_mapping_info) and the whole tenant as role variables, secrets replaced by vault placeholders (erpsync_tenant_info).

Private to this collection (the leading underscore): its interface may change without notice.
"""

import re

from ansible_collections.superoffice.crm.plugins.module_utils._resources.actor_mapping import mapping_facts
from ansible_collections.superoffice.crm.plugins.module_utils._resources.engine import engine_facts
from ansible_collections.superoffice.crm.plugins.module_utils._resources.list_mapping import list_facts, list_option
from ansible_collections.superoffice.crm.plugins.module_utils._shapes import ERP_ACTOR_TYPES, enum_name
from ansible_collections.superoffice.crm.plugins.module_utils._values import field_type_name, is_secret_type, same_config_value


def read_mappings(run, conn_id, actor_types=None, include_defaults=False, include_lists=True):
    """A connection's actor mappings and list mappings in the shapes erpsync_actor_mapping and erpsync_list_mapping take.

    The actor types are the connection's own (from its sync summary) unless given. Reads: the summary, one mapping per actor
    type, one default per field (``include_defaults``), the list mappings (``include_lists``).
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
    lists = []
    if include_lists:
        keys = dict((row['ErpFieldId'], row['ErpFieldKey']) for carrier in carriers for row in carrier['FieldMappings'])
        lists = [list_facts(entry, keys) for entry in api.get_list_mappings(conn_id)['ErpListItemMappings']]
    return mappings, lists


def placeholder(*parts):
    """A vault variable name for a secret: vault_<connection>_<field>, lowercase, letters, digits and underscores."""
    return 'vault_' + '_'.join(slug(p) for p in parts)


def slug(text):
    return re.sub(r'[^a-z0-9]+', '_', ('%s' % text).lower()).strip('_') or 'x'


def export_connection(run, listed, names, include_mappings, placeholders):
    """One live connection as an erpsync_connections item: only what differs from a new connection's defaults, its
    Password-type values replaced by ``{{ vault_... }}`` placeholders (recorded in ``placeholders``)."""
    api = run.api
    record = api.get_connection(listed['ErpConnectionId'])
    item = dict(name=record.get('DisplayName') or '', connector=connector_name(api, record['ErpConnectorId']))
    if names.count(item['name']) > 1:
        item['id'] = record['ErpConnectionId']  # the name alone would match several live connections
    if record.get('DisplayDescription'):
        item['description'] = record['DisplayDescription']
    if not record.get('AllAccess'):
        item.update(all_access=False, user_group_ids=sorted(record.get('UserGroupAccessIds') or []),
                    associate_ids=sorted(record.get('AssociateAccessIds') or []))
    config = export_config(api, record, names, placeholders)
    if config:
        item['config'] = config
        item['update_secrets'] = 'on_create'
    item['active'] = bool(record.get('Active'))
    if include_mappings:
        item.update(export_mappings(run, record['ErpConnectionId']))
    return item


def export_config(api, record, names, placeholders):
    """The config values a new connection would not have (mandatory ones always), secrets as placeholders."""
    by_key = dict((f['FieldKey'], f) for f in api.get_field_metadata(record['ErpConnectorId']) or [])
    config = {}
    for key, value in sorted((record.get('ConfigFields') or {}).items()):
        field = by_key.get(key)
        if field is None or is_secret_type(field.get('FieldType')):
            # Never the value: the server may show it. A variable to fill in the vault instead; its name carries the
            # connection id when another live connection's name gives the same variable name.
            parts = [record.get('DisplayName'), key]
            if [slug(n) for n in names].count(slug(record.get('DisplayName') or '')) > 1:
                parts.insert(1, record['ErpConnectionId'])
            name = placeholder(*parts)
            placeholders.append(name)
            config[key] = '{{ %s }}' % name
        elif not same_config_value(value or '', field.get('DefaultValue') or '', field_type_name(field.get('FieldType'))) or \
                field.get('Access') == 'Mandatory':
            config[key] = value or ''
    return config


def export_mappings(run, conn_id):
    """A connection's ``mappings`` and ``list_mappings`` (only what is set), as the role's connection items take them."""
    mappings, lists = read_mappings(run, conn_id, include_defaults=True)
    exported = {}
    chosen = [dict(actor_type=m['actor_type'], active=m['active'], fields=[trim_field(f) for f in m['fields']])
              for m in mappings if m['active'] or m['fields']]
    if chosen:
        exported['mappings'] = chosen
    chosen = [dict(option, items=dict((k, v) for k, v in option['items'].items() if v is not None))
              for option in (list_option(entry) for entry in lists)]
    chosen = [entry for entry in chosen if entry['items']]
    if chosen:
        exported['list_mappings'] = chosen
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


def export_tenant(run, include_mappings=True):
    """The whole tenant as the role's variables, and the vault placeholders to fill."""
    api = run.api
    placeholders = []
    engine = engine_facts(api.get_engine_status())
    connectors = []
    for listed in api.get_connectors():
        entity = api.get_connector_entity(listed['Id']) or {}
        connectors.append(dict(name=listed.get('Name') or entity.get('DisplayName') or '', connector_url=entity.get('URL') or ''))
    live = api.get_all_connections(False)
    # Each connector's field types once, before the connections are read at once (so no two threads read them twice).
    run.each(api.get_field_metadata, sorted(set(r['ErpConnectorId'] for r in live)))
    names = [r.get('DisplayName') or '' for r in live]
    connections = run.each(lambda record: export_connection(run, record, names, include_mappings, placeholders), live)
    role_vars = dict(erpsync_engine_state='running' if engine['running'] else 'stopped', erpsync_engine_interval=engine['interval'],
                     erpsync_connectors=connectors, erpsync_connections=connections)
    return role_vars, sorted(set(placeholders))
