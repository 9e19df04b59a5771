# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_actor_mapping's erp_tab_order: exact request sequences of the read (GetConnectionsAndDisplayFields), the fewest
# moves (MoveErpFieldItem), the read after them; check and diff mode; where the server offers no order.

import pytest

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError
from ansible_collections.superoffice.crm.plugins.modules import erpsync_actor_mapping
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import (
    LIST, META, connection, default, listed, mapping, row, saved_mapping)
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.test_erpsync_actor_mapping import sent_mapping

CONN = listed(connection(7))
CUSTOMER = {'ErpConnectionId': 7, 'ActorType': 'Customer'}
DISPLAY = {'CrmActorType': 'Contact', 'EntityId': 0}


def rows(hidden=('Email',)):
    """Name, Email, PriceList, Phone (ids 101-104); all shown on the ERP tab but ``hidden``."""
    return [row(101 + n, key, gui=key not in hidden) for n, key in enumerate(('Name', 'Email', 'PriceList', 'Phone'))]


def display(ranks, conn_id=7, actor='Customer', actors=None):
    """GetConnectionsAndDisplayFields: one ErpConnectionData, its ERP fields with their Rank (lowest shown first)."""
    return [dict(META, ErpConnectionId=conn_id, ConnectionName='Visma', Connected=False, CrmActorType='Contact', ErpActorType=actor,
                 ErpActorTypes=actors or [actor],
                 ErpFields=[dict(META, FieldKey=key, Rank=rank, DisplayName=key, DisplayDescription='', FieldType='Text', ListName='',
                                 DefaultValue='', MaxLength=0, Access='Normal', ShowInSearch=False) for key, rank in ranks])]


def move(field_id):
    """One place up: the negative direction lowers the rank, and the lowest rank is shown first."""
    return {'ErpFieldId': field_id, 'Direction': -1, 'ErpConnectionId': 7, 'ErpActorType': 'Customer'}


def run(run_module, order, **kwargs):
    args = dict(connection='Visma', actor_type='Customer', erp_tab_order=order)
    args.update(kwargs.pop('args', {}))
    return run_module(erpsync_actor_mapping.main, args, **kwargs)


def expect_reads(webapi, current=None, ranks=((('Name', 1), ('PriceList', 3), ('Phone', 4)))):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, current or mapping(7, active=True, rows=rows()))
    webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, display(ranks))


def test_the_fewest_moves_then_one_read(webapi, run_module):
    """Phone (rank 4) goes above Name (rank 1): three places, past PriceList and the hidden Email. Name then stands above
    PriceList already: no more moves."""
    expect_reads(webapi)
    for dummy in range(3):
        webapi.expect('MoveErpFieldItem', move(104), status=204)
    webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, display([('Phone', 1), ('Name', 2), ('PriceList', 4)]))
    result = run(run_module, ['Phone', 'Name'], diff=True)
    assert result['changed'] is True
    assert result['operations'] == ['ERP-tab order updated']
    assert result['mapping']['erp_tab_order'] == ['Phone', 'Name', 'PriceList']
    assert result['diff']['before']['erp_tab_order'] == ['Name', 'PriceList', 'Phone']
    assert result['diff']['after']['erp_tab_order'] == ['Phone', 'Name', 'PriceList']
    assert webapi.methods.count('MoveErpFieldItem') == 3


def test_an_order_as_wanted_is_three_reads(webapi, run_module):
    expect_reads(webapi)
    result = run(run_module, ['Name', 'PriceList'])
    assert result['changed'] is False and result['operations'] == []
    assert result['mapping']['erp_tab_order'] == ['Name', 'PriceList', 'Phone']
    assert webapi.methods == ['GetAllConnections', 'GetActorTypeMapping', 'GetConnectionsAndDisplayFields']


def test_check_mode_reads_and_predicts_what_the_real_run_reports(webapi, run_module):
    expect_reads(webapi)
    checked = run(run_module, ['Phone', 'Name'], check_mode=True, diff=True)
    assert webapi.methods.count('MoveErpFieldItem') == 0
    expect_reads(webapi)
    for dummy in range(3):
        webapi.expect('MoveErpFieldItem', move(104), status=204)
    webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, display([('Phone', 1), ('Name', 2), ('PriceList', 4)]))
    applied = run(run_module, ['Phone', 'Name'], diff=True)
    for key in ('changed', 'operations', 'mapping', 'diff'):
        assert checked[key] == applied[key], key


