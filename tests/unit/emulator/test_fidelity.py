# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Readings of SuperOffice's docs the emulator follows (emulator README, "Inferred and invented behaviour"), on the demo
data: CRM list references (ListReference, user-defined lists), AlreadyMapped and its cross-connection rule, fields the
connector declares mandatory, the "Set default value" rule, business-rule refusals in the REST error shape, and connector
config fields asked from the connector each time."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from .demo_api import REFUSED_KEYS, Api, start_demo_server

RULE_KEYS = {'Error', 'ErrorType', 'ErrorMessage', 'ErrorSource'}


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


def refused_by_rule(response, words):
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == RULE_KEYS and body['Error'] is True and body['ErrorType'] == 'SoException', body
    assert words in body['ErrorMessage']


def rows(mapping):
    return dict((row['ErpFieldKey'], row) for row in mapping['FieldMappings'])


# -- CRM list references -----------------------------------------------------------------------------


def test_list_reference_names_the_crm_list_of_a_mapping(api):
    assert set(row['ListReference'] for row in api.mapping(1, 'Customer')['FieldMappings']) == {''}  # nothing mapped yet
    saved = rows(api.mapping(1, 'Customer', {'GroupCode': {'CrmFieldKey': 'contact.category', 'SyncToCrm': True},
                                             'Phone1': {'CrmFieldKey': 'contact.phone', 'SyncToCrm': True}}))
    assert (saved['GroupCode']['ListReference'], saved['Phone1']['ListReference']) == ('table=category', '')
    saved = rows(api.mapping(1, 'Customer', {'GroupCode': {'CrmFieldKey': 'contact.udef.pricelist'}}))
    assert saved['GroupCode']['ListReference'] == 'table=udlist&udlistdefinition_id=12'
    person = rows(api.mapping(2, 'Person', {'Email': {'CrmFieldKey': 'person.position'}}))
    assert person['Email']['ListReference'] == 'table=PersPos'


def test_user_defined_list_is_read_as_udlist_with_its_id(api):
    by_additional = api.mdo('udlist', flat='true', additional='12')
    assert [(i['Id'], i['Name']) for i in by_additional.json()] == [(1, 'Base price'), (2, 'Wholesale'), (3, 'Retail')]
    assert api.mdo('udlist12', flat='true').json() == by_additional.json()
    missing = api.mdo('udlist', flat='true')
    assert missing.status_code == 400 and missing.json()['ErrorType'] == 'ArgumentException'
    assert api.mdo('udlist', additional='13').status_code == 404


def test_crm_list_of_a_list_mapping(api):
    """CrmList.ExtraInfo names the MDO list of a standard list (what the 0.2 modules read); a user-defined list has none
    there, only ListReference leads to it."""
    api.mapping(1, 'Customer', {'GroupCode': {'CrmFieldKey': 'contact.category', 'SyncToCrm': True}})
    crm_list = api.call('GetConnectionListMappings', {'ErpConnectionId': 1})['ErpListItemMappings'][0]['CrmList']
    assert (crm_list['Name'], crm_list['ExtraInfo']) == ('Category', 'category')
    api.mapping(1, 'Customer', {'GroupCode': {'CrmFieldKey': 'contact.udef.pricelist'}})
    entry = api.call('GetConnectionListMappings', {'ErpConnectionId': 1})['ErpListItemMappings'][0]
    assert (entry['CrmList']['Id'], entry['CrmList']['Name'], entry['CrmList']['ExtraInfo']) == (12, 'Price list', '')
    item = entry['ErpCrmListItemMappings'][0]
    item['CrmListItem'] = {'Id': 2}
    saved = api.call('SaveConnectionListMappings', {'ListMapping': {'ErpConnectionId': 1, 'ErpListItemMappings': [entry]}})
    assert saved['ErpListItemMappings'][0]['ErpCrmListItemMappings'][0]['CrmListItem']['Name'] == 'Wholesale'


