# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""SuperOffice Online: tenant discovery, re-discovery on 421 and system-user authentication, through erpsync_engine_info."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import json
import time

import pytest
import requests

from ansible_collections.superoffice.crm.plugins.modules import erpsync_engine_info
from ansible_collections.superoffice.crm.plugins.module_utils import _online
from ansible_collections.superoffice.crm.plugins.module_utils._online import (
    OnlineError, load_private_key, sign_system_user_token, state_name, verify_jwt)

cryptography = pytest.importorskip('cryptography')
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402  pylint: disable=wrong-import-position
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402  pylint: disable=wrong-import-position

CTX = 'Cust12345'
STATE_URL = 'GET https://online.superoffice.com/api/state/' + CTX
API = 'https://online2.superoffice.com/%s/api' % CTX
AUTH_URL = 'https://online.superoffice.com/Login/api/PartnerSystemUser/Authenticate'
JWKS_URL = 'GET https://online.superoffice.com/login/.well-known/jwks'
STATUS = {'IsRunning': True, 'StatusMessage': '', 'Interval': '00:05:00', 'TableRight': None, 'FieldProperties': {}}

TICKET = '7T:dGhlLXRpY2tldC1vbmxpbmU='
APP_TOKEN = 'app-T0ken-online-secret'
SYSTEM_USER_TOKEN = 'ErpSyncApp-sYsTeMuSeRtOkEn42'
DEMO_TICKET = '7T:c3lzdGVtLXVzZXItdGlja2V0LWlzc3VlZA=='


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEYS = {}


def key(name):
    """Test-only RSA keys, generated once per test session (nothing is committed)."""
    if name not in KEYS:
        KEYS[name] = _new_key()
    return KEYS[name]


def pem(private_key):
    return private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                     serialization.NoEncryption()).decode()


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode()


def b64url_int(value):
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, 'big'))


def jwks(private_key=None, kid='k1'):
    numbers = (private_key or key('server')).public_key().public_numbers()
    return {'keys': [{'kty': 'RSA', 'use': 'sig', 'kid': kid, 'alg': 'RS256', 'n': b64url_int(numbers.n), 'e': b64url_int(numbers.e)}]}


def make_jwt(claims=None, private_key=None, kid='k1', alg='RS256'):
    body = {'iss': 'https://online.superoffice.com', 'exp': int(time.time()) + 3600, _online.TICKET_CLAIM: DEMO_TICKET,
            'http://schemes.superoffice.net/identity/ctx': CTX}
    body.update(claims or {})
    head = b64url(json.dumps({'alg': alg, 'typ': 'JWT', 'kid': kid}).encode())
    payload = b64url(json.dumps(body).encode())
    signature = (private_key or key('server')).sign(('%s.%s' % (head, payload)).encode(), padding.PKCS1v15(), hashes.SHA256())
    return '%s.%s.%s' % (head, payload, b64url(signature))


def tenant_state(**changes):
    state = {'ContextIdentifier': CTX, 'Endpoint': 'https://online2.superoffice.com/' + CTX, 'State': 'Running', 'IsRunning': True,
             'ValidUntil': '2026-03-01T12:00:00Z', 'Api': API, 'Version': '11.10'}
    state.update(changes)
    return state


def discovery(**extra):
    conn = dict(context_identifier=CTX, ticket=TICKET, app_token=APP_TOKEN)
    conn.update(extra)
    return conn


def system_user(**extra):
    conn = dict(context_identifier=CTX, system_user_token=SYSTEM_USER_TOKEN, app_token=APP_TOKEN, private_key=pem(key('app')))
    conn.update(extra)
    return conn


def expect_login(webapi, token=None, answer=None, base='https://online.superoffice.com'):
    """The exchange (a POST, matched by its full URL) and, when it succeeds, the signing keys."""
    webapi.expect(base + '/Login/api/PartnerSystemUser/Authenticate',
                  answer=answer or {'IsSuccessful': True, 'Token': token or make_jwt(), 'ErrorMessage': ''})
    if answer is None or answer.get('IsSuccessful'):
        webapi.expect('GET %s/login/.well-known/jwks' % base, answer=jwks())


def assert_no_secret(result, *more):
    text = json.dumps(result)
    for secret in (TICKET, APP_TOKEN, SYSTEM_USER_TOKEN, DEMO_TICKET, pem(key('app')).splitlines()[1]) + more:
        assert secret not in text


