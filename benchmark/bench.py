# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmark: the erpsync role against the same convergence written with ansible.builtin.uri, on loopback and across a WAN.

Run it through benchmark/run.sh, which sets up the virtualenv and the emulator:

  python bench.py generate --work DIR    # emulator data file and desired states
  python bench.py measure --work DIR     # needs SUPEROFFICE_EMULATOR_URL (emulator running)

Scenarios, each at every --latency (seconds the emulator waits before answering each request, like a WAN round trip):

* connections: N connections (default 200, two in three active) and a started engine on an empty tenant, with the role
  (role_convergence.yml) and with the uri peer (uri_convergence.yml), from scratch and again unchanged;
* mapped: M connections (default 50) each with 3 actor types x 20 mapped fields, active, and a started engine, with the role,
  from scratch and again unchanged (the uri peer would have to re-implement mapping carriers; the limit is the goal here).

Wall time is that of the whole ansible-playbook process; requests are counted from the emulator's request log. Changes
are counted from the desired state (a create, a toggle, a mapping save, an engine start: one each). The table is printed
and written to results.md.
"""

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
TENANTS = {'role': 'BenchRole', 'uri': 'BenchUri', 'mapped': 'BenchMapped'}
PLAYBOOKS = {'role': 'role_convergence.yml', 'uri': 'uri_convergence.yml', 'mapped': 'role_convergence.yml'}
USER = 'bench'
PASSWORD = 'Bench-Passw0rd!'
READ_METHODS = frozenset(['GetEngineStatus', 'GetAllConnections', 'GetConnection', 'GetErpConnectionConfigFields', 'GetAllConnectors',
                          'GetConfigurationFields', 'GetActorTypeMapping', 'GetDefaultValueInfo', 'GetConnectionListMappings',
                          'GetErpSyncConnectorEntity', 'MDOList'])
ACTORS = (('Customer', 'Contact', 'contact'), ('Supplier', 'Contact', 'contact'), ('Person', 'Person', 'person'))
FIELDS_PER_ACTOR = 20
# No 'to_crm': every connection maps the same CRM fields, and a CRM field another connection synchronizes cannot be mapped
# one way to SuperOffice (AlreadyMapped, emulator/README.md).
DIRECTIONS = ('both', 'to_erp', 'both')
# Targets (issue 15): at 50 ms, the role from scratch at least 10x faster than uri; unchanged in at most 4 requests and no
# slower than uri; from scratch at most 1.2 x changes + 4 requests.
SCRATCH_SPEEDUP_TARGET = 10.0
UNCHANGED_REQUEST_TARGET = 4


def bench_connector(connector_id, name, with_actors):
    """A connector with one optional config field (so connections need no config) and, for the mapped scenario, 3 actor
    types of 20 fields (the first mandatory)."""
    actor_types = []
    if with_actors:
        for actor, crm, dummy in ACTORS:
            fields = [dict(key='F%02d' % n, name='Field %02d' % n, type='Text', access='Mandatory' if n == 1 else 'Normal')
                      for n in range(1, FIELDS_PER_ACTOR + 1)]
            actor_types.append(dict(type=actor, crm=crm, fields=fields))
    return dict(id=connector_id, name=name, url='https://bench.example.com/%s/ErpConnector.svc' % name.lower().replace(' ', '-'),
                description=name, config_fields=[dict(FieldKey='ApiUrl', Rank=1, DisplayName='API URL', FieldType='Text',
                                                      DefaultValue='https://erp.example.com/api', MaxLength=254, Access='Normal')],
                actor_types=actor_types)


def desired_connections(count):
    """The connections scenario: COUNT connections over the two connectors, two in three active."""
    return [dict(name='Bench connection %03d' % i, connector='%d' % (1 + i % 2), description='Benchmark connection %03d' % i,
                 active=i % 3 != 0) for i in range(1, count + 1)]


def desired_mapped(count):
    """The mapped scenario: COUNT active connections, each with 3 actor types x 20 mapped fields."""
    def fields(prefix):
        return [dict(erp_field='F%02d' % n, crm_field='%s.f%02d' % (prefix, n), direction=DIRECTIONS[n % 3], show_in_search=n % 2 == 0)
                for n in range(1, FIELDS_PER_ACTOR + 1)]
    return [dict(name='Mapped connection %03d' % i, connector='Bench ERP M', active=True,
                 mappings=[dict(actor_type=actor, active=True, fields=fields(prefix)) for actor, dummy, prefix in ACTORS])
            for i in range(1, count + 1)]


def generate(args):
    crm_fields = dict((crm, dict(('%s.f%02d' % (prefix, n), '') for n in range(1, FIELDS_PER_ACTOR + 1))) for dummy, crm, prefix in ACTORS)
    engine = dict(running=False, interval_seconds=3600, delay=0)
    tenant = dict(online=False, credentials=dict(users={USER: PASSWORD}), engine=engine, connections=[], crm_fields=crm_fields,
                  connectors=[bench_connector(1, 'Bench ERP A', False), bench_connector(2, 'Bench ERP B', False),
                              bench_connector(3, 'Bench ERP M', True)])
    data = dict(tenants=dict((name, tenant) for name in TENANTS.values()))
    os.makedirs(args.work, exist_ok=True)
    with open(os.path.join(args.work, 'data.json'), 'w') as handle:
        json.dump(data, handle, indent=1)
    with open(os.path.join(args.work, 'connections.json'), 'w') as handle:
        json.dump(dict(erpsync_connections=desired_connections(args.connections), erpsync_engine_state='running'), handle, indent=1)
    with open(os.path.join(args.work, 'mapped.json'), 'w') as handle:
        json.dump(dict(erpsync_connections=desired_mapped(args.mapped), erpsync_engine_state='running'), handle, indent=1)
    print('wrote %s/data.json (tenants %s), connections.json (%d connections), mapped.json (%d mapped connections)'
          % (args.work, ', '.join(TENANTS.values()), args.connections, args.mapped))
    return 0


def admin(method, path, body=None):
    data = None if body is None else json.dumps(body).encode('utf-8')
    request = urllib.request.Request(os.environ['SUPEROFFICE_EMULATOR_URL'] + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode('utf-8'))


def recap(output):
    """The numbers of the PLAY RECAP line for localhost."""
    match = re.search(r'^localhost\s+:\s+(.*)$', output, re.MULTILINE)
    return dict((key, int(value)) for key, value in re.findall(r'(\w+)=(\d+)', match.group(1))) if match else {}


def play(args, approach, desired, label):
    """One ansible-playbook run against the approach's tenant: wall time, requests and recap."""
    tenant = TENANTS[approach]
    env = dict(os.environ, SUPEROFFICE_URL='%s/%s' % (os.environ['SUPEROFFICE_EMULATOR_URL'], tenant),
               SUPEROFFICE_USERNAME=USER, SUPEROFFICE_PASSWORD=PASSWORD, ANSIBLE_NOCOLOR='1')
    command = ['ansible-playbook', '-i', 'localhost,', os.path.join(HERE, PLAYBOOKS[approach]), '-e', '@' + os.path.join(args.work, desired)]
    admin('DELETE', '/_emulator/requests')
    start = time.monotonic()
    process = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    seconds = time.monotonic() - start
    log_path = os.path.join(args.work, '%s.out' % label)
    with open(log_path, 'w') as handle:
        handle.write(process.stdout)
    entries = admin('GET', '/_emulator/requests?tenant=%s' % tenant)
    methods = collections.Counter(entry.get('method') or '(none)' for entry in entries)
    return dict(seconds=seconds, rc=process.returncode, log=log_path, recap=recap(process.stdout), requests=len(entries),
                writes=sum(count for method, count in methods.items() if method not in READ_METHODS), methods=methods)


