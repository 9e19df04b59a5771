# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator's SOAP front-end (emulator/soap.py): same tenants, same rules, SOAP 1.1 and 1.2 on the wire."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.superoffice.crm.plugins.modules import erpsync_engine, erpsync_engine_info

from .conftest import APP_TOKEN, ACCESS_TOKEN, ONLINE, ONSITE, ONSITE_PASSWORD, ONSITE_TICKET, ONSITE_USER, SECRETS, TICKET, VISMA_SECRET

ENV = {'1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope'}
CONTENT_TYPE = {'1.1': 'text/xml; charset=utf-8', '1.2': 'application/soap+xml; charset=utf-8'}
NS = 'http://www.superoffice.net/ws/crm/NetServer/Services%d'
XSI_NIL = '{http://www.w3.org/2001/XMLSchema-instance}nil'
SEED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'seeds')


def request_xml(method, inner='', number=88, version='1.1', ticket=ONSITE_TICKET, app_token=None, header=None):
    ns = NS % number
    if header is None:
        header = ('<ApplicationToken>%s</ApplicationToken>' % app_token if app_token else '') + (
            '<Credentials><Ticket>%s</Ticket></Credentials>' % ticket if ticket else '')
    return ('<s:Envelope xmlns:s="%s" xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">'
            '<s:Header xmlns="%s">%s</s:Header><s:Body><%s xmlns="%s">%s</%s></s:Body></s:Envelope>') % (
        ENV[version], ns, header, method, ns, inner, method)


def soap(client, tenant, method, inner='', number=88, version='1.1', service='ErpSync', action=True, raw=None, content_type=None, **kwargs):
    """POST one SOAP request; returns the requests.Response."""
    headers = {'Content-Type': content_type or CONTENT_TYPE[version]}
    uri = '%s/%s/%s' % (NS % number, service, method)
    if action and version == '1.1':
        headers['SOAPAction'] = '"%s"' % uri
    elif action:
        headers['Content-Type'] += '; action="%s"' % uri
    data = raw if raw is not None else request_xml(method, inner, number, version, **kwargs).encode('utf-8')
    return client.session.post(client.url('/%s/Remote/Services%d/%s.svc' % (tenant, number, service)), data=data, headers=headers, timeout=10)


def local(tag):
    return tag.rsplit('}', 1)[-1]


def simple(elem):
    """An answer element as plain Python, for assertions: nil None, children dicts (or lists when repeated), text."""
    if elem.get(XSI_NIL) == 'true':
        return None
    children = list(elem)
    if not children:
        return elem.text or ''
    names = [local(c.tag) for c in children]
    if len(set(names)) < len(names) or names[0] in ('string', 'int', 'ErpConnection', 'ListItem', 'FieldMetadata', 'StringKeyValuePair'):
        return [simple(c) for c in children]
    return dict((local(c.tag), simple(c)) for c in children)


def answer(response, version='1.1'):
    """-> (headers dict, the <Method>Response element)."""
    assert response.headers['Content-Type'] == CONTENT_TYPE[version], response.text
    root = ET.fromstring(response.content)
    assert root.tag == '{%s}Envelope' % ENV[version]
    header = root.find('{%s}Header' % ENV[version])
    body = root.find('{%s}Body' % ENV[version])
    return dict((local(c.tag), simple(c)) for c in header), body[0]


def ok(response, version='1.1'):
    assert response.status_code == 200, response.text
    headers, payload = answer(response, version)
    assert headers['Succeeded'] == 'true' and headers['ExceptionInfo'] is None, headers
    result = payload.find('{*}Response')
    return None if result is None else simple(result)


def fault(response, version='1.1'):
    headers, payload = answer(response, version)
    assert local(payload.tag) == 'Fault'
    if version == '1.1':
        return payload.find('faultcode').text.split(':')[1], payload.find('faultstring').text
    code = payload.find('{%s}Code' % ENV['1.2'])
    sub = code.find('{%s}Subcode/{%s}Value' % (ENV['1.2'], ENV['1.2']))
    value = (sub if sub is not None else code.find('{%s}Value' % ENV['1.2'])).text.split(':')[1]
    return value, payload.find('{%s}Reason/{%s}Text' % (ENV['1.2'], ENV['1.2'])).text


