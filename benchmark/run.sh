#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmark of the erpsync role against the same convergence written with ansible.builtin.uri.
# Not part of the test suite. See benchmark/bench.py for what is measured.

set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: bash benchmark/run.sh [--connections N] [--mapped N] [--latency SECONDS...] [--repeat N]

Creates (or re-uses) the virtualenv of the newest ansible-core line (.tmp/venv/core-2.21, the one
scripts/test.sh and scripts/demo.sh use), starts the SuperOffice WebAPI emulator with three empty on-site
tenants, and at each latency (default 0 and 0.05 s per request) converges N connections (default 200) and a
started engine with the superoffice.crm.erpsync role (BenchRole) and with plain ansible.builtin.uri
(BenchUri), and M mapped connections (default 50, 3 actor types x 20 fields) with the role (BenchMapped),
from scratch and again unchanged. Prints a Markdown table and writes it to benchmark/results.md.
  --repeat N   run everything N times and report the median wall time (default 1)
USAGE
}

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
    usage
    exit 0
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${ROOT}/.tmp/bench"

# shellcheck source=scripts/lib/emulator.sh
source "${ROOT}/scripts/lib/emulator.sh"
export SUPEROFFICE_EMULATOR_NO_TRAP=1
trap emulator_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=scripts/lib/venv.sh
source "${ROOT}/scripts/lib/venv.sh"
VENV="$(core_venv "${NEWEST_CORE}")"
export PATH="${VENV}/bin:${PATH}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

# The playbooks use the collection of this checkout, exposed as ansible_collections/superoffice/crm.
mkdir -p "${ROOT}/.tmp/bench-collections/ansible_collections/superoffice"
ln -sfn "${ROOT}" "${ROOT}/.tmp/bench-collections/ansible_collections/superoffice/crm"
export ANSIBLE_COLLECTIONS_PATH="${ROOT}/.tmp/bench-collections"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false

rm -rf "${WORK}"
python "${ROOT}/benchmark/bench.py" generate --work "${WORK}" "$@"
emulator_start "${WORK}/data.json"
python "${ROOT}/benchmark/bench.py" measure --work "${WORK}" "$@"
