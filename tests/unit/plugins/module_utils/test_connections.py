# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connection resource kind: option spec, secret masking and the docs of the two modules that use it."""

import ast
import json
import os
import re

import pytest
import yaml

from ansible.module_utils import basic

from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule, mask_args, mask_url
from ansible_collections.superoffice.crm.plugins.module_utils._resources import connection_items as _connections
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_items import (
    CONNECTION_OPTIONS, connection_facts, items_from_list, mask_config)

from ansible.module_utils.common.parameters import PASS_VARS

# ansible-core 2.21 adds invocation to results only when INJECT_INVOCATION is on.
CORE_CAN_OMIT_INVOCATION = 'inject_invocation' in PASS_VARS
MASK = '********'
MODULES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'modules')


def module_doc(name, what='DOCUMENTATION'):
    with open(os.path.join(MODULES, name + '.py')) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == what:
            return yaml.safe_load(node.value.value)
    raise AssertionError('%s has no %s' % (name, what))


SPEC = dict(name=dict(type='str'), password=dict(type='str', no_log=True), config=dict(type='dict'), url=dict(type='str'),
            connections=dict(type='list', elements='dict', options=CONNECTION_OPTIONS))


def test_mask_args_masks_every_config_value():
    params = dict(name='x', password='p', config={'A': 'a', 'B': '', 'C': None},
                  connections=[dict(name='y', config={'K': 'secret'}), dict(name='z', config=None), 'odd'])
    masked = mask_args(params, SPEC)
    assert masked['config'] == {'A': MASK, 'B': '', 'C': None}
    assert masked['connections'][0]['config'] == {'K': MASK}
    assert masked['connections'][1]['config'] is None
    assert masked['connections'][2] == MASK
    assert params['config']['A'] == 'a'  # a copy: the module still works with the real values
    assert mask_args(None, SPEC) is None


def test_mask_args_masks_a_config_given_as_text_and_misspelt_options():
    params = dict(config='ApiKey=s3cret', confg={'ApiKey': 's3cret'}, connections=[dict(name='y', confg={'K': 's3cret'}, config='x')])
    masked = mask_args(params, SPEC)
    assert 's3cret' not in json.dumps(masked)
    assert masked['connections'][0]['name'] == 'y'


@pytest.mark.parametrize('url, shown', [
    ('https://admin:pw@crm.example.com/SO', 'https://********@crm.example.com/SO'),
    ('https://crm.example.com/SO?token=abc', 'https://crm.example.com/SO?********'),
    ('https://crm.example.com/SO', 'https://crm.example.com/SO'),
])
def test_mask_url(url, shown):
    assert mask_url(url) == shown
    assert mask_args(dict(url=url), SPEC)['url'] == shown


def test_mask_config():
    plain = {'Url'}
    assert mask_config({'Key': 'v', 'Url': 'u'}, plain) == {'Key': MASK, 'Url': 'u'}
    assert mask_config({'Key': '', 'Url': 'u'}, plain) == {'Key': '', 'Url': 'u'}
    assert mask_config({'Key': ''}, plain, given={'Key': 'set by the user'}) == {'Key': MASK}
    assert mask_config({'Key': 'v', 'Url': 'u'}, None) == {'Key': MASK, 'Url': MASK}  # field types unknown
    assert mask_config({'Key': 'v', 'url': 'u'}, plain) == {'Key': MASK, 'url': MASK}  # not typed: another case


def test_connection_facts_normalizes_the_carrier():
    facts = connection_facts({'ErpConnectionId': 4, 'DisplayName': None, 'UserGroupAccessIds': [5, 1], 'ConfigFields': None,
                              'ConnectionId': ''}, with_config=True)
    assert facts == dict(id=4, name='', description='', active=False, connector_id=None, connection_guid=None, all_access=False,
                         user_group_ids=[1, 5], associate_ids=[], deleted=False, most_recent_timestamp='', config={})
    assert connection_facts({'ErpConnectionId': 4}, with_config=False)['config'] is None


