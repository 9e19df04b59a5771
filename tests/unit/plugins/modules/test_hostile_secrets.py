# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Secrets a hostile or careless server shows (issue 22): echoed in the encodings a .NET server or a proxy writes (item 5),
stored in clear under field metadata that does not type them (4), in connector URLs (10), shown as a mask (12), and
vault placeholders that collide (2). Nothing of them may reach a result, a diff, a warning or a message; a masked secret
is a hidden one, never a value to compare or to send back.
"""

import base64
import html
import json

import pytest

from ansible_collections.superoffice.crm.emulator.wire import ECHO_ENCODINGS, echo, encode_text
from ansible_collections.superoffice.crm.plugins.modules import (
    erpsync_connection, erpsync_connection_info, erpsync_connector, erpsync_connector_info, erpsync_engine_info, erpsync_sync,
    erpsync_tenant_info)
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import (
    LIST, META, connection, connector_entity, connector_item, listed, mdo_item, plugin_response)

MASK = '********'
# The characters the encodings treat differently: + & < > ' / and non-ASCII.
PASSWORD = "Pa+ss/w\u00f6rd&<1>'x"
CONFIG_SECRET = "Cs+ec/r\u00e9t&<2>'y"
BASIC = base64.b64encode(('admin:%s' % PASSWORD).encode('utf-8')).decode('ascii')
ONSITE_ODD = dict(url='https://crm.example.com/SuperOffice', username='admin', password=PASSWORD)
FIELDS = [dict(FieldKey='ApiUrl', FieldType='Text', Access='Mandatory'), dict(FieldKey='ApiKey', FieldType='Password', Access='Normal')]
CONNECTORS = [connector_item(3, 'Visma.net')]


def texts(value):
    """Every string of a result (keys too), as the output shows it."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in [k] + texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return [value] if isinstance(value, str) else []


def forms(*secrets):
    """A secret as it is, and as each echo encoding writes it."""
    return set(list(secrets) + [encode_text(s, encoding) for s in secrets for encoding in ECHO_ENCODINGS])


def leaks(result, *secrets):
    shown = '\n'.join(texts(result))
    return sorted(form for form in forms(*secrets) if form in shown)


def error_answer(text, wire):
    """The server's error answer carrying ``text``: an agent error object, or a proxy's plain-text page."""
    if wire == 'json':
        return dict(answer={'Message': 'The request is invalid.', 'MessageDetail': text})
    return dict(raw=text, headers={'Content-Type': 'text/plain; charset=utf-8'})


# -- item 5: the request echoed in the forms a .NET server or a proxy writes ---------------------------------------------

@pytest.mark.parametrize('wire', ['json', 'text'])
@pytest.mark.parametrize('encoding', ECHO_ENCODINGS)
def test_echoed_credential_is_masked_in_every_encoding(webapi, run_module, encoding, wire):
    """System.Text.Json (\\u002B), lower-case %2b, \\/ and UTF-8 read as Latin-1 leaked the Basic credential (7 of 16 runs)."""
    text = echo({'Authorization': 'Basic ' + BASIC}, b'{}', encoding)
    webapi.expect('GetEngineStatus', {}, status=400, **error_answer(text, wire))
    result = run_module(erpsync_engine_info.main, dict(retries=0), connection=ONSITE_ODD)
    assert result['failed'] is True
    assert 'HTTP 400' in result['msg']
    assert leaks(result, PASSWORD, BASIC) == []


@pytest.mark.parametrize('wire', ['json', 'text'])
@pytest.mark.parametrize('encoding', ECHO_ENCODINGS)
def test_echoed_config_secret_is_masked_in_every_encoding(webapi, run_module, encoding, wire):
    """A create refused with an echo of its body: the Password-type value it carried, in any encoding."""
    # The secret early in the echo, so that it is not past the cut of a long message in any encoding.
    sent = {'Connection': {'ConfigFields': {'ApiKey': CONFIG_SECRET, 'ApiUrl': 'https://erp.example.com'}, 'DisplayName': 'Visma prod'}}
    webapi.expect('GetAllConnections', LIST, [])
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('SaveConnection', status=400, **error_answer(echo({}, json.dumps(sent).encode(), encoding), wire))
    result = run_module(erpsync_connection.main, dict(name='Visma prod', connector='Visma.net',
                                                      config={'ApiUrl': 'https://erp.example.com', 'ApiKey': CONFIG_SECRET}), diff=True)
    assert result['failed'] is True
    assert webapi.methods.count('SaveConnection') == 1
    assert leaks(result, CONFIG_SECRET) == []


