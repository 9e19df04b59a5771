# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input, every option of every module: it must fail before any request, with a message naming the option.

The modules are discovered (plugins/modules) and their argument specs captured from their own ``main()``, so a
module or option added later is in the matrix at once. Options of a checked type (bool, int, float, list, dict,
choices) get a wrong-type value automatically; free-text options need entries in ``CASES`` (out-of-range values and
conflicting combinations), and ``test_every_option_is_covered`` fails for any option that has none. The items of list
options (``erpsync_connections.connections``, ``erpsync_tenant.connectors``, ``.connections`` and ``.connections[].mappings``)
get every case of the module whose options they take, and their message must name the item.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import importlib
import pkgutil

import pytest

from ansible.module_utils import basic

import ansible_collections.superoffice.crm.plugins.modules as modules_package

ONLINE_URL = 'https://online2.superoffice.com/Cust12345'
LONG_TEXT = 'x' * 255  # DisplayName and DisplayDescription are String(254)

# Arguments that make each module valid (with the run_module fixture's on-site url, username and password).
BASE_ARGS = {
    'erpsync_connection': {'name': 'Visma'},
    'erpsync_connections': {'connections': [{'name': 'Visma'}]},
    'erpsync_connector': {'name': 'Fortnox'},
    'erpsync_actor_mapping': {'connection': 'Visma', 'actor_type': 'Customer', 'active': True},
    'erpsync_list_mapping': {'connection': 'Visma', 'lists': [{'erp_list': 'PriceList', 'items': {'A': 1}}]},
    'erpsync_mapping_info': {'connection': 'Visma'},
    'erpsync_sync': {'mode': 'resync', 'connection': 'Visma', 'keys': ['12']},
    'erpsync_sync_priority': {'connections': ['Visma', 0]},
}
# List options whose items take the options of another module: module -> [(item label, module, arguments around one item)].
# The options of the item module that are not item options (connection options, a mapping's connection) are left out.
ITEM_OPTIONS = {
    'erpsync_connections': [('connections[0]', 'erpsync_connection', lambda item: {'connections': [item]})],
    'erpsync_tenant': [
        ('connections[0]', 'erpsync_connection', lambda item: {'connections': [item]}),
        ('connectors[0]', 'erpsync_connector', lambda item: {'connectors': [item]}),
        ('connections[0].mappings[0]', 'erpsync_actor_mapping', lambda item: {'connections': [{'name': 'Visma', 'mappings': [item]}]}),
    ],
}
NOT_ITEM_OPTIONS = ('connection',)
# Options that take any value of their type (nothing to refuse), with the reason.
ANY_VALUE = {
    'erpsync_tenant.warn_unknown': 'variable names the role found; any list of strings is valid',
}

# Wrong-type values by argument type (Ansible's own checks).
WRONG_TYPE = {
    'bool': 'maybe',
    'int': 'many',
    'float': 'long',
    'dict': 'not-a-dictionary',
}
WRONG_ELEMENT = {'int': ['staff'], 'dict': ['not-a-dictionary'], 'str': None}

