# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Answers a module cannot act on (a null where a record was expected, after a write whose outcome is unclear).

The integration target ``reliability`` injects the same faults into the emulator (scenarios
toggle_drop_then_null_reread and get_connection_null_info); these are the exact request sequences.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import requests

from ansible_collections.superoffice.crm.plugins.modules import erpsync_connection, erpsync_connection_info

LIST = {'IncludeDeleted': False}


def record(conn_id, active, config=None):
    return {
        'ErpConnectionId': conn_id, 'ErpConnectorId': 3, 'DisplayName': 'Visma', 'DisplayDescription': 'Orders',
        'Active': active, 'ConnectionId': 'guid-%d' % conn_id, 'MostRecentTimestamp': '', 'ConfigFields': config or {},
        'Deleted': False, 'AllAccess': True, 'UserGroupAccessIds': [], 'AssociateAccessIds': [],
        'TableRight': {'Mask': 'FULL', 'Reason': ''}, 'FieldProperties': {},
    }


def test_null_re_read_after_an_unclear_toggle_does_not_toggle_blindly(webapi, run_module):
    """The toggle's answer was lost, and the re-read that should settle it answered null: the flag is unknown.

    Toggling again without knowing the flag flips it back when the first toggle had landed (a double flip).
    The module must stop and say that the outcome could not be checked.
    """
    webapi.expect('GetAllConnections', LIST, [record(7, active=True)])
    webapi.expect('ToggleErpConnectionActive', {'ErpConnectionId': 7},
                  error=requests.exceptions.ConnectionError(ConnectionResetError(104, 'Connection reset by peer')))
    webapi.expect('GetConnection', {'ErpConnectionId': 7}, None)
    result = run_module(erpsync_connection.main, dict(id=7, active=False))
    assert result['failed'] is True
    assert 'ToggleErpConnectionActive' in result['msg'] and 'null' in result['msg'], result['msg']


def test_connection_info_fails_when_the_config_read_answers_null(webapi, run_module):
    """include_config asks for the config: a null GetConnection must not turn into an empty config."""
    webapi.expect('GetAllConnections', LIST, [record(7, active=True)])
    webapi.expect('GetConnection', {'ErpConnectionId': 7}, None)
    result = run_module(erpsync_connection_info.main, dict(id=7, include_config=True))
    assert result.get('failed') is True, result
    assert 'GetConnection' in result['msg'] and 'null' in result['msg']
