# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input, every option of every module: it must fail before any request, with a message naming the option.

The modules are discovered (plugins/modules) and their argument specs captured from their own ``main()``, so a
module or option added later is in the matrix at once. Options of a checked type (bool, int, float, list, dict,
choices) get a wrong-type value automatically; free-text options need entries in ``CASES`` (out-of-range values and
conflicting combinations), and ``test_every_option_is_covered`` fails for any option that has none. The items of
``erpsync_connections.connections`` get every ``erpsync_connection`` case too, and their message must name the item.
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
}
# Modules whose options are also the sub-options of a list option: (list option, the module they come from).
ITEM_OPTIONS = {'erpsync_connections': ('connections', 'erpsync_connection')}

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
    ],
    'user_group_ids': [('negative id', {'user_group_ids': [-1]})],
    'associate_ids': [('zero id', {'associate_ids': [0]})],
    # erpsync_connections
    'connections': [
        ('an item that is not a dictionary', {'connections': ['Visma']}),
        ('an item with neither id nor name', {'connections': [{'description': 'nameless'}]}),
        ('a misspelt option in an item', {'connections': [{'name': 'Visma', 'actve': True}]}),
        ('the same name twice', {'connections': [{'name': 'Visma'}, {'name': 'Visma'}]}),
        ('the same id twice', {'connections': [{'id': 4}, {'id': 4, 'state': 'absent'}]}),
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
        if name in ITEM_OPTIONS:
            list_option, item_module = ITEM_OPTIONS[name]
            item_spec = dict((k, v) for k, v in specs[item_module][1]['argument_spec'].items()
                             if k not in specs['erpsync_engine_info'][1]['argument_spec'])
            for option, label, overrides in _option_cases(item_module, item_spec):
                item = dict(BASE_ARGS[item_module])
                item.update(overrides)
                item = dict((k, v) for k, v in item.items() if v is not None)
                args = dict(BASE_ARGS.get(name, {}))
                args[list_option] = [item]
                everything.append(('%s.%s[0].%s: %s' % (name, list_option, option, label), name, option, args,
                                   ('%s[0]' % list_option, option)))
    return everything


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
        covered = set(c[2] for c in ALL_CASES if c[1] == name and not c[4][0].endswith('[0]'))
        uncovered.extend('%s.%s' % (name, option) for option in sorted(spec) if option not in covered)
        if name in ITEM_OPTIONS:
            list_option, item_module = ITEM_OPTIONS[name]
            item_covered = set(c[2] for c in ALL_CASES if c[1] == name and c[4][0].endswith('[0]'))
            item_options = set(SPECS[item_module][1]['argument_spec']) - set(SPECS['erpsync_engine_info'][1]['argument_spec'])
            uncovered.extend('%s.%s[].%s' % (name, list_option, option) for option in sorted(item_options - item_covered))
    assert not uncovered, 'options without a bad-input case (add them to CASES): %s' % ', '.join(uncovered)


def test_every_module_is_in_the_matrix():
    assert sorted(set(c[1] for c in ALL_CASES)) == _module_names()


def test_matrix_size(capsys):
    modules = len(SPECS)
    options = sum(len(SPECS[name][1]['argument_spec']) for name in SPECS)
    with capsys.disabled():
        print('\nbad-input matrix: %d bad inputs over %d options of %d modules' % (len(ALL_CASES), options, modules))
    assert len(ALL_CASES) >= 270
