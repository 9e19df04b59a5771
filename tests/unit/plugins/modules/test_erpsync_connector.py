# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_connector: exact request sequences for register, move, rename, delete, check mode and the refusals.

import pytest

from ansible_collections.superoffice.crm.plugins.modules import erpsync_connector
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import connection, connector_entity, connector_item, listed

FORTNOX = 'https://erpconnectors.example.com/fortnox/ErpConnector.svc'
LISTED = [connector_item(1, 'SAP Business One'), connector_item(2, 'Visma.net')]
SAP_URL = 'https://erp-gw.example.com/sapb1/ErpConnector.svc'


def run(run_module, args, **kwargs):
    return run_module(erpsync_connector.main, args, **kwargs)


def entity_query(connector_id):
    return {'erpSyncConnectorEntityId': connector_id}


def test_register_tests_the_address_then_saves_the_default_entity(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, LISTED)
    webapi.expect('TestConnectorUrl', {'Url': FORTNOX}, 'NoError')
    webapi.expect('CreateDefaultErpSyncConnectorEntity', {}, connector_entity(0, '', ''))
    webapi.expect('SaveErpSyncConnectorEntity', {'ErpConnectorId': 0, 'DisplayName': 'Fortnox', 'URL': FORTNOX, 'Deleted': False},
                  connector_entity(3, 'Fortnox', FORTNOX))
    result = run(run_module, dict(name='Fortnox', connector_url=' %s ' % FORTNOX), diff=True)
    assert result['changed'] is True
    assert result['operations'] == ['created']
    assert result['connector'] == dict(id=3, name='Fortnox', connector_url=FORTNOX, deleted=False)
    assert result['diff'] == {'before': {'state': 'absent'},
                              'after': {'state': 'present', 'id': 3, 'name': 'Fortnox', 'connector_url': FORTNOX}}


def test_check_mode_only_reads_and_predicts(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, LISTED)
    webapi.expect('TestConnectorUrl', {'Url': FORTNOX}, 'NoError')  # a read: asked in check mode as in the run
    result = run(run_module, dict(name='Fortnox', connector_url=FORTNOX), check_mode=True)
    assert result['changed'] is True
    assert result['operations'] == ['created']
    assert result['connector'] == dict(id=None, name='Fortnox', connector_url=FORTNOX, deleted=False)


@pytest.mark.parametrize('check_mode', [True, False], ids=['check', 'run'])
def test_an_address_the_server_cannot_reach_fails_in_check_mode_as_in_the_run(webapi, run_module, check_mode):
    """Found by review (F16): check mode skipped TestConnectorUrl and predicted a create the run then failed. It is asked while
    planning, in check mode too, and the run does not ask it again before the save."""
    webapi.expect('GetAllConnectors', {}, LISTED)
    webapi.expect('TestConnectorUrl', {'Url': FORTNOX}, 'ErrorNotFound')
    result = run(run_module, dict(name='Fortnox', connector_url=FORTNOX), check_mode=check_mode)
    assert result['failed'] is True
    assert result['changed'] is False and result['operations'] == []
    assert 'TestConnectorUrl answered ErrorNotFound' in result['msg'] and 'Nothing was saved' in result['msg']
    assert webapi.methods == ['GetAllConnectors', 'TestConnectorUrl']


def test_a_move_is_tested_in_check_mode(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, LISTED)
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(1, 'SAP Business One', SAP_URL), query=entity_query(1))
    webapi.expect('TestConnectorUrl', {'Url': FORTNOX}, 'NoError')
    result = run(run_module, dict(id=1, connector_url=FORTNOX), check_mode=True)
    assert result['operations'] == ['updated']
    assert result['connector']['connector_url'] == FORTNOX


def test_unchanged_reads_the_list_and_the_entity(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, LISTED)
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(1, 'SAP Business One', SAP_URL), query=entity_query(1))
    result = run(run_module, dict(name='SAP Business One', connector_url=SAP_URL))
    assert result['changed'] is False
    assert result['operations'] == []


def test_unchanged_without_an_address_reads_only_the_list(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, LISTED)
    result = run(run_module, dict(name='SAP Business One'))
    assert result['changed'] is False
    assert webapi.methods == ['GetAllConnectors']


def test_move_is_tested_and_a_failed_test_saves_nothing(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, LISTED)
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(1, 'SAP Business One', SAP_URL), query=entity_query(1))
    webapi.expect('TestConnectorUrl', {'Url': 'https://nowhere.example.com/ErpConnector.svc'}, 'ErrorNotFound')
    result = run(run_module, dict(id=1, connector_url='https://nowhere.example.com/ErpConnector.svc'))
    assert result['failed'] is True
    assert result['changed'] is False
    assert 'TestConnectorUrl answered ErrorNotFound' in result['msg']
    assert 'Nothing was saved' in result['msg']
    assert result['connector']['connector_url'] == SAP_URL


