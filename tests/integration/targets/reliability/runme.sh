#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fault injection against the emulator: each scenario injects faults through the admin API, runs a module
# (or the role) with ansible-playbook, then asserts on the tenant's state dump and request log: the desired
# state reached, no duplicate connection, no double flip, the right retries and warnings, or one clear
# message. The figures go to ${OUTPUT_DIR}/reliability-results.json.

set -eux
set -o pipefail

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh

WORK="${OUTPUT_DIR:-$(mktemp -d)}"
mkdir -p "${WORK}"
export RELIABILITY_RESULTS="${WORK}/reliability-results.json"
rm -f "${RELIABILITY_RESULTS}"
# A local port nobody listens on, for the connection-refused scenario.
RELIABILITY_CLOSED_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export RELIABILITY_CLOSED_PORT
export ANSIBLE_NOCOLOR=1

status=0
ansible-playbook -i "${INVENTORY_PATH:-localhost,}" playbook.yml "$@" || status=$?

if [[ -s "${RELIABILITY_RESULTS}" ]]; then
    python3 - "${RELIABILITY_RESULTS}" <<'PYEOF'
import json
import sys

with open(sys.argv[1]) as handle:
    results = json.load(handle)
summary = results['summary']
print('reliability: %(scenarios)s scenarios, %(fault_scenarios_injected)s of them with faults injected through the admin API '
      '(%(faults_injected)s rules, %(faults_fired)s faults fired), plus %(other)s; '
      'recovered with the desired state, no duplicate and no double flip: %(recovered)s of %(recover_expected)s; '
      'failed with one clear message and no damage: %(clear_failures)s of %(clear_failure_expected)s'
      % dict(summary, other=', '.join(summary['other_fault_scenarios']) or 'nothing else'))
for scenario in results['scenarios']:
    print('  %-40s %-28s %s' % (scenario['id'], scenario['outcome'], 'ok' if scenario['passed'] else 'FAILED: %s' % scenario.get('why')))
PYEOF
fi
exit "${status}"
