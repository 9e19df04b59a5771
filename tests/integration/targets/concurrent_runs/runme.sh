#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs that meet on one tenant. Two role runs started at once on the same 100-connection definition: the second waits for
# the first (a lock per tenant on the controller) and then finds nothing to do, so every connection exists once. From two
# controllers (no shared lock) a connection both create is deleted again by one of them, and a third run converges. A run
# that would wait longer than lock_timeout fails without a request. The writes of a run go out several at once
# (superoffice_concurrency), with the same requests as one after the other.

set -eux
set -o pipefail

source ../setup_emulator/emulator.sh

WORK="${OUTPUT_DIR:-$(mktemp -d)}/concurrent_runs"
rm -rf "${WORK}"
mkdir -p "${WORK}"
export ANSIBLE_NOCOLOR=1
INVENTORY="${INVENTORY_PATH:-localhost,}"

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

recap() {
    sed -n -E "s/^localhost +:.* ${2}=([0-9]+).*/\\1/p" "${WORK}/${1}.out" | tail -n 1
}

requests() {
    admin GET '/_emulator/requests?tenant=SuperOffice' | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
}

# Every Parallel connection live exactly once; with an argument, that many of them active.
each_connection_once() {
    admin GET /_emulator/tenants/SuperOffice | python3 -c '
import json, sys
state = json.load(sys.stdin)
live = [c for c in state["connections"] if c["DisplayName"].startswith("Parallel") and not c["Deleted"]]
names = set(c["DisplayName"] for c in live)
assert len(live) == 100 and len(names) == 100, "%d connections, %d names" % (len(live), len(names))
if len(sys.argv) > 1:
    assert sum(1 for c in live if c["Active"]) == int(sys.argv[1])
print("concurrent_runs: 100 connections, each once" + (", %s active" % sys.argv[1] if len(sys.argv) > 1 else ""))
' "$@"
}

python3 - >"${WORK}/tenant.json" <<'PYEOF'
import json

print(json.dumps({'erpsync_engine_state': 'running', 'erpsync_engine_interval': 'PT5M', 'erpsync_connections': [
    {'name': 'Parallel %03d' % n, 'connector': 'Visma.net', 'description': 'Run %03d' % n, 'active': n % 3 == 0,
     'config': {'CompanyId': str(9000 + n), 'ClientId': 'par-%03d' % n, 'ClientSecret': 'parallel-secret-%03d' % n},
     'update_secrets': 'on_create'} for n in range(1, 101)]}))
PYEOF

# 1. Two runs at once, with a little latency so that they overlap.
admin POST /_emulator/tenants/SuperOffice/reset
admin DELETE /_emulator/requests
python3 -c 'import os, urllib.request; urllib.request.urlopen(urllib.request.Request(os.environ["SUPEROFFICE_EMULATOR_URL"] + "/_emulator/latency", data=b"0.01", method="PUT", headers={"Content-Type": "application/json"}), timeout=10)'
ansible-playbook -i "${INVENTORY}" converge.yml -e "@${WORK}/tenant.json" >"${WORK}/first.out" 2>&1 &
first=$!
sleep 2
ansible-playbook -i "${INVENTORY}" converge.yml -e "@${WORK}/tenant.json" >"${WORK}/second.out" 2>&1 &
second=$!
wait "${first}"
wait "${second}"
cat "${WORK}/first.out" "${WORK}/second.out"
[[ "$(recap first failed)" == 0 && "$(recap second failed)" == 0 ]]
# Whichever took the lock first (on a loaded machine the second may start first) made the changes; the other waited and
# found nothing to do.
[[ "$(( $(recap first changed) + $(recap second changed) ))" == 1 ]]
if [[ "$(recap first changed)" == 1 ]]; then waited=second; else waited=first; fi
grep -q 'Another run on this controller is changing' "${WORK}/${waited}.out"
each_connection_once 33

