# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_sync_priority: exact request sequences; the order read from the MDO list erpconnections (useRank), SuperOffice
# placed by 0, unchanged runs, check and diff mode, a confused server, a save the server refuses or does not store.

import pytest

from ansible_collections.superoffice.crm.plugins.modules import erpsync_sync_priority
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import LIST, connection, listed, mdo_item
from ansible_collections.superoffice.crm.tests.unit.swagger_contract import CONTRACT

SAP = listed(connection(1, 'SAP'))
VISMA = listed(connection(2, 'Visma'))
TRIPLETEX = listed(connection(3, 'Tripletex'))
LIVE = [SAP, VISMA, TRIPLETEX]
MDO_PRIORITY = 'GET https://crm.example.com/SuperOffice/api/v1/MDOList/erpconnections'
BY_RANK = {'flat': 'true', 'additional': 'useRank=true'}


def ranked(*records):
    """The MDO list erpconnections as the REST WebAPI answers it: connections only, the GUID in ExtraInfo, Rank = position."""
    items = []
    for position, record in enumerate(records, 1):
        item = mdo_item(record['ErpConnectionId'], record['DisplayName'])
        item.update(ExtraInfo=record['ConnectionId'], Rank=position)
        items.append(item)
    assert not CONTRACT.carrier_problems('SuperOffice.CRM.Services.MDOListItem', items)
    return items


def run(run_module, connections, **kwargs):
    return run_module(erpsync_sync_priority.main, dict(connections=connections), **kwargs)


def test_unchanged_order_is_two_reads(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, LIVE)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP, VISMA, TRIPLETEX), query=BY_RANK)
    result = run(run_module, ['SAP', 'Visma', 'Tripletex'], diff=True)
    assert result['changed'] is False
    assert result['operations'] == []
    assert result['sync_priority'] == dict(connections=['SAP', 'Visma', 'Tripletex'], ids=[1, 2, 3], superoffice_position=None, sent=[])
    assert result['diff']['before'] == result['diff']['after']
    assert len(webapi.calls) == 2


def test_a_partial_list_keeps_the_others_in_their_order_and_superoffice_unplaced_goes_first(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, LIVE)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP, VISMA, TRIPLETEX), query=BY_RANK)
    webapi.expect('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [0, 3, 1, 2]}, True)
    webapi.expect(MDO_PRIORITY, answer=ranked(TRIPLETEX, SAP, VISMA), query=BY_RANK)
    result = run(run_module, ['Tripletex'], diff=True)
    assert result['changed'] is True
    assert result['operations'] == ['sync priority set']
    assert result['sync_priority'] == dict(connections=['Tripletex', 'SAP', 'Visma'], ids=[3, 1, 2], superoffice_position=1, sent=[0, 3, 1, 2])
    assert result['diff'] == {'before': {'connections': ['SAP', 'Visma', 'Tripletex'], 'superoffice_position': None},
                              'after': {'connections': ['Tripletex', 'SAP', 'Visma'], 'superoffice_position': 1}}


def test_superoffice_is_written_where_0_stands_names_and_ids_mixed(webapi, run_module):
    """The decision's example: live 1, 2, 3 read as [1, 2, 3]; [Visma, 0, SAP] compares [2, 1, 3] and writes [2, 0, 1, 3]."""
    webapi.expect('GetAllConnections', LIST, LIVE)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP, VISMA, TRIPLETEX), query=BY_RANK)
    webapi.expect('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [2, 0, 1, 3]}, True)
    webapi.expect(MDO_PRIORITY, answer=ranked(VISMA, SAP, TRIPLETEX), query=BY_RANK)
    result = run(run_module, ['2', 0, 'SAP'])
    assert result['sync_priority']['sent'] == [2, 0, 1, 3]
    assert result['sync_priority']['superoffice_position'] == 2


def test_only_superoffice_moved_is_not_detected(webapi, run_module):
    """SuperOffice's place is not in the MDO list: the connections' order decides, so moving 0 alone writes nothing."""
    webapi.expect('GetAllConnections', LIST, LIVE)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP, VISMA, TRIPLETEX), query=BY_RANK)
    result = run(run_module, ['SAP', 'Visma', 0])
    assert result['changed'] is False
    assert 'SaveErpConnectionSyncPriorities' not in webapi.methods