# -- the seed pages, replayed ---------------------------------------------------------------------------------------

def seed(prefix):
    name = next(n for n in os.listdir(SEED_DIR) if n.startswith(prefix))
    with open(os.path.join(SEED_DIR, name), encoding='utf-8') as handle:
        request, response = re.findall(r'```xml\n(.*?)```', handle.read(), re.S)
    return request.strip(), ET.fromstring(response.strip())


def names(elem):
    return [(local(c.tag), names(c)) for c in elem]


@pytest.mark.parametrize('prefix, method, replace', [
    ('000', 'ChangeEngineStatus', {}),
    ('002', 'GetEngineStatus', {}),
    ('003', 'ToggleErpConnectionActive', {'>0</ErpSync:ErpConnectionId>': '>2</ErpSync:ErpConnectionId>'}),
])
def test_seed_requests_are_answered_with_the_seed_response_shape(client, prefix, method, replace):
    text, sample = seed(prefix)
    # Only values change: the emulator offers Services84..88 (not the seeds' 75/83), knows its own ticket and ids,
    # and reads headers inside <Header> (the seeds put them directly under Envelope: a doc generator quirk).
    text = re.sub(r'NetServer/Services\d+', 'NetServer/Services88', text).replace('7T:1234abcxyzExample==', ONSITE_TICKET)
    for old, new in replace.items():
        text = text.replace(old, new)
    text = text.replace('<ErpSync:ApplicationToken>', '<SOAP-ENV:Header><ErpSync:ApplicationToken>').replace(
        '</ErpSync:Credentials>', '</ErpSync:Credentials></SOAP-ENV:Header>')
    response = soap(client, ONSITE, method, version='1.2', raw=text.encode('utf-8'))
    assert response.status_code == 200
    headers, payload = answer(response, '1.2')
    assert headers['Succeeded'] == 'true'
    want = sample.find('{%s}Body' % ENV['1.2'])[0]
    assert local(payload.tag) == local(want.tag) == method + 'Response'
    got = names(payload)
    carrier = [(n, c) for n, c in names(payload[0]) if n not in ('TableRight', 'FieldProperties')]
    assert [n for n, dummy in got] == [n for n, dummy in names(want)] == ['Response']
    assert carrier == names(want[0])
    assert client.log(ONSITE)[-1]['method'] == method


def test_seed_request_with_headers_outside_header_is_not_authenticated(client):
    text, dummy = seed('002')
    text = re.sub(r'NetServer/Services\d+', 'NetServer/Services88', text).replace('7T:1234abcxyzExample==', ONSITE_TICKET)
    headers, payload = answer(soap(client, ONSITE, 'GetEngineStatus', version='1.2', raw=text.encode('utf-8')), '1.2')
    assert headers['Succeeded'] == 'false'
    assert headers['ExceptionInfo']['ExceptionType'] == 'SoSecurityException'


# -- the methods, typed, on both SOAP versions ---------------------------------------------------------------------------

@pytest.mark.parametrize('version', ['1.1', '1.2'])
def test_engine_status_and_interval(client, version):
    status = ok(soap(client, ONSITE, 'GetEngineStatus', version=version), version)
    assert status == {'TableRight': {'Mask': 'FULL', 'Reason': ''}, 'FieldProperties': '', 'IsRunning': 'true',
                      'StatusMessage': 'Running', 'Interval': 'P1DT1H'}
    assert ok(soap(client, ONSITE, 'ChangeEngineInterval', '<Interval>PT10M</Interval>', version=version), version) is None
    assert client.state(ONSITE)['engine']['interval_seconds'] == 600
    assert ok(soap(client, ONSITE, 'GetEngineStatus', version=version), version)['Interval'] == 'PT10M'


@pytest.mark.parametrize('inner, message', [
    ('<Interval>P1Y</Interval>', "Interval 'P1Y' is not a TimeSpan"),
    ('<Interval>PT0S</Interval>', "Interval '00:00:00' must be at least one second"),
    ('', "The required parameter 'Interval' is missing."),
])
def test_bad_interval_is_refused_in_exception_info(client, inner, message):
    headers, dummy = answer(soap(client, ONSITE, 'ChangeEngineInterval', inner))
    assert headers['Succeeded'] == 'false' and message in headers['ExceptionInfo']['Message']


