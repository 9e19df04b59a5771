#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The demo: starts the SuperOffice WebAPI emulator with emulator/data/demo.json and runs playbooks/demo.yml
# against its on-site tenant twice: the first run configures it, the second must change nothing.

set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bash scripts/demo.sh [--help] [ansible-playbook options...]

Creates (or re-uses) the virtualenv of the newest ansible-core line
(.tmp/venv/core-2.21, Python 3.13), starts the SuperOffice WebAPI emulator with
emulator/data/demo.json on a free port, and runs playbooks/demo.yml twice with:
  SUPEROFFICE_URL=http://127.0.0.1:PORT/Nordic       (the empty on-site tenant)
  SUPEROFFICE_USERNAME / SUPEROFFICE_PASSWORD         (from the data file)
  SUPEROFFICE_EMULATOR_URL=http://127.0.0.1:PORT      (admin API: /_emulator/...)
The first run (with --diff) brings the tenant from its start state to the
desired one; the second run must report changed=0, or the script fails.
With --check, a run with --check --diff comes first: it shows what the real
run will do and writes nothing (the script fails if the emulator received a
write, or if the real run's PLAY RECAP reports other changes than predicted).
Other extra arguments go to every ansible-playbook run (e.g. -v).
The emulator is stopped when the script exits.

Environment: SUPEROFFICE_DEMO_DATA=FILE to use another data file;
SUPEROFFICE_DEMO_CORE=2.19 (or 2.20) to run it on another tested ansible-core line.
EOF
}

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
    usage
    exit 0
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${SUPEROFFICE_DEMO_DATA:-${ROOT}/emulator/data/demo.json}"

# shellcheck source=scripts/lib/emulator.sh
source "${ROOT}/scripts/lib/emulator.sh"
export SUPEROFFICE_EMULATOR_NO_TRAP=1
trap emulator_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=scripts/lib/venv.sh
source "${ROOT}/scripts/lib/venv.sh"
VENV="$(core_venv "${SUPEROFFICE_DEMO_CORE:-${NEWEST_CORE}}")"
export PATH="${VENV}/bin:${PATH}"

# The playbook uses the collection of this checkout: expose it as
# ansible_collections/superoffice/crm through a symlink under .tmp/.
mkdir -p "${ROOT}/.tmp/demo-collections/ansible_collections/superoffice"
ln -sfn "${ROOT}" "${ROOT}/.tmp/demo-collections/ansible_collections/superoffice/crm"
export ANSIBLE_COLLECTIONS_PATH="${ROOT}/.tmp/demo-collections"

PLAYBOOK="${ROOT}/playbooks/demo.yml"

emulator_start "${DATA}"
emulator_export_tenant Nordic

echo
echo "SuperOffice WebAPI emulator: ${SUPEROFFICE_EMULATOR_URL}"
echo "  SUPEROFFICE_URL=${SUPEROFFICE_URL}"
echo "  SUPEROFFICE_USERNAME=${SUPEROFFICE_USERNAME}"
echo "  request log: ${SUPEROFFICE_EMULATOR_URL}/_emulator/requests"
echo

run_demo() {
    ansible-playbook -i localhost, -c local -e "ansible_python_interpreter=${VENV}/bin/python" "${PLAYBOOK}" "$@" | tee "${OUTPUT}"
}

OUTPUT="$(mktemp)"
trap 'rm -f "${OUTPUT}"; emulator_stop' EXIT
CHECK=0
ARGS=()
for arg in "$@"; do
    if [[ "${arg}" == --check || "${arg}" == -C ]]; then
        CHECK=1
    else
        ARGS+=("${arg}")
    fi
done
set -- "${ARGS[@]+"${ARGS[@]}"}"

recap() {
    sed -n -E 's/^localhost +: (.*)$/\1/p' "${OUTPUT}" | tail -n 1
}

if [[ "${CHECK}" == 1 ]]; then
    echo "== check run: what the playbook would change (--check --diff) =="
    run_demo --check --diff "$@"
    predicted="$(recap)"
    writes="$(python3 -c '
import json, os, urllib.request
log = json.load(urllib.request.urlopen(os.environ["SUPEROFFICE_EMULATOR_URL"] + "/_emulator/requests?tenant=Nordic", timeout=10))
print(sum(1 for r in log if not r["method"].startswith(("Get", "Test", "CanDelete", "MDOList"))))')"
    if [[ "${writes}" != 0 ]]; then
        echo "demo.sh: the check run sent ${writes} write(s); it must send none" >&2
        exit 1
    fi
    echo
fi
echo "== first run: configure the tenant =="
run_demo --diff "$@"
if [[ "${CHECK}" == 1 && "$(recap)" != "${predicted}" ]]; then
    echo "demo.sh: the check run predicted '${predicted}', the real run reported '$(recap)'" >&2
    exit 1
fi
echo
echo "== second run: the same playbook again =="
run_demo "$@"
if ! grep -Eq '^localhost +: .*changed=0 ' "${OUTPUT}"; then
    echo "demo.sh: the second run changed something; it should report changed=0" >&2
    exit 1
fi
echo "demo.sh: the second run changed nothing (changed=0): the tenant is as playbooks/demo.yml describes it."
