#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The superoffice.crm.erpsync role against the emulator's on-site tenant SuperOffice (and the Online
# tenant Cust12345 for the connection variables). Each converge.yml run is followed by verify.yml,
# which asserts on the emulator's request log and state dump and on the module runs that the
# erpsync_record callback (callback_plugins/) wrote to ${WORK}/<run>.jsonl.

set -eux
set -o pipefail

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh

INVENTORY="${INVENTORY_PATH:-localhost,}"
WORK="${OUTPUT_DIR:-$(mktemp -d)}/role_erpsync"
rm -rf "${WORK}"
mkdir -p "${WORK}"
export ANSIBLE_CALLBACK_PLUGINS="${PWD}/callback_plugins"
export ANSIBLE_CALLBACKS_ENABLED=erpsync_record
export ANSIBLE_NOCOLOR=1
# The callback records each module's arguments from invocation.module_args, which ansible-core 2.21 adds only when asked.
export ANSIBLE_INJECT_INVOCATION=1

# admin METHOD PATH [JSON]: call the emulator's admin API.
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

# fresh_tenants: both tenants back to the data file, a short batch delay, an empty request log.
fresh_tenants() {
    local tenant
    for tenant in SuperOffice Cust12345; do
        admin POST "/_emulator/tenants/${tenant}/reset"
        admin PUT "/_emulator/tenants/${tenant}/engine" '{"delay": 0.2}'
    done
    clear_log
}

clear_log() {
    admin DELETE /_emulator/requests
}

# untouched RUN: the run ran no module and the emulator received no request at all.
untouched() {
    [[ ! -s "${WORK}/$1.jsonl" ]]
    [[ "$(admin GET /_emulator/requests)" == "[]" ]]
}

# converge RUN [ansible-playbook args...]: converge.yml; output in ${WORK}/RUN.out, module runs in ${WORK}/RUN.jsonl.
converge() {
    local run="$1"
    shift
    export ERPSYNC_RECORD_FILE="${WORK}/${run}.jsonl"
    : >"${ERPSYNC_RECORD_FILE}"
    ansible-playbook -i "${INVENTORY}" converge.yml "$@" 2>&1 | tee "${WORK}/${run}.out"
}

# converge_fails RUN [args...]: like converge, but the run must fail.
converge_fails() {
    if converge "$@"; then
        echo "converge run '$1' was expected to fail" >&2
        return 1
    fi
}

# verify PHASE RUN [args...]: verify/PHASE.yml on the records of RUN.
verify() {
    local phase="$1" run="$2"
    shift 2
    ansible-playbook -i "${INVENTORY}" verify.yml -e "phase=${phase}" -e "run=${run}" -e "work_dir=${WORK}" "$@"
}

# recap RUN FIELD: a number from the PLAY RECAP line of a run.
recap() {
    sed -n -E "s/^localhost +:.* ${2}=([0-9]+).*/\\1/p" "${WORK}/${1}.out" | tail -n 1
}

# in_output RUN TEXT: the run's output contains TEXT.
in_output() {
    grep -F -q -- "$2" "${WORK}/$1.out"
}

# 1. --check --diff first: predicts every change, writes nothing.
fresh_tenants
converge check --check --diff
[[ "$(recap check changed)" == 1 && "$(recap check failed)" == 0 ]]
in_output check 'SAP B1 Bergen'
verify check check

# 2. The real run, then 3. a rerun that changes nothing and only reads.
clear_log
converge apply --diff
[[ "$(recap apply changed)" == 1 && "$(recap apply failed)" == 0 ]]
verify apply apply
clear_log
converge rerun
[[ "$(recap rerun changed)" == 0 && "$(recap rerun failed)" == 0 ]]
verify rerun rerun

# 4. A Password-type config value: written once (update_secrets: on_create), never shown, even with -vvv --diff.
SECRET="erpsync-secret-$RANDOM$RANDOM"
fresh_tenants
converge secrets_apply -vvv --diff -e definition=secrets -e "erpsync_test_secret=${SECRET}"
[[ "$(recap secrets_apply changed)" == 1 ]]
clear_log
converge secrets_rerun -vvv --diff -e definition=secrets -e "erpsync_test_secret=${SECRET}"
[[ "$(recap secrets_rerun changed)" == 0 ]]
verify secrets secrets_rerun -e "erpsync_test_secret=${SECRET}"
if grep -F -l -- "${SECRET}" "${WORK}"/secrets_*; then
    echo "the Password-type config value appears in the output above" >&2
    exit 1
fi

