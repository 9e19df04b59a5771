# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""erpsync_connections (bulk): request counts that do not grow with unchanged items, mixed batches, exclusive, failures."""

import copy
import json

from ansible_collections.superoffice.crm.plugins.modules import erpsync_connections
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import client_guid

MASK = '********'
SECRET = 'Bulk-Secret-Key-7781'
LIST = {'IncludeDeleted': False}
CONNECTORS = [{'Id': 3, 'Name': 'Visma.net', 'ToolTip': 'https://c.example.com/visma'},
              {'Id': 5, 'Name': 'Tripletex', 'ToolTip': 'https://c.example.com/tripletex'}]
FIELDS = [{'FieldKey': 'ApiUrl', 'FieldType': 'Text', 'Access': 'Mandatory'},
          {'FieldKey': 'ApiKey', 'FieldType': 'Password', 'Access': 'Normal'}]


def record(conn_id, name, active=False, connector=3, config=None, **extra):
    rec = {
        'ErpConnectionId': conn_id, 'ErpConnectorId': connector, 'DisplayName': name, 'DisplayDescription': '',
        'Active': active, 'ConnectionId': 'guid-%d' % conn_id, 'MostRecentTimestamp': 'cursor-%d' % conn_id,
        'ConfigFields': {'ApiUrl': 'https://erp.example.com/%d' % conn_id, 'ApiKey': ''} if config is None else config,
        'Deleted': False, 'AllAccess': True, 'UserGroupAccessIds': [], 'AssociateAccessIds': [],
        'TableRight': {'Mask': 'FULL', 'Reason': ''}, 'FieldProperties': {},
    }
    rec.update(extra)
    return rec


def listed(rec):
    return dict(rec, ConfigFields={})


def carrier(rec, **changes):
    payload = dict((k, copy.deepcopy(v)) for k, v in rec.items() if k not in ('TableRight', 'FieldProperties'))
    payload.update(changes)
    return {'Connection': payload}


def by_id(conn_id):
    return {'ErpConnectionId': conn_id}


def run(run_module, args, **kwargs):
    return run_module(erpsync_connections.main, args, **kwargs)


TWENTY = [record(i, 'Conn %02d' % i, active=i % 2 == 0) for i in range(1, 21)]


def test_unchanged_twenty_items_is_one_request(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in TWENTY])
    items = [dict(name=r['DisplayName'], active=r['Active'], description='') for r in TWENTY]
    result = run(run_module, dict(connections=items), diff=True)
    assert result['changed'] is False
    assert webapi.methods == ['GetAllConnections']
    assert result['summary'] == dict(total=20, created=0, updated=0, deleted=0, activated=0, deactivated=0, unchanged=20,
                                     failed=0, unlisted_deactivated=0)
    assert result['diff'] == {'before': {}, 'after': {}}
    assert [c['id'] for c in result['connections']] == list(range(1, 21))


def test_unchanged_twenty_items_naming_connectors_is_two_requests(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in TWENTY])
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    items = [dict(name=r['DisplayName'], connector='Visma.net', active=r['Active']) for r in TWENTY]
    result = run(run_module, dict(connections=items, exclusive=True))
    assert result['changed'] is False
    assert webapi.methods == ['GetAllConnections', 'GetAllConnectors']


def test_unchanged_items_with_config_read_fields_once_per_connector(webapi, run_module):
    recs = [record(1, 'A'), record(2, 'B'), record(3, 'C', connector=5)]
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in recs])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 5}, FIELDS)
    for rec in recs:
        webapi.expect('GetConnection', by_id(rec['ErpConnectionId']), rec)
    items = [dict(name=r['DisplayName'], config={'ApiUrl': r['ConfigFields']['ApiUrl'], 'ApiKey': SECRET}, update_secrets='on_create')
             for r in recs]
    result = run(run_module, dict(connections=items))
    assert result['changed'] is False
    assert len(webapi.calls) == 6
    assert result['connections'][0]['connection']['config'] == {'ApiUrl': 'https://erp.example.com/1', 'ApiKey': MASK}
    assert SECRET not in json.dumps(result)


