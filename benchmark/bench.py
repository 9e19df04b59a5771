# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmark: the erpsync role against the same convergence written with ansible.builtin.uri.

Run it through benchmark/run.sh, which sets up the virtualenv and the emulator:

  python bench.py generate --connections N --work DIR   # emulator data file and desired state
  python bench.py measure --connections N --work DIR    # needs SUPEROFFICE_EMULATOR_URL (emulator running)

Two on-site tenants of the emulator start empty and identical: BenchRole is converged by
role_convergence.yml (the superoffice.crm.erpsync role), BenchUri by uri_convergence.yml. Each is
converged from scratch, then again unchanged. Wall time is that of the whole ansible-playbook process;
requests are counted from the emulator's request log. The table is printed and written to results.md.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import collections
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TENANTS = collections.OrderedDict([('role', 'BenchRole'), ('uri', 'BenchUri')])
PLAYBOOKS = {'role': 'role_convergence.yml', 'uri': 'uri_convergence.yml'}
USER = 'bench'
PASSWORD = 'Bench-Passw0rd!'
READ_METHODS = frozenset(['GetEngineStatus', 'GetAllConnections', 'GetConnection', 'GetErpConnectionConfigFields',
                          'GetAllConnectors', 'GetConfigurationFields'])
COMPARED_FIELDS = ('DisplayName', 'ErpConnectorId', 'DisplayDescription', 'Active', 'Deleted')
# Targets: the role from scratch at least this many times faster than uri; unchanged in at most this many requests.
SCRATCH_SPEEDUP_TARGET = 10.0
UNCHANGED_REQUEST_TARGET = 4


def desired_connections(count):
    """The desired state: COUNT connections over the two connectors, two in three active."""
    return [dict(name='Bench connection %03d' % i, connector='%d' % (1 + i % 2),
                 description='Benchmark connection %03d' % i, active=i % 3 != 0)
            for i in range(1, count + 1)]


def generate(args):
    with open(os.path.join(ROOT, 'emulator', 'data', 'demo.json')) as handle:
        demo = json.load(handle)
    connectors = demo['tenants']['SuperOffice']['connectors']
    tenant = dict(online=False, credentials=dict(users={USER: PASSWORD}),
                  engine=dict(running=False, interval_seconds=3600, delay=0), connectors=connectors, connections=[])
    data = dict(tenants=dict((name, tenant) for name in TENANTS.values()))
    os.makedirs(args.work, exist_ok=True)
    with open(os.path.join(args.work, 'data.json'), 'w') as handle:
        json.dump(data, handle, indent=1)
    with open(os.path.join(args.work, 'desired.json'), 'w') as handle:
        json.dump(dict(erpsync_connections=desired_connections(args.connections)), handle, indent=1)
    print('wrote %s/data.json (tenants %s) and desired.json (%d connections)'
          % (args.work, ', '.join(TENANTS.values()), args.connections))
    return 0


def admin(method, path):
    request = urllib.request.Request(os.environ['SUPEROFFICE_EMULATOR_URL'] + path, method=method)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode('utf-8'))


def recap(output):
    """The numbers of the PLAY RECAP line for localhost."""
    match = re.search(r'^localhost\s+:\s+(.*)$', output, re.MULTILINE)
    return dict((key, int(value)) for key, value in re.findall(r'(\w+)=(\d+)', match.group(1))) if match else {}


