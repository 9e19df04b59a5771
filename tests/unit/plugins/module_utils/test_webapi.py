# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shared client, exercised through the smallest module (erpsync_engine_info) so results are what users see."""

import base64
import json
import socket

import pytest
import requests

from ansible_collections.superoffice.crm.plugins.modules import erpsync_engine_info
from ansible_collections.superoffice.crm.plugins.module_utils import _client as _webapi
from ansible_collections.superoffice.crm.plugins.module_utils._client import normalize_base_url, retry_after_seconds
from ansible_collections.superoffice.crm.plugins.module_utils._options import WEBAPI_ARGUMENT_SPEC

STATUS = {'IsRunning': True, 'StatusMessage': '', 'Interval': '00:05:00', 'TableRight': None, 'FieldProperties': {}}
SECRETS = dict(password='pw-Zq9!secret', ticket='7T:tIcKeT-sEcReT==', access_token='8A:Cust12345.AcCeSsToKeN', app_token='app-T0ken-secret')


def assert_no_secret(result):
    text = json.dumps(result)
    for secret in SECRETS.values():
        assert secret not in text


@pytest.mark.parametrize('url', [
    'https://crm.example.com/SuperOffice', 'https://crm.example.com/SuperOffice/', 'https://crm.example.com/SuperOffice/api',
    'https://crm.example.com/SuperOffice/api/', 'https://crm.example.com/SuperOffice/api/v1', 'https://crm.example.com/SuperOffice/API/V1/',
    '  https://crm.example.com/SuperOffice  ',
])
def test_url_forms_normalise_to_the_tenant_base(url):
    assert normalize_base_url(url) == 'https://crm.example.com/SuperOffice'


def test_online_url_keeps_context_id():
    assert normalize_base_url('https://online2.superoffice.com/Cust12345/api/v1') == 'https://online2.superoffice.com/Cust12345'


@pytest.mark.parametrize('url, words', [
    ('crm.example.com/SuperOffice', 'starting with https://'),
    ('ftp://crm.example.com', 'starting with https://'),
    ('https://user:pw@crm.example.com/SuperOffice', 'must not contain credentials'),
    ('https://crm.example.com/SuperOffice?x=1', 'query string'),
    ('', 'starting with https://'),
])
def test_bad_url_is_an_argument_error(webapi, run_module, url, words):
    result = run_module(erpsync_engine_info.main, dict(url=url))
    assert result['failed'] is True
    assert words in result['msg']
    assert 'url' in result['msg']
    assert webapi.calls == []


@pytest.mark.parametrize('connection, header', [
    (dict(username='admin', password=SECRETS['password']), 'Basic ' + base64.b64encode(b'admin:' + SECRETS['password'].encode()).decode()),
    (dict(ticket=SECRETS['ticket']), 'SOTicket ' + SECRETS['ticket']),
    (dict(access_token=SECRETS['access_token']), 'Bearer ' + SECRETS['access_token']),
])
def test_each_auth_scheme_sends_its_header(webapi, run_module, connection, header):
    connection['url'] = 'https://online2.superoffice.com/Cust12345/api/v1/'
    webapi.expect('GetEngineStatus', {}, STATUS)
    result = run_module(erpsync_engine_info.main, {}, connection=connection)
    assert result['engine']['running'] is True
    call = webapi.calls[0]
    assert call['url'] == 'https://online2.superoffice.com/Cust12345/api/v1/Agents/ErpSync/GetEngineStatus'
    assert call['headers']['Authorization'] == header
    assert call['headers']['Accept'] == 'application/json'
    assert 'SO-AppToken' not in call['headers']
    assert call['timeout'] == 30


def test_app_token_is_sent_as_so_apptoken(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, STATUS)
    run_module(erpsync_engine_info.main, {}, connection=dict(url='https://online2.superoffice.com/Cust12345',
                                                             ticket=SECRETS['ticket'], app_token=SECRETS['app_token']))
    assert webapi.calls[0]['headers']['SO-AppToken'] == SECRETS['app_token']


def test_environment_fallbacks(webapi, run_module, monkeypatch):
    monkeypatch.setenv('SUPEROFFICE_URL', 'https://env.example.com/SO/api')
    monkeypatch.setenv('SUPEROFFICE_ACCESS_TOKEN', SECRETS['access_token'])
    monkeypatch.setenv('SUPEROFFICE_TIMEOUT', '7.5')
    webapi.expect('GetEngineStatus', {}, STATUS)
    run_module(erpsync_engine_info.main, {}, connection={})
    assert webapi.calls[0]['url'] == 'https://env.example.com/SO/api/v1/Agents/ErpSync/GetEngineStatus'
    assert webapi.calls[0]['headers']['Authorization'] == 'Bearer ' + SECRETS['access_token']
    assert webapi.calls[0]['timeout'] == 7.5


