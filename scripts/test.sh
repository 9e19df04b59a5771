#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The test command of the superoffice.crm collection (CI: .ci/run).

set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bash scripts/test.sh [--fast | --help]

  --fast       the contributor's loop: sanity and units of the newest ansible-core
               line only (a few minutes); same as
               SUPEROFFICE_TEST_CORE=<newest> SUPEROFFICE_TEST_STAGES="sanity units"

Runs every test stage of the superoffice.crm collection and sets up all it
needs by itself (virtualenvs under .tmp/venv, each with the Python its
tests/requirements/core-X.Y.txt names, found on PATH or under pyenv; the
ansible-test pip bootstrap stand-in; shellcheck via apt when running as root;
the emulator).

Stages (in this order):
  sanity       ansible-test sanity --venv --python X.Y (all tests, no ignore files)
  units        ansible-test units --venv --python X.Y
  integration  ansible-test integration --venv --python X.Y --continue-on-error
               (each target starts its own emulator, see tests/integration/README.md);
               every target on the newest line, the targets with the alias
               superoffice/every_line on the older ones (see tests/integration/README.md)
  lint         ansible-lint --profile production --offline
  extra        antsibull-nox's extra-checks session (no unwanted files in plugins/, the action
               group webapi complete and documented), with its own pinned venv
               (tests/requirements/nox.txt); antsibull-nox.toml says which sessions are adopted
  changelog    antsibull-changelog lint; scripts/release-changelog.sh --check (the release
               changelog builds without warnings, in a temporary copy)
  build        ansible-galaxy collection build + install into .tmp/installed,
               then tests/installed/smoke.yml against the installed collection
  import       galaxy-importer on the built tarball (what Galaxy and Automation Hub run on
               upload: its own checks, ansible-doc and ansible-lint)
  docs         scripts/docs.sh --check: antsibull-docs lint, ansible-doc for every module
               and role, docs/reference/ regenerated and compared, no warnings
  ee           scripts/ee.sh: requirements.txt == imports of plugins/, ansible-builder
               schema, introspect and create (no container engine)
  eda          tests/eda/ with pytest, in its own pinned venv (tests/requirements/eda.txt), on the
               collection built and installed from a fresh tarball: the example rulebook under a real
               ansible-rulebook against the emulator (needs Java 17+: JAVA_HOME, else java on PATH), and
               the AWX kit's job playbook through ansible-runner with the credential type's injected env
  demo         scripts/demo.sh --check: the README's demo, first in check mode (no write, the
               same changes predicted), then twice, the second run with changed=0
sanity, units and integration run on every ansible-core line (2.19 on Python 3.11,
2.20 on 3.12, 2.21 on 3.13); the other stages run once, with the newest line's
toolchain (tests/requirements/core-2.21.txt, venv .tmp/venv/core-2.21).

Environment:
  SUPEROFFICE_TEST_CORE="2.21 2.20"   ansible-core lines (space-separated); default:
                                  every line meta/runtime.yml's requires_ansible claims
                                  (each needs a tests/requirements/core-X.Y.txt)
  SUPEROFFICE_TEST_FULL_INTEGRATION=1  every integration target on every line
  SUPEROFFICE_TEST_STAGES="sanity units integration lint extra changelog build import docs ee eda demo"
  SUPEROFFICE_TEST_TIMEOUT=1800   per-command timeout in seconds
  SUPEROFFICE_TEST_BUDGET=4800    whole-run budget in seconds: stages that would start
                                  later are reported "not run" (failed), so the summary
                                  is always printed before CI's 90-minute limit
  SUPEROFFICE_TEST_NO_APT=1       do not apt-get install shellcheck
  SUPEROFFICE_TEST_VERBOSE=1      pass -v to ansible-test

The copy that ansible-test works on is .tmp/collections/ansible_collections/superoffice/crm
(tracked + untracked-not-ignored files, recreated on every run). The last line
printed is "N passed, N failed" (stages); the exit code is non-zero if any failed.
EOF
}

case "${1:-}" in
    -h | --help)
        usage
        exit 0
        ;;
    --fast)
        FAST=1
        ;;
    "") ;;
    *)
        echo "test.sh: unknown argument: $1 (see --help)" >&2
        exit 2
        ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMP="${ROOT}/.tmp"
