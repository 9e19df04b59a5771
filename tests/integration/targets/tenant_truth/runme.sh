#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The plan tells the truth (issue 23), with the role on the demo tenant Nordic (empty: every object is new):
# 1. --check --diff predicts exactly what the real run then does and shows, for every kind (connector, connection,
#    mappings with defaults, list mapping, activation, engine), and writes nothing;
# 2. a connection whose list mapping fails is not activated, the engine is not started, and the counts and the message
#    agree; the next run converges it;
# 3. tags select the parts of the plan: --tags erpsync_engine changes only the engine, the other parts' tags all
#    but the mappings (a connection whose definition gives mappings is then not activated), with the same exact check mode;
# 4. a tag the play gives the role converges every part;
# 5. a connector is retired with its connection in one run, check mode predicting it.

set -eux
set -o pipefail

export SUPEROFFICE_TENANT=Nordic
# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh

WORK="${OUTPUT_DIR:-$(mktemp -d)}/tenant_truth"
rm -rf "${WORK}"
mkdir -p "${WORK}"
export ANSIBLE_NOCOLOR=1
INVENTORY="${INVENTORY_PATH:-localhost,}"
DEFINITION="${SUPEROFFICE_COLLECTION_ROOT}/playbooks/vars/demo_tenant.yml"

admin() {
    python3 - "$@" <<'PYEOF'
import os
import sys
import urllib.request

method, path = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode('utf-8') if len(sys.argv) > 3 else None
request = urllib.request.Request(os.environ['SUPEROFFICE_EMULATOR_URL'] + path, data=data, method=method,
                                 headers={'Content-Type': 'application/json'})
with urllib.request.urlopen(request, timeout=10) as response:
    if method == 'GET':
        sys.stdout.write(response.read().decode('utf-8'))
PYEOF
}

fresh() {
    admin POST /_emulator/tenants/Nordic/reset
    admin PUT /_emulator/tenants/Nordic/engine '{"delay": 0.2}'
    admin DELETE /_emulator/requests
}

# converge RUN [args...]: the role; output in ${WORK}/RUN.out, its result in ${WORK}/RUN.json.
converge() {
    local run="$1"
    shift
    RESULT_FILE="${WORK}/${run}.json" ansible-playbook -i "${INVENTORY}" converge.yml -e "@${DEFINITION}" "$@" 2>&1 |
        tee "${WORK}/${run}.out"
}

recap() {
    sed -n -E "s/^localhost +:.* ${2}=([0-9]+).*/\\1/p" "${WORK}/${1}.out" | tail -n 1
}

writes() {
    admin GET '/_emulator/requests?tenant=Nordic' | python3 -c '
import json, sys
reads = ("Get", "Test", "CanDelete", "MDOList")
print(sum(1 for r in json.load(sys.stdin) if not r["method"].startswith(reads)))'
}

# 1. check == apply, every kind of object new.
fresh
converge check --check --diff
[[ "$(recap check changed)" == 1 && "$(recap check failed)" == 0 && "$(writes)" == 0 ]]
converge apply --diff
[[ "$(recap apply changed)" == 1 && "$(recap apply failed)" == 0 ]]
python3 compare.py "${WORK}/check.json" "${WORK}/apply.json"
converge rerun --check --diff
[[ "$(recap rerun changed)" == 0 ]]

# 2. A list mapping that fails (a 500 on its save) holds the connection's activation and the engine's start.
fresh
admin POST /_emulator/tenants/Nordic/faults '{"method": "SaveConnectionListMappings", "kind": "status", "status": 500, "count": 1}'
if converge half; then
    echo "the run with a failing list mapping should fail" >&2
    exit 1
fi
python3 - "${WORK}/half.json" <<'PYEOF'
import json
import os
import sys
import urllib.request

result = json.load(open(sys.argv[1]))
connection = result['connections'][0]
state = json.load(urllib.request.urlopen(os.environ['SUPEROFFICE_EMULATOR_URL'] + '/_emulator/tenants/Nordic'))
live = [c for c in state['connections'] if not c['Deleted']]
assert [c['Active'] for c in live] == [False], live          # created, mapped, but not activated
assert state['engine']['running'] is False, state['engine']  # the engine was not started on it
assert connection['failed'] is True and 'activated' not in connection['operations'], connection
assert 'it was not activated (it stays inactive), because' in connection['msg'], connection['msg']
assert connection['list_mappings'][0]['failed'] is True
assert result['summary']['failed'] == 1
assert result['msg'].startswith("1 of 1 connection and the engine failed: connections[0] ('SAP B1 Nordic'): it was not "), result['msg']
assert result['engine']['changed'] is True and result['engine']['engine']['running'] is False  # the interval was set
print('tenant_truth: a failed list mapping held the activation and the engine; summary and message agree')
PYEOF
converge heal
[[ "$(recap heal changed)" == 1 && "$(recap heal failed)" == 0 ]]