def test_change_engine_status_answers_the_carrier(client):
    assert ok(soap(client, ONLINE, 'ChangeEngineStatus', '<Run>true</Run>', ticket=TICKET, app_token=APP_TOKEN))['IsRunning'] == 'false'
    assert client.state(ONLINE)['engine']['pending']['run'] is True


def test_connections_round_trip(client):
    listed = ok(soap(client, ONSITE, 'GetAllConnections', '<IncludeDeleted>true</IncludeDeleted>'))
    assert [c['ErpConnectionId'] for c in listed] == ['1', '2', '3', '4']
    assert listed[0]['ConfigFields'] == '' and listed[2]['Deleted'] == 'true'
    one = ok(soap(client, ONSITE, 'GetConnection', '<ErpConnectionId>1</ErpConnectionId>'))
    assert {'Key': 'ClientSecret', 'Value': VISMA_SECRET} in one['ConfigFields']  # this tenant has readable Password fields
    assert one['UserGroupAccessIds'] == '' and one['Active'] == 'true'
    assert ok(soap(client, ONSITE, 'GetConnection', '<ErpConnectionId>99</ErpConnectionId>')) is None
    saved = ok(soap(client, ONSITE, 'SaveConnection', (
        '<Connection><ErpConnectionId>0</ErpConnectionId><ErpConnectorId>2</ErpConnectorId><DisplayName>SOAP &amp; co</DisplayName>'
        '<DisplayDescription i:nil="true" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"/><Active>false</Active><ConnectionId/>'
        '<ConfigFields><StringKeyValuePair><Key>ConsumerToken</Key><Value>c-secret</Value></StringKeyValuePair></ConfigFields>'
        '<AllAccess>false</AllAccess><UserGroupAccessIds><a:int>3</a:int><a:int>1</a:int></UserGroupAccessIds></Connection>')))
    assert (saved['ErpConnectionId'], saved['DisplayName'], saved['UserGroupAccessIds']) == ('5', 'SOAP & co', ['3', '1'])
    stored = client.connection(ONSITE, 5)
    assert stored['ConfigFields'] == {'ConsumerToken': 'c-secret'} and stored['DisplayDescription'] == '' and stored['AllAccess'] is False
    assert ok(soap(client, ONSITE, 'ToggleErpConnectionActive', '<ErpConnectionId>5</ErpConnectionId>')) == ['']
    assert ok(soap(client, ONSITE, 'TestConnectionById', '<ErpConnectionId>5</ErpConnectionId>')) == 'false'  # EmployeeToken missing
    assert ok(soap(client, ONSITE, 'GetErpConnectionConfigFields', '<ErpConnectionId>5</ErpConnectionId>')) == [
        {'Key': 'ConsumerToken', 'Value': 'c-secret'}]
    assert ok(soap(client, ONSITE, 'DeleteConnection', '<ErpConnectionId>5</ErpConnectionId>')) is None
    assert client.connection(ONSITE, 5)['Deleted'] is True
    connectors = ok(soap(client, ONSITE, 'GetAllConnectors'))
    assert connectors[0] == {'Id': '1', 'Name': 'Visma.net', 'ToolTip': 'https://connectors.example.com/vismanet/ErpConnector.svc'}
    fields = ok(soap(client, ONSITE, 'GetConfigurationFields', '<ErpConnectorId>2</ErpConnectorId>'))
    assert [f['FieldKey'] for f in fields] == ['ConsumerToken', 'EmployeeToken']


def test_toggle_failure_reasons_and_refused_save(client):
    reasons = ok(soap(client, ONLINE, 'ToggleErpConnectionActive', '<ErpConnectionId>4</ErpConnectionId>', ticket=TICKET, app_token=APP_TOKEN))
    assert reasons == ['Mandatory field CompanyId has no value.', 'No field mappings for actor type Customer.']
    headers, payload = answer(soap(client, ONSITE, 'SaveConnection', '<Connection><ErpConnectorId>42</ErpConnectorId></Connection>'))
    assert headers['Succeeded'] == 'false'
    assert headers['ExceptionInfo']['Message'] == 'ErpConnector 42 does not exist.' and headers['ExceptionInfo']['ExceptionType'] == 'SoException'
    assert list(payload) == []


