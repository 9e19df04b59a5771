# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time

import pytest
import requests

from .conftest import ONLINE, ONLINE2

TOGGLE = 'ToggleErpConnectionActive'


def add_fault(client, tenant=ONLINE, **rule):
    response = client.admin('POST', 'tenants/%s/faults' % tenant, rule)
    assert response.status_code == 200, response.text
    return response.json()


def toggle(client, tenant=ONLINE):
    return client.call(tenant, TOGGLE, {'ErpConnectionId': 2})


def active(client, tenant=ONLINE):
    return client.connection(tenant, 2)['Active']


@pytest.mark.parametrize('status', [429, 502, 503, 504])
def test_status_fault_does_not_apply(client, status):
    add_fault(client, method=TOGGLE, kind='status', status=status, retry_after=7)
    response = toggle(client)
    assert response.status_code == status
    assert response.headers['Retry-After'] == '7'
    assert active(client) is False
    assert client.log(ONLINE)[-1]['fault'] == 'status' and client.log(ONLINE)[-1]['status'] == status
    # count defaults to 1: the next call goes through.
    assert toggle(client).json() == ['']
    assert active(client) is True


def test_status_fault_with_http_date_and_body(client):
    add_fault(client, method='*', kind='status', status=429, retry_after='Wed, 21 Oct 2026 07:28:00 GMT', body={'Reason': 'throttled'})
    response = client.call(ONLINE, 'GetEngineStatus')
    assert response.headers['Retry-After'] == 'Wed, 21 Oct 2026 07:28:00 GMT'
    assert response.json() == {'Reason': 'throttled'}


def test_500_default_body(client):
    add_fault(client, kind='status', status=500)
    response = toggle(client)
    assert response.status_code == 500
    body = response.json()
    assert set(body) == {'Error', 'ErrorType', 'ErrorMessage', 'ErrorSource'} and body['ErrorMessage']
    assert 'Retry-After' not in response.headers
    assert active(client) is False


def test_421_wrong_subdomain(client):
    add_fault(client, kind='status', status=421)
    response = toggle(client)
    assert response.status_code == 421
    assert response.text == 'Wrong subdomain used to access tenant'
    assert response.headers['Content-Type'].startswith('text/plain')


def test_html_login_page(client):
    add_fault(client, kind='html')
    response = client.call(ONLINE, 'GetAllConnections')
    assert response.status_code == 200
    assert response.headers['Content-Type'].startswith('text/html')
    assert '<html' in response.text and 'password' in response.text


def test_html_fault_status(client):
    add_fault(client, kind='html', status=403)
    response = toggle(client)
    assert response.status_code == 403 and response.headers['Content-Type'].startswith('text/html')
    assert active(client) is False


def test_drop_after_apply_applies(client):
    add_fault(client, method=TOGGLE, kind='drop_after_apply')
    with pytest.raises(requests.exceptions.ConnectionError):
        toggle(client)
    assert active(client) is True  # the write happened although the client saw no answer
    entry = client.log(ONLINE)[-1]
    assert (entry['method'], entry['fault'], entry['status']) == (TOGGLE, 'drop_after_apply', None)


def test_drop_before_apply_does_not_apply(client):
    add_fault(client, method=TOGGLE, kind='drop_before_apply')
    with pytest.raises(requests.exceptions.ConnectionError):
        toggle(client)
    assert active(client) is False
    assert toggle(client).json() == ['']  # the same session recovers on a new connection


def test_delay_fault(client):
    add_fault(client, method='GetEngineStatus', kind='delay', seconds=0.3)
    start = time.monotonic()
    response = client.call(ONLINE, 'GetEngineStatus')
    assert time.monotonic() - start >= 0.3
    assert response.status_code == 200 and 'IsRunning' in response.json()
    assert client.log(ONLINE)[-1]['fault'] == 'delay'


def test_null_fault_does_not_apply(client):
    add_fault(client, method='SaveConnection', kind='null')
    response = client.call(ONLINE, 'SaveConnection', {'Connection': {'ErpConnectorId': 1, 'DisplayName': 'x'}})
    assert response.status_code == 200 and response.text == 'null'
    assert len(client.state(ONLINE)['connections']) == 4


def test_matching_count_and_order(client):
    add_fault(client, method='GetEngineStatus', kind='status', status=503, count=2)
    add_fault(client, method='*', kind='status', status=502)
    assert toggle(client).status_code == 502  # the first rule does not match this method; "*" does
    assert client.call(ONLINE, 'GetEngineStatus').status_code == 503
    assert client.call(ONLINE, 'GetEngineStatus').status_code == 503
    assert client.call(ONLINE, 'GetEngineStatus').status_code == 200
    assert [f['count'] for f in client.admin('GET', 'tenants/%s/faults' % ONLINE).json()] == [0, 0]


def test_faults_are_per_tenant_and_clearable(client):
    add_fault(client, kind='status', status=503, count=5)
    assert toggle(client, ONLINE2).status_code == 200
    assert client.admin('DELETE', 'tenants/%s/faults' % ONLINE).status_code == 200
    assert toggle(client).status_code == 200


def test_reset_clears_faults(client):
    add_fault(client, kind='status', status=503, count=5)
    client.admin('POST', 'tenants/%s/reset' % ONLINE)
    assert toggle(client).status_code == 200


@pytest.mark.parametrize('rule', [{'kind': 'explode'}, {'kind': 'status', 'method': 'NoSuchMethod'}, {'kind': 'status', 'count': 0},
                                  {'kind': 'status', 'status': 42}, {'kind': 'delay', 'seconds': -1}, {'kind': 'status', 'colour': 'red'},
                                  {'kind': 'status', 'retry_after': 'x\r\nSet-Cookie: a=b'}])
def test_bad_fault_rules_are_400(client, rule):
    response = client.admin('POST', 'tenants/%s/faults' % ONLINE, rule)
    assert response.status_code == 400 and response.json()['error']
