# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The last two admin dialogs and what goes with them, on the demo data's on-site tenant: the sync priority (written with
SaveErpConnectionSyncPriorities, read through the MDO list erpconnections with useRank), the ERP-tab field order
(MoveErpFieldItem, read through GetConnectionsAndDisplayFields), SupportsAdvancedSearch and ForceResyncBatchTask."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from .demo_api import REFUSED_KEYS, TENANT, Api, show, start_demo_server


@pytest.fixture(scope='module')
def server():
    running = start_demo_server()
    yield running
    running.stop()


@pytest.fixture
def api(server):
    client = Api(server.base_url)
    assert client.session.post(server.base_url + '/_emulator/reset', timeout=10).status_code == 200
    yield client
    client.session.close()


def ids(response):
    assert response.status_code == 200, response.text
    return [item['Id'] for item in response.json()]


# -- sync priority ---------------------------------------------------------------------------------


def test_erpconnections_lists_the_connections_with_their_guid(api):
    items = api.mdo('erpconnections', flat='true').json()
    guids = dict((c['ErpConnectionId'], c['ConnectionId']) for c in api.call('GetAllConnections'))
    assert [(i['Id'], i['Name'], i['ExtraInfo']) for i in items] == [(1, 'SAP B1 Oslo', guids[1]), (2, 'Visma.net pilot', guids[2])]
    assert 0 not in [i['Id'] for i in items]  # SuperOffice itself is not a connection: its place cannot be read here
    named = api.mdo('erpconnections', additional='useRank=true&prefixwithconnector=true').json()
    assert [i['Name'] for i in named] == ['SAP Business One: SAP B1 Oslo', 'Visma.net: Visma.net pilot']


def test_saved_priorities_order_the_list_with_userank_only(api):
    assert api.admin('GET', 'sync_priority').json() == {'ConnectionRank': '0;1;2', 'ids': [0, 1, 2]}  # demo.json
    assert api.call('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [2, 0, 1]}) is True
    assert api.admin('GET', 'sync_priority').json() == {'ConnectionRank': '2;0;1', 'ids': [2, 0, 1]}
    assert ids(api.mdo('erpconnections', flat='true', additional='useRank=true')) == [2, 1]
    assert ids(api.mdo('erpconnections', flat='true', additional='USERANK=True')) == [2, 1]
    assert ids(api.mdo('erpconnections', flat='true')) == [1, 2]
    assert ids(api.mdo('erpconnections', flat='true', additional='useRank=false')) == [1, 2]
    # Rank is the position in the answer: it does not give SuperOffice's place away.
    assert [i['Rank'] for i in api.mdo('erpconnections', additional='useRank=true').json()] == [1, 2]


def test_unranked_connections_come_last_and_deleted_ones_leave(api):
    assert api.call('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [2]}) is True
    new = api.call('SaveConnection', {'Connection': {'ErpConnectionId': 0, 'ErpConnectorId': 1, 'DisplayName': 'SAP B1 Bergen'}})
    assert ids(api.mdo('erpconnections', additional='useRank=true')) == [2, 1, new['ErpConnectionId']]
    api.call('DeleteConnection', {'ErpConnectionId': 2})
    assert ids(api.mdo('erpconnections', additional='useRank=true')) == [1, new['ErpConnectionId']]


@pytest.mark.parametrize('wanted', [[1, 1], [0, 2, 0], [99], [1, 2, -1]])
def test_priorities_the_server_cannot_store_answer_false(api, wanted):
    assert api.call('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': wanted}) is False
    assert api.admin('GET', 'sync_priority').json()['ids'] == [0, 1, 2]


def test_priorities_of_a_deleted_connection_answer_false(api):
    api.call('DeleteConnection', {'ErpConnectionId': 2})
    assert api.call('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [2, 0, 1]}) is False
    assert api.call('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': []}) is True
    assert api.admin('GET', 'sync_priority').json() == {'ConnectionRank': '', 'ids': []}


def test_priorities_request_errors(api):
    missing = api.post('SaveErpConnectionSyncPriorities', {})
    assert missing.status_code == 200 and set(missing.json()) == REFUSED_KEYS
    assert api.post('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': ['2']}).status_code == 400
    assert api.admin('PUT', 'sync_priority', '1;x').status_code == 400
    assert api.admin('PUT', 'sync_priority', '1;0').json()['ids'] == [1, 0]


# -- ERP-tab field order ---------------------------------------------------------------------------


def test_display_fields_are_the_erp_tab_in_rank_order(api):
    assert api.shown() == {}  # no active actor type mapping yet
    api.mapping(1, 'Customer', show('CardName', 'Phone1', 'EmailAddress', 'GroupCode'), active=True)
    answer = api.call('GetConnectionsAndDisplayFields', {'CrmActorType': 'Contact', 'EntityId': 42})
    assert [(e['ErpConnectionId'], e['ConnectionName'], e['Connected'], e['ErpActorType'], e['ErpActorTypes']) for e in answer] == [
        (1, 'SAP B1 Oslo', False, 'Customer', ['Customer'])]
    assert [(f['FieldKey'], f['Rank']) for f in answer[0]['ErpFields']] == [('CardName', 2), ('Phone1', 4), ('EmailAddress', 5), ('GroupCode', 6)]
    assert api.shown('Person') == {}
    # Two ERP actor types of one connection on one CRM entity: the first one's fields, both named.
    api.mapping(1, 'Supplier', show('Phone1'), active=True)
    entry = api.call('GetConnectionsAndDisplayFields', {'CrmActorType': 'Contact', 'EntityId': 0})[0]
    assert (entry['ErpActorType'], entry['ErpActorTypes']) == ('Customer', ['Customer', 'Supplier'])
    api.mapping(1, 'Customer', active=False)
    assert api.shown() == {1: ['Phone1']}