# The characters HTML-safe JSON and entities write differently: < > & ' " and a Latin-1 letter (&#233; in WebUtility's form).
ENTITY_SECRET = 'Cs<ec>r3t&\'x"yz\u00e9'


@pytest.mark.parametrize('encode, content_type', [
    pytest.param(lambda s: encode_text(s, 'escapehtml'), None, id='escapehtml-json'),
    pytest.param(lambda s: encode_text(s, 'xml'), 'text/xml', id='xml-entities-text/xml'),
    pytest.param(lambda s: encode_text(s, 'html'), 'text/plain', id='webutility-entities-text/plain'),
    pytest.param(html.escape, 'text/plain', id='html.escape-entities-text/plain'),
    pytest.param(lambda s: html.escape(s).replace('&lt;', '&#X3C;').replace('&gt;', '&#62;'), 'text/plain', id='mixed-entities'),
])
def test_a_config_secret_echoed_html_safe_or_as_entities_is_masked(webapi, run_module, encode, content_type):
    """Found by review (F8): lower-case \\u003c (Json.NET EscapeHtml, Go's encoding/json), XML entities in a text/xml error
    document and HTML entities (&#x27; &#39; &quot; &#233;) in a text page showed a config secret."""
    echoed = 'Rejected ConfigFields.ApiKey = %s (see the request)' % encode(ENTITY_SECRET)
    webapi.expect('GetAllConnections', LIST, [])
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    if content_type is None:
        webapi.expect('SaveConnection', status=400, answer={'Message': 'The request is invalid.', 'MessageDetail': echoed})
    else:
        body = '<Error><Message>%s</Message></Error>' % echoed if content_type == 'text/xml' else echoed
        webapi.expect('SaveConnection', status=400, raw=body, headers={'Content-Type': '%s; charset=utf-8' % content_type})
    result = run_module(erpsync_connection.main, dict(name='Visma prod', connector='Visma.net',
                                                      config={'ApiUrl': 'https://erp.example.com', 'ApiKey': ENTITY_SECRET}), diff=True)
    assert result['failed'] is True
    assert 'HTTP 400' in result['msg']
    assert 'ApiKey = ******** (see the request)' in result['msg'], result['msg']
    assert encode(ENTITY_SECRET) not in '\n'.join(texts(result))


def test_toggle_refusal_reason_with_an_encoded_secret_is_masked(webapi, run_module):
    """Item 10: a refusal reason that repeats the connection's new secret URL-encoded (lower-case, as HttpUtility does)."""
    rec = connection(7, config={'ApiUrl': 'https://erp.example.com', 'ApiKey': ''})
    reason = 'Could not reach https://erp.example.com/api?key=%s' % encode_text(CONFIG_SECRET, 'percent_lower')
    webapi.expect('GetAllConnections', LIST, [listed(rec)])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('GetConnection', {'ErpConnectionId': 7}, rec)
    webapi.expect('SaveConnection', answer=rec)
    webapi.expect('ToggleErpConnectionActive', {'ErpConnectionId': 7}, [reason])
    result = run_module(erpsync_connection.main, dict(id=7, active=True, config={'ApiKey': CONFIG_SECRET}))
    assert result['failed'] is True
    assert 'Could not reach' in result['msg']
    assert leaks(result, CONFIG_SECRET) == []


def test_sync_response_with_an_encoded_credential_is_masked(webapi, run_module):
    """Item 10: erpsync_sync's response repeats the WebAPI password URL-encoded."""
    explanation = 'Synchronized via https://crm.example.com/api?pw=%s' % encode_text(PASSWORD, 'percent_lower')
    webapi.expect('ForceSyncAll', {}, plugin_response(user=explanation))
    result = run_module(erpsync_sync.main, dict(mode='force_sync_all'), connection=ONSITE_ODD)
    assert result['changed'] is True
    assert leaks(result, PASSWORD, BASIC) == []