# -- discovery ---------------------------------------------------------------------------------------


def test_discovery_finds_the_api_address(webapi, run_module):
    webapi.expect(STATE_URL, answer=tenant_state()).expect('GetEngineStatus', {}, STATUS)
    result = run_module(erpsync_engine_info.main, {}, connection=discovery())
    assert result['engine']['running'] is True
    state_call, agent_call = webapi.calls
    assert 'Authorization' not in state_call['headers'] and 'SO-AppToken' not in state_call['headers']
    assert agent_call['url'] == API + '/v1/Agents/ErpSync/GetEngineStatus'
    assert agent_call['headers']['Authorization'] == 'SOTicket ' + TICKET
    assert agent_call['headers']['SO-AppToken'] == APP_TOKEN


@pytest.mark.parametrize('environment, host', [('sod', 'sod'), ('stage', 'qaonline'), ('online', 'online')])
def test_environment_picks_the_state_host(webapi, run_module, environment, host):
    webapi.expect('GET https://%s.superoffice.com/api/state/%s' % (host, CTX), answer=tenant_state()).expect('GetEngineStatus', {}, STATUS)
    run_module(erpsync_engine_info.main, {}, connection=discovery(environment=environment))


def test_environment_variable_wins_over_the_default(webapi, run_module, monkeypatch):
    monkeypatch.setenv('SUPEROFFICE_ENVIRONMENT', 'stage')
    webapi.expect('GET https://qaonline.superoffice.com/api/state/' + CTX, answer=tenant_state()).expect('GetEngineStatus', {}, STATUS)
    run_module(erpsync_engine_info.main, {}, connection=discovery())


def test_environment_url_and_variables(webapi, run_module, monkeypatch):
    monkeypatch.setenv('SUPEROFFICE_CONTEXT_IDENTIFIER', CTX)
    monkeypatch.setenv('SUPEROFFICE_ENVIRONMENT_URL', 'http://127.0.0.1:8080/')
    monkeypatch.setenv('SUPEROFFICE_TICKET', TICKET)
    monkeypatch.setenv('SUPEROFFICE_APP_TOKEN', APP_TOKEN)
    webapi.expect('GET http://127.0.0.1:8080/api/state/' + CTX, answer=tenant_state(Api='http://127.0.0.1:8080/%s/api/' % CTX))
    webapi.expect('GetEngineStatus', {}, STATUS)
    run_module(erpsync_engine_info.main, {}, connection={})
    assert webapi.calls[1]['url'] == 'http://127.0.0.1:8080/%s/api/v1/Agents/ErpSync/GetEngineStatus' % CTX


@pytest.mark.parametrize('state, shown', [
    ('Suspended', 'Suspended'), (4, 'Suspended (4)'), ('OfflineMaintenance', 'OfflineMaintenance'), ('6', 'OfflineMaintenance (6)'),
    ('Deleted', 'Deleted'), (12, 'MigrationPending (12)'), (7, 'state 7 (7)'),
])
def test_tenant_that_is_not_running_is_refused(webapi, run_module, state, shown):
    webapi.expect(STATE_URL, answer=tenant_state(State=state, IsRunning=False))
    result = run_module(erpsync_engine_info.main, {}, connection=discovery())
    assert result['failed'] is True
    assert 'tenant %s is not running: its state is %s.' % (CTX, shown) in result['msg']
    assert len(webapi.calls) == 1


def test_is_running_false_wins_over_a_running_state(webapi, run_module):
    webapi.expect(STATE_URL, answer=tenant_state(State='Running', IsRunning=False))
    result = run_module(erpsync_engine_info.main, {}, connection=discovery())
    assert 'is not running: its state is Running' in result['msg']


@pytest.mark.parametrize('state', ['OnlineMaintenance', 5, 'running'])
def test_running_states_are_accepted(webapi, run_module, state):
    webapi.expect(STATE_URL, answer=tenant_state(State=state)).expect('GetEngineStatus', {}, STATUS)
    assert run_module(erpsync_engine_info.main, {}, connection=discovery())['engine']['running'] is True


def test_state_names_and_numbers():
    assert state_name(2) == 'Running' and state_name('2') == 'Running' and state_name('suspended') == 'Suspended'
    assert state_name(None) is None and state_name('Weird') == 'Weird'


