# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Admin routes for what the agent can write but not read back: the sync priority (ConnectionRank) and the ERP fields'
ranks; and the connector services, which tests change to show that the emulator asks the connector each time."""

from .agent import DataError
from .methods.priorities import parse_connection_rank
from .store import _parse_service

ADMIN_ROUTES = ('sync_priority', 'field_ranks', 'connector_services')


def _sync_priority(tenant):
    rank = tenant.state['connection_rank']
    return {'ConnectionRank': ';'.join('%d' % conn_id for conn_id in rank), 'ids': list(rank)}


def _set_services(tenant, body):
    if not isinstance(body, list) or not all(isinstance(item, dict) and item.get('url') for item in body):
        raise DataError('connector_services must be a list of {"url", "config_fields", "actor_types"}')
    parsed = dict((item['url'].strip().lower(), _parse_service(item, 'connector service %s' % item['url'])) for item in body)
    tenant.state['services'].update(parsed)


def admin(tenant, verb, name, body):
    """``GET|PUT /_emulator/tenants/{T}/sync_priority``, ``GET .../field_ranks``, ``PUT .../connector_services``;
    returns (status, payload). Bad input raises DataError (400)."""
    with tenant.lock:
        if (verb, name) == ('PUT', 'sync_priority'):
            tenant.state['connection_rank'] = parse_connection_rank(body)
        elif (verb, name) == ('PUT', 'connector_services'):
            _set_services(tenant, body)
            return 200, sorted(tenant.state['services'])
        elif (verb, name) not in (('GET', 'sync_priority'), ('GET', 'field_ranks')):
            return 404, {'error': 'no admin route %s /_emulator/tenants/%s/%s' % (verb, tenant.key, name)}
        return 200, _sync_priority(tenant) if name == 'sync_priority' else tenant.field_ranks()
