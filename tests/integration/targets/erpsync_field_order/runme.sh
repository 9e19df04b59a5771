#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# erp_tab_order of erpsync_actor_mapping against the emulator: set (check, apply, unchanged rerun, diff), a reorder with the
# fewest moves, the places where the server offers no order, and the export.

set -eux

source ../setup_emulator/emulator.sh

ansible-playbook -i "${INVENTORY_PATH:-localhost,}" --diff playbook.yml "$@"