def test_items_from_list_names_the_item_in_every_message():
    items = items_from_list([dict(name='A', id='x'), 7, dict(id=3, user_group_ids=['a'])])
    assert items[0].errors[0].startswith("connections[0] ('A'): ")
    assert items[1].errors == ['connections[1]: must be a dictionary of connection options, got a int']
    assert items[2].errors[0].startswith('connections[2] (id 3): ')
    good = items_from_list([dict(name='A', config={'n': 1, 'flag': True})])[0]
    assert good.errors == []
    assert good.params['config'] == {'n': 1, 'flag': True}  # put in the server's form once the field types are read
    assert good.params['state'] == 'present'
    assert good.params['update_secrets'] == 'always'
    assert good.params['test_connection'] is False


@pytest.mark.parametrize('value, error', [
    (None, "config.K has no value; give a string ('' for an empty value)"),
    ({'a': 1}, 'config.K must be a string, got a dict'),
])
def test_config_values_must_be_text(value, error):
    item = items_from_list([dict(name='A', config={'K': value})])[0]
    assert item.errors == ["connections[0] ('A'): " + error + item.errors[0].split(error, 1)[1]]


def test_config_error_messages_never_contain_the_value():
    item = items_from_list([dict(name='A', config={'K': ['very-secret']})])[0]
    assert 'very-secret' not in ' '.join(item.errors)


def _suboption_refs_to_top_level(text):
    return re.sub(r'O\(connections\[\]\.', 'O(', text).replace('RV(connections[].operations)', 'RV(operations)')


def test_bulk_suboptions_document_the_single_module_options():
    single = module_doc('erpsync_connection')['options']
    bulk = module_doc('erpsync_connections')['options']['connections']['suboptions']
    assert sorted(bulk) == sorted(CONNECTION_OPTIONS)
    for name in CONNECTION_OPTIONS:
        as_single = json.loads(_suboption_refs_to_top_level(json.dumps(bulk[name])))
        assert as_single == single[name], name


@pytest.mark.parametrize('module', ['erpsync_connection', 'erpsync_connections'])
def test_documented_options_match_the_shared_spec(module):
    options = module_doc(module)['options']
    if module == 'erpsync_connections':
        options = options['connections']['suboptions']
    for name, spec in CONNECTION_OPTIONS.items():
        doc = options[name]
        assert doc['type'] == spec['type'], name
        assert doc.get('default') == spec.get('default'), name
        assert doc.get('choices') == spec.get('choices'), name
        assert doc.get('elements') == spec.get('elements'), name


def test_module_log_never_sees_config_values(monkeypatch, module_args):
    logged = []
    monkeypatch.setattr(basic.AnsibleModule, 'log', lambda self, msg, log_args=None: logged.append(msg))
    with module_args(dict(config={'ApiKey': 'log-secret-1'}, connections=[dict(config={'K': 'log-secret-2'})],
                          url='https://user:log-secret-3@crm.example.com')):
        module = ErpSyncModule(dict(config=dict(type='dict'), connections=dict(type='list', elements='dict')),
                               item_options=dict(connections=CONNECTION_OPTIONS))
    assert logged and 'Invoked with' in logged[0]
    assert 'log-secret' not in ' '.join(logged)
    assert module.params['config'] == {'ApiKey': 'log-secret-1'}  # the module itself keeps the real values


def test_exit_json_echoes_masked_config(capsys, module_args):
    args = dict(config={'ApiKey': 'echo-secret'})
    if CORE_CAN_OMIT_INVOCATION:
        args['_ansible_inject_invocation'] = True  # INJECT_INVOCATION on (ansible-core 2.21+)
    with module_args(args):
        module = ErpSyncModule(dict(config=dict(type='dict')))
        with pytest.raises(SystemExit):
            module.exit_json(changed=False)
    out = json.loads(capsys.readouterr().out)
    assert out['invocation']['module_args']['config'] == {'ApiKey': MASK}


def test_connection_options_is_a_copy():
    options = _connections.connection_options()
    options['id']['type'] = 'str'
    assert CONNECTION_OPTIONS['id']['type'] == 'int'
