#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

set -eux

# A tenant whose server returns Password-type config values in clear: the module must mask them itself.
SUPEROFFICE_EMULATOR_DATA_FILE="$(pwd)/data.json"
export SUPEROFFICE_EMULATOR_DATA_FILE
# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh

output="$(mktemp)"
trap '{ set +x; } 2>/dev/null; rm -f "${output}"; emulator_stop' EXIT
ansible-playbook -i "${INVENTORY_PATH:-localhost,}" -vvv playbook.yml "$@" > "${output}" 2>&1 || {
    cat "${output}"
    exit 1
}
cat "${output}"
# The stored secrets, readable through the API, must never reach the output.
if grep -q 'Info-Test-Readable-Secret' "${output}"; then
    echo "a stored secret was shown in the output" >&2
    exit 1
fi