def play(args, approach, phase, rep):
    """One ansible-playbook run against the approach's tenant; wall time, requests and recap."""
    tenant = TENANTS[approach]
    env = dict(os.environ, SUPEROFFICE_URL='%s/%s' % (os.environ['SUPEROFFICE_EMULATOR_URL'], tenant),
               SUPEROFFICE_USERNAME=USER, SUPEROFFICE_PASSWORD=PASSWORD, ANSIBLE_NOCOLOR='1')
    command = ['ansible-playbook', '-i', 'localhost,', os.path.join(HERE, PLAYBOOKS[approach]),
               '-e', '@' + os.path.join(args.work, 'desired.json')]
    admin('DELETE', '/_emulator/requests')
    start = time.monotonic()
    process = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    seconds = time.monotonic() - start
    log_path = os.path.join(args.work, '%s-%s-%d.out' % (approach, phase, rep))
    with open(log_path, 'w') as handle:
        handle.write(process.stdout)
    entries = admin('GET', '/_emulator/requests?tenant=%s' % tenant)
    methods = collections.Counter(entry.get('method') or '(none)' for entry in entries)
    return dict(seconds=seconds, rc=process.returncode, log=log_path, recap=recap(process.stdout), requests=len(entries),
                writes=sum(count for method, count in methods.items() if method not in READ_METHODS), methods=methods)


def tenant_state(tenant):
    return sorted(tuple(conn[field] for field in COMPARED_FIELDS) for conn in admin('GET', '/_emulator/tenants/%s' % tenant)['connections'])


def check_runs(runs, count):
    """Correctness of the measured runs; a list of problems (empty when all is well)."""
    problems = []
    for (approach, phase, rep), run in sorted(runs.items()):
        where = '%s %s (repetition %d, output %s)' % (approach, phase, rep + 1, run['log'])
        if run['rc'] != 0:
            problems.append('%s: ansible-playbook exited %d' % (where, run['rc']))
        elif phase == 'unchanged' and (run['recap'].get('changed') != 0 or run['writes']):
            problems.append('%s: changed=%s with %d writes, expected no change' % (where, run['recap'].get('changed'), run['writes']))
        elif phase == 'scratch' and run['recap'].get('changed', 0) == 0:
            problems.append('%s: reported no change' % where)
    states = dict((approach, tenant_state(tenant)) for approach, tenant in TENANTS.items())
    expected = sorted((d['name'], int(d['connector']), d['description'], d['active'], False) for d in desired_connections(count))
    for approach, state in states.items():
        if state != expected:
            problems.append('tenant %s does not match the desired state after the %s runs' % (TENANTS[approach], approach))
    return problems


def ansible_version():
    output = subprocess.run(['ansible-playbook', '--version'], stdout=subprocess.PIPE, universal_newlines=True, check=False).stdout
    return output.splitlines()[0].strip() if output else 'unknown'


def methods_text(methods):
    return ', '.join('%s %d' % (method, count) for method, count in sorted(methods.items(), key=lambda item: (-item[1], item[0])))


