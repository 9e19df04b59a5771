#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh

# 1. The engine and connection scenarios over SOAP (api: soap via module_defaults) against the on-site tenant:
#    Services88 (detected, username/password exchanged at SoPrincipal) and Services86 (SOAP 1.2, a ticket).
ansible-playbook -i "${INVENTORY_PATH:-localhost,}" --diff playbook.yml "$@"

# 2. The REST connection scenario, unchanged, over SOAP: its assertions on results, stored state and the exact
#    request sequence (idempotence included) must hold for both transports. The transport comes from the
#    environment; a ticket and a given Services version make SOAP send exactly the requests REST sends.
(
    unset SUPEROFFICE_USERNAME SUPEROFFICE_PASSWORD
    export SUPEROFFICE_API=soap SUPEROFFICE_SERVICES_VERSION=Services88
    export SUPEROFFICE_TICKET=7T:b25zaXRlLWRlbW8tdGlja2V0LVN1cGVyT2ZmaWNl
    ansible-playbook -i "${INVENTORY_PATH:-localhost,}" --diff ../erpsync_connection/playbook.yml "$@"
)
if grep -q '/api/v1/Agents/' "${SUPEROFFICE_EMULATOR_LOG}"; then
    echo "a REST agent call was made although every task used api=soap" >&2
    exit 1
fi