def test_mixed_batch(webapi, run_module):
    keep = record(1, 'Keep', active=True)
    update = record(2, 'Update')
    delete = record(3, 'Delete')
    activate = record(4, 'Activate')
    created = record(9, 'New', config={'ApiUrl': 'https://new', 'ApiKey': ''}, MostRecentTimestamp='')
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in (keep, update, delete, activate)])
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    # item 0: unchanged, no request; item 1 (description change) is read whole, as SaveConnection replaces the record
    webapi.expect('GetConnection', by_id(2), update)
    # The saves, in item order: item 1 updated, item 2 deleted, item 4 created
    webapi.expect('SaveConnection', carrier(update, DisplayDescription='Updated', ConfigFields={'ApiUrl': 'https://erp.example.com/2'}),
                  dict(update, DisplayDescription='Updated'))
    webapi.expect('DeleteConnection', by_id(3), status=204)
    webapi.expect('SaveConnection', {'Connection': {
        'ErpConnectionId': 0, 'ErpConnectorId': 3, 'DisplayName': 'New', 'DisplayDescription': '', 'Active': False,
        'ConnectionId': client_guid(1), 'MostRecentTimestamp': '', 'ConfigFields': {'ApiUrl': 'https://new', 'ApiKey': SECRET},
        'Deleted': False, 'AllAccess': True, 'UserGroupAccessIds': [], 'AssociateAccessIds': []}}, created)
    # Then the toggles, decided on a fresh list (the first one is older than the saves), and one list read to confirm them.
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in (keep, dict(update, DisplayDescription='Updated'), activate, created)])
    webapi.expect('ToggleErpConnectionActive', by_id(4), [''])
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in (keep, update, dict(activate, Active=True), created)])
    # item 5: absent and unknown: no request
    items = [
        dict(name='Keep', active=True),
        dict(name='Update', description='Updated'),
        dict(name='Delete', state='absent'),
        dict(id=4, active=True),
        dict(name='New', connector='Visma.net', config={'ApiUrl': 'https://new', 'ApiKey': SECRET}),
        dict(name='Never existed', state='absent'),
    ]
    result = run(run_module, dict(connections=items), diff=True)
    assert result['changed'] is True
    assert [c['operations'] for c in result['connections']] == [[], ['updated'], ['deleted'], ['activated'], ['created'], []]
    assert [c['changed'] for c in result['connections']] == [False, True, True, True, True, False]
    assert [c['id'] for c in result['connections']] == [1, 2, 3, 4, 9, None]
    assert result['summary'] == dict(total=6, created=1, updated=1, deleted=1, activated=1, deactivated=0, unchanged=2,
                                     failed=0, unlisted_deactivated=0)
    assert sorted(result['diff']['before']) == ['Activate', 'Delete', 'New', 'Update']
    assert result['diff']['before']['New'] == {'state': 'absent'}
    assert result['diff']['after']['New']['config'] == {'ApiKey': MASK, 'ApiUrl': 'https://new'}
    assert result['diff']['after']['Delete'] == {'state': 'absent'}
    assert result['connections'][2]['connection'] is None
    assert result['connections'][4]['connection']['config'] == {'ApiUrl': 'https://new', 'ApiKey': MASK}
    assert SECRET not in json.dumps(result)


def test_mixed_batch_in_check_mode_writes_nothing(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [listed(record(1, 'A', active=True)), listed(record(2, 'B'))])
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 5}, [dict(f, Access='Normal') for f in FIELDS])
    items = [dict(name='A', state='absent'), dict(name='B', active=True), dict(name='C', connector='Tripletex', active=True)]
    result = run(run_module, dict(connections=items), check_mode=True, diff=True)
    assert webapi.methods == ['GetAllConnections', 'GetAllConnectors', 'GetConfigurationFields']
    assert [c['operations'] for c in result['connections']] == [['deleted'], ['activated'], ['created', 'activated']]
    assert result['connections'][2]['id'] is None
    assert result['connections'][2]['connection']['connector_id'] == 5
    assert result['connections'][2]['connection']['active'] is True


