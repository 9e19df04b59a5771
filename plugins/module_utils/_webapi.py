# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one HTTP client of superoffice.crm: every module talks to the SuperOffice WebAPI through it.

Private to this collection (the leading underscore): its interface may change without notice.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import copy
import email.utils
import os
import re
import time
import traceback

from ansible.module_utils.api import generate_jittered_backoff
from ansible.module_utils.basic import env_fallback, missing_required_lib
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.module_utils.six.moves.urllib.parse import urlsplit, urlunsplit
from ansible_collections.superoffice.crm.plugins.module_utils._online import OnlineError, online_tenant

try:
    import requests
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()


WEBAPI_ARGUMENT_SPEC = dict(
    url=dict(type='str', fallback=(env_fallback, ['SUPEROFFICE_URL'])),
    # SuperOffice Online: look the tenant address up instead of giving url (plugins/module_utils/_online.py).
    context_identifier=dict(type='str', fallback=(env_fallback, ['SUPEROFFICE_CONTEXT_IDENTIFIER'])),
    environment=dict(type='str', default='online', choices=['sod', 'stage', 'online'], fallback=(env_fallback, ['SUPEROFFICE_ENVIRONMENT'])),
    environment_url=dict(type='str', fallback=(env_fallback, ['SUPEROFFICE_ENVIRONMENT_URL'])),
    username=dict(type='str', fallback=(env_fallback, ['SUPEROFFICE_USERNAME'])),
    # No env_fallback for credentials: their variables are read only when no credential option is given,
    # so an explicit ticket is not refused because SUPEROFFICE_PASSWORD happens to be set (see _credential()).
    password=dict(type='str', no_log=True),
    ticket=dict(type='str', no_log=True),
    access_token=dict(type='str', no_log=True),
    system_user_token=dict(type='str', no_log=True),
    app_token=dict(type='str', no_log=True, fallback=(env_fallback, ['SUPEROFFICE_APP_TOKEN'])),
    private_key=dict(type='str', no_log=True, fallback=(env_fallback, ['SUPEROFFICE_PRIVATE_KEY'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['SUPEROFFICE_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['SUPEROFFICE_CA_PATH'])),
    timeout=dict(type='float', default=30, fallback=(env_fallback, ['SUPEROFFICE_TIMEOUT'])),
    retries=dict(type='int', default=3, fallback=(env_fallback, ['SUPEROFFICE_RETRIES'])),
    retry_max_wait=dict(type='float', default=60, fallback=(env_fallback, ['SUPEROFFICE_RETRY_MAX_WAIT'])),
    # Transport: the REST WebAPI, or the SOAP services of older installations (plugins/module_utils/_soap.py).
    api=dict(type='str', default='rest', choices=['rest', 'soap'], fallback=(env_fallback, ['SUPEROFFICE_API'])),
    services_version=dict(type='str', fallback=(env_fallback, ['SUPEROFFICE_SERVICES_VERSION'])),
    soap_version=dict(type='str', default='1.1', choices=['1.1', '1.2'], fallback=(env_fallback, ['SUPEROFFICE_SOAP_VERSION'])),
)

SECRET_OPTIONS = ('private_key', 'password', 'ticket', 'access_token', 'system_user_token', 'app_token')
# Each credential option and the environment variable it falls back to.
CREDENTIAL_OPTIONS = (('password', 'SUPEROFFICE_PASSWORD'), ('ticket', 'SUPEROFFICE_TICKET'), ('access_token', 'SUPEROFFICE_ACCESS_TOKEN'),
                      ('system_user_token', 'SUPEROFFICE_SYSTEM_USER_TOKEN'))

# Statuses after which the server did not act on the request, so any request may be sent again.
NOT_APPLIED_STATUSES = frozenset([429])
# Statuses after which a write may or may not have been applied (a gateway gave up, the server broke down).
TRANSIENT_STATUSES = frozenset([429, 502, 503, 504])

# Agent methods that may be repeated without changing the outcome. All others (a toggle, a create)
# are sent once; when their outcome is unclear the caller re-reads and decides.
IDEMPOTENT_METHODS = frozenset([
    'GetEngineStatus', 'GetAllConnections', 'GetConnection', 'GetErpConnectionConfigFields',
    'GetAllConnectors', 'GetConfigurationFields', 'TestConnectionById', 'GetErpSyncConnectionSummary',
    'ChangeEngineInterval', 'DeleteConnection', 'AuthenticateUsernamePassword', 'AuthenticateWithAccessToken',
])

# Options sent as they are in an HTTP header (Authorization: SOTicket / Bearer, SO-AppToken).
HEADER_OPTIONS = ('ticket', 'access_token', 'app_token')
_CONTROL_CHARACTERS = re.compile(r'[\x00-\x1f\x7f]')

MASK = '********'
# urllib3 prefixes socket errors with the connection object: "HTTPConnection(host='x', port=1): " or "<...>: ".
_CONNECTION_REPR = re.compile(r'^(<[^>]*>|\w+Connection\([^)]*\)): ')
USER_AGENT = 'superoffice.crm-ansible-collection'


def webapi_argument_spec(**module_options):
    """The connection options every module takes, plus the module's own options."""
    spec = copy.deepcopy(WEBAPI_ARGUMENT_SPEC)
    spec.update(module_options)
    return spec


class WebAPIError(Exception):
    """Any failure talking to the WebAPI, with a message that is safe to show.

    ``unclear`` is true when a write may or may not have been applied (the answer was lost or the
    server failed mid-way): callers re-read the state before deciding to send anything again.
    """

    def __init__(self, message, status=None, method=None, unclear=False):
        super(WebAPIError, self).__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.unclear = unclear

    def result_fields(self):
        fields = dict(status=self.status, api_method=self.method)
        return dict((k, v) for k, v in fields.items() if v is not None)


def normalize_base_url(url):
    """Return the tenant base URL (no trailing ``/``, ``/api`` or ``/api/v1``), or raise ValueError."""
    parts = urlsplit((url or '').strip())
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise ValueError("url must be the tenant's address starting with https:// (or http://), "
                         "for example https://online2.superoffice.com/Cust12345 or https://crm.example.com/SuperOffice")
    if parts.username or parts.password:
        raise ValueError('url must not contain credentials; use the username/password, ticket or access_token options')
    if parts.query or parts.fragment:
        raise ValueError('url must not contain a query string or fragment')
    path = parts.path.rstrip('/')
    for suffix in ('/api/v1', '/api'):
        if path.lower().endswith(suffix):
            path = path[:-len(suffix)]
            break
    return urlunsplit((parts.scheme, parts.netloc, path, '', ''))


def retry_after_seconds(value, now=None):
    """Seconds to wait from a Retry-After header value (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class WebAPIClient(object):
    """A keep-alive session to one tenant's WebAPI, authenticated once, used for a whole module run."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        if not HAS_REQUESTS:
            module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self.request_count = 0
        self._secrets = []
        self._check_numbers()
        try:
            self._credential()
            self._secrets = [self.params[name] for name in SECRET_OPTIONS if self.params.get(name)]
            self._check_plain_options()
            # SuperOffice Online: discovery (context_identifier) and/or system-user authentication; None otherwise.
            self.online = online_tenant(module, self.credential, self._secrets, USER_AGENT)
            self.base_url = normalize_base_url(self.online.discover() if self.online and self.online.discovers else self.params.get('url'))
            self.auth_scheme, authorization = self._authorization()
        except (ValueError, OnlineError) as e:
            module.fail_json(msg=str(e))
        self.session = requests.Session()
        self.session.headers.update({
            'Authorization': authorization,
            'Accept': 'application/json',
            'User-Agent': USER_AGENT,
        })
        if self.params.get('app_token'):
            self.session.headers['SO-AppToken'] = self.params['app_token']
        self.session.verify = (self.params.get('ca_path') or True) if self.params['validate_certs'] else False
        if self.params.get('api') == 'soap':
            from ansible_collections.superoffice.crm.plugins.module_utils._soap import SoapTransport
            # SOAP carries the credentials in the envelope (a password or access token is exchanged for a ticket).
            self.transport = SoapTransport(self, authorization)
            self.session.headers.pop('Authorization')
            self.session.headers.pop('SO-AppToken', None)
        else:
            self.transport = RestTransport(self)

    def _credential(self):
        """Settle on exactly one credential: the options given, else the environment variables."""
        given = [name for name, dummy in CREDENTIAL_OPTIONS if self.params.get(name)]
        source = 'options'
        if not given:
            source = 'environment variables'
            for name, variable in CREDENTIAL_OPTIONS:
                value = os.environ.get(variable)
                if value:
                    self.params[name] = value
                    self.module.no_log_values.add(value)
                    given.append(name)
        if len(given) != 1:
            names = ', '.join(given) if source == 'options' else ', '.join(v for n, v in CREDENTIAL_OPTIONS if n in given)
            raise ValueError(
                'Give exactly one credential: password (with username, for Basic auth on-site), ticket (SOTicket), '
                'access_token (Bearer) or system_user_token (SuperOffice Online, with app_token and private_key), as an option or, '
                'when no credential option is given, as the environment variable SUPEROFFICE_PASSWORD, SUPEROFFICE_TICKET, '
                'SUPEROFFICE_ACCESS_TOKEN or SUPEROFFICE_SYSTEM_USER_TOKEN. Found %s: %s.' % (
                    source if given else 'neither', names or 'none'))
        self.credential = given[0]

    def _authorization(self):
        if self.credential == 'password':
            if not self.params.get('username'):
                raise ValueError('password needs username (or SUPEROFFICE_USERNAME) for Basic authentication')
            pair = to_bytes('%s:%s' % (self.params['username'], self.params['password']), errors='surrogate_or_strict')
            return 'Basic', 'Basic ' + to_text(base64.b64encode(pair))
        if self.credential == 'ticket':
            return 'SOTicket', 'SOTicket %s' % self.params['ticket']
        if self.credential == 'system_user_token':
            # Signed, exchanged and verified once per module run (a system user ticket lasts 6 hours).
            return 'SOTicket', 'SOTicket %s' % self.online.system_user_ticket()
        return 'Bearer', 'Bearer %s' % self.params['access_token']

    def _check_plain_options(self):
        """Refuse, before any request, values that requests would reject at send time (with a traceback)."""
        for name in HEADER_OPTIONS:
            value = self.params.get(name)
            if value and _CONTROL_CHARACTERS.search(value):
                # Never show the value: it is a secret.
                raise ValueError('%s contains a line break or another control character; give the %s on one line, '
                                 'without surrounding quotes or newlines' % (name, name.replace('_', ' ')))
        ca_path = self.params.get('ca_path')
        if ca_path and self.params['validate_certs'] and not os.path.exists(ca_path):
            raise ValueError('ca_path %s does not exist: give the PEM CA bundle file (or a directory of hashed CA certificates) '
                             'that verifies the server' % ca_path)

    def _check_numbers(self):
        for name, low in (('timeout', 0.001), ('retries', 0), ('retry_max_wait', 0)):
            if self.params[name] < low:
                self.module.fail_json(msg='%s must be %s, got %s' % (
                    name, 'greater than 0' if name == 'timeout' else '0 or more', self.params[name]))

    def scrub(self, text):
        """Replace every secret this client knows with a mask (defence in depth behind no_log)."""
        text = '%s' % (text,)
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    def call(self, method, body=None):
        """POST one ErpSync agent method and return its decoded JSON answer (None for ``null`` or no content).

        Transient failures are retried with backoff; for writes that are not idempotent only when the
        server certainly did not act (429 or no connection made). Raises WebAPIError otherwise.
        """
        repeatable = method in IDEMPOTENT_METHODS
        delays = generate_jittered_backoff(retries=self.params['retries'], delay_base=1,
                                           delay_threshold=max(1, int(self.params['retry_max_wait'])))
        attempt = 0
        rediscovered = False
        while True:
            attempt += 1
            failure, answer = self._attempt(method, body, repeatable)
            if failure is None:
                return answer
            if failure.status == 421 and self.online and self.online.discovers and not rediscovered:
                # The tenant moved to another numbered host; 421 means nothing was done, so any request may be repeated.
                rediscovered = True
                try:
                    self.base_url = normalize_base_url(self.online.discover())
                except (ValueError, OnlineError) as e:
                    raise WebAPIError('ErpSync %s failed: HTTP 421 Misdirected Request, and looking the tenant address up again failed: %s' % (
                        method, e), status=421, method=method)
                continue
            retry_in = next(delays, None)
            if not failure.retryable or retry_in is None:
                if failure.in_flight:
                    self._settle(method)
                raise failure.to_webapi_error()
            if failure.retry_after is not None:
                retry_in = failure.retry_after
            retry_in = min(retry_in, self.params['retry_max_wait'])
            self.module.warn('%s: %s; retrying in %.1f s (retry %d of %d)' % (
                method, failure.reason, retry_in, attempt, self.params['retries']))
            time.sleep(retry_in)

    def _settle(self, method):
        """A write that timed out may still be running on the server: give it time to end before the caller re-reads.

        Otherwise the re-read can come before the late write lands, and the caller would send it again (a second
        flip, a second connection). The wait is ``timeout`` once more, at most ``retry_max_wait``.
        """
        wait = min(self.params['timeout'], self.params['retry_max_wait'])
        if wait > 0:
            self.module.warn('%s: no answer within %s s, so the request may still be running on the server; waiting %.1f s '
                             'before the state is read again' % (method, self.params['timeout'], wait))
            time.sleep(wait)

    def _attempt(self, method, body, repeatable):
        """One request. Returns (None, answer) on success, or (_Failure, None)."""
        self.request_count += 1
        try:
            response = self.transport.send(method, body)
        except requests.exceptions.SSLError as e:
            return _Failure(method, self.scrub(
                'TLS verification of %s failed (%s). Give the CA bundle of your private PKI in ca_path, '
                'or set validate_certs to false on a trusted test system only' % (self.base_url, root_cause(e)))), None
        except requests.exceptions.ConnectTimeout:
            return _Failure(method, 'connecting to %s timed out' % self.base_url, retryable=True), None
        except requests.exceptions.Timeout:
            # The request was sent: a write may have been applied, or may still be running on the server.
            return _Failure(method, 'no answer from %s within %s s (timeout)' % (self.base_url, self.params['timeout']),
                            retryable=repeatable, unclear=not repeatable, in_flight=not repeatable), None
        except requests.exceptions.ConnectionError as e:
            # A connection that was never made carried no request, so even a toggle may be sent again.
            safe = repeatable or _never_connected(e)
            return _Failure(method, 'connection to %s failed: %s' % (self.base_url, self.scrub(root_cause(e))),
                            retryable=safe, unclear=not safe), None
        return self._decode(method, response, repeatable)

    def _decode(self, method, response, repeatable):
        status = response.status_code
        answer = self.transport.parse(response)
        if status in TRANSIENT_STATUSES:
            safe = repeatable or status in NOT_APPLIED_STATUSES
            return _Failure(method, 'HTTP %d%s' % (status, self._detail(answer, response)), status=status,
                            retryable=safe, unclear=not safe,
                            retry_after=retry_after_seconds(response.headers.get('Retry-After'))), None
        if 300 <= status < 400:
            return _Failure(method, 'HTTP %d redirect to %s: set url to the address the WebAPI is served from' % (
                status, self.scrub(response.headers.get('Location') or 'an unnamed location')), status=status), None
        if status >= 400:
            return _Failure(method, self._status_message(status, answer, response), status=status,
                            unclear=status >= 500 and not repeatable), None
        if answer.refused:
            # Agents answer 200 with an "internal error object" for invalid requests.
            return _Failure(method, 'the WebAPI refused the request: %s' % self.scrub(answer.error_text), status=status), None
        if status == 204 or not response.content:
            return None, None
        if not answer.structured:
            return _Failure(method, 'HTTP %d answered %s instead of %s: a proxy, firewall or login page may be in the way '
                            'of %s' % (status, _content_type(response), self.transport.format_name, self.base_url), status=status), None
        return None, answer.data

    def _detail(self, answer, response):
        if answer.error_text:
            return ': ' + self.scrub(answer.error_text)
        if not answer.structured and 'html' in _content_type(response):
            # A proxy's or gateway's error page, or a single sign-on login page: say so, whatever the status.
            return ' with an HTML page instead of %s (a proxy, firewall or login page may be in the way)' % self.transport.format_name
        if not answer.structured and response.content and 'html' not in _content_type(response):
            return ': ' + self.scrub(response.text.strip()[:300])
        return ''

    def _status_message(self, status, answer, response):
        detail = self._detail(answer, response)
        if status == 401:
            hint = {
                'Basic': 'check username and password; Basic authentication only works on-site with AuthorizeWithUsername enabled',
                'SOTicket': 'check ticket (tickets expire after 6 hours); SuperOffice Online also requires app_token (SO-AppToken) with a ticket',
                'Bearer': 'check access_token (access tokens expire after about an hour)',
            }[self.auth_scheme]
            if self.auth_scheme == 'SOTicket' and not self.params.get('app_token'):
                hint += ', and no app_token was given'
            return 'HTTP 401 Unauthorized%s: authentication with %s failed: %s' % (detail, self.auth_scheme, hint)
        if status == 403:
            return ('HTTP 403 Forbidden%s: the user may not use the ErpSync agent. On SuperOffice Online the ErpSync agent is '
                    '"Online Restricted" and must be granted to the app when it is registered' % detail)
        if status == 404:
            return ('HTTP 404 Not Found%s: check url (the tenant base, e.g. https://online2.superoffice.com/Cust12345 or '
                    'https://crm.example.com/SuperOffice); this server may also lack the ErpSync REST agent' % detail)
        if status == 421 and self.online and self.online.discovers:
            return ('HTTP 421 Misdirected Request%s: the tenant still answered from another host after its address was looked up '
                    'again at %s/api/state/%s' % (detail, self.online.base, self.online.context_identifier))
        if status == 421:
            return ('HTTP 421 Misdirected Request%s: the tenant is served from another host now. Look up its current '
                    'address (https://online.superoffice.com/api/state/<ContextId>, field Api) and update url' % detail)
        return 'HTTP %d%s' % (status, detail)


class Answer(object):
    """A decoded response body: ``data`` (JSON-like), whether it was in the transport's format, and the API's own
    error text when the body carries one (``refused``: an error although the HTTP status says success)."""

    def __init__(self, data=None, structured=False, error_text=None, refused=False):
        self.data = data
        self.structured = structured
        self.error_text = error_text
        self.refused = refused


class RestTransport(object):
    """ErpSync over the REST WebAPI: POST {base}/api/v1/Agents/ErpSync/{Method} with a JSON body."""

    format_name = 'JSON'

    def __init__(self, client):
        self.client = client

    def send(self, method, body):
        # Redirects are not followed: requests would turn the POST into a GET, and on an API a redirect
        # means a wrong url (http to https) or a login page.
        return self.client.session.post(self.client.base_url + '/api/v1/Agents/ErpSync/' + method,
                                        json=body if body is not None else {},
                                        timeout=self.client.params['timeout'], allow_redirects=False)

    @staticmethod
    def parse(response):
        try:
            data = response.json()
        except ValueError:
            return Answer()
        texts = []
        if isinstance(data, dict):
            texts = ['%s' % data[k] for k in ('ErrorMessage', 'Message', 'MessageDetail', 'ExceptionMessage') if data.get(k)]
        # The agents' "internal error object" has Message but none of the carriers' own fields.
        refused = isinstance(data, dict) and 'Message' in data and 'ErpConnectionId' not in data and 'IsRunning' not in data
        return Answer(data, True, ' - '.join(texts) or None, refused)


class _Failure(object):
    """One failed attempt: whether to retry, and the error to raise if not."""

    def __init__(self, method, reason, status=None, retryable=False, unclear=False, retry_after=None, in_flight=False):
        self.method = method
        self.reason = reason
        self.status = status
        self.retryable = retryable
        self.unclear = unclear
        self.retry_after = retry_after
        self.in_flight = in_flight  # no answer in time: the server may still be working on it

    def to_webapi_error(self):
        message = 'ErpSync %s failed: %s' % (self.method, self.reason)
        if self.unclear:
            message += '. The request may or may not have been applied'
        return WebAPIError(message, status=self.status, method=self.method, unclear=self.unclear)


def _content_type(response):
    return (response.headers.get('Content-Type') or 'no content type').split(';')[0].strip()


def _causes(error):
    """The chain of a requests exception down to the socket error: requests wraps urllib3, which wraps OSError."""
    seen = []
    while isinstance(error, BaseException) and error not in seen:
        seen.append(error)
        inner = getattr(error, 'reason', None)
        if not isinstance(inner, BaseException):
            inner = error.args[-1] if error.args and isinstance(error.args[-1], BaseException) else None
        error = inner
    return seen


def _never_connected(error):
    return any(isinstance(e, (NewConnectionError, ConnectTimeoutError)) for e in _causes(error))


def root_cause(error):
    """The innermost reason, without urllib3's object reprs and URL repetition."""
    return _CONNECTION_REPR.sub('', '%s' % (_causes(error)[-1],))


def fail_on_error(module, error, **result):
    """End the module run with a WebAPIError's safe message and what the caller already did (``result``)."""
    result.update(error.result_fields())
    module.fail_json(msg=error.message, **result)
