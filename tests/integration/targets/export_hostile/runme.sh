#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A hostile tenant (emulator/data/hostile.json: Jinja in every string a tenant holds, YAML specials and path separators in
# names, secret names whose vault placeholders would collide, secrets stored in clear under odd field metadata, a connector
# URL with credentials, two hand-made connections with one name) is exported with the playbook superoffice.crm.export and
# the export is applied with the role, as README.md describes bringing a tenant under management:
#   - no tenant value ever runs as a template: the Jinja in the data touches a file under $SUPEROFFICE_MARKER_DIR, which
#     must stay empty (export, --check, real runs, and erpsync_tenant_info's role_vars passed on);
#   - every vault placeholder stands for one secret, none is a name the documentation gives another variable;
#   - the vault stub applied as written (placeholders unfilled) is refused before any request, naming the variables;
#   - two connections made by hand with one name are applied by their ids, or refused naming both;
#   - the export applied after an admin's drift: --check writes nothing, the real run puts back every value verbatim; a
#     rerun changes nothing; the connections deleted and re-created from the export come back verbatim, secrets included;
#   - no secret the tenant stores in clear (HOSTILE-SECRET-*, HOSTILE-URL-*) is in an output or in the 0644 export.
# Every check runs, and the failed ones are listed at the end.

set -eu
set -o pipefail

export SUPEROFFICE_EMULATOR_DATA_FILE=emulator/data/hostile.json
export SUPEROFFICE_TENANT=Hostile
# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh

WORK="${OUTPUT_DIR:-$(mktemp -d)}/export_hostile"
rm -rf "${WORK}"
mkdir -p "${WORK}/export" "${WORK}/markers"
export SUPEROFFICE_MARKER_DIR="${WORK}/markers"
export ANSIBLE_NOCOLOR=1
INVENTORY="${INVENTORY_PATH:-localhost,}"
FAILED=()
started=$(date +%s)

# play RUN PLAYBOOK [args...]: a playbook run, its output in ${WORK}/RUN.out; its exit code in ${WORK}/RUN.rc.
play() {
    local run="$1" rc=0
    shift
    echo "== ${run}: ansible-playbook $*"
    ansible-playbook -i "${INVENTORY}" "$@" >"${WORK}/${run}.out" 2>&1 || rc=$?
    echo "${rc}" >"${WORK}/${run}.rc"
    tail -n 4 "${WORK}/${run}.out"
}

# check NAME COMMAND...: run a check; a failure is recorded and the next check runs.
check() {
    local name="$1"
    shift
    if "$@"; then
        echo "ok: ${name}"
    else
        echo "FAILED: ${name}" >&2
        FAILED+=("${name}")
    fi
}

rc_is() { [[ "$(cat "${WORK}/$1.rc")" == "$2" ]]; }
rc_not() { [[ "$(cat "${WORK}/$1.rc")" != "$2" ]]; }
recap() { sed -n -E "s/^localhost +:.* ${2}=([0-9]+).*/\\1/p" "${WORK}/${1}.out" | tail -n 1; }
changed_is() { rc_is "$1" 0 && [[ "$(recap "$1" changed)" == "$2" ]]; }
twins_handled() { rc_is twins 0 || python3 hostile.py names-twins "${WORK}/twins.out"; }
no_markers() { python3 hostile.py markers "${SUPEROFFICE_MARKER_DIR}"; }
names_all() {
    # The failed run's output names every variable of the vault stub (and the stub has some).
    local run="$1" name missing=0 count=0
    while read -r name; do
        count=$((count + 1))
        grep -q -F -- "${name}" "${WORK}/${run}.out" || { echo "not named: ${name}" >&2; missing=1; }
    done < <(python3 hostile.py stub-names "${WORK}/export/tenant.vault.yml")
    ((count > 0)) && return "${missing}"
}
admin_clear() { python3 hostile.py clear-requests; }
EXPORT=(-e "erpsync_export_dir=${WORK}/export" -e erpsync_export_name=tenant)
APPLY=(apply.yml -e "@${WORK}/export/tenant.yml" -e "@${WORK}/filled.vault.yml")

# 1. The tenant as an admin left it: mappings, a default and a list item with Jinja (through the WebAPI, not the collection).
python3 hostile.py setup

# 2. The export, and the two connections an admin made with one name: applying the export either keeps them apart by their
#    ids or is refused with a message that names both (the issue leaves the choice open). The admin then deletes one.
play export superoffice.crm.export -e "erpsync_export_dir=${WORK}/export" -e erpsync_export_name=twins
check "export: no tenant value ran as a template" no_markers
check "export: succeeded" rc_is export 0
check "export: no secret stored in clear is in the 0644 export or the output" \
    python3 hostile.py absent "${WORK}/export/twins.yml" "${WORK}/export/twins.vault.yml" "${WORK}/export.out"
