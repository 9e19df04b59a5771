#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# erpsync_sync_priority, erpsync_tenant's sync_priority and the role's erpsync_sync_priority against the emulator: set
# (check, apply, unchanged rerun, diff), SuperOffice's place written but not read, a connection made in the same run placed,
# and the export round trip.

set -eux

source ../setup_emulator/emulator.sh

ansible-playbook -i "${INVENTORY_PATH:-localhost,}" --diff playbook.yml "$@"