# -- item 4: secrets stored in clear under field metadata that does not type them ----------------------------------------

STORED = 'Stored-Secret-9911'
ODD_METADATA = [
    pytest.param([], id='metadata-empty'),
    pytest.param([{'FieldKey': 'ApiUrl', 'FieldType': 'Text'}], id='key-missing'),
    pytest.param([{'FieldKey': 'ApiUrl', 'FieldType': 'Text'}, {'FieldKey': 'apikey', 'FieldType': 'Text'},
                  {'FieldKey': 'APIKEY', 'FieldType': 'Password'}], id='key-in-another-case'),
]


@pytest.mark.parametrize('fields', ODD_METADATA)
def test_connection_info_masks_a_value_the_metadata_does_not_type(webapi, run_module, fields):
    """Fail closed: a config key the metadata does not type as a plain field (no entry, an empty list, only another case)
    is masked."""
    stored = connection(7, config={'ApiUrl': 'https://erp.example.com', 'ApiKey': STORED})
    webapi.expect('GetAllConnections', LIST, [listed(stored)])
    webapi.expect('GetConnection', {'ErpConnectionId': 7}, stored)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, fields)
    result = run_module(erpsync_connection_info.main, dict(include_config=True))
    assert result['connections'][0]['config']['ApiKey'] == MASK
    assert STORED not in json.dumps(result)


@pytest.mark.parametrize('fields', ODD_METADATA)
def test_tenant_export_masks_a_value_the_metadata_does_not_type(webapi, run_module, fields):
    stored = connection(7, config={'ApiUrl': 'https://erp.example.com', 'ApiKey': STORED})
    webapi.expect('GetEngineStatus', {}, dict(META, IsRunning=False, StatusMessage='Stopped', Interval='00:05:00'))
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(3, 'Visma.net', 'https://c.example.com/E.svc'),
                  query={'erpSyncConnectorEntityId': 3})
    webapi.expect('GetAllConnections', LIST, [listed(stored)])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, fields)
    webapi.expect('GetConnection', {'ErpConnectionId': 7}, stored)
    result = run_module(erpsync_tenant_info.main, dict(include_mappings=False))
    assert STORED not in json.dumps(result)


@pytest.mark.parametrize('fields', ODD_METADATA)
def test_a_stored_key_the_metadata_does_not_list_is_taken_as_a_secret(webapi, run_module, fields):
    """The export writes such a key as a vault placeholder; applied with the stored value it is a secret the connection
    stores: accepted, compared without a write, masked in the result and the diff (before: "config key ApiKey is not
    known to connector id 3")."""
    stored = connection(7, config={'ApiUrl': 'https://erp.example.com', 'ApiKey': STORED})
    webapi.expect('GetAllConnections', LIST, [listed(stored)])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, fields)
    webapi.expect('GetConnection', {'ErpConnectionId': 7}, stored)
    result = run_module(erpsync_connection.main, dict(id=7, update_secrets='on_create',
                                                      config={'ApiUrl': 'https://erp.example.com', 'ApiKey': STORED}), diff=True)
    assert result.get('failed') is not True, result['msg']
    assert result['changed'] is False
    assert result['connection']['config']['ApiKey'] == MASK
    assert STORED not in json.dumps(result)


def test_a_key_neither_the_metadata_nor_the_connection_has_is_refused_before_any_write(webapi, run_module):
    stored = connection(7, config={'ApiUrl': 'https://erp.example.com'})
    webapi.expect('GetAllConnections', LIST, [listed(stored)])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('GetConnection', {'ErpConnectionId': 7}, stored)
    result = run_module(erpsync_connection.main, dict(id=7, config={'Tenant': STORED}))
    assert result['failed'] is True
    assert 'config key Tenant is not known to connector id 3' in result['msg'] and 'Nothing was changed' in result['msg']
    assert STORED not in json.dumps(result)


