#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# erpsync_actor_mapping, erpsync_list_mapping and erpsync_mapping_info against the emulator: a new connection
# is mapped (check, apply, rerun), refused activation until its mandatory field has a direction, defaults, list mappings by
# name and id, exclusive fields, and the info module read back into the modules unchanged.

set -eux

source ../setup_emulator/emulator.sh

ansible-playbook -i "${INVENTORY_PATH:-localhost,}" --diff playbook.yml "$@"
