# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The hostile answers of issue 22: a request echoed in the encodings .NET servers and proxies write, answers carrying
another connection's id, a broken 200 after the write was applied, a connection made by hand while a create's answer is
lost, and stored secrets shown as a mask."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import json
import os

import pytest
import requests

from .conftest import AUTH, ONLINE, ONSITE, ONSITE_PASSWORD, ONSITE_USER, REPO_ROOT, VISMA_SECRET
from .demo_api import AUTH as DEMO_AUTH, TENANT as DEMO, Api, start_demo_server
from .test_faults import add_fault

SECRET = "Abc+def&<x>'/y é"  # the characters the .NET and proxy encodings treat differently
BASIC = base64.b64encode(('%s:%s' % (ONSITE_USER, ONSITE_PASSWORD)).encode()).decode()


def save(client, tenant=ONLINE, **fields):
    connection = {'ErpConnectionId': 2, 'ErpConnectorId': 1, 'DisplayName': 'Visma test',
                  'ConfigFields': {'ApiUrl': 'https://x', 'CompanyId': '7654321', 'ClientSecret': SECRET}}
    connection.update(fields)
    return client.call(tenant, 'SaveConnection', {'Connection': connection})


def names(client, tenant=ONLINE):
    return [(c['ErpConnectionId'], c['DisplayName']) for c in client.state(tenant)['connections'] if not c['Deleted']]


# -- reflect: the request echoed in other encodings ---------------------------------------------------------------------

@pytest.mark.parametrize('encoding, secret_form, basic_form', [
    ('plain', SECRET.replace('é', '\\u00e9'), BASIC),  # as received: requests sends JSON with non-ASCII escaped
    ('json', 'Abc+def&<x>\'/y \\u00e9', BASIC),
    ('stj', 'Abc\\u002Bdef\\u0026\\u003Cx\\u003E\\u0027/y \\u00E9', BASIC.replace('+', '\\u002B')),
    ('slash', 'Abc+def&<x>\'\\/y \\u00e9', BASIC.replace('/', '\\/')),
    ('percent', 'Abc%2Bdef%26%3Cx%3E%27%2Fy%20%C3%A9', BASIC.replace('+', '%2B').replace('/', '%2F').replace('=', '%3D')),
    ('percent_lower', 'Abc%2bdef%26%3cx%3e%27%2fy+%c3%a9', BASIC.replace('+', '%2b').replace('/', '%2f').replace('=', '%3d')),
    ('form', 'Abc%2Bdef%26%3Cx%3E%27%2Fy+%C3%A9', BASIC.replace('+', '%2B').replace('/', '%2F').replace('=', '%3D')),
    ('latin1', "Abc+def&<x>'/y \u00c3\u00a9", BASIC),
    ('escapehtml', 'Abc+def\\u0026\\u003cx\\u003e\\u0027/y \u00e9', BASIC),
    ('xml', 'Abc+def&amp;&lt;x&gt;&apos;/y \u00e9', BASIC),
    ('html', 'Abc+def&amp;&lt;x&gt;&#39;/y &#233;', BASIC),
])
def test_reflect_echoes_in_each_encoding(client, encoding, secret_form, basic_form):
    add_fault(client, tenant=ONSITE, method='SaveConnection', kind='reflect', encodings=[encoding])
    response = save(client, ONSITE)
    assert response.status_code == 400
    detail = response.json()['MessageDetail']
    assert secret_form in detail, detail
    assert 'Authorization: ' in detail and basic_form in detail, detail
    assert detail.startswith('Rejected request' if encoding == 'plain' else '%s echo: Rejected request' % encoding)
    assert client.connection(ONSITE, 2)['ConfigFields']['ClientSecret'] == VISMA_SECRET  # not applied
    assert client.log(ONSITE)[-1]['fault'] == 'reflect'


def test_reflect_several_encodings_as_text(client):
    add_fault(client, method='SaveConnection', kind='reflect', status=500, encodings=['stj', 'percent_lower', 'latin1'], wire='text')
    response = save(client)
    assert response.status_code == 500 and response.headers['Content-Type'].startswith('text/plain')
    lines = response.text.split('\n')
    assert [line.split(' echo: ')[0] for line in lines] == ['stj', 'percent_lower', 'latin1']
    # Online credentials: the ticket and the app token are echoed too, in each form.
    assert 'SO-AppToken: ' + AUTH[ONLINE]['SO-AppToken'] in lines[0]
    assert 'Abc%2bdef' in lines[1] and '\u00c3\u00a9' in lines[2]


# -- garbage after the write was applied --------------------------------------------------------------------------------

