# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ERP connectors (connector registrations) as a resource kind: read with one list call (plus the entity for the URL),
identified by id or name, created from the server's default entity, renamed, moved to another URL or deleted (a new URL
tested and a delete asked while planning, in check mode too; a tenant run deletes it after the connections leaving it);
used by erpsync_connector and the tenant.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import copy
from urllib.parse import urlsplit


from ansible_collections.superoffice.crm.plugins.module_utils._agent import writable
from ansible_collections.superoffice.crm.plugins.module_utils._base import MASK, WebAPIError, masked_url
from ansible_collections.superoffice.crm.plugins.module_utils._items import (
    duplicate_errors, identity_errors, invalid, item_where, raise_problems, validate_items)
from ansible_collections.superoffice.crm.plugins.module_utils._plan import (
    CONNECTORS, DELETE_CONNECTORS, Item, ItemFailure, Kind, PlanError, Step)

CONNECTOR_OPTIONS = dict(
    id=dict(type='int'),
    name=dict(type='str'),
    connector_url=dict(type='str'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    test_url=dict(type='bool', default=True),
)
CONNECTOR_REQUIRED_ONE_OF = [['id', 'name']]

MAX_NAME = 254
MAX_URL = 1023

OP_CREATED = 'created'
OP_UPDATED = 'updated'
OP_DELETED = 'deleted'

# ErpSyncResponseCode values and what they mean for a URL test and for a delete check.
URL_TEST_MEANINGS = {
    'ErrorNotFound': 'no connector service answers at that address; check connector_url (an https://.../ErpConnector.svc '
                     'address, or app://<app id> for a SuperOffice Online sync app), or set test_url to false to register it anyway',
    'ErrorConnectorHasConnections': 'a connector that has connections already uses that address',
}
DELETE_MEANINGS = {
    'ErrorConnectorHasConnections': 'it still has connections; delete or move them first (erpsync_connection state=absent)',
    'ErrorNotFound': 'the server does not know it (any more)',
}


def connector_options():
    return copy.deepcopy(CONNECTOR_OPTIONS)


def connector_facts(entity):
    """A connector as results, diffs and the export show it: its URL's credentials and key-like parameters masked."""
    return dict(id=entity.get('ErpConnectorId'), name=entity.get('DisplayName') or '', connector_url=masked_url(entity.get('URL') or ''),
                deleted=bool(entity.get('Deleted')))


def kept_url(wanted, stored):
    """Whether a connector_url asks to keep the stored URL as it is: the stored URL itself, or as results and the export show
    it (masked_url). A URL with the mask otherwise cannot be sent: the mask stands for secrets the run does not know."""
    wanted = wanted.strip()
    return wanted == stored.strip() or (MASK in wanted and wanted == masked_url(stored.strip()))


def describe(entity):
    return "'%s' (id %s)" % (entity.get('DisplayName'), entity.get('ErpConnectorId'))


def new_url(item):
    """The URL a present connector is registered at (a new one) or moved to, or None when it stays where it is."""
    wanted = item.params['connector_url']
    if wanted is None or (item.current is not None and kept_url(wanted, item.current.get('URL') or '')):
        return None
    return wanted.strip()


class ConnectorItem(Item):
    """A desired connector; ``leaving``: the run's connection items that must delete (or move) the connections still using it
    before it can be deleted."""

    def __init__(self, params, index=None, where=''):
        super().__init__(params, index, where)
        self.leaving = []


def connector_item(params, index=None, errors=None, label='connectors'):
    """A desired connector, its option values checked (no request needed); problems are in ``item.errors``."""
    where = item_where(label, index, params)
    item = ConnectorItem(params, index, where)
    if errors:
        item.errors = ['%s%s' % (where, e) for e in errors]
        return item
    item.errors += identity_errors(params, where, ('name',), MAX_NAME)
    if params['connector_url'] is not None:
        item.errors += url_errors(params['connector_url'], where)
    return item


def url_errors(url, where):
    """Problems of a connector_url: credentials in it, not a service address, too long."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        parts = urlsplit('')
    if (parts.username or parts.password) and MASK not in (parts.username, parts.password):
        # The address is stored and shown as it is (the admin screen): credentials belong in the connection config. The masked
        # form results and the export show (user:********@, or ********@ for a token) names a stored URL to keep (kept_url).
        return ['%sconnector_url must not carry credentials (user:password@); give them in the config of the connections instead' % where]
    if parts.scheme not in ('http', 'https', 'app') or not (parts.netloc or parts.path):
        return ['%sconnector_url must be the connector service address, https://.../ErpConnector.svc, or app://<app id> for a '
                'SuperOffice Online sync app; got %r' % (where, url)]
    if len(url) > MAX_URL:
        return ['%sconnector_url is %d characters long; the server stores at most %d' % (where, len(url), MAX_URL)]
    return []


def items_from_list(raw_items, label='connectors'):
    return validate_items(raw_items, CONNECTOR_OPTIONS, lambda params, index, errors: connector_item(params, index, errors, label),
                          'connector', required_one_of=CONNECTOR_REQUIRED_ONE_OF)


def problems(items, label='connectors'):
    """Problems found without any request (option values, duplicates; names are compared ignoring case)."""
    return [e for item in items for e in item.errors] + duplicate_errors(items, label, 'connector', fold=str.lower)


def check_items(items, label='connectors'):
    """Raise a PlanError listing every problem found without any request."""
    raise_problems(problems(items, label))


class Connectors(Kind):
    """Brings connector registrations to the desired state; see erpsync_connector's docs for the rules."""

    name = 'connectors'

    def __init__(self, run, items, label='connectors', exclusive=False, used=(), leaving=None):
        """``exclusive``: connectors no item names are deleted, except the ones ``used`` names (lower-case names and ids the
        run's connections give as their connector). ``leaving(record, connector)``: the run's connection item that deletes
        the live connection or moves it to another connector, else None (a tenant run; a connector run has none)."""
        super().__init__(run, items)
        self.label = label
        self.exclusive = exclusive
        self.used = used
        self.leaving = leaving or (lambda record, connector: None)
        self._users = None          # the live connections by connector id, read when a delete needs them

    def read(self):
        check_items(self.items, self.label)
        if not self.items and not self.exclusive:
            return
        for item in self.items:
            self.api.client.secrets.add_url(item.params['connector_url'])
        try:
            listed = self.api.get_connectors()
            for item in self.items:
                self._resolve(item, listed)
                self._check_mask(item)
                if item.params['state'] == 'absent' and item.current is not None and not item.errors:
                    # Fails the item alone, in check mode too (the run's other objects go on, as they would).
                    for reason in self._undeletable(item):
                        item.fail(item.where + reason)
                elif item.params['state'] == 'present' and not item.errors:
                    self._test_url(item)
            if self.exclusive:
                self._plan_unlisted(listed)
            errors = [e for item in self.items for e in item.errors]
            if errors:
                raise invalid(errors)
        except WebAPIError as e:
            raise PlanError(e.message + '. Nothing was changed', e.result_fields())
        for item in self.items:
            item.final = item.current

    def _plan_unlisted(self, listed):
        """An item deleting each connector that no item names and no connection of the run uses."""
        named = set(item.current['ErpConnectorId'] for item in self.items if item.current)
        for entry in listed:
            if entry['Id'] in named or entry['Id'] in self.used or (entry.get('Name') or '').strip().lower() in self.used:
                continue
            params = dict((name, spec.get('default')) for name, spec in CONNECTOR_OPTIONS.items())
            params.update(id=entry['Id'], name=entry.get('Name'), state='absent')
            item = ConnectorItem(params, len(self.items), "unlisted connector '%s' (id %s): " % (entry.get('Name'), entry['Id']))
            self._resolve(item, listed)
            reasons = [] if item.errors else self._undeletable(item)
            if reasons:
                # Connections the run keeps (connections_exclusive only deactivates the unlisted ones) still use it.
                self.run.warn('%sit is left registered: %s' % (item.where, '; '.join(reasons)))
                continue
            self.items.append(item)

    def _undeletable(self, item):
        """Why the connector cannot be deleted by this run ([] when it can): CanDeleteErpSyncConnectorEntity answers NoError,
        or every connection still using it is deleted or moved earlier in the run (these become the item's ``leaving``)."""
        connector = item.current
        code = self.api.can_delete_connector_entity(connector['ErpConnectorId'])
        if code == 'NoError':
            return []
        users = self._live_users().get(connector['ErpConnectorId'], []) if code == 'ErrorConnectorHasConnections' else []
        item.leaving = [self.leaving(record, connector) for record in users]
        staying = [record for record, leaving in zip(users, item.leaving) if leaving is None]
        if users and not staying:
            return []
        item.leaving = []
        if staying:
            return ['connector %s cannot be deleted: connections %s use it and this run does not delete them or move them to another '
                    'connector; delete them (state=absent) or move them first' % (describe(connector), ', '.join(
                        "'%s' (id %s)" % (r.get('DisplayName'), r['ErpConnectionId']) for r in staying))]
        return ['connector %s cannot be deleted: CanDeleteErpSyncConnectorEntity answered %s: %s'
                % (describe(connector), code, DELETE_MEANINGS.get(code, 'the server refuses it'))]

    def _live_users(self):
        """The live connections by the id of the connector they use (one read, only when a delete is refused)."""
        if self._users is None:
            self._users = {}
            for record in self.api.get_all_connections(False):
                self._users.setdefault(record.get('ErpConnectorId'), []).append(record)
        return self._users

    def _resolve(self, item, listed):
        params = item.params
        found = self._matches(params, listed)
        if len(found) > 1:
            item.errors.append('%sname %r matches %d connectors: %s. Give id to choose one'
                               % (item.where, params['name'], len(found), ', '.join('id %s' % c['Id'] for c in found)))
        elif not found:
            self._not_found(item)
        elif params['state'] == 'absent' or params['connector_url'] is not None or (params['name'] and params['name'] != found[0].get('Name')):
            # The list has no URL: the entity has (one read per connector the run needs to compare or change).
            entity = self.api.get_connector_entity(found[0]['Id'])
            if entity is None:
                item.errors.append('%sErpSync GetErpSyncConnectorEntity answered null for connector %r (id %s), which GetAllConnectors '
                                   'lists' % (item.where, found[0].get('Name'), found[0]['Id']))
            item.current = entity
        else:
            item.current = {'ErpConnectorId': found[0]['Id'], 'DisplayName': found[0].get('Name'), 'Deleted': False}

    @staticmethod
    def _check_mask(item):
        """A connector_url with the mask in it must be the stored URL as results and the export show it."""
        wanted = item.params['connector_url']
        if wanted is None or MASK not in wanted or item.params['state'] != 'present':
            return
        if item.current is None or not kept_url(wanted, item.current.get('URL') or ''):
            item.errors.append('%sconnector_url holds the mask %s, which stands for the secrets of the stored URL only when the rest '
                               'of it is the stored URL as shown (%s); give the whole URL instead'
                               % (item.where, MASK, connector_facts(item.current)['connector_url'] if item.current else 'none is stored'))

    @staticmethod
    def _matches(params, listed):
        """The listed connectors the item names: by id, else by name (exactly, else ignoring case)."""
        if params['id'] is not None:
            return [c for c in listed if c['Id'] == params['id']]
        return ([c for c in listed if c.get('Name') == params['name']]
                or [c for c in listed if (c.get('Name') or '').lower() == params['name'].lower()])

    @staticmethod
    def _not_found(item):
        params = item.params
        if params['state'] == 'present' and params['id'] is not None:
            item.errors.append('%sno connector has id %d. To register a connector, leave out id and give name and connector_url'
                               % (item.where, params['id']))
        elif params['state'] == 'present' and not params['connector_url']:
            item.errors.append('%sno connector is named %r; give connector_url to register it' % (item.where, params['name']))

    def steps(self, stage):
        if stage == DELETE_CONNECTORS:
            return [self._delete_step(item) for item in self.items if item.params['state'] == 'absent' and item.current is not None]
        if stage != CONNECTORS:
            return []
        return [step for step in (self._step(item) for item in self.items if item.params['state'] == 'present') if step is not None]

    def _step(self, item):
        params = item.params
        if item.current is None:
            return self._create_step(item)
        changes = {}
        if params['id'] is not None and params['name'] is not None and params['name'] != item.current.get('DisplayName'):
            changes['DisplayName'] = params['name']
        elif params['id'] is None and params['name'] != item.current.get('DisplayName'):
            changes['DisplayName'] = params['name']  # a case-only rename
        url = new_url(item)
        if url is not None:
            changes['URL'] = url
        if not changes:
            return None
        entity = dict(writable(item.current), **changes)

        def send():
            return self.api.save_connector_entity(entity, item.current['ErpConnectorId'])

        return Step(item, OP_UPDATED, send, done=lambda answer: self._done(item, answer), predicted=entity, verified=True)

    def _create_step(self, item):
        params = item.params
        predicted = {'ErpConnectorId': None, 'DisplayName': params['name'], 'URL': params['connector_url'].strip(), 'Deleted': False}

        def send():
            entity = dict(writable(self.api.create_default_connector_entity()), DisplayName=params['name'], URL=predicted['URL'],
                          ErpConnectorId=0)
            known = set(c['Id'] for c in self.api.get_connectors())
            saved = self.api.save_connector_entity(entity, 0)
            if not saved.get('ErpConnectorId'):
                raise ItemFailure('SaveErpSyncConnectorEntity answered without a connector id: connector %r may not have been '
                                  'created; check the tenant before running again' % params['name'])
            if saved['ErpConnectorId'] in known:
                raise ItemFailure('SaveErpSyncConnectorEntity, sent to create connector %r, answered with id %s, which an existing '
                                  'connector has: nothing more is written for it; check the connectors before running again'
                                  % (params['name'], saved['ErpConnectorId']))
            return saved

        def readback():
            self.api.forget_connectors()
            found = [c for c in self.api.get_connectors() if c.get('Name') == params['name']]
            return self.api.get_connector_entity(found[0]['Id']) if len(found) == 1 else None

        return Step(item, OP_CREATED, send, done=lambda answer: self._done(item, answer), predicted=predicted,
                    readback=readback, verified=True)

    def _done(self, item, entity):
        item.final = entity
        # Connections later in the run find a new or renamed connector by name in the cached list.
        listed = self.api.get_connectors()
        listed[:] = [c for c in listed if c['Id'] != entity.get('ErpConnectorId') or entity.get('ErpConnectorId') is None]
        listed.append({'Id': entity.get('ErpConnectorId'), 'Name': entity.get('DisplayName'), 'ToolTip': ''})

    def _delete_step(self, item):
        """Planning asked CanDeleteErpSyncConnectorEntity; when connections had to leave first, it is asked again now."""
        connector_id = item.current['ErpConnectorId']

        def send():
            code = self.api.can_delete_connector_entity(connector_id) if item.leaving else 'NoError'
            if code != 'NoError':
                raise ItemFailure('connector %s was not deleted: CanDeleteErpSyncConnectorEntity answered %s: %s'
                                  % (describe(item.current), code, DELETE_MEANINGS.get(code, 'the server refuses it')))
            self.api.delete_connector_entity(connector_id)

        return Step(item, OP_DELETED, send, done=lambda answer: setattr(item, 'final', None), verified=True, requires=item.leaving,
                    held='it was not deleted (connections still use it)')

    def _test_url(self, item):
        """test_url: the address a connector is registered at or moved to is asked while planning (a read, so in check mode
        too); a refused one fails the item before anything is saved, and the run's other objects go on."""
        url = new_url(item)
        if url is None or not item.params['test_url']:
            return
        code = self.api.test_connector_url(url)
        if code != 'NoError':
            item.fail('TestConnectorUrl answered %s for %s: %s. Nothing was saved' % (code, masked_url(url), URL_TEST_MEANINGS.get(
                code, 'the server gives no other meaning for it')))

    def facts(self, item):
        # A connector whose delete was refused is still there: shown as it is.
        if item.final is None or (item.params['state'] == 'absent' and not item.failed):
            return None
        return connector_facts(item.final)

    def diff(self, item):
        def view(entity):
            if entity is None:
                return {'state': 'absent'}
            facts = connector_facts(entity)
            shown = dict(state='present', id=facts['id'], name=facts['name'])
            if item.params['connector_url'] is not None or item.params['state'] == 'absent':
                shown['connector_url'] = facts['connector_url']
            return shown
        final = item.final if item.params['state'] == 'present' else None
        before, after = view(item.current), view(final)
        if 'connector_url' in after and after['connector_url'] == before.get('connector_url') and final.get('URL') != item.current.get('URL'):
            after['connector_url'] += ' (updated)'  # only a masked part of the URL changed: the diff still shows a change
        return dict(before=before, after=after)
