#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# erpsync_connector against the emulator: register (check, apply, rerun), move, a failed URL test, rename, refused
# and real deletes. Every step is asserted on the result, on the requests the emulator saw and on the stored state.

set -eux

source ../setup_emulator/emulator.sh

ansible-playbook -i "${INVENTORY_PATH:-localhost,}" --diff playbook.yml "$@"
