#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every YAML snippet of README.md works as written (snippets.py extracts them): the quick start play (run twice: the
# second run changes nothing), the whole-tenant role play, the sync-on-demand and health tasks, the requirements file
# (its version range admits this collection) and the Online module_defaults fragment (its options are the modules').
# Only the example tenant's address and user are replaced by the emulator's, and the vault variables are given.

set -eux
set -o pipefail

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh

WORK="${OUTPUT_DIR:-$(mktemp -d)}/readme_snippets"
rm -rf "${WORK}"
mkdir -p "${WORK}"
export ANSIBLE_NOCOLOR=1
INVENTORY="${INVENTORY_PATH:-localhost,}"
README="${SUPEROFFICE_COLLECTION_ROOT}/README.md"
# The README's plays take their connection from module_defaults, not from the environment.
unset SUPEROFFICE_URL SUPEROFFICE_USERNAME SUPEROFFICE_PASSWORD
VAULT=(-e vault_superoffice_password=Demo-Passw0rd! -e vault_visma_client_secret=visma-client-secret
    -e vault_fortnox_token=fortnox-token)

python3 snippets.py "${README}" "${WORK}" "${SUPEROFFICE_EMULATOR_URL}/SuperOffice" >"${WORK}/snippets.json"
python3 - "${WORK}/snippets.json" >"${WORK}/order.txt" <<'PYEOF'
import json
import sys

for snippet in json.load(open(sys.argv[1])):
    print(snippet['kind'], snippet['path'])
PYEOF
cat "${WORK}/order.txt"

run() {
    local name="$1"
    shift
    ansible-playbook -i "${INVENTORY}" "$@" "${VAULT[@]}" 2>&1 | tee "${WORK}/${name}.out"
}

recap() {
    sed -n -E "s/^localhost +:.* ${2}=([0-9]+).*/\\1/p" "${WORK}/${1}.out" | tail -n 1
}

plays=0
while read -r kind path; do
    name="$(basename "${path}" .yml)"
    case "${kind}" in
        play)
            run "${name}" "${path}" --check --diff
            run "${name}_apply" "${path}" --diff
            run "${name}_again" "${path}"
            [[ "$(recap "${name}_again" changed)" == 0 && "$(recap "${name}_again" failed)" == 0 ]]
            plays=$((plays + 1))
            ;;
        tasks)
            # The tasks take the connection from the environment. The health check asserts that every active connection
            # synchronized lately: a sync runs first.
            export SUPEROFFICE_URL="${SUPEROFFICE_EMULATOR_URL}/SuperOffice" SUPEROFFICE_USERNAME=ERPAdmin
            export SUPEROFFICE_PASSWORD=Demo-Passw0rd!
            run "${name}_sync" sync.yml
            run "${name}" "${path}"
            unset SUPEROFFICE_URL SUPEROFFICE_USERNAME SUPEROFFICE_PASSWORD
            [[ "$(recap "${name}" failed)" == 0 ]]
            ;;
        requirements)
            python3 - "${path}" "${SUPEROFFICE_COLLECTION_ROOT}/galaxy.yml" <<'PYEOF'
import sys

import yaml

wanted = yaml.safe_load(open(sys.argv[1]))['collections'][0]
version = yaml.safe_load(open(sys.argv[2]))['version']
assert wanted['name'] == 'superoffice.crm', wanted
low = wanted['version'].lstrip('>=').strip()
assert tuple(map(int, low.split('.'))) <= tuple(map(int, version.split('.'))), (wanted, version)
print('readme_snippets: the requirements file admits superoffice.crm %s' % version)
PYEOF
            ;;
        fragment)
            ansible-doc -j superoffice.crm.erpsync_engine >"${WORK}/doc.json"
            python3 - "${path}" "${WORK}/doc.json" <<'PYEOF'
import json
import sys

import yaml

options = yaml.safe_load(open(sys.argv[1]))['module_defaults']['group/superoffice.crm.webapi']
doc = json.load(open(sys.argv[2]))['superoffice.crm.erpsync_engine']['doc']['options']
unknown = sorted(set(options) - set(doc))
assert not unknown, 'options the modules do not take: %s' % unknown
print('readme_snippets: the module_defaults fragment uses the options %s' % ', '.join(sorted(options)))
PYEOF
            ;;
    esac
done <"${WORK}/order.txt"
[[ "${plays}" -ge 2 ]]
