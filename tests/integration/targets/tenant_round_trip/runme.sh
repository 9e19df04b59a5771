#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Bringing an existing tenant under management, as README.md describes it: a tenant set up by hand (here: by the role,
# 50 mapped connections) is exported with the playbook superoffice.crm.export; the exported variables, with the vault stub
# filled in, applied with the role report no change; a second export leaves the files as they are. Then the tenant drifts
# (an admin edits a connection and a mapping): the export in --check --diff and the role in --check --diff both show the
# drift and write nothing; the role puts it back; the export matches again. Prints the export's requests and time.

set -eux
set -o pipefail

source ../setup_emulator/emulator.sh

WORK="${OUTPUT_DIR:-$(mktemp -d)}/tenant_round_trip"
rm -rf "${WORK}"
mkdir -p "${WORK}/export"
export ANSIBLE_NOCOLOR=1
INVENTORY="${INVENTORY_PATH:-localhost,}"

# admin METHOD PATH: the emulator's admin API (GET prints the answer).
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

# recap RUN FIELD: a number from the PLAY RECAP line of a run's output.
recap() {
    sed -n -E "s/^localhost +:.* ${2}=([0-9]+).*/\\1/p" "${WORK}/${1}.out" | tail -n 1
}

# play RUN PLAYBOOK [args...]: a playbook run, its output in ${WORK}/RUN.out.
play() {
    local run="$1"
    shift
    ansible-playbook -i "${INVENTORY}" "$@" 2>&1 | tee "${WORK}/${run}.out"
}

# 1. The hand-made tenant: 50 connections of the Visma.net connector, each with a secret, a mapped Customer actor type
#    and a list mapping, half of them active, the engine running. The fields are synchronized both ways: a CRM field that
#    another connection synchronizes cannot be mapped one way to SuperOffice (AlreadyMapped, emulator/README.md).
python3 - >"${WORK}/setup.json" <<'PYEOF'
import json

print(json.dumps({
    'erpsync_engine_state': 'running', 'erpsync_engine_interval': 'PT15M',
    'erpsync_connections': [{
        'name': 'Visma %02d' % n, 'connector': 'Visma.net', 'description': 'Subsidiary %02d' % n,
        'config': {'CompanyId': str(5000 + n), 'ClientId': 'sub-%02d' % n, 'ClientSecret': 'round-trip-secret-%02d' % n},
        'update_secrets': 'on_create', 'active': n % 2 == 0,
        'mappings': [{'actor_type': 'Customer', 'active': True, 'fields': [
            {'erp_field': 'Name', 'crm_field': 'contact.name', 'direction': 'both'},
            {'erp_field': 'Email', 'crm_field': 'contact.email', 'direction': 'both'},
            {'erp_field': 'CustomerClass', 'crm_field': 'contact.category', 'direction': 'both'},
            {'erp_field': 'OrgNumber', 'crm_field': 'contact.orgnr', 'direction': 'both', 'default': '000000000', 'prompt_user': True}]}],
        'list_mappings': [{'erp_field': 'CustomerClass', 'items': {'A': 'A customer', 'B': 'B customer'}}],
    } for n in range(1, 51)]}))
PYEOF
admin POST /_emulator/tenants/SuperOffice/reset
play setup apply.yml -e "@${WORK}/setup.json"
[[ "$(recap setup failed)" == 0 ]]

# 2. The export, as README.md shows it: from the directory the operator works in, to a relative directory that does not
#    exist yet (it is that directory's, not the installed collection's, and it is created). The variables file and the vault
#    stub, the requests and the time it took.
admin DELETE /_emulator/requests
mkdir -p "${WORK}/workdir"
start=$(date +%s.%N)
(cd "${WORK}/workdir" && ansible-playbook -i "${INVENTORY}" superoffice.crm.export -e erpsync_export_dir=host_vars/crm \
    -e erpsync_export_name=tenant 2>&1) | tee "${WORK}/export.out"
mv "${WORK}/workdir/host_vars/crm"/* "${WORK}/export/"
seconds=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "${start}" "$(date +%s.%N)")
requests=$(admin GET '/_emulator/requests?tenant=SuperOffice' | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
echo "tenant_round_trip: exported 50 connections with their mappings in ${requests} requests, ${seconds} s (ansible-playbook included)"
[[ "$(recap export changed)" == 3 && "$(recap export failed)" == 0 ]]  # the directory, the variables, the vault stub
test -s "${WORK}/export/tenant.yml"
# The vault stub: one placeholder per Password-type value (the 50 client secrets, and one in each of the two connections of
# the data file); no secret in either file.
[[ "$(grep -c ': CHANGE_ME$' "${WORK}/export/tenant.vault.yml")" == 52 ]]
if grep -F 'round-trip-secret' "${WORK}/export/tenant.yml" "${WORK}/export/tenant.vault.yml"; then
    echo "a secret was exported" >&2
    exit 1
fi
# Fill in the vault (any value: the secrets are written on create only, and all connections exist).
sed -i 's/: CHANGE_ME$/: filled-in-secret/' "${WORK}/export/tenant.vault.yml"

# 3. The exported variables applied with the role: nothing to change, nothing written. A second export: files unchanged.
admin DELETE /_emulator/requests
play reapply apply.yml -e "@${WORK}/export/tenant.yml" -e "@${WORK}/export/tenant.vault.yml"
[[ "$(recap reapply changed)" == 0 && "$(recap reapply failed)" == 0 ]]
python3 no_writes.py
play export_again superoffice.crm.export -e "erpsync_export_dir=${WORK}/export" -e erpsync_export_name=tenant
[[ "$(recap export_again changed)" == 0 ]]

# 4. Drift: an admin renames a description, unmaps a field, and maps a field the export does not list (the export is the
#    whole truth: every actor type with exclusive_fields, so the drift job sees it and the role removes it).
play drift drift.yml
admin DELETE /_emulator/requests
# The export in check mode shows it (and writes nothing); so does the role in check mode.
play export_check superoffice.crm.export -e "erpsync_export_dir=${WORK}/export" -e erpsync_export_name=tenant --check --diff
[[ "$(recap export_check changed)" == 1 ]]
grep -q -- '-    description: "Subsidiary 07"' "${WORK}/export_check.out"
grep -q -- 'description: "Edited by hand"' "${WORK}/export_check.out"
play role_check apply.yml -e "@${WORK}/export/tenant.yml" -e "@${WORK}/export/tenant.vault.yml" --check --diff
[[ "$(recap role_check changed)" == 1 ]]
grep -q 'Edited by hand' "${WORK}/role_check.out"
grep -q -- '-                "Phone": {' "${WORK}/role_check.out"  # the field mapped by hand goes
grep -q '"Visma 09: Supplier"' "${WORK}/role_check.out"  # and so does the actor type mapped by hand
python3 no_writes.py
# The role puts the tenant back; the export matches the files again.
play restore apply.yml -e "@${WORK}/export/tenant.yml" -e "@${WORK}/export/tenant.vault.yml"
[[ "$(recap restore changed)" == 1 ]]
# (the export matching the files again shows the hand-made mappings are gone: the files do not list them)
play export_final superoffice.crm.export -e "erpsync_export_dir=${WORK}/export" -e erpsync_export_name=tenant
[[ "$(recap export_final changed)" == 0 ]]
