#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# erpsync_sync against the emulator: every mode (check mode sends nothing), a failed run, bad combinations before any
# request, and the sync summary erpsync_connection_info reads afterwards (the pipeline check of guide_pipelines).

set -eux

source ../setup_emulator/emulator.sh

ansible-playbook -i "${INVENTORY_PATH:-localhost,}" playbook.yml "$@"
