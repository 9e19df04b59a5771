# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the eda stage (scripts/test.sh): the WebAPI emulator as a real HTTP server, and the installed collection.

The stage builds the collection tarball, installs it and names the directory in SUPEROFFICE_EDA_COLLECTIONS (the one
that holds ansible_collections/), so ansible-rulebook and ansible-runner use the collection as users install it.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The demo tenants' logins (emulator/README.md); demo values only.
DEMO_LOGINS = {
    'SuperOffice': dict(username='ERPAdmin', password='Demo-Passw0rd!'),
    'Cust12345': dict(ticket='7T:ZGVtby10aWNrZXQtQ3VzdDEyMzQ1LXN5c3RlbXVzZXI=', app_token='3f1c9b2e7a5d4c08b6e2f9a1d7c3e5b4'),
}


class Emulator(object):
    """The emulator process (python -m emulator) on a free loopback port, with its admin API."""

    def __init__(self, workdir):
        port_file = os.path.join(workdir, 'port')
        self.output = open(os.path.join(workdir, 'emulator.out'), 'w')
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'emulator', '--port', '0', '--port-file', port_file,
             '--data', os.path.join(ROOT, 'emulator', 'data', 'demo.json')],
            cwd=ROOT, stdout=self.output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while not (os.path.exists(port_file) and open(port_file).read().strip().isdigit()):
            assert self.process.poll() is None, 'the emulator exited: %s' % open(self.output.name).read()
            assert time.monotonic() < deadline, 'the emulator did not start within 15 s'
            time.sleep(0.1)
        self.url = 'http://127.0.0.1:%s' % open(port_file).read().strip()

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode('utf-8')
        request = urllib.request.Request(self.url + '/_emulator/' + path, data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read().decode('utf-8'))

    def requests(self, tenant):
        return self.admin('GET', 'requests?tenant=%s' % tenant)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)
        self.output.close()


@pytest.fixture
def emulator(tmp_path):
    server = Emulator(str(tmp_path))
    yield server
    server.stop()


@pytest.fixture
def logins():
    """Tenant key -> its demo login (the inputs of a credential)."""
    return DEMO_LOGINS


@pytest.fixture
def collections_path():
    """The directory that holds the installed ansible_collections/superoffice/crm."""
    path = os.environ.get('SUPEROFFICE_EDA_COLLECTIONS')
    if not path or not os.path.isdir(os.path.join(path, 'ansible_collections', 'superoffice', 'crm')):
        pytest.fail('SUPEROFFICE_EDA_COLLECTIONS must name the directory of an installed superoffice.crm '
                    '(ansible_collections/superoffice/crm under it): run these tests with bash scripts/test.sh (stage eda)')
    return path


@pytest.fixture
def clean_environment(monkeypatch):
    """No SUPEROFFICE_* variable of the caller's shell reaches a test: each test sets exactly what it means."""
    for name in [n for n in os.environ if n.startswith('SUPEROFFICE_')]:
        monkeypatch.delenv(name)
