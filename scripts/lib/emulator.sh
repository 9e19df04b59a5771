#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourceable helper that starts and stops the SuperOffice WebAPI emulator
# (the stdlib HTTP server package `emulator/` at the collection root).
#
#   source scripts/lib/emulator.sh
#   emulator_start [DATA_FILE]      # default: emulator/data/demo.json
#   emulator_export_tenant [TENANT] # default: SuperOffice (the on-site tenant)
#   ...                             # use $SUPEROFFICE_URL, $SUPEROFFICE_EMULATOR_URL
#   emulator_stop                   # also runs automatically on EXIT
#
# emulator_start exports:
#   SUPEROFFICE_EMULATOR_URL   http://127.0.0.1:PORT (https:// with TLS)
#   SUPEROFFICE_EMULATOR_PORT  PORT
#   SUPEROFFICE_EMULATOR_PID   pid of the emulator process
#   SUPEROFFICE_EMULATOR_DATA  absolute path of the data file
#   SUPEROFFICE_EMULATOR_LOG   request log written by the emulator (--log)
#   SUPEROFFICE_EMULATOR_OUT   stdout/stderr of the emulator process
# emulator_export_tenant exports SUPEROFFICE_URL, SUPEROFFICE_USERNAME and
# SUPEROFFICE_PASSWORD for one tenant of the data file.
#
# Environment knobs:
#   SUPEROFFICE_COLLECTION_ROOT  directory that contains the `emulator` package
#                                (default: two levels above this file)
#   SUPEROFFICE_EMULATOR_PYTHON  Python used to run it (default: python3)
#   SUPEROFFICE_EMULATOR_NO_TRAP=1  do not register the EXIT trap (call
#                                emulator_stop yourself)
#   SUPEROFFICE_EMULATOR_KEEP=1  keep the emulator's temp dir (logs) after stop
#   SUPEROFFICE_EMULATOR_TLS_CERT, SUPEROFFICE_EMULATOR_TLS_KEY  serve HTTPS with this
#                                PEM certificate and key (SUPEROFFICE_EMULATOR_URL is then https://)
#
# The file is both sourceable and executable (sanity's shebang test wants an
# executable with a shebang); executing it only prints this help.

_emulator_lib_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

_emulator_log() {
    printf 'emulator.sh: %s\n' "$*" >&2
}

_emulator_root() {
    if [[ -n "${SUPEROFFICE_COLLECTION_ROOT:-}" ]]; then
        printf '%s\n' "${SUPEROFFICE_COLLECTION_ROOT}"
    else
        (cd "${_emulator_lib_dir}/../.." && pwd)
    fi
}

_emulator_python() {
    if [[ -n "${SUPEROFFICE_EMULATOR_PYTHON:-}" ]]; then
        printf '%s\n' "${SUPEROFFICE_EMULATOR_PYTHON}"
    elif command -v python3 >/dev/null 2>&1; then
        command -v python3
    else
        command -v python
    fi
}

# emulator_start [DATA_FILE]
emulator_start() {
    local root python data tmpdir port_file waited port
    root="$(_emulator_root)"
    python="$(_emulator_python)"
    data="${1:-${root}/emulator/data/demo.json}"

    if [[ -n "${SUPEROFFICE_EMULATOR_PID:-}" ]] && kill -0 "${SUPEROFFICE_EMULATOR_PID}" 2>/dev/null; then
        _emulator_log "already running (pid ${SUPEROFFICE_EMULATOR_PID}) at ${SUPEROFFICE_EMULATOR_URL:-?}"
        return 0
    fi
    if [[ ! -f "${root}/emulator/__main__.py" && ! -f "${root}/emulator/__init__.py" ]]; then
        _emulator_log "no emulator package under ${root}/emulator (set SUPEROFFICE_COLLECTION_ROOT)"
        return 1
    fi
    if [[ ! -f "${data}" ]]; then
        _emulator_log "data file not found: ${data}"
        return 1
    fi
    data="$(cd "$(dirname "${data}")" && pwd)/$(basename "${data}")"

    tmpdir="$(mktemp -d "${TMPDIR:-/tmp}/superoffice-emulator.XXXXXX")"
    port_file="${tmpdir}/port"
    export SUPEROFFICE_EMULATOR_TMPDIR="${tmpdir}"
    export SUPEROFFICE_EMULATOR_LOG="${tmpdir}/requests.log"
    export SUPEROFFICE_EMULATOR_OUT="${tmpdir}/emulator.out"
    export SUPEROFFICE_EMULATOR_DATA="${data}"

    local scheme=http tls=()
    if [[ -n "${SUPEROFFICE_EMULATOR_TLS_CERT:-}" ]]; then
        scheme=https
        tls=(--tls-cert "${SUPEROFFICE_EMULATOR_TLS_CERT}" --tls-key "${SUPEROFFICE_EMULATOR_TLS_KEY}")
    fi
    PYTHONPATH="${root}${PYTHONPATH:+:${PYTHONPATH}}" "${python}" -m emulator \
        --port 0 --port-file "${port_file}" --data "${data}" --log "${SUPEROFFICE_EMULATOR_LOG}" "${tls[@]}" \
        >"${SUPEROFFICE_EMULATOR_OUT}" 2>&1 </dev/null &
    export SUPEROFFICE_EMULATOR_PID=$!

    if [[ "${SUPEROFFICE_EMULATOR_NO_TRAP:-0}" != 1 ]]; then
        trap emulator_stop EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
    fi

    # Wait up to 15 s for the port file.
    waited=0
    while [[ ! -s "${port_file}" ]]; do
        if ! kill -0 "${SUPEROFFICE_EMULATOR_PID}" 2>/dev/null; then
            _emulator_log "emulator exited before binding; its output:"
            cat "${SUPEROFFICE_EMULATOR_OUT}" >&2 || true
            unset SUPEROFFICE_EMULATOR_PID
            return 1
        fi
        if ((waited >= 150)); then
            _emulator_log "emulator did not write ${port_file} within 15 s; its output:"
            cat "${SUPEROFFICE_EMULATOR_OUT}" >&2 || true
            emulator_stop
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    # The port file may be written non-atomically: read until it is a number.
    port="$(tr -dc '0-9' <"${port_file}")"
    while [[ -z "${port}" ]] && ((waited < 150)); do
        sleep 0.1
        waited=$((waited + 1))
        port="$(tr -dc '0-9' <"${port_file}")"
    done
    export SUPEROFFICE_EMULATOR_PORT="${port}"
    export SUPEROFFICE_EMULATOR_URL="${scheme}://127.0.0.1:${port}"
    _emulator_log "started (pid ${SUPEROFFICE_EMULATOR_PID}) at ${SUPEROFFICE_EMULATOR_URL} with $(basename "${data}")"
}

