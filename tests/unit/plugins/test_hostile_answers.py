# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A confused or hostile server: null where a list or record belongs, error objects answered with HTTP 200, valid JSON of
the wrong shape, secrets echoed back. Each must fail clearly, naming the method (and field), and never lead to a write.

Each test failed before the fix (reliability round 2): the list was read as empty and every connection created again, the
engine was taken as stopped, a refused create was reported created, the Basic credential was shown, and so on.
"""

import base64
import json
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.superoffice.crm.plugins.modules import (
    erpsync_connection, erpsync_connection_info, erpsync_connections, erpsync_engine, erpsync_engine_info)

LIST = {'IncludeDeleted': False}
PASSWORD = 's3cret-pw'
BASIC = base64.b64encode(('admin:' + PASSWORD).encode()).decode()
ERROR_OBJECT = {'Error': True, 'ErrorType': 'SoException', 'ErrorMessage': 'The database is read-only', 'ErrorSource': 'SuperOffice.Services'}
AGENT_ERROR = {'Message': 'The request is invalid.', 'MessageDetail': 'The connection is locked by another user.'}
WRITES = ('SaveConnection', 'DeleteConnection', 'ToggleErpConnectionActive', 'ChangeEngineStatus', 'ChangeEngineInterval')


def record(conn_id=7, name='Visma', active=False, **extra):
    rec = {'ErpConnectionId': conn_id, 'ErpConnectorId': 3, 'DisplayName': name, 'DisplayDescription': '', 'Active': active,
           'ConnectionId': 'guid-%d' % conn_id, 'MostRecentTimestamp': '', 'ConfigFields': {}, 'Deleted': False, 'AllAccess': True,
           'UserGroupAccessIds': [], 'AssociateAccessIds': [], 'TableRight': None, 'FieldProperties': {}}
    rec.update(extra)
    return rec


def no_write(webapi):
    return not [m for m in webapi.methods if m in WRITES]


# -- null where something was expected --------------------------------------------------------------------------

def test_null_connection_list_fails_before_creating_every_connection_again(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, None)
    result = run_module(erpsync_connections.main, dict(connections=[dict(name='Visma', connector='3')]))
    assert result['failed'] is True
    assert 'ErpSync GetAllConnections answered null' in result['msg']
    assert 'Nothing was changed' in result['msg']
    assert result['api_method'] == 'GetAllConnections'
    assert no_write(webapi)


def test_null_engine_status_is_an_error_not_a_stopped_engine(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, None)
    result = run_module(erpsync_engine.main, dict(state='running'))
    assert result['failed'] is True
    assert 'ErpSync GetEngineStatus answered null' in result['msg']
    assert no_write(webapi)


def test_null_connector_list_is_an_error(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [])
    webapi.expect('GetAllConnectors', {}, None)
    result = run_module(erpsync_connection.main, dict(name='New', connector='Visma.net'))
    assert result['failed'] is True
    assert 'ErpSync GetAllConnectors answered null' in result['msg']
    assert no_write(webapi)


# -- error objects with HTTP 200 ---------------------------------------------------------------------------------

@pytest.mark.parametrize('answer, text', [(ERROR_OBJECT, 'The database is read-only'), (AGENT_ERROR, 'locked by another user')])
def test_error_object_for_the_engine_is_not_a_stopped_engine(webapi, run_module, answer, text):
    webapi.expect('GetEngineStatus', {}, answer)
    result = run_module(erpsync_engine.main, dict(state='running'))
    assert result['failed'] is True
    assert 'ErpSync GetEngineStatus failed: the WebAPI refused the request: ' in result['msg']
    assert text in result['msg']
    assert no_write(webapi)


def test_error_object_for_a_create_is_a_refusal_not_a_created_connection(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [])
    webapi.expect('GetAllConnectors', {}, [{'Id': 3, 'Name': 'Visma.net', 'ToolTip': ''}])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, [])
    webapi.expect('SaveConnection', answer=ERROR_OBJECT)
    result = run_module(erpsync_connection.main, dict(name='New', connector='Visma.net'))
    assert result['failed'] is True
    assert result['changed'] is False
    assert result['operations'] == []
    assert 'The database is read-only' in result['msg']
    assert webapi.methods.count('SaveConnection') == 1


def test_error_object_for_a_toggle_keeps_the_server_text(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [record()])
    webapi.expect('ToggleErpConnectionActive', {'ErpConnectionId': 7}, AGENT_ERROR)
    result = run_module(erpsync_connection.main, dict(id=7, active=True))
    assert result['failed'] is True
    assert 'locked by another user' in result['msg']
    assert webapi.methods.count('ToggleErpConnectionActive') == 1


def test_error_object_for_a_connection_read_is_an_error_not_a_crash(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [])
    webapi.expect('GetConnection', {'ErpConnectionId': 9}, ERROR_OBJECT)
    result = run_module(erpsync_connection.main, dict(id=9, active=True))
    assert result['failed'] is True
    assert 'ErpSync GetConnection failed: the WebAPI refused the request: The database is read-only' in result['msg']
    assert 'Traceback' not in json.dumps(result)


def test_succeeded_false_is_an_error(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, {'Succeeded': False, 'IsRunning': True})
    result = run_module(erpsync_engine_info.main, {})
    assert result['failed'] is True
    assert 'refused the request' in result['msg']


# -- valid JSON of the wrong shape -------------------------------------------------------------------------------

@pytest.mark.parametrize('answer, words', [
    (True, 'the answer is a boolean, expected an object'),
    ('running', 'the answer is a string, expected an object'),
    ([1, 2], 'the answer is a list, expected an object'),
    ({'IsRunning': 'false', 'Interval': '00:05:00'}, 'IsRunning is a string, expected true or false'),
    ({'StatusMessage': 'x'}, 'IsRunning is missing'),
])
def test_wrong_engine_shapes_fail_naming_the_field(webapi, run_module, answer, words):
    webapi.expect('GetEngineStatus', {}, answer)
    result = run_module(erpsync_engine.main, dict(state='stopped'))
    assert result['failed'] is True
    assert 'ErpSync GetEngineStatus answered something this collection cannot use: ' + words in result['msg']
    assert no_write(webapi)


@pytest.mark.parametrize('answer, words', [
    ({'ErpConnectionId': 7}, 'the answer is an object, expected a list'),
    (['Visma', 'Tripletex'], 'item[0] is a string, expected an object'),
    ([record(ErpConnectionId='7')], 'item[0].ErpConnectionId is a string, expected a whole number'),
    ([record(Active='false')], 'item[0].Active is a string, expected true or false'),
    ([record(UserGroupAccessIds=['2'])], 'item[0].UserGroupAccessIds[0] is a string, expected a whole number'),
])
def test_wrong_connection_list_shapes_fail_before_any_write(webapi, run_module, answer, words):
    webapi.expect('GetAllConnections', LIST, answer)
    result = run_module(erpsync_connections.main, dict(connections=[dict(name='Visma', active=True)]))
    assert result['failed'] is True
    assert 'ErpSync GetAllConnections answered something this collection cannot use: ' + words in result['msg']
    assert 'Nothing was changed' in result['msg']
    assert no_write(webapi)


def test_toggle_answer_of_the_wrong_shape_fails(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [record()])
    webapi.expect('ToggleErpConnectionActive', {'ErpConnectionId': 7}, {'Result': 'ok'})
    result = run_module(erpsync_connection.main, dict(id=7, active=True))
    assert result['failed'] is True
    assert 'ToggleErpConnectionActive answered something this collection cannot use: the answer is an object, expected a list' in result['msg']


# -- secrets the server echoes back ------------------------------------------------------------------------------

@pytest.mark.parametrize('status', [200, 400, 500])
def test_reflected_basic_credential_is_masked(webapi, run_module, status):
    body = {'Message': 'The request is invalid.', 'MessageDetail': 'Rejected: Authorization: Basic %s; body' % BASIC}
    webapi.expect('GetEngineStatus', {}, body, status=status)
    result = run_module(erpsync_engine_info.main, dict(retries=0))
    assert result['failed'] is True
    text = json.dumps(result)
    assert BASIC not in text and PASSWORD not in text
    assert 'Basic ********' in result['msg']


@pytest.mark.parametrize('encode', [lambda s: json.dumps(s)[1:-1], quote, quote_plus])
def test_reflected_secret_in_other_encodings_is_masked(webapi, run_module, encode):
    """A proxy's plain-text page that echoes the ticket JSON-escaped or URL-encoded (no JSON decoding undoes it)."""
    ticket = '7T:ab"c/d!e:f=='
    webapi.expect('GetEngineStatus', {}, raw='bad ticket %s' % encode(ticket), status=400, headers={'Content-Type': 'text/plain'})
    result = run_module(erpsync_engine_info.main, dict(retries=0), connection=dict(url='https://x.example.com/Cust1', ticket=ticket))
    assert result['failed'] is True
    assert 'bad ticket ********' in result['msg']
    assert encode(ticket) not in json.dumps(result)


