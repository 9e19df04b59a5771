# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shared convergence engine: option spec, secret masking and the docs of the two modules that use it."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ast
import json
import os
import re

import pytest
import yaml

from ansible.module_utils import basic

from ansible_collections.superoffice.crm.plugins.module_utils import _connections
from ansible_collections.superoffice.crm.plugins.module_utils._connections import (
    CONNECTION_OPTIONS, ConnectionModule, connection_facts, items_from_list, mask_config, mask_config_args)

MASK = '********'
MODULES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'modules')


def module_doc(name, what='DOCUMENTATION'):
    with open(os.path.join(MODULES, name + '.py')) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == what:
            return yaml.safe_load(node.value.value)
    raise AssertionError('%s has no %s' % (name, what))


def test_mask_config_args_masks_every_config_value():
    params = dict(name='x', password='p', config={'A': 'a', 'B': '', 'C': None},
                  connections=[dict(name='y', config={'K': 'secret'}), dict(name='z', config=None), 'odd'])
    masked = mask_config_args(params)
    assert masked['config'] == {'A': MASK, 'B': '', 'C': None}
    assert masked['connections'][0]['config'] == {'K': MASK}
    assert masked['connections'][1]['config'] is None
    assert masked['connections'][2] == 'odd'
    assert params['config']['A'] == 'a'  # a copy: the module still works with the real values
    assert mask_config_args(None) is None


def test_mask_config():
    keys = {'Key'}
    assert mask_config({'Key': 'v', 'Url': 'u'}, keys) == {'Key': MASK, 'Url': 'u'}
    assert mask_config({'Key': '', 'Url': 'u'}, keys) == {'Key': '', 'Url': 'u'}
    assert mask_config({'Key': ''}, keys, given={'Key': 'set by the user'}) == {'Key': MASK}
    assert mask_config({'Key': 'v', 'Url': 'u'}, None) == {'Key': MASK, 'Url': MASK}  # field types unknown


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
    good = items_from_list([dict(name='A', config={'n': 1})])[0]
    assert good.errors == []
    assert good.config == {'n': '1'}
    assert good.params['state'] == 'present'
    assert good.params['update_secrets'] == 'always'
    assert good.params['test_connection'] is False


@pytest.mark.parametrize('value, error', [
    (True, "config.K is a boolean; config values are text, so quote it ('true' or 'false'"),
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
    with module_args(dict(config={'ApiKey': 'log-secret-1'}, connections=[dict(config={'K': 'log-secret-2'})])):
        module = ConnectionModule(argument_spec=dict(config=dict(type='dict'), connections=dict(type='list', elements='dict')))
    assert logged and 'Invoked with' in logged[0]
    assert 'log-secret' not in ' '.join(logged)
    assert module.params['config'] == {'ApiKey': 'log-secret-1'}  # the module itself keeps the real values


def test_exit_json_echoes_masked_config(capsys, module_args):
    with module_args(dict(config={'ApiKey': 'echo-secret'})):
        module = ConnectionModule(argument_spec=dict(config=dict(type='dict')))
        with pytest.raises(SystemExit):
            module.exit_json(changed=False)
    out = json.loads(capsys.readouterr().out)
    assert out['invocation']['module_args']['config'] == {'ApiKey': MASK}


def test_connection_options_is_a_copy():
    options = _connections.connection_options()
    options['id']['type'] = 'str'
    assert CONNECTION_OPTIONS['id']['type'] == 'int'