def expected_changes(scenario, args):
    """Writes the desired state needs from an empty tenant: one per create, activation, mapping save, and the engine start."""
    if scenario == 'connections':
        wanted = desired_connections(args.connections)
        return len(wanted) + sum(1 for c in wanted if c['active']) + 1
    return args.mapped * (1 + len(ACTORS) + 1) + 1


def scratch_limit(scenario, args):
    """Requests from scratch: at most 1.2 x changes + 4 (issue 15) for connections; for mapped, one write per change and one
    read per mapping (each new connection's mapping carrier holds the field ids to write back) plus the lists, the connector
    fields, the engine, the connection list again before the new connections are activated (a twin another run created at
    the same moment is dropped first) and the final check (issue 17)."""
    if scenario == 'connections':
        return 1.2 * expected_changes(scenario, args) + 4, '1.2 x changes + 4'
    return expected_changes(scenario, args) + args.mapped * len(ACTORS) + 7, 'changes + one read per mapping + 7'


def unchanged_reads(scenario, args):
    """The reads an unchanged run needs: the lists, the engine, and (mapped) one mapping read per connection and actor type."""
    if scenario == 'connections':
        return UNCHANGED_REQUEST_TARGET
    return 1 + 1 + 1 + args.mapped * len(ACTORS)