def test_explicit_credential_wins_over_environment(webapi, run_module, monkeypatch):
    monkeypatch.setenv('SUPEROFFICE_USERNAME', 'envuser')
    monkeypatch.setenv('SUPEROFFICE_PASSWORD', SECRETS['password'])
    webapi.expect('GetEngineStatus', {}, STATUS)
    run_module(erpsync_engine_info.main, {}, connection=dict(url='https://x.example.com/Cust1', ticket=SECRETS['ticket']))
    assert webapi.calls[0]['headers']['Authorization'] == 'SOTicket ' + SECRETS['ticket']


def test_two_credential_variables_are_refused(webapi, run_module, monkeypatch):
    monkeypatch.setenv('SUPEROFFICE_PASSWORD', SECRETS['password'])
    monkeypatch.setenv('SUPEROFFICE_TICKET', SECRETS['ticket'])
    result = run_module(erpsync_engine_info.main, {}, connection=dict(url='https://x.example.com/Cust1'))
    assert result['failed'] is True
    assert 'Found environment variables: SUPEROFFICE_PASSWORD, SUPEROFFICE_TICKET.' in result['msg']
    assert_no_secret(result)
    assert webapi.calls == []


def test_environment_credential_is_masked_like_an_option(webapi, run_module, monkeypatch):
    monkeypatch.setenv('SUPEROFFICE_TICKET', SECRETS['ticket'])
    webapi.expect('GetEngineStatus', {}, {'ErrorMessage': 'ticket %s expired' % SECRETS['ticket']}, status=401)
    result = run_module(erpsync_engine_info.main, {}, connection=dict(url='https://x.example.com/Cust1'))
    assert result['failed'] is True
    assert_no_secret(result)


@pytest.mark.parametrize('connection, words', [
    (dict(), 'Found neither: none.'),
    (dict(username='admin', password=SECRETS['password'], ticket=SECRETS['ticket']), 'Found options: password, ticket.'),
    (dict(ticket=SECRETS['ticket'], access_token=SECRETS['access_token']), 'Found options: ticket, access_token.'),
    (dict(password=SECRETS['password']), 'password needs username'),
])
def test_credentials_must_be_exactly_one(webapi, run_module, connection, words):
    connection['url'] = 'https://crm.example.com/SuperOffice'
    result = run_module(erpsync_engine_info.main, {}, connection=connection)
    assert result['failed'] is True
    assert words in result['msg']
    assert webapi.calls == []


@pytest.mark.parametrize('status, answer, raw, headers, words', [
    (401, {'Error': True, 'ErrorType': 'UnauthorizedAccessException', 'ErrorMessage': 'Authentication failed'}, None, None,
     'HTTP 401 Unauthorized: Authentication failed: authentication with SOTicket failed: check ticket'),
    (404, None, 'Not found', {'Content-Type': 'text/plain'}, 'HTTP 404 Not Found: Not found: check url'),
    (400, {'Message': 'The request is invalid.', 'MessageDetail': 'ErpConnectionId is not an integer'}, None, None,
     'HTTP 400: The request is invalid. - ErpConnectionId is not an integer'),
    (500, {'Error': True, 'ErrorType': 'SoException', 'ErrorMessage': 'Database timeout', 'ErrorSource': 'x'}, None, None,
     'HTTP 500: Database timeout'),
    (200, None, '<html><body>Sign in</body></html>', {'Content-Type': 'text/html'}, 'answered text/html instead of JSON'),
    (200, None, 'not json at all', {'Content-Type': 'application/json'}, 'answered application/json that is not JSON (cut short or garbled)'),
    (200, {'Message': 'The request is invalid.', 'MessageDetail': 'Missing Run'}, None, None,
     'the WebAPI refused the request: The request is invalid. - Missing Run'),
    (403, {'Error': True, 'ErrorMessage': 'Access denied'}, None, None, 'Online Restricted'),
    (421, None, 'Wrong subdomain used to access tenant', {'Content-Type': 'text/plain'}, 'served from another host now'),
    (302, None, '', {'Content-Type': 'text/html', 'Location': 'https://crm.example.com/login'},
     'HTTP 302 redirect to https://crm.example.com/login: set url'),
])
def test_error_shapes(webapi, run_module, status, answer, raw, headers, words):
    webapi.expect('GetEngineStatus', {}, answer, status=status, raw=raw, headers=headers)
    result = run_module(erpsync_engine_info.main, {}, connection=dict(url='https://crm.example.com/SuperOffice', ticket=SECRETS['ticket']))
    assert result['failed'] is True
    assert result['msg'].startswith('ErpSync GetEngineStatus failed: ')
    assert words in result['msg'], result['msg']
    assert_no_secret(result)
    assert 'Traceback' not in json.dumps(result)


