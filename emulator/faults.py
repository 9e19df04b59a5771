# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fault-injection rules: their validation, and what the rules that let a call run do before and after it.

The tenant keeps the list; the front-ends (``server.py``, ``soap.py``) answer with ``wire.fault_response`` or, for the
kinds in AFTER_APPLY, run the call through ``before_call`` / ``after_call`` / ``after_response``.
"""

import copy
import time

from .agent import DataError, find_method, lookup
from .methods.connections import parse_connection
from .wire import DROP, ECHO_ENCODINGS, Response

KINDS = ('status', 'html', 'drop_after_apply', 'drop_before_apply', 'delay', 'null', 'garbage', 'reflect', 'wrong_id')
GARBAGE_FORMS = ('bytes', 'truncated', 'empty')
WRONG_ID_MODES = ('answer', 'record', 'call')
# The members that name the object of a call, by kind of object (the connection's first: a SaveConnection's Connection also
# names its connector, a mapping's rows their fields); wrong_id swaps the first kind a request or an answer has.
ID_KINDS = (('erpconnectionid', 'erpsyncconnectionid'), ('erpsyncconnectorentityid', 'erpsyncconnectorid', 'erpconnectorid'),
            ('erpfieldid',))
MAX_DELAY = 30.0
# Keys each kind takes besides method, kind and count (a key another kind takes is refused, so a typo cannot pass silently).
_KIND_KEYS = {
    'status': ('status', 'retry_after', 'body'),
    'html': ('status',),
    'reflect': ('status', 'encodings', 'wire'),
    'garbage': ('status', 'apply', 'form'),
    'delay': ('seconds',),
    'drop_after_apply': ('twin', 'twin_fields'),
    'drop_before_apply': ('twin', 'twin_fields'),
    'wrong_id': ('id', 'mode'),
}
_ALL_KEYS = set(k for keys in _KIND_KEYS.values() for k in keys) | {'method', 'kind', 'count'}


def parse_fault(raw):
    """Admin payload -> normalised rule. Raises DataError on anything unusable."""
    if not isinstance(raw, dict):
        raise DataError('a fault must be a JSON object')
    unknown = set(raw) - _ALL_KEYS
    if unknown:
        raise DataError('unknown fault keys: %s' % ', '.join(sorted(unknown)))
    kind = raw.get('kind')
    if kind not in KINDS:
        raise DataError('fault kind must be one of %s' % ', '.join(KINDS))
    # The keys added with the after-apply kinds belong to their kind only (older keys stay tolerated everywhere).
    foreign = set(raw) & {'encodings', 'wire', 'apply', 'form', 'twin', 'twin_fields', 'id', 'mode'} - set(_KIND_KEYS.get(kind, ()))
    if foreign:
        raise DataError('fault kind %s does not take %s' % (kind, ', '.join(sorted(foreign))))
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

    if kind in ('status', 'html', 'reflect', 'garbage'):
        status = raw.get('status', {'status': 503, 'html': 200, 'reflect': 400, 'garbage': 200}[kind])
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
    if kind == 'reflect':
        rule.update(_parse_reflect(raw))
    if kind == 'garbage':
        rule.update(_parse_garbage(raw))
    if kind in ('drop_after_apply', 'drop_before_apply') and 'twin' in raw:
        rule.update(_parse_twin(raw, method, kind))
    if kind == 'wrong_id':
        rule.update(_parse_wrong_id(raw))
    return rule


def _parse_reflect(raw):
    encodings = raw.get('encodings', ['plain'])
    if isinstance(encodings, str):
        encodings = [encodings]
    if not isinstance(encodings, list) or not encodings or not all(e in ECHO_ENCODINGS for e in encodings):
        raise DataError('reflect encodings must be a list of %s' % ', '.join(ECHO_ENCODINGS))
    wire = raw.get('wire', 'json')
    if wire not in ('json', 'text'):
        raise DataError('reflect wire must be json (an error object) or text (text/plain)')
    return {'encodings': list(encodings), 'wire': wire}


def _parse_garbage(raw):
    apply = raw.get('apply', False)
    if not isinstance(apply, bool):
        raise DataError('garbage apply must be true or false')
    form = raw.get('form', 'bytes')
    if form not in GARBAGE_FORMS:
        raise DataError('garbage form must be one of %s' % ', '.join(GARBAGE_FORMS))
    if form == 'truncated' and not apply:
        raise DataError('garbage form truncated cuts the real answer, so it needs apply: true')
    return {'apply': apply, 'form': form}


def _parse_twin(raw, method, kind):
    if raw['twin'] not in ('before', 'after') or (kind == 'drop_before_apply' and raw['twin'] != 'before'):
        raise DataError('twin must be "before" (the hand-made connection gets the lower id) or "after" (drop_after_apply '
                        'only: a create that is not applied has no "after")')
    if method != 'SaveConnection':
        raise DataError('twin needs method SaveConnection (it copies the connection being created)')
    fields = raw.get('twin_fields', {})
    if not isinstance(fields, dict):
        raise DataError('twin_fields must be an object of ErpConnection members')
    parse_connection(fields, error=DataError)  # the members' types, checked now rather than when the fault fires
    return {'twin': raw['twin'], 'twin_fields': copy.deepcopy(fields)}


def _parse_wrong_id(raw):
    other = raw.get('id')
    if isinstance(other, bool) or not isinstance(other, int) or other < 1:
        raise DataError('wrong_id needs "id": the positive id (of a connection, a connector or an ERP field) the answer (or the '
                        'call) is given instead')
    mode = raw.get('mode', 'answer')
    if mode not in WRONG_ID_MODES:
        raise DataError('wrong_id mode must be one of %s' % ', '.join(WRONG_ID_MODES))
    return {'id': other, 'mode': mode}


def applies_call(rule):
    """Whether a rule lets the call run (and acts before/after it) instead of answering in its place."""
    return rule['kind'] in ('drop_after_apply', 'wrong_id') or (rule['kind'] == 'garbage' and rule.get('apply'))


def fire_fault(tenant, method_name, exchange, params=None):
    """Takes the tenant's next fault for this call, as every front-end (REST, SOAP) applies it.

    Returns (rule, after): ``rule`` is a fault to answer with instead of running the method (None when the method
    should run); ``after`` is a rule that lets the method run and then acts (applies_call), or None. A ``delay``
    sleeps here and lets the method run; a ``drop_before_apply`` with a ``twin`` saves the admin's connection (from the
    call's ``params``) before the call is dropped. (The SOAP front-end drops the answer for every ``after`` rule.)
    """
    fault = tenant.take_fault(method_name)
    if not fault:
        return None, None
    exchange.fault = fault['kind']
    if fault['kind'] == 'drop_before_apply' and fault.get('twin'):
        _save_twin(fault, tenant, params)
    if fault['kind'] == 'delay':
        time.sleep(fault['seconds'])
        return None, None
    if applies_call(fault):
        return None, fault
    return fault, None


def before_call(rule, tenant, method, params):
    """What an after-apply rule does before the call runs; returns the params to run it with.

    ``wrong_id`` in mode ``call`` sends the call to the other object (a server or proxy mixing up requests);
    a ``twin`` made ``before`` is saved first, as an admin creating the same connection by hand a moment earlier.
    """
    if rule['kind'] == 'wrong_id' and rule['mode'] == 'call' and isinstance(params, dict):
        params = copy.deepcopy(params)
        _swap_id(params, rule['id'])
    if rule.get('twin') == 'before':
        _save_twin(rule, tenant, params)
    return params


def after_call(rule, tenant, method, params, result):
    """What an after-apply rule does once the call ran; returns the result to answer with."""
    if rule.get('twin') == 'after':
        _save_twin(rule, tenant, params)
    if rule['kind'] == 'wrong_id' and rule['mode'] == 'answer' and isinstance(result, dict):
        result = copy.deepcopy(result)
        _swap_id(result, rule['id'])
    if rule['kind'] == 'wrong_id' and rule['mode'] == 'record':
        result = tenant.call(find_method('GetConnection'), {'ErpConnectionId': rule['id']})
    return result


def after_response(rule, response):
    """The answer the client gets after the call ran: none (dropped), a broken body, or the (rewritten) answer."""
    if rule['kind'] == 'drop_after_apply':
        return DROP
    if rule['kind'] == 'garbage':
        body = {'bytes': b'\x00\xff{"IsRunning": tru', 'empty': b''}.get(rule['form'])
        if body is None:  # truncated: the real answer cut in half, as a proxy that lost the end of it
            body = response.body[:len(response.body) // 2]
        return Response(rule['status'], body, 'application/json; charset=utf-8')
    return response


def _swap_id(obj, other):
    """Gives the object a request or an answer is about (its first kind of ID_KINDS, at the top or in the carrier it wraps:
    Connection, Mapping, ...) the id ``other``, in place."""
    carriers = [obj] + [value for value in obj.values() if isinstance(value, dict)]
    for names in ID_KINDS:
        found = [(carrier, key) for carrier in carriers for key in carrier if key.lower() in names]
        for carrier, key in found:
            carrier[key] = other
        if found:
            return


def _save_twin(rule, tenant, params):
    """A connection made "by hand": the one being created, with its own GUID and the rule's twin_fields."""
    sent = lookup(params or {}, 'Connection')
    twin = dict(sent) if isinstance(sent, dict) else {}
    for key in list(twin):
        if key.lower() in ('erpconnectionid', 'connectionid'):
            del twin[key]
    twin.update(rule['twin_fields'])
    tenant.call(find_method('SaveConnection'), {'Connection': twin})