def test_a_credential_echoed_after_its_scheme_is_masked_in_any_encoding(webapi, run_module):
    """Item 5: an encoding no list of forms knows (the Basic token percent-encoded twice): the text after the scheme is
    masked all the same, so that a proxy's echo of the Authorization header never shows the credential."""
    twice = encode_text(encode_text(BASIC, 'percent'), 'percent')
    webapi.expect('GetEngineStatus', {}, status=502, raw='Bad gateway for Authorization: Basic%%20%s' % twice,
                  headers={'Content-Type': 'text/plain'})
    result = run_module(erpsync_engine_info.main, dict(retries=0), connection=ONSITE_ODD)
    assert result['failed'] is True
    assert 'HTTP 502' in result['msg'] and 'Basic ********' in result['msg'], result['msg']
    assert twice not in json.dumps(result)


# -- item 10: connector URLs with credentials and key-like query parameters -------------------------------------------------

KEYED_URL = 'https://erpuser:Url-Pass-77@erp.example.com/keyed/ErpConnector.svc?api_key=Url-Key-88&code=Url-Code-99&company=42'
URL_SECRETS = ('Url-Pass-77', 'Url-Key-88', 'Url-Code-99')


def shown_url_secrets(result):
    shown = json.dumps(result)
    return [secret for secret in URL_SECRETS if secret in shown]


def test_connector_info_masks_url_credentials_and_keys(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, [connector_item(5, 'Keyed')])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(5, 'Keyed', KEYED_URL), query={'erpSyncConnectorEntityId': 5})
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 5}, FIELDS)
    result = run_module(erpsync_connector_info.main, {})
    assert result['connectors'][0]['id'] == 5
    assert shown_url_secrets(result) == []


def test_connector_rename_masks_url_credentials_in_result_and_diff(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, [connector_item(5, 'Keyed')])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(5, 'Keyed', KEYED_URL), query={'erpSyncConnectorEntityId': 5})
    webapi.expect('SaveErpSyncConnectorEntity', {'ErpConnectorId': 5, 'DisplayName': 'Keyed ERP', 'URL': KEYED_URL, 'Deleted': False},
                  connector_entity(5, 'Keyed ERP', KEYED_URL))
    result = run_module(erpsync_connector.main, dict(id=5, name='Keyed ERP'), diff=True)
    assert result['operations'] == ['updated']
    assert shown_url_secrets(result) == []


def test_tenant_export_masks_url_credentials_and_keys(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, dict(META, IsRunning=False, StatusMessage='Stopped', Interval='00:05:00'))
    webapi.expect('GetAllConnectors', {}, [connector_item(5, 'Keyed')])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(5, 'Keyed', KEYED_URL), query={'erpSyncConnectorEntityId': 5})
    webapi.expect('GetAllConnections', LIST, [])
    result = run_module(erpsync_tenant_info.main, dict(include_mappings=False))
    assert [c['name'] for c in result['role_vars']['erpsync_connectors']] == ['Keyed']
    assert shown_url_secrets(result) == []


MASKED_URL = 'https://erpuser:********@erp.example.com/keyed/ErpConnector.svc?api_key=********&code=********&company=42'


def test_the_masked_url_results_show_keeps_the_stored_url(webapi, run_module):
    """What results and the export show for such a URL, given back, names the stored URL: nothing to change (before:
    refused for its credentials)."""
    webapi.expect('GetAllConnectors', {}, [connector_item(5, 'Keyed')])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(5, 'Keyed', KEYED_URL), query={'erpSyncConnectorEntityId': 5})
    result = run_module(erpsync_connector.main, dict(name='Keyed', connector_url=MASKED_URL), diff=True)
    assert result.get('failed') is not True, result['msg']
    assert result['changed'] is False
    assert result['connector']['connector_url'] == MASKED_URL
    assert shown_url_secrets(result) == []


