# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator's Online endpoints: tenant state, moved hosts (421), signing keys and the system-user exchange."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import copy
import json
import time

import pytest
import requests

from ansible_collections.superoffice.crm.emulator import online
from ansible_collections.superoffice.crm.emulator.store import DataError, TenantStore
from ansible_collections.superoffice.crm.plugins.module_utils._online import TICKET_CLAIM, sign_system_user_token, verify_jwt

from .conftest import APP_TOKEN, ONLINE, ONSITE, TEST_DATA

pytest.importorskip('cryptography')
from cryptography.hazmat.primitives import serialization  # noqa: E402  pylint: disable=wrong-import-position
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402  pylint: disable=wrong-import-position

SYSTEM_USER_TOKEN = 'ErpSyncApp-emuSystemUser77'
FIXED_TICKET = '7T:Zml4ZWQtc3lzdGVtLXVzZXItdGlja2V0'
KEYS = {}


def key(name):
    """Throwaway RSA keys for the tests, generated once per session."""
    if name not in KEYS:
        KEYS[name] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return KEYS[name]


def public_pem(private_key):
    return private_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def with_system_user(client, ticket=None, tenant=ONLINE):
    user = {'token': SYSTEM_USER_TOKEN, 'public_key_pem': public_pem(key('app'))}
    if ticket:
        user['ticket'] = ticket
    response = client.admin('PUT', 'tenants/%s/online' % tenant, {'system_users': [user]})
    assert response.status_code == 200, response.text
    return response.json()


def login(client, signed=None, app_token=APP_TOKEN, context=ONLINE, token_type='JWT'):
    body = {'SignedSystemToken': signed or sign_system_user_token(SYSTEM_USER_TOKEN, key('app')), 'ApplicationToken': app_token,
            'ContextIdentifier': context, 'ReturnTokenType': token_type}
    return client.session.post(client.url('/Login/api/PartnerSystemUser/Authenticate'), json=body, timeout=10)


def refused(response, words):
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer['IsSuccessful'] is False and answer['Token'] is None
    assert words in answer['ErrorMessage']


def state(client, tenant=ONLINE, base=None):
    return client.session.get((base or client.base_url) + '/api/state/' + tenant, timeout=10)


def engine(client, ticket, base=None, tenant=ONLINE):
    return client.session.post('%s/%s/api/v1/Agents/ErpSync/GetEngineStatus' % (base or client.base_url, tenant), json={},
                               headers={'Authorization': 'SOTicket ' + ticket, 'SO-AppToken': APP_TOKEN}, timeout=10)


# -- tenant state -------------------------------------------------------------------------------------


def test_state_of_a_running_tenant(client):
    response = state(client)
    assert response.status_code == 200
    answer = response.json()
    assert answer['ContextIdentifier'] == ONLINE and answer['State'] == 'Running' and answer['IsRunning'] is True
    assert answer['Api'] == '%s/%s/api' % (client.base_url, ONLINE) and answer['Endpoint'] == '%s/%s' % (client.base_url, ONLINE)
    assert answer['Version'] and answer['ValidUntil'].endswith('Z')
    entry = client.log(ONLINE)[-1]
    assert entry['path'] == '/api/state/' + ONLINE and entry['status'] == 200 and entry['auth'] == 'none'


@pytest.mark.parametrize('value, running', [('Suspended', False), (4, False), ('OnlineMaintenance', True), (6, False), (2, True)])
def test_state_as_configured(client, value, running):
    assert client.admin('PUT', 'tenants/%s/online' % ONLINE, {'state': value}).json()['is_running'] is running
    answer = state(client).json()
    assert answer['State'] == value and answer['IsRunning'] is running


@pytest.mark.parametrize('tenant', ['Cust99999', ONSITE])
def test_state_of_an_unknown_or_onsite_tenant(client, tenant):
    response = state(client, tenant)
    assert response.status_code == 404 and response.json()['ErrorType'] == 'SoNotFoundException'


def test_state_endpoint_is_get_only(client):
    assert client.session.post(client.url('/api/state/' + ONLINE), timeout=10).status_code == 405


# -- moved host ----------------------------------------------------------------------------------------


def test_moved_tenant_answers_421_on_the_old_host(client, emulator_server):
    port = emulator_server.server_address[1]
    moved = client.admin('POST', 'tenants/%s/move' % ONLINE).json()
    assert moved['host'] == 'localhost' and moved['previous_host'] == '127.0.0.1'
    assert state(client).json()['Api'] == 'http://localhost:%d/%s/api' % (port, ONLINE)
    old = client.call(ONLINE, 'GetEngineStatus')
    assert old.status_code == 421 and old.text == 'Wrong subdomain used to access tenant'
    assert client.call(ONLINE, 'GetEngineStatus', headers={'Host': 'localhost:%d' % port}).status_code == 200
    # Back again: a second move without a host switches back.
    assert client.admin('POST', 'tenants/%s/move' % ONLINE).json()['host'] == '127.0.0.1'
    assert client.call(ONLINE, 'GetEngineStatus').status_code == 200