# 3. Tags select the parts of the plan, in check mode as in the real run.
fresh
converge engine_check --tags erpsync_engine --check --diff
converge engine_only --tags erpsync_engine --diff
[[ "$(recap engine_only changed)" == 1 ]]
python3 compare.py "${WORK}/engine_check.json" "${WORK}/engine_only.json"
python3 - "${WORK}/engine_only.json" <<'PYEOF'
import json
import os
import sys
import urllib.request

result = json.load(open(sys.argv[1]))
state = json.load(urllib.request.urlopen(os.environ['SUPEROFFICE_EMULATOR_URL'] + '/_emulator/tenants/Nordic'))
assert result['connectors'] == [] and result['connections'] == [], result  # not read, not changed
assert not state['connectors'] and not state['connections'] and state['engine']['running'] is True, state
print('tenant_truth: --tags erpsync_engine started the engine and touched nothing else')
PYEOF
admin DELETE /_emulator/requests
# Everything but the mappings: the connector and the connection are made, no mapping is written, and the connection, whose
# definition gives mappings, is not activated on the ones it has (the run fails asking for the mappings part).
# Check mode fails the same way first, without a write. (A failed task counts as failed, not changed, in the recap.)
without_mappings=erpsync_connectors,erpsync_connections,erpsync_sync_priority,erpsync_engine
if converge no_mappings_check --tags "${without_mappings}" --check; then
    echo "check mode of the run without the mappings should fail as the run does" >&2
    exit 1
fi
[[ "$(recap no_mappings_check failed)" == 1 && "$(writes)" == 0 ]]
grep -q 'Run with the mappings part too' "${WORK}/no_mappings_check.out"
if converge no_mappings --tags "${without_mappings}"; then
    echo "the run without the mappings should not activate the connection" >&2
    exit 1
fi
[[ "$(recap no_mappings failed)" == 1 ]]
grep -q 'Run with the mappings part too' "${WORK}/no_mappings.out"
python3 compare.py "${WORK}/no_mappings_check.json" "${WORK}/no_mappings.json"
admin GET '/_emulator/requests?tenant=Nordic' | python3 -c '
import json, sys
methods = [r["method"] for r in json.load(sys.stdin)]
assert "SaveErpSyncConnectorEntity" in methods and "SaveConnection" in methods, methods
assert "ToggleErpConnectionActive" not in methods, methods
assert not [m for m in methods if m.startswith(("SaveActorTypeMapping", "SaveDefaultValueInfo", "SaveConnectionList"))], methods'
converge mappings_only --tags erpsync_mappings,erpsync_connections
[[ "$(recap mappings_only changed)" == 1 && "$(recap mappings_only failed)" == 0 ]]
converge all_again --check
[[ "$(recap all_again changed)" == 0 ]]

# 4. A tag the play gives the role: --tags crm converges every part (in check mode here); a tag the role does not have
#    leaves it alone, without a request.
fresh
ansible-playbook -i "${INVENTORY}" tagged.yml -e "@${DEFINITION}" --tags crm --check 2>&1 | tee "${WORK}/tagged.out"
[[ "$(recap tagged changed)" == 1 && "$(recap tagged failed)" == 0 ]]
[[ "$(writes)" == 0 ]]
admin GET '/_emulator/requests?tenant=Nordic' | python3 -c '
import json, sys
methods = set(r["method"] for r in json.load(sys.stdin))
assert {"GetAllConnectors", "GetAllConnections", "GetEngineStatus"} <= methods, methods  # every part was read'
admin DELETE /_emulator/requests
ansible-playbook -i "${INVENTORY}" tagged.yml -e "@${DEFINITION}" --tags nginx 2>&1 | tee "${WORK}/untagged.out"
[[ "$(recap untagged changed)" == 0 && "$(admin GET '/_emulator/requests?tenant=Nordic')" == "[]" ]]

# 5. A connector retired with its connection in one run: check mode predicts both deletes, the run makes them (the
#    connection first), and the rerun has nothing to do.
fresh
converge built
RESULT_FILE="${WORK}/retire_check.json" ansible-playbook -i "${INVENTORY}" converge.yml -e "@${DEFINITION}" -e @retire.yml --check \
    2>&1 | tee "${WORK}/retire_check.out"
[[ "$(recap retire_check changed)" == 1 && "$(recap retire_check failed)" == 0 ]]
RESULT_FILE="${WORK}/retire.json" ansible-playbook -i "${INVENTORY}" converge.yml -e "@${DEFINITION}" -e @retire.yml \
    2>&1 | tee "${WORK}/retire.out"
[[ "$(recap retire changed)" == 1 && "$(recap retire failed)" == 0 ]]
python3 compare.py "${WORK}/retire_check.json" "${WORK}/retire.json"
admin GET '/_emulator/requests?tenant=Nordic' | python3 -c '
import json, sys
writes = [r["method"] for r in json.load(sys.stdin) if r["method"].startswith("Delete")]
assert writes == ["DeleteConnection", "DeleteErpSyncConnectorEntity"], writes'
