#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by the project's scripts (test, demo, docs, benchmark): one way to get a pinned virtualenv.
#
#   venv_for REQUIREMENTS_FILE VENV_DIR   creates VENV_DIR from the pinned file with the Python its "# Python: X.Y"
#                                         line names, or re-uses it when the file and the Python are unchanged;
#                                         prints VENV_DIR.
#   core_venv CORE                        venv_for tests/requirements/core-CORE.txt .tmp/venv/core-CORE
#   find_python X.Y                       prints the path of a Python X.Y: pythonX.Y on PATH, else under pyenv
#                                         ($(pyenv root)/versions/X.Y*/bin/pythonX.Y); fails naming what is missing
#
# Messages go to stderr, so `venv="$(core_venv 2.21)"` captures only the path.

_venv_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The newest ansible-core line: its venv is the toolchain of every single-run stage, the demo and the docs.
export NEWEST_CORE="2.21"

find_python() {
    local want="$1" candidate root
    for candidate in "python${want}" python3 python; do
        if command -v "${candidate}" >/dev/null 2>&1 &&
            "${candidate}" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '${want}'.split('.'))))" 2>/dev/null; then
            command -v "${candidate}"
            return 0
        fi
    done
    root="$( (pyenv root 2>/dev/null) || printf '%s' "${PYENV_ROOT:-${HOME}/.pyenv}")"
    for candidate in "${root}"/versions/"${want}"*/bin/"python${want}"; do
        if [[ -x "${candidate}" ]]; then
            printf '%s\n' "${candidate}"
            return 0
        fi
    done
    echo "Python ${want} not found: neither python${want} on PATH nor ${root}/versions/${want}*/bin/python${want}." \
        "Install it (for example: pyenv install ${want}) or put it on PATH." >&2
    return 1
}

# The Python version a requirements file asks for (its "# Python: X.Y" line).
python_of() {
    sed -n 's/^# Python: *\([0-9][0-9.]*\) *$/\1/p' "$1" | head -n 1
}

venv_for() {
    local req="$1" venv="$2" python want stamp version
    version="$(python_of "${req}")"
    if [[ -z "${version}" ]]; then
        echo "${req} has no '# Python: X.Y' line" >&2
        return 1
    fi
    python="$(find_python "${version}")" || return 1
    want="$({
        sha256sum "${req}" | cut -d' ' -f1
        "${python}" -c 'import sys; print(sys.version)'
    } | sha256sum | cut -d' ' -f1)"
    stamp="${venv}/.superoffice-stamp"
    if [[ -x "${venv}/bin/python" && -f "${stamp}" && "$(cat "${stamp}")" == "${want}" ]]; then
        echo "re-using ${venv} (requirements unchanged)" >&2
    else
        echo "creating ${venv} from ${req#"${_venv_root}"/} with Python ${version} (takes about a minute)" >&2
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

if [[ "${BASH_SOURCE[0]}" == "${0}" ]]; then
    sed -n '5,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
fi
