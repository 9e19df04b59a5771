# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP-level behaviour: routing, content negotiation, XML, keep-alive, concurrency."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import http.client
import json
import threading
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
import requests

from .conftest import AUTH, ONLINE, ONLINE2, ONSITE

NS = '{http://www.superoffice.net/ws/crm/NetServer/Services88}'


def rest_error(response, status, error_type=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {'Error', 'ErrorType', 'ErrorMessage', 'ErrorSource'}
    assert body['Error'] is True
    if error_type:
        assert body['ErrorType'] == error_type
    return body


def test_unknown_tenant_is_404(client):
    body = rest_error(client.session.post(client.url('/Cust99999/api/v1/Agents/ErpSync/GetEngineStatus'), headers=AUTH[ONLINE]), 404)
    assert 'Cust99999' in body['ErrorMessage']
    rest_error(client.session.get(client.url('/Cust99999/api')), 404)


def test_unknown_method_and_path_are_404(client):
    body = rest_error(client.call(ONLINE, 'NoSuchMethod', {}), 404, 'HttpException')
    assert 'No HTTP resource' in body['ErrorMessage']
    rest_error(client.session.post(client.url('/%s/api/v1/Agents/Other/GetEngineStatus' % ONLINE), headers=AUTH[ONLINE]), 404)
    rest_error(client.session.get(client.url('/')), 404)


def test_disabled_method_is_404_like_an_older_server(client):
    rest_error(client.call(ONLINE2, 'GetAllConnectors'), 404, 'HttpException')
    assert client.call(ONLINE, 'GetAllConnectors').status_code == 200
    version = client.session.get(client.url('/%s/api' % ONLINE2)).json()
    assert (version['NetServerVersion'], version['ServicesCurrent'], version['Services']) == ('10.2.0.0', 'Services87', 'Services87')


def test_routing_is_case_insensitive(client):
    response = client.session.post(client.url('/cust12345/API/V1/agents/erpsync/getenginestatus'), headers=AUTH[ONLINE])
    assert response.status_code == 200 and 'IsRunning' in response.json()
    assert client.log()[-1]['method'] == 'GetEngineStatus' and client.log()[-1]['tenant'] == ONLINE


def test_get_describes_the_method(client):
    response = client.call(ONLINE, 'ToggleErpConnectionActive', http_method='GET')
    assert response.status_code == 200
    body = response.json()
    assert body['Method'] == 'ToggleErpConnectionActive' and body['HttpMethod'] == 'POST'
    assert 'POST' in body['Description']
    assert client.connection(ONLINE, 2)['Active'] is False


def test_other_verbs_are_405(client):
    response = client.call(ONLINE, 'GetEngineStatus', http_method='PUT')
    rest_error(response, 405)
    assert response.headers['Allow'] == 'GET, POST'


@pytest.mark.parametrize('accept, content_type', [
    (None, 'application/json'),
    ('application/json; charset=utf-8', 'application/json'),
    ('text/json', 'text/json'),
    ('*/*', 'application/json'),
    ('application/xml', 'application/xml'),
    ('text/xml', 'text/xml'),
    ('application/xml;q=0.5, application/json', 'application/json'),
    ('application/json;q=0.2, text/xml;q=0.9', 'text/xml'),
    ('image/png, */*;q=0.1', 'application/json'),
])
def test_content_negotiation(client, accept, content_type):
    headers = {'Accept': accept} if accept else {}
    response = client.call(ONLINE, 'GetEngineStatus', headers=headers)
    assert response.status_code == 200
    assert response.headers['Content-Type'] == content_type + '; charset=utf-8'


@pytest.mark.parametrize('accept', ['image/png', 'text/html', 'application/json;q=0, application/xml;q=0'])
def test_not_acceptable(client, accept):
    body = rest_error(client.call(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 2}, headers={'Accept': accept}), 406)
    assert 'JSON' in body['ErrorMessage'] and 'XML' in body['ErrorMessage']
    assert client.connection(ONLINE, 2)['Active'] is False  # refused before applying


def test_xml_engine_status(client):
    response = client.call(ONLINE, 'GetEngineStatus', headers={'Accept': 'application/xml'})
    root = ET.fromstring(response.content)
    assert root.tag == NS + 'ErpSyncEngineStatus'
    assert [child.tag[len(NS):] for child in root] == ['IsRunning', 'StatusMessage', 'Interval', 'TableRight', 'FieldProperties']
    assert root.find(NS + 'IsRunning').text == 'false'
    assert root.find(NS + 'Interval').text == '00:05:00'
    assert root.find(NS + 'TableRight/' + NS + 'Mask').text == 'FULL'