def check_state(approach, scenario, args):
    """Whether the tenant ended in the desired state (names, connectors, descriptions, Active flags, mappings, engine)."""
    state = admin('GET', '/_emulator/tenants/%s' % TENANTS[approach])
    live = dict((c['DisplayName'], c) for c in state['connections'] if not c['Deleted'])
    wanted = desired_connections(args.connections) if scenario == 'connections' else desired_mapped(args.mapped)
    problems = []
    if sorted(live) != sorted(c['name'] for c in wanted):
        problems.append('the live connections are not the desired ones')
    for c in wanted:
        record = live.get(c['name'])
        if record is not None and bool(record['Active']) != c['active']:
            problems.append('%s is %sactive' % (c['name'], '' if record['Active'] else 'not '))
    if not state['engine']['running']:
        problems.append('the engine is not running')
    if scenario == 'mapped':
        # The admin dump: connection id -> actor type -> {active, fields: ERP key -> row}.
        mapped = sum(1 for actors in state['mappings'].values() for mapping in actors.values() if mapping['active']
                     for row in mapping['fields'].values() if row['SyncToCrm'] or row['SyncToErp'])
        if mapped != args.mapped * len(ACTORS) * FIELDS_PER_ACTOR:
            problems.append('%d fields have a direction, expected %d' % (mapped, args.mapped * len(ACTORS) * FIELDS_PER_ACTOR))
    return ['%s/%s: %s' % (TENANTS[approach], scenario, p) for p in problems]


def ansible_version():
    output = subprocess.run(['ansible-playbook', '--version'], stdout=subprocess.PIPE, universal_newlines=True, check=False).stdout
    return output.splitlines()[0].strip() if output else 'unknown'


def methods_text(methods):
    return ', '.join('%s %d' % (method, count) for method, count in sorted(methods.items(), key=lambda item: (-item[1], item[0])))


def measure(args):
    runs = collections.OrderedDict()
    problems = []
    plan = [('connections', 'role', 'connections.json'), ('connections', 'uri', 'connections.json'), ('mapped', 'mapped', 'mapped.json')]
    for latency in args.latency:
        admin('PUT', '/_emulator/latency', latency)
        for scenario, approach, desired in plan:
            for rep in range(args.repeat):
                admin('POST', '/_emulator/tenants/%s/reset' % TENANTS[approach])
                for phase in ('scratch', 'unchanged'):
                    label = '%s-%s-%s-%gms-%d' % (scenario, approach, phase, latency * 1000, rep + 1)
                    run = runs[(latency, scenario, approach, phase, rep)] = play(args, approach, desired, label)
                    print('%-44s %8.2f s, %4d requests, %4d writes, rc %d' % (label, run['seconds'], run['requests'], run['writes'], run['rc']),
                          flush=True)
                    if run['rc'] != 0:
                        problems.append('%s: ansible-playbook exited %d (output %s)' % (label, run['rc'], run['log']))
                    elif phase == 'unchanged' and (run['recap'].get('changed') != 0 or run['writes']):
                        problems.append('%s: changed=%s with %d writes, expected no change' % (label, run['recap'].get('changed'), run['writes']))
                problems += check_state(approach, scenario, args)
    admin('PUT', '/_emulator/latency', 0)
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


