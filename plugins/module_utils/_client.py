# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one HTTP client of superoffice.crm: authentication, transport (REST here, SOAP in _soap.py), retries, and the
answer checks (null, error objects, wrong shapes; see _shapes.py) that every ErpSync call passes before a module sees it.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import base64
import email.utils
import re
import threading
import time
import traceback
import warnings
from urllib.parse import quote, urlsplit, urlunsplit

from ansible.module_utils.api import generate_jittered_backoff
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.superoffice.crm.plugins.module_utils._base import Answer, Outcome, Secrets, WebAPIError, causes, root_cause
from ansible_collections.superoffice.crm.plugins.module_utils._online import OnlineError, online_tenant
from ansible_collections.superoffice.crm.plugins.module_utils._options import (
    SECRET_OPTIONS, check_plain_options, choose_credential, number_problem)
from ansible_collections.superoffice.crm.plugins.module_utils._shapes import ERROR_TEXT_KEYS, error_object_text, shape_problem
from ansible_collections.superoffice.crm.plugins.module_utils._soap import SoapTransport

try:
    import requests
    from urllib3.exceptions import ConnectTimeoutError, InsecureRequestWarning, NewConnectionError
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()


# Statuses after which the server did not act on the request, so any request may be sent again.
NOT_APPLIED_STATUSES = frozenset([429])
# Statuses after which a write may or may not have been applied (a gateway gave up, the server broke down).
TRANSIENT_STATUSES = frozenset([429, 502, 503, 504])
# A gateway timeout: the server behind it may still be working on the request.
IN_FLIGHT_STATUSES = frozenset([504])

