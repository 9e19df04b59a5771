#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Generated documentation of the collection: docs/reference/ (one page per module and role, the index, and the
# guides of docs/docsite/rst/), written by antsibull-docs from the plugins' DOCUMENTATION/EXAMPLES/RETURN and
# the roles' meta/argument_specs.yml, in antsibull-docs' simplified RST (renders on GitHub, no Sphinx needed).
#
#   bash scripts/docs.sh           regenerate docs/reference/ and docs/docsite/rst/eda_*.rst (commit the result)
#   bash scripts/docs.sh --check   CI: regenerate into a temporary directory and fail if it differs from
#                                  docs/reference/ or docs/docsite/rst/eda_*.rst, or if any step prints a warning or an error
#
# Steps (both modes):
#   0. the event sources (extensions/eda/plugins/event_source/*.py), which ansible-doc reads only as modules of a
#      directory (-M) and antsibull-docs not at all: ansible-doc -M ... --json, rendered by scripts/eda_docs.py into
#      docs/docsite/rst/eda_<name>.rst, an extra docs page (docs/docsite/extra-docs.yml) that step 3 then publishes;
#   1. antsibull-docs lint-collection-docs --plugin-docs: plugin and role docs, docs/docsite/ (links.yml,
#      extra-docs.yml, the guides, with rstcheck);
#   2. ansible-doc for every module and role: no warning, no error;
#   3. antsibull-docs collection --use-current --output-format simplified-rst --fail-on-error;
#   4. every generated page rendered with docutils, warnings treated as errors.
# Tools come from tests/requirements/core-2.21.txt (venv .tmp/venv/core-2.21; see scripts/lib/docs-venv.sh). The
# output depends on the pinned ansible-core and antsibull-docs versions and on galaxy.yml's version.

set -euo pipefail

MODE=update
case "${1:-}" in
    -h | --help)
        sed -n '5,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    --check) MODE=check ;;
    "") ;;
    *)
        echo "docs.sh: unknown argument: $1 (see --help)" >&2
        exit 2
        ;;
esac

# shellcheck source=scripts/lib/docs-venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/docs-venv.sh"
ROOT="${DOCS_ROOT}"
DEST="${ROOT}/docs/reference"
VENV="$(docs_venv)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/superoffice-docs.XXXXXX")"
trap 'rm -rf "${WORK}"' EXIT

TREE="$(collection_tree "${WORK}/collections")"
export PATH="${VENV}/bin:${PATH}"
export ANSIBLE_COLLECTIONS_PATH="${TREE%/ansible_collections/superoffice/crm}"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
export ANSIBLE_NOCOLOR=1 NO_COLOR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# ansible-doc warns about a world-writable current directory; run everything from the collection tree.
cd "${TREE}"

failed=0

