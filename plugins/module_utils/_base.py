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
import functools
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

    A secret is also known in every form a server or a proxy may echo it in (see secret_pattern): each character as it is,
    JSON-escaped (\\uXXXX in either case, as System.Text.Json, Json.NET's EscapeHtml and Go write it; \\/ as WCF writes it),
    as an XML or HTML entity (&lt; &quot; &#39; &#x27; ...) and URL-encoded (either case of hex digits, + for a space), and
    its UTF-8 bytes read as Latin-1; in Base64 too inside a Basic credential (add_basic). ``mask_result`` masks a whole
    module result at its exit.
    """

    def __init__(self, module=None):
        self.module = module
        self._values = set()        # every secret, and its UTF-8 bytes read as Latin-1 and as Windows-1252
        self._pattern = None        # every form of every secret, longest secret first (built when needed)
        self._result_pattern = None  # the same without the secrets too short for no_log (see mask_result)

    def add(self, value, no_log=True):
        if not isinstance(value, str) or not value:
            return
        readings = secret_readings(value) - self._values
        if readings:
            self._values |= readings
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
        values = sorted((v for v in self._values if len(v) >= shortest), key=lambda v: (-len(v), v))
        return re.compile('|'.join(secret_pattern(v) for v in values)) if values else None

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
# Names of URL parameters whose values are secrets, by a part of the name: api_key, apikey, code, access_token,
# client_secret, client_assertion, jwt, jsessionid, ...
SECRET_PARAMETER_PARTS = ('key', 'token', 'secret', 'code', 'pass', 'pwd', 'sig', 'auth', 'cred', 'ticket', 'session', 'jwt',
                          'assertion')
_SECRET_PARAMETER = re.compile('|'.join(SECRET_PARAMETER_PARTS), re.I)


def _walk(value, function):
    if isinstance(value, dict):
        return dict((_walk(k, function), _walk(v, function)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_walk(v, function) for v in value]
    return function(value) if isinstance(value, str) else value


# How a whole text is encoded afterwards: not at all, Uri.EscapeDataString / quote, quote keeping /, HttpUtility and
# WebUtility (+ for a space, !*() kept).
_URL_ENCODINGS = (
    lambda s: s,
    lambda s: quote(s, safe=''),
    quote,
    quote_plus,
    lambda s: quote_plus(s, safe='-_.!*()'),
)
# The characters XML and HTML write as entities (&lt; ...), and the hex digits of an escape (\u003c, %3C, &#x3C;).
_NAMED_ENTITIES = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;'}
_ENTITY_FORMS = (lambda c: _NAMED_ENTITIES.get(c, '&#%d;' % ord(c)), lambda c: '&#%d;' % ord(c), lambda c: '&#x%x;' % ord(c),
                 lambda c: '&#X%x;' % ord(c))
_HEX_DIGITS = re.compile(r'(?<=\\u)[0-9A-Fa-f]{4}|(?<=%)[0-9A-Fa-f]{2}|(?<=&#[xX])[0-9A-Fa-f]+(?=;)')


def _json_forms(char):
    """A character inside a JSON string: as it is, its short escape (\\" \\\\ \\n; \\/ as WCF writes /) and \\uXXXX
    (UTF-16 code units), which System.Text.Json, Json.NET's EscapeHtml and Go write for + & < > ' " and non-ASCII."""
    units = char.encode('utf-16-be')
    forms = {char, json.dumps(char)[1:-1], ''.join('\\u%02x%02x' % (units[i], units[i + 1]) for i in range(0, len(units), 2))}
    return forms | ({'\\/'} if char == '/' else set())


def _entity_forms(text):
    """A text as XML or HTML writes it: & < > " ' and non-ASCII characters as named, decimal or hex entities."""
    if not any(c in _NAMED_ENTITIES or ord(c) >= 0xa0 for c in text):
        return {text}
    return {text} | set(''.join(entity(c) if c in _NAMED_ENTITIES or ord(c) >= 0xa0 else c for c in text) for entity in _ENTITY_FORMS)


@functools.lru_cache(maxsize=None)
def _character_pattern(char):
    forms = set()
    for text in (e for j in _json_forms(char) for e in _entity_forms(j)):
        for encode in _URL_ENCODINGS:
            form = encode(text)
            forms.update((_HEX_DIGITS.sub(lambda m: m.group(0).lower(), form), _HEX_DIGITS.sub(lambda m: m.group(0).upper(), form)))
    forms = sorted(forms, key=lambda f: (-len(f), f))
    return re.escape(forms[0]) if len(forms) == 1 else '(?:%s)' % '|'.join(re.escape(f) for f in forms)


def secret_pattern(value):
    """A regular expression of a secret as servers and proxies may write it back, character by character: each as it is,
    JSON-escaped, as an XML or HTML entity, each of these URL-encoded, hex digits in either case (see Secrets)."""
    return ''.join(_character_pattern(c) for c in value)


def secret_readings(value):
    """A secret, and its UTF-8 bytes read as Latin-1 and as Windows-1252 (a proxy or log that assumes either)."""
    readings = {value}
    for codec in ('latin-1', 'cp1252'):
        try:
            readings.add(value.encode('utf-8').decode(codec))
        except UnicodeDecodeError:
            pass
    return readings


def _secret_parameter(pair):
    """(name, value) of a ``name=value`` parameter with a key-like name and a value, else None."""
    name, sep, value = pair.partition('=')
    return (name, value) if sep and value and _SECRET_PARAMETER.search(unquote_plus(name)) else None


def url_secrets(url):
    """The secrets a URL carries: its user info (the password, or the user name when there is none: a token), and the values
    of key-like parameters (api_key, code, token, jwt, ...) in its query, its fragment (#access_token=) and its path
    segments (;jsessionid=), each as written in the URL and decoded; never the mask itself (as masked_url shows it)."""
    try:
        parts = urlsplit(url or '')
    except ValueError:
        return []
    userinfo = parts.password or parts.username
    found = [userinfo, unquote(userinfo)] if userinfo else []
    for text, separator in _parameter_texts(parts):
        for name_value in filter(None, map(_secret_parameter, text.split(separator))):
            found.extend((name_value[1], unquote_plus(name_value[1])))
    return [value for value in found if value != MASK]


def _parameter_texts(parts):
    """Where a URL carries parameters: (text, separator) of its query, its fragment and each path segment's ;parameters."""
    segments = [(segment.partition(';')[2], ';') for segment in parts.path.split('/') if ';' in segment]
    return [(parts.query, '&'), (parts.fragment, '&')] + segments


def masked_url(url):
    """A URL as this collection shows it: its user info's password (its user name too when there is no password: a token)
    and the values of key-like parameters in its query, fragment and path segments replaced by the mask; the host, the rest
    of the path and other parameters as they are."""
    try:
        parts = urlsplit(url or '')
    except ValueError:
        return MASK
    if not (parts.username or parts.password or url_secrets(url)):
        return url
    netloc = parts.netloc
    if parts.username or parts.password:
        userinfo, _at, host = netloc.rpartition('@')
        netloc = '%s:%s@%s' % (userinfo.partition(':')[0], MASK, host) if parts.password else '%s@%s' % (MASK, host)
    path = '/'.join(_masked_segment(segment) for segment in parts.path.split('/'))
    return urlunsplit((parts.scheme, netloc, path, _masked_parameters(parts.query, '&'), _masked_parameters(parts.fragment, '&')))


def _masked_segment(segment):
    name, sep, parameters = segment.partition(';')
    return name + sep + _masked_parameters(parameters, ';') if sep else segment


def _masked_parameters(text, separator):
    return separator.join(_masked_parameter(pair) for pair in text.split(separator)) if text else text


def _masked_parameter(pair):
    secret = _secret_parameter(pair)
    return '%s=%s' % (secret[0], MASK) if secret else pair


# What a terminal acts on: C0 controls but newline and tab, DEL and C1 controls (ESC, BEL, CSI: a tenant's text could
# erase lines, retitle the window or write the clipboard with OSC 52), and the bidi overrides and isolates (that reorder
# what is shown).
_TERMINAL_CONTROLS = re.compile(r'[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]')


def printable(text):
    """A message as a terminal may show it raw: every terminal control character as a visible escape (\\x1b, \\u202e)."""
    return _TERMINAL_CONTROLS.sub(lambda m: ('\\x%02x' if ord(m.group(0)) < 0x100 else '\\u%04x') % ord(m.group(0)), text)


def printable_messages(result):
    """A module result with its messages (every ``msg``, at any depth) and its ``diff`` printable: the default callback prints
    a result as JSON that escapes C0 controls only, a diff as text. The data keeps tenant text verbatim (a name must round-trip
    through the export)."""
    if isinstance(result, dict):
        return dict((key, _walk(value, printable) if key in ('msg', 'diff') else printable_messages(value)) for key, value in result.items())
    if isinstance(result, list):
        return [printable_messages(value) for value in result]
    return result


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
