# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Answers a module must not trust (issue 22): an answer about another connection than the one written (item 7), a
broken 200 after the server applied a write (8), a connection found after an unclear create that this run cannot prove it
made (6), a connection that reads back null, a list given where items belong, a Retry-After ignored when an unclear write
is sent again (11). The emulator produces the same answers (fault kinds wrong_id, garbage with apply, drop_after_apply with
twin; emulator/README.md).
"""

import copy
import json
import uuid

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.superoffice.crm.plugins.modules import (
    erpsync_actor_mapping, erpsync_connection, erpsync_connector, erpsync_list_mapping, erpsync_tenant_info)
from ansible_collections.superoffice.crm.tests.unit.swagger_contract import CONTRACT
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import (
    LIST, META, connection, connector_entity, connector_item, default, list_container, list_entry, listed, mapping)

FIELDS = [dict(FieldKey='ApiUrl', FieldType='Text', Access='Mandatory'), dict(FieldKey='ApiKey', FieldType='Password', Access='Normal')]
WRITES = ('SaveConnection', 'ToggleErpConnectionActive', 'DeleteConnection')


def by_id(conn_id):
    return {'ErpConnectionId': conn_id}


# -- item 7: an answer about another connection -------------------------------------------------------------------------

def test_save_answered_with_another_connections_id_is_an_error_and_nothing_more_is_written(webapi, run_module):
    """A SaveConnection answer carrying connection 2's id made the module reactivate connection 2 (never named) and leave
    production connection 1 inactive, reporting changed. After the answer, only reads: no toggle of either."""
    prod = connection(1, 'Prod', active=True, config={'ApiUrl': 'https://erp.example.com', 'ApiKey': ''})
    other = connection(2, 'Test', config={'ApiUrl': 'https://test.example.com', 'ApiKey': ''})
    webapi.expect('GetAllConnections', LIST, [listed(prod), listed(other)])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('GetConnection', by_id(1), prod)
    webapi.expect('ToggleErpConnectionActive', by_id(1), [''])
    webapi.expect('SaveConnection', answer=dict(prod, ErpConnectionId=2, Active=False,
                                                ConfigFields={'ApiUrl': 'https://erp2.example.com', 'ApiKey': ''}))
    # The one list read after the writes, which shows what the server holds.
    webapi.expect('GetAllConnections', LIST, [listed(dict(prod, Active=False)), listed(other)])
    result = run_module(erpsync_connection.main, dict(id=1, config={'ApiUrl': 'https://erp2.example.com'}))
    assert result['failed'] is True
    assert 'SaveConnection' in result['msg'] and '2' in result['msg'], result['msg']
    assert [c['body'] for c in webapi.calls if c['method'] == 'ToggleErpConnectionActive'] == [by_id(1)]
    assert result['operations'] == ['deactivated for config change']  # honest: 1 was deactivated, the save is unconfirmed


def test_create_answered_with_an_existing_connections_id_is_an_error(webapi, run_module):
    """A create sends id 0, so its answer must carry a new id: one that the list showed before is another connection."""
    existing = connection(7, 'Prod', active=True)
    webapi.expect('GetAllConnections', LIST, [listed(existing)])
    webapi.expect('GetAllConnectors', {}, [connector_item(3, 'Visma.net')])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('SaveConnection', answer=dict(existing, DisplayName='Prod copy', Active=False))
    result = run_module(erpsync_connection.main, dict(name='Prod copy', connector='Visma.net', active=True,
                                                      config={'ApiUrl': 'https://erp.example.com'}))
    assert result['failed'] is True
    assert '7' in result['msg'] and 'SaveConnection' in result['msg'], result['msg']
    assert [m for m in webapi.methods if m in WRITES] == ['SaveConnection']


def test_a_mapping_save_answered_for_another_connection_is_an_error_and_its_default_is_not_written(webapi, run_module):
    """SaveActorTypeMapping answered with connection 9's mapping: an error naming both ids; the default of the field, which
    the run would save next, is not written."""
    current = mapping(7)
    webapi.expect('GetAllConnections', LIST, [listed(connection(7))])
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Customer'}, current)
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 102}, default(102, 'Email'))
    webapi.expect('SaveActorTypeMapping', answer=dict(current, ErpConnectionId=9, IsActive=True))
    result = run_module(erpsync_actor_mapping.main, dict(connection='Visma', actor_type='Customer', active=True, fields=[
        dict(erp_field='Email', crm_field='contact.email', direction='to_crm', default='info@example.com')]))
    assert result['failed'] is True
    assert 'SaveActorTypeMapping' in result['msg'] and '9' in result['msg'], result['msg']
    assert 'SaveDefaultValueInfo' not in webapi.methods


@pytest.mark.parametrize('answered', [101, 0], ids=['another-field', 'no-field'])
def test_a_default_value_read_about_another_field_is_an_error_and_nothing_is_written(webapi, run_module, answered):
    """Found by review (F1): GetDefaultValueInfo for field 102 answered about another field, and the save took its ErpFieldId
    from the answer. A default is kept on the ERP field's own row (database table ErpField), so a default never saved is
    answered with the field's id too: id 0 is no legitimate answer either. Nothing is written."""
    webapi.expect('GetAllConnections', LIST, [listed(connection(7))])
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Customer'}, mapping(7))
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 102}, default(answered, 'Name'))
    result = run_module(erpsync_actor_mapping.main, dict(connection='Visma', actor_type='Customer', active=True, fields=[
        dict(erp_field='Email', crm_field='contact.email', direction='to_crm', default='info@example.com')]))
    assert result['failed'] is True
    assert 'GetDefaultValueInfo was asked about ErpFieldId 102 and answered about ErpFieldId %d' % answered in result['msg'], result['msg']
    assert webapi.methods == ['GetAllConnections', 'GetActorTypeMapping', 'GetDefaultValueInfo']


