# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The .NET TimeSpan "constant" format as the emulator puts it on the JSON wire.

The reference (open question 2) only infers this format; the emulator is strict on
purpose so that a client which sends anything else (ISO-8601 ``PT5M``, bare seconds,
``hh:mm``) fails against it instead of passing by luck.
"""


import re

# [d.]hh:mm:ss[.fffffff] - .NET's "c" format; hours < 24, minutes and seconds < 60.
_TIMESPAN_RE = re.compile(r'^(?:(\d{1,8})\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$')

# ErpConfiguration.SyncInterval is an Int column of seconds.
MAX_SECONDS = 2147483647


def format_timespan(seconds):
    """Whole seconds -> "hh:mm:ss", or "d.hh:mm:ss" when at least one day."""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = '%02d:%02d:%02d' % (hours, minutes, secs)
    if days:
        text = '%d.%s' % (days, text)
    return text


def parse_timespan(text):
    """Parse the constant format into whole seconds (a fraction is truncated).

    Raises ValueError with a readable reason; zero and negative intervals are refused
    because the sync engine cannot poll at such an interval.
    """
    if not isinstance(text, str):
        raise ValueError('Interval must be a string in the format [d.]hh:mm:ss')
    match = _TIMESPAN_RE.match(text.strip())
    if not match:
        raise ValueError("Interval '%s' is not a TimeSpan in the format [d.]hh:mm:ss[.fffffff]" % text)
    days, hours, minutes, secs = (int(g or 0) for g in match.groups()[:4])
    if hours > 23 or minutes > 59 or secs > 59:
        raise ValueError("Interval '%s' is out of range (hours 0-23, minutes and seconds 0-59)" % text)
    total = ((days * 24 + hours) * 60 + minutes) * 60 + secs
    if total <= 0:
        raise ValueError("Interval '%s' must be at least one second" % text)
    if total > MAX_SECONDS:
        raise ValueError("Interval '%s' exceeds the maximum of %d seconds" % (text, MAX_SECONDS))
    return total