# -- AlreadyMapped ---------------------------------------------------------------------------------


def test_a_crm_field_another_connection_synchronizes_cannot_be_mapped_one_way_to_superoffice(server, api):
    api.mapping(1, 'Customer', {'CardName': {'CrmFieldKey': 'contact.name', 'SyncToCrm': True}})
    # Within one connection the rule does not apply: Supplier and Customer both feed Contact.
    assert rows(api.mapping(1, 'Supplier', {'CardName': {'CrmFieldKey': 'contact.name', 'SyncToCrm': True}}))['CardName']['SyncToCrm']
    pilot = api.mapping(2, 'Customer')
    assert rows(pilot)['Name']['AlreadyMapped'] is False
    rows(pilot)['Name'].update(CrmFieldKey='contact.name', SyncToCrm=True)
    before = server.store.get('SuperOffice').snapshot()['mappings']
    refused_by_rule(api.post('SaveActorTypeMapping', {'Mapping': pilot}), "connection 'SAP B1 Oslo' (id 1)")
    assert server.store.get('SuperOffice').snapshot()['mappings'] == before
    # Both ways, or to the ERP system only, is allowed; both connections then show the field as already mapped.
    saved = rows(api.mapping(2, 'Customer', {'Name': {'CrmFieldKey': 'contact.name', 'SyncToCrm': True, 'SyncToErp': True}}))
    assert saved['Name']['AlreadyMapped'] is True and saved['Email']['AlreadyMapped'] is False
    assert rows(api.mapping(1, 'Customer'))['CardName']['AlreadyMapped'] is True
    assert rows(api.mapping(2, 'Customer', {'Name': {'SyncToCrm': False}}))['Name']['SyncToErp'] is True
    # The older one-way mapping stays as it is when its own connection is saved again.
    assert rows(api.mapping(1, 'Customer', {'Phone1': {'CrmFieldKey': 'contact.phone', 'SyncToCrm': True}}))['CardName']['SyncToCrm']
    # A deleted connection no longer counts.
    api.call('DeleteConnection', {'ErpConnectionId': 1})
    assert rows(api.mapping(2, 'Customer'))['Name']['AlreadyMapped'] is False


# -- defaults ----------------------------------------------------------------------------------------


def test_a_default_of_a_field_the_connector_declares_mandatory_is_always_mandatory(api):
    card_name, phone = api.field_id(1, 'Customer', 'CardName'), api.field_id(1, 'Customer', 'Phone1')
    default = api.call('GetDefaultValueInfo', {'ErpFieldId': card_name})
    assert (default['Access'], default['Mandatory'], default['PromptUser']) == ('Mandatory', False, False)  # none set up
    default.update(Mandatory=False, HasFirstSyncDefaultValue=True, FirstSyncDefaultValue='Unknown customer')
    assert api.call('SaveDefaultValueInfo', {'ErpSyncDefaultValue': default})['Mandatory'] is True
    assert api.call('GetDefaultValueInfo', {'ErpFieldId': card_name})['Mandatory'] is True
    phone_default = dict(api.call('GetDefaultValueInfo', {'ErpFieldId': phone}), PromptUser=True)
    assert api.call('SaveDefaultValueInfo', {'ErpSyncDefaultValue': phone_default})['Mandatory'] is False
    # Mandatory needs "Set default value" or "Ask user"; taking everything away removes the default.
    default.update(HasFirstSyncDefaultValue=False, FirstSyncDefaultValue='', Mandatory=True)
    refused_by_rule(api.post('SaveDefaultValueInfo', {'ErpSyncDefaultValue': default}), 'Set default value')
    default.update(Mandatory=False)
    cleared = api.call('SaveDefaultValueInfo', {'ErpSyncDefaultValue': default})
    assert (cleared['HasFirstSyncDefaultValue'], cleared['Mandatory']) == (False, False)