def test_a_field_the_same_task_shows_is_ordered_after_the_save(webapi, run_module):
    """The mapping is saved first (Email shown), then the ERP tab is read: Email's rank is known only then."""
    current = mapping(7, active=True, rows=rows())
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    body = sent_mapping(current, Email=dict(ShowInGui=True))
    webapi.expect('SaveActorTypeMapping', body, saved_mapping(body))
    webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, display([('Name', 1), ('Email', 2), ('PriceList', 3), ('Phone', 4)]))
    webapi.expect('MoveErpFieldItem', move(102), status=204)
    webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, display([('Email', 1), ('Name', 2), ('PriceList', 3), ('Phone', 4)]))
    result = run(run_module, ['Email'], args=dict(fields=[dict(erp_field='Email', show_in_erp_tab=True)]))
    assert result['operations'] == ['mapping updated', 'ERP-tab order updated']
    assert result['mapping']['erp_tab_order'] == ['Email', 'Name', 'PriceList', 'Phone']


def test_an_actor_type_activated_after_its_default_is_ordered_once_active(webapi, run_module):
    """The ERP tab lists active actor types only, so the order of one activated after its default is read after that."""
    current = mapping(7, rows=rows())
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, current)
    webapi.expect('GetDefaultValueInfo', {'ErpFieldId': 102}, default(102, 'Email'))
    webapi.expect('SaveDefaultValueInfo', answer=default(102, 'Email', value='x'))
    body = sent_mapping(current, active=True)
    webapi.expect('SaveActorTypeMapping', body, saved_mapping(body))
    webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, display([('Name', 1), ('PriceList', 3), ('Phone', 4)]))
    webapi.expect('MoveErpFieldItem', move(103), status=204)
    webapi.expect('MoveErpFieldItem', move(103), status=204)
    webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, display([('PriceList', 1), ('Name', 2), ('Phone', 4)]))
    result = run(run_module, ['PriceList'], args=dict(active=True, fields=[dict(erp_field='Email', default='x')]))
    assert result['operations'] == ['default of Email updated', 'mapping activated', 'ERP-tab order updated'], result.get('msg')


@pytest.mark.parametrize('order', [['Email'], ['Name']])
def test_check_mode_predicts_the_moves_where_the_task_first_shows_fields(webapi, run_module, order):
    """The server shows a field's rank only after the save: check mode predicts the moves (over, never under) and says so."""
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7, active=True, rows=rows()))
    result = run(run_module, order, args=dict(fields=[dict(erp_field='Email', show_in_erp_tab=True)]), check_mode=True)
    assert result['operations'] == ['mapping updated', 'ERP-tab order updated']
    assert result['mapping']['erp_tab_order'][0] == order[0]
    assert any('check mode cannot read the ERP-tab order of fields this run would first show' in w for w in result['warnings'])
    assert webapi.methods == ['GetAllConnections', 'GetActorTypeMapping']


@pytest.mark.parametrize('args, message', [
    (dict(erp_tab_order=['Email']), 'erp_tab_order names Email, which is not shown on the ERP tab; set show_in_erp_tab: true for it'),
    (dict(erp_tab_order=['Fax']), 'erp_tab_order names Fax, which is not an ERP field of actor type Customer'),
    (dict(erp_tab_order=['Name'], active=False), 'erp_tab_order needs the actor type to synchronize (active: true)'),
])
def test_what_the_mapping_read_tells_fails_before_any_write(webapi, run_module, args, message):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7, active=True, rows=rows()))
    result = run_module(erpsync_actor_mapping.main, dict(dict(connection='Visma', actor_type='Customer'), **args))
    assert result['failed'] is True and result['changed'] is False
    assert message in result['msg']
    assert webapi.methods == ['GetAllConnections', 'GetActorTypeMapping']


