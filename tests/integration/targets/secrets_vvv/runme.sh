#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Secrets never appear. Every module and the role run with -vvv --diff, on success and failure paths
# (a refused activation, an unknown connector, a 401, bad options, retries), against an emulator whose
# credentials and stored Password-type config values are random and distinctive (S3cr3t-...). All output
# (stdout and stderr) goes to files that are searched for every secret, as is the emulator's request log.
# A leak is reported by the secret's name, never by its value; the output is not echoed to the console.

set -eu
set -o pipefail

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh

WORK="${OUTPUT_DIR:-$(mktemp -d)}/secrets_vvv"
rm -rf "${WORK}"
mkdir -p "${WORK}"

# The secrets: random values, exported for the playbooks (never on a command line, never traced).
RUN_ID="$(python3 -c 'import secrets; print(secrets.token_hex(6))')"
secret_names=()
new_secret() {
    export "$1=$2"
    secret_names+=("$1")
}
new_secret SO_SECRET_PASSWORD "S3cr3t-password-${RUN_ID}"
new_secret SO_SECRET_TICKET_ONSITE "7T:S3cr3t-ticket-onsite-${RUN_ID}"
new_secret SO_SECRET_TICKET_ONLINE "7T:S3cr3t-ticket-online-${RUN_ID}"
new_secret SO_SECRET_ACCESS_TOKEN "8A:Cust12345.S3cr3t-token-${RUN_ID}"
new_secret SO_SECRET_APP_TOKEN "S3cr3t-apptoken-${RUN_ID}"
new_secret SO_SECRET_WRONG_PASSWORD "S3cr3t-wrong-password-${RUN_ID}"
new_secret SO_SECRET_WRONG_TOKEN "8A:Cust12345.S3cr3t-wrong-token-${RUN_ID}"
new_secret SO_SECRET_STORED_ONSITE "S3cr3t-stored-onsite-${RUN_ID}"
new_secret SO_SECRET_STORED_PILOT "S3cr3t-stored-pilot-${RUN_ID}"
new_secret SO_SECRET_STORED_VISMA "S3cr3t-stored-visma-${RUN_ID}"
new_secret SO_SECRET_STORED_TRIPLETEX "S3cr3t-stored-tripletex-${RUN_ID}"
new_secret SO_SECRET_CONNECTOR_URL_PASSWORD "S3cr3t-connector-url-${RUN_ID}"
for name in CREATE ROTATED CHECK BULK_1 BULK_2 REFUSED UNKNOWN TYPO BADTYPE ONLINE BEARER ROLE ROLE_REFUSED RETRY TENANT REFLECT \
    TEST_REFLECT MASKED; do
    new_secret "SO_SECRET_CONFIG_${name}" "S3cr3t-config-${name,,}-${RUN_ID}"
done
# The characters the .NET and proxy echo encodings write differently: + / & < > ' and non-ASCII.
new_secret SO_SECRET_CONFIG_ECHO "S3cr3t+echo/wörd&<e>'-${RUN_ID}"
# The Basic credential of the WebAPI password, as an echo of the Authorization header shows it.
new_secret SO_SECRET_BASIC "$(python3 -c 'import base64, os; print(base64.b64encode(("ERPAdmin:" + os.environ["SO_SECRET_PASSWORD"]).encode()).decode())')"
export SO_SECRET_NAMES="${secret_names[*]}"
# A local port nobody listens on, for the unreachable-tenant path.
SO_CLOSED_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export SO_CLOSED_PORT

# An emulator data file with those credentials and stored secrets: the demo data, on-site Password fields readable
# (so the modules receive stored secrets in clear and must mask them themselves).
DATA="${WORK}/data.json"
python3 - "${SUPEROFFICE_EMULATOR_DATA}" "${DATA}" <<'PYEOF'
import json
import os
import sys

env = os.environ
with open(sys.argv[1]) as handle:
    data = json.load(handle)
onsite = data['tenants']['SuperOffice']
onsite['credentials'] = {'users': {'ERPAdmin': env['SO_SECRET_PASSWORD']}, 'tickets': [env['SO_SECRET_TICKET_ONSITE']]}
onsite['password_fields_readable'] = True
stored = {1: ('Password', 'SO_SECRET_STORED_ONSITE'), 2: ('ClientSecret', 'SO_SECRET_STORED_PILOT')}
for connection in onsite['connections']:
    key, name = stored[connection['ErpConnectionId']]
    connection['ConfigFields'][key] = env[name]
online = data['tenants']['Cust12345']
online['credentials'] = {'tickets': [env['SO_SECRET_TICKET_ONLINE']], 'access_tokens': [env['SO_SECRET_ACCESS_TOKEN']],
                         'app_tokens': [env['SO_SECRET_APP_TOKEN']]}
for connection in online['connections']:
    config = connection['ConfigFields']
    if 'ClientSecret' in config:
        config['ClientSecret'] = env['SO_SECRET_STORED_VISMA']
    for key in ('ConsumerToken', 'EmployeeToken', 'Password'):
        if key in config:
            config[key] = env['SO_SECRET_STORED_TRIPLETEX']
with open(sys.argv[2], 'w') as handle:
    json.dump(data, handle)
PYEOF