# Out-of-range values and conflicting combinations: option -> [(label, argument overrides)]; a None value removes the
# argument. ``modules`` limits an entry to some modules. The named option must appear in the failure message.
CASES = {
    # Connection options (every module).
    'url': [
        ('no scheme', {'url': 'crm.example.com/SuperOffice'}),
        ('credentials in the url', {'url': 'https://admin:pw@crm.example.com/SuperOffice'}),
        ('query string', {'url': 'https://crm.example.com/SuperOffice?tenant=1'}),
        ('ftp', {'url': 'ftp://crm.example.com/SuperOffice'}),
        ('url and context_identifier', {'context_identifier': 'Cust12345'}),
    ],
    'context_identifier': [
        ('not a tenant id', {'url': None, 'context_identifier': 'Cust 12345/../x'}),
    ],
    'environment_url': [
        ('not an address', {'url': None, 'context_identifier': 'Cust12345', 'environment_url': 'online.superoffice.com'}),
        ('query string', {'url': None, 'context_identifier': 'Cust12345', 'environment_url': 'https://online.superoffice.com/?x=1'}),
    ],
    'username': [
        ('password without username', {'username': None}),
    ],
    'password': [
        ('password and ticket', {'ticket': '7T:dGlja2V0'}),
        ('password and access_token', {'access_token': '8A:Cust12345.token'}),
    ],
    'ticket': [
        ('ticket and access_token', {'password': None, 'ticket': '7T:dGlja2V0', 'access_token': '8A:Cust12345.token'}),
        ('line break in the ticket', {'password': None, 'ticket': '7T:dGlja2V0\r\nX-Injected: 1'}),
    ],
    'access_token': [
        ('line break in the access_token', {'password': None, 'access_token': '8A:Cust12345.token\nX-Injected: 1'}),
    ],
    'system_user_token': [
        ('system_user_token without app_token and private_key', {'url': ONLINE_URL, 'password': None, 'system_user_token': 'SUT'}),
        ('system_user_token and password', {'url': ONLINE_URL, 'system_user_token': 'SUT'}),
    ],
    'app_token': [
        ('line break in the app_token', {'app_token': 'f00d\nX-Injected: 1'}),
        ('system_user_token without app_token', {'url': ONLINE_URL, 'password': None, 'system_user_token': 'SUT',
                                                 'private_key': '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----'}),
    ],
    'private_key': [
        ('not a key', {'url': ONLINE_URL, 'password': None, 'system_user_token': 'SUT', 'app_token': 'f00d',
                       'private_key': 'not a key at all'}),
        ('system_user_token without private_key', {'url': ONLINE_URL, 'password': None, 'system_user_token': 'SUT', 'app_token': 'f00d'}),
        ('not a key, with tenant discovery', {'url': None, 'context_identifier': 'Cust12345', 'password': None, 'system_user_token': 'SUT',
                                              'app_token': 'f00d', 'private_key': 'not a key at all'}),
    ],
    'ca_path': [
        ('missing CA bundle', {'ca_path': '/nonexistent/superoffice-ca-bundle.pem'}),
    ],
    'timeout': [('zero', {'timeout': 0}), ('negative', {'timeout': -5})],
    'retries': [('negative', {'retries': -1})],
    'retry_max_wait': [('negative', {'retry_max_wait': -1})],
    'services_version': [('not ServicesNN', {'api': 'soap', 'services_version': 'ErpSync'})],
    # erpsync_engine
    'interval': [
        ('words', {'interval': 'ten minutes'}),
        ('zero', {'interval': '00:00:00'}),
        ('negative seconds', {'interval': '-600'}),
        ('61 minutes', {'interval': '00:61:00'}),
    ],
    'wait_timeout': [('zero', {'wait_timeout': 0})],
    # erpsync_connection (and the items of erpsync_connections)
    'id': [
        ('zero', {'id': 0}),
        ('negative', {'id': -3}),
    ],
    'name': [
        ('empty', {'name': ''}),
        ('blank', {'name': '   '}),
        ('longer than 254 characters', {'name': LONG_TEXT}, ('erpsync_connection',)),
        ('neither id nor name', {'name': None}, ('erpsync_connection',)),
    ],
    'connector': [
        ('blank', {'connector': ' '}),
    ],
    'description': [
        ('longer than 254 characters', {'description': LONG_TEXT}),
    ],
    'config': [
        ('an object value', {'config': {'SyncSuppliers': {'on': True}}}),
        ('a null value', {'config': {'ApiUrl': None}}),
        ('a list value', {'config': {'ApiUrl': ['https://a', 'https://b']}}),
        ('an empty key', {'config': {'': 'value'}}),
        ('a value longer than 1023 characters', {'config': {'ApiUrl': 'x' * 1024}}),
        ("the export's vault stub", {'config': {'ApiKey': 'CHANGE_ME'}}),
        ("an unrendered vault placeholder of the export", {'config': {'ApiKey': '{{ vault_erpsync_3_ApiKey }}'}}),
    ],
    'user_group_ids': [('negative id', {'user_group_ids': [-1]})],
    # erpsync_connector
    'connector_url': [
        ('not an address', {'connector_url': 'connectors.example.com/ErpConnector.svc'}),
        ('credentials in the address', {'connector_url': 'https://sync:pw@connectors.example.com/ErpConnector.svc'}),
        ('longer than 1023 characters', {'connector_url': 'https://connectors.example.com/' + 'x' * 1000}),
    ],
    # erpsync_actor_mapping, erpsync_list_mapping, erpsync_mapping_info, erpsync_sync
    'connection': [
        ('empty', {'connection': ''}),
        ('blank', {'connection': '   '}),
    ],
    'fields': [
        ('a field without erp_field', {'fields': [{'crm_field': 'contact.name'}]}),
        ('the same erp_field twice', {'fields': [{'erp_field': 'Name', 'direction': 'both'}, {'erp_field': 'Name', 'direction': 'none'}]}),
    ],
    'lists': [
        ('neither erp_list nor erp_field', {'lists': [{'items': {'A': 1}}]}),
        ('both erp_list and erp_field', {'lists': [{'erp_list': 'PriceList', 'erp_field': 'PriceList', 'items': {'A': 1}}]}),
        ('a CRM item id that is not a number or name', {'lists': [{'erp_list': 'PriceList', 'items': {'A': ['x']}}]}),
    ],
    'keys': [
        ('not record ids with mode=resync', {'keys': ['customer-12']}),
        ('an empty key with mode=resync_external', {'mode': 'resync_external', 'actor_type': 'Customer', 'keys': ['']}),
    ],
    'mode': [
        ('resync_external without actor_type', {'mode': 'resync_external', 'keys': ['K1']}),
    ],
    'actor_type': [
        ('actor_type with mode=resync', {'actor_type': 'Customer'}, ('erpsync_sync',)),
    ],
    'background': [
        ('background with mode=sync_all', {'mode': 'sync_all', 'connection': None, 'keys': None, 'background': True}),
        ('background without blank values', {'background': True, 'blank_values': False}),
    ],
    # erpsync_tenant
    'engine_interval': [
        ('words', {'engine_interval': 'ten minutes'}),
        ('zero', {'engine_interval': '00:00:00'}),
    ],
    'engine_wait_timeout': [('zero', {'engine_wait_timeout': 0})],
    'sync_priority': [
        ('empty', {'sync_priority': []}),
        ('a blank entry', {'sync_priority': ['']}),
        ('SuperOffice twice', {'sync_priority': [0, 0]}),
        ('the same name twice', {'sync_priority': ['Visma', 'SAP', 'Visma']}),
        ('a dictionary entry', {'sync_priority': ['Visma', {'id': 3}]}),
        ('a true entry', {'sync_priority': [True]}),
    ],
    'erp_tab_order': [
        ('a blank key', {'erp_tab_order': ['Name', ' ']}),
        ('a key twice', {'erp_tab_order': ['Name', 'Email', 'Name']}),
    ],
    'associate_ids': [('zero id', {'associate_ids': [0]})],
    # erpsync_connections
    'connections': [
        ('an item that is not a dictionary', {'connections': ['Visma']}, ('erpsync_connections', 'erpsync_tenant')),
        ('an item with neither id nor name', {'connections': [{'description': 'nameless'}]}, ('erpsync_connections', 'erpsync_tenant')),
        ('a misspelt option in an item', {'connections': [{'name': 'Visma', 'actve': True}]}, ('erpsync_connections', 'erpsync_tenant')),
        ('the same name twice', {'connections': [{'name': 'Visma'}, {'name': 'Visma'}]}, ('erpsync_connections', 'erpsync_tenant')),
        ('the same id twice', {'connections': [{'id': 4}, {'id': 4, 'state': 'absent'}]}, ('erpsync_connections', 'erpsync_tenant')),
        # erpsync_sync_priority: names or ids, 0 for SuperOffice
        ('empty', {'connections': []}, ('erpsync_sync_priority',)),
        ('a blank entry', {'connections': ['Visma', ' ']}, ('erpsync_sync_priority',)),
        ('SuperOffice twice', {'connections': [0, 'SAP', '0']}, ('erpsync_sync_priority',)),
        ('the same name twice', {'connections': ['Visma', 'Visma']}, ('erpsync_sync_priority',)),
        ('a dictionary entry', {'connections': [{'name': 'Visma'}]}, ('erpsync_sync_priority',)),
        ('mappings of a connection to delete', {'connections': [{'name': 'Visma', 'state': 'absent', 'mappings': [{'actor_type': 'Customer'}]}]},
         ('erpsync_tenant',)),
        ('list mappings without items', {'connections': [{'name': 'Visma', 'list_mappings': [{'erp_list': 'PriceList'}]}]},
         ('erpsync_tenant',)),
        ('the same actor type twice', {'connections': [{'name': 'Visma', 'mappings': [{'actor_type': 'Customer'}, {'actor_type': 'Customer'}]}]},
         ('erpsync_tenant',)),
    ],
    'connectors': [
        ('an item that is not a dictionary', {'connectors': ['Fortnox']}),
        ('the same name twice (any case)', {'connectors': [{'name': 'Fortnox'}, {'name': 'fortnox'}]}),
    ],
}