def test_exclusive_deactivates_unlisted_active_connections(webapi, run_module):
    recs = [record(1, 'Listed', active=True), record(2, 'Unlisted active', active=True), record(3, 'Unlisted inactive')]
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in recs])
    webapi.expect('ToggleErpConnectionActive', by_id(2), [''])
    webapi.expect('GetAllConnections', LIST, [listed(recs[0]), listed(dict(recs[1], Active=False)), listed(recs[2])])
    result = run(run_module, dict(connections=[dict(name='Listed', active=True)], exclusive=True), diff=True)
    assert result['changed'] is True
    assert result['unlisted_deactivated'] == [{'id': 2, 'name': 'Unlisted active'}]
    assert result['summary']['unlisted_deactivated'] == 1
    assert result['connections'][0]['changed'] is False
    assert result['diff']['before'] == {'Unlisted active': {'state': 'present', 'id': 2, 'name': 'Unlisted active', 'active': True}}
    assert result['diff']['after'] == {'Unlisted active': {'state': 'present', 'id': 2, 'name': 'Unlisted active', 'active': False}}
    assert 'DeleteConnection' not in webapi.methods


def test_exclusive_in_check_mode(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [listed(record(1, 'A', active=True)), listed(record(2, 'B', active=True))])
    result = run(run_module, dict(connections=[dict(id=1)], exclusive=True), check_mode=True)
    assert result['changed'] is True
    assert result['unlisted_deactivated'] == [{'id': 2, 'name': 'B'}]
    assert webapi.methods == ['GetAllConnections']


def test_exclusive_with_empty_list_deactivates_every_active_connection(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [listed(record(1, 'A', active=True))])
    webapi.expect('ToggleErpConnectionActive', by_id(1), [''])
    webapi.expect('GetAllConnections', LIST, [listed(record(1, 'A'))])
    result = run(run_module, dict(connections=[], exclusive=True))
    assert result['unlisted_deactivated'] == [{'id': 1, 'name': 'A'}]


def test_exclusive_leaves_the_unlisted_live_when_a_listed_connection_failed(webapi, run_module):
    # A switch-over whose new connection could not be activated keeps the old one live: no connection active at all is worse.
    recs = [record(1, 'New', active=False), record(2, 'Old', active=True)]
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in recs])
    webapi.expect('ToggleErpConnectionActive', by_id(1), ['Mandatory field Customer.Name has no sync direction'])
    result = run(run_module, dict(connections=[dict(name='New', active=True)], exclusive=True))
    assert result['failed'] is True and result['changed'] is False
    assert webapi.methods == ['GetAllConnections', 'ToggleErpConnectionActive']
    assert result['unlisted_deactivated'] == []
    held = "it was not deactivated (unlisted connections stay active until the listed ones went through), because connections[0] ('New') failed"
    assert result['unlisted_failed'] == [{'id': 2, 'name': 'Old', 'msg': held}]


def test_one_failing_item_does_not_stop_the_others(webapi, run_module):
    recs = [record(1, 'A'), record(2, 'B'), record(3, 'C', active=True)]
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in recs])
    # Deactivations come first (stage order), then the activations on a fresh list, then one list read to confirm.
    webapi.expect('ToggleErpConnectionActive', by_id(3), [''])
    webapi.expect('GetAllConnections', LIST, [listed(recs[0]), listed(recs[1]), listed(dict(recs[2], Active=False))])
    webapi.expect('ToggleErpConnectionActive', by_id(1), [''])
    webapi.expect('ToggleErpConnectionActive', by_id(2), ['Field mapping incomplete'])
    webapi.expect('GetAllConnections', LIST, [listed(dict(recs[0], Active=True)), listed(recs[1]), listed(dict(recs[2], Active=False))])
    items = [dict(name='A', active=True), dict(name='B', active=True), dict(name='C', active=False)]
    result = run(run_module, dict(connections=items))
    assert result['failed'] is True
    assert result['changed'] is True
    assert "connections[1] ('B'): activating connection 'B' (id 2) was refused: Field mapping incomplete" in result['msg']
    assert "Applied: 'A' (id 1): activated; 'C' (id 3): deactivated" in result['msg']
    assert [c.get('failed', False) for c in result['connections']] == [False, True, False]
    assert result['connections'][1]['msg'].startswith("activating connection 'B' (id 2) was refused")
    assert result['summary']['failed'] == 1
    assert result['summary']['activated'] == 1
    assert result['summary']['deactivated'] == 1