def test_401_ticket_without_app_token_says_so(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, {'Error': True, 'ErrorMessage': 'Authentication failed'}, status=401)
    result = run_module(erpsync_engine_info.main, {}, connection=dict(url='https://online2.superoffice.com/Cust1', ticket=SECRETS['ticket']))
    assert 'no app_token was given' in result['msg']


def test_200_null_is_handled_not_a_crash(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, None)
    result = run_module(erpsync_engine_info.main, {})
    assert result['failed'] is True
    assert 'answered null' in result['msg']


def test_error_echoing_a_secret_is_scrubbed(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, {'ErrorMessage': 'bad ticket %s for app %s' % (SECRETS['ticket'], SECRETS['app_token'])}, status=500)
    result = run_module(erpsync_engine_info.main, {}, connection=dict(url='https://x.example.com/Cust1', ticket=SECRETS['ticket'],
                                                                      app_token=SECRETS['app_token'], retries=0))
    assert 'bad ticket ******** for app ********' in result['msg'] or 'bad ticket' in result['msg']
    assert_no_secret(result)


def test_tls_failure_names_ca_path(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, error=requests.exceptions.SSLError('certificate verify failed: self-signed certificate'))
    result = run_module(erpsync_engine_info.main, {})
    assert result['failed'] is True
    assert 'TLS verification of https://crm.example.com/SuperOffice failed' in result['msg']
    assert 'ca_path' in result['msg']


def test_ca_path_and_validate_certs_reach_every_request(monkeypatch, run_module, tmp_path):
    """Passed on each request: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override a session's verify setting."""
    seen = []

    def refuse(session, url, **kwargs):
        seen.append(kwargs.get('verify'))
        raise requests.exceptions.SSLError('stop')

    monkeypatch.setattr(requests.Session, 'post', refuse)
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', str(tmp_path / 'other.pem'))
    bundle = tmp_path / 'ca.pem'
    bundle.write_text(u'x')
    run_module(erpsync_engine_info.main, dict(ca_path=str(bundle)))
    result = run_module(erpsync_engine_info.main, dict(validate_certs=False))
    run_module(erpsync_engine_info.main, {})
    assert seen == [str(bundle), False, True]
    assert any('validate_certs is false' in w for w in result['warnings'])


def test_connection_refused_is_real_and_clear(run_module, monkeypatch):
    monkeypatch.setattr('time.sleep', lambda s: None)
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    result = run_module(erpsync_engine_info.main, dict(url='http://127.0.0.1:%d/SuperOffice' % port, retries=1))
    assert result['failed'] is True
    assert 'connection to http://127.0.0.1:%d/SuperOffice failed' % port in result['msg']
    assert result['msg'].endswith('[Errno 111] Connection refused')
    assert len(result['warnings']) == 1 and 'retrying' in result['warnings'][0]


def test_429_retry_after_seconds_is_honoured(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, {'ErrorMessage': 'slow down'}, status=429, headers={'retry-after': '7'})
    webapi.expect('GetEngineStatus', {}, STATUS)
    result = run_module(erpsync_engine_info.main, {})
    assert result['engine']['running'] is True
    assert webapi.sleeps == [7.0]
    assert 'HTTP 429' in result['warnings'][0] and 'retry 1 of 3' in result['warnings'][0]


def test_retry_after_is_capped_by_retry_max_wait(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, None, status=429, headers={'Retry-After': '3600'})
    webapi.expect('GetEngineStatus', {}, STATUS)
    run_module(erpsync_engine_info.main, dict(retry_max_wait=5))
    assert webapi.sleeps == [5]


def test_429_without_retry_after_uses_backoff(webapi, run_module):
    for dummy in range(3):
        webapi.expect('GetEngineStatus', {}, None, status=503)
    webapi.expect('GetEngineStatus', {}, STATUS)
    run_module(erpsync_engine_info.main, dict(retry_max_wait=60))
    assert len(webapi.sleeps) == 3
    assert webapi.sleeps[0] == 0 and webapi.sleeps[1] <= 1 and webapi.sleeps[2] <= 3