USER_AGENT = 'superoffice.crm-ansible-collection'


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
    if re.match(r'^[0-9]+$', value, re.ASCII):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class WebAPIClient:
    """A keep-alive session to one tenant's WebAPI (one per thread), authenticated once, used for a whole module run."""

    def __init__(self, module, secrets=None):
        self.module = module
        self.params = module.params
        if not HAS_REQUESTS:
            module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self.secrets = secrets or Secrets(module)
        self.request_count = 0
        self._count_lock = threading.Lock()
        self._pause_until = 0.0
        self._local = threading.local()
        problem = number_problem(self.params)
        if problem:
            module.fail_json(msg=problem)
        try:
            self.credential = choose_credential(self.params, self.secrets)
            for name in SECRET_OPTIONS:
                self.secrets.add(self.params.get(name))
            check_plain_options(self.params)
            self.verify = (self.params.get('ca_path') or True) if self.params['validate_certs'] else False
            # SuperOffice Online: discovery (context_identifier) and/or system-user authentication; None otherwise.
            self.online = online_tenant(module, self.credential, self.secrets, USER_AGENT, self.verify)
            self.base_url = normalize_base_url(self.online.discover() if self.online and self.online.discovers else self.params.get('url'))
            self.auth_scheme, authorization = self._authorization()
        except (ValueError, OnlineError) as e:
            module.fail_json(msg=str(e))
        if not self.params['validate_certs']:
            module.warn('validate_certs is false: the TLS certificate of %s is not verified. Use this only on a trusted test '
                        'system; give ca_path for a private certificate authority' % self.base_url)
            warnings.simplefilter('ignore', InsecureRequestWarning)
        self.headers = {'Authorization': authorization, 'Accept': 'application/json', 'User-Agent': USER_AGENT}
        if self.params.get('app_token'):
            self.headers['SO-AppToken'] = self.params['app_token']
        if self.params.get('api') == 'soap':
            # SOAP carries the credentials in the envelope (a password or access token is exchanged for a ticket).
            self.transport = SoapTransport(self, authorization)
            self.headers.pop('Authorization')
            self.headers.pop('SO-AppToken', None)
        else:
            self.transport = RestTransport(self)

    @property
    def session(self):
        """This thread's keep-alive session (requests sessions are not meant to be shared between threads)."""
        session = getattr(self._local, 'session', None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers.update(self.headers)
        return session

    def _authorization(self):
        if self.credential == 'password':
            if not self.params.get('username'):
                raise ValueError('password needs username (or SUPEROFFICE_USERNAME) for Basic authentication')
            self.secrets.add_basic(self.params['username'], self.params['password'])
            pair = ('%s:%s' % (self.params['username'], self.params['password'])).encode('utf-8')
            return 'Basic', 'Basic ' + base64.b64encode(pair).decode('ascii')
        if self.credential == 'ticket':
            return 'SOTicket', 'SOTicket %s' % self.params['ticket']
        if self.credential == 'system_user_token':
            # Signed, exchanged and verified once per module run (a system user ticket lasts 6 hours).
            return 'SOTicket', 'SOTicket %s' % self.online.system_user_ticket()
        return 'Bearer', 'Bearer %s' % self.params['access_token']

    def scrub(self, text):
        """Replace every secret of the run with a mask (defence in depth behind no_log)."""
        return self.secrets.mask(text)

    # -- requests ---------------------------------------------------------------------------------------------

    def call(self, method, body=None, query=None, expect=None, null_ok=False, *, repeatable):
        """POST one ErpSync agent method and return its answer, checked against ``expect``.

        ``expect`` is the answer's shape (see _shapes.shape_problem); None for a method without an answer. A ``null`` answer
        is an error unless ``null_ok`` (agents answer null when they fail). ``repeatable``: sending the request twice has
        the effect of sending it once (reads, setters, whole-object saves; _agent.py declares it per method). Transient
        failures are retried with backoff; a request that is not repeatable only when the server certainly did not act
        (429, no connection made). Raises WebAPIError otherwise, with the request's Outcome.
        """
        answer = self._send(method, body, query, repeatable)
        if answer is None:
            if expect is None or null_ok:
                return None
            raise WebAPIError('ErpSync %s answered null, which agents answer when a call fails (for example for missing rights '
                              'or an unknown id); nothing was changed because of it' % method, method=method)
        refusal = error_object_text(answer, expect)
        if refusal:
            raise WebAPIError('ErpSync %s failed: the WebAPI refused the request: %s' % (method, self.secrets.cut(refusal)), method=method)
        if expect is not None:
            problem = shape_problem(answer, expect)
            if problem:
                raise WebAPIError('ErpSync %s answered something this collection cannot use: %s. Nothing was changed because of '
                                  'it; a proxy may be rewriting answers, or the server is newer or older than expected'
                                  % (method, self.secrets.cut(problem)), method=method)
        return answer

    def _send(self, method, body, query, repeatable):
        delays = generate_jittered_backoff(retries=self.params['retries'], delay_base=1,
                                           delay_threshold=max(1, int(self.params['retry_max_wait'])))
        attempt = 0
        rediscovered = False
        while True:
            attempt += 1
            self._wait_for_pause()
            failure, answer = self._attempt(method, body, query, repeatable)
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
            if failure.retry_after is not None:
                failure.retry_after = min(failure.retry_after, self.params['retry_max_wait'])
            if not failure.retryable(repeatable) or retry_in is None:
                raise failure.to_webapi_error(repeatable)
            if failure.retry_after is not None:
                retry_in = failure.retry_after
            retry_in = min(retry_in, self.params['retry_max_wait'])
            self.module.warn('%s: %s; retrying in %.1f s (retry %d of %d)' % (
                method, failure.reason, retry_in, attempt, self.params['retries']))
            if failure.status == 429:
                # Every thread of this run waits (in _wait_for_pause): the server asked the client, not this one request,
                # to slow down.
                with self._count_lock:
                    self._pause_until = max(self._pause_until, time.monotonic() + retry_in)
            else:
                time.sleep(retry_in)

    def _wait_for_pause(self):
        wait = self._pause_until - time.monotonic()
        if wait > 0:
            time.sleep(round(wait, 3))

    def _attempt(self, method, body, query, repeatable):
        """One request. Returns (None, answer) on success, or (_Failure, None)."""
        with self._count_lock:
            self.request_count += 1
        try:
            response = self.transport.send(method, body, query)
        except requests.exceptions.SSLError as e:
            return _Failure(method, self.scrub(
                'TLS verification of %s failed (%s). Give the CA bundle of your private PKI in ca_path, '
                'or set validate_certs to false on a trusted test system only' % (self.base_url, root_cause(e)))), None
        except requests.exceptions.ConnectTimeout:
            return _Failure(method, 'connecting to %s timed out' % self.base_url, Outcome.NOT_APPLIED, transient=True), None
        except requests.exceptions.Timeout:
            # The request was sent: a write may have been applied, or may still be running on the server.
            return _Failure(method, 'no answer from %s within %s s (timeout)' % (self.base_url, self.params['timeout']),
                            Outcome.IN_FLIGHT, transient=True), None
        except requests.exceptions.ConnectionError as e:
            # A connection that was never made carried no request, so even a toggle may be sent again.
            return _Failure(method, 'connection to %s failed: %s' % (self.base_url, self.scrub(root_cause(e))),
                            Outcome.NOT_APPLIED if _never_connected(e) else Outcome.UNCLEAR, transient=True), None
        return self._decode(method, response)

    def _decode(self, method, response):
        status = response.status_code
        answer = self.transport.parse(response, method)
        if status in TRANSIENT_STATUSES:
            outcome = Outcome.NOT_APPLIED if status in NOT_APPLIED_STATUSES else (
                Outcome.IN_FLIGHT if status in IN_FLIGHT_STATUSES else Outcome.UNCLEAR)
            return _Failure(method, 'HTTP %d%s' % (status, self._detail(answer, response)), outcome, status=status, transient=True,
                            retry_after=retry_after_seconds(response.headers.get('Retry-After'))), None
        if 300 <= status < 400:
            return _Failure(method, 'HTTP %d redirect to %s: set url to the address the WebAPI is served from' % (
                status, self.secrets.cut(response.headers.get('Location') or 'an unnamed location')), status=status), None
        if status >= 400:
            return _Failure(method, self._status_message(status, answer, response),
                            Outcome.UNCLEAR if status >= 500 else Outcome.FAILED, status=status), None
        if answer.refused:
            # Agents answer 200 with an "internal error object" for invalid requests; SOAP answers a fault.
            return _Failure(method, 'the WebAPI refused the request: %s' % self.secrets.cut(answer.error_text), status=status), None
        if status == 204 or not response.content:
            return None, None
        if not answer.structured and 'html' in _content_type(response):
            return _Failure(method, 'HTTP %d answered %s instead of %s: a proxy, firewall or login page may be in the way '
                            'of %s' % (status, _content_type(response), self.transport.format_name, self.base_url), status=status), None
        if not answer.structured:
            # Cut short or garbled on the way back: the server may have applied the write, so it is settled by reading, as
            # after a 5xx (a read is simply not used).
            return _Failure(method, 'HTTP %d answered %s that is not %s (cut short or garbled)' % (
                status, _content_type(response), self.transport.format_name), Outcome.UNCLEAR, status=status), None
        return None, answer.data

    def _detail(self, answer, response):
        if answer.error_text:
            return ': ' + self.secrets.cut(answer.error_text)
        if not answer.structured and 'html' in _content_type(response):
            # A proxy's or gateway's error page, or a single sign-on login page: say so, whatever the status.
            return ' with an HTML page instead of %s (a proxy, firewall or login page may be in the way)' % self.transport.format_name
        if not answer.structured and response.content:
            return ': ' + self.secrets.cut(response.text)
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


class RestTransport:
    """ErpSync over the REST WebAPI: POST {base}/api/v1/Agents/ErpSync/{Method} with a JSON body."""

    format_name = 'JSON'

    def __init__(self, client):
        self.client = client

    def send(self, method, body, query=None):
        client = self.client
        # Redirects are not followed: requests would turn the POST into a GET, and on an API a redirect means a wrong
        # url (http to https) or a login page. verify on every request: requests lets REQUESTS_CA_BUNDLE and
        # CURL_CA_BUNDLE override a session's setting, which would undo validate_certs=false and ca_path.
        if method == 'MDOList':
            # additional is one query parameter; requests encodes the '=' and '&' inside its value (useRank%3Dtrue).
            params = dict(flat='true', additional=query['additional']) if query.get('additional') else dict(flat='true')
            return client.session.get('%s/api/v1/MDOList/%s' % (client.base_url, quote(query['name'], safe='')),
                                      params=params, timeout=client.params['timeout'], verify=client.verify, allow_redirects=False)
        return client.session.post(client.base_url + '/api/v1/Agents/ErpSync/' + method, params=query or None,
                                   json=body if body is not None else {}, timeout=client.params['timeout'],
                                   verify=client.verify, allow_redirects=False)

    @staticmethod
    def parse(response, method):
        del method  # a JSON answer carries its own shape
        try:
            data = response.json()
        except ValueError:
            return Answer()
        texts = ['%s' % data[k] for k in ERROR_TEXT_KEYS if data.get(k) not in (None, '')] if isinstance(data, dict) else []
        return Answer(data, True, ' - '.join(texts) or None)


class _Failure:
    """One failed attempt: what it did on the server (Outcome), whether trying again may help (``transient``), and the
    error to raise when it is not tried again."""

    def __init__(self, method, reason, outcome=Outcome.FAILED, status=None, transient=False, retry_after=None):
        self.method = method
        self.reason = reason
        self.outcome = outcome
        self.status = status
        self.transient = transient
        self.retry_after = retry_after

    def retryable(self, repeatable):
        """Sent again: a transient failure of a request that may be repeated, or that the server certainly did not act on."""
        return self.transient and (repeatable or self.outcome is Outcome.NOT_APPLIED)

    def to_webapi_error(self, repeatable):
        # A repeatable request leaves nothing to settle: sending it again (or not) has the same effect.
        outcome = Outcome.FAILED if repeatable and self.outcome is not Outcome.NOT_APPLIED else self.outcome
        message = 'ErpSync %s failed: %s' % (self.method, self.reason)
        if outcome in (Outcome.UNCLEAR, Outcome.IN_FLIGHT):
            message += '. The request may or may not have been applied'
        return WebAPIError(message, status=self.status, method=self.method, outcome=outcome, retry_after=self.retry_after)


def _content_type(response):
    return (response.headers.get('Content-Type') or 'no content type').split(';')[0].strip()


def _never_connected(error):
    return any(isinstance(e, (NewConnectionError, ConnectTimeoutError)) for e in causes(error))


def fail_on_error(module, error, **result):
    """End the module run with a WebAPIError's safe message and what the caller already did (``result``)."""
    result.update(error.result_fields())
    module.fail_json(msg=error.message, **result)