# emulator_stop: SIGTERM, wait (up to 10 s, then SIGKILL). Safe to call twice.
emulator_stop() {
    local pid="${SUPEROFFICE_EMULATOR_PID:-}" i
    if [[ -n "${pid}" ]]; then
        if kill -0 "${pid}" 2>/dev/null; then
            kill -TERM "${pid}" 2>/dev/null || true
            for ((i = 0; i < 100; i++)); do
                kill -0 "${pid}" 2>/dev/null || break
                sleep 0.1
            done
            if kill -0 "${pid}" 2>/dev/null; then
                _emulator_log "emulator (pid ${pid}) ignored SIGTERM; sending SIGKILL"
                kill -KILL "${pid}" 2>/dev/null || true
            fi
        fi
        wait "${pid}" 2>/dev/null || true
        _emulator_log "stopped (pid ${pid})"
    fi
    unset SUPEROFFICE_EMULATOR_PID
    if [[ -n "${SUPEROFFICE_EMULATOR_TMPDIR:-}" && "${SUPEROFFICE_EMULATOR_KEEP:-0}" != 1 ]]; then
        rm -rf "${SUPEROFFICE_EMULATOR_TMPDIR}"
        unset SUPEROFFICE_EMULATOR_TMPDIR
    fi
    return 0
}

# emulator_credentials DATA_FILE TENANT: prints "username<TAB>password" of the
# tenant's first user. Layout of the data file (emulator/data/demo.json):
#   {"tenants": {"<TenantKey>": {"credentials": {"users": {"<user>": "<password>"}, ...}, ...}}}
# A list of {"username": ..., "password": ...} objects under "users" works too.
emulator_credentials() {
    local data="$1" tenant="$2" python
    python="$(_emulator_python)"
    "${python}" - "${data}" "${tenant}" <<'PYEOF'
import json
import sys

data_file, tenant = sys.argv[1], sys.argv[2]
with open(data_file) as f:
    doc = json.load(f)

tenants = doc.get('tenants', doc) if isinstance(doc, dict) else {}
if tenant not in tenants:
    sys.exit('tenant %r not found in %s (tenants: %s)' % (tenant, data_file, ', '.join(sorted(tenants))))
credentials = tenants[tenant].get('credentials') or {}
users = credentials.get('users') or {}
found = None
if isinstance(users, dict) and users:
    found = next(iter(users.items()))
elif isinstance(users, list):
    for user in users:
        lower = dict((k.lower(), v) for k, v in user.items())
        name = lower.get('username', lower.get('user', lower.get('name')))
        if name is not None and 'password' in lower:
            found = (name, lower['password'])
            break
elif 'username' in credentials and 'password' in credentials:
    found = (credentials['username'], credentials['password'])
if found is None:
    sys.exit('tenant %r in %s has no user with a password (credentials.users)' % (tenant, data_file))
print('%s\t%s' % found)
PYEOF
}

# emulator_export_tenant [TENANT] [DATA_FILE]: export SUPEROFFICE_URL,
# SUPEROFFICE_USERNAME and SUPEROFFICE_PASSWORD for TENANT (default SuperOffice,
# the on-site tenant) of the running emulator's data file.
emulator_export_tenant() {
    local tenant="${1:-SuperOffice}" data="${2:-${SUPEROFFICE_EMULATOR_DATA:-}}" creds
    if [[ -z "${SUPEROFFICE_EMULATOR_URL:-}" || -z "${data}" ]]; then
        _emulator_log "emulator_export_tenant: start the emulator first"
        return 1
    fi
    creds="$(emulator_credentials "${data}" "${tenant}")" || return 1
    export SUPEROFFICE_URL="${SUPEROFFICE_EMULATOR_URL}/${tenant}"
    export SUPEROFFICE_USERNAME="${creds%%$'\t'*}"
    export SUPEROFFICE_PASSWORD="${creds#*$'\t'}"
}

if [[ "${BASH_SOURCE[0]}" == "${0}" ]]; then
    sed -n '5,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
fi
