# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Value conversions between playbook values and the server's forms: intervals, ids, connector config values.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import datetime
import re

INTERVAL_FORMS = ('HH:MM:SS (00:10:00), D.HH:MM:SS (1.00:00:00), an ISO-8601 duration (PT10M, P1DT2H) '
                  'or whole seconds (600)')
# The server keeps the interval in whole seconds in a 32-bit integer column (ErpConfiguration.SyncInterval).
MAX_INTERVAL_SECONDS = 2147483647

# re.ASCII: str.isdigit() and \d also accept fullwidth digits and superscripts ('１０', '²').
_DIGITS = re.compile(r'^[0-9]+$', re.ASCII)
_TIMESPAN = re.compile(r'^(?:(?P<days>[0-9]+)\.)?(?P<hours>[0-9]{1,2}):(?P<minutes>[0-9]{2}):(?P<seconds>[0-9]{2})'
                       r'(?:\.(?P<fraction>[0-9]{1,7}))?$', re.ASCII)
_ISO_DURATION = re.compile(r'^P(?:(?P<weeks>[0-9]+)W)?(?:(?P<days>[0-9]+)D)?'
                           r'(?:T(?:(?P<hours>[0-9]+)H)?(?:(?P<minutes>[0-9]+)M)?(?:(?P<seconds>[0-9]+(?:\.[0-9]+)?)S)?)?$', re.ASCII)
# CultureDataFormatter writes typed values as [I:123], [F:1.5], [DT:...], [B:1] (connector SDK, field value formats).
_TYPED = re.compile(r'^\[(?P<type>[A-Z]+):(?P<value>.*)\]$', re.DOTALL)

# FieldMetadata.FieldType, in the order of the Swagger enum (a server may send the number).
FIELD_TYPES = ('Checkbox', 'Text', 'Password', 'Integer', 'Double', 'List', 'Date', 'Label')
_PLAIN_FIELD_TYPES = frozenset(t.lower() for t in FIELD_TYPES if t != 'Password')
TRUE_WORDS = frozenset(('1', 'true', 'yes', 'on'))
FALSE_WORDS = frozenset(('0', 'false', 'no', 'off', ''))


def ascii_int(text):
    """The integer a text of ASCII digits stands for, or None (so '１０' and '²' are not numbers)."""
    text = ('%s' % (text,)).strip()
    return int(text) if _DIGITS.match(text) else None


def signed_int(value):
    """An int from an int, a whole float or a text of ASCII digits with an optional sign; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = ('%s' % (value,)).strip()
    sign, digits = (text[0], text[1:]) if text[:1] in ('+', '-') else ('', text)
    if ascii_int(digits) is None:
        return None
    return int(sign + digits)


def interval_to_seconds(value):
    """Whole seconds of an interval given in any accepted form; raise ValueError naming the forms otherwise.

    Sub-second parts are dropped, as the server stores the interval in whole seconds.
    """
    if isinstance(value, bool):
        raise ValueError('%r is not an interval; use %s' % (value, INTERVAL_FORMS))
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str) and value.strip():
        seconds = _parse_interval_text(value.strip())
    else:
        raise ValueError('%r is not an interval; use %s' % (value, INTERVAL_FORMS))
    if seconds <= 0:
        raise ValueError('the interval must be longer than zero seconds, got %r' % (value,))
    if seconds > MAX_INTERVAL_SECONDS:
        raise ValueError('the interval must be at most %d seconds (about 68 years, what the server can store), got %r'
                         % (MAX_INTERVAL_SECONDS, value))
    return seconds


def _parse_interval_text(text):
    number = signed_int(text)
    if number is not None:
        return number
    match = _TIMESPAN.match(text)
    if match and int(match.group('minutes')) < 60 and int(match.group('seconds')) < 60 and int(match.group('hours')) < 24:
        parts = match.groupdict('0')
        return ((int(parts['days']) * 24 + int(parts['hours'])) * 60 + int(parts['minutes'])) * 60 + int(parts['seconds'])
    upper = text.upper()
    match = _ISO_DURATION.match(upper)
    if match and upper not in ('P', 'PT') and not upper.endswith('T'):
        parts = match.groupdict('0')
        return int(((int(parts['weeks']) * 7 + int(parts['days'])) * 24 + int(parts['hours'])) * 3600
                   + int(parts['minutes']) * 60 + float(parts['seconds']))
    raise ValueError('%r is not an interval; use %s' % (text, INTERVAL_FORMS))


def seconds_to_timespan(seconds):
    """The .NET TimeSpan constant form the WebAPI's JSON uses: ``HH:MM:SS``, or ``D.HH:MM:SS`` from one day on."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = '%02d:%02d:%02d' % (hours, minutes, secs)
    return '%d.%s' % (days, clock) if days else clock