class _Captured(Exception):
    pass


def _module_names():
    return sorted(m.name for m in pkgutil.iter_modules(modules_package.__path__) if not m.name.startswith('_'))


def _capture_spec(name, monkeypatch):
    """The keyword arguments the module gives AnsibleModule (argument_spec, required_one_of, ...)."""
    module = importlib.import_module('%s.%s' % (modules_package.__name__, name))
    seen = {}

    def capture(self, *args, **kwargs):
        seen.update(kwargs)
        raise _Captured()

    with monkeypatch.context() as patch:
        patch.setattr(basic.AnsibleModule, '__init__', capture)
        with pytest.raises(_Captured):
            module.main()
    return module, seen


@pytest.fixture(scope='module')
def specs():
    patch = pytest.MonkeyPatch()
    try:
        return dict((name, _capture_spec(name, patch)) for name in _module_names())
    finally:
        patch.undo()


def _generic_cases(option, spec):
    """Wrong-type and not-a-choice values Ansible itself must refuse."""
    cases = []
    if spec.get('choices'):
        cases.append(('not one of the choices', {option: 'no-such-choice'}))
    kind = spec.get('type', 'str')
    if kind in WRONG_TYPE:
        cases.append(('wrong type (%s)' % kind, {option: WRONG_TYPE[kind]}))
    if kind == 'list' and WRONG_ELEMENT.get(spec.get('elements', 'str')) is not None:
        cases.append(('wrong element type (%s)' % spec.get('elements'), {option: WRONG_ELEMENT[spec['elements']]}))
    return cases