@pytest.mark.parametrize('status, answer, raw, words', [
    (404, {'Message': 'not found'}, None, 'does not know the tenant Cust12345: check context_identifier and environment'),
    (503, None, 'down for maintenance', 'answered HTTP 503: down for maintenance'),
    (200, None, '<html>login</html>', 'did not answer a JSON object'),
    (200, {'State': 'Running', 'IsRunning': True}, None, 'has no usable Api address'),
    (200, {'State': 'Running', 'Api': 'online2.superoffice.com/Cust12345'}, None, 'has no usable Api address'),
])
def test_discovery_failures_are_clear(webapi, run_module, status, answer, raw, words):
    webapi.expect(STATE_URL, answer=answer, status=status, raw=raw)
    result = run_module(erpsync_engine_info.main, {}, connection=discovery())
    assert result['failed'] is True
    assert words in result['msg']
    assert_no_secret(result)


def test_discovery_connection_error(webapi, run_module):
    webapi.expect(STATE_URL, error=requests.exceptions.ConnectionError('Name or service not known'))
    result = run_module(erpsync_engine_info.main, {}, connection=discovery())
    assert result['msg'] == 'tenant discovery: connection to https://online.superoffice.com failed: Name or service not known'


@pytest.mark.parametrize('connection, words', [
    (dict(url='https://online2.superoffice.com/Cust12345', context_identifier=CTX, ticket=TICKET),
     'url and context_identifier are mutually exclusive'),
    (dict(ticket=TICKET), 'Give url (or SUPEROFFICE_URL)'),
    (dict(context_identifier='Cust12345/../x', ticket=TICKET), 'context_identifier must be the tenant id'),
    (dict(context_identifier=CTX, ticket=TICKET, environment_url='online.superoffice.com'), 'environment_url must be an address'),
    (dict(context_identifier=CTX, ticket=TICKET, environment='production'), 'environment'),
])
def test_address_option_errors(webapi, run_module, connection, words):
    result = run_module(erpsync_engine_info.main, {}, connection=connection)
    assert result['failed'] is True
    assert words in result['msg']
    assert webapi.calls == []


def test_missing_address_names_both_options(webapi, run_module):
    result = run_module(erpsync_engine_info.main, {}, connection=dict(ticket=TICKET))
    assert 'url' in result['msg'] and 'context_identifier' in result['msg'] and 'SUPEROFFICE_CONTEXT_IDENTIFIER' in result['msg']


# -- 421: the numbered host moved -------------------------------------------------------------------


def test_421_rediscovers_once_and_repeats(webapi, run_module):
    moved = 'https://online3.superoffice.com/%s/api' % CTX
    webapi.expect(STATE_URL, answer=tenant_state())
    webapi.expect('GetEngineStatus', {}, raw='Wrong subdomain used to access tenant', status=421, headers={'Content-Type': 'text/plain'})
    webapi.expect(STATE_URL, answer=tenant_state(Api=moved))
    webapi.expect('GetEngineStatus', {}, STATUS)
    result = run_module(erpsync_engine_info.main, {}, connection=discovery())
    assert result['engine']['running'] is True
    assert webapi.calls[1]['url'].startswith(API) and webapi.calls[3]['url'].startswith(moved)
    assert webapi.sleeps == [] and 'warnings' not in result


def test_421_repeats_a_write_too(webapi, run_module):
    from ansible_collections.superoffice.crm.plugins.modules import erpsync_engine
    moved = 'https://online3.superoffice.com/%s/api' % CTX
    stopped = dict(STATUS, IsRunning=False)
    webapi.expect(STATE_URL, answer=tenant_state()).expect('GetEngineStatus', {}, stopped)
    webapi.expect('ChangeEngineStatus', ANY, raw='Wrong subdomain used to access tenant', status=421, headers={'Content-Type': 'text/plain'})
    webapi.expect(STATE_URL, answer=tenant_state(Api=moved)).expect('ChangeEngineStatus', ANY, STATUS)
    result = run_module(erpsync_engine.main, dict(state='running', wait=False), connection=discovery())
    assert result['changed'] is True
    assert webapi.calls[-1]['url'] == moved + '/v1/Agents/ErpSync/ChangeEngineStatus'