@pytest.mark.parametrize('actor', ['Supplier', 2], ids=['by-name', 'by-number'])
def test_a_mapping_read_about_another_actor_type_is_an_error_and_nothing_is_written(webapi, run_module, actor):
    """GetActorTypeMapping for Customer answered the Supplier mapping of the same connection (as a name or as the Swagger's
    enum number): the run would have mapped Supplier's fields. Nothing is written."""
    webapi.expect('GetAllConnections', LIST, [listed(connection(7))])
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Customer'}, mapping(7, actor=actor))
    result = run_module(erpsync_actor_mapping.main, dict(connection='Visma', actor_type='Customer', active=True))
    assert result['failed'] is True
    assert "GetActorTypeMapping was asked about ActorTypeErp Customer and answered about ActorTypeErp 'Supplier'" in result['msg'], result['msg']
    assert webapi.methods == ['GetAllConnections', 'GetActorTypeMapping']


def test_a_mapping_read_naming_its_actor_type_by_number_is_the_one_asked_for(webapi, run_module):
    """The Swagger's enum number of the actor type asked for (1: Customer) is the same mapping: check mode predicts the save."""
    webapi.expect('GetAllConnections', LIST, [listed(connection(7))])
    webapi.expect('GetActorTypeMapping', {'ErpConnectionId': 7, 'ActorType': 'Customer'}, mapping(7, actor=1))
    result = run_module(erpsync_actor_mapping.main, dict(connection='Visma', actor_type='Customer', active=True), check_mode=True)
    assert result.get('failed') is not True, result['msg']
    assert result['operations'] == ['mapping updated']


def test_a_list_mapping_read_about_another_connection_is_an_error_and_nothing_is_written(webapi, run_module):
    """Found by review (F1): GetConnectionListMappings for connection 7 answered connection 9's list mappings; the save sends
    the container back whole, so it would have written connection 9's. Nothing is written."""
    webapi.expect('GetAllConnections', LIST, [listed(connection(7))])
    webapi.expect('GetConnectionListMappings', {'ErpConnectionId': 7}, list_container(9, [list_entry(103, 'PriceList', {'A': None})]))
    result = run_module(erpsync_list_mapping.main, dict(connection='Visma', lists=[dict(erp_list='PriceList', items={'A': None})]))
    assert result['failed'] is True
    assert 'GetConnectionListMappings was asked about ErpConnectionId 7 and answered about ErpConnectionId 9' in result['msg'], result['msg']
    assert webapi.methods == ['GetAllConnections', 'GetConnectionListMappings']