# 0. Event source pages.
for source in extensions/eda/plugins/event_source/*.py; do
    [[ -e "${source}" ]] || continue
    name="$(basename "${source}" .py)"
    [[ "${name}" == __init__ ]] && continue
    page="docs/docsite/rst/eda_${name}.rst"
    printf '+ ansible-doc -M extensions/eda/plugins/event_source --json %s | scripts/eda_docs.py > %s\n' "${name}" "${page}"
    if ! ansible-doc -M extensions/eda/plugins/event_source --json "${name}" >"${WORK}/eda.json" 2>"${WORK}/stderr.txt" ||
        [[ -s "${WORK}/stderr.txt" ]] || ! python scripts/eda_docs.py "${WORK}/eda.json" "${name}" "${WORK}/eda.rst"; then
        sed 's/^/  /' "${WORK}/stderr.txt"
        echo "FAILED: the page of the event source ${name}"
        failed=1
    elif ! grep -q "^      - eda_${name}\$" docs/docsite/extra-docs.yml; then
        echo "FAILED: docs/docsite/extra-docs.yml does not list eda_${name}"
        failed=1
    elif [[ "${MODE}" == update ]]; then
        cp "${WORK}/eda.rst" "${page}"
    elif ! diff -u "${page}" "${WORK}/eda.rst" >"${WORK}/eda.diff" 2>&1; then
        head -n 100 "${WORK}/eda.diff"
        echo "FAILED: ${page} is not what extensions/eda/plugins/event_source/${name}.py generates: run bash scripts/docs.sh"
        failed=1
    fi
done

# silent NAME COMMAND...: the command must succeed and print nothing at all (antsibull-docs is silent when clean).
silent() {
    local name="$1" out rc=0
    shift
    printf '+ %s\n' "$*"
    out="$("$@" 2>&1)" || rc=$?
    if [[ ${rc} != 0 || -n "${out}" ]]; then
        [[ -z "${out}" ]] || printf '%s\n' "${out}" | sed 's/^/  /'
        echo "FAILED: ${name} (exit ${rc}$([[ -n "${out}" ]] && echo ', printed the above'))"
        return 1
    fi
}

# 1. Lint.
silent "antsibull-docs lint-collection-docs" antsibull-docs lint-collection-docs --plugin-docs . || failed=1

# 2. ansible-doc: the page renders, and nothing goes to stderr (warnings, deprecations, errors).
pages=0
for module in plugins/modules/*.py; do
    [[ -e "${module}" ]] || continue
    module="$(basename "${module}" .py)"
    [[ "${module}" == __init__ || "${module}" == _* ]] && continue
    pages=$((pages + 1))
    if ! ansible-doc "superoffice.crm.${module}" >"${WORK}/page.txt" 2>"${WORK}/stderr.txt" ||
        [[ -s "${WORK}/stderr.txt" ]] || ! grep -q "superoffice.crm.${module}" "${WORK}/page.txt"; then
        sed 's/^/  /' "${WORK}/stderr.txt"
        echo "FAILED: ansible-doc superoffice.crm.${module}"
        failed=1
    fi
done
# ansible-doc -t role on ansible-core 2.20+ prints the upstream warning of scripts/lib/docs-venv.sh: dropped.
for spec in roles/*/meta/argument_specs.yml roles/*/meta/argument_specs.yaml; do
    [[ -e "${spec}" ]] || continue
    role="${spec#roles/}"
    role="${role%%/*}"
    pages=$((pages + 1))
    rc=0
    ansible-doc -t role "superoffice.crm.${role}" >"${WORK}/page.txt" 2>"${WORK}/stderr-all.txt" || rc=$?
    without_upstream_warning <"${WORK}/stderr-all.txt" >"${WORK}/stderr.txt"
    if [[ ${rc} != 0 ]] ||
        [[ -s "${WORK}/stderr.txt" ]] || ! grep -q "superoffice.crm.${role}" "${WORK}/page.txt"; then
        sed 's/^/  /' "${WORK}/stderr.txt"
        echo "FAILED: ansible-doc -t role superoffice.crm.${role}"
        failed=1
    fi
done
echo "+ ansible-doc: ${pages} module and role page(s) rendered"

# 3. Generate.
OUT="${WORK}/reference"
mkdir -p "${OUT}"
silent "antsibull-docs collection" antsibull-docs collection --use-current --dest-dir "${OUT}" \
    --output-format simplified-rst --squash-hierarchy --no-add-antsibull-docs-version --fail-on-error \
    superoffice.crm || failed=1
for module in plugins/modules/*.py; do
    module="$(basename "${module}" .py)"
    [[ "${module}" == __init__ || "${module}" == _* ]] && continue
    if [[ ! -s "${OUT}/${module}_module.rst" ]]; then
        echo "FAILED: no generated page for the module ${module}"
        failed=1
    fi
done

# 4. Every page renders with docutils (as on GitHub), without a single warning.
printf '+ docutils: render %s\n' "docs/reference/*.rst"
python - "${OUT}" <<'PYEOF' || failed=1
import glob
import io
import os
import sys

import docutils.core
import docutils.utils

problems = 0
pages = sorted(glob.glob(os.path.join(sys.argv[1], '**', '*.rst'), recursive=True))
for path in pages:
    stream = io.StringIO()
    with open(path, encoding='utf-8') as handle:
        source = handle.read()
    try:
        docutils.core.publish_string(source, source_path=path, writer_name='html', settings_overrides={
            'report_level': 2, 'halt_level': 5, 'warning_stream': stream, 'raw_enabled': True,
            'file_insertion_enabled': False, 'exit_status_level': 5})
    except docutils.utils.SystemMessage as e:
        stream.write(str(e))
    if stream.getvalue():
        problems += 1
        print('  %s:\n%s' % (os.path.relpath(path, sys.argv[1]), stream.getvalue()))
if problems or not pages:
    print('FAILED: %d of %d generated page(s) render with warnings' % (problems, len(pages)))
    sys.exit(1)
print('  %d page(s) render without warnings' % len(pages))
PYEOF

# 5. Compare (--check) or update.
if [[ "${MODE}" == check ]]; then
    if [[ ! -d "${DEST}" ]]; then
        echo "FAILED: docs/reference/ does not exist: run bash scripts/docs.sh and commit the result"
        failed=1
    elif ! diff -r -u "${DEST}" "${OUT}" >"${WORK}/docs.diff"; then
        head -n 200 "${WORK}/docs.diff"
        echo "FAILED: docs/reference/ is not what the current sources generate (diff above, first 200 lines):"
        echo "        run bash scripts/docs.sh and commit docs/reference/"
        failed=1
    else
        echo "+ docs/reference/ is up to date ($(find "${DEST}" -type f | wc -l) files)"
    fi
elif [[ ${failed} == 0 ]]; then
    rm -rf "${DEST}"
    mkdir -p "$(dirname "${DEST}")"
    cp -R "${OUT}" "${DEST}"
    echo "+ wrote docs/reference/ ($(find "${DEST}" -type f | wc -l) files)"
fi

if [[ ${failed} != 0 ]]; then
    echo "docs.sh: FAILED"
    exit 1
fi
echo "docs.sh: OK"