def test_second_421_fails_naming_the_state_endpoint(webapi, run_module):
    webapi.expect(STATE_URL, answer=tenant_state())
    for dummy in range(2):
        webapi.expect('GetEngineStatus', {}, raw='Wrong subdomain used to access tenant', status=421, headers={'Content-Type': 'text/plain'})
        if dummy == 0:
            webapi.expect(STATE_URL, answer=tenant_state())
    result = run_module(erpsync_engine_info.main, {}, connection=discovery())
    assert result['failed'] is True and result['status'] == 421
    assert 'still answered from another host after its address was looked up again at https://online.superoffice.com/api/state/Cust12345' in result['msg']
    assert [c['method'] for c in webapi.calls].count(STATE_URL) == 2


def test_421_rediscovery_finding_a_suspended_tenant(webapi, run_module):
    webapi.expect(STATE_URL, answer=tenant_state())
    webapi.expect('GetEngineStatus', {}, raw='Wrong subdomain used to access tenant', status=421, headers={'Content-Type': 'text/plain'})
    webapi.expect(STATE_URL, answer=tenant_state(State='Suspended', IsRunning=False))
    result = run_module(erpsync_engine_info.main, {}, connection=discovery())
    assert 'HTTP 421 Misdirected Request, and looking the tenant address up again failed' in result['msg']
    assert 'its state is Suspended' in result['msg']


def test_421_without_discovery_is_not_retried(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, raw='Wrong subdomain used to access tenant', status=421, headers={'Content-Type': 'text/plain'})
    result = run_module(erpsync_engine_info.main, {}, connection=dict(url=API, ticket=TICKET, app_token=APP_TOKEN))
    assert 'update url' in result['msg'] and len(webapi.calls) == 1


# -- system user --------------------------------------------------------------------------------------


class _Any(object):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


ANY = _Any()


def check_signed_token(signed, token=SYSTEM_USER_TOKEN, public_key=None):
    data, dummy, signature = signed.rpartition('.')
    assert data.startswith(token + '.')
    stamp = data[len(token) + 1:]
    assert len(stamp) == 12 and stamp.isdigit()
    assert abs(time.mktime(time.strptime(stamp, '%Y%m%d%H%M')) - time.mktime(time.gmtime())) < 120
    (public_key or key('app').public_key()).verify(base64.b64decode(signature), data.encode(), padding.PKCS1v15(), hashes.SHA256())


def test_system_user_login(webapi, run_module):
    token = make_jwt()
    webapi.expect(STATE_URL, answer=tenant_state())
    expect_login(webapi, token)
    webapi.expect('GetEngineStatus', {}, STATUS)
    result = run_module(erpsync_engine_info.main, {}, connection=system_user())
    assert result['engine']['running'] is True
    login = webapi.calls[1]
    assert login['url'] == AUTH_URL
    body = login['body']
    assert sorted(body) == ['ApplicationToken', 'ContextIdentifier', 'ReturnTokenType', 'SignedSystemToken']
    assert body['ApplicationToken'] == APP_TOKEN and body['ContextIdentifier'] == CTX and body['ReturnTokenType'] == 'JWT'
    check_signed_token(body['SignedSystemToken'])
    assert 'Authorization' not in login['headers']
    agent = webapi.calls[3]
    assert agent['url'] == API + '/v1/Agents/ErpSync/GetEngineStatus'
    assert agent['headers']['Authorization'] == 'SOTicket ' + DEMO_TICKET
    assert agent['headers']['SO-AppToken'] == APP_TOKEN
    assert_no_secret(result, token, body['SignedSystemToken'])


def test_system_user_with_url_takes_the_context_from_it(webapi, run_module, tmp_path):
    path = tmp_path / 'app.pem'
    path.write_text(pem(key('app')))
    # No discovery: the exchange goes to the environment's login host.
    expect_login(webapi, base='https://sod.superoffice.com')
    webapi.expect('GetEngineStatus', {}, STATUS)
    conn = system_user(url=API + '/v1', private_key=str(path), environment='sod')
    del conn['context_identifier']
    run_module(erpsync_engine_info.main, {}, connection=conn)
    assert webapi.calls[0]['body']['ContextIdentifier'] == CTX
    assert webapi.calls[2]['url'] == API + '/v1/Agents/ErpSync/GetEngineStatus'


