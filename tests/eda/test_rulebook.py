# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The example rulebook superoffice.crm.erpsync_health under a real ansible-rulebook (drools on Java) against the
emulator: the rules fire, the engine is started again, a stale connection is synchronized, a failing tenant is
reported once, and the event stream has the expected events in order."""

import ast
import os
import re
import signal
import subprocess
import sys
import time

TENANT = 'SuperOffice'
EVENT_BANNER = re.compile(r'^\*\* [0-9-]+ [0-9:.]+ \[received event\] \*+\n.*?^Event:\n(.*?)^\*+$', re.M | re.S)


class Rulebook(object):
    """ansible-rulebook running the collection's example rulebook, its output in a file."""

    def __init__(self, workdir, env):
        self.out_path = os.path.join(workdir, 'rulebook.out')
        inventory = os.path.join(workdir, 'inventory.yml')
        with open(inventory, 'w') as handle:
            handle.write('all:\n  hosts:\n    localhost:\n      ansible_connection: local\n'
                         '      ansible_python_interpreter: %s\n' % sys.executable)
        variables = os.path.join(workdir, 'vars.yml')
        with open(variables, 'w') as handle:
            handle.write('erpsync_interval: 1\nerpsync_stale_after: 3600\n')
        self.out = open(self.out_path, 'w')
        self.process = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), 'ansible-rulebook'), '-i', inventory, '--vars', variables,
             '-r', 'superoffice.crm.erpsync_health', '--print-events'],
            cwd=workdir, env=env, stdout=self.out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def output(self):
        with open(self.out_path) as handle:
            return handle.read()

    def events(self):
        """The received events (their erpsync part), in order."""
        return [ast.literal_eval(match.group(1))['erpsync'] for match in EVENT_BANNER.finditer(self.output())]

    def wait_for(self, what, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while not predicate(self.events()):
            assert self.process.poll() is None, 'ansible-rulebook exited (rc %s):\n%s' % (self.process.returncode, self.output())
            assert time.monotonic() < deadline, 'no %s within %d s; ansible-rulebook printed:\n%s' % (what, timeout, self.output())
            time.sleep(0.2)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.out.close()


def kinds(events):
    return [(e['event'], e.get('connection', {}).get('id')) for e in events]


def test_rulebook_restarts_the_engine_syncs_a_stale_connection_and_reports_a_failing_tenant(
        emulator, collections_path, logins, clean_environment, tmp_path):
    login = logins[TENANT]
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_NOCOLOR='1',
               SUPEROFFICE_URL='%s/%s' % (emulator.url, TENANT), SUPEROFFICE_USERNAME=login['username'],
               SUPEROFFICE_PASSWORD=login['password'])
    rulebook = Rulebook(str(tmp_path), env)
    try:
        # The demo tenant starts with the engine stopped and connection 1 active but never synchronized: the first
        # poll reports both, and the rules start the engine and force a sync of the connection.
        rulebook.wait_for('recovery of the first poll\'s bad states',
                          lambda events: ('connection_recovered', 1) in kinds(events) and ('engine_started', None) in kinds(events))
        assert emulator.admin('GET', 'tenants/%s' % TENANT)['engine']['running'] is True

        # Stop the engine behind the rulebook's back: the rule starts it again.
        emulator.admin('PUT', 'tenants/%s/engine' % TENANT, {'running': False})
        rulebook.wait_for('second engine start', lambda events: kinds(events).count(('engine_started', None)) == 2)
        # The rule's module run waits for the start too: let it finish before faults are injected.
        rulebook.wait_for('the third action', lambda events: rulebook.output().count('PLAY RECAP') == 3)

        # Two polls in a row fail: reported once, then the recovery.
        emulator.admin('POST', 'tenants/%s/faults' % TENANT, {'method': 'GetEngineStatus', 'kind': 'status', 'status': 500, 'count': 2})
        rulebook.wait_for('poll_recovered', lambda events: ('poll_recovered', None) in kinds(events))
    finally:
        rulebook.stop()

    events = rulebook.events()
    assert kinds(events) == [
        ('engine_stopped', None), ('connection_stale', 1), ('engine_started', None), ('connection_recovered', 1),
        ('engine_stopped', None), ('engine_started', None),
        ('poll_failed', None), ('poll_recovered', None),
    ]
    tenant = '%s/%s' % (emulator.url, TENANT)
    assert all(event['tenant'] == tenant for event in events)
    assert events[1]['connection'] == dict(id=1, name='SAP B1 Oslo', active=True, deleted=False, last_sync=None, last_sync_age=None)
    assert events[3]['connection']['last_sync'] is not None and events[3]['connection']['last_sync_age'] < 60
    assert events[6]['error'].startswith('ErpSync GetEngineStatus failed: HTTP 500')
    assert events[7]['failed_polls'] == 2

    output = rulebook.output()
    assert 'ERP Sync health: %s cannot be read: ErpSync GetEngineStatus failed: HTTP 500' % tenant in output
    assert login['password'] not in output

    # What the rules sent: two engine starts and one forced resync of connection 1, without blanking values.
    writes = [(entry['method'], entry['body']) for entry in emulator.requests(TENANT)
              if entry['method'] in ('ChangeEngineStatus', 'ForceResync', 'ForceResyncNoBlankValues', 'SyncAll', 'ForceSyncAll')]
    assert writes == [('ChangeEngineStatus', {'Run': True}), ('ForceResyncNoBlankValues', {'ErpConnectionId': 1, 'InternalKeyIds': []}),
                      ('ChangeEngineStatus', {'Run': True})]
