# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ErpSync agent calls and value conversions, on top of the shared WebAPI client.

Private to this collection (the leading underscore): its interface may change without notice.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

from ansible.module_utils.six import integer_types, string_types

INTERVAL_FORMS = ('HH:MM:SS (00:10:00), D.HH:MM:SS (1.00:00:00), an ISO-8601 duration (PT10M, P1DT2H) '
                  'or whole seconds (600)')

_TIMESPAN = re.compile(r'^(?:(?P<days>\d+)\.)?(?P<hours>\d{1,2}):(?P<minutes>\d{2}):(?P<seconds>\d{2})(?:\.(?P<fraction>\d{1,7}))?$')
_ISO_DURATION = re.compile(r'^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?'
                           r'(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$')


def interval_to_seconds(value):
    """Whole seconds of an interval given in any accepted form; raise ValueError naming the forms otherwise.

    Sub-second parts are dropped, as the server stores the interval in whole seconds.
    """
    if isinstance(value, bool):
        raise ValueError('%r is not an interval; use %s' % (value, INTERVAL_FORMS))
    if isinstance(value, integer_types):
        seconds = value
    elif isinstance(value, string_types) and value.strip():
        seconds = _parse_interval_text(value.strip())
    else:
        raise ValueError('%r is not an interval; use %s' % (value, INTERVAL_FORMS))
    if seconds <= 0:
        raise ValueError('the interval must be longer than zero seconds, got %r' % (value,))
    return seconds


def _parse_interval_text(text):
    if text.lstrip('-').isdigit():
        return int(text)
    match = _TIMESPAN.match(text)
    if match and int(match.group('minutes')) < 60 and int(match.group('seconds')) < 60 and int(match.group('hours')) < 24:
        parts = match.groupdict('0')
        return ((int(parts['days']) * 24 + int(parts['hours'])) * 60 + int(parts['minutes'])) * 60 + int(parts['seconds'])
    match = _ISO_DURATION.match(text.upper())
    if match and text.upper() not in ('P', 'PT') and not text.upper().endswith('T'):
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
    if not value:
        return None
    try:
        return _parse_interval_text('%s' % value)
    except ValueError:
        return None


def blank_reasons(reasons):
    """ToggleErpConnectionActive answers a list of failure reasons; blank strings mean nothing failed."""
    return [r for r in (reasons or []) if r is not None and ('%s' % r).strip()]


class ErpSyncAPI(object):
    """The ErpSync agent methods the collection uses, with lookups cached for one module run."""

    def __init__(self, client):
        self.client = client
        self._connectors = None
        self._field_metadata = {}

    # Engine
    def get_engine_status(self):
        return self.client.call('GetEngineStatus')

    def change_engine_status(self, run):
        return self.client.call('ChangeEngineStatus', {'Run': bool(run)})

    def change_engine_interval(self, seconds):
        return self.client.call('ChangeEngineInterval', {'Interval': seconds_to_timespan(seconds)})

    # Connections
    def get_all_connections(self, include_deleted=False):
        return self.client.call('GetAllConnections', {'IncludeDeleted': bool(include_deleted)}) or []

    def get_connection(self, connection_id):
        """The connection, or None when the server does not know the id (agents answer 200 ``null``)."""
        return self.client.call('GetConnection', {'ErpConnectionId': int(connection_id)})

    def get_connection_config(self, connection_id):
        return self.client.call('GetErpConnectionConfigFields', {'ErpConnectionId': int(connection_id)})

    def save_connection(self, connection):
        return self.client.call('SaveConnection', {'Connection': connection})

    def delete_connection(self, connection_id):
        return self.client.call('DeleteConnection', {'ErpConnectionId': int(connection_id)})

    def toggle_connection_active(self, connection_id):
        """Flip the Active flag. Returns the failure reasons (empty list on success)."""
        return blank_reasons(self.client.call('ToggleErpConnectionActive', {'ErpConnectionId': int(connection_id)}))

    def test_connection(self, connection_id):
        return self.client.call('TestConnectionById', {'ErpConnectionId': int(connection_id)}) is True

    # Connectors
    def get_connectors(self):
        if self._connectors is None:
            self._connectors = self.client.call('GetAllConnectors') or []
        return self._connectors

    def get_field_metadata(self, connector_id):
        """The connector's config field descriptions (FieldKey, FieldType, Access, ...), cached per run."""
        if connector_id not in self._field_metadata:
            self._field_metadata[connector_id] = self.client.call('GetConfigurationFields', {'ErpConnectorId': int(connector_id)}) or []
        return self._field_metadata[connector_id]

    def password_keys(self, connector_id):
        return set(f.get('FieldKey') for f in self.get_field_metadata(connector_id) if f.get('FieldType') == 'Password')

    def resolve_connector(self, connector):
        """The connector id for a name or numeric id; raise ValueError listing the known connectors."""
        connectors = self.get_connectors()
        text = ('%s' % connector).strip()
        for item in connectors:
            if text.isdigit() and item.get('Id') == int(text):
                return item['Id']
        matches = [item['Id'] for item in connectors if (item.get('Name') or '').lower() == text.lower()]
        if len(matches) == 1:
            return matches[0]
        known = ', '.join('%s (%s)' % (item.get('Name'), item.get('Id')) for item in connectors) or 'none'
        if matches:
            raise ValueError('connector %r matches %d connectors; give its numeric id. Known connectors: %s' % (connector, len(matches), known))
        raise ValueError('connector %r is not known to this tenant. Known connectors: %s' % (connector, known))


def engine_facts(status):
    """The module-facing view of an ErpSyncEngineStatus carrier."""
    status = status or {}
    seconds = timespan_to_seconds(status.get('Interval'))
    return dict(
        running=bool(status.get('IsRunning')),
        status_message=status.get('StatusMessage') or '',
        interval=seconds_to_timespan(seconds) if seconds else status.get('Interval'),
        interval_seconds=seconds,
    )