# (Its vault filled with the tenant's values; the placeholders are checked on the export below.)
python3 hostile.py placeholders "${WORK}/export/twins.yml" "${WORK}/export/twins.vault.yml" "${SUPEROFFICE_COLLECTION_ROOT}" \
    "${WORK}/twins.filled.yml" >/dev/null 2>&1 || true
admin_clear
play twins apply.yml -e "@${WORK}/export/twins.yml" -e "@${WORK}/twins.filled.yml" --check
check "twins: no tenant value ran as a template" no_markers
check "twins: applied by their ids, or refused naming both (20, 21)" twins_handled
check "twins: no write" python3 hostile.py requests --no-writes
python3 hostile.py delete-twin
python3 hostile.py snapshot "${WORK}/original.json"
python3 hostile.py snapshot "${WORK}/original-by-name.json" --by-name

# The export of the tenant as the admin resolved it: the one the other steps apply.
play export_resolved superoffice.crm.export "${EXPORT[@]}"
check "export (resolved): no tenant value ran as a template" no_markers
check "export (resolved): succeeded" rc_is export_resolved 0
if ! test -s "${WORK}/export/tenant.yml"; then
    printf 'export_hostile: no export to apply; failed: %s\n' "${FAILED[*]}" >&2
    exit 1
fi
check "export (resolved): no secret stored in clear is in the 0644 export or the output" \
    python3 hostile.py absent "${WORK}/export/tenant.yml" "${WORK}/export/tenant.vault.yml" "${WORK}/export_resolved.out"
check "export (resolved): each vault placeholder stands for one secret and is no documented variable" \
    python3 hostile.py placeholders "${WORK}/export/tenant.yml" "${WORK}/export/tenant.vault.yml" "${SUPEROFFICE_COLLECTION_ROOT}" \
    "${WORK}/filled.vault.yml"

# 3. The vault stub as the export wrote it (nothing filled in): refused before any request, naming the variables.
admin_clear
play unfilled apply.yml -e "@${WORK}/export/tenant.yml" -e "@${WORK}/export/tenant.vault.yml"
check "unfilled vault stub: no tenant value ran as a template" no_markers
check "unfilled vault stub: refused" rc_not unfilled 0
check "unfilled vault stub: no request was made" python3 hostile.py requests --none
check "unfilled vault stub: the message names every placeholder variable" names_all unfilled

# 4. An admin drifts the tenant; the export in --check --diff shows it and writes nothing.
python3 hostile.py drift
admin_clear
play check "${APPLY[@]}" --check --diff
check "--check: no tenant value ran as a template" no_markers
check "--check: succeeded and predicts a change" changed_is check 1
check "--check: no write" python3 hostile.py requests --no-writes
check "--check: no secret stored in clear in the output" python3 hostile.py absent "${WORK}/check.out"

# 5. erpsync_tenant_info's role_vars passed on to the role (--check): never templated, its placeholders are refused.
admin_clear
play pass_on pass_on.yml --check --diff
check "role_vars passed on: no tenant value ran as a template" no_markers
check "role_vars passed on: no write" python3 hostile.py requests --no-writes
check "role_vars passed on: no secret stored in clear in the output" python3 hostile.py absent "${WORK}/pass_on.out"
check "role_vars passed on: refused, naming the placeholders never templated" \
    grep -q 'a vault placeholder of the export that was never templated' "${WORK}/pass_on.out"

# 6. The real run puts every value back verbatim; a rerun changes nothing.
play apply "${APPLY[@]}" --diff
check "apply: no tenant value ran as a template" no_markers
check "apply: succeeded" rc_is apply 0
check "apply: every value is back verbatim" python3 hostile.py compare "${WORK}/original.json"
check "apply: no secret stored in clear in the output" python3 hostile.py absent "${WORK}/apply.out"
admin_clear
play rerun "${APPLY[@]}"
check "rerun: no tenant value ran as a template" no_markers
check "rerun: succeeded, nothing changed" changed_is rerun 0
check "rerun: no write" python3 hostile.py requests --no-writes

# 7. The connections deleted (but the twin and those of the odd-metadata connectors) and re-created from the export:
#    names, config, mappings and secrets verbatim, each secret at its own connection.
python3 hostile.py delete
play recreate "${APPLY[@]}"
check "re-create: no tenant value ran as a template" no_markers
check "re-create: succeeded" rc_is recreate 0
check "re-create: every value verbatim, each secret at its own connection" python3 hostile.py compare "${WORK}/original-by-name.json" --by-name
check "re-create: no secret stored in clear in the output" python3 hostile.py absent "${WORK}/recreate.out"

echo "export_hostile: $(($(date +%s) - started)) s"
if ((${#FAILED[@]})); then
    printf 'export_hostile: %d checks failed:\n' "${#FAILED[@]}" >&2
    printf '  - %s\n' "${FAILED[@]}" >&2
    exit 1
fi
