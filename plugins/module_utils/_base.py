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
from urllib.parse import quote, quote_plus

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
    """Any failure talking to the WebAPI, with a message that is safe to show, and its ``outcome`` (see Outcome)."""

    def __init__(self, message, status=None, method=None, outcome=Outcome.FAILED):
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.outcome = outcome

    @property
    def unclear(self):
        """A write whose outcome must be settled by reading (it may have been applied)."""
        return self.outcome in (Outcome.UNCLEAR, Outcome.IN_FLIGHT)

    @property
    def in_flight(self):
        return self.outcome is Outcome.IN_FLIGHT

    def result_fields(self):
        fields = dict(status=self.status, api_method=self.method)
        return {k: v for k, v in fields.items() if v is not None}


class Secrets:
    """Every secret of one module run, in one place: it masks text and feeds Ansible's no_log list.

    A secret is also known in the forms a server may echo it in: Base64 (inside a Basic credential), JSON-escaped
    and URL-encoded.
    """

    def __init__(self, module=None):
        self.module = module
        self._values = []

    def add(self, value, no_log=True):
        if not isinstance(value, str) or not value:
            return
        forms = {value, json.dumps(value)[1:-1], quote(value, safe=''), quote(value), quote_plus(value)}
        for form in forms:
            if form and form not in self._values:
                self._values.append(form)
        # Longest first, so a secret that contains another (a signed token holds its token) is masked whole.
        self._values.sort(key=len, reverse=True)
        if no_log and self.module is not None and len(value) >= NO_LOG_MIN_LENGTH:
            self.module.no_log_values.add(value)

    def add_basic(self, username, password):
        """A Basic credential: the password, and the Base64 of ``user:password`` a server may reflect."""
        self.add(password)
        pair = ('%s:%s' % (username, password)).encode('utf-8')
        self.add(base64.b64encode(pair).decode('ascii'))

    def mask(self, text):
        text = '%s' % (text,)
        for secret in self._values:
            text = text.replace(secret, MASK)
        return text

    def cut(self, text, limit=300):
        """Masked first, then shortened: a secret on the cut is never shown in part."""
        text = self.mask(('%s' % (text,)).strip())
        return text if len(text) <= limit else text[:limit] + '...'


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
