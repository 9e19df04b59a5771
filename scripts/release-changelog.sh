#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The changelog of a release, from the fragments in changelogs/fragments/ (antsibull-changelog).
#
#   bash scripts/release-changelog.sh [--version V] [--date YYYY-MM-DD]
#       The release. antsibull-changelog release consumes the fragments into changelogs/changelog.yaml
#       and writes CHANGELOG.rst and CHANGELOG.md. Commit those, changelogs/.plugin-cache.yaml and the
#       removed fragments. --version defaults to galaxy.yml's version, --date to today (UTC).
#   bash scripts/release-changelog.sh --check [--version V] [--date YYYY-MM-DD]
#       CI. The same release in a temporary copy of the collection, which changes nothing here. It fails
#       when antsibull-changelog prints a warning or an error, when a fragment entry or a module or role
#       is missing from the result, or when CHANGELOG.rst does not render cleanly with docutils.
#
# Both modes first run antsibull-changelog lint and, after the release, antsibull-changelog
# lint-changelog-yaml. When the version is already in changelogs/changelog.yaml and no fragment is
# waiting, --check regenerates the changelog files (antsibull-changelog generate) instead of releasing.
# Tools come from tests/requirements/core-2.21.txt (venv .tmp/venv/core-2.21; see scripts/lib/docs-venv.sh).

set -euo pipefail

MODE=release
VERSION=""
DATE=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help)
            sed -n '5,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        --check) MODE=check ;;
        --version)
            VERSION="${2:?--version needs a value}"
            shift
            ;;
        --date)
            DATE="${2:?--date needs a value}"
            shift
            ;;
        *)
            echo "release-changelog.sh: unknown argument: $1 (see --help)" >&2
            exit 2
            ;;
    esac
    shift
done

# shellcheck source=scripts/lib/docs-venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/docs-venv.sh"
ROOT="${DOCS_ROOT}"
VENV="$(docs_venv)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/superoffice-changelog.XXXXXX")"
trap 'rm -rf "${WORK}"' EXIT
export PATH="${VENV}/bin:${PATH}"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_NOCOLOR=1 NO_COLOR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

if [[ -z "${VERSION}" ]]; then
    VERSION="$(python -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "${ROOT}/galaxy.yml")"
fi
if [[ -z "${DATE}" ]]; then
    DATE="$(date -u +%Y-%m-%d)"
