# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A YAML variables file in which tenant data can never become code: every string is double-quoted (so it reads back as a
string), and one that Ansible could take for a template (it holds ``{``, or starts a ``#jinja2:`` header) is tagged
``!unsafe``: Ansible's loader keeps it as it is wherever the file is loaded (vars_files, include_vars, -e @file,
host_vars). Only the templates the exporter made itself (the vault placeholders) stay templates.

Why not ``!unsafe`` on every string: Ansible resolves an ``!unsafe`` scalar as if it were plain, so ``!unsafe "yes"`` reads
back as true and ``!unsafe ""`` as null; a string without ``{`` cannot be a template, so it needs no tag.

Private to this collection (the leading underscore): its interface may change without notice.
"""

# What a YAML reader takes in a double-quoted scalar as it is (anything else is escaped): printable ASCII and the printable
# Unicode ranges (YAML 1.1 "printable"), minus what YAML reads as a line break (NEL, LS, PS) and the byte order mark.
_PRINTABLE = ((0x20, 0x7E), (0xA0, 0x2027), (0x202A, 0xD7FF), (0xE000, 0xFEFE), (0xFF00, 0xFFFD), (0x10000, 0x10FFFF))
_ESCAPES = {'"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r'}


def quote(text):
    """A double-quoted YAML scalar that reads back as exactly ``text``, on one line."""
    out = []
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif any(low <= code <= high for low, high in _PRINTABLE):
            out.append(char)
        elif code <= 0xFF:
            out.append('\\x%02X' % code)
        elif code <= 0xFFFF:
            out.append('\\u%04X' % code)
        else:
            out.append('\\U%08X' % code)
    return '"%s"' % ''.join(out)


def untrusted(text):
    """A string from the tenant, as a scalar that is never templated."""
    # Template markers: '{' opens {{ }}, {% %} and {# #}; '#' starts a #jinja2: header. '%' and '}' for good measure.
    return ('!unsafe ' if any(c in text for c in '{}%#') else '') + quote(text)


def scalar(value, templates):
    """One value: null, a boolean, a number, a template the exporter made, or an untrusted string."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return repr(value)
    text = '%s' % (value,)
    return quote(text) if text in templates else untrusted(text)


def key(name, data_keys):
    """A mapping key: the collection's own option names plain, keys that are tenant data (``data_keys``) untrusted."""
    return untrusted('%s' % name) if data_keys else '%s' % name


def dump(value, templates=(), data_key_parents=('config', 'items'), indent=0, data_keys=False):
    """The lines of ``value`` in block style. ``templates``: strings written as templates; the keys of a mapping under a key
    in ``data_key_parents`` are tenant data (config keys, ERP list item ids) and written untrusted too."""
    pad = ' ' * indent
    lines = []
    if isinstance(value, dict):
        if not value:
            return [pad + '{}']
        for name, item in value.items():
            head = pad + key(name, data_keys) + ':'
            lines += _nested(head, item, templates, data_key_parents, indent, '%s' % name in data_key_parents and not data_keys)
        return lines
    if isinstance(value, list):
        if not value:
            return [pad + '[]']
        for item in value:
            nested = dump(item, templates, data_key_parents, indent + 2)
            lines.append(pad + '- ' + nested[0].lstrip())
            lines += nested[1:]
        return lines
    return [pad + scalar(value, templates)]


def _nested(head, item, templates, data_key_parents, indent, data_keys):
    if isinstance(item, (dict, list)) and item:
        return [head] + dump(item, templates, data_key_parents, indent + 2, data_keys)
    return [head + ' ' + dump(item, templates, data_key_parents, 0, data_keys)[0]]


def untrusted_yaml(variables, templates=(), header=()):
    """A YAML document of ``variables`` (a dict of variable names), with ``header`` comment lines first."""
    lines = ['---'] + ['# %s' % line for line in header]
    return '\n'.join(lines + dump(variables, set(templates))) + '\n'