@pytest.mark.parametrize('value, accepted', [
    ({'HasFirstSyncDefaultValue': True, 'FirstSyncDefaultValue': ''}, True),  # "can be blank"
    ({'DefaultValue': 'x'}, True),  # what the 0.2 modules send
    ({'PromptUser': True}, True),
    ({'FirstSyncDefaultValue': 'x'}, False),  # a value without the check box is not "Set default value"
])
def test_a_mandatory_default_needs_set_default_value_or_ask_user(api, value, accepted):
    default = dict(api.call('GetDefaultValueInfo', {'ErpFieldId': api.field_id(1, 'Customer', 'Phone1')}), Mandatory=True, **value)
    response = api.post('SaveDefaultValueInfo', {'ErpSyncDefaultValue': default})
    if accepted:
        assert response.json()['Mandatory'] is True
    else:
        refused_by_rule(response, 'mandatory')


# -- refusal shapes ------------------------------------------------------------------------------------


def test_business_rules_and_bad_requests_answer_different_shapes(api):
    refused_by_rule(api.post('DeleteErpSyncConnectorEntity?erpSyncConnectorEntityId=1'), 'used by connections')
    mapping = api.mapping(1, 'Customer')
    rows(mapping)['CardCode'].update(CrmFieldKey='contact.number', SyncToCrm=True)
    refused_by_rule(api.post('SaveActorTypeMapping', {'Mapping': mapping}), 'read-only')
    rows(mapping)['CardCode'].update(CrmFieldKey='contact.nosuchfield', SyncToCrm=False)
    unknown = api.post('SaveActorTypeMapping', {'Mapping': mapping})
    assert unknown.status_code == 200 and set(unknown.json()) == REFUSED_KEYS  # names something that does not exist


# -- the connector asked each time ---------------------------------------------------------------------


def test_config_fields_are_asked_from_the_connector_when_requested(api):
    url = api.call('GetAllConnectors')[0]['ToolTip']
    assert [f['FieldKey'] for f in api.call('GetConfigurationFields', {'ErpConnectorId': 1})] == [
        'ServiceLayerUrl', 'CompanyDb', 'UserName', 'Password']
    assert api.call('GetConnection', {'ErpConnectionId': 1})['ConfigFields']['Password'] == ''
    # The connector service changes (a new version of it): the next request sees the change, masking included.
    assert api.admin('PUT', 'connector_services', [{'url': url, 'config_fields': [
        {'FieldKey': 'ServiceLayerUrl', 'Access': 'Mandatory'}, {'FieldKey': 'CompanyDb', 'FieldType': 'Password'}]}]).status_code == 200
    fields = api.call('GetConfigurationFields', {'ErpConnectorId': 1})
    assert [(f['FieldKey'], f['FieldType']) for f in fields] == [('ServiceLayerUrl', 'Text'), ('CompanyDb', 'Password')]
    config = api.call('GetConnection', {'ErpConnectionId': 1})['ConfigFields']
    assert (config['CompanyDb'], config['Password']) == ('', 'onsite-demo-password')
    assert api.admin('PUT', 'connector_services', {'url': url}).status_code == 400


def test_a_connector_moved_to_an_unknown_address_offers_nothing(api):
    entity = api.call('CreateDefaultErpSyncConnectorEntity')
    entity.update(DisplayName='Fortnox', URL='https://erpconnectors.example.com/fortnox/ErpConnector.svc')
    saved = api.call('SaveErpSyncConnectorEntity', entity)
    assert [f['FieldKey'] for f in api.call('GetConfigurationFields', {'ErpConnectorId': saved['ErpConnectorId']})]
    saved['URL'] = 'https://nowhere.example.com/ErpConnector.svc'
    api.call('SaveErpSyncConnectorEntity', saved)
    assert api.call('GetConfigurationFields', {'ErpConnectorId': saved['ErpConnectorId']}) == []