# 5. Exclusive mode: the unlisted active connection is deactivated, never deleted; a rerun is unchanged.
fresh_tenants
converge exclusive -e definition=exclusive
verify exclusive exclusive
converge exclusive_rerun -e definition=exclusive
[[ "$(recap exclusive_rerun changed)" == 0 ]]

# 6. A refused activation fails the run, naming the item and the reason, after the other items were applied.
fresh_tenants
admin PUT /_emulator/tenants/SuperOffice/toggle_failures '{"2": ["No field mappings are defined for actor type Company."]}'
converge_fails refused -e definition=refused
in_output refused "connections[0] ('Visma.net pilot')"
in_output refused 'No field mappings are defined for actor type Company'
verify refused refused

# 7. Invalid items fail before any request: a misspelt option (meta/argument_specs.yml) ...
fresh_tenants
converge_fails typo -e '{"erpsync_connections": [{"name": "SAP B1 Oslo", "active": true}, {"name": "SAP B1 Bergen", "actve": true}]}'
in_output typo 'actve'
in_output typo 'erpsync_connections'
untouched typo
# ... a wrong type ...
converge_fails wrong_type -e '{"erpsync_connections": [{"name": "SAP B1 Oslo", "user_group_ids": ["staff"]}]}'
in_output wrong_type 'user_group_ids'
untouched wrong_type
# ... and an item with neither name nor id (the module names the item before its first request).
converge_fails no_identity -e '{"erpsync_connections": [{"name": "SAP B1 Oslo"}, {"description": "nameless"}]}'
in_output no_identity 'connections[1]: one of the following is required: id, name. Nothing was changed'
[[ "$(admin GET /_emulator/requests)" == "[]" ]]

# 8. Connection variables reach the module. pass_through.py compares the role with the modules' documented
#    options (every option has its variable and is passed); the runs below check, from the module arguments
#    recorded by the callback and from the request log, that the values really arrive.
python3 pass_through.py "${SUPEROFFICE_COLLECTION_ROOT}/roles/erpsync"
read -r TICKET ACCESS_TOKEN APP_TOKEN < <(python3 - "${SUPEROFFICE_EMULATOR_DATA}" <<'PYEOF'
import json
import sys

with open(sys.argv[1]) as handle:
    creds = json.load(handle)['tenants']['Cust12345']['credentials']
print(creds['tickets'][0], creds['access_tokens'][0], creds['app_tokens'][0])
PYEOF
)
MASKED=VALUE_SPECIFIED_IN_NO_LOG_PARAMETER
EMULATOR="${SUPEROFFICE_EMULATOR_URL}"
COMMON_ARGS='"validate_certs": false, "ca_path": "/etc/ssl/certs/erpsync-pass-through-ca.pem", "timeout": 12.5, "retries": 0, "retry_max_wait": 2.5'
REST_PATH='^/Cust12345/api/v1/Agents/ErpSync/'
# A ticket and an app token, the URL given with /api/v1 (vars/passthrough.yml), on the Online tenant.
fresh_tenants
converge passthrough -e definition=passthrough -e "superoffice_ticket=${TICKET}" -e "superoffice_app_token=${APP_TOKEN}"
verify passthrough passthrough -e tenant=Cust12345 -e expected_scheme=SOTicket -e "expected_path=${REST_PATH}" -e "{\"expected_args\": {
    \"url\": \"${EMULATOR}/Cust12345/api/v1\", \"ticket\": \"${MASKED}\", \"app_token\": \"${MASKED}\", \"password\": null,
    \"access_token\": null, ${COMMON_ARGS}}}"
verify engine_options passthrough -e tenant=Cust12345
# An access token, the tenant found by context_identifier in the environment at environment_url (no URL at all).
clear_log
(
    unset SUPEROFFICE_URL
    converge passthrough_discovery -e definition=passthrough -e superoffice_url= \
        -e superoffice_context_identifier=Cust12345 -e superoffice_environment=stage -e "superoffice_environment_url=${EMULATOR}" \
        -e "superoffice_access_token=${ACCESS_TOKEN}" -e "superoffice_app_token=${APP_TOKEN}"
)
verify passthrough passthrough_discovery -e tenant=Cust12345 -e expected_scheme=Bearer -e "expected_path=${REST_PATH}" -e "{\"expected_args\": {
    \"url\": null, \"context_identifier\": \"Cust12345\", \"environment\": \"stage\", \"environment_url\": \"${EMULATOR}\",
    \"access_token\": \"${MASKED}\", \"app_token\": \"${MASKED}\", \"ticket\": null, ${COMMON_ARGS}}}"