fi
if [[ ! "${DATE}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; then
    echo "release-changelog.sh: --date must be YYYY-MM-DD, not ${DATE}" >&2
    exit 2
fi

# clean NAME COMMAND...: the command must succeed without printing a warning or an error.
clean() {
    local name="$1" out rc=0
    shift
    printf '+ %s\n' "$*"
    out="$("$@" 2>&1)" || rc=$?
    out="$(without_upstream_warning <<<"${out}")"
    [[ -z "${out}" ]] || printf '%s\n' "${out}" | sed 's/^/  /'
    if [[ ${rc} != 0 ]] || grep -E -q -i '(^|[^a-z])(warning|error)' <<<"${out}"; then
        echo "FAILED: ${name} (exit ${rc}$([[ -n "${out}" ]] && echo ', see its output above'))"
        return 1
    fi
}

# Where to release: the collection itself, or (--check) a copy of its tracked and untracked-not-ignored files.
if [[ "${MODE}" == check ]]; then
    TARGET="${WORK}/collections/ansible_collections/superoffice/crm"
    mkdir -p "${TARGET}"
    if git -C "${ROOT}" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "${ROOT}" && git ls-files -z -co --exclude-standard | while IFS= read -r -d '' file; do
            if [[ -e "${file}" || -L "${file}" ]]; then printf '%s\0' "${file}"; fi
        done | tar --null -T - -cf -) | tar -xf - -C "${TARGET}"
    else
        tar -C "${ROOT}" --exclude=./.tmp --exclude=./tests/output -cf - . | tar -xf - -C "${TARGET}"
    fi
else
    TARGET="$(collection_tree "${WORK}/collections")"
fi
export ANSIBLE_COLLECTIONS_PATH="${TARGET%/ansible_collections/superoffice/crm}"
cd "${TARGET}"

echo "changelog for superoffice.crm ${VERSION} (${DATE}), ${MODE} in ${TARGET}"
# A release removes the fragments it consumed; git does not keep the empty directory (changelogs/fragments/.keep does).
mkdir -p changelogs/fragments
fragments="$(find changelogs/fragments -maxdepth 1 -type f \( -name '*.yml' -o -name '*.yaml' \) | sort)"
echo "fragments: $(wc -w <<<"${fragments}")"

failed=0
clean "antsibull-changelog lint" antsibull-changelog lint || failed=1

already=0
if [[ -f changelogs/changelog.yaml ]] &&
    python - "${VERSION}" changelogs/changelog.yaml <<'PYEOF'; then
import sys

import yaml

with open(sys.argv[2]) as handle:
    releases = (yaml.safe_load(handle) or {}).get('releases') or {}
sys.exit(0 if sys.argv[1] in releases else 1)
PYEOF
    already=1
fi

if [[ ${already} == 1 && -z "${fragments}" ]]; then
    if [[ "${MODE}" == release ]]; then
        echo "release-changelog.sh: ${VERSION} is already released and no fragment is waiting: nothing to do" >&2
        exit 1
    fi
    clean "antsibull-changelog generate" antsibull-changelog generate || failed=1
elif [[ ${already} == 1 ]]; then
    echo "FAILED: ${VERSION} is already in changelogs/changelog.yaml but fragments are waiting:" \
        "bump the version in galaxy.yml (or pass --version)"
    failed=1
else
    if [[ -z "${fragments}" ]]; then
        echo "FAILED: no changelog fragment in changelogs/fragments/ for ${VERSION}"
        failed=1
    fi
    clean "antsibull-changelog release" antsibull-changelog release --version "${VERSION}" --date "${DATE}" || failed=1
fi

if [[ -f changelogs/changelog.yaml ]]; then
    clean "antsibull-changelog lint-changelog-yaml" antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml || failed=1
else
    echo "FAILED: no changelogs/changelog.yaml was written"
    failed=1
fi

# The result: every fragment entry, every module and every role is in the release, both files exist, and
# CHANGELOG.rst renders with docutils without a warning (as on GitHub and on a docsite).
printf '+ %s\n' "check CHANGELOG.rst, CHANGELOG.md and changelogs/changelog.yaml"
python - "${ROOT}" "${VERSION}" <<'PYEOF' || failed=1
import glob
import io
import os
import sys

import docutils.core
import docutils.utils
import yaml

root, version = sys.argv[1], sys.argv[2]
problems = []
with open('changelogs/changelog.yaml') as handle:
    releases = (yaml.safe_load(handle) or {}).get('releases') or {}
release = releases.get(version) or {}
changes = release.get('changes') or {}
entries = [e.strip() for v in changes.values() if isinstance(v, list) for e in v]

for path in sorted(glob.glob(os.path.join(root, 'changelogs', 'fragments', '*.y*ml'))):
    with open(path) as handle:
        fragment = yaml.safe_load(handle) or {}
    for section, value in fragment.items():
        if section == 'trivial' or section.startswith('add '):
            continue
        if section == 'release_summary':
            if (changes.get('release_summary') or '').strip() != value.strip():
                problems.append('%s: the release summary is not the one of release %s' % (os.path.basename(path), version))
            continue
        for entry in value:
            if entry.strip() not in entries:
                problems.append('%s: a %s entry is not in release %s' % (os.path.basename(path), section, version))

# Every module and every role is announced as new in some release.
announced_modules = set(m['name'] for r in releases.values() for m in (r.get('modules') or []))
announced_roles = set(o['name'] for r in releases.values() for o in ((r.get('objects') or {}).get('role') or []))
for path in sorted(glob.glob(os.path.join(root, 'plugins', 'modules', '*.py'))):
    module = os.path.splitext(os.path.basename(path))[0]
    if not module.startswith('_') and module != '__init__' and module not in announced_modules:
        problems.append('module %s is not announced as new in any release (is its version_added right?)' % module)
for spec in sorted(glob.glob(os.path.join(root, 'roles', '*', 'meta', 'argument_specs.y*ml'))):
    role = spec.split(os.sep)[-3]
    if role not in announced_roles:
        problems.append('role %s is not announced as new in any release (add an "add object.role" fragment)' % role)

for name in ('CHANGELOG.rst', 'CHANGELOG.md'):
    if not os.path.isfile(name) or not any(v in open(name).read() for v in (version, version.replace('.', '\\.'))):
        problems.append('%s does not exist or does not mention %s' % (name, version))
if os.path.isfile('CHANGELOG.rst'):
    stream = io.StringIO()
    with open('CHANGELOG.rst') as handle:
        source = handle.read()
    try:
        docutils.core.publish_string(source, source_path='CHANGELOG.rst', writer_name='html', settings_overrides={
            'report_level': 2, 'halt_level': 5, 'warning_stream': stream, 'exit_status_level': 5})
    except docutils.utils.SystemMessage as e:
        stream.write(str(e))
    if stream.getvalue():
        problems.append('CHANGELOG.rst renders with warnings:\n' + stream.getvalue())

print('  release %s: %d entries, %d new module(s), %d new role(s)%s' % (
    version, len(entries), len(release.get('modules') or []), len((release.get('objects') or {}).get('role') or []),
    ', with a release summary' if changes.get('release_summary') else ''))
for problem in problems:
    print('FAILED: ' + problem)
sys.exit(1 if problems else 0)
PYEOF

if [[ ${failed} != 0 ]]; then
    echo "release-changelog.sh: FAILED"
    exit 1
fi
if [[ "${MODE}" == check ]]; then
    echo "release-changelog.sh: OK (the changelog of ${VERSION} builds; nothing was changed here)"
else
    echo "release-changelog.sh: OK. Review and commit:"
    (cd "${ROOT}" && git status --short -- changelogs CHANGELOG.rst CHANGELOG.md 2>/dev/null) || true
fi