@pytest.mark.parametrize('stored, shown', [
    ('https://Url-Token-4711@erp.example.com/keyed/ErpConnector.svc', 'https://********@erp.example.com/keyed/ErpConnector.svc'),
    ('https://erp.example.com/keyed/ErpConnector.svc#access_token=Url-Token-4711', 'https://erp.example.com/keyed/ErpConnector.svc#access_token=********'),
    ('https://erp.example.com/keyed;jsessionid=Url-Token-4711/ErpConnector.svc?jwt=Url-Token-4711',
     'https://erp.example.com/keyed;jsessionid=********/ErpConnector.svc?jwt=********'),
])
def test_a_url_token_outside_the_query_is_masked_and_the_masked_url_keeps_it(webapi, run_module, stored, shown):
    """Found by review (F15): a token as user info without a password, in the fragment or as a path parameter was shown. The
    masked form results and the export show, given back, keeps the stored URL (a masked user was refused as credentials)."""
    webapi.expect('GetAllConnectors', {}, [connector_item(5, 'Keyed')])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(5, 'Keyed', stored), query={'erpSyncConnectorEntityId': 5})
    result = run_module(erpsync_connector.main, dict(name='Keyed', connector_url=shown), diff=True)
    assert result.get('failed') is not True, result['msg']
    assert result['changed'] is False and result['connector']['connector_url'] == shown
    assert 'Url-Token-4711' not in json.dumps(result)


@pytest.mark.parametrize('given', [
    MASKED_URL.replace('company=42', 'company=43'),
    'https://erp.example.com/keyed/ErpConnector.svc?api_key=********',
])
def test_a_masked_url_that_is_not_the_stored_one_is_refused_before_any_write(webapi, run_module, given):
    webapi.expect('GetAllConnectors', {}, [connector_item(5, 'Keyed')])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(5, 'Keyed', KEYED_URL), query={'erpSyncConnectorEntityId': 5})
    result = run_module(erpsync_connector.main, dict(name='Keyed', connector_url=given))
    assert result['failed'] is True
    assert 'holds the mask' in result['msg'] and MASKED_URL in result['msg'], result['msg']
    assert shown_url_secrets(result) == []


def test_a_new_key_in_the_url_shows_as_an_update_in_the_diff(webapi, run_module):
    """Only a masked part changes: the result and the diff show the masked URL, the diff marks it updated."""
    stored = 'https://erp.example.com/keyed/ErpConnector.svc?api_key=Url-Key-88&company=42'
    moved = stored.replace('Url-Key-88', 'Url-Key-89')
    webapi.expect('GetAllConnectors', {}, [connector_item(5, 'Keyed')])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(5, 'Keyed', stored), query={'erpSyncConnectorEntityId': 5})
    webapi.expect('SaveErpSyncConnectorEntity', {'ErpConnectorId': 5, 'DisplayName': 'Keyed', 'URL': moved, 'Deleted': False},
                  connector_entity(5, 'Keyed', moved))
    result = run_module(erpsync_connector.main, dict(name='Keyed', connector_url=moved, test_url=False), diff=True)
    assert result['operations'] == ['updated']
    masked = 'https://erp.example.com/keyed/ErpConnector.svc?api_key=********&company=42'
    assert result['diff'] == {'before': {'state': 'present', 'id': 5, 'name': 'Keyed', 'connector_url': masked},
                              'after': {'state': 'present', 'id': 5, 'name': 'Keyed', 'connector_url': masked + ' (updated)'}}
    assert [s for s in ('Url-Key-88', 'Url-Key-89') if s in json.dumps(result)] == []


def test_a_failed_url_test_names_the_url_masked(webapi, run_module):
    given = 'https://erp.example.com/new/ErpConnector.svc?access_token=Url-Token-1234'
    webapi.expect('GetAllConnectors', {}, [])
    webapi.expect('TestConnectorUrl', {'Url': given}, 'ErrorNotFound')
    result = run_module(erpsync_connector.main, dict(name='New', connector_url=given))
    assert result['failed'] is True
    assert 'https://erp.example.com/new/ErpConnector.svc?access_token=********' in result['msg'], result['msg']
    assert 'Url-Token-1234' not in json.dumps(result)


# -- item 12: a server that shows stored secrets as a mask ----------------------------------------------------------------

SERVER_MASKS = ['********', '***', '*' * 21]