def test_webapi_failure_of_one_item_is_reported_with_the_others_applied(webapi, run_module):
    recs = [record(1, 'A'), record(2, 'B')]
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in recs])
    webapi.expect('DeleteConnection', by_id(1), status=400, answer={'Message': 'The request is invalid.', 'MessageDetail': 'locked'})
    webapi.expect('DeleteConnection', by_id(2), status=204)
    result = run(run_module, dict(connections=[dict(name='A', state='absent'), dict(name='B', state='absent')]))
    assert result['failed'] is True
    assert 'locked' in result['connections'][0]['msg']
    assert result['connections'][1]['operations'] == ['deleted']


def test_invalid_items_fail_before_any_request_and_name_the_item(webapi, run_module):
    items = [dict(name='A'), dict(name='B', active='maybe'), dict(description='no identity'),
             dict(name='C', bogus=1), dict(name='D', config={'Flag': None})]
    result = run(run_module, dict(connections=items))
    assert result['failed'] is True
    assert result['changed'] is False
    assert webapi.calls == []
    msg = result['msg']
    assert msg.startswith('Nothing was changed; 4 problems: ')
    assert "connections[1] ('B'): argument 'active' is of type " in msg
    assert 'unable to convert to bool' in msg
    assert 'connections[2]: one of the following is required: id, name' in msg
    assert "connections[3] ('C'): unsupported option bogus. Supported parameters include: active, all_access," in msg
    assert "connections[4] ('D'): config.Flag has no value" in msg


def test_duplicate_items_fail(webapi, run_module):
    result = run(run_module, dict(connections=[dict(name='A'), dict(name='A', state='absent'), dict(id=3), dict(id=3)]))
    assert result['failed'] is True
    assert webapi.calls == []
    assert "connections[0] and connections[1] both give name 'A'" in result['msg']
    assert 'connections[2] and connections[3] both give id 3' in result['msg']


def test_two_items_resolving_to_one_connection_fail_before_writes(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [listed(record(3, 'A'))])
    result = run(run_module, dict(connections=[dict(name='A', active=True), dict(id=3, description='x')]))
    assert result['failed'] is True
    assert "connections[0] and connections[1] both refer to connection 'A' (id 3)" in result['msg']
    assert webapi.methods == ['GetAllConnections']


def test_resolution_problems_are_all_listed_before_any_write(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [listed(record(1, 'A')), listed(record(2, 'Dup')), listed(record(3, 'Dup'))])
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    webapi.expect('GetConnection', by_id(42), None)
    items = [dict(name='A', active=True), dict(name='New', connector='SAP'), dict(name='Dup', active=True), dict(id=42, active=True)]
    result = run(run_module, dict(connections=items))
    assert result['failed'] is True
    assert 'ToggleErpConnectionActive' not in webapi.methods
    assert "connections[1] ('New'): connector 'SAP' is not known" in result['msg']
    assert "connections[2] ('Dup'): name 'Dup' matches 2 live connections: id 2, id 3" in result['msg']
    assert 'connections[3] (id 42): no connection has id 42' in result['msg']