def timespan_to_seconds(value):
    """Seconds of a TimeSpan the server sent, or None when it sent nothing usable."""
    if not value or not isinstance(value, str):
        return None
    try:
        return _parse_interval_text(value)
    except ValueError:
        return None


def is_secret_type(field_type):
    """Whether a config field's values must be hidden. Fails closed: Password, and any type this collection does not
    know (another case is fine, an enum number is read by the Swagger's order), counts as secret."""
    if isinstance(field_type, int) and not isinstance(field_type, bool):
        field_type = FIELD_TYPES[field_type] if 0 <= field_type < len(FIELD_TYPES) else None
    return not (isinstance(field_type, str) and field_type.strip().lower() in _PLAIN_FIELD_TYPES)


def field_type_name(field_type):
    """The FieldType as its name (a number is read by the Swagger's enum order); None when unknown."""
    if isinstance(field_type, int) and not isinstance(field_type, bool):
        return FIELD_TYPES[field_type] if 0 <= field_type < len(FIELD_TYPES) else None
    if isinstance(field_type, str):
        for name in FIELD_TYPES:
            if name.lower() == field_type.strip().lower():
                return name
    return None


def unwrap(value):
    """A stored config value without a CultureDataFormatter type wrapper: '[I:5]' -> '5'."""
    match = _TYPED.match(value) if isinstance(value, str) else None
    return match.group('value') if match else value


def config_value(value, field_type):
    """A playbook config value in the form the server stores for the field type; raise ValueError when it does not fit.

    Checkbox fields hold '1' or '0' (true/false, yes/no and 1/0 are accepted); Integer and Double fields hold the number
    as text; Date fields an ISO date; every other field text. Numbers are accepted for text fields.
    """
    kind = field_type_name(field_type)
    if isinstance(value, (dict, list, tuple)) or value is None:
        raise ValueError('must be a single value, got %s' % ('nothing' if value is None else 'a %s' % type(value).__name__))
    if kind == 'Checkbox':
        word = ('%s' % (value,)).strip().lower()
        if word in TRUE_WORDS:
            return '1'
        if word in FALSE_WORDS:
            return '0'
        raise ValueError('is a Checkbox field: give true or false (stored as 1 or 0), got %r' % (value,))
    if isinstance(value, bool):
        raise ValueError("is a boolean, but the field is not a Checkbox; quote it ('true' or 'false', "
                         "or whatever text the connector expects)")
    if kind == 'Integer':
        number = signed_int(value)
        if number is None:
            raise ValueError('is an Integer field: give a whole number, got %r' % (value,))
        return '%d' % number
    if kind == 'Double':
        try:
            return repr(float(value.strip() if isinstance(value, str) else value))
        except ValueError:
            raise ValueError('is a Double field: give a number, got %r' % (value,))
    if kind == 'Date' and isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value if isinstance(value, str) else '%s' % (value,)


def same_config_value(stored, wanted, field_type):
    """Whether a stored value equals a wanted one in the server's form (so '[I:5]', 'true' and 1.50 compare right)."""
    stored = unwrap(stored if stored is not None else '')
    kind = field_type_name(field_type)
    if kind == 'Checkbox':
        word = ('%s' % stored).strip().lower()
        return ('1' if word in TRUE_WORDS else '0' if word in FALSE_WORDS else word) == wanted
    if kind in ('Integer', 'Double'):
        try:
            return float(('%s' % stored).strip().replace(',', '.')) == float(wanted)
        except ValueError:
            return stored == wanted
    return stored == wanted


def sync_time(text):
    """A LastSync date and time (GetErpSyncConnectionSummary), aware (UTC when the server names no zone); None for never
    (empty, or .NET's DateTime.MinValue 0001-01-01) or an unreadable value."""
    if not isinstance(text, str) or not text or text.startswith('0001-01-01'):
        return None
    try:
        when = datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)
