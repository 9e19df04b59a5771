# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The SOAP transport: seed envelopes, REST-shaped answers, faults, hardened parsing, SoPrincipal login.

The SOAP seeds put ApplicationToken and Credentials directly under Envelope (a doc generator quirk); the client
sends them inside <Header>, where WCF reads message headers. ``normalise_seed`` moves them there, and that is the
only change made to a seed before the comparison. The seeds' xsi:type attributes are not compared either: the
client sends document/literal without them, as WCF's own clients do.
"""

import json
import os
import re
from xml.etree import ElementTree

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from ansible_collections.superoffice.crm.plugins.module_utils import _soap
from ansible_collections.superoffice.crm.plugins.module_utils._agent import ErpSyncAPI
from ansible_collections.superoffice.crm.plugins.module_utils._resources.engine import engine_facts
from ansible_collections.superoffice.crm.plugins.module_utils._soap import (
    SOAP_ENVELOPES, SoapTransport, build_envelope, duration_to_seconds, from_xml, safe_fromstring, seconds_to_duration, services_name)
from ansible_collections.superoffice.crm.plugins.module_utils._client import WebAPIClient
from ansible_collections.superoffice.crm.plugins.module_utils._options import WEBAPI_ARGUMENT_SPEC
from ansible_collections.superoffice.crm.plugins.module_utils._base import Secrets, WebAPIError
from ansible_collections.superoffice.crm.plugins.modules import erpsync_engine, erpsync_engine_info, erpsync_sync_priority

SEED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'emulator', 'seeds')
XSI_TYPE = '{http://www.w3.org/2001/XMLSchema-instance}type'
NS88 = 'http://www.superoffice.net/ws/crm/NetServer/Services88'
BASE = 'https://crm.example.com/SuperOffice'
TICKET = '7T:c29hcC10aWNrZXQtc2VjcmV0'
LOGIN_TICKET = '7T:bG9naW4tdGlja2V0LXNlY3JldA=='
PASSWORD = 'soap-Passw0rd-secret'
APP_TOKEN = 'soap-app-token-secret'
ENGINE = '<IsRunning>true</IsRunning><StatusMessage>Running</StatusMessage><Interval>PT5M</Interval>'


@pytest.fixture(autouse=True)
def no_soap_env(monkeypatch):
    for name in ('API', 'SERVICES_VERSION', 'SOAP_VERSION', 'PASSWORD', 'TICKET', 'ACCESS_TOKEN', 'SYSTEM_USER_TOKEN'):
        monkeypatch.delenv('SUPEROFFICE_' + name, raising=False)


# -- seeds ---------------------------------------------------------------------------------------

def seed_envelopes(prefix):
    name = next(n for n in os.listdir(SEED_DIR) if n.startswith(prefix))
    with open(os.path.join(SEED_DIR, name), encoding='utf-8') as handle:
        request, response = re.findall(r'```xml\n(.*?)```', handle.read(), re.S)
    return ElementTree.fromstring(request.strip()), response.strip().encode('utf-8')


def rest_seed_response(prefix):
    """The JSON answer of a REST seed page (its sample response)."""
    name = next(n for n in os.listdir(SEED_DIR) if n.startswith(prefix))
    with open(os.path.join(SEED_DIR, name), encoding='utf-8') as handle:
        text = handle.read()
    rest = text[text.index('HTTP/1.1 200 OK'):]
    return json.JSONDecoder().raw_decode(rest[rest.index('{'):])[0]


def normalise_seed(envelope):
    """Move the header elements the seeds put directly under Envelope into a <Header>, as sent on the wire."""
    namespace = envelope.tag[:envelope.tag.index('}') + 1]
    header = ElementTree.Element(namespace + 'Header')
    for child in [c for c in envelope if c.tag != namespace + 'Body']:
        envelope.remove(child)
        header.append(child)
    envelope.insert(0, header)
    return envelope


def shape(elem):
    """Element names (with namespace), stripped text and attributes other than xsi:type, recursively and in order."""
    attributes = dict((k, v) for k, v in elem.attrib.items() if k != XSI_TYPE)
    return (elem.tag, (elem.text or '').strip(), attributes, [shape(child) for child in elem])


SOAP_SEEDS = [
    ('000', 'Services75', 'ChangeEngineStatus', {'Run': False}),
    ('002', 'Services83', 'GetEngineStatus', None),
    ('003', 'Services86', 'ToggleErpConnectionActive', {'ErpConnectionId': 0}),
]


@pytest.mark.parametrize('prefix, services, method, body', SOAP_SEEDS)
def test_built_request_matches_seed_envelope(prefix, services, method, body):
    seed, dummy = seed_envelopes(prefix)
    built = ElementTree.fromstring(build_envelope('1.2', services, method, body, ticket='7T:1234abcxyzExample==', app_token='1234567-1234-9876'))
    assert shape(built) == shape(normalise_seed(seed))


@pytest.mark.parametrize('prefix, services, method, body', SOAP_SEEDS)
def test_soap11_request_differs_from_the_seed_only_in_the_envelope_namespace(prefix, services, method, body):
    seed, dummy = seed_envelopes(prefix)
    text = build_envelope('1.1', services, method, body, ticket='7T:1234abcxyzExample==', app_token='1234567-1234-9876')
    assert SOAP_ENVELOPES['1.2'].encode() not in text
    built = ElementTree.fromstring(text.replace(SOAP_ENVELOPES['1.1'].encode(), SOAP_ENVELOPES['1.2'].encode()))
    assert shape(built) == shape(normalise_seed(seed))


def test_normalisation_is_only_the_header_move():
    seed, dummy = seed_envelopes('000')
    before = [child.tag.split('}')[1] for child in seed]
    after = [child.tag.split('}')[1] for child in normalise_seed(seed)]
    assert before == ['ApplicationToken', 'Credentials', 'Body']
    assert after == ['Header', 'Body']
    assert [c.tag.split('}')[1] for c in seed[0]] == ['ApplicationToken', 'Credentials']


class FakeClient(object):
    def __init__(self, **params):
        self.params = dict((k, v.get('default')) for k, v in WEBAPI_ARGUMENT_SPEC.items())
        self.params.update(params)
        self.base_url = BASE
        self.credential = 'ticket'
        self.secrets = Secrets()
        self.verify = True


def parse(method, xml, status=200, services='Services88', soap_version='1.1'):
    transport = SoapTransport(FakeClient(soap_version=soap_version, services_version=services), 'SOTicket ' + TICKET)
    response = requests.Response()
    response.status_code = status
    response._content = xml if isinstance(xml, bytes) else xml.encode('utf-8')
    return transport.parse(response, method)


@pytest.mark.parametrize('soap_prefix, method, rest_prefix', [('000', 'ChangeEngineStatus', '001'), ('002', 'GetEngineStatus', '004')])
def test_seed_engine_answers_parse_like_their_rest_counterparts(soap_prefix, method, rest_prefix):
    dummy, response = seed_envelopes(soap_prefix)
    answer = parse(method, response)
    assert answer.structured and not answer.refused
    # The seed's values are generator filler: false, '' and an empty duration (no value, so None).
    assert answer.data == {'IsRunning': False, 'StatusMessage': '', 'Interval': None}
    rest = rest_seed_response(rest_prefix)
    # Same members as REST except the read-only carrier metadata the SOAP sample leaves out; same JSON types.
    assert set(rest) - set(answer.data) == {'TableRight', 'FieldProperties'}
    for key in answer.data:
        if answer.data[key] is not None:
            assert type(answer.data[key]) is type(rest[key]), key  # pylint: disable=unidiomatic-typecheck
    assert set(engine_facts(answer.data)) == set(engine_facts(rest))
    assert engine_facts(answer.data)['running'] is False


def test_seed_toggle_answer_is_a_list_of_blank_strings_meaning_success():
    dummy, response = seed_envelopes('003')
    answer = parse('ToggleErpConnectionActive', response, services='Services86')
    assert answer.data == ['']

    class Client(object):
        @staticmethod
        def call(method, body, **kwargs):
            assert (method, body) == ('ToggleErpConnectionActive', {'ErpConnectionId': 5})
            return answer.data
    assert ErpSyncAPI(Client()).toggle_connection_active(5) == []


# -- answers in REST shape ---------------------------------------------------------------------------

def soap_answer(method, inner=None, header='', version='1.1', services='Services88', response=True):
    """A WCF-like answer: no xsi:type, headers inside <Header>."""
    payload = '' if inner is None else ('<Response>%s</Response>' % inner if response else inner)
    return ('<s:Envelope xmlns:s="%s" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
            '<s:Header>%s</s:Header><s:Body><%sResponse xmlns="http://www.superoffice.net/ws/crm/NetServer/%s">%s</%sResponse>'
            '</s:Body></s:Envelope>') % (SOAP_ENVELOPES[version], header, method, services, payload, method)


CONNECTION_XML = (
    '<TableRight><Mask>FULL</Mask><Reason/></TableRight><FieldProperties/>'
    '<ErpConnectionId>7</ErpConnectionId><ErpConnectorId>2</ErpConnectorId><DisplayName>Visma &amp; Co</DisplayName>'
    '<DisplayDescription i:nil="true"/><Active>true</Active><ConnectionId>6f2b8d1e</ConnectionId><MostRecentTimestamp/>'
    '<ConfigFields><StringKeyValuePair><Key>ApiUrl</Key><Value>https://x/</Value></StringKeyValuePair>'
    '<StringKeyValuePair><Key>Secret</Key><Value/></StringKeyValuePair></ConfigFields>'
    '<Deleted>false</Deleted><AllAccess>false</AllAccess>'
    '<UserGroupAccessIds xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays"><a:int>2</a:int><a:int>5</a:int></UserGroupAccessIds>'
    '<AssociateAccessIds xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays"/>')
CONNECTION = {
    'TableRight': {'Mask': 'FULL', 'Reason': ''}, 'FieldProperties': {},
    'ErpConnectionId': 7, 'ErpConnectorId': 2, 'DisplayName': 'Visma & Co', 'DisplayDescription': None, 'Active': True,
    'ConnectionId': '6f2b8d1e', 'MostRecentTimestamp': '', 'ConfigFields': {'ApiUrl': 'https://x/', 'Secret': ''},
    'Deleted': False, 'AllAccess': False, 'UserGroupAccessIds': [2, 5], 'AssociateAccessIds': [],
}


@pytest.mark.parametrize('method, inner, expected', [
    ('GetEngineStatus', ENGINE, {'IsRunning': True, 'StatusMessage': 'Running', 'Interval': '00:05:00'}),
    ('GetEngineStatus', '<IsRunning>false</IsRunning><StatusMessage/><Interval>P1DT2H3M4S</Interval>',
     {'IsRunning': False, 'StatusMessage': '', 'Interval': '1.02:03:04'}),
    ('GetConnection', CONNECTION_XML, CONNECTION),
    ('SaveConnection', CONNECTION_XML, CONNECTION),
    ('GetAllConnections', '<ErpConnection>%s</ErpConnection>' % CONNECTION_XML, [CONNECTION]),
    ('GetAllConnections', '', []),
    ('GetErpConnectionConfigFields', '<StringKeyValuePair><Key>A</Key><Value>1</Value></StringKeyValuePair>', {'A': '1'}),
    ('GetErpConnectionConfigFields', '', {}),
    ('GetAllConnectors', '<ListItem><Id>3</Id><Name>Tripletex</Name><ToolTip>https://t/</ToolTip></ListItem>',
     [{'Id': 3, 'Name': 'Tripletex', 'ToolTip': 'https://t/'}]),
    ('GetConfigurationFields', '<FieldMetadata><FieldKey>Pw</FieldKey><Rank>1</Rank><FieldType>Password</FieldType>'
     '<MaxLength>0</MaxLength><Access>Mandatory</Access><ShowInSearch>false</ShowInSearch></FieldMetadata>',
     [{'FieldKey': 'Pw', 'Rank': 1, 'FieldType': 'Password', 'MaxLength': 0, 'Access': 'Mandatory', 'ShowInSearch': False}]),
    ('ToggleErpConnectionActive', '<a:string xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">No mapping</a:string>',
     ['No mapping']),
    ('TestConnectionById', 'true', True),
    ('TestConnectionById', 'false', False),
])
def test_answers_come_back_in_rest_shape(method, inner, expected):
    answer = parse(method, soap_answer(method, inner))
    assert (answer.data, answer.structured, answer.refused) == (expected, True, False)


@pytest.mark.parametrize('xml', [
    soap_answer('GetConnection', '<Response i:nil="true"/>', response=False),
    soap_answer('ChangeEngineInterval'),
])
def test_nil_and_void_answers_are_none(xml):
    answer = parse('GetConnection', xml)
    assert (answer.data, answer.structured, answer.refused) == (None, True, False)


def test_soap12_answers_parse_the_same():
    answer = parse('GetEngineStatus', soap_answer('GetEngineStatus', ENGINE, version='1.2'), soap_version='1.2')
    assert answer.data['Interval'] == '00:05:00'


# -- requests -------------------------------------------------------------------------------------------

def body_of(envelope):
    root = ElementTree.fromstring(envelope)
    return root.find('{%s}Body' % SOAP_ENVELOPES['1.1'])[0]


def test_save_connection_is_sent_in_wsdl_order_without_read_only_metadata():
    connection = dict(reversed(list(CONNECTION.items())))
    connection['ConfigFields'] = {'ApiUrl': 'https://x/?a=1&b=<2>', 'Secret': 's3cret'}
    method = body_of(build_envelope('1.1', 'Services88', 'SaveConnection', {'Connection': connection}, TICKET))
    sent = method[0]
    names = [child.tag.split('}')[1] for child in sent]
    assert names == list(_soap.MEMBER_ORDER)
    assert from_xml(sent.find('{%s}ConfigFields' % NS88)) == connection['ConfigFields']
    ids = sent.find('{%s}UserGroupAccessIds' % NS88)
    assert [(c.tag, c.text) for c in ids] == [('{http://schemas.microsoft.com/2003/10/Serialization/Arrays}int', '2'),
                                              ('{http://schemas.microsoft.com/2003/10/Serialization/Arrays}int', '5')]
    nil = sent.find('{%s}DisplayDescription' % NS88)
    assert nil.get('{http://www.w3.org/2001/XMLSchema-instance}nil') == 'true'


@pytest.mark.parametrize('timespan, duration', [('00:10:00', 'PT10M'), ('1.00:00:00', 'P1D'), ('1.02:03:04', 'P1DT2H3M4S'), ('00:00:30', 'PT30S')])
def test_change_engine_interval_sends_xs_duration(timespan, duration):
    method = body_of(build_envelope('1.1', 'Services88', 'ChangeEngineInterval', {'Interval': timespan}, TICKET))
    assert method[0].text == duration


@pytest.mark.parametrize('seconds, duration', [(300, 'PT5M'), (0, 'PT0S'), (86400, 'P1D'), (93784, 'P1DT2H3M4S'), (3600, 'PT1H'), (61, 'PT1M1S')])
def test_xs_duration_both_ways(seconds, duration):
    assert seconds_to_duration(seconds) == duration
    assert duration_to_seconds(duration) == seconds


@pytest.mark.parametrize('text, seconds', [('PT1.9S', 1), ('pt5m', 300), ('P2D', 172800), ('PT36H', 129600),
                                           ('P1Y', None), ('P1M', None), ('-PT5M', None), ('PT', None), ('P', None), ('', None), ('5', None)])
def test_xs_duration_parsing_edges(text, seconds):
    assert duration_to_seconds(text) == seconds


def test_unknown_duration_text_passes_through_and_blank_is_none():
    assert parse('GetEngineStatus', soap_answer('GetEngineStatus', '<Interval>P1Y</Interval>')).data == {'Interval': 'P1Y'}
    assert parse('GetEngineStatus', soap_answer('GetEngineStatus', '<Interval/>')).data == {'Interval': None}


@pytest.mark.parametrize('value, name', [('Services88', 'Services88'), ('services86', 'Services86'), ('84', 'Services84'), (' Services88 ', 'Services88')])
def test_services_version_forms(value, name):
    assert services_name(value) == name


@pytest.mark.parametrize('value', ['', 'Services', 'v1', 'Services8.8', None])
def test_bad_services_version(value):
    with pytest.raises(ValueError, match='services_version'):
        services_name(value)


# -- hardened parsing -------------------------------------------------------------------------------------

BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
                  + b''.join(b' <!ENTITY lol%d "%s">\n' % (i, (b'&lol%d;' % (i - 1) if i > 1 else b'&lol;') * 10) for i in range(1, 10))
                  + b']>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x>&lol9;</x></s:Body></s:Envelope>')


def test_billion_laughs_is_refused_without_expansion(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError('the XML parser must not see a DTD')
    monkeypatch.setattr(ElementTree, 'fromstring', never)
    monkeypatch.setattr(ElementTree, 'XMLParser', never)
    answer = parse('GetEngineStatus', BILLION_LAUGHS)
    assert answer.refused and 'DOCTYPE or ENTITY' in answer.error_text
    with pytest.raises(ValueError, match='no XML entity expansion'):
        safe_fromstring(b'<?xml version="1.0"?><!-- --><!ENTITY x SYSTEM "file:///etc/passwd"><a/>')


@pytest.mark.parametrize('raw', [b'<!doctype x><x/>', b'<! DOCTYPE x><x/>', '<?xml version="1.0" encoding="utf-16"?><x/>'.encode('utf-16')])
def test_other_dtd_spellings_and_utf16_are_refused(raw):
    with pytest.raises(ValueError):
        safe_fromstring(raw)


def test_non_xml_answer_is_unstructured():
    answer = parse('GetEngineStatus', b'<html><body>Log in</body>')
    assert not answer.structured and not answer.refused


# -- faults and Succeeded=false ---------------------------------------------------------------------------------

FAULT11 = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
           '<faultcode xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none">a:%s</faultcode>'
           '<faultstring xml:lang="en-US">%s</faultstring></s:Fault></s:Body></s:Envelope>')
FAULT12 = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value>'
           '<s:Subcode><s:Value xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none">a:%s</s:Value></s:Subcode></s:Code>'
           '<s:Reason><s:Text xml:lang="en-US">%s</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>')
ACTION = "The message with Action 'x' cannot be processed at the receiver, due to a ContractFilter mismatch at the EndpointDispatcher."


@pytest.mark.parametrize('template', [FAULT11, FAULT12])
def test_action_not_supported_fault_names_services_version(template):
    answer = parse('GetAllConnections', template % ('ActionNotSupported', ACTION), status=500)
    assert answer.refused
    assert answer.error_text.startswith('ActionNotSupported: The message with Action')
    assert 'ErpSync service of Services88 has no method GetAllConnections: check services_version' in answer.error_text


def test_version_mismatch_fault_names_soap_version():
    answer = parse('GetEngineStatus', FAULT11.replace('a:%s', 's:%s') % ('VersionMismatch', 'Wrong envelope'), status=500)
    assert answer.error_text == 'VersionMismatch: Wrong envelope; the endpoint speaks the other SOAP version: set soap_version to 1.2'


@pytest.mark.parametrize('soap_version, other', [('1.1', '1.2'), ('1.2', '1.1')])
def test_http_415_names_soap_version(soap_version, other):
    text = "Cannot process the message because the content type 'x' was not the expected type 'y'."
    answer = parse('GetEngineStatus', text, status=415, soap_version=soap_version)
    assert answer.error_text == text + '; the endpoint expects the other SOAP version: set soap_version to ' + other


EXCEPTION = ('<ExceptionInfo xmlns="%s"><Message>ErpConnection 5 is active</Message><StackTrace/><FriendlyText/>'
             '<ExceptionType>SoException</ExceptionType><Source/><InnerException i:nil="true"/><Parameters i:nil="true"/></ExceptionInfo>'
             '<ExtraInfo xmlns="%s" i:nil="true"/><Succeeded xmlns="%s">false</Succeeded>') % (NS88, NS88, NS88)


def test_succeeded_false_with_exception_info_is_refused():
    answer = parse('SaveConnection', soap_answer('SaveConnection', None, header=EXCEPTION))
    assert (answer.refused, answer.error_text) == (True, 'SoException: ErpConnection 5 is active')


def test_succeeded_false_without_details_is_refused():
    answer = parse('SaveConnection', soap_answer('SaveConnection', CONNECTION_XML, header='<Succeeded xmlns="%s">false</Succeeded>' % NS88))
    assert answer.refused and 'Succeeded=false' in answer.error_text


def test_empty_exception_info_and_succeeded_true_are_fine():
    header = '<ExceptionInfo xmlns="%s" i:nil="true"/><Succeeded xmlns="%s">true</Succeeded>' % (NS88, NS88)
    answer = parse('GetEngineStatus', soap_answer('GetEngineStatus', ENGINE, header=header))
    assert not answer.refused and answer.data['IsRunning'] is True


# -- through the modules: a fake SOAP server --------------------------------------------------------------------

class FakeSoapServer(object):
    """Stands in for requests.Session.post/get; answers queued (service, method) expectations in order."""

    def __init__(self):
        self.expected = []
        self.calls = []
        self.probe = (200, {'ServicesCurrent': 'Services88', 'Services': 'Services87'})
        self.probes = []

    def expect(self, service, method, answer=None, status=200, raw=None, content_type='text/xml; charset=utf-8'):
        self.expected.append((service, method, answer, status, raw, content_type))
        return self

    def post(self, session, url, data=None, headers=None, timeout=None, **kwargs):
        root = ElementTree.fromstring(data)
        envelope_ns = root.tag[1:root.tag.index('}')]
        body = root.find('{%s}Body' % envelope_ns)[0]
        method = body.tag.split('}')[1]
        sent = dict(session.headers)
        sent.update(headers or {})
        header = root.find('{%s}Header' % envelope_ns)
        values = dict((child.tag.split('}')[1], from_xml(child)) for child in body)
        self.calls.append(dict(url=url, method=method, headers=sent, body=values, data=data, timeout=timeout,
                               soap_headers=dict((c.tag.split('}')[1], from_xml(c)) for c in header)))
        assert self.expected, 'unexpected SOAP request %s %s' % (url, method)
        service, want, answer, status, raw, content_type = self.expected.pop(0)
        assert (url.rsplit('/', 1)[1], method) == (service + '.svc', want)
        response = requests.Response()
        response.status_code = status
        response.url = url
        response.headers = CaseInsensitiveDict({'Content-Type': content_type})
        response._content = (raw if raw is not None else soap_answer(method, answer, services=url.split('/')[-2])).encode('utf-8')
        return response

    def get(self, session, url, timeout=None, **kwargs):
        self.probes.append(url)
        response = requests.Response()
        response.status_code, payload = self.probe
        response.headers = CaseInsensitiveDict({'Content-Type': 'application/json'})
        response._content = json.dumps(payload).encode('utf-8') if payload is not None else b'Not found'
        return response

    @property
    def methods(self):
        return [c['method'] for c in self.calls]


@pytest.fixture
def soap(monkeypatch):
    fake = FakeSoapServer()

    def post(session, url, **kwargs):
        return fake.post(session, url, **kwargs)

    def get(session, url, **kwargs):
        return fake.get(session, url, **kwargs)
    monkeypatch.setattr(requests.Session, 'post', post)
    monkeypatch.setattr(requests.Session, 'get', get)
    monkeypatch.setattr('time.sleep', lambda seconds: None)
    yield fake
    assert not fake.expected, 'expected SOAP requests were not made: %s' % [e[1] for e in fake.expected]


def soap_connection(**extra):
    connection = dict(url=BASE + '/api/v1', api='soap', ticket=TICKET, services_version='Services88')
    connection.update(extra)
    return connection


def test_engine_info_over_soap_11(soap, run_module):
    soap.expect('ErpSync', 'GetEngineStatus', ENGINE)
    result = run_module(erpsync_engine_info.main, {}, connection=soap_connection(app_token=APP_TOKEN))
    assert result['engine'] == {'running': True, 'status_message': 'Running', 'interval': '00:05:00', 'interval_seconds': 300}
    call = soap.calls[0]
    assert call['url'] == BASE + '/Remote/Services88/ErpSync.svc'
    assert call['headers']['Content-Type'] == 'text/xml; charset=utf-8'
    assert call['headers']['SOAPAction'] == '"http://www.superoffice.net/ws/crm/NetServer/Services88/ErpSync/GetEngineStatus"'
    assert 'Authorization' not in call['headers'] and 'SO-AppToken' not in call['headers']
    assert call['soap_headers'] == {'ApplicationToken': APP_TOKEN, 'Credentials': {'Ticket': TICKET}}
    assert soap.probes == []
    assert TICKET not in json.dumps(result) and APP_TOKEN not in json.dumps(result)


def test_engine_info_over_soap_12(soap, run_module):
    soap.expect('ErpSync', 'GetEngineStatus', ENGINE)
    run_module(erpsync_engine_info.main, {}, connection=soap_connection(soap_version='1.2'))
    call = soap.calls[0]
    assert call['headers']['Content-Type'] == ('application/soap+xml; charset=utf-8; '
                                               'action="http://www.superoffice.net/ws/crm/NetServer/Services88/ErpSync/GetEngineStatus"')
    assert 'SOAPAction' not in call['headers']
    assert SOAP_ENVELOPES['1.2'].encode() in call['data']


@pytest.mark.parametrize('probe, services', [
    ({'ServicesCurrent': 'Services86', 'Services': 'Services85'}, 'Services86'),
    ({'Services': 'Services85'}, 'Services85'),
])
def test_services_version_is_detected_once(soap, run_module, probe, services):
    soap.probe = (200, probe)
    soap.expect('ErpSync', 'GetEngineStatus', ENGINE).expect('ErpSync', 'ChangeEngineInterval')
    result = run_module(erpsync_engine.main, dict(interval='600', state='running'),
                        connection=soap_connection(services_version=None))
    assert result['changed'] is True
    assert soap.probes == [BASE + '/api']
    assert [c['url'] for c in soap.calls] == [BASE + '/Remote/%s/ErpSync.svc' % services] * 2


@pytest.mark.parametrize('probe', [(404, None), (200, {'Version': '8.0'}), (200, {'ServicesCurrent': 'latest'})])
def test_failed_detection_names_the_option(soap, run_module, probe):
    soap.probe = probe
    result = run_module(erpsync_engine_info.main, {}, connection=soap_connection(services_version=None))
    assert result['failed'] is True
    assert 'Could not detect the SOAP Services version' in result['msg']
    assert 'services_version' in result['msg'] and 'SUPEROFFICE_SERVICES_VERSION' in result['msg']
    assert soap.calls == []


def test_bad_services_version_option(soap, run_module):
    result = run_module(erpsync_engine_info.main, {}, connection=soap_connection(services_version='v8'))
    assert result['failed'] is True and 'services_version must look like Services88' in result['msg']


def test_change_engine_interval_over_soap(soap, run_module):
    soap.expect('ErpSync', 'GetEngineStatus', ENGINE).expect('ErpSync', 'ChangeEngineInterval')
    result = run_module(erpsync_engine.main, dict(interval='00:10:00'), connection=soap_connection())
    assert result['changed'] is True and result['engine']['interval'] == '00:10:00'
    assert b'<ChangeEngineInterval xmlns="%s"><Interval>PT10M</Interval></ChangeEngineInterval>' % NS88.encode() in soap.calls[1]['data']


def test_unchanged_engine_run_is_one_read(soap, run_module):
    soap.expect('ErpSync', 'GetEngineStatus', ENGINE)
    result = run_module(erpsync_engine.main, dict(interval='PT5M', state='running'), connection=soap_connection())
    assert result['changed'] is False
    assert soap.methods == ['GetEngineStatus']


LOGIN_OK = ('<Response><Associate>ERPAdmin</Associate><AssociateId>5</AssociateId></Response>'
            '<Credentials><Ticket>%s</Ticket></Credentials><AuthenticationSucceeded>true</AuthenticationSucceeded>' % LOGIN_TICKET)
LOGIN_REFUSED = '<Response i:nil="true"/><Credentials i:nil="true"/><AuthenticationSucceeded>false</AuthenticationSucceeded>'


def login_answer(inner):
    return soap_answer('Authenticate', inner, response=False)


def test_password_is_exchanged_for_a_ticket_once(soap, run_module):
    soap.expect('SoPrincipal', 'AuthenticateUsernamePassword', raw=login_answer(LOGIN_OK))
    soap.expect('ErpSync', 'GetEngineStatus', ENGINE).expect('ErpSync', 'ChangeEngineInterval')
    result = run_module(erpsync_engine.main, dict(interval='PT10M'),
                        connection=soap_connection(ticket=None, username='ERPAdmin', password=PASSWORD))
    assert result['changed'] is True
    login = soap.calls[0]
    assert login['url'] == BASE + '/Remote/Services88/SoPrincipal.svc'
    assert login['headers']['SOAPAction'] == '"http://www.superoffice.net/ws/crm/NetServer/Services88/SoPrincipal/AuthenticateUsernamePassword"'
    assert login['body'] == {'UserName': 'ERPAdmin', 'Password': PASSWORD}
    assert login['soap_headers'] == {}
    assert 'Authorization' not in login['headers']
    assert [c['soap_headers'] for c in soap.calls[1:]] == [{'Credentials': {'Ticket': LOGIN_TICKET}}] * 2
    assert LOGIN_TICKET not in json.dumps(result) and PASSWORD not in json.dumps(result)


def test_access_token_is_exchanged_at_soprincipal(soap, run_module):
    soap.expect('SoPrincipal', 'AuthenticateWithAccessToken', raw=login_answer(LOGIN_OK))
    soap.expect('ErpSync', 'GetEngineStatus', ENGINE)
    run_module(erpsync_engine_info.main, {}, connection=soap_connection(ticket=None, access_token='8A:Cust1.token', app_token=APP_TOKEN))
    assert soap.calls[0]['body'] == {'AccessToken': '8A:Cust1.token'}
    assert soap.calls[0]['soap_headers'] == {'ApplicationToken': APP_TOKEN}
    assert soap.calls[1]['soap_headers'] == {'ApplicationToken': APP_TOKEN, 'Credentials': {'Ticket': LOGIN_TICKET}}


def test_refused_login_is_a_clear_error(soap, run_module):
    soap.expect('SoPrincipal', 'AuthenticateUsernamePassword', raw=login_answer(LOGIN_REFUSED))
    result = run_module(erpsync_engine_info.main, {}, connection=soap_connection(ticket=None, username='ERPAdmin', password=PASSWORD))
    assert result['failed'] is True
    assert result['msg'].startswith('SOAP login failed: Services88/SoPrincipal AuthenticateUsernamePassword did not authenticate: check username and password')
    assert PASSWORD not in json.dumps(result)


def test_login_transport_failure_names_soprincipal(soap, run_module):
    soap.expect('SoPrincipal', 'AuthenticateUsernamePassword', status=500, raw=FAULT11 % ('InternalServiceFault', 'boom'))
    result = run_module(erpsync_engine_info.main, {}, connection=soap_connection(ticket=None, username='ERPAdmin', password=PASSWORD))
    assert result['msg'] == 'SoPrincipal AuthenticateUsernamePassword failed: HTTP 500: InternalServiceFault: boom'


def test_fault_echoing_the_login_ticket_is_scrubbed(soap, run_module):
    soap.expect('SoPrincipal', 'AuthenticateUsernamePassword', raw=login_answer(LOGIN_OK))
    soap.expect('ErpSync', 'GetEngineStatus', status=500, raw=FAULT11 % ('InternalServiceFault', 'bad ticket ' + LOGIN_TICKET))
    result = run_module(erpsync_engine_info.main, dict(retries=0), connection=soap_connection(ticket=None, username='ERPAdmin', password=PASSWORD))
    assert result['failed'] is True and 'bad ticket ********' in result['msg'] and LOGIN_TICKET not in json.dumps(result)


def test_exception_info_becomes_the_same_error_as_rest(soap, run_module):
    soap.expect('ErpSync', 'GetEngineStatus', raw=soap_answer('GetEngineStatus', None, header=EXCEPTION))
    result = run_module(erpsync_engine_info.main, {}, connection=soap_connection())
    assert result['msg'] == 'ErpSync GetEngineStatus failed: the WebAPI refused the request: SoException: ErpConnection 5 is active'


def test_transient_soap_failure_is_retried(soap, run_module):
    soap.expect('ErpSync', 'GetEngineStatus', status=503, raw='Service Unavailable').expect('ErpSync', 'GetEngineStatus', ENGINE)
    result = run_module(erpsync_engine_info.main, {}, connection=soap_connection())
    assert result['engine']['running'] is True
    assert 'HTTP 503' in result['warnings'][0]


def test_html_answer_is_reported_like_rest(soap, run_module):
    soap.expect('ErpSync', 'GetEngineStatus', raw='<!DOCTYPE html><html><body>Log in</body></html>', content_type='text/html')
    result = run_module(erpsync_engine_info.main, {}, connection=soap_connection())
    assert result['msg'] == ('ErpSync GetEngineStatus failed: HTTP 200 answered text/html instead of SOAP XML: a proxy, firewall or '
                             'login page may be in the way of %s' % BASE)


def test_xml_answer_with_a_dtd_is_refused(soap, run_module):
    soap.expect('ErpSync', 'GetEngineStatus', raw=BILLION_LAUGHS.decode())
    result = run_module(erpsync_engine_info.main, {}, connection=soap_connection())
    assert result['msg'] == ('ErpSync GetEngineStatus failed: the WebAPI refused the request: the answer declares a DOCTYPE or ENTITY, '
                             'which is refused (no XML entity expansion)')


def make_client(**params):
    class Module(object):
        def __init__(self):
            self.params = dict((k, v.get('default')) for k, v in WEBAPI_ARGUMENT_SPEC.items())
            self.params.update(soap_connection(**params))
            self.no_log_values = set()
            self.warnings = []

        def fail_json(self, msg, **kwargs):
            raise AssertionError(msg)

        def warn(self, msg):
            self.warnings.append(msg)
    return WebAPIClient(Module())


@pytest.mark.parametrize('services', ['Services84', 'Services86', 'Services87'])
@pytest.mark.parametrize('method, call', [('GetAllConnections', lambda api: api.get_all_connections()),
                                          ('GetAllConnectors', lambda api: api.get_connectors())])
def test_list_methods_before_services88_fail_without_a_request(soap, services, method, call):
    api = ErpSyncAPI(make_client(services_version=services))
    with pytest.raises(WebAPIError) as caught:
        call(api)
    assert caught.value.message.startswith('ErpSync %s is not available over SOAP in %s: the ErpSync service has it from Services88 on. '
                                           'Use api=rest' % (method, services))
    assert 'services_version to Services88' in caught.value.message
    assert soap.calls == []


def test_connection_calls_round_trip_in_rest_shape(soap):
    api = ErpSyncAPI(make_client())
    soap.expect('ErpSync', 'GetAllConnections', '<ErpConnection>%s</ErpConnection>' % CONNECTION_XML)
    soap.expect('ErpSync', 'GetConnection', CONNECTION_XML)
    soap.expect('ErpSync', 'SaveConnection', CONNECTION_XML)
    soap.expect('ErpSync', 'ToggleErpConnectionActive', '<a:string xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays"/>')
    soap.expect('ErpSync', 'TestConnectionById', 'true')
    soap.expect('ErpSync', 'DeleteConnection')
    assert api.get_all_connections() == [CONNECTION]
    assert api.get_connection(7) == CONNECTION
    assert api.save_connection(dict(CONNECTION, ConfigFields={'ApiUrl': 'https://y/'}), 7) == CONNECTION
    assert api.toggle_connection_active(7) == []
    assert api.test_connection(7) is True
    assert api.delete_connection(7) is None
    assert [c['body'] for c in soap.calls[:2]] == [{'IncludeDeleted': False}, {'ErpConnectionId': 7}]
    saved = soap.calls[2]['body']['Connection']
    assert saved['ConfigFields'] == {'ApiUrl': 'https://y/'} and 'TableRight' not in saved and saved['UserGroupAccessIds'] == [2, 5]


def test_the_sync_priority_needs_rest_and_says_so(soap, run_module):
    """The order is read from an MDO list, which only the REST WebAPI serves: over SOAP the run fails before any write."""
    soap.expect('ErpSync', 'GetAllConnections', '<ErpConnection>%s</ErpConnection>' % CONNECTION_XML)
    result = run_module(erpsync_sync_priority.main, dict(connections=['7']), connection=soap_connection())
    assert result['failed'] is True and result['changed'] is False
    assert 'the MDO list erpconnections is read over the REST WebAPI only (GET api/v1/MDOList/erpconnections)' in result['msg']
    assert 'Use api=rest' in result['msg']
    assert soap.methods == ['GetAllConnections']
