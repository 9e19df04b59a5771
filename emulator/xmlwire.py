# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A simple DataContract-like XML serialisation of agent results (for ``Accept: application/xml``).

Not byte-identical to .NET's DataContractSerializer: element order follows the JSON,
and dictionaries use the ``KeyValueOfstring...`` entry shape DataContract uses.
"""


from xml.sax.saxutils import escape

NS_SERVICES = 'http://www.superoffice.net/ws/crm/NetServer/Services88'
NS_SERIALIZATION = 'http://schemas.microsoft.com/2003/10/Serialization/'
NS_ARRAYS = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays'
NS_XSI = 'http://www.w3.org/2001/XMLSchema-instance'

# Members that are dictionaries (string -> value), not carriers with fixed properties.
MAP_MEMBERS = frozenset(('ConfigFields', 'FieldProperties'))
_PRIMITIVE_ROOTS = frozenset(('boolean', 'string', 'int'))


def _item_name(value):
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, int):
        return 'int'
    if isinstance(value, str):
        return 'string'
    return 'anyType'


def _scalar(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return escape(str(value))


def _write(parts, name, value, item_name=None, is_map=False):
    if value is None:
        parts.append('<%s i:nil="true"/>' % name)
    elif isinstance(value, list):
        parts.append('<%s>' % name)
        for item in value:
            _write(parts, item_name or _item_name(item), item)
        parts.append('</%s>' % name)
    elif isinstance(value, dict):
        parts.append('<%s>' % name)
        if is_map or name in MAP_MEMBERS:
            for key, item in value.items():
                entry = 'KeyValueOfstring' + ('string' if isinstance(item, str) else 'anyType')
                parts.append('<%s><Key>%s</Key>' % (entry, escape(str(key))))
                _write(parts, 'Value', item)
                parts.append('</%s>' % entry)
        else:
            for key, item in value.items():
                _write(parts, key, item)
        parts.append('</%s>' % name)
    else:
        parts.append('<%s>%s</%s>' % (name, _scalar(value), name))


def to_xml(value, root_name, item_name=None):
    """Serialise ``value`` under a root element named after its carrier type; returns bytes."""
    if root_name in _PRIMITIVE_ROOTS:
        namespace = NS_SERIALIZATION
    elif root_name.startswith('ArrayOf') and item_name in _PRIMITIVE_ROOTS:
        namespace = NS_ARRAYS
    else:
        namespace = NS_SERVICES
    parts = []
    _write(parts, root_name, value, item_name, is_map=(root_name == 'StringDictionary'))
    # Namespaces go on the root element's start tag.
    first = parts[0]
    close = '/>' if first.endswith('/>') else '>'
    parts[0] = first[:-len(close)].rstrip() + ' xmlns="%s" xmlns:i="%s"%s' % (namespace, NS_XSI, close)
    return ''.join(parts).encode('utf-8')
