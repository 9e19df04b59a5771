#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by integration targets' runme.sh:
#
#   source ../setup_emulator/emulator.sh
#
# Starts the SuperOffice WebAPI emulator for the duration of the runme.sh
# (stopped by an EXIT trap) and exports
#   SUPEROFFICE_EMULATOR_URL  http://127.0.0.1:PORT (admin API: /_emulator/...)
#   SUPEROFFICE_URL           http://127.0.0.1:PORT/<tenant>
#   SUPEROFFICE_USERNAME, SUPEROFFICE_PASSWORD  credentials of that tenant
# Optional, set before sourcing:
#   SUPEROFFICE_EMULATOR_DATA_FILE  data file (absolute, or relative to the
#                                   collection root; default emulator/data/demo.json)
#   SUPEROFFICE_TENANT              tenant key (default SuperOffice, on-site)
#
# ansible-test runs each target from a temporary copy that contains only the
# target and its needs/target/ dependencies (under tests/output/.tmp/integration/),
# so neither scripts/ nor emulator/ are reachable by a relative path. The
# collection root is found by walking up from this file to the directory
# ending in ansible_collections/superoffice/crm (tests/output lives inside it),
# falling back to $ANSIBLE_COLLECTIONS_PATH (which ansible-test sets).

_setup_emulator_restore_x=0
if [[ $- == *x* ]]; then
    _setup_emulator_restore_x=1
    set +x
fi

_setup_emulator_find_root() {
    local dir candidate entry
    dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    while [[ "${dir}" != "/" && -n "${dir}" ]]; do
        if [[ "${dir}" == */ansible_collections/superoffice/crm && -d "${dir}/emulator" && -f "${dir}/scripts/lib/emulator.sh" ]]; then
            printf '%s\n' "${dir}"
            return 0
        fi
        dir="$(dirname "${dir}")"
    done
    local IFS=:
    for entry in ${ANSIBLE_COLLECTIONS_PATH:-} ${ANSIBLE_COLLECTIONS_PATHS:-}; do
        candidate="${entry}/ansible_collections/superoffice/crm"
        if [[ -d "${candidate}/emulator" && -f "${candidate}/scripts/lib/emulator.sh" ]]; then
            printf '%s\n' "${candidate}"
            return 0
        fi
    done
    return 1
}

if [[ -z "${SUPEROFFICE_COLLECTION_ROOT:-}" ]]; then
    if ! SUPEROFFICE_COLLECTION_ROOT="$(_setup_emulator_find_root)"; then
        echo "setup_emulator: cannot find the collection root (ansible_collections/superoffice/crm with emulator/ and scripts/lib/emulator.sh)" >&2
        exit 1
    fi
fi
export SUPEROFFICE_COLLECTION_ROOT

# shellcheck source=../../../../scripts/lib/emulator.sh
source "${SUPEROFFICE_COLLECTION_ROOT}/scripts/lib/emulator.sh"

_setup_emulator_data="${SUPEROFFICE_EMULATOR_DATA_FILE:-emulator/data/demo.json}"
if [[ "${_setup_emulator_data}" != /* ]]; then
    _setup_emulator_data="${SUPEROFFICE_COLLECTION_ROOT}/${_setup_emulator_data}"
fi

emulator_start "${_setup_emulator_data}" || exit 1
# Stop it when runme.sh exits, without tracing the helper under set -x.
trap '{ set +x; } 2>/dev/null; emulator_stop' EXIT
emulator_export_tenant "${SUPEROFFICE_TENANT:-SuperOffice}" || exit 1
echo "setup_emulator: SUPEROFFICE_URL=${SUPEROFFICE_URL} (user ${SUPEROFFICE_USERNAME})" >&2

if [[ "${_setup_emulator_restore_x}" == 1 ]]; then
    set -x
fi
