# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every layer shares: the error type, the one registry of the run's secrets, and exception root causes.

Imports nothing else of the collection, so any module_utils file can import it without a cycle.
Private to this collection (the leading underscore): its interface may change without notice.
"""

import base64
import enum
import json
import re
from urllib.parse import quote, quote_plus, unquote, unquote_plus, urlsplit, urlunsplit

MASK = '********'
# Values shorter than this are masked in this collection's own output but not handed to Ansible's no_log list,
# which would otherwise replace every "1" or "42" in ids and names of the results (see Secrets.add).
NO_LOG_MIN_LENGTH = 4
# urllib3 prefixes socket errors with the connection object: "HTTPConnection(host='x', port=1): " or "<...>: ".
_CONNECTION_REPR = re.compile(r'^(<[^>]*>|\w+Connection\([^)]*\)): ')


class Outcome(enum.Enum):
    """What a failed request did on the server, as far as the client can tell."""

    FAILED = 'failed'            # the server answered and did not apply it, or the request is repeatable (nothing to settle)
    NOT_APPLIED = 'not applied'  # the server certainly did not act (429, no connection made): any request may be sent again
    UNCLEAR = 'unclear'          # a write may or may not have been applied (the answer was lost or the server failed mid-way)
    IN_FLIGHT = 'in flight'      # no answer came in time: the write may still be running on the server


class WebAPIError(Exception):
    """Any failure talking to the WebAPI, with a message that is safe to show, its ``outcome`` (see Outcome), and the
    seconds the server asked the client to wait before it sends the request again (``retry_after``, Retry-After)."""

    def __init__(self, message, status=None, method=None, outcome=Outcome.FAILED, retry_after=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.outcome = outcome
        self.retry_after = retry_after

    @property
    def unclear(self):
        """A write whose outcome must be settled by reading (it may have been applied)."""
        return self.outcome in (Outcome.UNCLEAR, Outcome.IN_FLIGHT)

    @property
    def in_flight(self):
        return self.outcome is Outcome.IN_FLIGHT

    @property
    def refused(self):
        """The server certainly did not apply the request: it refused it (HTTP 4xx), or never got it."""
        return self.outcome is Outcome.NOT_APPLIED or (self.outcome is Outcome.FAILED and self.status is not None and 400 <= self.status < 500)

    def result_fields(self):
        fields = dict(status=self.status, api_method=self.method)
        return {k: v for k, v in fields.items() if v is not None}


class Secrets:
    """Every secret of one module run, in one place: it masks text and feeds Ansible's no_log list.

    A secret is also known in every form a server or a proxy may echo it in (see secret_forms): Base64 (inside a Basic
    credential, add_basic), JSON-escaped (also as System.Text.Json and WCF write it), URL-encoded (either case of hex
    digits, + for a space) and its UTF-8 bytes read as Latin-1. ``mask_result`` masks a whole module result at its exit.
    """

    def __init__(self, module=None):
        self.module = module
        self._values = set()
        self._pattern = None        # every form of every secret, longest first (built when needed)
        self._result_pattern = None  # the same without the secrets too short for no_log (see mask_result)

    def add(self, value, no_log=True):
        if not isinstance(value, str) or not value:
            return
        forms = secret_forms(value) - self._values
        if forms:
            self._values |= forms
            self._pattern = self._result_pattern = None
        if no_log and self.module is not None and len(value) >= NO_LOG_MIN_LENGTH:
            self.module.no_log_values.add(value)

    def add_basic(self, username, password):
        """A Basic credential: the password, and the Base64 of ``user:password`` a server may reflect."""
        self.add(password)
        pair = ('%s:%s' % (username, password)).encode('utf-8')
        self.add(base64.b64encode(pair).decode('ascii'))

    def add_url(self, url):
        """The secrets a URL carries (see url_secrets), so that a server's text that repeats them shows them masked. Short
        values are left to masked_url (a "code=42" must not mask every 42 of a message)."""
        for value in url_secrets(url):
            if len(value) >= NO_LOG_MIN_LENGTH:
                self.add(value)

    def _compiled(self, shortest=1):
        # Longest first, so that a secret that contains another (a signed token holds its token) is masked whole.
        forms = sorted((f for f in self._values if len(f) >= shortest), key=len, reverse=True)
        return re.compile('|'.join(re.escape(f) for f in forms)) if forms else None

    def mask(self, text):
        text = '%s' % (text,)
        if self._pattern is None:
            self._pattern = self._compiled() or _NOTHING
        return self._pattern.sub(MASK, text)

    def cut(self, text, limit=300):
        """A server's text as a message shows it: every known secret form masked, a credential it repeats after an
        authentication scheme masked whatever its encoding, then shortened (a secret on the cut never shows in part)."""
        text = _ECHOED_CREDENTIAL.sub(lambda m: m.group(1) + ' ' + MASK, self.mask(('%s' % (text,)).strip()))
        return text if len(text) <= limit else text[:limit] + '...'

    def mask_result(self, value):
        """A module result (any JSON-like value, keys too) with every form of every secret masked. Secrets shorter than
        no_log's minimum are left to the messages (see NO_LOG_MIN_LENGTH): masking "1" everywhere would rewrite ids."""
        if self._result_pattern is None:
            self._result_pattern = self._compiled(NO_LOG_MIN_LENGTH) or _NOTHING
        return _walk(value, lambda text: self._result_pattern.sub(MASK, text))


