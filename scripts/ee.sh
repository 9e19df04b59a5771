#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Execution-environment checks (no container engine, no network beyond the venv's PyPI install):
#   1. scripts/check_requirements.py: requirements.txt declares exactly the third-party packages
#      that plugins/ imports, and meta/execution-environment.yml points to it;
#   2. meta/execution-environment.yml is valid for ansible-builder (its execution environment schema);
#   3. ansible-builder introspect (what an EE build installs for this collection) finds exactly
#      requirements.txt's packages and no system packages;
#   4. ansible-builder create renders examples/execution-environment/execution-environment.yml
#      (schema check of the example, build context written to a temporary directory).
# Any failure, and any WARNING or ERROR line from a tool, fails the script (exit 1).
#
#   bash scripts/ee.sh
#
# Tools come from tests/requirements/core-2.21.txt (venv .tmp/venv/core-2.21; see scripts/lib/docs-venv.sh).

set -euo pipefail

case "${1:-}" in
    -h | --help)
        sed -n '5,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    "") ;;
    *)
        echo "ee.sh: unknown argument: $1 (see --help)" >&2
        exit 2
        ;;
esac

# shellcheck source=scripts/lib/docs-venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/docs-venv.sh"
ROOT="${DOCS_ROOT}"
VENV="$(docs_venv)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/superoffice-ee.XXXXXX")"
trap 'rm -rf "${WORK}"' EXIT
export PATH="${VENV}/bin:${PATH}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 ANSIBLE_NOCOLOR=1 NO_COLOR=1

# quiet_ok NAME COMMAND...: run, show the output, fail on a non-zero exit or a WARNING/ERROR line.
quiet_ok() {
    local name="$1" out rc=0
    shift
    printf '+ %s\n' "$*"
    out="$("$@" 2>&1)" || rc=$?
    [[ -z "${out}" ]] || printf '%s\n' "${out}" | sed 's/^/  /'
    if [[ ${rc} != 0 ]]; then
        echo "FAILED: ${name} (exit ${rc})"
        return 1
    fi
    if grep -E -q '(^|[^A-Za-z])(WARNING|ERROR)([^A-Za-z]|$)' <<<"${out}"; then
        echo "FAILED: ${name} printed a warning or an error"
        return 1
    fi
}

failed=0

# 1. Declared requirements == imported packages.
quiet_ok "requirements" python "${ROOT}/scripts/check_requirements.py" --root "${ROOT}" --verbose || failed=1

# 2. The collection's EE metadata against ansible-builder's own schema.
quiet_ok "meta/execution-environment.yml schema" python - "${ROOT}/meta/execution-environment.yml" <<'PYEOF' || failed=1
import sys

import yaml
from ansible_builder.ee_schema import validate_schema

with open(sys.argv[1]) as handle:
    data = yaml.safe_load(handle)
validate_schema(data)
print('meta/execution-environment.yml: valid (ansible-builder execution environment schema, version %s)' % data.get('version'))
PYEOF

# 3. What ansible-builder would install for the collection.
TREE="$(collection_tree "${WORK}/collections")"
COLLECTIONS_DIR="${TREE%/ansible_collections/superoffice/crm}"
quiet_ok "ansible-builder introspect" ansible-builder introspect "${COLLECTIONS_DIR}" --write-pip "${WORK}/pip.txt" --write-bindep "${WORK}/bindep.txt" || failed=1
quiet_ok "introspect == requirements.txt" python - "${ROOT}/requirements.txt" "${WORK}/pip.txt" "${WORK}/bindep.txt" <<'PYEOF' || failed=1
import os
import re
import sys


def names(path):
    result = set()
    if not os.path.exists(path):
        return result
    with open(path) as handle:
        for line in handle:
            line = re.sub(r'(^|\s)#.*$', '', line).strip()
            if line:
                result.add(re.sub(r'[-_.]+', '-', re.match(r'[A-Za-z0-9._-]+', line).group(0)).lower())
    return result


declared, introspected, system = names(sys.argv[1]), names(sys.argv[2]), names(sys.argv[3])
print('ansible-builder would install: %s; system packages: %s' % (', '.join(sorted(introspected)) or 'nothing',
                                                                  ', '.join(sorted(system)) or 'none'))
if introspected != declared:
    sys.exit('introspect found %s, requirements.txt declares %s' % (sorted(introspected), sorted(declared)))
if system:
    sys.exit('introspect found system packages %s, but the collection declares none' % sorted(system))
PYEOF

# 4. The example EE definition renders.
EXAMPLE="${ROOT}/examples/execution-environment/execution-environment.yml"
quiet_ok "ansible-builder create" ansible-builder create -f "${EXAMPLE}" -c "${WORK}/context" --output-filename Containerfile || failed=1
if [[ -f "${WORK}/context/Containerfile" ]] &&
    grep -q 'ansible-galaxy collection install' "${WORK}/context/Containerfile" &&
    grep -q 'superoffice.crm' "${WORK}/context/_build/requirements.yml"; then
    echo "  build context: Containerfile installs the collections of _build/requirements.yml (superoffice.crm)"
else
    echo "FAILED: the rendered build context does not install superoffice.crm"
    failed=1
fi

if [[ ${failed} != 0 ]]; then
    echo "ee.sh: FAILED"
    exit 1
fi
echo "ee.sh: OK"