# Restart the emulator on that data (setup_emulator started it on the demo data).
emulator_stop
emulator_start "${DATA}"
emulator_export_tenant SuperOffice
if [[ "${SUPEROFFICE_PASSWORD}" != "${SO_SECRET_PASSWORD}" ]]; then
    echo "setup_emulator exported a password that is not tenants.SuperOffice.credentials.users of the data file" >&2
    exit 1
fi

# search: every secret, as it is and in each form a .NET server or a proxy echoes it in (emulator.wire.encode_text), in
# every output file and the emulator's request log; names only.
search() {
    python3 - "$@" <<'PYEOF'
import os
import sys

sys.path.insert(0, os.environ['SUPEROFFICE_COLLECTION_ROOT'])
from emulator.wire import ECHO_ENCODINGS, encode_text  # noqa: E402  (the collection root is known at run time only)

names = os.environ['SO_SECRET_NAMES'].split()
forms = dict((name, set([os.environ[name]] + [encode_text(os.environ[name], e) for e in ECHO_ENCODINGS])) for name in names)
leaks = []
for path in sys.argv[1:]:
    with open(path, errors='replace') as handle:
        text = handle.read()
    for name in names:
        count = sum(text.count(form) for form in forms[name])
        if count:
            leaks.append('%s appears %d times in %s' % (name, count, os.path.basename(path)))
if leaks:
    print('SECRETS LEAKED:\n  ' + '\n  '.join(leaks))
    sys.exit(1)
print('no secret in %s (%d secrets searched)' % (', '.join(os.path.basename(p) for p in sys.argv[1:]), len(names)))
PYEOF
}

# show: the end of an output file, every secret replaced by its name.
show() {
    python3 - "$1" <<'PYEOF'
import os
import sys

with open(sys.argv[1], errors='replace') as handle:
    text = handle.read()
for name in os.environ['SO_SECRET_NAMES'].split():
    text = text.replace(os.environ[name], '<%s>' % name)
keep = [line for line in text.splitlines() if line.startswith(('TASK [', 'fatal:', 'failed:', 'PLAY RECAP', 'localhost ', '[ERROR]'))
        or '"assertion"' in line or '"msg"' in line]
print('\n'.join(keep[-120:]))
PYEOF
}

# Each playbook runs twice: as ansible-core runs it by default (2.21 leaves invocation out of results) and with
# ANSIBLE_INJECT_INVOCATION=1 (invocation in every result, as 2.19 and 2.20 always have it).
status=0
for inject in 0 1; do
    # Each round starts from the data file's state.
    python3 -c 'import os, urllib.request; urllib.request.urlopen(urllib.request.Request(os.environ["SUPEROFFICE_EMULATOR_URL"] + "/_emulator/reset", method="POST"), timeout=10)'
    for playbook in modules roles; do
        if ! ANSIBLE_INJECT_INVOCATION="${inject}" ansible-playbook -i "${INVENTORY_PATH:-localhost,}" -vvv --diff "${playbook}.yml" "$@" \
            >"${WORK}/${playbook}-${inject}.out" 2>&1; then
            echo "${playbook}.yml (ANSIBLE_INJECT_INVOCATION=${inject}) failed; its output, secrets replaced by their names:" >&2
            show "${WORK}/${playbook}-${inject}.out" >&2
            status=1
        fi
    done
done

# The -vvv output shows each module's arguments (invocation.module_args): the secrets must be there, masked.
python3 - "${WORK}/modules-1.out" <<'PYEOF' || status=1
import re
import sys

with open(sys.argv[1], errors='replace') as handle:
    text = handle.read()
missing = []
for option in ('password', 'ticket', 'access_token', 'app_token'):
    if not re.search(r'"%s": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' % option, text):
        missing.append(option)
if '"module_args"' not in text:
    missing.append('module_args (is -vvv showing invocations?)')
if not re.search(r'"Password": "\*{8}"', text):
    missing.append('a masked Password config value')
if missing:
    print('the -vvv output does not show these arguments masked: %s' % ', '.join(missing))
    sys.exit(1)
print('-vvv module arguments: secrets shown masked')
PYEOF

search "${WORK}"/modules-*.out "${WORK}"/roles-*.out "${SUPEROFFICE_EMULATOR_LOG}" || status=1

# Control: the secrets really reached the tenant (the admin API shows stored config in clear), and the search
# finds them there; a search that cannot find anything would prove nothing.
python3 - "${WORK}/state.json" <<'PYEOF'
import json
import os
import sys
import urllib.request

states = []
for tenant in ('SuperOffice', 'Cust12345'):
    with urllib.request.urlopen('%s/_emulator/tenants/%s' % (os.environ['SUPEROFFICE_EMULATOR_URL'], tenant), timeout=10) as answer:
        states.append(json.load(answer))
with open(sys.argv[1], 'w') as handle:
    json.dump(states, handle)
PYEOF
if search "${WORK}/state.json" >"${WORK}/control.out"; then
    echo "control failed: no secret found in the tenant state, so the search proves nothing" >&2
    status=1
fi
for name in SO_SECRET_CONFIG_RETRY SO_SECRET_CONFIG_BULK_2 SO_SECRET_CONFIG_ROLE SO_SECRET_CONFIG_ONLINE SO_SECRET_CONFIG_BEARER \
    SO_SECRET_CONFIG_TENANT; do
    if ! grep -q -F "${name} appears" "${WORK}/control.out"; then
        echo "control failed: ${name} was not stored on the tenant" >&2
        status=1
    fi
done
rm -f "${WORK}/state.json"
exit "${status}"
