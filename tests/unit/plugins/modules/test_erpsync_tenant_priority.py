# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_tenant's sync_priority: names as the run leaves the connections (one made in the run can be placed, the order read
# again once it exists), the connection list read once, check mode predicting the real run, the part, and a placed
# connection that could not be made.

from ansible_collections.superoffice.crm.plugins.modules import erpsync_tenant
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import LIST, connection, connector_item, listed, mdo_item
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.test_erpsync_tenant import FIELDS, SECRET

SAP = listed(connection(3, 'SAP', connector=4, active=True))
NEW = connection(9, 'Fortnox prod', connector=4, description='', config={'ApiUrl': 'https://api.fortnox.se/3', 'AccessToken': ''})
MDO_PRIORITY = 'GET https://crm.example.com/SuperOffice/api/v1/MDOList/erpconnections'
BY_RANK = {'flat': 'true', 'additional': 'useRank=true'}
CREATE = dict(name='Fortnox prod', connector='Fortnox', config={'AccessToken': SECRET}, update_secrets='on_create')


def ranked(*records):
    return [dict(mdo_item(r['ErpConnectionId'], r['DisplayName']), ExtraInfo=r['ConnectionId'], Rank=n) for n, r in enumerate(records, 1)]


def expect_create(webapi):
    webapi.expect('GetAllConnections', LIST, [SAP])
    webapi.expect('GetAllConnectors', {}, [connector_item(4, 'Fortnox')])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 4}, FIELDS)


def test_a_connection_made_in_the_run_is_placed_once_it_exists(webapi, run_module):
    expect_create(webapi)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP), query=BY_RANK)
    webapi.expect('SaveConnection', answer=NEW)
    webapi.expect('GetAllConnections', LIST, [SAP, listed(NEW)])   # fresh before going on: no twin another run made
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP, NEW), query=BY_RANK)    # read again: the new one is listed now
    webapi.expect('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [9, 0, 3]}, True)
    webapi.expect('GetAllConnections', LIST, [SAP, listed(NEW)])
    webapi.expect(MDO_PRIORITY, answer=ranked(NEW, SAP), query=BY_RANK)
    result = run_module(erpsync_tenant.main, dict(connections=[CREATE], sync_priority=['Fortnox prod', 0]), diff=True)
    assert result['changed'] is True, result.get('msg')
    assert result['sync_priority']['operations'] == ['sync priority set']
    assert result['sync_priority']['sync_priority'] == dict(connections=['Fortnox prod', 'SAP'], ids=[9, 3], superoffice_position=2, sent=[9, 0, 3])
    assert result['diff']['after']['sync_priority'] == {'connections': ['Fortnox prod', 'SAP'], 'superoffice_position': 2}
    assert webapi.methods.count('GetAllConnections') == 3


def test_check_mode_predicts_the_new_connection_last_and_the_write(webapi, run_module):
    expect_create(webapi)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP), query=BY_RANK)
    result = run_module(erpsync_tenant.main, dict(connections=[CREATE], sync_priority=['Fortnox prod', 0]), check_mode=True, diff=True)
    assert result['sync_priority']['operations'] == ['sync priority set']
    assert result['sync_priority']['sync_priority'] == dict(connections=['Fortnox prod', 'SAP'], ids=[None, 3], superoffice_position=2,
                                                            sent=[None, 0, 3])
    assert result['diff']['after']['sync_priority'] == {'connections': ['Fortnox prod', 'SAP'], 'superoffice_position': 2}


def test_an_unchanged_order_costs_one_read_beside_the_connection_list(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [SAP, listed(NEW)])
    webapi.expect(MDO_PRIORITY, answer=ranked(NEW, SAP), query=BY_RANK)
    result = run_module(erpsync_tenant.main, dict(connections=[dict(name='SAP')], sync_priority=['Fortnox prod']))
    assert result['changed'] is False
    assert webapi.methods == ['GetAllConnections', MDO_PRIORITY]