def test_stale_lookups_report_the_old_host_first(client, emulator_server):
    client.admin('POST', 'tenants/%s/move' % ONLINE, {'host': 'localhost', 'stale_lookups': 1})
    assert '//127.0.0.1:' in state(client).json()['Api']
    assert '//localhost:' in state(client).json()['Api']
    assert client.admin('GET', 'tenants/%s/online' % ONLINE).json()['stale_lookups'] == 0


def test_reset_undoes_a_move(client):
    client.admin('POST', 'tenants/%s/move' % ONLINE)
    client.admin('POST', 'tenants/%s/reset' % ONLINE)
    assert client.call(ONLINE, 'GetEngineStatus').status_code == 200
    assert client.admin('GET', 'tenants/%s/online' % ONLINE).json()['host'] is None


@pytest.mark.parametrize('tenant, body, words', [
    (ONLINE, {'host': 'localhost:8080'}, 'host must be a host name without port'),
    (ONLINE, {'stale_lookups': -1}, 'stale_lookups must be'),
    (ONSITE, {}, 'not an Online tenant'),
])
def test_bad_moves(client, tenant, body, words):
    response = client.admin('POST', 'tenants/%s/move' % tenant, body)
    assert response.status_code == 400 and words in response.json()['error']


@pytest.mark.parametrize('body, words', [
    ({'state': 'Sleeping'}, 'state must be one of'),
    ({'color': 'red'}, 'unknown Online settings: color'),
    ({'system_users': [{'token': 'x'}]}, 'needs the strings token and public_key_pem'),
    ({'system_users': [{'token': 'x', 'public_key_pem': 'nope'}]}, 'is not a PEM public key'),
])
def test_bad_online_settings(client, body, words):
    response = client.admin('PUT', 'tenants/%s/online' % ONLINE, body)
    assert response.status_code == 400 and words in response.json()['error']


# -- signing keys and the system-user exchange ---------------------------------------------------------


def test_system_user_login_issues_a_ticket_the_tenant_accepts(client):
    with_system_user(client)
    response = login(client)
    assert response.status_code == 200
    answer = response.json()
    assert answer['IsSuccessful'] is True and answer['ErrorMessage'] == ''
    jwks = client.session.get(client.url('/login/.well-known/jwks'), timeout=10).json()
    claims = verify_jwt(answer['Token'], jwks)
    ticket = claims[TICKET_CLAIM]
    assert ticket.startswith('7T:') and claims['http://schemes.superoffice.net/identity/ctx'] == ONLINE
    assert claims['exp'] > time.time() + 600
    assert engine(client, ticket).status_code == 200
    assert client.admin('GET', 'tenants/%s/online' % ONLINE).json()['tickets_issued'] == 1
    # The request log names the exchange but holds neither the signed token nor the app token.
    entry = [e for e in client.log(ONLINE) if e['path'] == '/Login/api/PartnerSystemUser/Authenticate'][-1]
    assert entry['body']['SignedSystemToken'] == '********' and entry['body']['ApplicationToken'] == '********'
    text = json.dumps(client.log())
    assert SYSTEM_USER_TOKEN not in text and APP_TOKEN not in text and ticket not in text


def test_issued_ticket_is_dropped_by_reset(client):
    with_system_user(client)
    ticket = verify_jwt(login(client).json()['Token'], client.session.get(client.url('/login/.well-known/jwks'), timeout=10).json())[TICKET_CLAIM]
    client.admin('POST', 'tenants/%s/reset' % ONLINE)
    assert engine(client, ticket).status_code == 401


def test_configured_ticket_is_issued(client):
    with_system_user(client, ticket=FIXED_TICKET)
    jwks = client.session.get(client.url('/login/.well-known/jwks'), timeout=10).json()
    assert verify_jwt(login(client).json()['Token'], jwks)[TICKET_CLAIM] == FIXED_TICKET
    assert engine(client, FIXED_TICKET).status_code == 200


def test_jwks_publishes_one_rsa_key(client):
    keys = client.session.get(client.url('/login/.well-known/jwks'), timeout=10).json()['keys']
    assert len(keys) == 1 and keys[0]['kty'] == 'RSA' and keys[0]['alg'] == 'RS256' and keys[0]['n'] and keys[0]['e'] == 'AQAB'


def test_wrong_app_token(client):
    with_system_user(client)
    refused(login(client, app_token='not-the-app-token'), 'The application token is not valid.')