def test_secret_across_the_cut_is_masked_before_cutting(webapi, run_module):
    """Error text is shortened to 300 characters: masked first, so a secret on the cut never shows in part."""
    text = 'x' * 295 + PASSWORD + 'y' * 50  # the secret straddles character 300
    webapi.expect('GetEngineStatus', {}, raw=text, status=400, headers={'Content-Type': 'text/plain'})
    result = run_module(erpsync_engine_info.main, dict(retries=0))
    assert result['failed'] is True
    assert PASSWORD[:4] not in result['msg'].replace('x' * 295, '')


# -- field metadata that is missing or odd: mask every value (fail closed) ------------------------------------------

@pytest.mark.parametrize('fields', [
    None,
    [{'FieldKey': 'ApiUrl', 'FieldType': 'Text'}, {'FieldKey': 'ApiKey', 'FieldType': 'password'}],
    [{'FieldKey': 'ApiUrl', 'FieldType': 'Text'}, {'FieldKey': 'ApiKey', 'FieldType': 2}],
    [{'FieldKey': 'ApiUrl', 'FieldType': 'Text'}, {'FieldKey': 'ApiKey'}],
    [{'FieldKey': 'ApiUrl', 'FieldType': 'Text'}, {'FieldKey': 'ApiKey', 'FieldType': 'SecretText'}],
])
def test_stored_secret_is_never_shown_when_the_field_types_are_unknown_or_odd(webapi, run_module, fields):
    stored = record(ConfigFields={'ApiUrl': 'https://erp.example.com', 'ApiKey': 'Stored-Secret-9911'})
    webapi.expect('GetAllConnections', LIST, [record()])
    webapi.expect('GetConnection', {'ErpConnectionId': 7}, stored)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, fields)
    result = run_module(erpsync_connection_info.main, dict(include_config=True))
    assert 'Stored-Secret-9911' not in json.dumps(result)
    assert result['connections'][0]['config']['ApiKey'] == '********'
    if fields is None:
        assert result['connections'][0]['config']['ApiUrl'] == '********'


def test_short_secret_is_masked_in_output_without_mangling_ids(webapi, run_module):
    """A Password value of "1" is masked in this collection's output, but not handed to Ansible's no_log list, which would
    turn every 1 in ids and names into a mask."""
    fields = [{'FieldKey': 'Pin', 'FieldType': 'Password'}]
    webapi.expect('GetAllConnections', LIST, [record(conn_id=1, name='Site 1')])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, fields)
    webapi.expect('GetConnection', {'ErpConnectionId': 1}, record(conn_id=1, name='Site 1', ConfigFields={'Pin': ''}))
    webapi.expect('SaveConnection', answer=record(conn_id=1, name='Site 1', ConfigFields={'Pin': ''}))
    result = run_module(erpsync_connection.main, dict(name='Site 1', config={'Pin': '1'}))
    assert result['connection']['id'] == 1
    assert result['connection']['name'] == 'Site 1'
    assert result['connection']['config'] == {'Pin': '********'}
