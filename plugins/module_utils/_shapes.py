# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shapes of the ErpSync agent's answers, and the check every answer passes before the collection uses it: members
and types as the Swagger names them (only what the collection reads is required), and the error objects agents answer
with HTTP 200.

Private to this collection (the leading underscore): its interface may change without notice.
"""

# Keys of the agents' error objects: {"Error": true, "ErrorType", "ErrorMessage"} and {"Message", "MessageDetail"}.
from ansible_collections.superoffice.crm.plugins.module_utils._values import timespan_to_seconds

ERROR_TEXT_KEYS = ('ErrorMessage', 'Message', 'MessageDetail', 'ExceptionMessage')


class Opt:
    """In a dict shape: a member that may be missing or null."""

    def __init__(self, shape):
        self.shape = shape


class MapOf:
    """An object whose values all have one shape (ConfigFields: text to text)."""

    def __init__(self, shape):
        self.shape = shape


class Parsed:
    """A string the collection reads further, such as a .NET TimeSpan: ``reads(text)`` says whether it can; ``words`` say
    what is expected (an answer it cannot read is an error, never a value to compare and write over)."""

    def __init__(self, reads, words):
        self.reads = reads
        self.words = words

    def problem(self, value, path):
        return None if self.reads(value) else '%s is %r, expected %s' % (path or 'the answer', value, self.words)


_TYPE_WORDS = {bool: 'true or false', int: 'a whole number', str: 'a string', float: 'a number', dict: 'an object', list: 'a list'}


def _json_kind(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'a boolean'
    for kind, word in ((int, 'a number'), (float, 'a number'), (str, 'a string'), (list, 'a list'), (dict, 'an object')):
        if isinstance(value, kind):
            return word
    return type(value).__name__


def shape_problem(value, shape, path=''):
    """What is wrong with an answer against its expected shape, or None. ``path`` names the field for the message.

    A shape is a type (bool, int, str, float), a tuple of shapes (any of them), ``[shape]`` (a list of), ``{'Key': shape}``
    (an object with these members; others are allowed), ``MapOf(shape)``, ``Opt(shape)`` (missing or null allowed) or
    ``Parsed`` (a string of a form the collection reads).
    """
    if isinstance(shape, Opt):
        return None if value is None else shape_problem(value, shape.shape, path)
    if isinstance(shape, tuple):
        problems = [shape_problem(value, one, path) for one in shape]
        return None if None in problems else problems[0]
    if isinstance(shape, type):
        return _type_problem(value, shape, path)
    if isinstance(shape, Parsed):
        return _type_problem(value, str, path) or shape.problem(value, path)
    problem, members = _members(value, shape, path)
    for name, item, member in members:
        problem = problem or shape_problem(item, member, name)
    return problem


def _members(value, shape, path):
    """The problem of a container itself (or None), and its members to check: (name, value, shape)."""
    container = list if isinstance(shape, list) else dict
    if not isinstance(value, container):
        return '%s is %s, expected %s' % (path or 'the answer', _json_kind(value), 'a list' if container is list else 'an object'), []
    if isinstance(shape, list):
        return None, [('%s[%d]' % (path or 'item', index), item, shape[0]) for index, item in enumerate(value)]
    if isinstance(shape, MapOf):
        return None, [(_member(path, key), item, shape.shape) for key, item in value.items()]
    missing = [key for key, member in shape.items() if key not in value and not isinstance(member, Opt)]
    if missing:
        return '%s is missing' % _member(path, missing[0]), []
    return None, [(_member(path, key), value.get(key), member) for key, member in shape.items()]


def _member(path, key):
    return '%s.%s' % (path, key) if path else key


def _type_problem(value, shape, path):
    ok = isinstance(value, shape) and not (shape in (int, float) and isinstance(value, bool))
    if shape is float:
        ok = ok or (isinstance(value, int) and not isinstance(value, bool))
    return None if ok else '%s is %s, expected %s' % (path or 'the answer', _json_kind(value), _TYPE_WORDS[shape])


def error_object_text(data, shape):
    """The text of an agent error object answered with HTTP 200 (``{"Error": true, ...}``, ``{"Message": ...}``,
    ``Succeeded: false``), or None when ``data`` is not one. A carrier that has the keys of ``shape`` is not one."""
    if not isinstance(data, dict):
        return None
    flagged = data.get('Error') is True or data.get('Succeeded') is False
    texts = ['%s' % data[k] for k in ERROR_TEXT_KEYS if data.get(k) not in (None, '')]
    expected_keys = set(shape) if isinstance(shape, dict) else set()
    if flagged or (texts and not (expected_keys & set(data))):
        return ' - '.join(texts) or '%s' % (data.get('ErrorType') or 'an error object without a message')
    return None


# Enums the server may send as names or as numbers (Swagger order).
ERP_ACTOR_TYPES = ('Unknown', 'Customer', 'Supplier', 'Partner', 'Person', 'Project', 'Employee', 'Sale')
CRM_ACTOR_TYPES = ('Unknown', 'Contact', 'Person', 'Project', 'Sale')
FIELD_ACCESS = ('Normal', 'Mandatory', 'ReadOnly')
ENUM = (str, int)


def enum_name(value, names):
    """An enum sent as a name or as a number (by the Swagger's order), as its name; unknown numbers stay numbers."""
    if isinstance(value, int) and not isinstance(value, bool):
        return names[value] if 0 <= value < len(names) else value
    return value


# Answer shapes (see shape_problem): only what the collection reads is required.
TIMESPAN = Parsed(lambda text: timespan_to_seconds(text) is not None, 'a .NET TimeSpan such as 00:05:00')
ENGINE = {'IsRunning': bool, 'StatusMessage': Opt(str), 'Interval': Opt(TIMESPAN)}
CONNECTION = {
    'ErpConnectionId': int, 'ErpConnectorId': int, 'DisplayName': Opt(str), 'DisplayDescription': Opt(str), 'Active': bool,
    'ConnectionId': Opt(str), 'MostRecentTimestamp': Opt(str), 'ConfigFields': Opt(MapOf(Opt(str))), 'Deleted': Opt(bool),
    'AllAccess': Opt(bool), 'UserGroupAccessIds': Opt([int]), 'AssociateAccessIds': Opt([int]),
}
LIST_ITEM = {'Id': int, 'Name': Opt(str), 'ToolTip': Opt(str)}
FIELD_METADATA = {
    'FieldKey': str, 'FieldType': Opt(ENUM), 'Access': Opt(ENUM), 'Rank': Opt(int), 'DisplayName': Opt(str),
    'DisplayDescription': Opt(str), 'DefaultValue': Opt(str), 'MaxLength': Opt(int), 'ListName': Opt(str), 'ShowInSearch': Opt(bool),
}
CONNECTOR_ENTITY = {'ErpConnectorId': int, 'DisplayName': Opt(str), 'URL': Opt(str), 'Deleted': Opt(bool)}
ACTOR_SUMMARY = {'ActorType': Opt(ENUM), 'HasMappings': Opt(bool), 'Defaults': Opt(str), 'Mappings': Opt(str)}
SUMMARY = {'DisplayName': Opt(str), 'Active': Opt(bool), 'Deleted': Opt(bool), 'LastSync': Opt(str), 'Actors': Opt([ACTOR_SUMMARY])}
FIELD_MAPPING = {
    'ErpFieldId': int, 'ErpFieldKey': str, 'CrmFieldKey': Opt(str), 'SyncToCrm': Opt(bool), 'SyncToErp': Opt(bool),
    'ShowInGui': Opt(bool), 'ShowInSearch': Opt(bool), 'Access': Opt(ENUM), 'FieldType': Opt(ENUM), 'ListReference': Opt(str),
    'ErpDisplayName': Opt(str), 'CrmDisplayName': Opt(str), 'AlreadyMapped': Opt(bool), 'MissingInERP': Opt(bool), 'MissingInCRM': Opt(bool),
}
ACTOR_MAPPING = {'ErpConnectionId': int, 'IsActive': bool, 'ActorTypeErp': ENUM, 'ActorTypeCrm': Opt(ENUM), 'FieldMappings': [FIELD_MAPPING]}
DEFAULT_VALUE = {
    'ErpFieldId': int, 'DefaultValue': Opt(str), 'HasFirstSyncDefaultValue': Opt(bool), 'FirstSyncDefaultValue': Opt(str),
    'PromptUser': Opt(bool), 'Mandatory': Opt(bool), 'ErpFieldKey': Opt(str),
}
MDO_ITEM = {'Id': int, 'Name': Opt(str), 'ExtraInfo': Opt(str), 'Deleted': Opt(bool), 'Rank': Opt(int)}
LIST_ITEM_MAPPING = {'ErpListItemId': str, 'ErpListItemName': Opt(str), 'CrmListItem': Opt(MDO_ITEM)}
LIST_MAPPING = {'ErpFieldId': int, 'ErpListName': Opt(str), 'ErpActorTypeName': Opt(str), 'CrmList': Opt(MDO_ITEM),
                'ErpCrmListItemMappings': [LIST_ITEM_MAPPING]}
LIST_CONTAINER = {'ErpConnectionId': int, 'ErpConnectionName': Opt(str), 'ErpListItemMappings': [LIST_MAPPING]}
# GetConnectionsAndDisplayFields: per connection, the ERP fields its ERP tab shows with their Rank (lowest first).
DISPLAY_FIELD = {'FieldKey': str, 'Rank': int}
CONNECTION_DATA = {'ErpConnectionId': int, 'ConnectionName': Opt(str), 'ErpActorType': Opt(ENUM), 'ErpActorTypes': Opt([ENUM]),
                   'ErpFields': Opt([DISPLAY_FIELD])}
PLUGIN_RESPONSE = {'IsOk': bool, 'UserExplanation': Opt(str), 'TechExplanation': Opt(str), 'ErrorCode': Opt(str),
                   'Status': Opt(ENUM), 'Changes': Opt(dict)}
