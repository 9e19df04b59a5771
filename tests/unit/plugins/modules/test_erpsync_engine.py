# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.superoffice.crm.plugins.module_utils._resources import engine as engine_kind
from ansible_collections.superoffice.crm.plugins.modules import erpsync_engine


def status(running=False, interval='00:05:00', message='Idle'):
    return {'IsRunning': running, 'StatusMessage': message, 'Interval': interval,
            'TableRight': {'Mask': 'FULL', 'Reason': ''}, 'FieldProperties': {}}


def test_unchanged_run_reads_once(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, status(True, '00:10:00'))
    result = run_module(erpsync_engine.main, dict(state='running', interval='PT10M'))
    assert result['changed'] is False
    assert result['engine'] == dict(running=True, status_message='Idle', interval='00:10:00', interval_seconds=600)
    assert webapi.methods == ['GetEngineStatus']


def test_start_waits_until_running(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, status(False))
    webapi.expect('ChangeEngineStatus', {'Run': True}, status(False))
    webapi.expect('GetEngineStatus', {}, status(False))
    webapi.expect('GetEngineStatus', {}, status(True, message='Running'))
    result = run_module(erpsync_engine.main, dict(state='running'), diff=True)
    assert result['changed'] is True
    assert result['queued'] is False
    assert result['engine']['running'] is True
    assert result['engine']['status_message'] == 'Running'
    assert result['diff'] == {'before': {'running': False, 'interval': '00:05:00'}, 'after': {'running': True, 'interval': '00:05:00'}}
    assert webapi.sleeps == [0.25]


def test_stop_without_wait_returns_at_once(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, status(True))
    webapi.expect('ChangeEngineStatus', {'Run': False}, status(True))
    result = run_module(erpsync_engine.main, dict(state='stopped', wait=False))
    assert result['changed'] is True
    assert result['queued'] is True
    assert result['engine']['running'] is False


@pytest.mark.parametrize('given, sent, seconds', [
    ('00:10:00', '00:10:00', 600),
    ('1.02:00:00', '1.02:00:00', 93600),
    ('P1DT2H', '1.02:00:00', 93600),
    ('PT10M', '00:10:00', 600),
    ('600', '00:10:00', 600),
    ('90', '00:01:30', 90),
    ('00:00:30.9', '00:00:30', 30),
])
def test_interval_change_sends_timespan(webapi, run_module, given, sent, seconds):
    webapi.expect('GetEngineStatus', {}, status(False, '00:05:00'))
    webapi.expect('ChangeEngineInterval', {'Interval': sent}, status=204)
    result = run_module(erpsync_engine.main, dict(interval=given))
    assert result['changed'] is True
    assert result['engine']['interval'] == sent
    assert result['engine']['interval_seconds'] == seconds


def test_interval_compared_in_seconds(webapi, run_module):
    # The server may write days for a whole day; 86400 seconds is the same interval.
    webapi.expect('GetEngineStatus', {}, status(False, '1.00:00:00'))
    result = run_module(erpsync_engine.main, dict(interval='86400'))
    assert result['changed'] is False


def test_interval_then_state_in_that_order(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, status(False, '00:05:00'))
    webapi.expect('ChangeEngineInterval', {'Interval': '00:01:00'}, status=204)
    webapi.expect('ChangeEngineStatus', {'Run': True}, status(False, '00:01:00'))
    webapi.expect('GetEngineStatus', {}, status(True, '00:01:00'))
    result = run_module(erpsync_engine.main, dict(state='running', interval='60'))
    assert result['changed'] is True
    assert result['engine'] == dict(running=True, status_message='Idle', interval='00:01:00', interval_seconds=60)


def test_check_mode_predicts_without_writing(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, status(False, '00:05:00'))
    result = run_module(erpsync_engine.main, dict(state='running', interval='PT1H'), check_mode=True, diff=True)
    assert result['changed'] is True
    # The status message after the change is the server's text: check mode does not invent it.
    assert result['engine'] == dict(running=True, status_message='', interval='01:00:00', interval_seconds=3600)
    assert result['diff']['after'] == {'running': True, 'interval': '01:00:00'}
    assert webapi.methods == ['GetEngineStatus']