def test_bad_signature(client):
    with_system_user(client)
    refused(login(client, signed=sign_system_user_token(SYSTEM_USER_TOKEN, key('other'))), 'signature of the system user token is not valid')


def test_stale_time_stamp(client):
    with_system_user(client)
    refused(login(client, signed=sign_system_user_token(SYSTEM_USER_TOKEN, key('app'), now=time.time() - 600)), 'has expired')
    refused(login(client, signed=sign_system_user_token(SYSTEM_USER_TOKEN, key('app'), now=time.time() + 600)), 'has expired')
    assert login(client, signed=sign_system_user_token(SYSTEM_USER_TOKEN, key('app'), now=time.time() - 120)).json()['IsSuccessful']


@pytest.mark.parametrize('signed, context, token_type, words', [
    ('just-a-token', ONLINE, 'JWT', 'malformed'),
    ('Other-token.202601010000.c2ln', ONLINE, 'JWT', 'not known for this tenant'),
    (None, 'Cust99999', 'JWT', 'Unknown context identifier'),
    (None, ONSITE, 'JWT', 'Unknown context identifier'),
    (None, ONLINE, 'Saml', 'ReturnTokenType must be JWT'),
    (SYSTEM_USER_TOKEN + '.2026010100xx.c2ln', ONLINE, 'JWT', 'not valid'),
])
def test_other_refusals(client, signed, context, token_type, words):
    with_system_user(client)
    refused(login(client, signed=signed, context=context, token_type=token_type), words)


def test_suspended_tenant_refuses_the_login(client):
    with_system_user(client)
    client.admin('PUT', 'tenants/%s/online' % ONLINE, {'state': 'Suspended'})
    refused(login(client), 'The tenant is not running (Suspended).')


def test_malformed_requests(client):
    url = client.url('/Login/api/PartnerSystemUser/Authenticate')
    assert client.session.post(url, data='{not json', headers={'Content-Type': 'application/json'}, timeout=10).status_code == 400
    assert client.session.post(url, json=[1], timeout=10).status_code == 400
    assert client.session.get(url, timeout=10).status_code == 405
    assert client.session.post(client.url('/login/.well-known/jwks'), timeout=10).status_code == 405


def test_without_cryptography_only_the_key_endpoints_answer_501(client, monkeypatch):
    monkeypatch.setattr(online, 'HAS_CRYPTOGRAPHY', False)
    assert state(client).status_code == 200
    for response in (client.session.get(client.url('/login/.well-known/jwks'), timeout=10), login(client, signed='x.y.z')):
        assert response.status_code == 501 and 'cryptography' in response.json()['ErrorMessage']


# -- data file -----------------------------------------------------------------------------------------


def test_data_file_state_and_system_users(tmp_path):
    data = copy.deepcopy(TEST_DATA)
    data['tenants'][ONLINE].update({'state': 4, 'system_users': [{'token': SYSTEM_USER_TOKEN, 'public_key_pem': public_pem(key('app'))}]})
    store = TenantStore(data)
    settings = store.get(ONLINE).state['online_auth']
    assert settings['state'] == 4 and settings['system_users'][0]['token'] == SYSTEM_USER_TOKEN


@pytest.mark.parametrize('fields, words', [
    ({'state': 'Asleep'}, 'tenant Cust12345: state must be one of'),
    ({'system_users': {'token': 'x'}}, 'tenant Cust12345: system_users must be a list'),
    ({'system_users': [{'token': 'x', 'public_key_pem': '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'}]}, 'not a PEM public key'),
    ({'system_users': [{'token': 'x', 'public_key_pem': public_pem(key('app')), 'ticket': ''}]}, 'ticket must be a non-empty string'),
])
def test_data_file_errors(fields, words):
    data = copy.deepcopy(TEST_DATA)
    data['tenants'][ONLINE].update(fields)
    with pytest.raises(DataError) as error:
        TenantStore(data)
    assert words in str(error.value)


def test_signature_base64_must_be_strict(client):
    with_system_user(client)
    signed = sign_system_user_token(SYSTEM_USER_TOKEN, key('app'))
    refused(login(client, signed=signed[:-4] + '!!!!'), 'not valid')
    assert base64.b64decode(signed.rsplit('.', 1)[1])  # the real one decodes


def test_requests_via_localhost_reach_the_same_server(client, emulator_server):
    port = emulator_server.server_address[1]
    try:
        response = requests.get('http://localhost:%d/api/state/%s' % (port, ONLINE), timeout=5)
    except requests.exceptions.ConnectionError:
        pytest.skip('localhost does not resolve to the loopback address here')
    assert response.json()['Api'] == 'http://localhost:%d/%s/api' % (port, ONLINE)
