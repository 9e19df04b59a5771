# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connection options every module takes (the doc fragment superoffice.crm.webapi documents them), and the checks
that refuse a bad value before any request: numbers in range, exactly one credential, header-safe secrets, the CA file.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import copy
import os
import re

from ansible.module_utils.basic import env_fallback

WEBAPI_ARGUMENT_SPEC = dict(
    url=dict(type='str', fallback=(env_fallback, ['SUPEROFFICE_URL'])),
    # SuperOffice Online: look the tenant address up instead of giving url (plugins/module_utils/_online.py).
    context_identifier=dict(type='str', fallback=(env_fallback, ['SUPEROFFICE_CONTEXT_IDENTIFIER'])),
    environment=dict(type='str', default='online', choices=['sod', 'stage', 'online'], fallback=(env_fallback, ['SUPEROFFICE_ENVIRONMENT'])),
    environment_url=dict(type='str', fallback=(env_fallback, ['SUPEROFFICE_ENVIRONMENT_URL'])),
    username=dict(type='str', fallback=(env_fallback, ['SUPEROFFICE_USERNAME'])),
    # No env_fallback for credentials: their variables are read only when no credential option is given,
    # so an explicit ticket is not refused because SUPEROFFICE_PASSWORD happens to be set (see choose_credential()).
    password=dict(type='str', no_log=True),
    ticket=dict(type='str', no_log=True),
    access_token=dict(type='str', no_log=True),
    system_user_token=dict(type='str', no_log=True),
    app_token=dict(type='str', no_log=True, fallback=(env_fallback, ['SUPEROFFICE_APP_TOKEN'])),
    private_key=dict(type='str', no_log=True, fallback=(env_fallback, ['SUPEROFFICE_PRIVATE_KEY'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['SUPEROFFICE_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['SUPEROFFICE_CA_PATH'])),
    timeout=dict(type='float', default=30, fallback=(env_fallback, ['SUPEROFFICE_TIMEOUT'])),
    retries=dict(type='int', default=3, fallback=(env_fallback, ['SUPEROFFICE_RETRIES'])),
    retry_max_wait=dict(type='float', default=60, fallback=(env_fallback, ['SUPEROFFICE_RETRY_MAX_WAIT'])),
    concurrency=dict(type='int', default=4, fallback=(env_fallback, ['SUPEROFFICE_CONCURRENCY'])),
    lock_timeout=dict(type='float', default=600, fallback=(env_fallback, ['SUPEROFFICE_LOCK_TIMEOUT'])),
    # Transport: the REST WebAPI, or the SOAP services of older installations (plugins/module_utils/_soap.py).
    api=dict(type='str', default='rest', choices=['rest', 'soap'], fallback=(env_fallback, ['SUPEROFFICE_API'])),
    services_version=dict(type='str', fallback=(env_fallback, ['SUPEROFFICE_SERVICES_VERSION'])),
    soap_version=dict(type='str', default='1.1', choices=['1.1', '1.2'], fallback=(env_fallback, ['SUPEROFFICE_SOAP_VERSION'])),
)

SECRET_OPTIONS = ('private_key', 'password', 'ticket', 'access_token', 'system_user_token', 'app_token')
# Each credential option and the environment variable it falls back to.
CREDENTIAL_OPTIONS = (('password', 'SUPEROFFICE_PASSWORD'), ('ticket', 'SUPEROFFICE_TICKET'), ('access_token', 'SUPEROFFICE_ACCESS_TOKEN'),
                      ('system_user_token', 'SUPEROFFICE_SYSTEM_USER_TOKEN'))
# Options sent as they are in an HTTP header (Authorization: SOTicket / Bearer, SO-AppToken), which must be Latin-1.
HEADER_OPTIONS = ('ticket', 'access_token', 'app_token')
MAX_CONCURRENCY = 32
# Lowest allowed value of each number option.
NUMBER_MINIMUMS = (('timeout', 0.001), ('retries', 0), ('retry_max_wait', 0), ('concurrency', 1), ('lock_timeout', 0))

_CONTROL_CHARACTERS = re.compile(r'[\x00-\x1f\x7f]')


def webapi_argument_spec(**module_options):
    """The connection options every module takes, plus the module's own options."""
    spec = copy.deepcopy(WEBAPI_ARGUMENT_SPEC)
    spec.update(module_options)
    return spec


def number_problem(params):
    """What is wrong with the number options (None when nothing is)."""
    for name, low in NUMBER_MINIMUMS:
        if name in params and params[name] < low:
            return '%s must be %s, got %s' % (name, 'greater than 0' if name == 'timeout' else '%s or more' % low, params[name])
    if params.get('concurrency', 1) > MAX_CONCURRENCY:
        return 'concurrency must be at most %d, got %d' % (MAX_CONCURRENCY, params['concurrency'])
    return None


def choose_credential(params, secrets):
    """Settle on exactly one credential: the options given, else the environment variables (whose value is then put in
    ``params`` and registered as a secret). Returns the option's name; raises ValueError naming what was found."""
    given = [name for name, dummy in CREDENTIAL_OPTIONS if params.get(name)]
    source = 'options'
    if not given:
        source = 'environment variables'
        for name, variable in CREDENTIAL_OPTIONS:
            value = os.environ.get(variable)
            if value:
                secrets.add(value)  # masked like an option's value, also in the message below
                params[name] = value
                given.append(name)
    if len(given) != 1:
        names = ', '.join(given) if source == 'options' else ', '.join(v for n, v in CREDENTIAL_OPTIONS if n in given)
        raise ValueError(
            'Give exactly one credential: password (with username, for Basic auth on-site), ticket (SOTicket), '
            'access_token (Bearer) or system_user_token (SuperOffice Online, with app_token and private_key), as an option or, '
            'when no credential option is given, as the environment variable SUPEROFFICE_PASSWORD, SUPEROFFICE_TICKET, '
            'SUPEROFFICE_ACCESS_TOKEN or SUPEROFFICE_SYSTEM_USER_TOKEN. Found %s: %s.' % (
                source if given else 'neither', names or 'none'))
    return given[0]


def check_plain_options(params):
    """Refuse, before any request, values that requests would reject at send time (with a traceback)."""
    for name in HEADER_OPTIONS:
        value = params.get(name)
        if not value:
            continue
        # Never show the value: it is a secret.
        if _CONTROL_CHARACTERS.search(value):
            raise ValueError('%s contains a line break or another control character; give the %s on one line, '
                             'without surrounding quotes or newlines' % (name, name.replace('_', ' ')))
        try:
            value.encode('latin-1')
        except UnicodeEncodeError:
            raise ValueError('%s contains characters that cannot be sent in an HTTP header (only Latin-1 can): check that '
                             'it was copied whole, without typographic quotes or other special characters' % name)
    ca_path = params.get('ca_path')
    if ca_path and params['validate_certs'] and not os.path.exists(ca_path):
        raise ValueError('ca_path %s does not exist: give the PEM CA bundle file (or a directory of hashed CA certificates) '
                         'that verifies the server' % ca_path)
