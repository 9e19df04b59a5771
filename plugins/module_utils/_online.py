# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""SuperOffice Online: tenant discovery (the state endpoint) and system-user authentication.

Private to this collection (the leading underscore): its interface may change without notice.

* Discovery: ``GET {environment}/api/state/{ContextId}`` (no auth) answers the tenant's state and its API address
  (``Api``, e.g. ``https://online2.superoffice.com/Cust12345/api``).
* System user: sign the system user token with the app's RSA key (``{token}.{UTC yyyyMMddHHmm}.{base64 signature}``),
  exchange it at ``POST {environment}/Login/api/PartnerSystemUser/Authenticate`` for a JWT, verify the JWT against
  ``GET {environment}/login/.well-known/jwks`` and take the ticket from its claims.
"""

import base64
import json
import os
import re
import time
import traceback
from xml.etree import ElementTree

from ansible.module_utils.basic import missing_required_lib
from urllib.parse import quote, urlsplit

from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text

from ansible_collections.superoffice.crm.plugins.module_utils._base import root_cause

try:
    import requests
    HAS_REQUESTS = True
except ImportError:
    HAS_REQUESTS = False

try:
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()

# The un-numbered hosts that serve login and tenant state; "stage" is qaonline (SuperOffice's environment matrix).
ENVIRONMENT_HOSTS = {'sod': 'sod', 'stage': 'qaonline', 'online': 'online'}

TENANT_STATES = {0: 'Unknown', 1: 'Provisioning', 2: 'Running', 3: 'Deleted', 4: 'Suspended', 5: 'OnlineMaintenance',
                 6: 'OfflineMaintenance', 8: 'ProvisioningFailed', 10: 'Deleting', 11: 'DeleteFailed', 12: 'MigrationPending'}
# The states in which the tenant serves its API (IsRunning is true only for these).
RUNNING_STATES = ('Running', 'OnlineMaintenance')

TICKET_CLAIM = 'http://schemes.superoffice.net/identity/ticket'
# Allowed difference between the controller's clock and the JWT's exp.
CLOCK_SKEW = 60

_CONTEXT_ID = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]*$')
_CONTEXT_IN_URL = re.compile(r'^/(cust\d+)(/|$)', re.IGNORECASE)


class OnlineError(Exception):
    """Tenant discovery or system-user authentication failed; the message is safe to show."""


def state_name(value):
    """The tenant state's name from the state endpoint's State (a name or a number), or None."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) or (isinstance(value, str) and value.strip().isdigit()):
        return TENANT_STATES.get(int(value), 'state %s' % int(value))
    for name in TENANT_STATES.values():
        if name.lower() == ('%s' % value).strip().lower():
            return name
    return '%s' % value


def environment_base(params):
    """The environment's login/state host: environment_url, or https://{sod|qaonline|online}.superoffice.com."""
    url = params.get('environment_url')
    if not url:
        return 'https://%s.superoffice.com' % ENVIRONMENT_HOSTS[params.get('environment') or 'online']
    parts = urlsplit(url.strip())
    if parts.scheme not in ('http', 'https') or not parts.hostname or parts.query or parts.fragment or parts.username:
        raise OnlineError('environment_url must be an address like https://online.superoffice.com (http or https, '
                          'no credentials, query or fragment)')
    return url.strip().rstrip('/')


def context_from_url(url):
    """The context identifier in a tenant url's path (https://online2.superoffice.com/Cust12345), or None."""
    match = _CONTEXT_IN_URL.match(urlsplit((url or '').strip()).path)
    return match.group(1) if match else None


def online_tenant(module, credential, secrets, user_agent, verify):
    """An OnlineTenant when tenant discovery or system-user authentication is asked for, else None.

    Checks the address options first: exactly one of url and context_identifier.
    """
    params = module.params
    if params.get('url') is not None and params.get('context_identifier'):
        raise OnlineError('url and context_identifier are mutually exclusive: give url (the tenant address) or context_identifier '
                          '(to look the address up in SuperOffice Online), not both. Each also reads its environment variable '
                          '(SUPEROFFICE_URL, SUPEROFFICE_CONTEXT_IDENTIFIER): unset the one you do not use.')
    if params.get('url') is None and not params.get('context_identifier'):
        raise OnlineError('Give url (or SUPEROFFICE_URL), the tenant address starting with https://, for example '
                          'https://crm.example.com/SuperOffice, or context_identifier (or SUPEROFFICE_CONTEXT_IDENTIFIER), '
                          'for example Cust12345, to look the address of a SuperOffice Online tenant up')
    if not params.get('context_identifier') and credential != 'system_user_token':
        return None
    return OnlineTenant(module, credential, secrets, user_agent, verify)


class OnlineTenant:
    """One SuperOffice Online tenant: finds its API address and logs its system user in (once per module run)."""

    def __init__(self, module, credential, secrets, user_agent, verify):
        self.module = module
        self.params = module.params
        self.secrets = secrets
        self.discovers = bool(self.params.get('context_identifier'))
        self.base = environment_base(self.params)
        self.context_identifier = self.params.get('context_identifier') or context_from_url(self.params.get('url'))
        if self.discovers and not _CONTEXT_ID.match(self.context_identifier):
            raise OnlineError('context_identifier must be the tenant id of a SuperOffice Online customer, for example Cust12345')
        if credential == 'system_user_token':
            if not self.context_identifier:
                raise OnlineError('system_user_token needs the tenant id: give context_identifier (for example Cust12345), '
                                  'or a url whose path starts with it (https://online2.superoffice.com/Cust12345)')
            for name, variable in (('app_token', 'SUPEROFFICE_APP_TOKEN'), ('private_key', 'SUPEROFFICE_PRIVATE_KEY')):
                if not self.params.get(name):
                    raise OnlineError('system_user_token needs %s (or %s): the %s of the app the system user token belongs to' % (
                        name, variable, 'application token (client secret)' if name == 'app_token' else 'RSA private key'))
            if not HAS_CRYPTOGRAPHY:
                self.module.fail_json(msg=missing_required_lib('cryptography'), exception=CRYPTOGRAPHY_IMPORT_ERROR)
            # Loaded now, so a bad key fails before any request (tenant discovery included).
            self.key = self._private_key()
        self.session = requests.Session()
        self.session.headers.update({'Accept': 'application/json', 'User-Agent': user_agent})
        self.verify = verify

    # -- discovery --------------------------------------------------------------------------------

    def discover(self):
        """The tenant's API address from the state endpoint; refuses tenants that are not running."""
        ctx = self.context_identifier
        url = '%s/api/state/%s' % (self.base, quote(ctx))
        unknown = '%s does not know the tenant %s: check context_identifier and environment (or environment_url)' % (self.base, ctx)
        state = self._fetch('tenant discovery', 'GET', url, not_found=unknown)
        name = state_name(state.get('State'))
        running = state.get('IsRunning')
        if name is not None:
            running = running is not False and name in RUNNING_STATES
        if running is not True:
            shown = name or 'not reported'
            if name and state.get('State') is not None and '%s' % state.get('State') != name:
                shown = '%s (%s)' % (name, state.get('State'))
            raise OnlineError('SuperOffice Online tenant %s is not running: its state is %s. Its WebAPI is unavailable until the '
                              'tenant is Running again (only Running and OnlineMaintenance tenants serve the API)' % (ctx, shown))
        api = state.get('Api')
        parts = urlsplit(api.strip()) if isinstance(api, str) else None
        if parts is None or parts.scheme not in ('http', 'https') or not parts.hostname:
            raise OnlineError('tenant discovery: the state of %s at %s has no usable Api address' % (ctx, url))
        return api.strip()

    # -- system user ------------------------------------------------------------------------------

    def system_user_ticket(self):
        """Sign the system user token, exchange it for a JWT, verify the JWT and return its ticket."""
        signed = sign_system_user_token(self.params['system_user_token'], self.key)
        self._secret(signed)
        url = self.base + '/Login/api/PartnerSystemUser/Authenticate'
        body = {'SignedSystemToken': signed, 'ApplicationToken': self.params['app_token'],
                'ContextIdentifier': self.context_identifier, 'ReturnTokenType': 'JWT'}
        answer = self._fetch('system user authentication', 'POST', url, json=body, allow_redirects=False)
        if answer.get('IsSuccessful') is not True or not isinstance(answer.get('Token'), str) or not answer['Token']:
            reason = '%s' % (answer.get('ErrorMessage') or 'no reason given')
            raise OnlineError('SuperOffice refused the system user of %s: %s. Check that system_user_token, app_token and private_key '
                              'belong to the same app and tenant, and that the controller clock is right (the signed token carries '
                              'the UTC time)' % (self.context_identifier, self._scrub(reason).rstrip('. ')))
        jwt = answer['Token']
        self._secret(jwt)
        jwks_url = self.base + '/login/.well-known/jwks'
        jwks = self._fetch('reading the signing keys', 'GET', jwks_url)
        try:
            claims = verify_jwt(jwt, jwks)
        except OnlineError as e:
            raise OnlineError('system user authentication: the token from %s is not trusted: %s' % (url, e))
        ticket = claims.get(TICKET_CLAIM)
        if not isinstance(ticket, str) or not ticket:
            raise OnlineError('system user authentication: the token from %s carries no ticket (claim %s)' % (url, TICKET_CLAIM))
        self._secret(ticket)
        return ticket

    def _private_key(self):
        value = self.params['private_key']
        text = value.strip().lstrip(u'\ufeff')
        if not text.startswith('-----BEGIN') and not text.startswith('<'):
            path = os.path.expanduser(text)
            if not os.path.isfile(path):
                raise OnlineError('private_key must be a PEM private key (-----BEGIN ... PRIVATE KEY-----), an RSA XML key '
                                  '(<RSAKeyValue>...) or the path of a readable file holding one; it is none of these')
            try:
                with open(path, 'rb') as handle:
                    text = to_text(handle.read(), errors='surrogate_or_strict').strip().lstrip(u'\ufeff')
            except (IOError, OSError, UnicodeError) as e:
                raise OnlineError('private_key: cannot read the key file: %s' % to_native(getattr(e, 'strerror', None) or e))
            self._secret(text)
        try:
            return load_private_key(text)
        except OnlineError as e:
            raise OnlineError('private_key: %s' % e)

    # -- plumbing ---------------------------------------------------------------------------------

    def _secret(self, value):
        """A derived secret (signed token, JWT, ticket, key file content): masked from now on."""
        self.secrets.add(value)

    def _scrub(self, text):
        return self.secrets.mask(text)

    def _fetch(self, what, method, url, not_found=None, **kwargs):
        """Send one request and return its JSON object answer; raise OnlineError with a safe message otherwise."""
        send = self.session.get if method == 'GET' else self.session.post
        try:
            # verify on every request: REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE would override a session's setting.
            response = send(url, timeout=self.params['timeout'], verify=self.verify, **kwargs)
        except requests.exceptions.SSLError as e:
            raise OnlineError('%s: TLS verification of %s failed (%s). Give the CA bundle in ca_path, or set validate_certs to false '
                              'on a trusted test system only' % (what, self.base, self._scrub(root_cause(e))))
        except requests.exceptions.Timeout:
            raise OnlineError('%s: no answer from %s within %s s (timeout)' % (what, self.base, self.params['timeout']))
        except requests.exceptions.RequestException as e:
            raise OnlineError('%s: connection to %s failed: %s' % (what, self.base, self._scrub(root_cause(e))))
        if response.status_code == 404 and not_found:
            raise OnlineError('%s: HTTP 404: %s' % (what, not_found))
        if response.status_code != 200:
            text = response.text.strip() if 'html' not in (response.headers.get('Content-Type') or '') else ''
            detail = ': ' + self.secrets.cut(text) if text else ''
            raise OnlineError('%s: %s %s answered HTTP %d%s' % (what, method, url, response.status_code, detail))
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise OnlineError('%s: %s %s did not answer a JSON object: a proxy or firewall may be in the way, or check '
                              'environment_url' % (what, method, url))
        return data


def _b64url_decode(text):
    text = to_bytes(text)
    return base64.urlsafe_b64decode(text + b'=' * (-len(text) % 4))


def _b64_int(text, urlsafe=False):
    raw = _b64url_decode(text) if urlsafe else base64.b64decode(to_bytes(text.strip()))
    return int(to_native(base64.b16encode(raw)), 16) if raw else 0


def load_private_key(text):
    """An RSA private key from PEM (PKCS#1 or PKCS#8, unencrypted) or from SuperOffice's RSA XML (<RSAKeyValue>)."""
    if text.startswith('<'):
        try:
            root = ElementTree.fromstring(to_bytes(text))
        except ElementTree.ParseError:
            raise OnlineError('the RSA XML key is not well-formed XML')
        values = dict((child.tag, child.text or '') for child in root)
        missing = [name for name in ('Modulus', 'Exponent', 'D', 'P', 'Q') if not values.get(name, '').strip()]
        if root.tag != 'RSAKeyValue' or missing:
            raise OnlineError('the RSA XML key needs <RSAKeyValue> with Modulus, Exponent, D, P and Q (a private key); missing: %s' % (
                ', '.join(missing) or 'RSAKeyValue'))
        try:
            n, e, d, p, q = [_b64_int(values[name]) for name in ('Modulus', 'Exponent', 'D', 'P', 'Q')]
            numbers = rsa.RSAPrivateNumbers(p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
                                            rsa.RSAPublicNumbers(e, n))
            return numbers.private_key()
        except (ValueError, TypeError):
            raise OnlineError('the RSA XML key holds values that do not form an RSA key')
    try:
        key = serialization.load_pem_private_key(to_bytes(text), password=None)
    except TypeError:
        raise OnlineError('the PEM key is encrypted; give it without a passphrase (for example openssl rsa -in key.pem -out plain.pem)')
    except (ValueError, UnsupportedAlgorithm):
        raise OnlineError('the value is not an RSA private key in PEM form (-----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----)')
    if not isinstance(key, rsa.RSAPrivateKey):
        raise OnlineError('the PEM key is not an RSA key')
    return key


def sign_system_user_token(token, key, now=None):
    """SignedSystemToken: ``{token}.{UTC yyyyMMddHHmm}.{base64 RSA PKCS#1 v1.5 SHA-256 signature of "{token}.{timestamp}"}``."""
    data = '%s.%s' % (token, time.strftime('%Y%m%d%H%M', time.gmtime(now)))
    signature = key.sign(to_bytes(data), padding.PKCS1v15(), hashes.SHA256())
    return '%s.%s' % (data, to_text(base64.b64encode(signature)))


def verify_jwt(jwt, jwks, now=None):
    """The claims of an RS256 JWT whose signature matches a key of the JWKS and that has not expired."""
    header, claims, signature, signed = _jwt_parts(jwt)
    if header.get('alg') != 'RS256':
        raise OnlineError('it is signed with %s, not RS256' % (header.get('alg') or 'no algorithm'))
    keys = [k for k in (jwks.get('keys') or []) if _signing_key(k, header.get('kid'))]
    if not keys:
        raise OnlineError('the environment publishes no RSA signing key%s' % (' with the id %s' % header['kid'] if header.get('kid') else ''))
    if not any(_signed_by(jwk, signature, signed) for jwk in keys):
        raise OnlineError('its signature does not match the signing keys of the environment')
    exp = claims.get('exp')
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        raise OnlineError('it has no expiry time (exp)')
    now = time.time() if now is None else now
    if exp + CLOCK_SKEW < now:
        raise OnlineError('it expired %d s ago; check the controller clock' % int(now - exp))
    return claims


def _jwt_parts(jwt):
    """A JWT's header and claims (dicts), its signature, and the bytes it signs."""
    parts = jwt.split('.')
    if len(parts) != 3:
        raise OnlineError('it is not a JWT')
    try:
        header = json.loads(to_text(_b64url_decode(parts[0])))
        claims = json.loads(to_text(_b64url_decode(parts[1])))
        signature = _b64url_decode(parts[2])
    except (TypeError, ValueError):
        raise OnlineError('it is not a well-formed JWT')
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise OnlineError('it is not a well-formed JWT')
    return header, claims, signature, to_bytes('%s.%s' % (parts[0], parts[1]))


def _signing_key(jwk, kid):
    """Whether a JWKS entry is an RSA signing key (with the header's key id, when it names one)."""
    return (isinstance(jwk, dict) and jwk.get('kty') == 'RSA' and bool(jwk.get('n')) and bool(jwk.get('e'))
            and jwk.get('use', 'sig') == 'sig' and (not kid or jwk.get('kid') == kid))


def _signed_by(jwk, signature, signed):
    try:
        public = rsa.RSAPublicNumbers(_b64_int(jwk['e'], True), _b64_int(jwk['n'], True)).public_key()
        public.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False