def report(args, runs):
    def median_seconds(approach, phase):
        return statistics.median(runs[(approach, phase, rep)]['seconds'] for rep in range(args.repeat))

    def first(approach, phase):
        return runs[(approach, phase, 0)]

    labels = collections.OrderedDict([
        (('role', 'scratch'), 'role, from scratch'), (('role', 'unchanged'), 'role, unchanged'),
        (('uri', 'scratch'), 'uri, from scratch'), (('uri', 'unchanged'), 'uri, unchanged')])
    lines = ['| run | wall time (s) | requests | writes | changed tasks | requests by method |',
             '|---|---:|---:|---:|---:|---|']
    for (approach, phase), label in labels.items():
        run = first(approach, phase)
        cells = (label, median_seconds(approach, phase), run['requests'], run['writes'], run['recap'].get('changed', 0),
                 methods_text(run['methods']))
        lines.append('| %s | %.2f | %d | %d | %d | %s |' % cells)
    speedup = median_seconds('uri', 'scratch') / median_seconds('role', 'scratch')
    role_unchanged = first('role', 'unchanged')
    unchanged_ratio = median_seconds('role', 'unchanged') / median_seconds('uri', 'unchanged')
    targets = [
        ('from scratch, role vs uri: %.1fx faster' % speedup, 'at least %.0fx' % SCRATCH_SPEEDUP_TARGET, speedup >= SCRATCH_SPEEDUP_TARGET),
        ('unchanged, role: %d requests' % role_unchanged['requests'], 'at most %d' % UNCHANGED_REQUEST_TARGET,
         role_unchanged['requests'] <= UNCHANGED_REQUEST_TARGET),
        ('unchanged, role vs uri: %.2fx the wall time' % unchanged_ratio, 'no slower (at most 1.00x)', unchanged_ratio <= 1.0),
    ]
    lines.extend(['', '| target | measured | goal | met |', '|---|---|---|---|'])
    for measured, goal, met in targets:
        name, value = measured.split(': ', 1)
        lines.append('| %s | %s | %s | %s |' % (name, value, goal, 'yes' if met else '**no**'))
    table = '\n'.join(lines)
    try:
        load = ', '.join('%.2f' % value for value in os.getloadavg())
    except OSError:
        load = 'unknown'
    options = ''
    if (args.connections, args.repeat) != (200, 1):
        options = ' --connections %d --repeat %d' % (args.connections, args.repeat)
    machine = (ansible_version(), platform.python_version(), platform.machine(), os.cpu_count(), load)
    header = [
        '# Benchmark: erpsync role vs. ansible.builtin.uri',
        '',
        'Converging %d ERP connections on an emulated on-site tenant (two thirds active), from scratch and again unchanged,'
        % args.connections,
        'with the `superoffice.crm.erpsync` role (`benchmark/role_convergence.yml`) and with the same convergence written',
        'with `ansible.builtin.uri` (`benchmark/uri_convergence.yml`: one GetAllConnections, then per connection a',
        'SaveConnection when missing and a ToggleErpConnectionActive when the flag differs), each against a fresh tenant',
        'of the same emulator. Wall time is the whole `ansible-playbook` run (median of %d); requests come from the'
        % args.repeat,
        "emulator's request log. Both tenants end in the same state, which the benchmark checks.",
        '',
        '- command: `bash benchmark/run.sh%s`' % options,
        '- date: %s' % datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
        '- %s, Python %s, %s, %s CPUs, load average at the end: %s' % machine,
        '',
        '',
    ]
    return '\n'.join(header) + table + '\n', all(met for dummy, dummy, met in targets)


def measure(args):
    runs = {}
    for rep in range(args.repeat):
        for approach, tenant in TENANTS.items():
            admin('POST', '/_emulator/tenants/%s/reset' % tenant)
            for phase in ('scratch', 'unchanged'):
                run = runs[(approach, phase, rep)] = play(args, approach, phase, rep)
                print('%-4s %-9s #%d: %7.2f s, %4d requests, rc %d' % (approach, phase, rep + 1, run['seconds'], run['requests'], run['rc']),
                      flush=True)
    problems = check_runs(runs, args.connections)
    for problem in problems:
        print('PROBLEM: %s' % problem, file=sys.stderr)
    if problems:
        return 1
    text, met = report(args, runs)
    print()
    print(text)
    with open(args.results, 'w') as handle:
        handle.write(text)
    print('written to %s%s' % (os.path.relpath(args.results, ROOT), '' if met else ' (a target was missed)'))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('action', choices=['generate', 'measure'])
    parser.add_argument('--connections', type=int, default=200, help='number of desired connections (default 200)')
    parser.add_argument('--repeat', type=int, default=1, help='repetitions; the table shows the median wall time (default 1)')
    parser.add_argument('--work', default=os.path.join(ROOT, '.tmp', 'bench'), help='work directory (default .tmp/bench)')
    parser.add_argument('--results', default=os.path.join(HERE, 'results.md'), help='Markdown output (default benchmark/results.md)')
    args = parser.parse_args(argv)
    if args.connections < 1 or args.repeat < 1:
        parser.error('--connections and --repeat must be at least 1')
    return generate(args) if args.action == 'generate' else measure(args)


if __name__ == '__main__':
    sys.exit(main())