def test_garbage_after_apply_applies_the_toggle(client):
    add_fault(client, method='ToggleErpConnectionActive', kind='garbage', apply=True)
    response = client.call(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 2})
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    assert client.connection(ONLINE, 2)['Active'] is True  # applied although the answer is unreadable
    assert client.log(ONLINE)[-1]['fault'] == 'garbage'


def test_truncated_answer_after_a_create(client):
    add_fault(client, method='SaveConnection', kind='garbage', apply=True, form='truncated')
    response = save(client, ErpConnectionId=0, DisplayName='Half an answer')
    assert response.status_code == 200
    assert response.text.startswith('{"ErpConnectionId":5,')
    assert int(response.headers['Content-Length']) == len(response.content)
    with pytest.raises(ValueError):
        response.json()
    assert (5, 'Half an answer') in names(client)


def test_empty_answer_after_apply_and_garbage_without_apply(client):
    add_fault(client, method='ToggleErpConnectionActive', kind='garbage', apply=True, form='empty')
    response = client.call(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 2})
    assert response.status_code == 200 and response.content == b''
    assert client.connection(ONLINE, 2)['Active'] is True
    add_fault(client, method='ToggleErpConnectionActive', kind='garbage')  # the old kind: not applied
    client.call(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 2})
    assert client.connection(ONLINE, 2)['Active'] is True


# -- wrong_id: an answer (or the write itself) about another connection -------------------------------------------------

def test_wrong_id_answer_swaps_only_the_connection_id(client):
    add_fault(client, method='SaveConnection', kind='wrong_id', id=1)
    answer = save(client, DisplayDescription='saved').json()
    assert answer['ErpConnectionId'] == 1 and answer['ErpConnectorId'] == 1
    assert answer['DisplayName'] == 'Visma test'  # the record that was saved, under the other id
    assert client.connection(ONLINE, 2)['DisplayDescription'] == 'saved'
    assert client.connection(ONLINE, 1)['DisplayDescription'] == 'Visma prod description'


def test_wrong_id_record_answers_the_other_connection_as_the_server_shows_it(client):
    add_fault(client, method='SaveConnection', kind='wrong_id', id=1, mode='record')
    answer = save(client, DisplayDescription='saved').json()
    assert (answer['ErpConnectionId'], answer['DisplayName'], answer['Active']) == (1, 'Visma prod', True)
    assert answer['ConfigFields']['ClientSecret'] == ''  # masked as every answer is
    assert client.connection(ONLINE, 2)['DisplayDescription'] == 'saved'


def test_wrong_id_call_toggles_the_other_connection(client):
    add_fault(client, method='ToggleErpConnectionActive', kind='wrong_id', id=1, mode='call')
    assert client.ok(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 2}) == ['']
    assert client.connection(ONLINE, 2)['Active'] is False
    assert client.connection(ONLINE, 1)['Active'] is False  # connection 1 was active: the toggle meant for 2 flipped it
    assert client.log(ONLINE)[-1]['body'] == {'ErpConnectionId': 2}  # the log shows what was sent


@pytest.fixture(scope='module')
def demo_server():
    running = start_demo_server()
    yield running
    running.stop()


@pytest.fixture
def demo(demo_server):
    """The demo tenant (its connectors have actor types and fields), reset."""
    api = Api(demo_server.base_url)
    assert api.session.post(demo_server.base_url + '/_emulator/reset', timeout=10).status_code == 200
    yield api
    api.session.close()


def entity(api, connector_id):
    return api.session.post('%s/%s/api/v1/Agents/ErpSync/GetErpSyncConnectorEntity' % (api.base_url, DEMO), params={
        'erpSyncConnectorEntityId': connector_id}, headers=DEMO_AUTH, timeout=10).json()


def test_wrong_id_answer_swaps_the_id_of_a_connector_or_a_default_value(demo):
    assert demo.admin('POST', 'faults', {'method': 'GetErpSyncConnectorEntity', 'kind': 'wrong_id', 'id': 1}).status_code == 200
    assert (entity(demo, 2)['ErpConnectorId'], entity(demo, 2)['DisplayName']) == (1, 'Visma.net')  # only the id is swapped
    first, second = demo.mapping(1, 'Customer')['FieldMappings'][:2]
    assert demo.admin('POST', 'faults', {'method': 'GetDefaultValueInfo', 'kind': 'wrong_id', 'id': second['ErpFieldId']}).status_code == 200
    default = demo.call('GetDefaultValueInfo', {'ErpFieldId': first['ErpFieldId']})
    assert (default['ErpFieldId'], default['ErpFieldKey']) == (second['ErpFieldId'], first['ErpFieldKey'])