@pytest.mark.parametrize('answer, message', [
    ([], "GetConnectionsAndDisplayFields lists no fields of it (the server lists connections whose actor type mapping is active"),
    (display([('Name', 1)], actor='Supplier', actors=['Supplier', 'Customer']),
     "shows the connection on this SuperOffice entity as actor type Supplier (of Supplier, Customer), and the server offers no "
     "other way to read the order of Customer"),
])
def test_no_move_where_the_server_offers_no_order(webapi, run_module, answer, message):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7, active=True, rows=rows()))
    webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, answer)
    result = run(run_module, ['Phone'])
    assert result['failed'] is True and result['changed'] is False
    assert "the ERP-tab order of actor type Customer of connection 'Visma' (id 7) cannot be read: " in result['msg']
    assert message in result['msg']
    assert 'MoveErpFieldItem' not in webapi.methods


def test_a_server_without_the_read_fails_naming_it(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7, active=True, rows=rows()))
    webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, status=404, answer={'Message': 'No HTTP resource was found'})
    result = run(run_module, ['Phone'])
    assert result['failed'] is True
    assert "erp_tab_order needs GetConnectionsAndDisplayFields, the only read of the ERP tab's order" in result['msg']


def test_a_confused_read_is_an_error_never_a_reason_to_move(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [CONN])
    webapi.expect('GetActorTypeMapping', CUSTOMER, mapping(7, active=True, rows=rows()))
    webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, [dict(display([('Name', 1)])[0], ErpFields=[{'FieldKey': 'Name', 'Rank': 'first'}])])
    result = run(run_module, ['Phone'])
    assert result['failed'] is True
    assert 'answered something this collection cannot use: item[0].ErpFields[0].Rank is a string, expected a whole number' in result['msg']
    assert 'MoveErpFieldItem' not in webapi.methods


def test_a_move_that_fails_midway_says_what_was_moved_and_what_the_tab_shows(webapi, run_module):
    expect_reads(webapi)
    webapi.expect('MoveErpFieldItem', move(104), status=204)
    webapi.expect('MoveErpFieldItem', move(104), status=400, answer={'Message': 'ErpFieldId 104 is locked'})
    webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, display([('Name', 1), ('Phone', 3), ('PriceList', 4)]))
    result = run(run_module, ['Phone', 'Name'])
    assert result['failed'] is True and result['changed'] is True
    assert 'ErpSync MoveErpFieldItem failed: HTTP 400: ErpFieldId 104 is locked, after 1 of 3 moves (Phone). The ERP tab now shows: ' \
           'Name, Phone, PriceList' in result['msg']


def test_a_lost_answer_of_a_move_is_not_sent_again(webapi, run_module):
    """MoveErpFieldItem is ONCE: sent again after a lost answer, the field could move two places."""
    expect_reads(webapi)
    webapi.expect('MoveErpFieldItem', move(104), status=502)
    webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, display([('Name', 1), ('PriceList', 3), ('Phone', 4)]))
    result = run(run_module, ['Phone', 'Name'])
    assert result['failed'] is True
    assert 'The request may or may not have been applied, after 0 of 3 moves (none)' in result['msg']
    assert webapi.methods.count('MoveErpFieldItem') == 1


def test_a_server_that_does_not_move_as_planned_is_given_up_on_after_three_rounds(webapi, run_module):
    expect_reads(webapi, ranks=[('Name', 1), ('Phone', 2)])
    for dummy in range(3):
        webapi.expect('MoveErpFieldItem', move(104), status=204)
        webapi.expect('GetConnectionsAndDisplayFields', DISPLAY, display([('Name', 1), ('Phone', 2)]))
    result = run(run_module, ['Phone'])
    assert result['failed'] is True and result['changed'] is True
    assert 'after 3 moves (MoveErpFieldItem, one place up each: Phone, Phone, Phone) the ERP tab shows Name, Phone, not Phone, Name' \
           in result['msg']


def test_the_agent_declares_the_move_not_repeatable():
    calls = []

    class Client:
        def call(self, method, body=None, **kwargs):
            calls.append((method, body, kwargs['repeatable']))
            raise WebAPIError('stop')

    from ansible_collections.superoffice.crm.plugins.module_utils._agent import ErpSyncAPI
    with pytest.raises(WebAPIError):
        ErpSyncAPI(Client()).move_erp_field_item(104, -1, 7, 'Customer')
    assert calls == [('MoveErpFieldItem', move(104), False)]
