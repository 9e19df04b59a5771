# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Authorization header checks (Basic, SOTicket + SO-AppToken, Bearer), per tenant kind.

Messages never contain the presented credential values.
"""


import base64
import binascii
import hmac


class AuthResult(object):
    def __init__(self, scheme, app_token, error=None):
        self.scheme = scheme          # "Basic" | "SOTicket" | "Bearer" | "none" (for the request log)
        self.app_token = app_token    # whether an SO-AppToken header was sent
        self.error = error            # None when accepted, else the 401 message

    @property
    def ok(self):
        return self.error is None


def _known(value, candidates):
    # Constant-time compare against each accepted value.
    found = False
    for candidate in candidates:
        if hmac.compare_digest(value.encode('utf-8'), candidate.encode('utf-8')):
            found = True
    return found


def www_authenticate(tenant):
    """The schemes the tenant accepts, one WWW-Authenticate value each."""
    schemes = ('SOTicket', 'Bearer') if tenant.online else ('Basic', 'SOTicket')
    return ['%s realm="SuperOffice"' % scheme for scheme in schemes]


def authenticate(tenant, authorization, app_token):
    """Check one request's ``Authorization`` and ``SO-AppToken`` header values against a tenant."""
    creds = tenant.credentials
    has_app_token = bool(app_token and app_token.strip())
    if not authorization or not authorization.strip():
        return AuthResult('none', has_app_token, 'Authorization has been denied for this request: no credentials were supplied.')
    scheme, dummy, value = authorization.strip().partition(' ')
    value = value.strip()
    scheme_key = scheme.lower()

    if scheme_key == 'basic':
        if tenant.online:
            return AuthResult('Basic', has_app_token, 'Basic authentication (username/password) is not enabled in the Online environment.')
        try:
            decoded = base64.b64decode(value.encode('ascii'), validate=True).decode('utf-8')
        except (binascii.Error, ValueError):
            return AuthResult('Basic', has_app_token, 'The Basic credentials are malformed.')
        user, sep, password = decoded.partition(':')
        users = creds['users']
        if not sep or user not in users or not _known(password, [users[user]]):
            return AuthResult('Basic', has_app_token, 'Invalid username or password.')
        return AuthResult('Basic', has_app_token)

    if scheme_key == 'soticket':
        if not value or not _known(value, creds['tickets']):
            return AuthResult('SOTicket', has_app_token, 'The ticket is invalid or has expired.')
        if tenant.online:
            if not has_app_token:
                return AuthResult('SOTicket', False, 'The SO-AppToken header is missing: it is required with SOTicket in Online.')
            if not _known(app_token.strip(), creds['app_tokens']):
                return AuthResult('SOTicket', True, 'The SO-AppToken header is invalid: the application token is not known.')
        return AuthResult('SOTicket', has_app_token)

    if scheme_key == 'bearer':
        if not tenant.online:
            return AuthResult('Bearer', has_app_token, 'Bearer access tokens are not accepted by this on-site installation.')
        if not value or not _known(value, creds['access_tokens']):
            return AuthResult('Bearer', has_app_token, 'The access token is invalid or has expired.')
        return AuthResult('Bearer', has_app_token)

    return AuthResult('none', has_app_token, 'Unsupported authorization scheme.')