def test_wrong_id_call_reads_another_connector_or_default_value_and_saves_onto_another_mapping(demo):
    """A read meant for one object answers the other one whole; a save meant for one connection's mapping lands on the other."""
    assert demo.admin('POST', 'faults', {'method': 'GetErpSyncConnectorEntity', 'kind': 'wrong_id', 'id': 1, 'mode': 'call'}).status_code == 200
    assert entity(demo, 2) == entity(demo, 1)
    first, second = demo.mapping(1, 'Customer')['FieldMappings'][:2]
    assert demo.admin('POST', 'faults', {'method': 'GetDefaultValueInfo', 'kind': 'wrong_id', 'id': second['ErpFieldId'],
                                         'mode': 'call'}).status_code == 200
    assert demo.call('GetDefaultValueInfo', {'ErpFieldId': first['ErpFieldId']})['ErpFieldKey'] == second['ErpFieldKey']
    before = demo.mapping(1, 'Customer')['IsActive']
    assert demo.admin('POST', 'faults', {'method': 'SaveActorTypeMapping', 'kind': 'wrong_id', 'id': 1, 'mode': 'call'}).status_code == 200
    saved = demo.call('SaveActorTypeMapping', {'Mapping': {'ErpConnectionId': 2, 'ActorTypeErp': 'Customer', 'IsActive': not before}})
    assert saved['ErpConnectionId'] == 1 and demo.mapping(1, 'Customer')['IsActive'] is (not before)


def test_wrong_id_call_saves_onto_the_other_connection(client):
    client.ok(ONLINE, 'ToggleErpConnectionActive', {'ErpConnectionId': 1})  # deactivate 1, so that its config may change
    add_fault(client, method='SaveConnection', kind='wrong_id', id=1, mode='call')
    answer = save(client, DisplayDescription='meant for 2').json()
    assert answer['ErpConnectionId'] == 1
    assert client.connection(ONLINE, 1)['DisplayDescription'] == 'meant for 2'
    assert client.connection(ONLINE, 2)['DisplayDescription'] == 'Visma test description'


# -- a connection made by hand while a create's answer is lost ---------------------------------------------------------

@pytest.mark.parametrize('when, own_id, twin_id', [('after', 5, 6), ('before', 6, 5)])
def test_twin_made_by_hand_around_a_dropped_create(client, when, own_id, twin_id):
    add_fault(client, method='SaveConnection', kind='drop_after_apply', twin=when, twin_fields={'DisplayDescription': 'by hand'})
    with pytest.raises(requests.exceptions.ConnectionError):
        save(client, ErpConnectionId=0, DisplayName='Prod', ConnectionId='11111111-2222-4333-8444-555555555555')
    connections = dict((c['ErpConnectionId'], c) for c in client.state(ONLINE)['connections'])
    own, twin = connections[own_id], connections[twin_id]
    assert own['DisplayName'] == twin['DisplayName'] == 'Prod'
    assert own['ConnectionId'] == '11111111-2222-4333-8444-555555555555'
    assert twin['ConnectionId'] != own['ConnectionId']  # the admin's has its own GUID
    assert (own['DisplayDescription'], twin['DisplayDescription']) == ('', 'by hand')
    assert twin['ConfigFields']['ClientSecret'] == SECRET  # the same config otherwise
    assert client.log(ONLINE)[-1]['fault'] == 'drop_after_apply'


def test_twin_made_by_hand_while_a_create_is_dropped_before_it_is_applied(client):
    add_fault(client, method='SaveConnection', kind='drop_before_apply', twin='before', twin_fields={'DisplayDescription': 'by hand'})
    with pytest.raises(requests.exceptions.ConnectionError):
        save(client, ErpConnectionId=0, DisplayName='Prod', ConnectionId='11111111-2222-4333-8444-555555555555')
    made = [c for c in client.state(ONLINE)['connections'] if c['DisplayName'] == 'Prod']
    assert len(made) == 1  # the admin's only: the create itself was not applied
    assert made[0]['ConnectionId'] != '11111111-2222-4333-8444-555555555555' and made[0]['DisplayDescription'] == 'by hand'
    assert client.log(ONLINE)[-1]['fault'] == 'drop_before_apply'


# -- stored secrets shown as a mask -------------------------------------------------------------------------------------