def test_move_is_one_place_among_all_fields(api):
    api.mapping(1, 'Customer', show('CardName', 'Phone1', 'GroupCode'), active=True)
    assert api.move(1, 'Customer', 'GroupCode', -1).status_code == 204
    assert api.shown() == {1: ['CardName', 'Phone1', 'GroupCode']}  # it passed EmailAddress, which the ERP tab does not show
    ranks = api.admin('GET', 'field_ranks').json()['1']['Customer']
    assert [f['ErpFieldKey'] for f in ranks] == ['CardCode', 'CardName', 'FederalTaxID', 'Phone1', 'GroupCode', 'EmailAddress']
    assert [(f['Rank'], f['ShowInGui']) for f in ranks][3:] == [(4, True), (5, True), (6, False)]
    assert api.move(1, 'Customer', 'GroupCode', -7).status_code == 204  # the sign counts, not the size: one place
    assert api.shown() == {1: ['CardName', 'GroupCode', 'Phone1']}
    api.move(1, 'Customer', 'CardName', 3)
    assert api.shown() == {1: ['CardName', 'GroupCode', 'Phone1']}
    assert [f['ErpFieldKey'] for f in api.admin('GET', 'field_ranks').json()['1']['Customer']][:3] == ['CardCode', 'FederalTaxID', 'CardName']


def test_moves_at_the_ends_and_zero_change_nothing(api):
    before = api.admin('GET', 'field_ranks').json()
    for key, direction in (('CardCode', -1), ('GroupCode', 1), ('Phone1', 0)):
        assert api.move(1, 'Customer', key, direction).status_code == 204
    assert api.admin('GET', 'field_ranks').json() == before


def test_ranks_survive_a_field_refresh_and_new_fields_go_last(api):
    api.move(1, 'Customer', 'EmailAddress', -1)
    before = api.admin('GET', 'field_ranks').json()
    assert api.call('UpdateConnectionFields', {'ErpConnectionId': 1}) is True
    assert api.admin('GET', 'field_ranks').json() == before
    # A new version of the connector offers one more field, first in its list: it still goes last.
    url = api.call('GetAllConnectors')[0]['ToolTip']
    keys = [f['ErpFieldKey'] for f in before['1']['Customer']]
    fields = [{'key': 'VatNumber'}] + [{'key': key} for key in ('CardCode', 'CardName', 'FederalTaxID', 'Phone1', 'EmailAddress', 'GroupCode')]
    api.admin('PUT', 'connector_services', [{'url': url, 'actor_types': [{'type': 'Customer', 'crm': 'Contact', 'fields': fields}]}])
    assert api.call('UpdateConnectionFields', {'ErpConnectionId': 1}) is True
    after = api.admin('GET', 'field_ranks').json()['1']['Customer']
    assert [(f['ErpFieldKey'], f['Rank']) for f in after] == [(key, rank) for rank, key in enumerate(keys + ['VatNumber'], 1)]


@pytest.mark.parametrize('changes', [{'ErpConnectionId': 9}, {'ErpActorType': 'Supplier'}, {'ErpActorType': 'Project'}])
def test_move_refusals(api, changes):
    body = dict({'ErpFieldId': api.field_id(1, 'Customer', 'GroupCode'), 'Direction': -1, 'ErpConnectionId': 1,
                 'ErpActorType': 'Customer'}, **changes)
    response = api.post('MoveErpFieldItem', body)
    assert response.status_code == 200 and set(response.json()) == REFUSED_KEYS


# -- advanced search and the batch resync -----------------------------------------------------------


def test_supports_advanced_search_is_asked_from_the_connector(api):
    def supports(conn_id, actor):
        return api.call('SupportsAdvancedSearch', {'ErpConnectionId': conn_id, 'ErpActorType': actor})
    assert (supports(1, 'Customer'), supports(1, 'Supplier'), supports(1, 'Project'), supports(9, 'Customer')) == (True, False, False, False)
    url = api.call('GetAllConnectors')[0]['ToolTip']
    assert api.admin('PUT', 'connector_services', [{'url': url, 'actor_types': [
        {'type': 'Supplier', 'crm': 'Contact', 'advanced_search': True, 'fields': [{'key': 'CardCode'}]}]}]).status_code == 200
    assert (supports(1, 'Customer'), supports(1, 'Supplier')) == (False, True)


def test_force_resync_batch_task_runs_and_answers_nothing(server, api):
    assert api.call('GetErpSyncConnectionSummary', {'ErpSyncConnectionId': 1})['LastSync'] == '0001-01-01T00:00:00'
    response = api.post('ForceResyncBatchTask', {'ErpConnectionId': 1, 'InternalKeyIds': [7]})
    assert (response.status_code, response.content) == (204, b'')
    run = server.store.get(TENANT).snapshot()['sync_runs'][-1]
    assert (run['method'], run['ok'], run['connections'], run['keys']) == ('ForceResyncBatchTask', True, [1], [7])
    assert api.call('GetErpSyncConnectionSummary', {'ErpSyncConnectionId': 1})['LastSync'] != '0001-01-01T00:00:00'
    assert api.post('ForceResyncBatchTask', {'ErpConnectionId': 0, 'InternalKeyIds': []}).status_code == 204
    unknown = api.post('ForceResyncBatchTask', {'ErpConnectionId': 9, 'InternalKeyIds': []})
    assert unknown.status_code == 200 and set(unknown.json()) == REFUSED_KEYS
