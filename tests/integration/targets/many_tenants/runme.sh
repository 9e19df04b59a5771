#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Many tenants at once: examples/many-tenants/site.yml (one play, the superoffice.crm.erpsync role per inventory
# host) converges four emulated tenants (data.json: two on-site, two Online, each with its own credential type)
# in parallel with --forks 4. inventory.yml + host_vars/ give each tenant its connection, its desired state and
# what verify.yml expects. Sequence: --check --diff (writes nothing, predicts the changes), the real run (each
# tenant in its own desired state, only its own requests and writes, the tenants served at the same time), a
# rerun (changed=0, reads only).

set -eux
set -o pipefail

SUPEROFFICE_EMULATOR_DATA_FILE="$(pwd)/data.json"
export SUPEROFFICE_EMULATOR_DATA_FILE
export SUPEROFFICE_TENANT=CrmOslo
# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh
# No connection from the environment: every tenant must be reached through its own host variables.
unset SUPEROFFICE_URL SUPEROFFICE_USERNAME SUPEROFFICE_PASSWORD

EXAMPLE="${SUPEROFFICE_COLLECTION_ROOT}/examples/many-tenants"
HOSTS="oslo bergen cust20001 cust20002"
WORK="${OUTPUT_DIR:-$(mktemp -d)}/many_tenants"
rm -rf "${WORK}"
mkdir -p "${WORK}"
export ANSIBLE_NOCOLOR=1

# admin METHOD PATH: call the emulator's admin API (GET prints the answer).
admin() {
    python3 - "$@" <<'PYEOF'
import os
import sys
import urllib.request

method, path = sys.argv[1], sys.argv[2]
request = urllib.request.Request(os.environ['SUPEROFFICE_EMULATOR_URL'] + path, method=method)
with urllib.request.urlopen(request, timeout=10) as response:
    if method == 'GET':
        sys.stdout.write(response.read().decode('utf-8'))
PYEOF
}

# converge RUN [ansible-playbook args...]: the example's site.yml on the four tenants, output in ${WORK}/RUN.out.
converge() {
    local run="$1"
    shift
    ansible-playbook -i inventory.yml --forks 4 "${EXAMPLE}/site.yml" "$@" 2>&1 | tee "${WORK}/${run}.out"
}

# recap_is RUN FIELD VALUE: every tenant's PLAY RECAP line of RUN has FIELD=VALUE.
recap_is() {
    local host value
    for host in ${HOSTS}; do
        value="$(sed -n -E "s/^${host} +:.* ${2}=([0-9]+).*/\\1/p" "${WORK}/${1}.out" | tail -n 1)"
        if [[ "${value}" != "${3}" ]]; then
            echo "${1}: ${host} has ${2}=${value:-?}, expected ${3}" >&2
            return 1
        fi
    done
}

verify() {
    ansible-playbook -i inventory.yml --forks 4 verify.yml -e "phase=$1"
}

# 0. The example's own inventory: three tenants in the groups site.yml and group_vars use, and site.yml parses.
ansible-inventory -i "${EXAMPLE}/inventory" --graph | tee "${WORK}/example-graph.out"
for tenant in acme globex initech; do
    grep -q -- "--${tenant}\$" "${WORK}/example-graph.out"
done
grep -q -- '--@superoffice_online:' "${WORK}/example-graph.out"
ansible-playbook -i "${EXAMPLE}/inventory" --syntax-check "${EXAMPLE}/site.yml"

# 1. --check --diff on all tenants: the role's one task predicts changes on each tenant, nothing written anywhere.
admin POST /_emulator/reset
admin DELETE /_emulator/requests
converge check --check --diff
recap_is check changed 1
recap_is check failed 0
grep -q 'Oslo payroll' "${WORK}/check.out"
verify check

# 2. The real run: every tenant in its own desired state, changed as the check predicted.
admin DELETE /_emulator/requests
converge apply --diff
recap_is apply changed 1
recap_is apply failed 0
verify apply
# The whole request log: only the four tenants, no refused request, and the tenants served in parallel (the
# engine start/stop of each tenant waits about 2 s for its batch system, so run one after the other these
# waits could not overlap).
admin GET /_emulator/requests >"${WORK}/apply-requests.json"
python3 - "${WORK}/apply-requests.json" <<'PYEOF'
import json
import sys

with open(sys.argv[1]) as handle:
    log = json.load(handle)
tenants = {'CrmOslo', 'CrmBergen', 'Cust20001', 'Cust20002'}
assert {entry['tenant'] for entry in log} == tenants, sorted({entry['tenant'] for entry in log})
bad = [entry for entry in log if not 200 <= (entry['status'] or 0) < 300]
assert not bad, bad
windows = {}
for entry in log:
    if entry['method'] in ('GetEngineStatus', 'ChangeEngineStatus', 'ChangeEngineInterval'):
        first, last = windows.get(entry['tenant'], (entry['time'], entry['time']))
        windows[entry['tenant']] = (min(first, entry['time']), max(last, entry['time']))
print('engine calls per tenant (first, last): %s' % json.dumps(windows, sort_keys=True))
assert set(windows) == tenants, windows
latest_start = max(first for first, last in windows.values())
earliest_end = min(last for first, last in windows.values())
assert latest_start < earliest_end, 'the tenants were not converged in parallel: %s' % windows
PYEOF

# 3. The rerun: changed=0 on every tenant, reads only, still in the desired state.
admin DELETE /_emulator/requests
converge rerun
recap_is rerun changed 0
recap_is rerun failed 0
verify rerun

# Secrets given in host_vars never reach the output.
if grep -F -e oslo-visma-secret -e cust20001-visma-secret -e Oslo-Test-Passw0rd -e many-tenants-access-token "${WORK}"/*.out; then
    echo "a secret appears in the output above" >&2
    exit 1
fi
