#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourceable helper for scripts/docs.sh, scripts/ee.sh and scripts/release-changelog.sh: the pinned
# toolchain of the newest ansible-core line (tests/requirements/core-2.21.txt: antsibull-docs, antsibull-changelog,
# ansible-builder, ...) and a collection tree that ansible-doc and antsibull-docs can find the collection in.
#
#   source scripts/lib/docs-venv.sh
#   venv="$(docs_venv)"               # .tmp/venv/core-2.21, created or re-used (stamp: requirements + Python)
#   tree="$(collection_tree DIR)"     # DIR/ansible_collections/superoffice/crm -> the collection root
#
# SUPEROFFICE_DOCS_VENV_DIR=/path/to/venv creates or re-uses the venv there instead of .tmp/venv/core-2.21.
# SUPEROFFICE_DOCS_VENV=/path/to/venv uses that venv as it is (nothing is installed into it; scripts/test.sh
# passes its toolchain venv this way).
# Executing this file only prints this help.

_docs_venv_lib_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DOCS_ROOT="$(cd "${_docs_venv_lib_dir}/../.." && pwd)"

# shellcheck source=scripts/lib/venv.sh
source "${_docs_venv_lib_dir}/venv.sh"

# ansible-core 2.20+ warns, in ansible-doc and so in the tools that call it (antsibull-changelog, antsibull-docs), about a
# collection inside ansible-core itself: ansible/_internal/ansible_collections/ansible/_protomatter has no MANIFEST.json.
# It is not about this collection and nothing a collection can change, so the checks drop exactly that line
# (without_upstream_warning) and still fail on any other warning.
UPSTREAM_WARNING="ansible_collections/ansible/_protomatter' does not have a MANIFEST.json file"

# without_upstream_warning: stdin without the lines of UPSTREAM_WARNING.
without_upstream_warning() {
    grep -v -F -e "${UPSTREAM_WARNING}" || true
}

# docs_venv: print the path of the toolchain venv, creating it from the newest line's requirements if needed.
docs_venv() {
    if [[ -n "${SUPEROFFICE_DOCS_VENV:-}" ]]; then
        if [[ ! -x "${SUPEROFFICE_DOCS_VENV}/bin/python" ]]; then
            echo "docs-venv.sh: SUPEROFFICE_DOCS_VENV=${SUPEROFFICE_DOCS_VENV} has no bin/python" >&2
            return 1
        fi
        printf '%s\n' "${SUPEROFFICE_DOCS_VENV}"
        return 0
    fi
    PIP_DISABLE_PIP_VERSION_CHECK=1 venv_for "${DOCS_ROOT}/tests/requirements/core-${NEWEST_CORE}.txt" \
        "${SUPEROFFICE_DOCS_VENV_DIR:-${DOCS_ROOT}/.tmp/venv/core-${NEWEST_CORE}}"
}

# collection_tree DIR: print the collection's path inside an ansible_collections tree. When the
# collection root already is .../ansible_collections/superoffice/crm (scripts/test.sh's copy), that
# tree is used; else DIR/ansible_collections/superoffice/crm is made a symlink to the root.
# Put the printed path's great-grandparent on ANSIBLE_COLLECTIONS_PATH.
collection_tree() {
    local dir="$1"
    if [[ "${DOCS_ROOT}" == */ansible_collections/superoffice/crm ]]; then
        printf '%s\n' "${DOCS_ROOT}"
        return 0
    fi
    mkdir -p "${dir}/ansible_collections/superoffice"
    ln -sfn "${DOCS_ROOT}" "${dir}/ansible_collections/superoffice/crm"
    printf '%s\n' "${dir}/ansible_collections/superoffice/crm"
}

if [[ "${BASH_SOURCE[0]}" == "${0}" ]]; then
    sed -n '5,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
fi
