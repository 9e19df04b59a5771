#!/usr/bin/env bash
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# TLS with a private certificate authority, as on-site installations have it: the emulator serves HTTPS with a
# certificate of a CA made here (openssl). Verified with ca_path (and SUPEROFFICE_CA_PATH, and the REQUESTS_CA_BUNDLE of
# the requests library); without the CA the task fails naming ca_path; validate_certs=false works and warns; and the
# options win over a REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE that points elsewhere.

set -eux
set -o pipefail

PKI="${OUTPUT_DIR:-$(mktemp -d)}/tls-pki"
rm -rf "${PKI}"
mkdir -p "${PKI}"
# The extensions Python 3.13's strict verification asks for (key usage, key identifiers).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=superoffice.crm test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" -keyout "${PKI}/ca.key" -out "${PKI}/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "${PKI}/server.key" -out "${PKI}/server.csr" 2>/dev/null
printf '%s\n' subjectAltName=IP:127.0.0.1,DNS:localhost basicConstraints=CA:FALSE keyUsage=critical,digitalSignature,keyEncipherment \
    extendedKeyUsage=serverAuth subjectKeyIdentifier=hash authorityKeyIdentifier=keyid >"${PKI}/server.ext"
openssl x509 -req -in "${PKI}/server.csr" -CA "${PKI}/ca.pem" -CAkey "${PKI}/ca.key" -CAcreateserial -days 2 \
    -extfile "${PKI}/server.ext" -out "${PKI}/server.pem" 2>/dev/null
export SUPEROFFICE_EMULATOR_TLS_CERT="${PKI}/server.pem" SUPEROFFICE_EMULATOR_TLS_KEY="${PKI}/server.key"
export SUPEROFFICE_TEST_CA="${PKI}/ca.pem"

source ../setup_emulator/emulator.sh
[[ "${SUPEROFFICE_URL}" == https://* ]]

ansible-playbook -i "${INVENTORY_PATH:-localhost,}" playbook.yml "$@"
# The CA from the environment: SUPEROFFICE_CA_PATH (the modules' fallback), then REQUESTS_CA_BUNDLE (the requests library's).
SUPEROFFICE_CA_PATH="${SUPEROFFICE_TEST_CA}" ansible-playbook -i "${INVENTORY_PATH:-localhost,}" environment.yml "$@"
REQUESTS_CA_BUNDLE="${SUPEROFFICE_TEST_CA}" ansible-playbook -i "${INVENTORY_PATH:-localhost,}" environment.yml "$@"
# An environment that points requests at another bundle (as many execution environments do) must not override the
# options: ca_path still verifies, validate_certs=false still skips verification, and without either the task fails.
OTHER_BUNDLE="$(python3 -c 'import certifi; print(certifi.where())')"
REQUESTS_CA_BUNDLE="${OTHER_BUNDLE}" CURL_CA_BUNDLE="${OTHER_BUNDLE}" ansible-playbook -i "${INVENTORY_PATH:-localhost,}" playbook.yml "$@"
