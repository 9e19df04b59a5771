#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh

ansible-playbook -i "${INVENTORY_PATH:-localhost,}" --diff playbook.yml "$@"

# Secrets: a verbose run (-vvv shows every result with its echoed module arguments) of tasks that pass
# Password-type config values, including failing ones; its whole output must not contain any of them.
output="$(mktemp)"
trap '{ set +x; } 2>/dev/null; rm -f "${output}"; emulator_stop' EXIT
ansible-playbook -i "${INVENTORY_PATH:-localhost,}" --diff -vvv secrets.yml > "${output}" 2>&1 || {
    cat "${output}"
    echo "secrets.yml failed" >&2
    exit 1
}
set +x
leaked=0
while IFS= read -r secret; do
    if [[ -n "${secret}" ]] && grep -qF -- "${secret}" "${output}"; then
        echo "secret value found in the -vvv output of secrets.yml: ${secret:0:4}..." >&2
        leaked=1
    fi
done < secrets.txt
set -x
if [[ "${leaked}" != 0 ]]; then
    exit 1
fi
grep -q 'ok=' "${output}"