def test_move_without_test_and_rename_by_id(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, LISTED)
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(1, 'SAP Business One', SAP_URL), query=entity_query(1))
    sent = {'ErpConnectorId': 1, 'DisplayName': 'SAP (old)', 'URL': FORTNOX, 'Deleted': False}
    webapi.expect('SaveErpSyncConnectorEntity', sent, connector_entity(1, 'SAP (old)', FORTNOX))
    result = run(run_module, dict(id=1, name='SAP (old)', connector_url=FORTNOX, test_url=False))
    assert result['operations'] == ['updated']
    assert result['connector']['name'] == 'SAP (old)'


def test_a_name_that_differs_in_case_is_renamed_to_the_spelling_given(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, LISTED)
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(2, 'Visma.net', FORTNOX), query=entity_query(2))
    webapi.expect('SaveErpSyncConnectorEntity', {'ErpConnectorId': 2, 'DisplayName': 'visma.net', 'URL': FORTNOX, 'Deleted': False},
                  connector_entity(2, 'visma.net', FORTNOX))
    result = run(run_module, dict(name='visma.net'))
    assert result['operations'] == ['updated']


@pytest.mark.parametrize('check_mode', [False, True])
def test_delete_asks_first_and_a_refusal_deletes_nothing_in_check_mode_too(webapi, run_module, check_mode):
    webapi.expect('GetAllConnectors', {}, LISTED)
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(1, 'SAP Business One', SAP_URL), query=entity_query(1))
    webapi.expect('CanDeleteErpSyncConnectorEntity', {'ErpSyncConnectorId': 1}, 'ErrorConnectorHasConnections')
    # The connections that still use it are named (one list read, only because the delete is refused).
    users = [listed(connection(5, 'SAP prod', connector=1)), listed(connection(6, 'Visma', connector=2))]
    webapi.expect('GetAllConnections', {'IncludeDeleted': False}, users)
    result = run(run_module, dict(name='SAP Business One', state='absent'), check_mode=check_mode)
    assert result['failed'] is True
    assert result['changed'] is False
    assert "connector 'SAP Business One' (id 1) cannot be deleted: connections 'SAP prod' (id 5) use it" in result['msg']
    assert 'Visma' not in result['msg']
    assert result['connector']['name'] == 'SAP Business One'
    assert webapi.methods == ['GetAllConnectors', 'GetErpSyncConnectorEntity', 'CanDeleteErpSyncConnectorEntity', 'GetAllConnections']


def test_a_delete_the_server_refuses_for_no_listed_connection_says_what_it_answered(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, LISTED)
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(1, 'SAP Business One', SAP_URL), query=entity_query(1))
    webapi.expect('CanDeleteErpSyncConnectorEntity', {'ErpSyncConnectorId': 1}, 'ErrorConnectorHasConnections')
    webapi.expect('GetAllConnections', {'IncludeDeleted': False}, [])
    result = run(run_module, dict(name='SAP Business One', state='absent'), check_mode=True)
    assert result['failed'] is True
    assert 'CanDeleteErpSyncConnectorEntity answered ErrorConnectorHasConnections: it still has connections' in result['msg']


def test_delete_then_nothing_to_do(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, LISTED)
    webapi.expect('GetErpSyncConnectorEntity', {}, connector_entity(2, 'Visma.net', FORTNOX), query=entity_query(2))
    webapi.expect('CanDeleteErpSyncConnectorEntity', {'ErpSyncConnectorId': 2}, 'NoError')
    webapi.expect('DeleteErpSyncConnectorEntity', {}, status=204, query=entity_query(2))
    result = run(run_module, dict(name='Visma.net', state='absent'))
    assert result['operations'] == ['deleted']
    assert result['connector'] is None
    webapi.expect('GetAllConnectors', {}, [LISTED[0]])
    again = run(run_module, dict(name='Visma.net', state='absent'))
    assert again['changed'] is False


def test_a_new_connector_needs_an_address(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, LISTED)
    result = run(run_module, dict(name='Fortnox'))
    assert result['failed'] is True
    assert "no connector is named 'Fortnox'; give connector_url to register it" in result['msg']


def test_a_save_answered_without_an_id_is_an_error(webapi, run_module):
    webapi.expect('GetAllConnectors', {}, LISTED)
    webapi.expect('TestConnectorUrl', {'Url': FORTNOX}, 'NoError')
    webapi.expect('CreateDefaultErpSyncConnectorEntity', {}, connector_entity(0, '', ''))
    webapi.expect('SaveErpSyncConnectorEntity', answer=connector_entity(0, 'Fortnox', FORTNOX))
    result = run(run_module, dict(name='Fortnox', connector_url=FORTNOX))
    assert result['failed'] is True
    assert "connector 'Fortnox' may not have been created" in result['msg']


def test_credentials_in_the_address_are_refused_and_not_echoed(webapi, run_module):
    result = run(run_module, dict(name='Fortnox', connector_url='https://sync:hunter2-secret@erpconnectors.example.com/x.svc'))
    assert result['failed'] is True
    assert 'must not carry credentials' in result['msg']
    assert 'hunter2-secret' not in repr(result)
    assert webapi.calls == []