def test_system_user_from_environment_variables(webapi, run_module, monkeypatch):
    for name, value in system_user().items():
        monkeypatch.setenv('SUPEROFFICE_' + name.upper(), value)
    webapi.expect(STATE_URL, answer=tenant_state())
    expect_login(webapi)
    webapi.expect('GetEngineStatus', {}, STATUS)
    run_module(erpsync_engine_info.main, {}, connection={})
    assert webapi.calls[-1]['headers']['Authorization'] == 'SOTicket ' + DEMO_TICKET


def test_rsa_xml_private_key(webapi, run_module):
    numbers = key('app').private_numbers()

    def b64(value):
        return base64.b64encode(value.to_bytes((value.bit_length() + 7) // 8, 'big')).decode()
    xml = '<RSAKeyValue><Modulus>%s</Modulus><Exponent>%s</Exponent><P>%s</P><Q>%s</Q><DP>%s</DP><DQ>%s</DQ><InverseQ>%s</InverseQ><D>%s</D></RSAKeyValue>' % (
        b64(numbers.public_numbers.n), b64(numbers.public_numbers.e), b64(numbers.p), b64(numbers.q), b64(numbers.dmp1), b64(numbers.dmq1),
        b64(numbers.iqmp), b64(numbers.d))
    webapi.expect(STATE_URL, answer=tenant_state())
    expect_login(webapi)
    webapi.expect('GetEngineStatus', {}, STATUS)
    run_module(erpsync_engine_info.main, {}, connection=system_user(private_key=xml))
    check_signed_token(webapi.calls[1]['body']['SignedSystemToken'])


def test_pkcs8_private_key_loads():
    text = key('app').private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    assert load_private_key(text).public_key().public_numbers() == key('app').public_key().public_numbers()


@pytest.mark.parametrize('value, words', [
    ('/nonexistent/dir/app.pem', 'or the path of a readable file holding one; it is none of these'),
    ('-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----', 'not an RSA private key in PEM form'),
    ('<RSAKeyValue><Modulus>AQAB</Modulus><Exponent>AQAB</Exponent></RSAKeyValue>', 'missing: D, P, Q'),
    ('<RSAKeyValue><Modulus>', 'not well-formed XML'),
    ('encrypted', 'the PEM key is encrypted'),
    ('ec', 'the PEM key is not an RSA key'),
])
def test_bad_private_key(webapi, run_module, value, words):
    if value == 'encrypted':
        value = key('app').private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.BestAvailableEncryption(b'passphrase')).decode()
    if value == 'ec':
        from cryptography.hazmat.primitives.asymmetric import ec
        ec_key = ec.generate_private_key(ec.SECP256R1())
        value = ec_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    result = run_module(erpsync_engine_info.main, {}, connection=system_user(private_key=value))
    assert result['failed'] is True
    assert result['msg'].startswith('private_key')
    assert words in result['msg']
    # The key is loaded before tenant discovery: bad input makes no request at all.
    assert webapi.calls == []


@pytest.mark.parametrize('drop, words', [
    ('app_token', 'system_user_token needs app_token (or SUPEROFFICE_APP_TOKEN)'),
    ('private_key', 'system_user_token needs private_key (or SUPEROFFICE_PRIVATE_KEY)'),
])
def test_system_user_needs_app_token_and_key(webapi, run_module, drop, words):
    conn = system_user()
    del conn[drop]
    result = run_module(erpsync_engine_info.main, {}, connection=conn)
    assert words in result['msg'] and webapi.calls == []


def test_system_user_needs_a_context(webapi, run_module):
    conn = system_user(url='https://crm.example.com/SuperOffice')
    del conn['context_identifier']
    result = run_module(erpsync_engine_info.main, {}, connection=conn)
    assert 'system_user_token needs the tenant id' in result['msg'] and webapi.calls == []


def test_system_user_token_counts_as_a_credential(webapi, run_module):
    result = run_module(erpsync_engine_info.main, {}, connection=system_user(ticket=TICKET))
    assert 'Found options: ticket, system_user_token.' in result['msg']
    assert webapi.calls == []


def test_ticket_with_an_unused_private_key_variable(webapi, run_module, monkeypatch):
    monkeypatch.setenv('SUPEROFFICE_PRIVATE_KEY', pem(key('app')))
    webapi.expect(STATE_URL, answer=tenant_state()).expect('GetEngineStatus', {}, STATUS)
    run_module(erpsync_engine_info.main, {}, connection=discovery())
    assert webapi.calls[1]['headers']['Authorization'] == 'SOTicket ' + TICKET


@pytest.mark.parametrize('message', ['Invalid signature', 'Unknown application token.', 'Signed token %s is too old' % SYSTEM_USER_TOKEN])
def test_refused_login_is_clear_and_masked(webapi, run_module, message):
    webapi.expect(STATE_URL, answer=tenant_state())
    expect_login(webapi, answer={'IsSuccessful': False, 'Token': None, 'ErrorMessage': message})
    result = run_module(erpsync_engine_info.main, {}, connection=system_user())
    assert result['failed'] is True
    reason = message.replace(SYSTEM_USER_TOKEN, '********').rstrip('.')
    assert result['msg'].startswith('SuperOffice refused the system user of Cust12345: %s. Check' % reason)
    assert 'system_user_token, app_token and private_key' in result['msg']
    assert_no_secret(result, webapi.calls[1]['body']['SignedSystemToken'])


def test_login_http_error(webapi, run_module):
    webapi.expect(STATE_URL, answer=tenant_state())
    webapi.expect(AUTH_URL, raw='token %s rejected' % SYSTEM_USER_TOKEN, status=500, headers={'Content-Type': 'text/plain'})
    result = run_module(erpsync_engine_info.main, {}, connection=system_user())
    assert 'system user authentication: POST %s answered HTTP 500: token ******** rejected' % AUTH_URL in result['msg']
    assert_no_secret(result)


@pytest.mark.parametrize('token, keys, words', [
    (lambda: make_jwt(private_key=key('other')), None, 'its signature does not match the signing keys'),
    (lambda: make_jwt({'exp': int(time.time()) - 600}), None, 'it expired'),
    (lambda: make_jwt({'exp': None}), None, 'it has no expiry time'),
    (lambda: make_jwt(kid='k2'), None, 'no RSA signing key with the id k2'),
    (lambda: make_jwt(alg='HS256'), None, 'signed with HS256, not RS256'),
    (lambda: 'not-a-jwt', None, 'it is not a JWT'),
    (lambda: 'a.b.c', None, 'not a well-formed JWT'),
    (lambda: make_jwt({_online.TICKET_CLAIM: None}), None, 'carries no ticket'),
    (make_jwt, {'keys': []}, 'no RSA signing key'),
])
def test_untrusted_jwt_is_refused(webapi, run_module, token, keys, words):
    jwt = token()
    webapi.expect(STATE_URL, answer=tenant_state())
    webapi.expect(AUTH_URL, answer={'IsSuccessful': True, 'Token': jwt, 'ErrorMessage': None})
    webapi.expect(JWKS_URL, answer=keys or jwks())
    result = run_module(erpsync_engine_info.main, {}, connection=system_user())
    assert result['failed'] is True
    assert words in result['msg']
    assert_no_secret(result, jwt)


def test_missing_cryptography(webapi, run_module, monkeypatch):
    monkeypatch.setattr(_online, 'HAS_CRYPTOGRAPHY', False)
    result = run_module(erpsync_engine_info.main, {}, connection=system_user())
    assert 'cryptography' in result['msg'] and result['failed'] is True
    assert webapi.calls == []


def test_sign_system_user_token_format():
    signed = sign_system_user_token('App-tok3n', key('app'), now=1767225600)  # 2026-01-01 00:00 UTC
    data, dummy, signature = signed.rpartition('.')
    assert data == 'App-tok3n.202601010000'
    key('app').public_key().verify(base64.b64decode(signature), data.encode(), padding.PKCS1v15(), hashes.SHA256())


def test_verify_jwt_accepts_clock_skew_and_any_key_without_kid():
    claims = verify_jwt(make_jwt({'exp': int(time.time()) - 30}), jwks())
    assert claims[_online.TICKET_CLAIM] == DEMO_TICKET
    other = jwks(key('other'), kid='x')
    both = {'keys': other['keys'] + jwks(kid='y')['keys']}
    head = b64url(json.dumps({'alg': 'RS256'}).encode())
    payload = b64url(json.dumps({'exp': int(time.time()) + 60}).encode())
    signature = key('server').sign(('%s.%s' % (head, payload)).encode(), padding.PKCS1v15(), hashes.SHA256())
    assert verify_jwt('%s.%s.%s' % (head, payload, b64url(signature)), both)['exp'] > 0
    with pytest.raises(OnlineError):
        verify_jwt('%s.%s.%s' % (head, payload, b64url(signature)), other)
