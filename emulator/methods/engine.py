# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Engine methods: status, the queued start/stop (applied by the "batch system" after a delay), the interval."""

import time

from ..agent import MISSING, NO_CONTENT, BadRequest, InvalidRequest, agent_method, bool_param, carrier, lookup
from ..timespan import format_timespan, parse_timespan


class EngineMethods:

    def _delay(self):
        delay = self.state['engine']['delay']
        return self.default_delay if delay is None else delay

    def _settle_engine(self):
        # ChangeEngineStatus is queued to the "Batch system"; apply it lazily once due.
        engine = self.state['engine']
        pending = engine['pending']
        if pending and time.monotonic() >= pending['due']:
            engine['running'] = pending['run']
            engine['status_message'] = 'Running' if pending['run'] else 'Stopped'
            engine['pending'] = None

    def _engine_status(self):
        engine = self.state['engine']
        return carrier({
            'IsRunning': engine['running'],
            'StatusMessage': engine['status_message'],
            'Interval': format_timespan(engine['interval_seconds']),
        })

    @agent_method('GetEngineStatus', 'ErpSyncEngineStatus')
    def get_engine_status(self, params):
        del params
        return self._engine_status()

    @agent_method('ChangeEngineStatus', 'ErpSyncEngineStatus')
    def change_engine_status(self, params):
        run = bool_param(params, 'Run')
        before = self._engine_status()
        engine = self.state['engine']
        if run == engine['running']:
            # Asking for the current state is harmless and cancels an opposite pending request.
            engine['pending'] = None
        elif not engine['pending'] or engine['pending']['run'] != run:
            engine['pending'] = {'run': run, 'due': time.monotonic() + self._delay()}
        self._settle_engine()  # a zero delay applies at once, after the pre-change answer was taken
        return before

    @agent_method('ChangeEngineInterval', None)
    def change_engine_interval(self, params):
        value = lookup(params, 'Interval')
        if value is MISSING or value is None:
            raise InvalidRequest("The required parameter 'Interval' is missing.")
        try:
            seconds = parse_timespan(value)
        except ValueError as exc:
            raise BadRequest(str(exc))
        self.state['engine']['interval_seconds'] = seconds
        return NO_CONTENT