COPY_PARENT="${TMP}/collections"
COPY="${COPY_PARENT}/ansible_collections/superoffice/crm"
MATRIX_STAGES=" sanity units integration "
ALL_STAGES="sanity units integration lint extra changelog build import docs ee eda demo"
STAGES="${SUPEROFFICE_TEST_STAGES:-${ALL_STAGES}}"
TIMEOUT="${SUPEROFFICE_TEST_TIMEOUT:-1800}"
BUDGET="${SUPEROFFICE_TEST_BUDGET:-4800}"
ANSIBLE_TEST_VERBOSITY=()
if [[ "${SUPEROFFICE_TEST_VERBOSE:-0}" == 1 ]]; then
    ANSIBLE_TEST_VERBOSITY=(-v)
fi

# shellcheck source=scripts/lib/emulator.sh
source "${ROOT}/scripts/lib/emulator.sh"
# shellcheck source=scripts/lib/venv.sh
source "${ROOT}/scripts/lib/venv.sh"
if [[ "${FAST:-0}" == 1 ]]; then
    SUPEROFFICE_TEST_CORE="${SUPEROFFICE_TEST_CORE:-${NEWEST_CORE}}"
    STAGES="${SUPEROFFICE_TEST_STAGES:-sanity units}"
fi
export SUPEROFFICE_EMULATOR_NO_TRAP=1
cleanup() {
    emulator_stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export PIP_DISABLE_PIP_VERSION_CHECK=1
export PYTHONDONTWRITEBYTECODE=1
export ANSIBLE_NOCOLOR=1
export ANSIBLE_FORCE_COLOR=0
export PY_COLORS=0
export NO_COLOR=1

for stage in ${STAGES}; do
    if [[ " ${ALL_STAGES} " != *" ${stage} "* ]]; then
        echo "test.sh: unknown stage '${stage}' in SUPEROFFICE_TEST_STAGES (known: ${ALL_STAGES})" >&2
        exit 2
    fi
done
# The ansible-core lines meta/runtime.yml claims (requires_ansible: '>=X.Y...'):
# every line with a tests/requirements/core-X.Y.txt from X.Y up.
claimed_core_lines() {
    python3 - "${ROOT}" <<'PYEOF'
import glob
import os
import re
import sys

root = sys.argv[1]
with open(os.path.join(root, 'meta', 'runtime.yml')) as f:
    match = re.search(r"""^requires_ansible:\s*['"]?\s*>=\s*(\d+)\.(\d+)""", f.read(), re.M)
if not match:
    sys.exit("test.sh: cannot read a '>=X.Y' requires_ansible from meta/runtime.yml")
minimum = (int(match.group(1)), int(match.group(2)))
have = sorted(
    (tuple(int(p) for p in re.search(r'core-(\d+\.\d+)\.txt$', path).group(1).split('.'))
     for path in glob.glob(os.path.join(root, 'tests', 'requirements', 'core-*.txt'))),
    reverse=True)
if not have or minimum < have[-1]:
    sys.exit('test.sh: meta/runtime.yml claims ansible-core >=%d.%d, but tests/requirements/ has no core-%d.%d.txt: '
             'add one (and test it) or claim less' % (minimum + minimum))
print(' '.join('%d.%d' % line for line in have if line >= minimum))
PYEOF
}
if [[ -n "${SUPEROFFICE_TEST_CORE:-}" ]]; then
    CORE_LINES="${SUPEROFFICE_TEST_CORE}"
else
    CORE_LINES="$(claimed_core_lines)"
fi

for core in ${CORE_LINES}; do
    if [[ ! -f "${ROOT}/tests/requirements/core-${core}.txt" ]]; then
        echo "test.sh: no tests/requirements/core-${core}.txt for ansible-core line '${core}'" >&2
        exit 2
    fi
done

log() {
    printf '\n==> %s\n' "$*"
}

now() {
    date +%s
}

# Run a command with the per-command timeout (capped by what is left of the
# whole run's time budget), echoing it first.
run() {
    local limit=$((DEADLINE - $(now)))
    if ((limit > TIMEOUT)); then
        limit="${TIMEOUT}"
    fi
    if ((limit <= 0)); then
        echo "time budget of ${BUDGET}s used up: not running $1" >&2
        return 124
    fi
    printf '+ %s\n' "$*"
    timeout --kill-after=30 "${limit}" "$@"
}

# ---------------------------------------------------------------------------
# Set-up
# ---------------------------------------------------------------------------

# ansible-test bootstraps pip in its venvs with a get-pip.py it downloads from
# a host that is not reachable here. It first looks in its cache, so put a
# stand-in there that uses ensurepip + pip install (from the package index).
install_get_pip_standin() {
    local venv="$1" version cache
    version="$("${venv}/bin/python" - <<'PYEOF'
import os
import re

import ansible_test

path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
with open(path) as f:
    text = f.read()
match = re.search(r"default_packages\s*=\s*dict\(\s*pip='([^']+)'", text)
if not match:
    raise SystemExit('cannot find the pip version in %s' % path)
print(match.group(1))
PYEOF
)"
    cache="${HOME}/.ansible/test/cache/get_pip_${version//./_}.py"
    if [[ -f "${cache}" ]]; then
        echo "pip bootstrap for pip ${version}: ${cache} exists" >&2
        return 0
    fi
    mkdir -p "$(dirname "${cache}")"
    cat >"${cache}.tmp" <<'PYEOF'
# Stand-in for get-pip.py written by superoffice.crm scripts/test.sh: ansible-test
# runs it (as __main__, in an empty virtualenv) with pip options and packages.
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
PYEOF
    mv "${cache}.tmp" "${cache}"
    echo "pip bootstrap for pip ${version}: wrote stand-in ${cache}" >&2
}

