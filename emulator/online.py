# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""SuperOffice Online around the tenants: tenant state, signing keys, the system-user exchange and moved hosts.

The emulator root stands for ``https://{env}.superoffice.com``:

* ``GET /api/state/{ContextId}`` (no auth): ``ContextIdentifier``, ``Endpoint``, ``State`` (as the data file gives it,
  a name or a number), ``IsRunning``, ``ValidUntil``, ``Api`` (``http://{host}:{port}/{Tenant}/api``), ``Version``.
* ``GET /login/.well-known/jwks``: the emulator's RSA signing key (generated once per process, on first use).
* ``POST /Login/api/PartnerSystemUser/Authenticate``: checks the app token, the system user token, its signature
  (with the system user's public key from the data file) and its time stamp (at most 5 minutes off), then issues a
  ticket the tenant accepts, inside an RS256 JWT. Refusals are 200 ``{"IsSuccessful": false, "ErrorMessage": ...}``.

Without the Python package ``cryptography`` the emulator still starts; only the last two endpoints answer 501.

A moved tenant (admin ``POST /_emulator/tenants/{T}/move``) answers every request whose ``Host`` is not its current
host with 421 ``Wrong subdomain used to access tenant``.

No module here imports ``server`` or ``store`` (they import this one): answers are ``(status, body, content_type)``.
"""


import base64
import datetime
import hashlib
import hmac
import json
import os
import threading
import time

try:
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    HAS_CRYPTOGRAPHY = True
except ImportError:
    HAS_CRYPTOGRAPHY = False

STATES = {0: 'Unknown', 1: 'Provisioning', 2: 'Running', 3: 'Deleted', 4: 'Suspended', 5: 'OnlineMaintenance',
          6: 'OfflineMaintenance', 8: 'ProvisioningFailed', 10: 'Deleting', 11: 'DeleteFailed', 12: 'MigrationPending'}
RUNNING_STATES = ('Running', 'OnlineMaintenance')
TICKET_CLAIM = 'http://schemes.superoffice.net/identity/ticket'
MAX_SKEW = 300
JWT_LIFETIME = 3600
WRONG_SUBDOMAIN = 'Wrong subdomain used to access tenant'
ADMIN_ROUTES = ('move', 'online')

_JSON = 'application/json; charset=utf-8'
_KEY = {}
_KEY_LOCK = threading.Lock()


def _json(status, payload):
    return status, json.dumps(payload, separators=(',', ':')).encode('utf-8'), _JSON


def _error(status, error_type, message):
    return _json(status, {'Error': True, 'ErrorType': error_type, 'ErrorMessage': message, 'ErrorSource': 'SuperOffice.Online'})


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode('ascii')


def _b64url_int(value):
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, 'big'))


def _known(value, candidates):
    found = False
    for candidate in candidates:
        if hmac.compare_digest(value.encode('utf-8'), candidate.encode('utf-8')):
            found = True
    return found


def state_name(value):
    """A state's name from a name or a number; raises ValueError for anything else."""
    if isinstance(value, int) and not isinstance(value, bool) and value in STATES:
        return STATES[value]
    for name in STATES.values():
        if isinstance(value, str) and value.lower() == name.lower():
            return name
    raise ValueError('state must be one of %s or their numbers, got %r' % (', '.join(STATES.values()), value))


def _system_users(value):
    if not isinstance(value, list):
        raise ValueError('system_users must be a list of {"token", "public_key_pem"[, "ticket"]} objects')
    users = []
    for index, user in enumerate(value):
        if not isinstance(user, dict) or not all(isinstance(user.get(k), str) and user.get(k) for k in ('token', 'public_key_pem')):
            raise ValueError('system_users[%d] needs the strings token and public_key_pem' % index)
        if 'ticket' in user and not (isinstance(user['ticket'], str) and user['ticket']):
            raise ValueError('system_users[%d].ticket must be a non-empty string' % index)
        if HAS_CRYPTOGRAPHY:
            try:
                key = serialization.load_pem_public_key(user['public_key_pem'].encode('utf-8'))
            except (ValueError, UnsupportedAlgorithm):
                raise ValueError('system_users[%d].public_key_pem is not a PEM public key (-----BEGIN PUBLIC KEY-----)' % index)
            if not isinstance(key, rsa.RSAPublicKey):
                raise ValueError('system_users[%d].public_key_pem is not an RSA key' % index)
        users.append({'token': user['token'], 'public_key_pem': user['public_key_pem'], 'ticket': user.get('ticket')})
    return users


def parse_settings(raw):
    """The Online fields of a data-file tenant (``state``, ``system_users``) -> initial state. Raises ValueError."""
    state = raw.get('state', 'Running')
    state_name(state)
    return {'state': state, 'system_users': _system_users(raw.get('system_users') or []),
            'host': None, 'previous_host': None, 'stale_lookups': 0, 'tickets_issued': 0}


def signing_key():
    """(private key, kid) of the emulator's JWT signing key: one per process, generated on first use."""
    with _KEY_LOCK:
        if not _KEY:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            _KEY['key'] = key
            _KEY['kid'] = hashlib.sha256(str(key.public_key().public_numbers().n).encode('ascii')).hexdigest()[:16]
        return _KEY['key'], _KEY['kid']


def _host_name(host_header, default):
    """The host name of a Host header value, without the port (IPv6 keeps its brackets)."""
    host = (host_header or '').strip() or default
    if host.startswith('['):
        return host[:host.index(']') + 1] if ']' in host else host
    return host.rsplit(':', 1)[0] if host.count(':') == 1 else host


# -- routing (called by server.py) ------------------------------------------------------------------


def route(segments):
    """Which Online endpoint a path is: 'state', 'jwks', 'authenticate', or None."""
    low = [s.lower() for s in segments]
    if len(low) == 3 and low[:2] == ['api', 'state']:
        return 'state'
    if low == ['login', '.well-known', 'jwks']:
        return 'jwks'
    if low == ['login', 'api', 'partnersystemuser', 'authenticate']:
        return 'authenticate'
    return None


def misdirected(handler, tenant):
    """421 when the tenant moved and the request's Host is not its current host, else None."""
    settings = tenant.state.get('online_auth')
    if not settings or not settings['host']:
        return None
    if _host_name(handler.headers.get('Host'), '').lower() == settings['host'].lower():
        return None
    return 421, WRONG_SUBDOMAIN.encode('utf-8'), 'text/plain; charset=utf-8'


def handle(handler, exchange, endpoint, segments, body, body_error):
    """Answer one Online endpoint (see route()); fills the request log entry ``exchange``."""
    if endpoint == 'state':
        return _state(handler, exchange, segments[2])
    verb = 'GET' if endpoint == 'jwks' else 'POST'
    if handler.command != verb:
        return _error(405, 'HttpException', 'Use %s on this URL.' % verb)
    if not HAS_CRYPTOGRAPHY:
        return _error(501, 'NotImplemented', 'The emulator needs the Python package cryptography for the signing keys and the system-user '
                                             'exchange; install it for the Python that runs the emulator (pip install cryptography).')
    if endpoint == 'jwks':
        key, kid = signing_key()
        numbers = key.public_key().public_numbers()
        return _json(200, {'keys': [{'kty': 'RSA', 'use': 'sig', 'alg': 'RS256', 'kid': kid, 'n': _b64url_int(numbers.n),
                                     'e': _b64url_int(numbers.e)}]})
    return _authenticate(handler, exchange, body, body_error)


def _state(handler, exchange, context_id):
    exchange.tenant_name = context_id
    if handler.command != 'GET':
        return _error(405, 'HttpException', 'Use GET on the state URL.')
    tenant = handler.server.store.get(context_id)
    if tenant is None or not tenant.online:
        return _error(404, 'SoNotFoundException', 'Unknown tenant %s.' % context_id)
    exchange.tenant = tenant
    with tenant.lock:
        settings = tenant.state['online_auth']
        host = settings['host'] or _host_name(handler.headers.get('Host'), handler.server.server_address[0])
        if settings['stale_lookups'] > 0:
            # A lookup served from a stale cache: still the host the tenant left.
            settings['stale_lookups'] -= 1
            host = settings['previous_host'] or host
        state = settings['state']
    base = 'http://%s:%d/%s' % (host, handler.server.server_address[1], tenant.key)
    valid_until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5)
    return _json(200, {'ContextIdentifier': tenant.key, 'Endpoint': base, 'State': state, 'IsRunning': state_name(state) in RUNNING_STATES,
                       'ValidUntil': valid_until.strftime('%Y-%m-%dT%H:%M:%SZ'), 'Api': base + '/api', 'Version': tenant.version.get('Version')})


def _field(body, name):
    for key, value in body.items():
        if key.lower() == name.lower():
            return value
    return None


def _authenticate(handler, exchange, body, body_error):
    if body_error or not isinstance(body, dict):
        return _json(400, {'Message': 'The request is invalid.', 'MessageDetail': body_error or 'The body must be a JSON object.'})
    signed, app_token, context_id = [_field(body, name) for name in ('SignedSystemToken', 'ApplicationToken', 'ContextIdentifier')]
    exchange.body = dict((k, '********' if k.lower() in ('signedsystemtoken', 'applicationtoken') and v else v) for k, v in body.items())
    exchange.tenant_name = context_id if isinstance(context_id, str) else None
    tenant = handler.server.store.get(context_id) if isinstance(context_id, str) else None
    if tenant is None or not tenant.online:
        return _refuse('Unknown context identifier.')
    exchange.tenant = tenant
    if not isinstance(app_token, str) or not _known(app_token, tenant.credentials['app_tokens']):
        return _refuse('The application token is not valid.')
    if '%s' % (_field(body, 'ReturnTokenType') or '').upper() != 'JWT':
        return _refuse('ReturnTokenType must be JWT (the emulator issues JWTs only).')
    parts = signed.rsplit('.', 2) if isinstance(signed, str) else []
    if len(parts) != 3:
        return _refuse('The signed system token is malformed: expected token.yyyyMMddHHmm.signature.')
    token, stamp, signature = parts
    settings = tenant.state['online_auth']
    users = [u for u in settings['system_users'] if _known(token, [u['token']])]
    if not users:
        return _refuse('The system user token is not known for this tenant.')
    user = users[0]
    try:
        public_key = serialization.load_pem_public_key(user['public_key_pem'].encode('utf-8'))
        public_key.verify(base64.b64decode(signature.encode('ascii'), validate=True), ('%s.%s' % (token, stamp)).encode('utf-8'),
                          padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError):
        return _refuse('The signature of the system user token is not valid for this application.')
    try:
        signed_at = datetime.datetime.strptime(stamp, '%Y%m%d%H%M').replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return _refuse('The time stamp of the signed system token is not yyyyMMddHHmm.')
    if abs((datetime.datetime.now(datetime.timezone.utc) - signed_at).total_seconds()) > MAX_SKEW:
        return _refuse('The signed system token has expired: its time stamp is more than 5 minutes away from the server time.')
    if state_name(settings['state']) not in RUNNING_STATES:
        return _refuse('The tenant is not running (%s).' % state_name(settings['state']))
    ticket = user['ticket'] or '7T:' + base64.b64encode(os.urandom(30)).decode('ascii')
    with tenant.lock:
        if ticket not in tenant.credentials['tickets']:
            tenant.credentials['tickets'].append(ticket)
        settings['tickets_issued'] += 1
    return _json(200, {'IsSuccessful': True, 'Token': _jwt(handler, tenant, ticket), 'ErrorMessage': ''})


def _refuse(message):
    return _json(200, {'IsSuccessful': False, 'Token': None, 'ErrorMessage': message})


def _jwt(handler, tenant, ticket):
    key, kid = signing_key()
    now = int(time.time())
    origin = 'http://%s' % (handler.headers.get('Host') or '%s:%d' % handler.server.server_address[:2])
    claims = {'iss': origin, 'aud': 'emulator-serial-%s' % tenant.key, 'iat': now, 'nbf': now, 'exp': now + JWT_LIFETIME,
              TICKET_CLAIM: ticket, 'http://schemes.superoffice.net/identity/ctx': tenant.key,
              'http://schemes.superoffice.net/identity/webapi_url': '%s/%s/api/' % (origin, tenant.key)}
    head = _b64url(json.dumps({'alg': 'RS256', 'typ': 'JWT', 'kid': kid}).encode('utf-8'))
    payload = _b64url(json.dumps(claims).encode('utf-8'))
    signature = key.sign(('%s.%s' % (head, payload)).encode('ascii'), padding.PKCS1v15(), hashes.SHA256())
    return '%s.%s.%s' % (head, payload, _b64url(signature))


# -- admin (called by admin.py) ---------------------------------------------------------------------


def admin(server, tenant, verb, name, body):
    """``POST /_emulator/tenants/{T}/move`` and ``GET|PUT /_emulator/tenants/{T}/online``; returns (status, payload)."""
    if not tenant.online:
        return 400, {'error': 'tenant %s is not an Online tenant' % tenant.key}
    body = body or {}
    if not isinstance(body, dict):
        return 400, {'error': 'the body must be a JSON object'}
    settings = tenant.state['online_auth']
    try:
        if (verb, name) == ('POST', 'move'):
            with tenant.lock:
                _move(server, settings, body)
        elif (verb, name) == ('PUT', 'online'):
            unknown = set(body) - {'state', 'system_users', 'host'}
            if unknown:
                raise ValueError('unknown Online settings: %s' % ', '.join(sorted(unknown)))
            if 'state' in body:
                state_name(body['state'])
            users = _system_users(body['system_users']) if 'system_users' in body else None
            with tenant.lock:
                settings['state'] = body.get('state', settings['state'])
                settings['system_users'] = settings['system_users'] if users is None else users
                if 'host' in body:
                    settings['host'] = body['host'] or None
        elif (verb, name) != ('GET', 'online'):
            return 404, {'error': 'no admin route %s /_emulator/tenants/%s/%s' % (verb, tenant.key, name)}
    except ValueError as exc:
        return 400, {'error': str(exc)}
    with tenant.lock:
        return 200, {'tenant': tenant.key, 'state': settings['state'], 'is_running': state_name(settings['state']) in RUNNING_STATES,
                     'host': settings['host'], 'previous_host': settings['previous_host'], 'stale_lookups': settings['stale_lookups'],
                     'system_users': len(settings['system_users']), 'tickets_issued': settings['tickets_issued']}


def _move(server, settings, body):
    host = body.get('host')
    stale = body.get('stale_lookups', 0)
    if host is not None and (not isinstance(host, str) or not host.strip() or '/' in host or ':' in host.strip('[]')):
        raise ValueError('host must be a host name without port, for example localhost')
    if isinstance(stale, bool) or not isinstance(stale, int) or stale < 0:
        raise ValueError('stale_lookups must be a non-negative integer')
    current = settings['host'] or server.server_address[0]
    settings['previous_host'] = current
    settings['host'] = host or ('localhost' if current != 'localhost' else '127.0.0.1')
    settings['stale_lookups'] = stale
