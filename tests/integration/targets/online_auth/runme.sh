#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# SuperOffice Online: tenant discovery, a moved host (421), a suspended tenant, system-user login,
# a bad signature and a wrong app token, all against the emulator and all run with -vvv; then the
# output (and the emulator's request log) is searched for every secret.
#
# The app's RSA key pair, a wrong key, the system user token and the ticket the emulator issues are
# generated here, for this run only (nothing secret is committed).

set -eux
set -o pipefail

work="${OUTPUT_DIR:-}"
if [[ -z "${work}" ]]; then
    work="$(mktemp -d)"
fi
work="${work}/online_auth"
mkdir -p "${work}"

# The emulator's system-user endpoints and the modules' system-user auth need cryptography:
# take the first Python that has it (ansible-test puts its venv's "python" first on PATH).
emulator_python=""
for candidate in "${SUPEROFFICE_EMULATOR_PYTHON:-}" python python3; do
    if [[ -n "${candidate}" ]] && "${candidate}" -c 'import cryptography' 2>/dev/null; then
        emulator_python="${candidate}"
        break
    fi
done
if [[ -z "${emulator_python}" ]]; then
    echo "online_auth: no Python with the cryptography package (tests/integration/requirements.txt)" >&2
    exit 1
fi
export SUPEROFFICE_EMULATOR_PYTHON="${emulator_python}"

"${emulator_python}" - "${work}" <<'PYEOF'
import base64
import json
import os
import secrets
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

work = sys.argv[1]


def new_key(name):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = os.path.join(work, name + '.pem')
    with open(path, 'wb') as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption()))
    return key, path


app_key, app_key_path = new_key('throwaway-app-key')
dummy, wrong_key_path = new_key('throwaway-wrong-key')
values = {
    'system_user_token': 'ErpSyncCI-' + secrets.token_urlsafe(12),
    'issued_ticket': '7T:' + base64.b64encode(secrets.token_bytes(24)).decode(),
    'ticket': '7T:' + base64.b64encode(secrets.token_bytes(24)).decode(),
    'app_token': secrets.token_hex(16),
    'wrong_app_token': secrets.token_hex(16),
}
public_pem = app_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
data = {'tenants': {
    'Cust12345': {
        'online': True,
        'state': 'Running',
        'credentials': {'tickets': [values['ticket']], 'app_tokens': [values['app_token']]},
        'system_users': [{'token': values['system_user_token'], 'public_key_pem': public_pem, 'ticket': values['issued_ticket']}],
        'engine': {'running': True, 'interval_seconds': 300},
    },
    # setup_emulator exports the credentials of an on-site tenant; this target unsets them again.
    'SuperOffice': {'online': False, 'credentials': {'users': {'ci-admin': secrets.token_hex(8)}}},
}}
with open(os.path.join(work, 'online.json'), 'w') as handle:
    json.dump(data, handle)
with open(os.path.join(work, 'vars.json'), 'w') as handle:
    json.dump(dict(values, app_key_path=app_key_path, wrong_key_path=wrong_key_path), handle)
PYEOF

export SUPEROFFICE_EMULATOR_DATA_FILE="${work}/online.json"
# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh
# The on-site tenant's address and credentials must not leak into these tasks (url excludes context_identifier).
unset SUPEROFFICE_URL SUPEROFFICE_USERNAME SUPEROFFICE_PASSWORD

started="$(date -u +%s)"
# With invocation in every result (ansible-core 2.21 leaves it out unless asked), so the search below covers the arguments too.
ANSIBLE_INJECT_INVOCATION=1 ansible-playbook -i "${INVENTORY_PATH:-localhost,}" playbook.yml -e "@${work}/vars.json" -vvv "$@" 2>&1 \
    | tee "${work}/play.log"
finished="$(date -u +%s)"

# Every secret of the run, one per line: the options, the key material, the signatures a signed
# token of this run can carry (PKCS#1 v1.5 is deterministic: one per key and minute), the tickets.
"${emulator_python}" - "${work}" "${started}" "${finished}" >"${work}/secrets.txt" <<'PYEOF'
import base64
import json
import os
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

work, started, finished = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(os.path.join(work, 'vars.json')) as handle:
    values = json.load(handle)
for name in ('system_user_token', 'issued_ticket', 'ticket', 'app_token', 'wrong_app_token'):
    print(values[name])
for path in (values['app_key_path'], values['wrong_key_path']):
    with open(path, 'rb') as handle:
        pem = handle.read()
    for line in pem.decode().splitlines():
        if line and not line.startswith('-----'):
            print(line)
    key = serialization.load_pem_private_key(pem, password=None)
    for minute in range(started - 120, finished + 120, 60):
        data = '%s.%s' % (values['system_user_token'], time.strftime('%Y%m%d%H%M', time.gmtime(minute)))
        print(base64.b64encode(key.sign(data.encode(), padding.PKCS1v15(), hashes.SHA256())).decode())
PYEOF

leaks=0
for file in "${work}/play.log" "${SUPEROFFICE_EMULATOR_LOG}"; do
    if grep -n -F -f "${work}/secrets.txt" "${file}" >"${work}/leaks.txt"; then
        echo "online_auth: SECRET FOUND in ${file} (lines: $(cut -d: -f1 "${work}/leaks.txt" | tr '\n' ' '))" >&2
        leaks=1
    fi
    # A JWT: base64url JSON header "." base64url JSON claims.
    if grep -n -E 'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}' "${file}" >"${work}/leaks.txt"; then
        echo "online_auth: JWT FOUND in ${file} (lines: $(cut -d: -f1 "${work}/leaks.txt" | tr '\n' ' '))" >&2
        leaks=1
    fi
done
# The search ran over verbose module output (masked option values are shown as this placeholder).
grep -q -F 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' "${work}/play.log"
grep -q -F 'SuperOffice refused the system user' "${work}/play.log"
test "${leaks}" = 0
echo "online_auth: no secret in the -vvv output or the request log ($(wc -l <"${work}/secrets.txt") values checked)"
