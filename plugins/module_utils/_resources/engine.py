# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ERP Sync engine as a resource kind: one read, then the interval and then the state (a queued request, waited for).

Private to this collection (the leading underscore): its interface may change without notice.
"""

import time

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._plan import ENGINE_INTERVAL, ENGINE_STATE, Item, ItemFailure, Kind, PlanError, Step
from ansible_collections.superoffice.crm.plugins.module_utils._values import seconds_to_timespan, timespan_to_seconds

ENGINE_OPTIONS = dict(
    state=dict(type='str', choices=['running', 'stopped']),
    interval=dict(type='str'),
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=120),
)


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


def diff_view(facts):
    return dict(running=facts['running'], interval=facts['interval'])


class EngineItem(Item):
    """The desired engine: ``interval`` in seconds (already parsed), ``state`` 'running'/'stopped' or None."""

    def __init__(self, state=None, interval=None, wait=True, wait_timeout=120):
        super().__init__(dict(state=state, interval=interval, wait=wait, wait_timeout=wait_timeout))
        self.queued = False         # a state change was asked for and not waited for


class Engine(Kind):
    """The engine of one tenant."""

    name = 'engine'

    def __init__(self, run, state=None, interval=None, wait=True, wait_timeout=120, requires=()):
        """``requires``: items whose failure holds a change of the engine's state (the tenant's connections)."""
        self.item = EngineItem(state, interval, wait, wait_timeout)
        self.requires = requires
        super().__init__(run, [self.item])

    def read(self):
        try:
            self.item.current = self.item.final = self.api.get_engine_status()
        except WebAPIError as e:
            raise PlanError(e.message, e.result_fields())

    def steps(self, stage):
        item = self.item
        params = item.params
        if stage == ENGINE_INTERVAL and params['interval'] is not None:
            if params['interval'] == timespan_to_seconds(item.final.get('Interval')):
                return []
            interval = seconds_to_timespan(params['interval'])
            return [Step(item, 'interval set to %s' % interval, lambda: self.api.change_engine_interval(params['interval']),
                         done=lambda answer: self._set(Interval=interval), predicted=True)]
        if stage == ENGINE_STATE and params['state'] is not None:
            want = params['state'] == 'running'
            if want == bool(item.final.get('IsRunning')):
                return []
            return [Step(item, '%s requested' % params['state'], lambda: self._change_state(want),
                         done=lambda answer: self._set(**answer), predicted=dict(IsRunning=want, StatusMessage=''), requires=self.requires,
                         held='the engine was not %s (engine_despite_failures=true changes it anyway)'
                              % ('started' if want else 'stopped'))]
        return []

    def _set(self, **changes):
        self.item.final = dict(self.item.final, **changes)

    def _change_state(self, want):
        """ChangeEngineStatus only queues a request to the batch system: wait until GetEngineStatus shows it."""
        params = self.item.params
        self.api.change_engine_status(want)
        if not params['wait']:
            self.item.queued = True
            return dict(IsRunning=want)
        status, shown = self._wait_for(want, params['wait_timeout'])
        if not shown:
            raise ItemFailure('The engine was asked to become %s (ChangeEngineStatus queued a batch request) but did not show '
                              'it within %d s; the request was queued and may still apply. Raise wait_timeout, or check '
                              'the tenant\'s batch system.' % (params['state'], params['wait_timeout']),
                              dict(engine=engine_facts(status), queued=True), applied=True)
        # Report the engine as the server shows it, interval included.
        return status

    def _wait_for(self, want, timeout):
        """Poll GetEngineStatus with a short backoff until the engine shows ``want``; return the last status."""
        deadline = time.monotonic() + timeout
        delay = 0.25
        while True:
            status = self.api.get_engine_status()
            if bool(status.get('IsRunning')) == want:
                return status, True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return status, False
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 5)

    def facts(self, item):
        return engine_facts(item.final)

    def diff(self, item):
        return dict(before=diff_view(engine_facts(item.current)), after=diff_view(engine_facts(item.final)))

    def result(self):
        """The engine modules' result, and the failure message (or None)."""
        item = self.item
        result = dict(changed=item.changed, queued=item.queued, engine=self.facts(item))
        if self.run.diff:
            result['diff'] = self.diff(item)
        if not item.failed:
            return result, None
        result.update(item.error_fields)
        result['applied'] = list(item.operations)
        return result, item.msg