def test_retries_exhausted_fails_with_status(webapi, run_module):
    for dummy in range(3):
        webapi.expect('GetEngineStatus', {}, None, status=502, raw='<html>Bad gateway</html>', headers={'Content-Type': 'text/html'})
    result = run_module(erpsync_engine_info.main, dict(retries=2))
    assert result['failed'] is True
    assert result['status'] == 502
    assert len(result['warnings']) == 2


def test_toggle_is_not_retried_after_503(webapi, monkeypatch):
    """A flip whose outcome is unclear must come back to the caller, which re-reads."""
    client = _client(monkeypatch)
    webapi.expect('ToggleErpConnectionActive', {'ErpConnectionId': 3}, None, status=503)
    with pytest.raises(_webapi.WebAPIError) as info:
        client.call('ToggleErpConnectionActive', {'ErpConnectionId': 3}, repeatable=False)
    assert info.value.unclear is True
    assert 'may or may not have been applied' in info.value.message


def test_toggle_is_retried_after_429(webapi, monkeypatch):
    client = _client(monkeypatch)
    webapi.expect('ToggleErpConnectionActive', {'ErpConnectionId': 3}, None, status=429, headers={'Retry-After': '1'})
    webapi.expect('ToggleErpConnectionActive', {'ErpConnectionId': 3}, [''])
    assert client.call('ToggleErpConnectionActive', {'ErpConnectionId': 3}, repeatable=False) == ['']


def test_dropped_connection_on_toggle_is_unclear(webapi, monkeypatch):
    client = _client(monkeypatch)
    webapi.expect('ToggleErpConnectionActive', {'ErpConnectionId': 3},
                  error=requests.exceptions.ConnectionError(ConnectionResetError(104, 'Connection reset by peer')))
    with pytest.raises(_webapi.WebAPIError) as info:
        client.call('ToggleErpConnectionActive', {'ErpConnectionId': 3}, repeatable=False)
    assert info.value.unclear is True
    assert 'Connection reset by peer' in info.value.message


def test_204_and_empty_body_mean_none(webapi, monkeypatch):
    client = _client(monkeypatch)
    webapi.expect('ChangeEngineInterval', {'Interval': '00:01:00'}, status=204)
    webapi.expect('DeleteConnection', {'ErpConnectionId': 1}, raw='null', status=204)
    webapi.expect('GetConnection', {'ErpConnectionId': 9}, None)
    assert client.call('ChangeEngineInterval', {'Interval': '00:01:00'}, repeatable=True) is None
    assert client.call('DeleteConnection', {'ErpConnectionId': 1}, repeatable=True) is None
    assert client.call('GetConnection', {'ErpConnectionId': 9}, repeatable=True) is None


@pytest.mark.parametrize('value, expected', [
    ('120', 120.0), (' 5 ', 5.0), ('Wed, 21 Oct 2015 07:28:00 GMT', 60.0), ('Wed, 21 Oct 2015 07:26:00 GMT', 0.0),
    ('soon', None), ('', None), (None, None),
])
def test_retry_after_parsing(value, expected):
    now = 1445412420.0  # Wed, 21 Oct 2015 07:27:00 GMT
    assert retry_after_seconds(value, now=now) == expected


class _FakeModule(object):
    def __init__(self, **params):
        self.params = dict((k, v.get('default')) for k, v in WEBAPI_ARGUMENT_SPEC.items())
        self.params.update(params)
        self.warnings = []
        self.no_log_values = set()

    def warn(self, text):
        self.warnings.append(text)

    def fail_json(self, **kwargs):
        raise AssertionError(kwargs)


def _client(monkeypatch):
    monkeypatch.setattr('time.sleep', lambda s: None)
    return _webapi.WebAPIClient(_FakeModule(url='https://crm.example.com/SuperOffice', ticket=SECRETS['ticket']))


def test_write_that_timed_out_is_in_flight(webapi):
    """The late toggle may still land: the error says so, and the caller (_plan.Applier.reconcile) waits and re-reads."""
    module = _FakeModule(url='https://crm.example.com/SuperOffice', ticket=SECRETS['ticket'], timeout=4.0, retry_max_wait=10.0)
    client = _webapi.WebAPIClient(module)
    webapi.expect('ToggleErpConnectionActive', {'ErpConnectionId': 3}, error=requests.exceptions.ReadTimeout('read timed out'))
    with pytest.raises(_webapi.WebAPIError) as info:
        client.call('ToggleErpConnectionActive', {'ErpConnectionId': 3}, repeatable=False)
    assert info.value.unclear is True
    assert info.value.in_flight is True
    assert 'within 4.0 s (timeout)' in info.value.message
    assert webapi.sleeps == []