ensure_shellcheck() {
    if command -v shellcheck >/dev/null 2>&1; then
        return 0
    fi
    if [[ "${SUPEROFFICE_TEST_NO_APT:-0}" == 1 || "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        echo "WARNING: shellcheck is not installed: ansible-test's shellcheck sanity test will be skipped" >&2
        return 0
    fi
    echo "installing shellcheck (apt) so that the shellcheck sanity test runs" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq shellcheck >/dev/null 2>&1; then
        apt-get update -qq >/dev/null 2>&1 || true
        apt-get install -y -qq shellcheck >/dev/null 2>&1 || true
    fi
    if ! command -v shellcheck >/dev/null 2>&1; then
        echo "WARNING: could not install shellcheck: ansible-test's shellcheck sanity test will be skipped" >&2
    fi
}

# Fresh copy of the tracked + untracked-not-ignored files, in its own git repo
# (git init + add) so that ansible-test lists exactly those files instead of
# walking up to the outer repository, where .tmp/ is ignored.
make_copy() {
    rm -rf "${COPY_PARENT}"
    mkdir -p "${COPY}"
    (
        cd "${ROOT}"
        git ls-files -z -co --exclude-standard |
            while IFS= read -r -d '' file; do
                if [[ -e "${file}" || -L "${file}" ]]; then
                    printf '%s\0' "${file}"
                fi
            done |
            tar --null -T - -cf - | tar -xf - -C "${COPY}"
    )
    (
        cd "${COPY}"
        git init -q .
        git add -A
    )
    echo "copied $(cd "${COPY}" && git ls-files | wc -l) files to ${COPY}" >&2
}

# ---------------------------------------------------------------------------
# Stages. Each runs in a subshell with set -e; its exit status is the result.
# ---------------------------------------------------------------------------

# The Python of an ansible-core line, as its requirements file names it.
line_python() {
    python_of "${ROOT}/tests/requirements/core-$1.txt"
}

stage_sanity() {
    local venv="$1" core="$2" ignores
    cd "${COPY}"
    ignores="$(find tests/sanity -maxdepth 1 -name 'ignore-*.txt' 2>/dev/null || true)"
    if [[ -n "${ignores}" ]]; then
        echo "sanity ignore files are not allowed (fix the code instead): ${ignores}" >&2
        return 1
    fi
    PATH="${venv}/bin:${PATH}" run ansible-test sanity --venv --python "$(line_python "${core}")" --color no "${ANSIBLE_TEST_VERBOSITY[@]}"
}

stage_units() {
    local venv="$1" core="$2"
    cd "${COPY}"
    PATH="${venv}/bin:${PATH}" run ansible-test units --venv --python "$(line_python "${core}")" --color no "${ANSIBLE_TEST_VERBOSITY[@]}"
}

stage_integration() {
    local venv="$1" core="$2" targets=()
    cd "${COPY}"
    # The newest line runs every target; older lines the every_line subset, unless asked for all.
    if [[ "${core}" != "${NEWEST_CORE}" && "${SUPEROFFICE_TEST_FULL_INTEGRATION:-0}" != 1 ]]; then
        targets=(superoffice/every_line/)
    fi
    PATH="${venv}/bin:${PATH}" run ansible-test integration --venv --python "$(line_python "${core}")" --continue-on-error \
        --color no "${ANSIBLE_TEST_VERBOSITY[@]}" "${targets[@]}"
}

stage_lint() {
    local venv="$1"
    cd "${COPY}"
    # --offline: no collection dependency installs, no schema refresh. The
    # collection's own modules resolve through the copy's collections path.
    PATH="${venv}/bin:${PATH}" ANSIBLE_LINT_SKIP_VERSION_CHECK=1 \
        ANSIBLE_COLLECTIONS_PATH="${COPY_PARENT}" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false \
        run ansible-lint --profile production --offline --nocolor
}

stage_extra() {
    local venv
    venv="$(venv_for "${ROOT}/tests/requirements/nox.txt" "${ROOT}/.tmp/venv/nox")"
    cd "${COPY}"
    PATH="${venv}/bin:${PATH}" run nox --non-interactive --no-color -s extra-checks
}

stage_changelog() {
    local venv="$1"
    cd "${COPY}"
    PATH="${venv}/bin:${PATH}" run antsibull-changelog lint
    run_docs_tool release-changelog.sh --check
}

# run_docs_tool SCRIPT [ARGS...]: one of the copy's scripts/ (docs.sh, ee.sh, release-changelog.sh), with
# the newest line's toolchain venv.
run_docs_tool() {
    local script="$1"
    shift
    cd "${COPY}"
    SUPEROFFICE_DOCS_VENV="${VENVS[${NEWEST_CORE}]}" run bash "scripts/${script}" "$@"
}

stage_build() {
    local venv="$1" tarball listing smoke_dir
    export PATH="${venv}/bin:${PATH}"
    rm -rf "${TMP}/build" "${TMP}/installed" "${TMP}/smoke"
    mkdir -p "${TMP}/build" "${TMP}/installed" "${TMP}/smoke"
    cd "${COPY}"
    run ansible-galaxy collection build --force --output-path "${TMP}/build" .
    tarball="$(find "${TMP}/build" -maxdepth 1 -name 'superoffice-crm-*.tar.gz' | head -n 1)"
    [[ -n "${tarball}" ]] || {
        echo "no tarball in ${TMP}/build" >&2
        return 1
    }
    echo "tarball: ${tarball} ($(tar -tzf "${tarball}" | wc -l) entries)"
    run ansible-galaxy collection install --force --offline -p "${TMP}/installed" "${tarball}"

    # Only the installed collection may be found: no other collection path,
    # no site-packages scan, and the playbook runs from outside any
    # ansible_collections tree (a playbook inside a collection adds that collection).
    export ANSIBLE_COLLECTIONS_PATH="${TMP}/installed"
    export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
    export SUPEROFFICE_INSTALLED_COLLECTION="${TMP}/installed/ansible_collections/superoffice/crm"
    listing="$(ansible-galaxy collection list superoffice.crm 2>&1)"
    printf '%s\n' "${listing}"
    if [[ "${listing}" != *"${TMP}/installed/ansible_collections"* ]]; then
        echo "ansible-galaxy collection list does not show superoffice.crm under ${TMP}/installed" >&2
        return 1
    fi

    smoke_dir="${TMP}/smoke"
    cp "${ROOT}/tests/installed/smoke.yml" "${smoke_dir}/smoke.yml"
    emulator_start ""
    emulator_export_tenant SuperOffice
    cd "${smoke_dir}"
    run ansible-playbook -i localhost, -c local -e "ansible_python_interpreter=${venv}/bin/python" smoke.yml
    emulator_stop
}

# galaxy-importer on the tarball of the build stage, as Galaxy and Automation Hub run it on upload (no
# container engine here, so its ansible-test step is off; sanity runs in its own stage).
stage_import() {
    local venv="$1" tarball config
    tarball="$(find "${TMP}/build" -maxdepth 1 -name 'superoffice-crm-*.tar.gz' 2>/dev/null | head -n 1)"
    if [[ -z "${tarball}" ]]; then
        echo "no tarball in ${TMP}/build: the build stage must run first" >&2
        return 1
    fi
    config="${TMP}/galaxy-importer.cfg"
    printf '[galaxy-importer]\nrun_ansible_test = False\nrun_ansible_lint = True\nrun_ansible_doc = True\ncheck_required_tags = True\nlog_level_main = INFO\n' >"${config}"
    cd "${TMP}"
    PATH="${venv}/bin:${PATH}" GALAXY_IMPORTER_CONFIG="${config}" ANSIBLE_LOCAL_TEMP="${TMP}/ansible-local" \
        run python -m galaxy_importer.main --print-result "${tarball}" >"${TMP}/galaxy-importer.out" 2>&1 || {
        cat "${TMP}/galaxy-importer.out"
        return 1
    }
    cat "${TMP}/galaxy-importer.out"
    # It reports problems as errors and warnings in its log; a publishable artifact has none.
    if grep -Eq '^(ERROR|WARNING)' "${TMP}/galaxy-importer.out"; then
        echo "galaxy-importer reported errors or warnings (above)" >&2
        return 1
    fi
}

stage_docs() {
    run_docs_tool docs.sh --check
}

stage_demo() {
    local venv="$1"
    cd "${COPY}"
    # The copy's own .tmp: demo.sh creates nothing outside it but the toolchain venv, which is re-used.
    mkdir -p "${COPY}/.tmp/venv"
    ln -sfn "${venv}" "${COPY}/.tmp/venv/core-${NEWEST_CORE}"
    run bash scripts/demo.sh --check
}

stage_ee() {
    run_docs_tool ee.sh
}

# The home of a Java 17+ runtime (ansible-rulebook's rule engine, drools_jpy, runs in the JVM): JAVA_HOME, else the java
# on PATH. Fails saying what is missing.
find_java_home() {
    local java major
    if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
        java="${JAVA_HOME}/bin/java"
    elif command -v java >/dev/null 2>&1; then
        java="$(readlink -f "$(command -v java)")"
    else
        echo "eda: no Java runtime found (neither JAVA_HOME nor java on PATH): ansible-rulebook's rule engine (drools_jpy)" \
            "needs Java 17 or later. Install one, for example: apt-get install openjdk-17-jre-headless" >&2
        return 1
    fi
    major="$("${java}" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\).*/\1/p' | head -n 1)"
    if [[ -z "${major}" || "${major}" -lt 17 ]]; then
        echo "eda: ${java} is Java ${major:-of an unknown version}; ansible-rulebook's rule engine (drools_jpy) needs Java 17" \
            "or later: install one and put it first on PATH, or set JAVA_HOME" >&2
        return 1
    fi
    (cd "$(dirname "${java}")/.." && pwd)
}

stage_eda() {
    local venv java_home work tarball
    java_home="$(find_java_home)"
    echo "Java for ansible-rulebook: ${java_home} ($("${java_home}/bin/java" -version 2>&1 | head -n 1))"
    venv="$(venv_for "${ROOT}/tests/requirements/eda.txt" "${TMP}/venv/eda")"
    work="${TMP}/eda"
    rm -rf "${work}"
    mkdir -p "${work}/build" "${work}/collections"
    cd "${COPY}"
    # The collection as users install it: extensions/ must be in the tarball, and the event source must find the
    # collection's module_utils from an installed copy.
    PATH="${venv}/bin:${PATH}" run ansible-galaxy collection build --force --output-path "${work}/build" .
    tarball="$(find "${work}/build" -maxdepth 1 -name 'superoffice-crm-*.tar.gz' | head -n 1)"
    PATH="${venv}/bin:${PATH}" run ansible-galaxy collection install --force --offline -p "${work}/collections" "${tarball}"
    JAVA_HOME="${java_home}" PATH="${java_home}/bin:${venv}/bin:${PATH}" SUPEROFFICE_EDA_COLLECTIONS="${work}/collections" \
        run python -m pytest -p no:cacheprovider -v tests/eda
}

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

RESULT_STAGE=()
RESULT_CORE=()
RESULT_STATUS=()
RESULT_SECONDS=()
PASSED=0
FAILED=0

record() {
    RESULT_STAGE+=("$1")
    RESULT_CORE+=("$2")
    RESULT_STATUS+=("$3")
    RESULT_SECONDS+=("$4")
    if [[ "$3" == passed ]]; then
        PASSED=$((PASSED + 1))
    else
        FAILED=$((FAILED + 1))
    fi
}

# run_stage NAME CORE VENV: run stage_NAME in a subshell, time it, record it.
run_stage() {
    local name="$1" core="$2" venv="$3" start rc
    if (($(now) >= DEADLINE)); then
        record "${name}" "${core}" "not run (budget)" 0
        echo "<== stage ${name} (ansible-core ${core}) NOT RUN: time budget of ${BUDGET}s used up"
        return 0
    fi
    log "stage ${name} (ansible-core ${core})"
    start="$(now)"
    set +e
    (
        set -euo pipefail
        trap 'emulator_stop >/dev/null 2>&1' EXIT
        "stage_${name}" "${venv}" "${core}"
    )
    rc=$?
    set -e
    local seconds=$(($(now) - start))
    if [[ ${rc} == 0 ]]; then
        record "${name}" "${core}" passed "${seconds}"
        echo "<== stage ${name} (ansible-core ${core}) passed in ${seconds}s"
    else
        record "${name}" "${core}" "failed (rc ${rc})" "${seconds}"
        echo "<== stage ${name} (ansible-core ${core}) FAILED (rc ${rc}) in ${seconds}s"
    fi
}

TOTAL_START="$(now)"
DEADLINE=$((TOTAL_START + BUDGET))
mkdir -p "${TMP}"
log "superoffice.crm tests: ansible-core lines [${CORE_LINES}], stages [${STAGES}]"

declare -A VENVS=()
want_venv() {
    local core="$1" start
    if [[ -n "${VENVS[${core}]:-}" ]]; then
        return 0
    fi
    log "virtualenv for ansible-core ${core}"
    start="$(now)"
    set +e
    VENVS[${core}]="$(
        set -euo pipefail
        venv="$(core_venv "${core}")"
        install_get_pip_standin "${venv}"
        printf '%s\n' "${venv}"
    )"
    local rc=$?
    set -e
    if [[ ${rc} != 0 ]]; then
        VENVS[${core}]=FAILED
        record setup-venv "${core}" "failed (rc ${rc})" "$(($(now) - start))"
    else
        echo "venv ready in $(($(now) - start))s: ${VENVS[${core}]}"
    fi
}

log "fresh copy of the collection"
make_copy
if [[ " ${STAGES} " == *" sanity "* ]]; then
    ensure_shellcheck
fi

# Matrix stages on every selected line.
for core in ${CORE_LINES}; do
    # ansible-test keeps its controller venv and results in tests/output:
    # start each ansible-core line without the previous line's.
    rm -rf "${COPY}/tests/output"
    for stage in ${STAGES}; do
        [[ "${MATRIX_STAGES}" == *" ${stage} "* ]] || continue
        want_venv "${core}"
        if [[ "${VENVS[${core}]}" == FAILED ]]; then
            record "${stage}" "${core}" "failed (no venv)" 0
            continue
        fi
        run_stage "${stage}" "${core}" "${VENVS[${core}]}"
    done
done

# The other stages once, with the newest line's toolchain.
for stage in ${STAGES}; do
    [[ "${MATRIX_STAGES}" != *" ${stage} "* ]] || continue
    want_venv "${NEWEST_CORE}"
    if [[ "${VENVS[${NEWEST_CORE}]}" == FAILED ]]; then
        record "${stage}" "${NEWEST_CORE}" "failed (no venv)" 0
        continue
    fi
    run_stage "${stage}" "${NEWEST_CORE}" "${VENVS[${NEWEST_CORE}]}"
done

TOTAL_SECONDS=$(($(now) - TOTAL_START))
log "summary"
printf '%-14s %-6s %-18s %8s\n' STAGE CORE RESULT SECONDS
for i in "${!RESULT_STAGE[@]}"; do
    printf '%-14s %-6s %-18s %8s\n' "${RESULT_STAGE[$i]}" "${RESULT_CORE[$i]}" "${RESULT_STATUS[$i]}" "${RESULT_SECONDS[$i]}"
done
printf 'total wall time: %ss\n' "${TOTAL_SECONDS}"
printf '%d passed, %d failed\n' "${PASSED}" "${FAILED}"
if [[ ${FAILED} -gt 0 ]]; then
    exit 1
fi
