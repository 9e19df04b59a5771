# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the REST and SOAP front-ends share: a response, the dropped connection, and the answers of injected faults.

It imports neither front-end, so ``server.py`` and ``soap.py`` both import it without a cycle.
"""

import html
import http
import json
import re
from urllib.parse import quote, quote_plus

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


def utf8(text):
    """Text as UTF-8 the way .NET's encoder writes it: a lone surrogate (a name sent as "\\ud800"; .NET strings are UTF-16
    and keep it) becomes U+FFFD instead of failing the answer."""
    return re.sub('[\ud800-\udfff]', '\ufffd', text).encode('utf-8')


def json_response(status, payload, headers=()):
    return Response(status, utf8(json.dumps(payload, separators=(',', ':'), ensure_ascii=False)), JSON_CONTENT_TYPE, headers)


def rest_error(error_type, message):
    """The REST error object (entity endpoints; also used here for 401/404/405/500)."""
    return {'Error': True, 'ErrorType': error_type, 'ErrorMessage': message, 'ErrorSource': 'SuperOffice.WebApi'}


# -- the request echoed by a reflect fault, in the forms servers and proxies write it ---------------------------------

def _escape_python(text):
    """JSON string content as json.dumps / Json.NET with EscapeNonAscii write it: \\" and lower-case \\u00e9."""
    return json.dumps(text)[1:-1]


def _escape_stj(text):
    """JSON string content as System.Text.Json's default encoder writes it: HTML-sensitive characters (+ & < > ' " `)
    and every non-ASCII character as upper-case \\uXXXX (UTF-16 code units)."""
    out = []
    for char in text:
        code = ord(char)
        if char == '\\':
            out.append('\\\\')
        elif char in '\n\r\t\b\f':
            out.append(json.dumps(char)[1:-1])
        elif code < 0x20 or code > 0x7e or char in '+&<>\'"`':
            data = char.encode('utf-16-be')
            out.extend('\\u%04X' % int.from_bytes(data[i:i + 2], 'big') for i in range(0, len(data), 2))
        else:
            out.append(char)
    return ''.join(out)


def _escape_slash(text):
    """JSON string content with / written as \\/, as WCF's DataContractJsonSerializer writes it."""
    return json.dumps(text)[1:-1].replace('/', '\\/')


def _escape_raw(text):
    """JSON string content with non-ASCII characters left as they are (Json.NET's default)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _escape_html_safe(text):
    """JSON string content as Json.NET's StringEscapeHandling.EscapeHtml writes it: < > & ' " as lower-case \\u003c ...
    (Go's encoding/json writes < > & so by default), non-ASCII as it is."""
    return ''.join('\\u%04x' % ord(c) if c in '<>&\'"' else json.dumps(c, ensure_ascii=False)[1:-1] for c in text)


def _xml(text):
    """Text XML-escaped as an XML fault or error document carries it: &amp; &lt; &gt; &quot; &apos;."""
    return html.escape(text).replace('&#x27;', '&apos;')


def _html(text):
    """Text as WebUtility.HtmlEncode writes it: &amp; &lt; &gt; &quot; &#39;, and U+00A0 to U+00FF as &#NNN;."""
    return ''.join('&#%d;' % ord(c) if 0xa0 <= ord(c) <= 0xff else c for c in html.escape(text).replace('&#x27;', '&#39;'))


def _json_text(value, escape):
    """A JSON text with every string (keys too) written by ``escape``."""
    if isinstance(value, dict):
        return '{%s}' % ','.join('"%s":%s' % (escape('%s' % k), _json_text(v, escape)) for k, v in value.items())
    if isinstance(value, list):
        return '[%s]' % ','.join(_json_text(v, escape) for v in value)
    if isinstance(value, str):
        return '"%s"' % escape(value)
    return json.dumps(value)


def _percent(text, lower=False, plus=False, safe='-_.~'):
    quoted = (quote_plus if plus else quote)(text, safe=safe)
    return re.sub(r'%[0-9A-F]{2}', lambda m: m.group(0).lower(), quoted) if lower else quoted


# encoding -> (how a string is escaped inside a JSON text, how a whole text is encoded afterwards)
_ECHO = {
    'plain': (None, None),
    'json': (_escape_python, None),
    'stj': (_escape_stj, None),
    'slash': (_escape_slash, None),
    # Uri.EscapeDataString (RFC 3986, upper-case hex)
    'percent': (_escape_raw, _percent),
    # HttpUtility.UrlEncode: lower-case hex, + for a space
    'percent_lower': (_escape_raw, lambda text: _percent(text, lower=True, plus=True, safe='-_.!*()')),
    # WebUtility.UrlEncode / an HTML form: upper-case hex, + for a space
    'form': (_escape_raw, lambda text: _percent(text, plus=True, safe='-_.!*()')),
    # the UTF-8 bytes read back as Latin-1 (a proxy or log that assumes ISO-8859-1): e with acute -> "\u00c3\u00a9"
    'latin1': (_escape_raw, lambda text: text.encode('utf-8').decode('latin-1')),
    # Json.NET's EscapeHtml, Go's encoding/json: < > & ' " as lower-case \u003c ...
    'escapehtml': (_escape_html_safe, None),
    # an XML error document or WCF fault (text/xml): &lt; &gt; &amp; &quot; &apos;
    'xml': (_escape_raw, _xml),
    # an HTML error page (WebUtility.HtmlEncode): &#39; and &#233; for Latin-1 letters
    'html': (_escape_raw, _html),
}


ECHO_ENCODINGS = tuple(_ECHO)


def encode_text(text, encoding):
    """One string as it appears in an echo of that encoding (inside a JSON text for the JSON forms): what a client must
    recognize to mask a secret the server repeats."""
    escape, encode = _ECHO[encoding]
    text = escape(text) if escape is not None else text
    return encode(text) if encode is not None else text


def echo(headers, raw, encoding='plain'):
    """The request as a reflect fault echoes it: the Authorization and SO-AppToken headers and the body, in one of the
    forms a server or proxy writes a request it repeats in an error (``plain``: as received)."""
    escape, encode = _ECHO[encoding]
    pairs = [(name, value) for name, value in headers.items() if name.lower() in ('authorization', 'so-apptoken')]
    text = raw.decode('utf-8', 'replace')
    if escape is not None:
        try:
            text = _json_text(json.loads(text), escape) if text.strip() else ''
        except ValueError:
            text = escape(text)
    if encode is not None:
        text = encode(text)
    pairs = [(name, encode_text(value, encoding)) for name, value in pairs]
    prefix = '' if encoding == 'plain' else '%s echo: ' % encoding
    return '%sRejected request (%s) with body %s' % (prefix, ' '.join('%s: %s' % pair for pair in pairs), text)


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
        message = '\n'.join(echo(headers, raw, encoding) for encoding in fault.get('encodings') or ['plain'])
        if fault.get('wire') == 'text':
            return Response(status, message.encode('utf-8'), 'text/plain; charset=utf-8')
        return json_response(status, {'Message': 'The request is invalid.', 'MessageDetail': message})
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
