#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The demo: starts the SuperOffice WebAPI emulator with emulator/data/demo.json
# and runs playbooks/demo.yml against its on-site tenant.

set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bash scripts/demo.sh [--help] [ansible-playbook options...]

Creates (or re-uses) the ansible-core 2.19 virtualenv .tmp/venv/core-2.19,
starts the SuperOffice WebAPI emulator with emulator/data/demo.json on a free
port, and runs playbooks/demo.yml (tests/installed/smoke.yml while
playbooks/demo.yml does not exist) with:
  SUPEROFFICE_URL=http://127.0.0.1:PORT/SuperOffice   (on-site tenant)
  SUPEROFFICE_USERNAME / SUPEROFFICE_PASSWORD         (from the data file)
  SUPEROFFICE_EMULATOR_URL=http://127.0.0.1:PORT      (admin API: /_emulator/...)
Extra arguments go to ansible-playbook (e.g. -v, --check, --diff).
The emulator is stopped when the script exits.

Environment: SUPEROFFICE_DEMO_DATA=FILE to use another data file.
EOF
}

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
    usage
    exit 0
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORE="2.19"
DATA="${SUPEROFFICE_DEMO_DATA:-${ROOT}/emulator/data/demo.json}"

# shellcheck source=scripts/lib/emulator.sh
source "${ROOT}/scripts/lib/emulator.sh"
export SUPEROFFICE_EMULATOR_NO_TRAP=1
trap emulator_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=scripts/lib/venv.sh
source "${ROOT}/scripts/lib/venv.sh"
VENV="$(core_venv "${CORE}")"
export PATH="${VENV}/bin:${PATH}"

# The playbook uses the collection of this checkout: expose it as
# ansible_collections/superoffice/crm through a symlink under .tmp/.
mkdir -p "${ROOT}/.tmp/demo-collections/ansible_collections/superoffice"
ln -sfn "${ROOT}" "${ROOT}/.tmp/demo-collections/ansible_collections/superoffice/crm"
export ANSIBLE_COLLECTIONS_PATH="${ROOT}/.tmp/demo-collections"

PLAYBOOK="${ROOT}/playbooks/demo.yml"
if [[ ! -f "${PLAYBOOK}" ]]; then
    echo "demo.sh: playbooks/demo.yml does not exist yet: running tests/installed/smoke.yml instead"
    PLAYBOOK="${ROOT}/tests/installed/smoke.yml"
    export SUPEROFFICE_INSTALLED_COLLECTION="${ROOT}/.tmp/demo-collections/ansible_collections/superoffice/crm"
fi

emulator_start "${DATA}"
emulator_export_tenant SuperOffice

echo
echo "SuperOffice WebAPI emulator: ${SUPEROFFICE_EMULATOR_URL}"
echo "  SUPEROFFICE_URL=${SUPEROFFICE_URL}"
echo "  SUPEROFFICE_USERNAME=${SUPEROFFICE_USERNAME}"
echo "  request log: ${SUPEROFFICE_EMULATOR_URL}/_emulator/requests"
echo

ansible-playbook -i localhost, -c local -e "ansible_python_interpreter=${VENV}/bin/python" "${PLAYBOOK}" "$@"