def _explicit_cases(option, module_name):
    cases = []
    for entry in CASES.get(option, []):
        label, overrides = entry[0], entry[1]
        if len(entry) > 2 and module_name not in entry[2]:
            continue
        cases.append((label, overrides))
    return cases


def _option_cases(module_name, spec):
    """[(option, label, overrides)] for every option of a module's argument spec."""
    cases = []
    for option in sorted(spec):
        for label, overrides in _generic_cases(option, spec[option]) + _explicit_cases(option, module_name):
            cases.append((option, label, overrides))
    return cases


def _all_cases(specs):
    """[(case id, module name, option, arguments, names the message must contain)]."""
    everything = []
    for name in sorted(specs):
        spec = specs[name][1]['argument_spec']
        for option, label, overrides in _option_cases(name, spec):
            args = dict(BASE_ARGS.get(name, {}))
            args.update(overrides)
            everything.append(('%s.%s: %s' % (name, option, label), name, option, args, (option,)))
        for item_label, item_module, wrap in ITEM_OPTIONS.get(name, []):
            for option, label, overrides in _option_cases(item_module, _item_spec(specs, item_module)):
                item = dict((k, v) for k, v in BASE_ARGS.get(item_module, {}).items() if k not in NOT_ITEM_OPTIONS)
                item.update(overrides)
                item = dict((k, v) for k, v in item.items() if v is not None and k not in NOT_ITEM_OPTIONS)
                args = dict(BASE_ARGS.get(name, {}))
                args.update(wrap(item))
                everything.append(('%s.%s.%s: %s' % (name, item_label, option, label), name, option, args, (item_label, option)))
    return everything