def test_check_mode_reads_only_and_predicts_the_real_run(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, LIVE)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP, VISMA, TRIPLETEX), query=BY_RANK)
    checked = run(run_module, ['Visma', 0], check_mode=True, diff=True)
    webapi.expect('GetAllConnections', LIST, LIVE)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP, VISMA, TRIPLETEX), query=BY_RANK)
    webapi.expect('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [2, 0, 1, 3]}, True)
    webapi.expect(MDO_PRIORITY, answer=ranked(VISMA, SAP, TRIPLETEX), query=BY_RANK)
    applied = run(run_module, ['Visma', 0], diff=True)
    for key in ('changed', 'operations', 'sync_priority', 'diff'):
        assert checked[key] == applied[key], key
    assert webapi.methods.count('SaveErpConnectionSyncPriorities') == 1


@pytest.mark.parametrize('connections, message', [
    ([], 'connections must name at least one connection'),
    (['Visma', ' '], 'connections[1] must not be empty'),
    (['0', 0], "connections[0] and connections[1] both give '0'"),
    (['SAP', 'SAP'], "connections[0] and connections[1] both give 'SAP'"),
])
def test_bad_entries_fail_before_any_request(webapi, run_module, connections, message):
    result = run(run_module, connections)
    assert result['failed'] is True and result['changed'] is False
    assert message in result['msg']
    assert webapi.calls == []


def test_unknown_and_twice_named_connections_fail_after_the_list_read(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, LIVE)
    result = run(run_module, ['Fortnox', 'SAP', '1'])
    assert result['failed'] is True and result['changed'] is False
    assert "connections[0] ('Fortnox') is not a live connection; live connections: 'SAP' (id 1), 'Visma' (id 2), 'Tripletex' (id 3)" in result['msg']
    assert "names connection 'SAP' (id 1) more than once" in result['msg']
    assert webapi.methods == ['GetAllConnections']


def test_two_connections_of_one_name_need_the_id(webapi, run_module):
    other = listed(connection(4, 'SAP'))
    webapi.expect('GetAllConnections', LIST, LIVE + [other])
    result = run(run_module, ['SAP'])
    assert "connections[0] ('SAP') matches 2 live connections (id 1, id 4); give its id" in result['msg']


@pytest.mark.parametrize('answer, problem', [
    (ranked(SAP, VISMA), "it does not list connection 'Tripletex' (id 3)"),
    (ranked(SAP, VISMA, TRIPLETEX, listed(connection(9, 'Ghost'))), 'it lists id 9, which is not a live connection'),
    (ranked(SAP, VISMA, TRIPLETEX, SAP), 'it lists id 1 twice'),
    ([dict(item, ExtraInfo='guid-99') if item['Id'] == 2 else item for item in ranked(SAP, VISMA, TRIPLETEX)],
     'the GUID of connection id 2 is guid-99 in it, guid-2 in the connection list'),
])
def test_a_confused_order_is_an_error_never_a_reason_to_write(webapi, run_module, answer, problem):
    webapi.expect('GetAllConnections', LIST, LIVE)
    webapi.expect(MDO_PRIORITY, answer=answer, query=BY_RANK)
    result = run(run_module, ['Tripletex'])
    assert result['failed'] is True and result['changed'] is False
    assert 'the MDO list erpconnections (useRank=true) does not match the connections: %s' % problem in result['msg']
    assert result['api_method'] == 'MDOList'


def test_an_error_object_instead_of_the_list_writes_nothing(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, LIVE)
    webapi.expect(MDO_PRIORITY, answer={'Error': True, 'ErrorType': 'SoException', 'ErrorMessage': 'No MDO list'}, query=BY_RANK)
    result = run(run_module, ['Tripletex'])
    assert result['failed'] is True and result['changed'] is False
    assert 'the WebAPI refused the request: No MDO list' in result['msg']


def test_a_save_answered_false_fails_without_change(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, LIVE)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP, VISMA, TRIPLETEX), query=BY_RANK)
    webapi.expect('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [0, 3, 1, 2]}, False)
    result = run(run_module, ['Tripletex'])
    assert result['failed'] is True
    assert result['changed'] is False
    assert 'SaveErpConnectionSyncPriorities answered false: the server did not store the order 0, 3, 1, 2' in result['msg']


def test_a_save_that_reads_back_otherwise_fails_saying_it_was_written(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, LIVE)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP, VISMA, TRIPLETEX), query=BY_RANK)
    webapi.expect('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [0, 3, 1, 2]}, True)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP, VISMA, TRIPLETEX), query=BY_RANK)
    result = run(run_module, ['Tripletex'])
    assert result['failed'] is True
    assert result['changed'] is True
    assert 'the sync priority was written (Tripletex, SAP, Visma), but the server reads it back as SAP, Visma, Tripletex' in result['msg']
    assert result['sync_priority']['connections'] == ['SAP', 'Visma', 'Tripletex']
