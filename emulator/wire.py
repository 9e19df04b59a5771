# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the REST and SOAP front-ends share: a response, the dropped connection, and the answers of injected faults.

It imports neither front-end, so ``server.py`` and ``soap.py`` both import it without a cycle.
"""

import http
import json

JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

LOGIN_PAGE = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>SuperOffice | Log in</title></head>\n'
    '<body><h1>Log in to SuperOffice</h1>\n'
    '<form method="post" action="/login/common/"><label>E-mail <input name="username"></label>\n'
    '<label>Password <input type="password" name="password"></label>\n'
    '<button type="submit">Log in</button></form></body></html>\n'
)


class Response:
    def __init__(self, status, body=b'', content_type=None, headers=()):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers)


# Close the socket without answering (fault kinds drop_*).
DROP = object()


def json_response(status, payload, headers=()):
    return Response(status, json.dumps(payload, separators=(',', ':'), ensure_ascii=False).encode('utf-8'), JSON_CONTENT_TYPE, headers)


def rest_error(error_type, message):
    """The REST error object (entity endpoints; also used here for 401/404/405/500)."""
    return {'Error': True, 'ErrorType': error_type, 'ErrorMessage': message, 'ErrorSource': 'SuperOffice.WebApi'}


def fault_response(fault, request=None):
    """The answer an injected fault gives instead of the agent (or DROP). ``request`` (headers, raw body) is what a
    ``reflect`` fault echoes, as a careless proxy or debug page would."""
    kind = fault['kind']
    if kind == 'drop_before_apply':
        return DROP
    if kind == 'null':
        return json_response(200, None)
    if kind == 'html':
        return Response(fault['status'], LOGIN_PAGE.encode('utf-8'), 'text/html; charset=utf-8')
    if kind == 'garbage':
        return Response(fault.get('status', 200), b'\x00\xff{"IsRunning": tru', 'application/json; charset=utf-8')
    status = fault['status']
    if kind == 'reflect':
        headers, raw = request or ({}, b'')
        echoed = ' '.join('%s: %s' % (name, value) for name, value in headers.items() if name.lower() in ('authorization', 'so-apptoken'))
        return json_response(status, {'Message': 'The request is invalid.',
                                      'MessageDetail': 'Rejected request (%s) with body %s' % (echoed, raw.decode('utf-8', 'replace'))})
    headers = [('Retry-After', fault['retry_after'])] if fault.get('retry_after') else []
    if 'body' in fault:
        return json_response(status, fault['body'], headers)
    if status == 421:
        return Response(status, b'Wrong subdomain used to access tenant', 'text/plain; charset=utf-8', headers)
    if status == 500:
        return json_response(status, rest_error('Exception', 'An error has occurred (injected fault).'), headers)
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = 'Error'
    return Response(status, ('%d %s' % (status, phrase)).encode('utf-8'), 'text/plain; charset=utf-8', headers)