def _item_spec(specs, item_module):
    """The options of a module that items of a list option take."""
    connection_options = specs['erpsync_engine_info'][1]['argument_spec']
    return dict((k, v) for k, v in specs[item_module][1]['argument_spec'].items() if k not in connection_options and k not in NOT_ITEM_OPTIONS)


def _case_ids():
    patch = pytest.MonkeyPatch()
    try:
        found = dict((name, _capture_spec(name, patch)) for name in _module_names())
    finally:
        patch.undo()
    return found, _all_cases(found)


SPECS, ALL_CASES = _case_ids()


@pytest.mark.parametrize('case_id, module_name, option, args, names', ALL_CASES, ids=[c[0] for c in ALL_CASES])
def test_bad_input_fails_before_any_request(webapi, run_module, case_id, module_name, option, args, names):
    module = SPECS[module_name][0]
    result = run_module(module.main, dict((k, v) for k, v in args.items() if v is not None), connection=_connection(args))
    assert result.get('failed') is True, '%s: the module did not fail: %r' % (case_id, result)
    for name in names:
        assert name in result['msg'], '%s: the message does not name %s: %s' % (case_id, name, result['msg'])
    assert webapi.calls == [], '%s: requests were made: %s' % (case_id, webapi.methods)


def _connection(args):
    """The fixture's on-site connection, minus the connection options a case removes (None)."""
    connection = dict(url='https://crm.example.com/SuperOffice', username='admin', password='s3cret-pw')
    for key, value in args.items():
        if key in connection and value is None:
            del connection[key]
    return connection


def test_every_option_is_covered():
    """A module or option added later must bring its own bad inputs (a checked type, or an entry in CASES)."""
    uncovered = []
    for name in sorted(SPECS):
        spec = SPECS[name][1]['argument_spec']
        covered = set(c[2] for c in ALL_CASES if c[1] == name and len(c[4]) == 1)
        uncovered.extend('%s.%s' % (name, option) for option in sorted(spec)
                         if option not in covered and '%s.%s' % (name, option) not in ANY_VALUE)
        for item_label, item_module, wrap in ITEM_OPTIONS.get(name, []):
            item_covered = set(c[2] for c in ALL_CASES if c[1] == name and c[4][0] == item_label)
            uncovered.extend('%s.%s.%s' % (name, item_label, option) for option in sorted(set(_item_spec(SPECS, item_module)) - item_covered))
    assert not uncovered, 'options without a bad-input case (add them to CASES): %s' % ', '.join(uncovered)


def test_every_module_is_in_the_matrix():
    assert sorted(set(c[1] for c in ALL_CASES)) == _module_names()


def test_matrix_size(capsys):
    modules = len(SPECS)
    options = sum(len(SPECS[name][1]['argument_spec']) for name in SPECS)
    with capsys.disabled():
        print('\nbad-input matrix: %d bad inputs over %d options of %d modules' % (len(ALL_CASES), options, modules))
    assert len(ALL_CASES) >= 270
