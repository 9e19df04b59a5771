# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connector config of connections and its secrets: values checked and put in the server's form by the connector's
field metadata, mandatory fields of a new connection, what to write, the record sent back (secrets the server hides are
left out), the config as diffs show it (secrets masked), and the test before a save.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import copy
import re

from ansible_collections.superoffice.crm.plugins.module_utils._agent import writable
from ansible_collections.superoffice.crm.plugins.module_utils._base import MASK
from ansible_collections.superoffice.crm.plugins.module_utils._plan import ItemFailure
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_items import item_label
from ansible_collections.superoffice.crm.plugins.module_utils._values import config_value, field_type_name, same_config_value

# How servers show a stored secret they hide: blank, or a run of asterisks (********, or one per character).
_SERVER_MASK = re.compile(r'\*+')


def hidden(value):
    """Whether a stored secret reads as hidden (blank or a mask): then it is never compared as a value nor sent back."""
    return not value or bool(_SERVER_MASK.fullmatch('%s' % (value,)))


class ConnectionConfig:
    """Config rules of the connections of one run (the connector metadata is read once per connector and run)."""

    def __init__(self, api):
        self.api = api

    @staticmethod
    def target_connector(item):
        """The connector the connection has after the run: the one given, else the one it has."""
        if item.connector_id is not None:
            return item.connector_id
        return (item.current or {}).get('ErpConnectorId')

    def check(self, item):
        """The connector's field metadata: values in the server's form, secrets hidden, unknown keys and empty mandatory
        fields of a new connection refused (into ``item.errors``); ``item.config`` set."""
        creating = item.current is None
        if item.params['config'] is None and not creating:
            return
        connector_id = self.target_connector(item)
        fields = self.api.get_field_metadata(connector_id)
        if fields is None:
            item.errors.append('%sErpSync GetConfigurationFields answered null for connector %s, so the config of connection %s '
                               'cannot be checked (nor its secrets told apart); check that the connector exists'
                               % (item.where, self.connector_name(item, connector_id), item_label(item)))
            return
        by_key = dict((f['FieldKey'], f) for f in fields)
        given = item.params['config'] or {}
        unknown = sorted(set('%s' % k for k in given) - set(by_key))
        if unknown and creating:
            item.errors.append(self._unknown_keys(item, unknown, by_key, connector_id))
        # A key the metadata does not list may be one the connection stores (the connector's metadata changed, or lacks
        # it): taken as a secret, and checked against the stored config once that is read (stored_key_errors).
        item.untyped_keys = set(unknown) if not creating else set()
        config = self._server_form(item, given, by_key, connector_id)
        plain_keys = self.api.plain_keys(connector_id)
        for key, value in config.items():
            if key not in plain_keys:
                self.api.client.secrets.add(value)
        if creating:
            self._fill_mandatory(item, fields, config, connector_id)
        item.config = config if item.params['config'] is not None or config else None

    def _unknown_keys(self, item, unknown, by_key, connector_id):
        return '%sconfig key%s %s %s not known to connector %s; its config fields are: %s' % (
            item.where, 's' if len(unknown) > 1 else '', ', '.join(unknown), 'are' if len(unknown) > 1 else 'is',
            self.connector_name(item, connector_id), ', '.join(by_key) or 'none')

    def stored_key_errors(self, item):
        """The config keys the connector's metadata does not list and the connection (read with its config) does not store
        either: unknown, as for a new connection."""
        unknown = sorted(item.untyped_keys - set((item.current or {}).get('ConfigFields') or {}))
        if not unknown:
            return []
        connector_id = self.target_connector(item)
        by_key = dict((f['FieldKey'], f) for f in self.api.get_field_metadata(connector_id) or [])
        return [self._unknown_keys(item, unknown, by_key, connector_id)]

    def _server_form(self, item, given, by_key, connector_id):
        config = {}
        for key, value in given.items():
            field = by_key.get('%s' % key)
            if field is None:
                if '%s' % key in item.untyped_keys:
                    config['%s' % key] = config_value(value, None)  # text, as the connection stores it
                continue
            try:
                config[field['FieldKey']] = config_value(value, field.get('FieldType'))
            except ValueError as e:
                item.errors.append('%sconfig.%s %s' % (item.where, key, e))
                continue
            limit = field.get('MaxLength') or 0
            if 0 < limit < len(config[field['FieldKey']]):
                item.errors.append('%sconfig.%s is %d characters long; connector %s allows at most %d'
                                   % (item.where, key, len(config[field['FieldKey']]), self.connector_name(item, connector_id), limit))
        return config

    def _fill_mandatory(self, item, fields, config, connector_id):
        """A new connection must have every Mandatory config field (the admin screen will not save it otherwise); a field the
        connector gives a DefaultValue is filled with it, as the screen pre-fills it."""
        missing = []
        for field in fields:
            key = field['FieldKey']
            if (field.get('Access') or '') != 'Mandatory' or ('%s' % config.get(key, '')).strip():
                continue
            if (field.get('DefaultValue') or '').strip():
                config[key] = field['DefaultValue']
            else:
                missing.append(key)
        if missing:
            item.errors.append('%sconnector %s needs a value for the mandatory config field%s %s to create connection %r; give '
                               '%s in config' % (item.where, self.connector_name(item, connector_id), 's' if len(missing) > 1 else '',
                                                 ', '.join(missing), item.params['name'], 'them' if len(missing) > 1 else 'it'))

    def connector_name(self, item, connector_id):
        if item.connector_id is not None:  # the connector list was read to resolve it
            for connector in self.api.get_connectors():
                if connector['Id'] == connector_id:
                    return "'%s' (id %s)" % (connector.get('Name'), connector_id)
        return 'id %s' % connector_id

    def to_write(self, item, record):
        """The given config keys whose value the record does not have (a record read with its config)."""
        params = item.params
        secret_keys = self.secret_keys(item, record)
        types = self._field_types(item, record)
        have = record.get('ConfigFields') or {}
        written = {}
        for key, value in item.config.items():
            current = have.get(key) or ''
            if key in secret_keys and hidden(current):
                # A secret the record does not have at all is not set: write it. One that reads blank or as a mask is
                # hidden by the server (or empty): it cannot be compared, so update_secrets decides.
                if key not in have or params['update_secrets'] == 'always':
                    written[key] = value
            elif not same_config_value(current, value, types.get(key)):
                written[key] = value
        return written

    def secret_keys(self, item, record):
        """The keys of the record's and the item's config whose values are secret: every key that the metadata of the
        record's connector or of the target connector does not type as a plain field (fail closed, see plain_keys)."""
        keys = set(record.get('ConfigFields') or {}) | set(item.config or {})
        plain = [self.api.plain_keys(c) for c in set([record.get('ErpConnectorId'), self.target_connector(item)])]
        return set(key for key in keys if any(key not in keys_of_one for keys_of_one in plain))

    def _field_types(self, item, record):
        fields = self.api.get_field_metadata(self.target_connector(item) or record.get('ErpConnectorId')) or []
        return dict((f['FieldKey'], field_type_name(f.get('FieldType'))) for f in fields)

    def whole(self, item, record, written):
        """Whether the config after the save can be tested whole: a secret that reads hidden is not sent (the server keeps
        it), so a config that leaves one out cannot; then the stored connection is tested by id after the save."""
        secret_keys = self.secret_keys(item, record)
        return not [k for k, v in (record.get('ConfigFields') or {}).items() if k in secret_keys and hidden(v) and k not in written]

    def payload(self, item, record, changes, written):
        """The record as read, with only the user's changes: the sync cursor and GUID stay as they are.

        Secret fields that read hidden (blank or a mask) are left out (unless written), so the server keeps what it stores:
        sent back, a mask would overwrite the secret.
        """
        secret_keys = self.secret_keys(item, record)
        payload = copy.deepcopy(writable(record))
        payload.update(changes)
        config = dict((k, v) for k, v in (record.get('ConfigFields') or {}).items() if k not in secret_keys or not hidden(v))
        config.update(written)
        payload['ConfigFields'] = config
        return payload

    def view(self, item, record):
        """The given config keys as the record has them; a secret shows the mask when set, blank when not.

        A secret that is written but looks the same before and after (both masked, or both blank because the
        server hides it) is marked ``(updated)``, so the diff shows the change it reports.
        """
        secret_keys = self.secret_keys(item, record)
        have = record.get('ConfigFields') or {}
        written = item.written
        before = (item.current or {}).get('ConfigFields') or {}
        view = {}
        for key in sorted(item.config):
            value = have.get(key) or ''
            if key in secret_keys:
                value = MASK if value else ''
                if key in written and record is not item.current:
                    value = MASK if written[key] else ''
                    if value == (MASK if before.get(key) else ''):
                        value = (value + ' (updated)').strip()
            view[key] = value
        return view

    def test(self, item, connector_id, config):
        """The admin screen's rule: a configuration is saved only after it tested well. TestConnectionByConfig gets the
        connector's id (the new config has no connection yet; see the emulator README for the evidence)."""
        if not self.api.test_connection_config(connector_id, config):
            raise ItemFailure('TestConnectionByConfig answered false for connection %s: the connector could not reach the ERP system '
                              'with the new configuration, so nothing was saved' % item_label(item))
