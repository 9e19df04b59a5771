# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The hostile tenant's test helper: sets it up, snapshots and drifts it through the WebAPI and the emulator's admin API
(never through the collection), checks the export's vault placeholders and fills the vault with the tenant's own values.

  hostile.py setup                       map connection 1's Customer fields, a default and a list item (Jinja everywhere)
  hostile.py snapshot FILE               the tenant's state as the collection manages it (config in clear)
  hostile.py compare FILE [--by-name]    fail unless the tenant's state equals FILE (by name: after a re-create)
  hostile.py drift                       what an admin changes by hand (descriptions, a config value, a mapping, a default)
  hostile.py delete-twin                 delete the second of the two same-name connections (the admin resolves them)
  hostile.py delete                      delete every live connection but the twin and those of odd-metadata connectors
  hostile.py clear-requests              empty the emulator's request log
  hostile.py placeholders EXPORT STUB DOCS_ROOT FILLED   check the placeholders; write the vault filled with the tenant's values
  hostile.py requests [--none|--no-writes]  the request log since it was cleared: empty, or reads only
  hostile.py markers DIR                 fail when a marker file exists (a tenant's Jinja ran on the controller); empty DIR
  hostile.py stub-names STUB             the variables of the vault stub, one a line
  hostile.py names-twins OUTPUT          fail unless a failed run's error names both same-name connections
  hostile.py absent FILE...              fail when a file holds a secret the tenant stores in clear
"""

import base64
import json
import os
import re
import sys
import urllib.request

import yaml

TENANT = os.environ.get('SUPEROFFICE_TENANT', 'Hostile')
TWINS = ('Twin',)
# Connectors whose field metadata does not type the secrets their connections store ([], a key missing, another case):
# their connections are re-applied as they are, never deleted and re-created (what to write for them is the export's choice).
ODD_METADATA = (2, 3, 4)
READS = {'GetEngineStatus', 'GetAllConnections', 'GetConnection', 'GetAllConnectors', 'GetConfigurationFields',
         'GetErpSyncConnectorEntity', 'GetActorTypeMapping', 'GetDefaultValueInfo', 'GetConnectionListMappings',
         'GetErpSyncConnectionSummary', 'GetErpConnectionConfigFields', 'MDOList', None}
# What the data file stores in clear and no output or 0644 file may show.
SECRET_PATTERN = re.compile(r'HOSTILE-(SECRET-[a-z-]+|URL-(PASSWORD|APIKEY|CODE))', re.I)


def admin(method, path):
    request = urllib.request.Request(os.environ['SUPEROFFICE_EMULATOR_URL'] + '/_emulator/' + path, method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def call(method, body):
    """One ErpSync call with the tenant's Basic credential, as an admin's tool would make it."""
    credential = base64.b64encode(('%s:%s' % (os.environ['SUPEROFFICE_USERNAME'], os.environ['SUPEROFFICE_PASSWORD'])).encode()).decode()
    request = urllib.request.Request(os.environ['SUPEROFFICE_URL'] + '/api/v1/Agents/ErpSync/' + method, method='POST',
                                     data=json.dumps(body).encode(), headers={'Authorization': 'Basic ' + credential,
                                                                              'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as answer:
        text = answer.read()
    result = json.loads(text) if text else None
    if isinstance(result, dict) and 'MessageDetail' in result:
        sys.exit('%s was refused: %s' % (method, result['MessageDetail']))
    return result


def state():
    return admin('GET', 'tenants/' + TENANT)


def field_id(conn_id, actor, key):
    for row in call('GetActorTypeMapping', {'ErpConnectionId': conn_id, 'ActorType': actor})['FieldMappings']:
        if row['ErpFieldKey'] == key:
            return row['ErpFieldId']
    sys.exit('connection %d has no ERP field %r' % (conn_id, key))


def jinja(tag):
    return "{{ lookup('pipe', 'touch \"${SUPEROFFICE_MARKER_DIR:?}/%s\"') }}" % tag


def setup():
    """Connection 1 (the Jinja-named one): Customer mapped, the Jinja ERP field to the Jinja CRM field, a Jinja default and
    first-sync default, and the Jinja ERP list item mapped."""
    erp_key, crm_key = jinja('erp-field-key'), jinja('crm-field-key')
    rows = [{'ErpFieldId': field_id(1, 'Customer', 'Name'), 'CrmFieldKey': 'contact.name', 'SyncToCrm': True, 'SyncToErp': True},
            {'ErpFieldId': field_id(1, 'Customer', erp_key), 'CrmFieldKey': crm_key, 'SyncToCrm': True, 'ShowInGui': True},
            {'ErpFieldId': field_id(1, 'Customer', 'Class'), 'CrmFieldKey': 'contact.category', 'SyncToCrm': True}]
    call('SaveActorTypeMapping', {'Mapping': {'ErpConnectionId': 1, 'ActorTypeErp': 'Customer', 'ActorTypeCrm': 'Contact',
                                              'IsActive': True, 'FieldMappings': rows}})
    call('SaveDefaultValueInfo', {'ErpSyncDefaultValue': {
        'ErpFieldId': field_id(1, 'Customer', erp_key), 'DefaultValue': jinja('mapping-default'),
        'HasFirstSyncDefaultValue': True, 'FirstSyncDefaultValue': jinja('first-sync-default')}})
    class_id = field_id(1, 'Customer', 'Class')
    call('SaveConnectionListMappings', {'ListMapping': {'ErpConnectionId': 1, 'ErpListItemMappings': [{
        'ErpFieldId': class_id, 'ErpCrmListItemMappings': [{'ErpListItemId': jinja('erp-list-item-id'), 'CrmListItem': {'Id': 1}},
                                                           {'ErpListItemId': 'B', 'CrmListItem': {'Id': 2}}]}]}})


def snapshot(by_name=False):
    """What the role manages, comparable across runs (by name after the connections were re-created: ids change)."""
    full = state()
    keep = ('DisplayName', 'DisplayDescription', 'ErpConnectorId', 'ConfigFields', 'Active', 'AllAccess', 'UserGroupAccessIds',
            'AssociateAccessIds')
    connections, mappings = {}, {}
    keys = {}
    for conn in full['connections']:
        if conn['Deleted']:
            continue
        twin = conn['DisplayName'] in TWINS
        key = '%s #%d' % (conn['DisplayName'], conn['ErpConnectionId']) if twin or not by_name else conn['DisplayName']
        keys[str(conn['ErpConnectionId'])] = key
        connections[key] = dict((k, conn[k]) for k in keep)
        mappings[key] = full['mappings'].get(str(conn['ErpConnectionId']), {})
    # Defaults and list mappings are kept by ERP field id: named by connection and field key instead.
    fields = {}  # of live connections only: a deleted connection keeps its mapping state on the server
    for conn_id, actors in full['mappings'].items():
        for actor, mapping in actors.items():
            for erp_key, row in mapping['fields'].items():
                if conn_id in keys:
                    fields[str(row['ErpFieldId'])] = '%s / %s / %s' % (keys[conn_id], actor, erp_key)
        for actor in actors.values():
            for row in actor['fields'].values():
                row.pop('ErpFieldId')
    return {
        'engine': dict((k, full['engine'][k]) for k in ('running', 'interval_seconds')),
        'connectors': [dict((k, c[k]) for k in ('name', 'url', 'description', 'deleted')) for c in full['connectors']],
        'connections': connections,
        'mappings': mappings,
        'defaults': dict((fields.get(k, k), v) for k, v in full['defaults'].items() if k in fields),
        'list_mappings': dict((fields.get(k, k), v) for k, v in full['list_mappings'].items() if k in fields),
    }


def _differences(want, have):
    """What differs, shortly: the differing members of two objects, else both values."""
    if isinstance(want, dict) and isinstance(have, dict):
        return dict((k, _differences(want.get(k), have.get(k))) for k in sorted(set(want) | set(have)) if want.get(k) != have.get(k))
    return {'want': want, 'have': have}


def compare(path, by_name):
    with open(path, encoding='utf-8') as handle:
        want = json.load(handle)
    have = snapshot(by_name)
    problems = []
    for part in sorted(set(want) | set(have)):
        mine, theirs = want.get(part), have.get(part)
        keys = sorted(set(mine) | set(theirs)) if isinstance(mine, dict) and isinstance(theirs, dict) else [None]
        for key in keys:
            one, other = (mine, theirs) if key is None else (mine.get(key), theirs.get(key))
            if one != other:
                where = part if key is None else '%s[%s]' % (part, key)
                problems.append('%s: %s' % (where, json.dumps(_differences(one, other), ensure_ascii=False, sort_keys=True)))
    if problems:
        sys.exit('the tenant is not as it was (values must arrive verbatim):\n  ' + '\n  '.join(problems))
    print('the tenant is as it was: %d connections, %d connectors' % (len(have['connections']), len(have['connectors'])))


def drift():
    """An admin's edits by hand: descriptions, a Text config value, a mapped field and a default."""
    for conn_id in (1, 9, 12):
        record = call('GetConnection', {'ErpConnectionId': conn_id})
        record['DisplayDescription'] = 'drifted'
        if conn_id == 1:
            record['ConfigFields']['ApiUrl'] = 'https://drifted.example.com'
        call('SaveConnection', {'Connection': record})
    erp_key = jinja('erp-field-key')
    call('SaveActorTypeMapping', {'Mapping': {'ErpConnectionId': 1, 'ActorTypeErp': 'Customer', 'ActorTypeCrm': 'Contact', 'IsActive': True,
                                              'FieldMappings': [{'ErpFieldId': field_id(1, 'Customer', erp_key), 'CrmFieldKey': ''}]}})
    call('SaveDefaultValueInfo', {'ErpSyncDefaultValue': {'ErpFieldId': field_id(1, 'Customer', erp_key), 'DefaultValue': 'drifted',
                                                          'HasFirstSyncDefaultValue': True, 'FirstSyncDefaultValue': jinja('first-sync-default')}})


def delete_twin():
    """The admin resolves the two same-name connections by deleting the second."""
    twins = sorted(c['ErpConnectionId'] for c in state()['connections'] if c['DisplayName'] in TWINS and not c['Deleted'])
    call('DeleteConnection', {'ErpConnectionId': twins[-1]})


def delete():
    for conn in state()['connections']:
        if not conn['Deleted'] and conn['DisplayName'] not in TWINS and conn['ErpConnectorId'] not in ODD_METADATA:
            call('DeleteConnection', {'ErpConnectionId': conn['ErpConnectionId']})


class _Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """The export as YAML, whatever tags it uses to keep tenant values from being templated (!unsafe)."""


class Tagged(str):
    """A scalar the export tagged (!unsafe): tenant data, never a vault placeholder."""


_Loader.add_multi_constructor('!', lambda loader, suffix, node: Tagged(loader.construct_scalar(node)))

PLACEHOLDER = re.compile(r'\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}')


def _values_for(template, original):
    """The value each placeholder of a template stands for, read off the tenant's original text; None if it does not fit."""
    parts = PLACEHOLDER.split(template)
    pattern = ''.join(re.escape(p) if i % 2 == 0 else '(?P<%s>.+?)' % p for i, p in enumerate(parts))
    match = re.fullmatch(pattern, original or '', re.S) if len(set(parts[1::2])) == len(parts[1::2]) else None
    return match.groupdict() if match else None


def placeholders(export_path, stub_path, docs_root, filled_path):
    """Every vault placeholder of the export: one secret each, no two (connection, key) pairs or URLs sharing one, none that
    the documentation uses for another variable; writes the vault filled with the values the tenant holds."""
    with open(export_path, encoding='utf-8') as handle:
        exported = yaml.load(handle, Loader=_Loader)  # nosec B506: a SafeLoader that reads any tag as text
    with open(stub_path, encoding='utf-8') as handle:
        stub = yaml.safe_load(handle) or {}
    tenant = state()
    problems = []
    found = {}  # placeholder -> [(where, value)]

    def use(where, template, original):
        names = PLACEHOLDER.findall(template)
        values = _values_for(template, original)
        if values is None:
            problems.append('%s: %r does not fit the tenant\'s value' % (where, template))
            return
        for name in names:
            found.setdefault(name, []).append((where, values[name]))

    connectors = dict((c['name'], c) for c in tenant['connectors'])
    for index, item in enumerate(exported.get('erpsync_connectors') or []):
        url = item.get('connector_url') or ''
        if not isinstance(url, Tagged) and PLACEHOLDER.search(url) and item.get('name') in connectors:
            use('erpsync_connectors[%d].connector_url' % index, url, connectors[item['name']]['url'])
    live = [c for c in tenant['connections'] if not c['Deleted']]
    for index, item in enumerate(exported.get('erpsync_connections') or []):
        matches = [c for c in live if (c['ErpConnectionId'] == item['id'] if 'id' in item else c['DisplayName'] == item.get('name'))]
        if len(matches) != 1:
            problems.append('erpsync_connections[%d] (%r) matches %d live connections' % (index, item.get('name'), len(matches)))
            continue
        stored = matches[0]['ConfigFields']
        for key, value in (item.get('config') or {}).items():
            if isinstance(value, str) and not isinstance(value, Tagged) and PLACEHOLDER.search(value):
                use('erpsync_connections[%d] (%s).config[%s]' % (index, item.get('name'), key), value, stored.get(key))
    for name, uses in sorted(found.items()):
        if len(set(value for where, value in uses)) > 1 or len(uses) > 1:
            problems.append('placeholder %s stands for %d values: %s' % (name, len(uses), '; '.join(w for w, v in uses)))
    documented = documented_variables(docs_root)
    clash = sorted(name for name in found if name in documented or name.startswith(RESERVED))
    if clash:
        problems.append('placeholders that are names the documentation or the role give other variables: %s' % ', '.join(clash))
    missing = sorted(set(found) - set(stub))
    if missing:
        problems.append('placeholders missing from the vault stub: %s' % ', '.join(missing))
    # Filled even when a check failed (the first value of a shared placeholder), so the later steps still run.
    with open(filled_path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(dict((name, uses[0][1]) for name, uses in found.items()), handle, allow_unicode=True)
    if not found:
        problems.append('no vault placeholder at all, though the tenant stores secrets')
    if problems:
        sys.exit('vault placeholders:\n  ' + '\n  '.join(problems))
    print('%d vault placeholders, one secret each: %s' % (len(found), ', '.join(sorted(found))))


RESERVED = ('superoffice_', 'erpsync_', 'ansible_')


def documented_variables(root):
    """Variable names the collection's documentation uses: vault_* names and names inside {{ }} (README, docs, examples)."""
    names = set()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith('.') and os.path.join(folder, d) != os.path.join(root, 'tests')]
        for name in files:
            if name.endswith(('.md', '.rst', '.yml', '.yaml')):
                with open(os.path.join(folder, name), encoding='utf-8', errors='replace') as handle:
                    text = handle.read()
                names.update(re.findall(r'\bvault_[A-Za-z0-9_]+', text))
                for expression in re.findall(r'\{\{(.*?)\}\}', text):
                    names.update(re.findall(r'\b[a-z_][a-z0-9_]*\b', expression))
    return names


def requests(mode):
    log = admin('GET', 'requests?tenant=' + TENANT)
    if mode == '--none' and log:
        sys.exit('%d requests were made: %s' % (len(log), ', '.join('%s' % e['method'] for e in log)))
    writes = [e['method'] for e in log if e['method'] not in READS]
    if mode == '--no-writes' and writes:
        sys.exit('writes were made: %s' % ', '.join(writes))
    print('%d requests, no %s' % (len(log), 'request' if mode == '--none' else 'write'))


def names_twins(path):
    """A failed run's error names the two same-name connections together: one problem with 'Twin' and both ids."""
    with open(path, encoding='utf-8', errors='replace') as handle:
        problems = [p for line in handle if line.startswith('fatal:') or 'FAILED!' in line for p in re.split(r'; |\\n', line)]
    if not any('Twin' in p and re.search(r'\b20\b', p) and re.search(r'\b21\b', p) for p in problems):
        sys.exit('no problem names both connections called Twin (ids 20 and 21): %s' % '; '.join(p for p in problems if 'Twin' in p)[:2000])


def markers(folder):
    """Fails when tenant data ran as Jinja; empties the folder, so that each run is checked on its own."""
    made = sorted(os.listdir(folder))
    for name in made:
        os.remove(os.path.join(folder, name))
    if made:
        sys.exit('tenant data ran as Jinja on the controller; marker files: %s' % ', '.join(made))


def absent(paths):
    leaks = []
    for path in paths:
        with open(path, encoding='utf-8', errors='replace') as handle:
            leaks.extend('%s: %s' % (path, m.group(0)) for m in SECRET_PATTERN.finditer(handle.read()))
    if leaks:
        sys.exit('secrets the tenant stores in clear were shown:\n  ' + '\n  '.join(sorted(set(leaks))))


def main(argv):
    command, args = argv[0], argv[1:]
    if command == 'setup':
        setup()
    elif command == 'snapshot':
        with open(args[0], 'w', encoding='utf-8') as handle:
            json.dump(snapshot('--by-name' in args), handle, indent=1, sort_keys=True, ensure_ascii=False)
    elif command == 'compare':
        compare(args[0], '--by-name' in args)
    elif command == 'drift':
        drift()
    elif command == 'delete':
        delete()
    elif command == 'delete-twin':
        delete_twin()
    elif command == 'clear-requests':
        admin('DELETE', 'requests')
    elif command == 'placeholders':
        placeholders(*args)
    elif command == 'requests':
        requests(args[0] if args else '--no-writes')
    elif command == 'markers':
        markers(args[0])
    elif command == 'names-twins':
        names_twins(args[0])
    elif command == 'stub-names':
        with open(args[0], encoding='utf-8') as handle:
            print('\n'.join(sorted(yaml.safe_load(handle) or {})))
    elif command == 'absent':
        absent(args)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
