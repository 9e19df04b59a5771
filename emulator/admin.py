# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The admin API under ``/_emulator/``: no auth, JSON only, never in the request log."""

import json

from . import admin_dialogs, online
from .faults import KINDS, parse_fault
from .agent import METHODS, DataError
from .store import parse_latency


class AdminError(Exception):
    def __init__(self, status, message):
        super(AdminError, self).__init__(message)
        self.status = status
        self.message = message


def _body(raw):
    try:
        return json.loads(raw.decode('utf-8')) if raw.strip() else None
    except ValueError:
        raise AdminError(400, 'the request body is not valid JSON')


def _tenant(server, key):
    tenant = server.store.get(key)
    if tenant is None:
        raise AdminError(404, 'unknown tenant %s' % key)
    return tenant


def _index(server):
    return {
        'tenants': [{'tenant': t.key, 'online': t.online, 'url': '%s/%s' % (server.base_url, t.key)} for t in server.store.all()],
        'methods': sorted(m.name for m in METHODS.values()),
        'fault_kinds': list(KINDS),
    }


def _requests(server, verb, query):
    if verb == 'GET':
        since = query.get('since', [None])[0]
        try:
            since = int(since) if since is not None else None
        except ValueError:
            raise AdminError(400, 'since must be an integer sequence number')
        return 200, server.request_log.entries(tenant=query.get('tenant', [None])[0], since=since)
    if verb == 'DELETE':
        server.request_log.clear()
        return 200, {'cleared': True}
    raise AdminError(405, 'use GET or DELETE')


# Test hooks set with PUT /_emulator/tenants/{T}/<name> (Tenant.set_list).
SETTINGS = ('test_failures', 'config_test_failures', 'sync_failures', 'connector_url_results', 'latency', 'password_mask')


def _tenant_route(server, verb, key, rest, raw):
    tenant = _tenant(server, key)
    route = (verb, rest[0] if rest else '')
    if route[1] in online.ADMIN_ROUTES:  # move, online (emulator/online.py)
        return online.admin(server, tenant, verb, route[1], _body(raw))
    if route[1] in admin_dialogs.ADMIN_ROUTES:  # sync_priority, field_ranks, connector_services (emulator/admin_dialogs.py)
        return admin_dialogs.admin(tenant, verb, route[1], _body(raw))
    if route == ('GET', ''):
        return 200, tenant.snapshot()
    if route == ('POST', 'reset'):
        tenant.reset()
    elif route == ('PUT', 'toggle_failures'):
        tenant.set_toggle_failures(_body(raw))
    elif verb == 'PUT' and route[1] in SETTINGS:
        tenant.set_list(route[1], _body(raw))
    elif route == ('PUT', 'engine'):
        tenant.set_engine(_body(raw))
    elif route == ('GET', 'faults'):
        return 200, tenant.snapshot()['faults']
    elif route == ('POST', 'faults'):
        tenant.add_fault(parse_fault(_body(raw)))
    elif route == ('DELETE', 'faults'):
        tenant.clear_faults()
    else:
        raise AdminError(404, 'no admin route %s /_emulator/tenants/%s/%s' % (verb, key, '/'.join(rest)))
    return 200, tenant.snapshot()


def handle(server, verb, segments, query, raw):
    """Route one admin call; returns (status, JSON payload)."""
    try:
        if not segments and verb == 'GET':
            return 200, _index(server)
        if segments == ['requests']:
            return _requests(server, verb, query)
        if segments == ['reset'] and verb == 'POST':
            for tenant in server.store.all():
                tenant.reset()
            return 200, {'reset': [t.key for t in server.store.all()]}
        if segments == ['latency'] and verb == 'PUT':
            server.latency = parse_latency(_body(raw))
            return 200, {'latency': server.latency}
        if segments == ['tenants'] and verb == 'GET':
            return 200, _index(server)['tenants']
        if len(segments) in (2, 3) and segments[0] == 'tenants':
            return _tenant_route(server, verb, segments[1], segments[2:], raw)
        raise AdminError(404, 'no admin route %s /_emulator/%s' % (verb, '/'.join(segments)))
    except DataError as exc:
        return 400, {'error': str(exc)}
    except AdminError as exc:
        return exc.status, {'error': exc.message}