def report(args, runs):
    def median(latency, scenario, approach, phase):
        return statistics.median(runs[(latency, scenario, approach, phase, rep)]['seconds'] for rep in range(args.repeat))

    lines = ['| latency | scenario | run | wall time (s) | requests | writes | changes | requests by method |',
             '|---:|---|---|---:|---:|---:|---:|---|']
    for (latency, scenario, approach, phase, rep), run in runs.items():
        if rep:
            continue
        changes = expected_changes(scenario, args) if phase == 'scratch' else 0
        lines.append('| %g ms | %s | %s, %s | %.2f | %d | %d | %d | %s |' % (
            latency * 1000, scenario, 'uri' if approach == 'uri' else 'role', 'from scratch' if phase == 'scratch' else 'unchanged',
            median(latency, scenario, approach, phase), run['requests'], run['writes'], changes, methods_text(run['methods'])))
    targets = []
    for latency in args.latency:
        ms = '%g ms' % (latency * 1000)
        speedup = median(latency, 'connections', 'uri', 'scratch') / median(latency, 'connections', 'role', 'scratch')
        goal = SCRATCH_SPEEDUP_TARGET if latency >= 0.05 else 1.0
        targets.append(('%s, connections from scratch, role vs uri' % ms, '%.1fx faster' % speedup,
                        'at least %.0fx' % goal if goal > 1 else 'faster', speedup >= goal))
        ratio = median(latency, 'connections', 'role', 'unchanged') / median(latency, 'connections', 'uri', 'unchanged')
        targets.append(('%s, connections unchanged, role vs uri' % ms, '%.2fx the wall time' % ratio, 'no slower (at most 1.00x)', ratio <= 1.0))
        for scenario, approach in (('connections', 'role'), ('mapped', 'mapped')):
            scratch = runs[(latency, scenario, approach, 'scratch', 0)]
            limit, rule = scratch_limit(scenario, args)
            targets.append(('%s, %s from scratch, requests' % (ms, scenario), '%d for %d changes' % (scratch['requests'], expected_changes(scenario, args)),
                            'at most %d (%s)' % (limit, rule), scratch['requests'] <= limit))
            unchanged = runs[(latency, scenario, approach, 'unchanged', 0)]
            targets.append(('%s, %s unchanged, requests' % (ms, scenario), '%d' % unchanged['requests'],
                            'at most %d (%s)' % (unchanged_reads(scenario, args), 'lists and engine' if scenario == 'connections'
                                                 else 'lists, engine, one read per mapping'),
                            unchanged['requests'] <= unchanged_reads(scenario, args)))
    lines.extend(['', '| target | measured | goal | met |', '|---|---|---|---|'])
    lines += ['| %s | %s | %s | %s |' % (name, value, goal, 'yes' if met else '**no**') for name, value, goal, met in targets]
    try:
        load = ', '.join('%.2f' % value for value in os.getloadavg())
    except OSError:
        load = 'unknown'
    header = [
        '# Benchmark: erpsync role vs. ansible.builtin.uri, on loopback and across a WAN',
        '',
        'Scenario *connections*: %d ERP connections (two thirds active) and a started engine on an empty emulated tenant, with the'
        % args.connections,
        '`superoffice.crm.erpsync` role (`benchmark/role_convergence.yml`) and with the same convergence written with',
        '`ansible.builtin.uri` (`benchmark/uri_convergence.yml`: one GetAllConnections, per connection a SaveConnection when missing',
        'and a ToggleErpConnectionActive when the flag differs, then the engine), from scratch and again unchanged. Scenario',
        '*mapped*: %d active connections with 3 actor types x %d mapped fields each, with the role. Each at every latency: the'
        % (args.mapped, FIELDS_PER_ACTOR),
        "emulator waits that long before answering each request, as a WAN round trip would. Wall time is the whole",
        '`ansible-playbook` run (median of %d); requests come from the emulator\'s request log; changes are the writes the' % args.repeat,
        'desired state needs. Every tenant ends in the desired state, which the benchmark checks.',
        '',
        '- command: `bash benchmark/run.sh%s`' % (' ' + ' '.join(args.argv) if args.argv else ''),
        '- date: %s' % datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
        '- %s, Python %s, %s, %s CPUs, load average at the end: %s' % (ansible_version(), platform.python_version(), platform.machine(),
                                                                       os.cpu_count(), load),
        '- the role with its default `superoffice_concurrency` (4 writes at once)',
        '',
        '',
    ]
    return '\n'.join(header) + '\n'.join(lines) + '\n', all(met for dummy, dummy, dummy, met in targets)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('action', choices=['generate', 'measure'])
    parser.add_argument('--connections', type=int, default=200, help='connections of the connections scenario (default 200)')
    parser.add_argument('--mapped', type=int, default=50, help='connections of the mapped scenario (default 50)')
    parser.add_argument('--latency', type=float, nargs='+', default=[0.0, 0.05], help='seconds per request (default 0 0.05)')
    parser.add_argument('--repeat', type=int, default=1, help='repetitions; the table shows the median wall time (default 1)')
    parser.add_argument('--work', default=os.path.join(ROOT, '.tmp', 'bench'), help='work directory (default .tmp/bench)')
    parser.add_argument('--results', default=os.path.join(HERE, 'results.md'), help='Markdown output (default benchmark/results.md)')
    args = parser.parse_args(argv)
    given = list(argv if argv is not None else sys.argv[2:])
    args.argv = [a for i, a in enumerate(given) if a != '--work' and (i == 0 or given[i - 1] != '--work')]
    if args.connections < 1 or args.mapped < 1 or args.repeat < 1 or any(value < 0 for value in args.latency):
        parser.error('--connections, --mapped and --repeat must be at least 1, --latency not negative')
    return generate(args) if args.action == 'generate' else measure(args)


if __name__ == '__main__':
    sys.exit(main())