def test_a_connector_create_answered_with_an_existing_connectors_id_is_an_error(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, [connector_item(3, 'Visma.net')])
    webapi.expect('TestConnectorUrl', {'Url': 'https://erp.example.com/ErpConnector.svc'}, 'NoError')
    webapi.expect('CreateDefaultErpSyncConnectorEntity', {}, connector_entity(0, '', ''))
    webapi.expect('SaveErpSyncConnectorEntity', answer=connector_entity(3, 'Tripletex', 'https://erp.example.com/ErpConnector.svc'))
    result = run_module(erpsync_connector.main, dict(name='Tripletex', connector_url='https://erp.example.com/ErpConnector.svc'))
    assert result['failed'] is True
    assert 'SaveErpSyncConnectorEntity' in result['msg'] and 'id 3' in result['msg'], result['msg']
    assert result['operations'] == []


# -- item 8: a broken 200 after the server applied a non-repeatable write -----------------------------------------------

@pytest.mark.parametrize('body', [b'\x00\xff{"IsRunning": tru', b'[""'], ids=['garbage', 'truncated'])
def test_broken_200_to_a_toggle_is_unclear_and_settled_by_reading(webapi, run_module, body):
    """The toggle was applied but its answer is not JSON: reported as a plain failure with stale state. It is unclear,
    as a 5xx is: read back, found applied, not sent again."""
    webapi.expect('GetAllConnections', LIST, [listed(connection(7))])
    webapi.expect('ToggleErpConnectionActive', by_id(7), raw=body)
    webapi.expect('GetConnection', by_id(7), connection(7, active=True))
    webapi.expect('GetAllConnections', LIST, [listed(connection(7, active=True))])
    result = run_module(erpsync_connection.main, dict(id=7, active=True))
    assert result.get('failed') is not True, result['msg']
    assert result['changed'] is True
    assert result['operations'] == ['activated']
    assert result['connection']['active'] is True


def test_a_login_page_200_to_a_toggle_is_a_plain_failure(webapi, run_module):
    """An HTML page (a login or proxy page) never reached the agent: not unclear, nothing to read back or send again."""
    webapi.expect('GetAllConnections', LIST, [listed(connection(7))])
    webapi.expect('ToggleErpConnectionActive', by_id(7), raw='<html><body>Sign in</body></html>', headers={'Content-Type': 'text/html'})
    result = run_module(erpsync_connection.main, dict(id=7, active=True))
    assert result['failed'] is True
    assert 'login page' in result['msg'] and 'may or may not' not in result['msg'], result['msg']
    assert result['operations'] == []


def test_truncated_200_to_an_update_is_unclear_and_settled_by_reading(webapi, run_module):
    rec = connection(7, config={'ApiUrl': 'https://erp.example.com', 'ApiKey': ''})
    saved = dict(rec, DisplayDescription='Orders and customers')
    webapi.expect('GetAllConnections', LIST, [listed(rec)])
    webapi.expect('GetConnection', by_id(7), rec)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('SaveConnection', raw=json.dumps(saved)[:60])
    webapi.expect('GetConnection', by_id(7), saved)
    webapi.expect('GetAllConnections', LIST, [listed(saved)])
    result = run_module(erpsync_connection.main, dict(id=7, description='Orders and customers'))
    assert result.get('failed') is not True, result['msg']
    assert result['operations'] == ['updated']
    assert result['connection']['description'] == 'Orders and customers'
    assert webapi.methods.count('SaveConnection') == 1


# -- item 11: Retry-After when an unclear write is sent again -------------------------------------------------------------

