# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ErpSync agent's plumbing, shared by the method files under ``methods/``: the registry of methods, the errors
agents answer, and request-parameter readers that bind JSON the way .NET does (case-insensitive names, typed values).
"""

import copy

MISSING = object()

# Returned by void methods (DeleteConnection, ChangeEngineInterval): HTTP 204.
NO_CONTENT = object()

INT32_MIN = -2147483648
INT32_MAX = 2147483647


class AgentError(Exception):
    """A refused call, answered with the agents' "internal error object"."""

    http_status = 200

    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail

    def body(self):
        return {'Message': 'The request is invalid.', 'MessageDetail': self.detail}


class InvalidRequest(AgentError):
    """Missing parameter or a rule violation: HTTP 200 with the error object (documented agent quirk)."""

    http_status = 200


class BadRequest(AgentError):
    """Malformed request (wrong JSON type, body not JSON): HTTP 400 with the error object."""

    http_status = 400


class BusinessRuleError(InvalidRequest):
    """A rule of the server's ErpSync logic refused a well-formed request: HTTP 200 with the REST error object
    ``{Error, ErrorType, ErrorMessage, ErrorSource}``, the other shape the server answers (emulator README, "Errors")."""

    def body(self):
        return {'Error': True, 'ErrorType': 'SoException', 'ErrorMessage': self.detail,
                'ErrorSource': 'SuperOffice.Services.Implementation'}


class DataError(ValueError):
    """The data file (or an admin call) holds something the emulator cannot use."""


class AgentMethod:
    """One ErpSync method: its canonical name, implementation, carrier type (for XML/SOAP) and where its request comes
    from (``body``: a JSON object of parameters; ``entity``: the body is the carrier itself; ``query``: URL parameters)."""

    def __init__(self, name, func, result_type, item_type=None, request='body'):
        self.name = name
        self.func = func
        self.result_type = result_type
        self.item_type = item_type
        self.request = request


METHODS = {}


def agent_method(name, result_type, item_type=None, request='body'):
    def decorate(func):
        METHODS[name.lower()] = AgentMethod(name, func, result_type, item_type, request)
        return func
    return decorate


def find_method(name):
    """Case-insensitive like ASP.NET routing; None when the agent has no such method."""
    return METHODS.get((name or '').lower())


def json_type(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, (int, float)):
        return 'number'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, list):
        return 'array'
    return 'object'


def lookup(obj, name):
    # JSON.NET binds property names case-insensitively; keep that.
    if name in obj:
        return obj[name]
    lowered = name.lower()
    for key, value in obj.items():
        if key.lower() == lowered:
            return value
    return MISSING


def int_value(value, name, error=BadRequest):
    if isinstance(value, bool) or not isinstance(value, int):
        raise error("'%s' must be an integer, got a JSON %s" % (name, json_type(value)))
    if not INT32_MIN <= value <= INT32_MAX:
        raise error("'%s' is outside the 32-bit integer range" % name)
    return value


def required(params, name):
    value = lookup(params, name)
    if value is MISSING or value is None:
        raise InvalidRequest("The required parameter '%s' is missing." % name)
    return value


def int_param(params, name):
    return int_value(required(params, name), name)


def bool_param(params, name, default=MISSING):
    value = lookup(params, name)
    if value is MISSING or value is None:
        if default is MISSING:
            raise InvalidRequest("The required parameter '%s' is missing." % name)
        return default
    if not isinstance(value, bool):
        raise BadRequest("'%s' must be a boolean, got a JSON %s" % (name, json_type(value)))
    return value


def str_param(params, name, default=MISSING):
    value = lookup(params, name)
    if value is MISSING or value is None:
        if default is MISSING:
            raise InvalidRequest("The required parameter '%s' is missing." % name)
        return default
    if not isinstance(value, str):
        raise BadRequest("'%s' must be a string, got a JSON %s" % (name, json_type(value)))
    return value


def optional(obj, name, kind, default, error=BadRequest):
    """Read an optional typed member: missing or null -> default (what .NET binding does)."""
    value = lookup(obj, name)
    if value is MISSING or value is None:
        return copy.deepcopy(default)
    if kind is int:
        return int_value(value, name, error)
    if kind is bool and not isinstance(value, bool):
        raise error("'%s' must be a boolean, got a JSON %s" % (name, json_type(value)))
    if kind is str and not isinstance(value, str):
        raise error("'%s' must be a string, got a JSON %s" % (name, json_type(value)))
    if kind is list:
        if not isinstance(value, list):
            raise error("'%s' must be an array of integers, got a JSON %s" % (name, json_type(value)))
        return [int_value(item, name, error) for item in value]
    if kind is dict:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise error("'%s' must be an object of string values" % name)
        return dict(value)
    return value


def object_param(params, name):
    value = required(params, name)
    if not isinstance(value, dict):
        raise BadRequest("'%s' must be an object, got a JSON %s" % (name, json_type(value)))
    return value


def carrier(obj):
    """Add the read-only carrier metadata every agent carrier has (as the doc samples show)."""
    obj['TableRight'] = {'Mask': 'FULL', 'Reason': ''}
    obj['FieldProperties'] = {}
    return obj


def enum_param(params, name, names, default=MISSING):
    """An enum sent as its name (any case) or its number (Swagger order); BadRequest otherwise."""
    value = lookup(params, name)
    if value is MISSING or value is None:
        if default is MISSING:
            raise InvalidRequest("The required parameter '%s' is missing." % name)
        return default
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
        return names[value]
    if isinstance(value, str):
        for known in names:
            if known.lower() == value.strip().lower():
                return known
    raise BadRequest("'%s' must be one of %s, got %r" % (name, ', '.join(names), value))