def test_without_connection_items_the_order_reads_the_list_itself(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [SAP, listed(NEW)])
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP, NEW), query=BY_RANK)
    webapi.expect('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [0, 9, 3]}, True)
    webapi.expect(MDO_PRIORITY, answer=ranked(NEW, SAP), query=BY_RANK)
    result = run_module(erpsync_tenant.main, dict(sync_priority=['9']))
    assert result['changed'] is True


def test_a_name_the_run_does_not_leave_fails_before_any_write(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [SAP, listed(NEW)])
    webapi.expect('GetConnection', {'ErpConnectionId': 9}, NEW)  # a rename saves the whole record (its config field types too)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 4}, FIELDS)
    result = run_module(erpsync_tenant.main, dict(connections=[dict(name='SAP', state='absent'), dict(id=9, name='Fortnox')],
                                                  sync_priority=['SAP', 'Fortnox prod', 'Fortnox']))
    assert result['failed'] is True and result['changed'] is False
    assert "sync_priority[0] ('SAP') is deleted by this run (state=absent), so it has no place in the order" in result['msg']
    # Renamed by the run: the new name places it, the old one is unknown.
    assert "sync_priority[1] ('Fortnox prod') is not a live connection; live connections: 'Fortnox' (id 9)" in result['msg']
    assert 'Save' not in ' '.join(webapi.methods)


def test_the_order_is_held_when_a_connection_it_places_could_not_be_made(webapi, run_module):
    expect_create(webapi)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP), query=BY_RANK)
    webapi.expect('SaveConnection', answer={'Error': True, 'ErrorType': 'SoException', 'ErrorMessage': 'ConnectionId already used'})
    result = run_module(erpsync_tenant.main, dict(connections=[CREATE], sync_priority=['Fortnox prod', 0]))
    assert result['failed'] is True
    assert result['sync_priority']['failed'] is True
    assert "the sync priority was not set, because connections[0] ('Fortnox prod') failed" in result['sync_priority']['msg']
    assert 'SaveErpConnectionSyncPriorities' not in webapi.methods


def test_a_run_without_the_part_leaves_the_order_alone(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [SAP])
    result = run_module(erpsync_tenant.main, dict(connections=[dict(name='SAP')], sync_priority=['SAP'], parts=['connections']))
    assert result['changed'] is False and 'sync_priority' not in result
    assert webapi.methods == ['GetAllConnections']


def expect_placed_before_going_live(webapi):
    """A new connection to go live, placed first: its place is saved before it is activated."""
    expect_create(webapi)
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP), query=BY_RANK)
    webapi.expect('SaveConnection', answer=NEW)
    webapi.expect('GetAllConnections', LIST, [SAP, listed(NEW)])            # fresh before going on: no twin another run made
    webapi.expect(MDO_PRIORITY, answer=ranked(SAP, NEW), query=BY_RANK)    # the inactive new one is listed
    return dict(connections=[dict(CREATE, active=True)], sync_priority=['Fortnox prod', 0])


def test_a_new_connection_goes_live_once_its_place_is_saved(webapi, run_module):
    args = expect_placed_before_going_live(webapi)
    webapi.expect('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [9, 0, 3]}, True)
    webapi.expect('ToggleErpConnectionActive', {'ErpConnectionId': 9}, [])
    webapi.expect('GetAllConnections', LIST, [SAP, listed(dict(NEW, Active=True))])
    webapi.expect(MDO_PRIORITY, answer=ranked(NEW, SAP), query=BY_RANK)
    result = run_module(erpsync_tenant.main, args)
    assert 'failed' not in result, result.get('msg')
    assert result['connections'][0]['operations'] == ['created', 'activated']
    assert webapi.methods.index('SaveErpConnectionSyncPriorities') < webapi.methods.index('ToggleErpConnectionActive')


def test_a_new_connection_whose_place_was_not_saved_stays_inactive(webapi, run_module):
    args = expect_placed_before_going_live(webapi)
    webapi.expect('SaveErpConnectionSyncPriorities', {'ErpConnectionIds': [9, 0, 3]}, False)
    webapi.expect('GetAllConnections', LIST, [SAP, listed(NEW)])            # the created one confirmed
    result = run_module(erpsync_tenant.main, args)
    assert result['failed'] is True
    assert 'ToggleErpConnectionActive' not in webapi.methods
    entry = result['connections'][0]
    assert entry['operations'] == ['created'] and entry['connection']['active'] is False
    assert entry['msg'] == 'it was not activated (it stays inactive), because sync_priority failed'
    assert result['sync_priority']['msg'].startswith('SaveErpConnectionSyncPriorities answered false')