def test_retry_after_is_honoured_before_an_unclear_toggle_is_sent_again(webapi, run_module, monkeypatch):
    """A 503 with Retry-After to a toggle: unclear, read back, not applied, sent again at once (the server asked for 7 s)."""
    timeline = []
    monkeypatch.setattr('time.sleep', lambda seconds: timeline.append(('sleep', seconds)))
    webapi.expect('GetAllConnections', LIST, [listed(connection(7))])
    webapi.expect('ToggleErpConnectionActive', by_id(7), status=503, raw='Service Unavailable',
                  headers={'Content-Type': 'text/plain', 'Retry-After': '7'})
    webapi.expect('GetConnection', by_id(7), connection(7))
    webapi.expect('ToggleErpConnectionActive', by_id(7), [''])
    webapi.expect('GetAllConnections', LIST, [listed(connection(7, active=True))])
    original_post = requests.Session.post

    def post(session, url, **kwargs):
        timeline.append(('request', url.rsplit('/', 1)[-1]))
        return original_post(session, url, **kwargs)

    monkeypatch.setattr(requests.Session, 'post', post)
    result = run_module(erpsync_connection.main, dict(id=7, active=True))
    assert result['operations'] == ['activated']
    first, second = [i for i, event in enumerate(timeline) if event == ('request', 'ToggleErpConnectionActive')]
    waited = sum(seconds for kind, seconds in timeline[first:second] if kind == 'sleep')
    assert waited >= 7, timeline


# -- item 11: a connection that reads back null, items given as a string ---------------------------------------------------

def test_tenant_info_on_a_connection_that_reads_back_null_does_not_crash(webapi, run_module):
    """Deleted between the list and its read: a crash (TypeError) before. Now a clear failure or a warning, naming it."""
    webapi.expect('GetEngineStatus', {}, dict(META, IsRunning=False, StatusMessage='Stopped', Interval='00:05:00'))
    webapi.expect('GetAllConnectors', {}, [connector_item(3, 'Visma.net')])
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(3, 'Visma.net', 'https://c.example.com/E.svc'),
                  query={'erpSyncConnectorEntityId': 3})
    webapi.expect('GetAllConnections', LIST, [listed(connection(7, 'Gone'))])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('GetConnection', by_id(7), None)
    result = run_module(erpsync_tenant_info.main, dict(include_mappings=False))
    assert 'exception' not in result and 'Traceback' not in json.dumps(result), result.get('exception', '')[-500:]
    said = result.get('msg', '') + ' '.join(result.get('warnings', []))
    assert 'GetConnection' in said and '7' in said, said
    if not result.get('failed'):
        assert result['role_vars']['erpsync_connections'] == []


@pytest.mark.parametrize('items', ['A', ['A', 'B'], 5])
def test_list_mapping_items_that_are_not_a_mapping_are_an_option_error(webapi, run_module, items):
    result = run_module(erpsync_list_mapping.main, dict(connection='Visma', lists=[dict(erp_list='PriceList', items=items)]))
    assert result['failed'] is True
    assert 'exception' not in result, result.get('exception', '')[-500:]
    assert 'items' in result['msg'], result['msg']
    assert webapi.calls == []


# -- item 6: an unclear create must not adopt a connection it cannot prove it made -----------------------------------------