def test_xml_connection_list_and_dictionary(client):
    response = client.call(ONLINE, 'GetAllConnections', {'IncludeDeleted': True}, headers={'Accept': 'text/xml'})
    root = ET.fromstring(response.content)
    assert root.tag == NS + 'ArrayOfErpConnection'
    assert [c.find(NS + 'ErpConnectionId').text for c in root] == ['1', '2', '3', '4']
    conn = ET.fromstring(client.call(ONLINE, 'GetConnection', {'ErpConnectionId': 1}, headers={'Accept': 'text/xml'}).content)
    pairs = dict((kv.find(NS + 'Key').text, kv.find(NS + 'Value').text or '') for kv in conn.find(NS + 'ConfigFields'))
    assert pairs['CompanyId'] == '1234567' and pairs['ClientSecret'] == ''
    toggled = ET.fromstring(client.call(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 2}, headers={'Accept': 'text/xml'}).content)
    assert toggled.tag == '{http://schemas.microsoft.com/2003/10/Serialization/Arrays}ArrayOfstring'
    assert [s.text or '' for s in toggled] == ['']


def test_xml_null_and_error(client):
    nil = ET.fromstring(client.call(ONLINE, 'GetConnection', {'ErpConnectionId': 999}, headers={'Accept': 'text/xml'}).content)
    assert nil.tag == NS + 'ErpConnection'
    assert nil.get('{http://www.w3.org/2001/XMLSchema-instance}nil') == 'true'
    error = ET.fromstring(client.call(ONLINE, 'GetConnection', {}, headers={'Accept': 'text/xml'}).content)
    assert error.tag == NS + 'Error' and error.find(NS + 'Message').text == 'The request is invalid.'


def test_select_nulls_out_other_fields(client):
    response = client.session.post(client.url('/%s/api/v1/Agents/ErpSync/GetAllConnections?$select=ErpConnectionId,active' % ONLINE),
                                   headers=AUTH[ONLINE], json={'IncludeDeleted': False})
    first = response.json()[0]
    assert (first['ErpConnectionId'], first['Active'], first['DisplayName'], first['ConfigFields']) == (1, True, None, None)


def test_keep_alive_and_204_framing(emulator_server):
    # Several requests on one raw connection, a 204 (no body) among them.
    parts = urlsplit(emulator_server.base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    headers = dict(AUTH[ONSITE], **{'Content-Type': 'application/json'})
    try:
        for dummy in range(2):
            conn.request('POST', '/%s/api/v1/Agents/ErpSync/ChangeEngineInterval' % ONSITE, body='{"Interval": "25:00:00"}', headers=headers)
            response = conn.getresponse()
            assert response.status == 400 and response.getheader('Content-Length')
            response.read()
            conn.request('POST', '/%s/api/v1/Agents/ErpSync/ChangeEngineInterval' % ONSITE, body='{"Interval": "1.01:00:00"}', headers=headers)
            response = conn.getresponse()
            assert response.status == 204 and response.read() == b''
            assert response.getheader('Connection') != 'close'
            conn.request('POST', '/%s/api/v1/Agents/ErpSync/GetEngineStatus' % ONSITE, headers=headers)
            response = conn.getresponse()
            assert json.loads(response.read())['Interval'] == '1.01:00:00'
        assert conn.sock is not None  # never reconnected
    finally:
        conn.close()


def test_chunked_request_body(emulator_server):
    parts = urlsplit(emulator_server.base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.request('POST', '/%s/api/v1/Agents/ErpSync/GetConnection' % ONSITE, body=iter([b'{"ErpConnec', b'tionId": 2}']),
                     headers=dict(AUTH[ONSITE], **{'Content-Type': 'application/json'}), encode_chunked=True)
        assert json.loads(conn.getresponse().read())['ErpConnectionId'] == 2
    finally:
        conn.close()


def test_concurrent_clients(client):
    errors = []

    def worker(index):
        try:
            with requests.Session() as session:
                for dummy in range(5):
                    tenant = ONLINE if index % 2 else ONSITE
                    response = session.post(client.url('/%s/api/v1/Agents/ErpSync/GetAllConnections' % tenant), headers=AUTH[tenant], timeout=10)
                    assert response.status_code == 200 and len(response.json()) == 3
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(client.log()) == 500
