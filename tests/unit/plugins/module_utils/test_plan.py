# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The plan/apply engine on its own, with kinds made for the test: stage order, check mode, blocked items, fresh reads,
concurrency, settling unclear writes, failures with codes, and the final verification."""

import threading
import time

import pytest

from ansible_collections.superoffice.crm.plugins.module_utils import _plan
from ansible_collections.superoffice.crm.plugins.module_utils._base import Outcome, WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._client import _Failure
from ansible_collections.superoffice.crm.plugins.module_utils._plan import (
    ACTIVATE, SAVE, STAGES, Applier, Code, Item, ItemFailure, Kind, PlanError, Run, Step)


class Recorder(Kind):
    """A kind whose steps are given per stage; it records every call the applier makes."""

    name = 'things'

    def __init__(self, run, items, plan=None, log=None):
        super().__init__(run, items)
        self.plan = plan or {}
        self.log = log if log is not None else []

    def read(self):
        self.log.append(('read', self.name))

    def catch_up(self, stage):
        self.log.append(('catch_up', stage))

    def steps(self, stage):
        self.log.append(('steps', stage))
        return [make() for make in self.plan.get(stage, [])]

    def refresh(self):
        self.log.append(('refresh',))

    def verify(self):
        self.log.append(('verify',))


def sent(log, name, answer=None):
    def send():
        log.append(('send', name))
        if isinstance(answer, Exception):
            raise answer
        return answer
    return send


def unclear(outcome=Outcome.UNCLEAR):
    return WebAPIError('ErpSync X failed: HTTP 503', status=503, method='X', outcome=outcome)


@pytest.fixture
def no_sleep(monkeypatch):
    slept = []
    monkeypatch.setattr(time, 'sleep', slept.append)
    return slept


def test_stages_run_in_order_each_catch_up_before_its_steps():
    log = []
    kind = Recorder(Run(None), [], log=log)
    Applier(Run(None), [kind]).apply_plan()
    assert log[0] == ('read', 'things')
    expected = [entry for stage in STAGES for entry in (('catch_up', stage), ('steps', stage))]
    assert log[1:] == expected  # no write: no verify


def test_a_failed_read_ends_the_run_before_any_step():
    class Failing(Recorder):
        def read(self):
            raise PlanError('bad input. Nothing was changed')
    log = []
    with pytest.raises(PlanError):
        Applier(Run(None), [Recorder(Run(None), [], log=log), Failing(Run(None), [], log=log)]).apply_plan()
    assert log == [('read', 'things')]


def test_check_mode_records_the_prediction_and_sends_nothing():
    log = []
    item = Item({})
    run = Run(None, check_mode=True)
    seen = []

    def step():
        return Step(item, 'created', sent(log, 'create'), done=seen.append, predicted={'Id': None})
    kind = Recorder(run, [item], {SAVE: [step]}, log=log)
    Applier(run, [kind]).apply_plan()
    assert ('send', 'create') not in log
    assert seen == [{'Id': None}]
    assert item.operations == ['created'] and item.changed
    assert ('verify',) not in log


def test_a_blocked_item_gets_no_step():
    log = []
    parent = Item({})
    parent.fail('its connection failed')
    child = Item({}, parent=parent)
    run = Run(None)
    kind = Recorder(run, [child], {SAVE: [lambda: Step(child, 'mapped', sent(log, 'map'))]}, log=log)
    Applier(run, [kind]).apply_plan()
    assert ('send', 'map') not in log
    assert child.blocked and not child.changed


def test_a_fresh_step_refreshes_once_per_stale_wave_and_skips_what_is_settled():
    log = []
    first, second = Item({}), Item({})
    settled = []
    run = Run(None)
    plan = {
        SAVE: [lambda: Step(first, 'saved', sent(log, 'save'), verified=False)],
        ACTIVATE: [lambda: Step(first, 'activated', sent(log, 'toggle 1'), fresh=True),
                   lambda: Step(second, 'activated', sent(log, 'toggle 2'), fresh=True, needed=lambda: False,
                                settled=lambda: settled.append(second))],
    }
    kind = Recorder(run, [first, second], plan, log=log)
    Applier(run, [kind]).apply_plan()
    writes = [entry for entry in log if entry[0] in ('send', 'refresh', 'verify')]
    assert writes == [('send', 'save'), ('refresh',), ('send', 'toggle 1'), ('verify',)]
    assert settled == [second]
    assert first.operations == ['saved', 'activated'] and second.operations == []


def test_no_refresh_when_nothing_was_written_since_the_last_read():
    log = []
    item = Item({})
    run = Run(None)
    kind = Recorder(run, [item], {ACTIVATE: [lambda: Step(item, 'activated', sent(log, 'toggle'), fresh=True)]}, log=log)
    Applier(run, [kind]).apply_plan()
    assert ('refresh',) not in log
    assert ('send', 'toggle') in log


def test_a_failed_refresh_fails_the_steps_and_sends_nothing():
    log = []
    item = Item({})
    run = Run(None)

    class Unreadable(Recorder):
        def refresh(self):
            raise WebAPIError('ErpSync GetAllConnections failed: HTTP 500', status=500, method='GetAllConnections')
    plan = {SAVE: [lambda: Step(Item({}), 'saved', sent(log, 'save'))],
            ACTIVATE: [lambda: Step(item, 'activated', sent(log, 'toggle'), fresh=True)]}
    Applier(run, [Unreadable(run, [item], plan, log=log)]).apply_plan()
    assert ('send', 'toggle') not in log
    assert item.failed and 'so activated was not changed' in item.msg and item.error_fields['status'] == 500


def test_steps_of_one_wave_go_out_at_once_up_to_concurrency():
    running, peak, lock = [0], [0], threading.Lock()
    together = threading.Barrier(3, timeout=10)  # breaks (and the test fails) unless three steps are running at once

    def send():
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        together.wait()
        with lock:
            running[0] -= 1
    items = [Item({}) for dummy in range(6)]
    run = Run(None, concurrency=3)
    kind = Recorder(run, items, {SAVE: [lambda item=item: Step(item, 'saved', send, verified=True) for item in items]})
    Applier(run, [kind]).apply_plan()
    assert peak[0] == 3
    assert all(item.operations == ['saved'] for item in items)


def test_a_failure_carries_its_code_and_what_was_applied():
    item = Item({})
    run = Run(None)
    failure = ItemFailure('activating was refused: a mandatory field has no direction', applied=False, code=Code.REFUSED)
    applied = ItemFailure('the server stored something else', applied=True)
    plan = {SAVE: [lambda: Step(item, 'saved', sent([], 'save', applied))],
            ACTIVATE: [lambda: Step(Item({}), 'activated', sent([], 'toggle', failure))]}
    kind = Recorder(run, [item], plan)
    Applier(run, [kind]).apply_plan()
    assert item.failed and item.code is Code.FAILED and item.operations == ['saved']
    other = Item({})
    Applier(run, [Recorder(run, [other], {ACTIVATE: [lambda: Step(other, 'activated', sent([], 'toggle', failure))]})]).apply_plan()
    assert other.code is Code.REFUSED and other.operations == []


def test_an_unclear_write_the_server_shows_is_not_sent_again(no_sleep):
    log = []
    item = Item({})
    run = Run(None, settle=10)

    def step():
        return Step(item, 'toggled', sent(log, 'toggle', unclear()), readback=lambda: log.append(('reread',)) or {'Active': True})
    kind = Recorder(run, [item], {ACTIVATE: [step]}, log=log)
    Applier(run, [kind]).apply_plan()
    assert [e for e in log if e[0] in ('send', 'reread', 'verify')] == [('send', 'toggle'), ('reread',), ('verify',)]
    assert item.operations == ['toggled'] and not item.failed
    assert no_sleep == []


def test_an_unclear_write_the_server_does_not_show_is_sent_once_more_and_never_a_third_time(no_sleep):
    log = []
    item = Item({})
    run = Run(None, settle=10)

    def step():
        return Step(item, 'toggled', sent(log, 'toggle', unclear()), readback=lambda: log.append(('reread',)))
    Applier(run, [Recorder(run, [item], {ACTIVATE: [step]}, log=log)]).apply_plan()
    assert [e for e in log if e[0] in ('send', 'reread')] == [('send', 'toggle'), ('reread',), ('send', 'toggle'), ('reread',)]
    assert item.failed and item.code is Code.UNCLEAR and 'not sent a third time' in item.msg


def test_a_write_that_may_still_be_running_is_read_over_settle_and_never_sent_again(no_sleep):
    log = []
    item = Item({})
    run = Run(None, settle=10)

    def step():
        return Step(item, 'created', sent(log, 'create', unclear(Outcome.IN_FLIGHT)), readback=lambda: log.append(('reread',)))
    Applier(run, [Recorder(run, [item], {SAVE: [step]}, log=log)]).apply_plan()
    assert [e for e in log if e[0] in ('send', 'reread')] == [('send', 'create')] + [('reread',)] * 3
    assert no_sleep == [5.0, 5.0]
    assert item.failed and item.code is Code.UNCLEAR and 'it was not sent again' in item.msg


def test_an_unclear_write_without_a_reread_fails_its_item():
    item = Item({})
    run = Run(None)
    Applier(run, [Recorder(run, [item], {SAVE: [lambda: Step(item, 'saved', sent([], 'save', unclear()))]})]).apply_plan()
    assert item.failed and item.error_fields == {'status': 503, 'api_method': 'X'} and item.operations == []


def test_verify_runs_only_for_kinds_with_unconfirmed_writes():
    log_a, log_b = [], []
    a, b = Item({}), Item({})
    run = Run(None)
    confirmed = Recorder(run, [a], {SAVE: [lambda: Step(a, 'saved', sent(log_a, 'save'), verified=True)]}, log=log_a)
    toggled = Recorder(run, [b], {ACTIVATE: [lambda: Step(b, 'activated', sent(log_b, 'toggle'))]}, log=log_b)
    Applier(run, [confirmed, toggled]).apply_plan()
    assert ('verify',) not in log_a and log_b[-1] == ('verify',)


def test_run_of_module_reads_the_options_once():
    class Module(object):
        check_mode = True
        _diff = True
        params = dict(concurrency=6, timeout=30.0, retry_max_wait=12.0, lock_timeout=60.0)
        warned = []

        def warn(self, text):
            self.warned.append(text)
    module = Module()
    run = Run.of_module(module, 'api')
    assert (run.api, run.check_mode, run.diff, run.concurrency, run.settle, run.lock_timeout) == ('api', True, True, 6, 12.0, 60.0)
    run.warn('careful')
    assert module.warned == ['careful'] and run.warnings == ['careful']
    assert run.each(lambda v: v * 2, [1, 2, 3]) == [2, 4, 6]


@pytest.mark.parametrize('outcome, transient, repeatable, retried, raised', [
    (Outcome.NOT_APPLIED, True, False, True, Outcome.NOT_APPLIED),   # 429, no connection made: even a toggle is sent again
    (Outcome.UNCLEAR, True, False, False, Outcome.UNCLEAR),          # 502/503, a dropped connection: the plan settles it
    (Outcome.IN_FLIGHT, True, False, False, Outcome.IN_FLIGHT),      # 504, a timeout: it may still land
    (Outcome.IN_FLIGHT, True, True, True, Outcome.FAILED),           # a read that timed out: sent again; nothing to settle
    (Outcome.UNCLEAR, False, False, False, Outcome.UNCLEAR),         # 500 on a write
    (Outcome.FAILED, False, False, False, Outcome.FAILED),           # 4xx, TLS, a redirect
])
def test_a_failed_attempt_is_retried_and_raised_by_its_outcome(outcome, transient, repeatable, retried, raised):
    failure = _Failure('ToggleErpConnectionActive', 'HTTP 503', outcome, status=503, transient=transient)
    assert failure.retryable(repeatable) is retried
    error = failure.to_webapi_error(repeatable)
    assert error.outcome is raised
    assert error.unclear is (raised in (Outcome.UNCLEAR, Outcome.IN_FLIGHT))
    assert ('may or may not have been applied' in error.message) is error.unclear


def test_the_stage_constants_are_ordered():
    assert list(STAGES) == sorted(STAGES)
    assert _plan.TWINS < _plan.ACTIVATE