# 2. Two runs from two controllers at once: no lock spans them (each has its own temp dir here). Both find the tenant empty
#    and create; after its creates each run reads the list, and a connection the other run also created is deleted
#    again by the run whose one got the higher id. Whichever way they interleave: every connection once, and a third
#    run converges. (When both runs had items fail that way, neither started the engine: it is not started on a run with
#    failed connections. Then the third run starts it, and writes nothing else; a fourth has nothing to change.)
admin POST /_emulator/tenants/SuperOffice/reset
admin DELETE /_emulator/requests
# Short paths: ansible-playbook puts a unix socket in TMPDIR, and socket paths are limited to 107 bytes.
controller_a="$(mktemp -d)"
controller_b="$(mktemp -d)"
TMPDIR="${controller_a}" ansible-playbook -i "${INVENTORY}" converge.yml -e "@${WORK}/tenant.json" >"${WORK}/a.out" 2>&1 &
first=$!
TMPDIR="${controller_b}" ansible-playbook -i "${INVENTORY}" converge.yml -e "@${WORK}/tenant.json" >"${WORK}/b.out" 2>&1 &
second=$!
wait "${first}" || true
wait "${second}" || true
rm -rf "${controller_a}" "${controller_b}"
cat "${WORK}/a.out" "${WORK}/b.out"
if grep -h -E 'deleting this run.s one again failed' "${WORK}/a.out" "${WORK}/b.out"; then
    exit 1
fi
admin GET '/_emulator/requests?tenant=SuperOffice' | python3 -c '
import json, sys
print("concurrent_runs: two controllers at once: %d connections created twice and deleted again by one run"
      % sum(1 for r in json.load(sys.stdin) if r["method"] == "DeleteConnection"))
'
each_connection_once
admin DELETE /_emulator/requests
ansible-playbook -i "${INVENTORY}" converge.yml -e "@${WORK}/tenant.json" | tee "${WORK}/third.out"
[[ "$(recap third failed)" == 0 ]]
admin GET '/_emulator/requests?tenant=SuperOffice' | python3 -c '
import json, sys
writes = [r["method"] for r in json.load(sys.stdin) if not r["method"].startswith(("Get", "Test", "CanDelete", "MDOList"))]
assert writes in ([], ["ChangeEngineStatus"]), writes
print("concurrent_runs: the third run wrote %s" % (writes or "nothing"))
'
ansible-playbook -i "${INVENTORY}" converge.yml -e "@${WORK}/tenant.json" | tee "${WORK}/fourth.out"
[[ "$(recap fourth changed)" == 0 && "$(recap fourth failed)" == 0 ]]

# 3. A run that would wait longer than lock_timeout for another one fails at once, having sent nothing.
python3 hold_lock.py "${SUPEROFFICE_URL}" 6 &
holder=$!
sleep 1
admin DELETE /_emulator/requests
if ansible-playbook -i "${INVENTORY}" converge.yml -e "@${WORK}/tenant.json" -e superoffice_lock_timeout=1 >"${WORK}/locked.out" 2>&1; then
    echo "the run did not wait for the lock" >&2
    exit 1
fi
wait "${holder}"
grep -q 'for more than 1.0 s (lock_timeout); nothing was changed' "${WORK}/locked.out"
[[ "$(requests)" == 0 ]]

# 4. One write at a time or eight at once: the same requests.
admin DELETE /_emulator/requests
ansible-playbook -i "${INVENTORY}" converge.yml -e "@${WORK}/tenant.json" -e superoffice_concurrency=1 | tee "${WORK}/serial.out"
serial="$(requests)"
admin DELETE /_emulator/requests
ansible-playbook -i "${INVENTORY}" converge.yml -e "@${WORK}/tenant.json" -e superoffice_concurrency=8 | tee "${WORK}/parallel.out"
[[ "$(recap serial changed)" == 0 && "$(recap parallel changed)" == 0 ]]
[[ "$(requests)" == "${serial}" ]]
echo "concurrent_runs: an unchanged run of 100 connections with config: ${serial} requests, one at a time or eight at once"