def test_secrets_are_masked_in_results_diffs_and_messages(webapi, run_module):
    rec = record(1, 'A', active=True)
    webapi.expect('GetAllConnections', LIST, [listed(rec)])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('GetConnection', by_id(1), rec)
    webapi.expect('ToggleErpConnectionActive', by_id(1), [''])
    webapi.expect('SaveConnection', carrier(rec, Active=False, ConfigFields={'ApiUrl': 'https://erp.example.com/1', 'ApiKey': SECRET}),
                  answer={'Message': 'The request is invalid.', 'MessageDetail': 'bad key %s' % SECRET})
    webapi.expect('GetAllConnections', LIST, [listed(dict(rec, Active=False))])
    result = run(run_module, dict(connections=[dict(name='A', config={'ApiKey': SECRET})]), diff=True)
    assert result['failed'] is True
    assert 'bad key' in result['msg']
    assert result['connections'][0]['operations'] == ['deactivated for config change']
    assert SECRET not in json.dumps(result)
    assert result['invocation']['module_args']['connections'][0]['config'] == {'ApiKey': MASK}


def test_same_names_in_the_aggregated_diff_stay_apart(webapi, run_module):
    recs = [record(1, 'A', active=True), record(2, 'B', active=True)]
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in recs])
    webapi.expect('GetConnection', by_id(1), recs[0])
    webapi.expect('GetConnection', by_id(2), recs[1])
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('SaveConnection', answer=dict(recs[0], DisplayName='B'))
    webapi.expect('SaveConnection', answer=dict(recs[1], DisplayName='B2'))
    result = run(run_module, dict(connections=[dict(id=1, name='B'), dict(id=2, name='B2')]), diff=True)
    assert result['changed'] is True
    assert sorted(result['diff']['after']) == ['B', 'B2']
    assert result.get('warnings') is None  # B is renamed away in the same run


def test_a_flag_another_run_flipped_meanwhile_is_not_flipped_again(webapi, run_module):
    # Two runs on one tenant: the fresh list before the activations shows 'A' active already (the other run flipped it),
    # so it is not toggled a second time, which would flip it back; the result shows what the server shows.
    recs = [record(1, 'A'), record(3, 'C', active=True)]
    webapi.expect('GetAllConnections', LIST, [listed(r) for r in recs])
    webapi.expect('ToggleErpConnectionActive', by_id(3), [''])
    after = [listed(dict(recs[0], Active=True)), listed(dict(recs[1], Active=False))]
    webapi.expect('GetAllConnections', LIST, after)
    webapi.expect('GetAllConnections', LIST, after)
    result = run(run_module, dict(connections=[dict(name='A', active=True), dict(name='C', active=False)]))
    assert webapi.methods.count('ToggleErpConnectionActive') == 1
    assert not result.get('failed'), result.get('msg')
    assert [c['operations'] for c in result['connections']] == [[], ['deactivated']]
    assert [c['connection']['active'] for c in result['connections']] == [True, False]


def test_a_connection_another_run_created_meanwhile_is_not_created_twice(webapi, run_module):
    # The fresh list before the create shows the connection made by another run: that item fails alone (it is not
    # created again), the other item's change stands and is reported.
    other = record(3, 'C', active=True)
    theirs = record(7, 'New', config={'ApiUrl': 'https://new', 'ApiKey': ''})
    webapi.expect('GetAllConnections', LIST, [listed(other)])
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 3}, FIELDS)
    webapi.expect('ToggleErpConnectionActive', by_id(3), [''])
    after = [listed(dict(other, Active=False)), listed(theirs)]
    webapi.expect('GetAllConnections', LIST, after)
    webapi.expect('GetAllConnections', LIST, after)
    items = [dict(name='C', active=False), dict(name='New', connector='Visma.net', config={'ApiUrl': 'https://new', 'ApiKey': SECRET})]
    result = run(run_module, dict(connections=items))
    assert 'SaveConnection' not in webapi.methods
    assert result['failed'] is True
    assert result['changed'] is True
    assert "connection 'New' appeared ('New' (id 7)) while this run was working" in result['msg'], result['msg']
    assert "Applied: 'C' (id 3): deactivated" in result['msg']
    assert [c.get('failed', False) for c in result['connections']] == [False, True]
    assert SECRET not in json.dumps(result)