def test_check_mode_unchanged(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, status(True, '00:05:00'))
    result = run_module(erpsync_engine.main, dict(state='running', interval='300'), check_mode=True)
    assert result['changed'] is False


def test_wait_timeout_says_request_was_queued(webapi, run_module, monkeypatch):
    # The clock is the time slept: polls at 0, 0.25, 0.75, 1.75 and 2.0 s (backoff 0.25 s doubling, cut at the deadline).
    monkeypatch.setattr(engine_kind.time, 'monotonic', lambda: sum(webapi.sleeps))
    webapi.expect('GetEngineStatus', {}, status(False))
    webapi.expect('ChangeEngineStatus', {'Run': True}, status(False))
    for dummy in range(5):
        webapi.expect('GetEngineStatus', {}, status(False))
    result = run_module(erpsync_engine.main, dict(state='running', wait_timeout=2))
    assert result['failed'] is True
    assert result['changed'] is True
    assert 'was queued and may still apply' in result['msg']
    assert result['applied'] == ['running requested']
    assert webapi.sleeps == [0.25, 0.5, 1.0, 0.25]


def test_unclear_status_change_is_asked_again(webapi, run_module):
    import requests
    webapi.expect('GetEngineStatus', {}, status(False))
    webapi.expect('ChangeEngineStatus', {'Run': True}, error=requests.exceptions.ConnectionError('Connection aborted.'))
    webapi.expect('ChangeEngineStatus', {'Run': True}, status(False))
    webapi.expect('GetEngineStatus', {}, status(True))
    # ChangeEngineStatus sets a state, so the client itself repeats it (with a warning), as any safe request.
    result = run_module(erpsync_engine.main, dict(state='running', retries=1))
    assert result['changed'] is True
    assert 'ChangeEngineStatus' in result['warnings'][0] and 'retry 1 of 1' in result['warnings'][0]


def test_unclear_status_change_is_not_repeated_when_retries_is_zero(webapi, run_module):
    import requests
    webapi.expect('GetEngineStatus', {}, status(False))
    webapi.expect('ChangeEngineStatus', {'Run': True}, error=requests.exceptions.ConnectionError('Connection aborted.'))
    result = run_module(erpsync_engine.main, dict(state='running', retries=0))
    assert result['failed'] is True
    assert result['applied'] == []


@pytest.mark.parametrize('interval', ['0', '-5', '00:00:00', 'ten minutes', '25:00:00', '00:61:00', 'PT', 'P1DT', '1.2.3', 'true'])
def test_bad_interval_fails_before_any_request(webapi, run_module, interval):
    result = run_module(erpsync_engine.main, dict(interval=interval))
    assert result['failed'] is True
    assert result['msg'].startswith('interval: ')
    assert webapi.calls == []


def test_bad_wait_timeout(webapi, run_module):
    result = run_module(erpsync_engine.main, dict(state='running', wait_timeout=0))
    assert result['failed'] is True
    assert 'wait_timeout' in result['msg']
    assert webapi.calls == []


def test_null_status_is_a_clear_failure(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, None)
    result = run_module(erpsync_engine.main, dict(state='running'))
    assert result['failed'] is True
    assert 'answered null' in result['msg']


def test_write_error_reports_what_was_applied(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, status(False, '00:05:00'))
    webapi.expect('ChangeEngineInterval', {'Interval': '00:01:00'}, status=204)
    webapi.expect('ChangeEngineStatus', {'Run': True}, status=403, answer={'Error': True, 'ErrorMessage': 'Access denied'})
    result = run_module(erpsync_engine.main, dict(state='running', interval='60'))
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['applied'] == ['interval set to 00:01:00']
    assert 'Access denied' in result['msg']
    assert result['status'] == 403


def test_an_interval_that_is_no_timespan_is_an_error_not_a_reason_to_write(webapi, run_module):
    """A confused server's Interval ('soon') is not compared with the one wanted (which would write it): the read fails."""
    webapi.expect('GetEngineStatus', {}, dict(status(), Interval='soon'))
    result = run_module(erpsync_engine.main, dict(interval='PT10M'))
    assert result['failed'] is True and "Interval is 'soon', expected a .NET TimeSpan" in result['msg'], result['msg']
    assert webapi.methods == ['GetEngineStatus']
