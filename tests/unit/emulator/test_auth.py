# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64

import pytest

from .conftest import (ACCESS_TOKEN, APP_TOKEN, ONLINE, ONLINE2_TICKET, ONSITE, ONSITE_PASSWORD, ONSITE_TICKET, ONSITE_USER,
                       SECRETS, TICKET)


def basic(user, password):
    return 'Basic ' + base64.b64encode(('%s:%s' % (user, password)).encode()).decode()


ACCEPTED = [
    (ONSITE, {'Authorization': basic(ONSITE_USER, ONSITE_PASSWORD)}, 'Basic'),
    (ONSITE, {'Authorization': 'SOTicket ' + ONSITE_TICKET}, 'SOTicket'),
    (ONSITE, {'Authorization': 'SoTicket ' + ONSITE_TICKET}, 'SOTicket'),  # scheme names are case-insensitive
    (ONLINE, {'Authorization': 'SOTicket ' + TICKET, 'SO-AppToken': APP_TOKEN}, 'SOTicket'),
    (ONLINE, {'Authorization': 'Bearer ' + ACCESS_TOKEN}, 'Bearer'),
]

REFUSED = [
    (ONSITE, {}, 'no credentials'),
    (ONSITE, {'Authorization': basic(ONSITE_USER, 'wrong-password')}, 'Invalid username or password'),
    (ONSITE, {'Authorization': basic('nobody', ONSITE_PASSWORD)}, 'Invalid username or password'),
    (ONSITE, {'Authorization': 'Basic !!!not-base64'}, 'malformed'),
    (ONSITE, {'Authorization': 'SOTicket 7T:bm90LWEtdGlja2V0'}, 'ticket is invalid'),
    (ONSITE, {'Authorization': 'Bearer ' + ACCESS_TOKEN}, 'not accepted by this on-site'),
    (ONLINE, {'Authorization': basic('admin', 'online-basic-secret')}, 'not enabled in the Online environment'),
    (ONLINE, {'Authorization': 'SOTicket ' + TICKET}, 'SO-AppToken header is missing'),
    (ONLINE, {'Authorization': 'SOTicket ' + TICKET, 'SO-AppToken': 'not-the-app-token'}, 'SO-AppToken header is invalid'),
    (ONLINE, {'Authorization': 'SOTicket ' + ONLINE2_TICKET, 'SO-AppToken': APP_TOKEN}, 'ticket is invalid'),  # other tenant's ticket
    (ONLINE, {'Authorization': 'Bearer 8A:Cust12345.expired'}, 'access token is invalid'),
    (ONLINE, {'Authorization': 'Negotiate abc'}, 'Unsupported authorization scheme'),
]


@pytest.mark.parametrize('tenant, headers, scheme', ACCEPTED)
def test_accepted(client, tenant, headers, scheme):
    response = client.call(tenant, 'GetEngineStatus', headers=headers, auth=False)
    assert response.status_code == 200
    assert set(response.json()) == {'IsRunning', 'StatusMessage', 'Interval', 'TableRight', 'FieldProperties'}
    entry = client.log(tenant)[-1]
    assert entry['auth'] == scheme
    assert entry['app_token'] == ('SO-AppToken' in headers)


@pytest.mark.parametrize('tenant, headers, message', REFUSED)
def test_refused(client, tenant, headers, message):
    response = client.call(tenant, 'ToggleErpConnectionActive', {'ErpConnectionId': 2}, headers=headers, auth=False)
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {'Error', 'ErrorType', 'ErrorMessage', 'ErrorSource'}
    assert body['Error'] is True
    assert body['ErrorType'] == 'UnauthorizedAccessException'
    assert body['ErrorSource'] == 'SuperOffice.WebApi'
    assert message in body['ErrorMessage']
    assert response.headers['WWW-Authenticate']
    assert response.headers['Content-Type'].startswith('application/json')
    # Nothing applied, and no credential echoed back.
    assert client.connection(tenant, 2)['Active'] is False
    everything = response.text + repr(dict(response.headers))
    for secret in SECRETS + ('wrong-password', 'not-the-app-token', '8A:Cust12345.expired'):
        assert secret not in everything


def test_www_authenticate_names_the_tenant_schemes(client):
    online = client.call(ONLINE, 'GetEngineStatus', auth=False)
    onsite = client.call(ONSITE, 'GetEngineStatus', auth=False)
    assert 'SOTicket' in online.headers['WWW-Authenticate'] and 'Bearer' in online.headers['WWW-Authenticate']
    assert 'Basic' not in online.headers['WWW-Authenticate']
    assert 'Basic' in onsite.headers['WWW-Authenticate'] and 'Bearer' not in onsite.headers['WWW-Authenticate']


def test_onsite_ignores_app_token(client):
    headers = {'Authorization': 'SOTicket ' + ONSITE_TICKET, 'SO-AppToken': 'anything'}
    assert client.call(ONSITE, 'GetEngineStatus', headers=headers, auth=False).status_code == 200


def test_version_probe_needs_no_auth(client):
    response = client.session.get(client.url('/%s/api' % ONLINE))
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ['v1', 'NetServerVersion', 'NetServerLabel', 'Services', 'ServicesCurrent', 'Version']
    assert body['v1'] == client.base_url + '/%s/api/v1' % ONLINE
    assert body['NetServerVersion'] == '11.10.1234.0'
    assert (body['Services'], body['ServicesCurrent']) == ('Services87', 'Services88')
    entry = client.log(ONLINE)[-1]
    assert (entry['method'], entry['auth'], entry['status']) == (None, 'none', 200)
