# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The AWX kit: the job template's playbook (examples/awx/erpsync_tenant.yml, the role) run through ansible-runner, the
library AWX runs jobs with, against the emulator, with the environment that the credential type of
examples/awx/credential_type.yml injects, rendered from that file the way AWX renders injectors."""

import json
import os
import shutil
import stat
import tempfile

import ansible_runner
import jinja2.meta
import jinja2.sandbox
import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KIT = os.path.join(ROOT, 'examples', 'awx')
SECRET_IDS = {'password', 'ticket', 'access_token', 'app_token', 'system_user_token', 'private_key'}


def credential_type():
    with open(os.path.join(KIT, 'credential_type.yml')) as handle:
        return yaml.safe_load(handle)


class _Namespace(object):
    pass


def inject(kind, inputs, private_data_dir):
    """The environment of a job with a credential of ``kind`` holding ``inputs``, as AWX builds it
    (awx/main/models/credential.py, CredentialType.inject_credential): empty inputs are left out of the template
    namespace, missing booleans are False, file injectors are written to private files under env/ and named by
    tower.filename.<label>, and every template renders in Jinja's immutable sandbox."""
    fields = dict((field['id'], field) for field in kind['inputs']['fields'])
    assert set(inputs) <= set(fields), 'inputs the credential type does not have: %s' % sorted(set(inputs) - set(fields))
    namespace = dict((name, value) for name, value in inputs.items() if isinstance(value, bool) or len(value))
    for name, field in fields.items():
        if field['type'] == 'boolean' and name not in inputs:
            namespace[name] = False
    tower = namespace['tower'] = _Namespace()
    sandbox = jinja2.sandbox.ImmutableSandboxedEnvironment()
    os.makedirs(os.path.join(private_data_dir, 'env'), exist_ok=True)
    for label, template in kind['injectors'].get('file', {}).items():
        handle, path = tempfile.mkstemp(dir=os.path.join(private_data_dir, 'env'))
        with os.fdopen(handle, 'w') as stream:
            stream.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        if not hasattr(tower, 'filename'):
            tower.filename = _Namespace()
        setattr(tower.filename, label.split('.', 1)[1], path)
    return dict((name, sandbox.from_string(template).render(**namespace)) for name, template in kind['injectors']['env'].items())


def test_the_credential_type_is_one_awx_takes():
    kind = credential_type()
    assert set(kind) == {'name', 'description', 'kind', 'inputs', 'injectors'} and kind['kind'] == 'cloud'
    fields = dict((field['id'], field) for field in kind['inputs']['fields'])
    assert len(fields) == len(kind['inputs']['fields'])
    # Every secret is marked secret, nothing else is; every field has a label and a type AWX knows.
    assert set(name for name, field in fields.items() if field.get('secret')) == SECRET_IDS
    assert all(field.get('label') and field.get('type') in ('string', 'boolean') for field in fields.values())
    # Injectors set only the collection's variables, and use only the credential's inputs.
    assert all(name.startswith('SUPEROFFICE_') for name in kind['injectors']['env'])
    templates = list(kind['injectors']['env'].values()) + list(kind['injectors']['file'].values())
    used = set()
    for template in templates:
        used |= jinja2.meta.find_undeclared_variables(jinja2.Environment().parse(template))
    assert used <= set(fields) | {'tower'}
    assert set(fields) <= used, 'inputs that no injector uses: %s' % sorted(set(fields) - used)


def test_tls_is_verified_unless_the_credential_says_not_to(tmp_path):
    kind = credential_type()
    assert inject(kind, {'url': 'https://crm.example.com/SuperOffice'}, str(tmp_path))['SUPEROFFICE_VALIDATE_CERTS'] == 'true'
    env = inject(kind, {'url': 'https://crm.example.com/SuperOffice', 'skip_tls_verify': True}, str(tmp_path))
    assert env['SUPEROFFICE_VALIDATE_CERTS'] == 'false'
    # Files only for what was given: no empty CA bundle that would fail every TLS handshake.
    assert env['SUPEROFFICE_CA_PATH'] == env['SUPEROFFICE_PRIVATE_KEY'] == ''
    env = inject(kind, {'url': 'https://crm.example.com/SuperOffice', 'ca_bundle': '-----BEGIN CERTIFICATE-----\n'}, str(tmp_path))
    with open(env['SUPEROFFICE_CA_PATH']) as handle:
        assert handle.read() == '-----BEGIN CERTIFICATE-----\n'
    assert env['SUPEROFFICE_ENVIRONMENT'] == 'online'


def run_job(tmp_path, collections_path, env, extravars, name):
    """One job: ansible_runner.run on a copy of the project's playbook, as an AWX job would run it."""
    private_data_dir = str(tmp_path / name)
    os.makedirs(os.path.join(private_data_dir, 'project'), exist_ok=True)
    shutil.copy(os.path.join(KIT, 'erpsync_tenant.yml'), os.path.join(private_data_dir, 'project'))
    envvars = dict(env, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false', ANSIBLE_NOCOLOR='1')
    result = ansible_runner.run(private_data_dir=private_data_dir, playbook='erpsync_tenant.yml', inventory='localhost,',
                                envvars=envvars, extravars=extravars, quiet=True)
    stdout = result.stdout.read()
    assert (result.status, result.rc) == ('successful', 0), stdout
    # What AWX shows and stores of a job: its output and its events (the artifacts' ``command`` is ansible-runner's
    # record of the environment it was given, which AWX keeps with the secrets masked, as its safe_env).
    events = json.dumps(list(result.events))
    return result, stdout + events


@pytest.mark.parametrize('tenant', ['SuperOffice', 'Cust12345'])
def test_the_role_runs_with_the_injected_credential(emulator, collections_path, logins, clean_environment, tmp_path, tenant):
    inputs = dict(logins[tenant], url='%s/%s' % (emulator.url, tenant))
    env = inject(credential_type(), inputs, str(tmp_path / 'credential'))
    wanted = dict(erpsync_engine_state='running', erpsync_engine_interval='PT10M')

    result, output = run_job(tmp_path, collections_path, env, wanted, 'first')

    engine = emulator.admin('GET', 'tenants/%s' % tenant)['engine']
    assert engine['running'] is True and engine['interval'] == '00:10:00'
    assert result.stats['changed'] == {'localhost': 1}
    for name in SECRET_IDS & set(inputs):
        assert inputs[name] not in output, '%s reached the job output or its events' % name
    # The credential was the only login: the requests carried its scheme.
    schemes = set(entry['auth'] for entry in emulator.requests(tenant))
    assert schemes == {'Basic' if 'password' in inputs else 'SOTicket'}

    result, output = run_job(tmp_path, collections_path, env, wanted, 'again')
    assert 'changed' not in result.stats or not result.stats['changed'], json.dumps(result.stats)