@pytest.mark.parametrize('server_mask', SERVER_MASKS)
def test_a_masked_secret_is_hidden_so_on_create_does_not_rewrite_it(webapi, run_module, server_mask):
    """Compared against the mask, the secret was rewritten on every run although update_secrets is on_create."""
    rec = connection(7, active=True, config={'ApiUrl': 'https://erp.example.com', 'ApiKey': server_mask})
    webapi.expect('GetAllConnections', LIST, [listed(rec)])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('GetConnection', {'ErpConnectionId': 7}, rec)
    result = run_module(erpsync_connection.main, dict(id=7, update_secrets='on_create',
                                                      config={'ApiUrl': 'https://erp.example.com', 'ApiKey': CONFIG_SECRET}))
    assert result['changed'] is False
    assert result['operations'] == []


@pytest.mark.parametrize('server_mask', SERVER_MASKS)
def test_a_masked_secret_is_never_sent_back(webapi, run_module, server_mask):
    """Saving another change must leave the hidden secret out of the payload (as a blank one is): sent back, the mask
    would overwrite the stored secret."""
    rec = connection(7, config={'ApiUrl': 'https://erp.example.com', 'ApiKey': server_mask})
    payload = dict((k, v) for k, v in rec.items() if k not in META)
    payload.update(DisplayDescription='Orders and customers', ConfigFields={'ApiUrl': 'https://erp.example.com'})
    webapi.expect('GetAllConnections', LIST, [listed(rec)])
    webapi.expect('GetConnection', {'ErpConnectionId': 7}, rec)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('SaveConnection', {'Connection': payload}, dict(rec, DisplayDescription='Orders and customers'))
    result = run_module(erpsync_connection.main, dict(id=7, description='Orders and customers'))
    assert result['operations'] == ['updated']


# -- item 2: vault placeholders of an export, one per secret --------------------------------------------------------------

COLLIDING = [
    (1, 'X Y', {'Secret': 's-1'}),
    (2, 'X', {'Y Secret': 's-2'}),
    (3, 'Case', {'Secret': 's-3', 'secret': 's-4', 'Client-Secret': 's-5', 'client secret': 's-6'}),
    (4, 'SuperOffice', {'Password': 's-7'}),
]
COLLIDING_KEYS = ('Secret', 'secret', 'Y Secret', 'Client-Secret', 'client secret', 'Password')
COLLIDING_FIELDS = [dict(FieldKey=key, FieldType='Password') for key in COLLIDING_KEYS]


def test_export_gives_every_secret_its_own_placeholder(webapi, run_module):
    """'X Y'+'Secret' and 'X'+'Y Secret', 'Client-Secret' and 'client secret', 'Secret' and 'secret' each got one variable;
    a connection named SuperOffice got vault_superoffice_password, the README's name for the WebAPI password."""
    records = [connection(conn_id, name, config=config, description='') for conn_id, name, config in COLLIDING]
    webapi.expect('GetEngineStatus', {}, dict(META, IsRunning=False, StatusMessage='Stopped', Interval='00:05:00'))
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(3, 'Visma.net', 'https://c.example.com/E.svc'),
                  query={'erpSyncConnectorEntityId': 3})
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in records])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, COLLIDING_FIELDS)
    for rec in records:
        webapi.expect('GetConnection', {'ErpConnectionId': rec['ErpConnectionId']}, rec)
    # The sync priority, read last (issue 24): the MDO list erpconnections in rank order.
    webapi.expect('GET https://crm.example.com/SuperOffice/api/v1/MDOList/erpconnections', query={'flat': 'true', 'additional': 'useRank=true'},
                  answer=[dict(mdo_item(r['ErpConnectionId'], r['DisplayName']), ExtraInfo=r['ConnectionId']) for r in records])
    result = run_module(erpsync_tenant_info.main, dict(include_mappings=False))
    used = [value for item in result['role_vars']['erpsync_connections'] for value in item['config'].values()]
    assert len(used) == 7
    assert len(set(used)) == 7, used
    assert len(set(result['vault_placeholders'])) == 7
    assert 'vault_superoffice_password' not in result['vault_placeholders']
    assert all('s-%d' % n not in json.dumps(result) for n in range(1, 8))
