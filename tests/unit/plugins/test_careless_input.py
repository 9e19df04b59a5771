# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Careless input (reliability round 2): digits that are not ASCII, intervals beyond what the server stores, header
values that cannot be sent, names that differ from a live one only by case or white space. Each fails before any request
naming the option, or warns naming the near-duplicate. Each failed before the fix (a traceback, or a silent parse)."""

import pytest

from ansible_collections.superoffice.crm.plugins.module_utils._values import interval_to_seconds
from ansible_collections.superoffice.crm.plugins.modules import erpsync_connection, erpsync_engine, erpsync_engine_info, erpsync_tenant

LIST = {'IncludeDeleted': False}
CONNECTORS = [{'Id': 1, 'Name': 'SAP Business One', 'ToolTip': ''}]


@pytest.mark.parametrize('interval', ['１０', '²', '10²', '٣٠٠', '00:１0:00', 'PT１M', '2147483648', '24856.00:00:00', '10 minutes', 0])
def test_interval_is_ascii_and_bounded(webapi, run_module, interval):
    result = run_module(erpsync_engine.main, dict(interval=interval))
    assert result['failed'] is True
    assert result['msg'].startswith('interval: ')
    assert webapi.calls == []


def test_interval_upper_bound_is_what_the_server_stores():
    assert interval_to_seconds('2147483647') == 2147483647
    with pytest.raises(ValueError, match='at most 2147483647 seconds'):
        interval_to_seconds('24856.00:00:00')


def test_tenant_checks_the_engine_interval_before_any_request(webapi, run_module):
    """The role used to check the interval in its second module run, after the connections were written."""
    result = run_module(erpsync_tenant.main, dict(connections=[dict(name='X', active=False)], engine_interval='10 minutes'))
    assert result['failed'] is True
    assert 'engine_interval: ' in result['msg']
    assert webapi.calls == []


def test_superscript_connector_names_the_option(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [])
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    result = run_module(erpsync_connection.main, dict(name='New', connector='²'))
    assert result['failed'] is True
    assert "connector '²' is not known to this tenant" in result['msg']


@pytest.mark.parametrize('option', ['ticket', 'app_token'])
def test_non_latin1_header_values_name_the_option(webapi, run_module, option):
    connection = dict(url='https://online2.superoffice.com/Cust1', ticket='7T:abc', app_token='app')
    connection[option] = u'7T:abc\u2019def'  # a typographic quote from a copy and paste
    result = run_module(erpsync_engine_info.main, {}, connection=connection)
    assert result['failed'] is True
    assert result['msg'].startswith('%s contains characters that cannot be sent in an HTTP header' % option)
    assert u'\u2019' not in result['msg']
    assert webapi.calls == []


@pytest.mark.parametrize('name, live', [
    ('visma production', 'Visma production'), ('Visma  production', 'Visma production'), (' Visma production', 'Visma production')])
def test_near_duplicate_name_warns_naming_the_live_connection(webapi, run_module, name, live):
    webapi.expect('GetAllConnections', LIST, [{'ErpConnectionId': 4, 'ErpConnectorId': 1, 'DisplayName': live, 'Active': False}])
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 1}, [])
    result = run_module(erpsync_connection.main, dict(name=name, connector='1'), check_mode=True)
    assert result['changed'] is True
    assert any("connection 'Visma production' (id 4) differs from it only in case or white space" in w for w in result['warnings'])


def test_name_with_surrounding_white_space_warns(webapi, run_module):
    webapi.expect('GetAllConnections', LIST, [])
    webapi.expect('GetAllConnectors', {}, CONNECTORS)
    webapi.expect('GetConfigurationFields', {'ErpConnectorId': 1}, [])
    result = run_module(erpsync_connection.main, dict(name='New ', connector='1'), check_mode=True)
    assert any('its name starts or ends with white space' in w for w in result['warnings'])


def test_misspelt_role_variable_is_reported(webapi, run_module):
    result = run_module(erpsync_tenant.main, dict(warn_unknown=['erpsync_engine_intervall']))
    assert result['changed'] is False
    assert any('erpsync_engine_intervall is not one the role superoffice.crm.erpsync takes' in w for w in result['warnings'])
    assert webapi.calls == []
