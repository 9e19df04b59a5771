# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``python -m emulator`` as a real subprocess: start-up lines, --port-file, --log, clean stop."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from .conftest import AUTH, ONLINE, ONLINE2, ONSITE, REPO_ROOT

pytestmark = pytest.mark.skipif(not hasattr(signal, 'SIGTERM') or os.name != 'posix', reason='POSIX signals needed')


def start(tmp_path, *args):
    port_file = tmp_path / 'emulator.port'
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([REPO_ROOT] + [p for p in [os.environ.get('PYTHONPATH')] if p]))
    proc = subprocess.Popen([sys.executable, '-m', 'emulator', '--port', '0', '--port-file', str(port_file)] + list(args),
                            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    deadline = time.monotonic() + 15
    while not port_file.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail('emulator did not start: %s %s' % (out, err))
        time.sleep(0.02)
    return proc, int(port_file.read_text().strip())


def stop(proc, signum):
    proc.send_signal(signum)
    try:
        code = proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    return code


def refused(port):
    try:
        socket.create_connection(('127.0.0.1', port), timeout=2).close()
    except OSError:
        return True
    return False


def test_cli_start_call_and_sigterm(tmp_path, data_file):
    log_file = tmp_path / 'requests.jsonl'
    proc, port = start(tmp_path, '--data', data_file, '--log', str(log_file), '--engine-delay', '0.1')
    try:
        lines = [proc.stdout.readline().rstrip('\n') for dummy in range(4)]
        assert lines[0] == 'SuperOffice WebAPI emulator listening on http://127.0.0.1:%d' % port
        assert lines[1:] == ['  tenant %s: http://127.0.0.1:%d/%s (online)' % (ONLINE, port, ONLINE),
                             '  tenant %s: http://127.0.0.1:%d/%s (online)' % (ONLINE2, port, ONLINE2),
                             '  tenant %s: http://127.0.0.1:%d/%s (onsite)' % (ONSITE, port, ONSITE)]
        base = 'http://127.0.0.1:%d/%s/api/v1/Agents/ErpSync/' % (port, ONSITE)
        with requests.Session() as session:
            assert session.post(base + 'ToggleErpConnectionActive', json={'ErpConnectionId': 2}, headers=AUTH[ONSITE]).json() == ['']
            session.post(base + 'ChangeEngineStatus', json={'Run': False}, headers=AUTH[ONSITE])
            time.sleep(0.2)  # --engine-delay 0.1
            assert session.post(base + 'GetEngineStatus', headers=AUTH[ONSITE]).json()['IsRunning'] is False
        entries = [json.loads(line) for line in log_file.read_text().splitlines()]
        assert [e['method'] for e in entries] == ['ToggleErpConnectionActive', 'ChangeEngineStatus', 'GetEngineStatus']
    finally:
        code = stop(proc, signal.SIGTERM)
    assert code == 0
    assert refused(port)


def test_cli_default_demo_data_and_sigint(tmp_path):
    proc, port = start(tmp_path)
    try:
        first = proc.stdout.readline()
        assert re.match(r'^SuperOffice WebAPI emulator listening on http://127\.0\.0\.1:%d\n$' % port, first)
        tenants = [proc.stdout.readline().strip() for dummy in range(3)]
        assert tenants == ['tenant Cust12345: http://127.0.0.1:%d/Cust12345 (online)' % port,
                           'tenant Nordic: http://127.0.0.1:%d/Nordic (onsite)' % port,
                           'tenant SuperOffice: http://127.0.0.1:%d/SuperOffice (onsite)' % port]
        demo = requests.get('http://127.0.0.1:%d/_emulator/tenants/Cust12345' % port).json()
        states = sorted((c['Active'], c['Deleted']) for c in demo['connections'])
        assert states == [(False, False), (False, True), (True, False)]
        assert any(f['FieldType'] == 'Password' for c in demo['connectors'] for f in c['config_fields'])
    finally:
        code = stop(proc, signal.SIGINT)
    assert code == 0
    assert refused(port)


def test_cli_bad_data_file(tmp_path):
    bad = tmp_path / 'bad.json'
    bad.write_text('{"tenants": {"Cust1": {"connections": [{"ErpConnectionId": 1, "ErpConnectorId": 7}]}}}')
    result = subprocess.run([sys.executable, '-m', 'emulator', '--data', str(bad)], cwd=REPO_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True, timeout=30, check=False)
    assert result.returncode == 2
    assert 'unknown connector 7' in result.stderr and result.stdout == ''