_NOTHING = re.compile(r'(?!)')
# A credential after its scheme, as an echoed Authorization header shows it in any encoding (a space, %20, + or \u0020
# between); the token must hold a digit or one of + / = so that prose ("Basic authentication") stays readable.
_ECHOED_CREDENTIAL = re.compile(r'\b(Basic|Bearer|SOTicket)(?:\s+|%20|\+|\\u0020)(?=[^\s"\',;)]*[0-9+/=%])[^\s"\',;)]{8,}', re.I)
# URL query parameters whose values are secrets, by name: api_key, apikey, code, token, access_token, client_secret, ...
_SECRET_PARAMETER = re.compile(r'key|token|secret|code|pass|pwd|sig|auth|cred|ticket|session', re.I)


def _walk(value, function):
    if isinstance(value, dict):
        return dict((_walk(k, function), _walk(v, function)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_walk(v, function) for v in value]
    return function(value) if isinstance(value, str) else value


def _stj(text):
    """JSON string content as System.Text.Json's default encoder writes it: + & < > ' " ` and every character outside
    printable ASCII as upper-case \\uXXXX (UTF-16 code units)."""
    out = []
    for char in text:
        if char == '\\' or char in '\n\r\t\b\f':
            out.append(json.dumps(char)[1:-1])
        elif not ' ' <= char <= '~' or char in '+&<>\'"`':
            data = char.encode('utf-16-be')
            out.extend('\\u%04X' % int.from_bytes(data[i:i + 2], 'big') for i in range(0, len(data), 2))
        else:
            out.append(char)
    return ''.join(out)


# How a string is written inside a JSON text: as it is, json.dumps (ASCII, lower-case \u00e9; and as Json.NET leaves
# non-ASCII), System.Text.Json, WCF (\/).
_JSON_ESCAPES = (
    lambda s: s,
    lambda s: json.dumps(s)[1:-1],
    lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    _stj,
    lambda s: json.dumps(s)[1:-1].replace('/', '\\/'),
)
# How a whole text is encoded afterwards: not at all, Uri.EscapeDataString / quote, quote keeping /, HttpUtility and
# WebUtility (+ for a space, !*() kept), each with upper- and lower-case hex digits.
_URL_ENCODINGS = (
    lambda s: s,
    lambda s: quote(s, safe=''),
    quote,
    quote_plus,
    lambda s: quote_plus(s, safe='-_.!*()'),
)
_PERCENT_HEX = re.compile(r'%[0-9A-F]{2}')


def secret_forms(value):
    """A secret as servers and proxies may write it back: every JSON escape of it (and of its UTF-8 bytes read as Latin-1
    or Windows-1252), each URL-encoded in every way, hex digits in either case."""
    readings = [value]
    for codec in ('latin-1', 'cp1252'):
        try:
            readings.append(value.encode('utf-8').decode(codec))
        except UnicodeDecodeError:
            pass
    forms = set()
    for reading in readings:
        for escape in _JSON_ESCAPES:
            for encode in _URL_ENCODINGS:
                form = encode(escape(reading))
                forms.update((form, _PERCENT_HEX.sub(lambda m: m.group(0).lower(), form)))
    forms.discard('')
    return forms


def url_secrets(url):
    """The secrets a URL carries: the password of its user info and the values of key-like query parameters (api_key,
    code, token, ...), each as written in the URL and decoded; never the mask itself (a URL as masked_url shows it)."""
    try:
        parts = urlsplit(url or '')
    except ValueError:
        return []
    found = [parts.password, unquote(parts.password)] if parts.password else []
    for pair in parts.query.split('&'):
        name, _sep, value = pair.partition('=')
        if value and _SECRET_PARAMETER.search(unquote_plus(name)):
            found.extend((value, unquote_plus(value)))
    return [value for value in found if value != MASK]


def masked_url(url):
    """A URL as this collection shows it: the password of its user info and the values of key-like query parameters
    replaced by the mask (the user name, host, path and other parameters as they are)."""
    try:
        parts = urlsplit(url or '')
    except ValueError:
        return MASK
    if not (parts.password or parts.query):
        return url
    netloc = parts.netloc
    if parts.password:
        userinfo, _at, host = netloc.rpartition('@')
        netloc = '%s:%s@%s' % (userinfo.partition(':')[0], MASK, host)
    query = '&'.join(_masked_parameter(pair) for pair in parts.query.split('&')) if parts.query else ''
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _masked_parameter(pair):
    name, sep, value = pair.partition('=')
    return '%s=%s' % (name, MASK) if sep and value and _SECRET_PARAMETER.search(unquote_plus(name)) else pair


class Answer:
    """A decoded response body as a transport hands it to the client: ``data`` (JSON-like), whether it was in the
    transport's format, and the API's own error text when the body carries one (``refused``)."""

    def __init__(self, data=None, structured=False, error_text=None, refused=False):
        self.data = data
        self.structured = structured
        self.error_text = error_text
        self.refused = refused


def causes(error):
    """The chain of an exception down to the socket error: requests wraps urllib3, which wraps OSError."""
    seen = []
    while isinstance(error, BaseException) and error not in seen:
        seen.append(error)
        inner = getattr(error, 'reason', None)
        if not isinstance(inner, BaseException):
            inner = error.args[-1] if error.args and isinstance(error.args[-1], BaseException) else None
        error = inner
    return seen


def root_cause(error):
    """The innermost reason, without urllib3's object reprs and URL repetition."""
    return _CONNECTION_REPR.sub('', '%s' % (causes(error)[-1],))
