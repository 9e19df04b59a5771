# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):

    # The connection options every module takes (plugins/module_utils/_webapi.py WEBAPI_ARGUMENT_SPEC).
    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base address of the tenant, for example V(https://online2.superoffice.com/Cust12345) (SuperOffice Online)
        or V(https://crm.example.com/SuperOffice) (on-site).
      - A trailing V(/), V(/api) or V(/api/v1) is accepted and removed.
      - If not set, the value of the E(SUPEROFFICE_URL) environment variable is used.
      - Required (as the option or the environment variable).
    type: str
  username:
    description:
      - User name for C(Basic) authentication, together with O(password). On-site installations only,
        and only where the WebAPI allows it (C(AuthorizeWithUsername)).
      - If not set, the value of the E(SUPEROFFICE_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password for C(Basic) authentication, with O(username).
      - Exactly one of O(password), O(ticket) and O(access_token) must be given.
      - If no credential option (O(password), O(ticket), O(access_token)) is given, the value of the E(SUPEROFFICE_PASSWORD) environment
        variable is used; explicit options always win over these variables.
    type: str
  ticket:
    description:
      - A SuperOffice credentials ticket (C(7T:...)), sent in the C(Authorization) header with the C(SOTicket) scheme.
        Tickets expire after 6 hours. SuperOffice Online also needs O(app_token).
      - Exactly one of O(password), O(ticket) and O(access_token) must be given.
      - If no credential option (O(password), O(ticket), O(access_token)) is given, the value of the E(SUPEROFFICE_TICKET) environment
        variable is used; explicit options always win over these variables.
    type: str
  access_token:
    description:
      - An OAuth/OpenID Connect access token from SuperID (SuperOffice Online), sent in the C(Authorization) header with the C(Bearer) scheme.
      - Exactly one of O(password), O(ticket) and O(access_token) must be given.
      - If no credential option (O(password), O(ticket), O(access_token)) is given, the value of the E(SUPEROFFICE_ACCESS_TOKEN) environment
        variable is used; explicit options always win over these variables.
    type: str
  app_token:
    description:
      - The application token (client secret) of your registered SuperOffice app, sent as the C(SO-AppToken) header.
        SuperOffice Online requires it together with O(ticket).
      - If not set, the value of the E(SUPEROFFICE_APP_TOKEN) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate. Set to V(false) only on trusted test systems.
      - If not set, the value of the E(SUPEROFFICE_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM CA bundle used to verify the server certificate, for installations behind a private PKI.
      - If not set, the value of the E(SUPEROFFICE_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP answer.
      - If not set, the value of the E(SUPEROFFICE_TIMEOUT) environment variable is used.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried after a connection error, HTTP 429 (honouring C(Retry-After)) or
        HTTP 502, 503 or 504, with exponential backoff and jitter. Each retry is reported as a warning.
      - Writes that are not safe to repeat (toggling the Active flag, creating a connection) are only retried when the
        server certainly did not act on them; after an unclear outcome the module re-reads the state and decides.
      - If not set, the value of the E(SUPEROFFICE_RETRIES) environment variable is used.
    type: int
    default: 3
  retry_max_wait:
    description:
      - The longest wait, in seconds, before one retry, also when the server asks for longer with C(Retry-After).
      - If not set, the value of the E(SUPEROFFICE_RETRY_MAX_WAIT) environment variable is used.
    type: float
    default: 60
requirements:
  - requests
notes:
  - The modules run on the controller (or wherever they are delegated); use C(hosts=localhost) or C(delegate_to=localhost).
  - All modules are in the action group C(superoffice.crm.webapi), so connection options can be set once for all of them
    with C(group/superoffice.crm.webapi) under C(module_defaults).
  - Secrets (O(password), O(ticket), O(access_token), O(app_token)) are never shown in results, warnings or errors.
'''