def test_gateway_timeout_on_a_write_is_in_flight(webapi):
    module = _FakeModule(url='https://crm.example.com/SuperOffice', ticket=SECRETS['ticket'])
    client = _webapi.WebAPIClient(module)
    webapi.expect('SaveConnection', status=504)
    with pytest.raises(_webapi.WebAPIError) as info:
        client.call('SaveConnection', {'Connection': {}}, repeatable=False)
    assert info.value.unclear is True and info.value.in_flight is True


@pytest.mark.parametrize('error', [
    requests.exceptions.ConnectionError(ConnectionResetError(104, 'Connection reset by peer')),
    requests.exceptions.ConnectTimeout('connect timed out'),
])
def test_no_settling_wait_when_the_server_is_done(webapi, error):
    """A dropped connection or one never made leaves nothing running on the server: nothing in flight."""
    module = _FakeModule(url='https://crm.example.com/SuperOffice', ticket=SECRETS['ticket'], retries=0)
    client = _webapi.WebAPIClient(module)
    webapi.expect('ToggleErpConnectionActive', error=error)
    with pytest.raises(_webapi.WebAPIError) as info:
        client.call('ToggleErpConnectionActive', {'ErpConnectionId': 3}, repeatable=False)
    assert info.value.in_flight is False
    assert webapi.sleeps == [] and module.warnings == []


def test_read_that_timed_out_is_retried_without_settling(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, error=requests.exceptions.ReadTimeout('read timed out'))
    webapi.expect('GetEngineStatus', {}, STATUS)
    result = run_module(erpsync_engine_info.main, dict(timeout=1))
    assert result['engine']['running'] is True
    assert len(result['warnings']) == 1 and 'within 1.0 s (timeout); retrying' in result['warnings'][0]


@pytest.mark.parametrize('status', [401, 403, 404, 500, 502])
def test_html_page_is_reported_as_such_with_its_status(webapi, run_module, status):
    """A proxy or single sign-on page answers with HTML whatever the status; the message says so next to the status."""
    for dummy in range(2 if status == 502 else 1):
        webapi.expect('GetEngineStatus', {}, raw='<html><body>Sign in to continue</body></html>', status=status,
                      headers={'Content-Type': 'text/html; charset=utf-8'})
    result = run_module(erpsync_engine_info.main, dict(retries=1))
    assert result['failed'] is True and result['status'] == status
    assert 'HTTP %d' % status in result['msg']
    assert 'with an HTML page instead of JSON (a proxy, firewall or login page may be in the way)' in result['msg'], result['msg']


@pytest.mark.parametrize('connection, option', [
    (dict(url='https://crm.example.com/SuperOffice', ticket='7T:dGlja2V0\n'), 'ticket'),
    (dict(url='https://online2.superoffice.com/Cust1', access_token='8A:Cust1.token\r\nX-Injected: 1'), 'access_token'),
    (dict(url='https://online2.superoffice.com/Cust1', ticket=SECRETS['ticket'], app_token='app\tToken'), 'app_token'),
])
def test_header_values_with_line_breaks_fail_before_any_request(webapi, run_module, connection, option):
    """requests refuses such header values at send time with a traceback; name the option instead, never the value."""
    result = run_module(erpsync_engine_info.main, {}, connection=connection)
    assert result['failed'] is True
    assert result['msg'].startswith('%s contains a line break or another control character' % option)
    assert webapi.calls == []
    assert 'dGlja2V0' not in result['msg'] and 'token' not in result['msg'].split(' contains')[0].replace(option, '')


def test_ticket_from_the_environment_is_checked_too(webapi, run_module, monkeypatch):
    monkeypatch.setenv('SUPEROFFICE_TICKET', '7T:dGlja2V0\n')
    result = run_module(erpsync_engine_info.main, {}, connection=dict(url='https://crm.example.com/SuperOffice'))
    assert result['failed'] is True and result['msg'].startswith('ticket contains a line break')
    assert webapi.calls == []


def test_missing_ca_path_fails_before_any_request(webapi, run_module, tmp_path):
    missing = str(tmp_path / 'no-such-bundle.pem')
    result = run_module(erpsync_engine_info.main, dict(ca_path=missing))
    assert result['failed'] is True
    assert result['msg'].startswith('ca_path %s does not exist' % missing)
    assert webapi.calls == []


def test_ca_path_is_not_checked_when_certificates_are_not_verified(webapi, run_module, tmp_path):
    webapi.expect('GetEngineStatus', {}, STATUS)
    result = run_module(erpsync_engine_info.main, dict(ca_path=str(tmp_path / 'unused.pem'), validate_certs=False))
    assert result['engine']['running'] is True