# The SOAP services of the on-site tenant: the same tenant definition as steps 1 and 2, the same result.
fresh_tenants
converge soap -e superoffice_api=soap -e superoffice_services_version=Services88 -e superoffice_soap_version=1.1
verify apply soap
verify passthrough soap -e expected_scheme=SOTicket -e 'expected_path=^/SuperOffice/Remote/Services88/ErpSync[.]svc$' \
    -e '{"expected_args": {"api": "soap", "services_version": "Services88", "soap_version": "1.1"}}'
# A system user token and a private key (not a usable key: the run fails, without showing either).
fresh_tenants
converge_fails system_user -e definition=passthrough -e superoffice_system_user_token=erpsync-system-user-token \
    -e superoffice_private_key=erpsync-not-a-private-key -e "superoffice_app_token=${APP_TOKEN}"
verify passthrough system_user -e tenant=Cust12345 -e expected_failed=true -e "{\"expected_args\": {
    \"system_user_token\": \"${MASKED}\", \"private_key\": \"${MASKED}\", \"app_token\": \"${MASKED}\", ${COMMON_ARGS}}}"
if grep -F -e erpsync-system-user-token -e erpsync-not-a-private-key "${WORK}"/system_user.*; then
    echo "a system user secret appears in the output above" >&2
    exit 1
fi
# Play-level module_defaults reach the role's module (the environment points to another tenant), role variables win.
: >"${WORK}/module_defaults.jsonl"
fresh_tenants
ANSIBLE_CALLBACKS_ENABLED=erpsync_record ERPSYNC_RECORD_FILE="${WORK}/module_defaults.jsonl" \
    ansible-playbook -i "${INVENTORY}" module_defaults.yml -e "defaults_ticket=${TICKET}" -e "defaults_app_token=${APP_TOKEN}" \
    2>&1 | tee "${WORK}/module_defaults.out"
verify passthrough module_defaults -e tenant=Cust12345 -e expected_scheme=SOTicket -e "expected_path=${REST_PATH}" -e "{\"expected_args\": {
    \"url\": \"${EMULATOR}/Cust12345\", \"ticket\": \"${MASKED}\", \"app_token\": \"${MASKED}\", \"timeout\": 12.5, \"retries\": 5}}"
# A misspelt role variable is warned about, naming it; the run goes on.
fresh_tenants
converge misspelt -e erpsync_engine_intervall=PT5M -e superoffice_retrys=2
in_output misspelt 'The variable erpsync_engine_intervall is not one the role superoffice.crm.erpsync takes'
in_output misspelt 'The variable superoffice_retrys is not one the role superoffice.crm.erpsync takes'
[[ "$(recap misspelt failed)" == 0 ]]
# superoffice_password wins over SUPEROFFICE_PASSWORD: a wrong one fails with 401 ...
fresh_tenants
converge_fails wrong_password -e superoffice_password=not-the-password
in_output wrong_password '401'
# ... and superoffice_timeout and superoffice_retries=0 are used: a 2 s answer fails at once ...
fresh_tenants
admin POST /_emulator/tenants/SuperOffice/faults '{"method": "GetAllConnections", "kind": "delay", "seconds": 2, "count": 1}'
converge_fails timeout -e superoffice_timeout=0.5 -e superoffice_retries=0
# ... while the default retries ride over the same slow answer.
fresh_tenants
admin POST /_emulator/tenants/SuperOffice/faults '{"method": "GetAllConnections", "kind": "delay", "seconds": 2, "count": 1}'
converge timeout_retried -e superoffice_timeout=0.5
admin DELETE /_emulator/tenants/SuperOffice/faults

# 9. A fixed number of module runs whatever the number of connections: 3 and 30 give the same recap.
for count in 3 30; do
    python3 - "${count}" >"${WORK}/connections-${count}.json" <<'PYEOF'
import json
import sys

count = int(sys.argv[1])
print(json.dumps({'erpsync_connections': [
    {'name': 'Bulk %02d' % i, 'connector': '1', 'description': 'generated', 'active': i % 2 == 0,
     'config': {'ServiceLayerUrl': 'https://sapb1-%02d.example.com/b1s/v1' % i, 'CompanyDb': 'SBO_%02d' % i, 'UserName': 'sosync',
                'Password': 'bulk-password-%02d' % i}} for i in range(count)]}))
PYEOF
    fresh_tenants
    converge "count${count}" -e "@${WORK}/connections-${count}.json"
    verify count "count${count}" -e "expected_total=${count}"
done
for field in ok changed skipped failed; do
    [[ "$(recap count3 "${field}")" == "$(recap count30 "${field}")" ]]
done