def test_wrong_value_type_is_a_deserialization_fault(client):
    response = soap(client, ONSITE, 'GetConnection', '<ErpConnectionId>five</ErpConnectionId>')
    assert response.status_code == 500
    assert fault(response) == ('DeserializationFailed', "The value 'five' of ErpConnectionId is not a valid Int32.")


# -- Services versions ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('number', [84, 85, 86, 87])
@pytest.mark.parametrize('method', ['GetAllConnections', 'GetAllConnectors'])
@pytest.mark.parametrize('version', ['1.1', '1.2'])
def test_list_methods_are_missing_before_services88(client, number, method, version):
    response = soap(client, ONSITE, method, number=number, version=version)
    assert response.status_code == 500
    code, reason = fault(response, version)
    assert code == 'ActionNotSupported'
    assert "Action '%s/ErpSync/%s'" % (NS % number, method) in reason and 'ContractFilter mismatch' in reason
    assert client.log(ONSITE)[-1]['method'] == method


def test_older_services_answer_the_other_methods(client):
    assert ok(soap(client, ONSITE, 'GetConnection', '<ErpConnectionId>2</ErpConnectionId>', number=86))['DisplayName'] == 'Visma test'
    headers, payload = answer(soap(client, ONSITE, 'GetEngineStatus', number=84))
    assert payload.tag == '{%s}GetEngineStatusResponse' % (NS % 84) and headers['Succeeded'] == 'true'


@pytest.mark.parametrize('path', ['/SuperOffice/Remote/Services83/ErpSync.svc', '/SuperOffice/Remote/Services89/ErpSync.svc',
                                  '/SuperOffice/Remote/Services88/Contact.svc', '/SuperOffice/Remote/Latest/ErpSync.svc'])
def test_unknown_services_and_versions_are_404(client, path):
    response = client.session.post(client.url(path), data=request_xml('GetEngineStatus'), headers={'Content-Type': CONTENT_TYPE['1.1']})
    assert response.status_code == 404


def test_namespace_must_match_the_address(client):
    response = soap(client, ONSITE, 'GetEngineStatus', raw=request_xml('GetEngineStatus', number=86).encode(), action=False)
    assert fault(response)[0] == 'ActionNotSupported'


def test_soap_action_must_match_the_body(client):
    response = client.session.post(client.url('/SuperOffice/Remote/Services88/ErpSync.svc'), data=request_xml('GetEngineStatus'),
                                   headers={'Content-Type': CONTENT_TYPE['1.1'], 'SOAPAction': '"%s/ErpSync/DeleteConnection"' % (NS % 88)})
    assert fault(response)[0] == 'ActionNotSupported'


def test_disabled_methods_and_unknown_methods_are_action_not_supported(client):
    assert fault(soap(client, ONSITE, 'BreakActorLink'))[0] == 'ActionNotSupported'
    assert fault(soap(client, ONSITE, 'getenginestatus'))[0] == 'ActionNotSupported'  # WCF actions are case-sensitive


# -- SOAP versions and hardening -----------------------------------------------------------------------------------------------

def test_wrong_content_type_is_415(client):
    response = soap(client, ONSITE, 'GetEngineStatus', content_type='application/json', action=False)
    assert response.status_code == 415
    assert "was not the expected type 'text/xml; charset=utf-8'" in response.text


@pytest.mark.parametrize('sent, declared', [('1.2', '1.1'), ('1.1', '1.2')])
def test_envelope_of_the_other_version_is_a_version_mismatch(client, sent, declared):
    raw = request_xml('GetEngineStatus', version=sent).encode()
    response = soap(client, ONSITE, 'GetEngineStatus', raw=raw, content_type=CONTENT_TYPE[declared], action=False)
    assert response.status_code == 500
    assert fault(response, declared)[0] == 'VersionMismatch'


