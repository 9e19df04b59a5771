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
#   4. ansible-builder create renders examples/execution-environment/execution-environment.yml and
#      examples/decision-environment/decision-environment.yml (schema check, build context in a temporary directory);
#   5. their pip pins (ansible-core, ansible-runner, ansible-rulebook) are the versions CI tests: ansible-core of
#      tests/requirements/core-X.Y.txt for the Python of the image (3.12: core-2.20.txt), the others of eda.txt.
# Any failure, and any WARNING or ERROR line from a tool, fails the script (exit 1).
#
#   bash scripts/ee.sh
#
# Tools come from tests/requirements/core-2.21.txt (venv .tmp/venv/core-2.21; see scripts/lib/docs-venv.sh).

set -euo pipefail

case "${1:-}" in
    -h | --help)
        sed -n '5,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
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

# 4. The example EE and DE definitions render.
for EXAMPLE in "${ROOT}/examples/execution-environment/execution-environment.yml" \
    "${ROOT}/examples/decision-environment/decision-environment.yml"; do
    CONTEXT="${WORK}/context-$(basename "${EXAMPLE}" .yml)"
    quiet_ok "ansible-builder create ${EXAMPLE#"${ROOT}"/}" ansible-builder create -f "${EXAMPLE}" -c "${CONTEXT}" \
        --output-filename Containerfile || failed=1
    if [[ -f "${CONTEXT}/Containerfile" ]] &&
        grep -q 'ansible-galaxy collection install' "${CONTEXT}/Containerfile" &&
        grep -q 'superoffice.crm' "${CONTEXT}/_build/requirements.yml"; then
        echo "  build context: Containerfile installs the collections of _build/requirements.yml (superoffice.crm)"
    else
        echo "FAILED: the rendered build context of ${EXAMPLE#"${ROOT}"/} does not install superoffice.crm"
        failed=1
    fi
done

# 5. The images' pins are what CI tests.
quiet_ok "pins == CI locks" python - "${ROOT}" <<'PYEOF' || failed=1
import os
import re
import sys

import yaml

root = sys.argv[1]


def locked(name):
    with open(os.path.join(root, 'tests', 'requirements', name)) as handle:
        text = handle.read()
    python = re.search(r'^# Python: *([0-9.]+)', text, re.M).group(1)
    return python, dict(re.findall(r'^([A-Za-z0-9_.-]+)==(\S+)', text, re.M))


eda_python, eda = locked('eda.txt')
for example in ('execution-environment/execution-environment.yml', 'decision-environment/decision-environment.yml'):
    with open(os.path.join(root, 'examples', example)) as handle:
        deps = yaml.safe_load(handle)['dependencies']
    pins = [deps['ansible_core']['package_pip'], deps['ansible_runner']['package_pip']] + list(deps.get('python') or [])
    pins = dict(pin.split('==', 1) for pin in pins)
    core_line = '.'.join(pins['ansible-core'].split('.')[:2])
    core_python, core = locked('core-%s.txt' % core_line)
    want = {'ansible-core': core['ansible-core'], 'ansible-runner': eda['ansible-runner']}
    if 'ansible-rulebook' in pins:
        want['ansible-rulebook'] = eda['ansible_rulebook']
    if pins != want:
        sys.exit('examples/%s pins %s; CI tests %s (tests/requirements/core-%s.txt and eda.txt)' % (example, pins, want, core_line))
    print('examples/%s: %s: the locks of CI (ansible-core as the %s line runs on Python %s; the others as the eda stage '
          'runs them)' % (example, ', '.join('%s==%s' % item for item in sorted(pins.items())), core_line, core_python))
PYEOF

if [[ ${failed} != 0 ]]; then
    echo "ee.sh: FAILED"
    exit 1
fi
echo "ee.sh: OK"
