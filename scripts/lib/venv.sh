#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by the project's scripts (test, demo, docs, benchmark): one way to get a pinned virtualenv.
#
#   venv_for REQUIREMENTS_FILE VENV_DIR   creates VENV_DIR from the pinned file, or re-uses it when the
#                                         file and the Python version are unchanged; prints VENV_DIR.
#   core_venv CORE                        venv_for tests/requirements/core-CORE.txt .tmp/venv/core-CORE
#
# Messages go to stderr, so `venv="$(core_venv 2.19)"` captures only the path.

_venv_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

find_python311() {
    local candidate
    for candidate in python3.11 python3 python; do
        if command -v "${candidate}" >/dev/null 2>&1 &&
            "${candidate}" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "${candidate}"
            return 0
        fi
    done
    echo "Python 3.11 not found on PATH" >&2
    return 1
}

venv_for() {
    local req="$1" venv="$2" python want stamp
    python="$(find_python311)" || return 1
    want="$({
        sha256sum "${req}" | cut -d' ' -f1
        "${python}" -c 'import sys; print(sys.version)'
    } | sha256sum | cut -d' ' -f1)"
    stamp="${venv}/.superoffice-stamp"
    if [[ -x "${venv}/bin/python" && -f "${stamp}" && "$(cat "${stamp}")" == "${want}" ]]; then
        echo "re-using ${venv} (requirements unchanged)" >&2
    else
        echo "creating ${venv} from ${req#"${_venv_root}"/} (takes about a minute)" >&2
        rm -rf "${venv}"
        mkdir -p "$(dirname "${venv}")"
        "${python}" -m venv "${venv}" >&2
        "${venv}/bin/python" -m pip install --quiet --upgrade pip >&2
        "${venv}/bin/python" -m pip install --quiet -r "${req}" >&2
        printf '%s\n' "${want}" >"${stamp}"
    fi
    printf '%s\n' "${venv}"
}

core_venv() {
    venv_for "${_venv_root}/tests/requirements/core-$1.txt" "${_venv_root}/.tmp/venv/core-$1"
}