def test_dtd_in_a_request_is_refused_unparsed(client):
    raw = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' + request_xml(
        'GetEngineStatus', inner='&b;').encode()
    response = soap(client, ONSITE, 'GetEngineStatus', raw=raw)
    assert response.status_code == 400
    assert fault(response) == ('DeserializationFailed', 'DTD is prohibited in this XML document.')


def test_get_shows_the_service_page_and_other_verbs_are_405(client):
    assert client.session.get(client.url('/SuperOffice/Remote/Services88/ErpSync.svc'), timeout=10).status_code == 200
    assert client.session.put(client.url('/SuperOffice/Remote/Services88/ErpSync.svc'), timeout=10).status_code == 405


# -- auth: the same rules as the JSON front-end ---------------------------------------------------------------------------------

@pytest.mark.parametrize('tenant, kwargs, message', [
    (ONSITE, dict(ticket=None), 'no credentials'),
    (ONSITE, dict(ticket='7T:bm90LWEtdGlja2V0'), 'ticket is invalid'),
    (ONLINE, dict(ticket=TICKET), 'ApplicationToken is missing'),
    (ONLINE, dict(ticket=TICKET, app_token='wrong'), 'ApplicationToken is invalid'),
])
def test_refused_credentials(client, tenant, kwargs, message):
    response = soap(client, tenant, 'GetEngineStatus', **kwargs)
    assert response.status_code == 200
    headers, payload = answer(response)
    assert headers['Succeeded'] == 'false' and headers['ExceptionInfo']['ExceptionType'] == 'SoSecurityException'
    assert message in headers['ExceptionInfo']['Message']
    assert list(payload) == []
    for secret in SECRETS:
        assert secret not in response.text


def test_online_with_ticket_and_application_token(client):
    assert ok(soap(client, ONLINE, 'GetEngineStatus', ticket=TICKET, app_token=APP_TOKEN))['StatusMessage'] == 'Idle'
    entry = client.log(ONLINE)[-1]
    assert (entry['method'], entry['auth'], entry['app_token'], entry['status']) == ('GetEngineStatus', 'SOTicket', True, 200)


def login(client, tenant, method, inner, **kwargs):
    response = soap(client, tenant, method, inner, service='SoPrincipal', ticket=None, **kwargs)
    assert response.status_code == 200
    headers, payload = answer(response)
    assert local(payload.tag) == 'AuthenticateResponse'
    result = dict((local(c.tag), simple(c)) for c in payload)
    return result['AuthenticationSucceeded'] == 'true', (result['Credentials'] or {}).get('Ticket')


def test_username_password_login_gives_a_working_ticket(client):
    succeeded, ticket = login(client, ONSITE, 'AuthenticateUsernamePassword',
                              '<UserName>%s</UserName><Password>%s</Password>' % (ONSITE_USER, ONSITE_PASSWORD))
    assert succeeded and ticket.startswith('7T:')
    assert login(client, ONSITE, 'AuthenticateUsernamePassword',
                 '<UserName>%s</UserName><Password>%s</Password>' % (ONSITE_USER, ONSITE_PASSWORD))[1] == ticket  # one per user
    assert ok(soap(client, ONSITE, 'GetEngineStatus', ticket=ticket))['IsRunning'] == 'true'
    entry = client.log(ONSITE)[-2]
    assert (entry['method'], entry['body']) == ('AuthenticateUsernamePassword', {'UserName': ONSITE_USER})
    assert entry['path'] == '/SuperOffice/Remote/Services88/SoPrincipal.svc'
    assert ONSITE_PASSWORD not in json.dumps(client.log())
    client.admin('POST', 'tenants/%s/reset' % ONSITE)
    headers, dummy = answer(soap(client, ONSITE, 'GetEngineStatus', ticket=ticket))
    assert headers['Succeeded'] == 'false'  # sessions end with a reset


@pytest.mark.parametrize('tenant, method, inner, kwargs', [
    (ONSITE, 'AuthenticateUsernamePassword', '<UserName>%s</UserName><Password>wrong</Password>' % ONSITE_USER, {}),
    (ONLINE, 'AuthenticateUsernamePassword', '<UserName>admin</UserName><Password>online-basic-secret</Password>', {}),
    (ONSITE, 'AuthenticateWithAccessToken', '<AccessToken>%s</AccessToken>' % ACCESS_TOKEN, {}),
])
def test_refused_logins(client, tenant, method, inner, kwargs):
    assert login(client, tenant, method, inner, **kwargs) == (False, None)