@pytest.mark.parametrize('mask, shown', [('********', '********'), (True, '*' * len(VISMA_SECRET)), (None, '')])
def test_password_mask(client, mask, shown):
    assert client.admin('PUT', 'tenants/%s/password_mask' % ONLINE, mask).status_code == 200
    assert client.state(ONLINE)['password_mask'] == mask
    record = client.ok(ONLINE, 'GetConnection', {'ErpConnectionId': 1})
    assert record['ConfigFields']['ClientSecret'] == shown
    assert record['ConfigFields']['CompanyId'] == '1234567'
    assert client.ok(ONLINE, 'GetErpConnectionConfigFields', {'ErpConnectionId': 1})['ClientSecret'] == shown
    # A blank secret stays blank, whatever the mask.
    answer = save(client, ConfigFields={'ApiUrl': 'https://x', 'CompanyId': '1', 'ClientSecret': ''}).json()
    assert answer['ConfigFields']['ClientSecret'] == ''


def test_password_mask_sent_back_is_stored_as_sent_and_reset_clears_it(client):
    client.admin('PUT', 'tenants/%s/password_mask' % ONLINE, '********')
    save(client, ConfigFields={'ApiUrl': 'https://x', 'CompanyId': '1', 'ClientSecret': '********'})
    assert client.connection(ONLINE, 2)['ConfigFields']['ClientSecret'] == '********'
    client.admin('POST', 'tenants/%s/reset' % ONLINE)
    assert client.state(ONLINE)['password_mask'] is None


def test_readable_tenant_ignores_the_mask(client):
    client.admin('PUT', 'tenants/%s/password_mask' % ONSITE, '********')
    assert client.ok(ONSITE, 'GetConnection', {'ErpConnectionId': 1})['ConfigFields']['ClientSecret'] == VISMA_SECRET


# -- bad rules -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('rule', [
    {'kind': 'reflect', 'encodings': ['rot13']}, {'kind': 'reflect', 'encodings': []}, {'kind': 'reflect', 'wire': 'xml'},
    {'kind': 'garbage', 'form': 'truncated'}, {'kind': 'garbage', 'apply': 'yes'}, {'kind': 'garbage', 'form': 'poetry', 'apply': True},
    {'kind': 'drop_after_apply', 'twin': 'after'}, {'kind': 'drop_after_apply', 'method': 'SaveConnection', 'twin': 'later'},
    {'kind': 'drop_after_apply', 'method': 'SaveConnection', 'twin': 'after', 'twin_fields': {'DisplayName': 5}},
    {'kind': 'wrong_id'}, {'kind': 'wrong_id', 'id': 0}, {'kind': 'wrong_id', 'id': 2, 'mode': 'sideways'},
    {'kind': 'status', 'twin': 'after'}, {'kind': 'null', 'id': 2}, {'kind': 'reflect', 'apply': True},
    {'kind': 'drop_before_apply', 'method': 'SaveConnection', 'twin': 'after'},
])
def test_bad_hostile_rules_are_400(client, rule):
    response = client.admin('POST', 'tenants/%s/faults' % ONLINE, rule)
    assert response.status_code == 400 and response.json()['error'], response.text


@pytest.mark.parametrize('mask', ['', 5, ['*']])
def test_bad_password_mask_is_400(client, mask):
    response = client.admin('PUT', 'tenants/%s/password_mask' % ONLINE, mask)
    assert response.status_code == 400 and 'password_mask' in response.json()['error']


def test_data_file_password_mask(data_file, tmp_path):
    from ansible_collections.superoffice.crm.emulator.store import TenantStore
    data = json.load(open(data_file))
    data['tenants'][ONLINE]['password_mask'] = '####'
    path = tmp_path / 'masked.json'
    path.write_text(json.dumps(data))
    tenant = TenantStore.from_file(str(path)).get(ONLINE)
    assert tenant.snapshot()['password_mask'] == '####'


def test_hostile_data_file_loads_with_what_the_target_relies_on():
    """emulator/data/hostile.json (the export_hostile target): Jinja everywhere, colliding secret names, odd metadata."""
    from ansible_collections.superoffice.crm.emulator.store import TenantStore
    tenant = TenantStore.from_file(os.path.join(REPO_ROOT, 'emulator', 'data', 'hostile.json')).get('Hostile')
    state = tenant.snapshot()
    names = [c['DisplayName'] for c in state['connections'] if not c['Deleted']]
    assert names.count('Twin') == 2
    assert {'X Y', 'X', 'Case', 'SuperOffice'} <= set(names)
    assert sum('SUPEROFFICE_MARKER_DIR' in n for n in names) == 3  # a lookup, a statement, a YAML tag
    assert [len(c['config_fields']) for c in state['connectors'][1:4]] == [0, 1, 2]  # [], a key missing, another case
    assert 'HOSTILE-URL-PASSWORD@' in state['connectors'][4]['url']
    assert state['password_fields_readable'] is True
