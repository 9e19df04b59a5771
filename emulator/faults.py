# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fault-injection rules: validation only; the tenant keeps the list, the front-end acts on them."""

import time

from .agent import DataError, find_method

KINDS = ('status', 'html', 'drop_after_apply', 'drop_before_apply', 'delay', 'null', 'garbage', 'reflect')
MAX_DELAY = 30.0


def parse_fault(raw):
    """Admin payload -> normalised rule. Raises DataError on anything unusable."""
    if not isinstance(raw, dict):
        raise DataError('a fault must be a JSON object')
    unknown = set(raw) - {'method', 'kind', 'count', 'status', 'retry_after', 'body', 'seconds'}
    if unknown:
        raise DataError('unknown fault keys: %s' % ', '.join(sorted(unknown)))
    kind = raw.get('kind')
    if kind not in KINDS:
        raise DataError('fault kind must be one of %s' % ', '.join(KINDS))
    method = raw.get('method', '*')
    if method != '*':
        found = find_method(method) if isinstance(method, str) else None
        if found is None:
            raise DataError('fault method must be an ErpSync method name or "*", got %r' % (method,))
        method = found.name
    count = raw.get('count', 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise DataError('fault count must be a positive integer')
    rule = {'method': method, 'kind': kind, 'count': count}

    if kind in ('status', 'html', 'reflect'):
        status = raw.get('status', {'status': 503, 'html': 200, 'reflect': 400}[kind])
        if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
            raise DataError('fault status must be an HTTP status code between 200 and 599')
        rule['status'] = status
    if kind == 'status':
        retry_after = raw.get('retry_after')
        if retry_after is not None:
            if isinstance(retry_after, bool) or not isinstance(retry_after, (int, float, str)):
                raise DataError('retry_after must be a number of seconds or an HTTP date string')
            if isinstance(retry_after, str) and any(ord(ch) < 32 for ch in retry_after):
                raise DataError('retry_after must not contain control characters')
            # Retry-After carries whole seconds or an HTTP date.
            retry_after = str(int(retry_after)) if isinstance(retry_after, (int, float)) else retry_after
            rule['retry_after'] = retry_after
        if 'body' in raw:
            rule['body'] = raw['body']
    if kind == 'delay':
        seconds = raw.get('seconds', 1.0)
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise DataError('delay seconds must be a non-negative number')
        rule['seconds'] = min(float(seconds), MAX_DELAY)
    return rule


def fire_fault(tenant, method_name, exchange):
    """Takes the tenant's next fault for this call, as every front-end (REST, SOAP) applies it.

    Returns (rule, drop_after): ``rule`` is a fault to answer with instead of running the method (None when the
    method should run); ``drop_after`` asks to run the method and then close the connection without an answer.
    A ``delay`` sleeps here and lets the method run.
    """
    fault = tenant.take_fault(method_name)
    if not fault:
        return None, False
    exchange.fault = fault['kind']
    if fault['kind'] == 'delay':
        time.sleep(fault['seconds'])
        return None, False
    if fault['kind'] == 'drop_after_apply':
        return None, True
    return fault, False