def test_access_token_login_on_online(client):
    succeeded, ticket = login(client, ONLINE, 'AuthenticateWithAccessToken', '<AccessToken>%s</AccessToken>' % ACCESS_TOKEN, app_token=APP_TOKEN)
    assert succeeded
    assert ok(soap(client, ONLINE, 'GetEngineStatus', ticket=ticket, app_token=APP_TOKEN))['IsRunning'] == 'false'
    assert ACCESS_TOKEN not in json.dumps(client.log())


def test_soprincipal_has_only_the_login_methods(client):
    assert fault(soap(client, ONSITE, 'GetEngineStatus', service='SoPrincipal'))[0] == 'ActionNotSupported'


# -- the request log and faults ------------------------------------------------------------------------------------------------------

def test_request_log_masks_password_config(client):
    client.admin('PUT', 'tenants/%s/engine' % ONLINE, {'running': False})
    soap(client, ONLINE, 'SaveConnection', '<Connection><ErpConnectionId>2</ErpConnectionId><ErpConnectorId>1</ErpConnectorId>'
         '<ConfigFields><StringKeyValuePair><Key>ClientSecret</Key><Value>%s</Value></StringKeyValuePair>'
         '<StringKeyValuePair><Key>Note</Key><Value>n</Value></StringKeyValuePair></ConfigFields></Connection>' % VISMA_SECRET,
         ticket=TICKET, app_token=APP_TOKEN)
    entry = client.log(ONLINE)[-1]
    assert entry['method'] == 'SaveConnection'
    assert entry['body']['Connection']['ConfigFields'] == {'ClientSecret': '********', 'Note': 'n'}
    assert VISMA_SECRET not in json.dumps(client.log())


def test_injected_faults_apply_to_soap_calls(client):
    client.admin('POST', 'tenants/%s/faults' % ONSITE, {'method': 'GetEngineStatus', 'kind': 'status', 'status': 503})
    assert soap(client, ONSITE, 'GetEngineStatus').status_code == 503
    assert ok(soap(client, ONSITE, 'GetEngineStatus'))['IsRunning'] == 'true'
    assert [e['fault'] for e in client.log(ONSITE)] == ['status', None]


# -- the collection's modules against the SOAP front-end ---------------------------------------------------------------------------

@pytest.fixture
def soap_env(monkeypatch):
    for name in ('API', 'SERVICES_VERSION', 'SOAP_VERSION'):
        monkeypatch.delenv('SUPEROFFICE_' + name, raising=False)


@pytest.mark.parametrize('soap_version', ['1.1', '1.2'])
def test_modules_over_soap_detect_log_in_once_and_stay_idempotent(client, run_module, soap_env, soap_version):
    connection = dict(url=client.url('/' + ONSITE), api='soap', soap_version=soap_version, username=ONSITE_USER, password=ONSITE_PASSWORD)
    result = run_module(erpsync_engine.main, dict(interval='PT30M', state='running'), connection=connection)
    assert result['changed'] is True and result['engine']['interval'] == '00:30:00'
    assert [(e['http_method'], e['method']) for e in client.log(ONSITE)] == [
        ('GET', None), ('POST', 'AuthenticateUsernamePassword'), ('POST', 'GetEngineStatus'), ('POST', 'ChangeEngineInterval')]
    client.admin('DELETE', 'requests')
    again = run_module(erpsync_engine.main, dict(interval='00:30:00', state='running'), connection=connection)
    assert again['changed'] is False
    assert [e['method'] for e in client.log(ONSITE)] == [None, 'AuthenticateUsernamePassword', 'GetEngineStatus']
    by_ticket = dict(connection, services_version='Services86', username=None, password=None, ticket=ONSITE_TICKET)
    info = run_module(erpsync_engine_info.main, {}, connection=by_ticket)
    assert info['engine']['interval_seconds'] == 1800
    assert client.log(ONSITE)[-1]['path'] == '/SuperOffice/Remote/Services86/ErpSync.svc'