class Tenant(object):
    """A stateful stand-in for the agent's connection methods, for runs whose reads after an unclear create are the
    module's own choice: the tests assert what was written and reported, and every body still matches the Swagger.

    ``on_first_create(tenant, payload)`` runs when the first create arrives: it may add connections (an admin's), apply
    the create or not, and its answer is lost (a dropped connection)."""

    def __init__(self, connections, on_first_create):
        self.connections = dict((c['ErpConnectionId'], copy.deepcopy(c)) for c in connections)
        self.on_first_create = on_first_create
        self.calls = []

    def add(self, payload):
        conn_id = max(list(self.connections) + [0]) + 1
        record = dict(META, **copy.deepcopy(payload))
        record.update(ErpConnectionId=conn_id, Active=False, Deleted=False, ConnectionId=payload.get('ConnectionId') or str(uuid.uuid4()))
        self.connections[conn_id] = record
        return record

    def answer(self, method, body):
        if method == 'GetAllConnections':
            return [listed(c) for c in self.connections.values() if body.get('IncludeDeleted') or not c['Deleted']]
        if method == 'GetAllConnectors':
            return [connector_item(3, 'Visma.net')]
        if method == 'GetConfigurationFields':
            return FIELDS
        if method in ('GetConnection', 'ToggleErpConnectionActive', 'DeleteConnection', 'TestConnectionById'):
            record = self.connections.get(body['ErpConnectionId'])
            if method == 'ToggleErpConnectionActive' and record:
                record['Active'] = not record['Active']
                return ['']
            if method == 'DeleteConnection' and record:
                record.update(Deleted=True, Active=False)
            return record if method == 'GetConnection' else True if method == 'TestConnectionById' else None
        if method == 'TestConnectionByConfig':
            return True
        if method == 'SaveConnection':
            payload = body['Connection']
            if payload['ErpConnectionId']:
                self.connections[payload['ErpConnectionId']].update(payload)
                return self.connections[payload['ErpConnectionId']]
            if self.on_first_create:
                hook, self.on_first_create = self.on_first_create, None
                hook(self, payload)
                raise requests.exceptions.ConnectionError(ConnectionResetError(104, 'Connection reset by peer'))
            return self.add(payload)
        raise AssertionError('the stand-in does not answer %s' % method)

    def post(self, session, url, json=None, **kwargs):  # pylint: disable=redefined-outer-name
        method = url.rsplit('/', 1)[-1]
        problems = CONTRACT.request_problems(method, json, kwargs.get('params'))
        assert not problems, 'the request does not match the Swagger: %s' % '; '.join(problems)
        self.calls.append((method, copy.deepcopy(json)))
        answer = self.answer(method, json or {})
        response = requests.Response()
        response.status_code = 200 if answer is not None or method != 'DeleteConnection' else 204
        response.headers = CaseInsensitiveDict({'Content-Type': 'application/json; charset=utf-8'})
        response._content = b'' if response.status_code == 204 else to_bytes(__import__('json').dumps(answer))
        response.url = url
        return response

    def writes_to(self, conn_id):
        return [(m, b) for m, b in self.calls if m in WRITES and
                ((b or {}).get('ErpConnectionId') == conn_id or ((b or {}).get('Connection') or {}).get('ErpConnectionId') == conn_id)]


def admins_prod(tenant, payload):
    """An admin creates 'Prod' by hand (same connector, a config of their own) while this run's create is on its way."""
    tenant.add(dict(payload, ConnectionId='', DisplayDescription='made by hand',
                    ConfigFields={'ApiUrl': 'https://admin.example.com'}))


@pytest.fixture
def stand_in(monkeypatch):
    def make(on_first_create):
        tenant = Tenant([], on_first_create)

        def post(session, url, **kwargs):  # a plain function: the session comes first, as for Session.post
            return tenant.post(session, url, **kwargs)

        monkeypatch.setattr(requests.Session, 'post', post)
        monkeypatch.setattr('time.sleep', lambda seconds: None)
        return tenant
    return make


CREATE = dict(name='Prod', connector='Visma.net', active=True, config={'ApiUrl': 'https://erp.example.com', 'ApiKey': 'k-123456'})


def test_unclear_create_never_adopts_a_connection_an_admin_made_meanwhile(stand_in, run_module):
    """The create's answer is lost and did not land; an admin made 'Prod' (id 1) meanwhile. The run took it as its own,
    activated it and reported success. It must not write to it, nor report it as its own, and fail naming it."""
    tenant = stand_in(admins_prod)
    result = run_module(erpsync_connection.main, CREATE)
    assert tenant.writes_to(1) == [], tenant.writes_to(1)
    assert (result.get('connection') or {}).get('id') != 1
    assert result['failed'] is True
    assert '1' in result['msg'], result['msg']
    assert tenant.connections[1]['Active'] is False


def test_unclear_create_that_landed_beside_an_admins_twin_never_touches_the_admins(stand_in, run_module):
    """The admin's 'Prod' got id 1, this run's create id 2, and the answer was lost: whatever the run decides about its own,
    it never writes to the admin's connection nor reports it as its own."""
    def both(tenant, payload):
        admins_prod(tenant, payload)
        tenant.add(payload)
    tenant = stand_in(both)
    result = run_module(erpsync_connection.main, CREATE)
    assert tenant.writes_to(1) == [], tenant.writes_to(1)
    assert (result.get('connection') or {}).get('id') != 1
    assert tenant.connections[1]['Active'] is False
