# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The event source superoffice.crm.erpsync_health, driven through main() with a queue (as ansible.eda tests its sources)
against the fake WebAPI of tests/unit/conftest.py: exact requests per poll, events only on change, faults, backoff,
secrets and tenant-written templates."""

import asyncio
import base64
import datetime
import json
import logging
import os
import threading

import jinja2
import pytest
import requests

from ansible_collections.superoffice.crm.extensions.eda.plugins.event_source import erpsync_health as source
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import META, connection, listed

T0 = datetime.datetime(2026, 11, 30, 12, 0, 0, tzinfo=datetime.timezone.utc)
URL = 'https://crm.example.com/SuperOffice'
PASSWORD = 'S3cret-Pw!42'
ARGS = dict(url=URL, username='admin', password=PASSWORD, retries=0, interval=60, stale_after=7200)
NEVER = '0001-01-01T00:00:00'


class Stop(Exception):
    """Ends main() after the wanted number of polls."""


@pytest.fixture
def harness(webapi, monkeypatch):
    # Every option falls back to a SUPEROFFICE_* variable: none from the developer's shell may leak into a test.
    for name in [n for n in os.environ if n.startswith('SUPEROFFICE_')]:
        monkeypatch.delenv(name)
    return Harness(webapi, monkeypatch)


class Harness(object):
    """Runs main() for a number of polls on a fake clock that the pauses between polls advance."""

    def __init__(self, webapi, monkeypatch):
        self.webapi = webapi
        self.now = T0
        self.pauses = []
        self.polls = 0
        monkeypatch.setattr(source, 'utcnow', lambda: self.now)
        monkeypatch.setattr(source, 'pause', self.pause)

    async def pause(self, seconds):
        self.pauses.append(seconds)
        self.now += datetime.timedelta(seconds=seconds)
        if len(self.pauses) == self.polls:
            raise Stop()

    def run(self, polls, **args):
        """The events of ``polls`` polls (each event's ``erpsync`` part); an argument given as None is left out."""
        self.polls = polls
        queue = asyncio.Queue()
        with pytest.raises(Stop):
            asyncio.run(source.main(queue, arguments(**args)))
        events = []
        while not queue.empty():
            event = queue.get_nowait()
            assert list(event) == ['erpsync']
            events.append(event['erpsync'])
        return events

    def poll(self, running=True, connections=(), summaries=(), status_message=None):
        """Expect exactly one poll's requests: the engine, the list, and the given summaries ((id, LastSync) pairs)."""
        self.webapi.expect('GetEngineStatus', {}, dict(META, IsRunning=running, Interval='00:05:00',
                                                       StatusMessage=status_message or ('Running' if running else 'Stopped')))
        self.webapi.expect('GetAllConnections', {'IncludeDeleted': False}, [listed(c) for c in connections])
        for number, last_sync in summaries:
            self.webapi.expect('GetErpSyncConnectionSummary', {'ErpSyncConnectionId': number},
                               dict(DisplayName='c%d' % number, Active=True, Deleted=False, LastSync=last_sync, Actors=[]))


def arguments(**args):
    return dict((k, v) for k, v in dict(ARGS, **args).items() if v is not None)


def ago(seconds):
    """A LastSync as the agent sends it (no zone): this long before T0."""
    return (T0 - datetime.timedelta(seconds=seconds)).strftime('%Y-%m-%dT%H:%M:%S')


def kinds(events):
    return [(e['event'], e.get('connection', {}).get('id')) for e in events]


def test_first_poll_reports_bad_states_with_exactly_its_requests(harness):
    conns = [connection(1, 'SAP B1 Oslo', active=True), connection(2, 'Visma', active=True), connection(3, 'Pilot', active=False)]
    harness.poll(running=False, connections=conns, summaries=[(1, NEVER), (2, ago(3600))])

    events = harness.run(1)

    assert harness.webapi.methods == ['GetEngineStatus', 'GetAllConnections', 'GetErpSyncConnectionSummary', 'GetErpSyncConnectionSummary']
    assert events == [
        dict(event='engine_stopped', tenant=URL, engine=dict(running=False, status_message='Stopped')),
        dict(event='connection_stale', tenant=URL,
             connection=dict(id=1, name='SAP B1 Oslo', active=True, deleted=False, last_sync=None, last_sync_age=None)),
    ]
    assert harness.pauses == [60]


def test_events_only_on_change(harness):
    conns = [connection(1, 'SAP', active=True), connection(2, 'Visma', active=True)]
    harness.poll(connections=conns, summaries=[(1, ago(60)), (2, ago(60))])
    harness.poll(connections=conns, summaries=[(1, ago(120)), (2, ago(120))])
    # 1 has not synchronized for 7260 s, over stale_after; the engine stopped.
    harness.poll(running=False, connections=conns, summaries=[(1, ago(60)), (2, ago(7260 - 120))])
    harness.poll(running=False, connections=conns, summaries=[(1, ago(60)), (2, ago(7260 - 180))])
    harness.poll(running=True, connections=conns, summaries=[(1, ago(60)), (2, ago(100))])

    events = harness.run(5)

    assert kinds(events) == [('engine_stopped', None), ('connection_stale', 2), ('engine_started', None), ('connection_recovered', 2)]
    stale = events[1]['connection']
    assert stale['last_sync_age'] == 7260 and stale['last_sync'] == (T0 - datetime.timedelta(seconds=7140)).isoformat()
    assert events[3]['connection']['last_sync_age'] == 240 + 100
    assert len(harness.webapi.calls) == 5 * 4


def test_activation_deactivation_deletion_and_grace_for_new_connections(harness):
    one, two = connection(1, 'SAP', active=True), connection(2, 'Visma', active=False)
    harness.poll(connections=[one, two], summaries=[(1, ago(0))])
    # 2 is activated (never synchronized: not stale before stale_after has passed since), 1 deactivated.
    harness.poll(connections=[dict(one, Active=False), dict(two, Active=True)], summaries=[(2, NEVER)])
    harness.poll(connections=[dict(one, Active=False), dict(two, Active=True)], summaries=[(2, NEVER)])
    # 2 is deleted: no longer listed.
    harness.poll(connections=[dict(one, Active=False)])

    events = harness.run(4, interval=3600, stale_after=3000)

    assert kinds(events) == [('connection_deactivated', 1), ('connection_activated', 2), ('connection_stale', 2),
                             ('connection_deactivated', 2)]
    assert events[2]['connection']['last_sync'] is None
    assert events[3]['connection'] == dict(id=2, name='Visma', active=False, deleted=True, last_sync=None, last_sync_age=None)


def test_named_connections_only(harness, caplog):
    conns = [connection(1, 'SAP', active=True), connection(2, 'Fortnox', active=False), connection(3, 'Visma', active=True)]
    harness.poll(connections=conns, summaries=[(3, ago(10))])
    # Renamed while watched: still watched. SAP is never read.
    harness.poll(connections=[conns[0], conns[1], dict(conns[2], DisplayName='Visma (old)')], summaries=[(3, ago(20))])

    with caplog.at_level(logging.WARNING, logger='superoffice.crm.erpsync_health'):
        events = harness.run(2, connections=['Fortnox', 'Visma', 'Tripletex'])

    assert kinds(events) == [('connection_deactivated', 2)]
    # Each name the tenant has no connection for is reported once, when it goes missing.
    assert [r.getMessage() for r in caplog.records] == ['%s has no connection named Tripletex' % URL,
                                                        '%s has no connection named Visma' % URL]


def test_a_failing_tenant_is_reported_once_and_backed_off(harness, caplog):
    conns = [connection(1, 'SAP', active=True)]
    harness.poll(connections=conns, summaries=[(1, ago(10))])
    harness.webapi.expect('GetEngineStatus', {}, status=500, answer={'Error': True, 'ErrorMessage': 'Internal error'})
    harness.webapi.expect('GetEngineStatus', {}, answer=None)   # null: what agents answer when a call fails
    harness.webapi.expect('GetEngineStatus', {}, error=requests.exceptions.ReadTimeout('read timed out'))
    harness.webapi.expect('GetEngineStatus', {}, dict(META, IsRunning=True))
    harness.webapi.expect('GetAllConnections', {'IncludeDeleted': False}, None)
    harness.poll(connections=conns, summaries=[(1, ago(10))])

    with caplog.at_level(logging.WARNING, logger='superoffice.crm.erpsync_health'):
        events = harness.run(6)

    assert kinds(events) == [('poll_failed', None), ('poll_recovered', None)]
    assert events[0]['error'] == 'ErpSync GetEngineStatus failed: HTTP 500: Internal error'
    assert events[1]['failed_polls'] == 4 and events[1]['down_seconds'] == 120 + 240 + 480 + 900
    assert harness.pauses == [60, 120, 240, 480, 900, 60]
    assert [r.levelname for r in caplog.records] == ['WARNING', 'WARNING']
    assert 'reported once' in caplog.records[0].getMessage() and 'answers again after 4 failed' in caplog.records[1].getMessage()


def test_a_retried_request_is_not_a_failed_poll(harness):
    harness.webapi.expect('GetEngineStatus', {}, status=503, raw='Service Unavailable', headers={'Content-Type': 'text/plain'})
    harness.poll()

    assert harness.run(1, retries=1) == []
    assert len(harness.webapi.sleeps) == 1


def test_http_401_logs_in_again_once(harness):
    harness.webapi.expect('GetEngineStatus', {}, status=401, answer={'Error': True, 'ErrorMessage': 'Ticket expired'})
    harness.poll(connections=[connection(1, 'SAP', active=True)], summaries=[(1, ago(10))])
    harness.webapi.expect('GetEngineStatus', {}, status=401, answer={'Error': True, 'ErrorMessage': 'Ticket expired'})
    harness.webapi.expect('GetEngineStatus', {}, status=401, answer={'Error': True, 'ErrorMessage': 'Ticket expired'})

    events = harness.run(2)

    assert kinds(events) == [('poll_failed', None)]
    assert events[0]['error'].startswith('ErpSync GetEngineStatus failed: HTTP 401 Unauthorized')


def test_secrets_are_never_in_events_or_logs(harness, caplog, monkeypatch):
    basic = base64.b64encode(('admin:%s' % PASSWORD).encode()).decode()
    monkeypatch.setenv('SUPEROFFICE_PASSWORD', PASSWORD)
    echo = 'Authorization: Basic %s; password=%s' % (basic, PASSWORD)
    # A tenant that shows the password as a connection name and echoes the request in an error.
    harness.poll(connections=[connection(1, PASSWORD, active=True)], summaries=[(1, NEVER)], running=False, status_message=echo)
    harness.webapi.expect('GetEngineStatus', {}, status=400, answer={'Message': 'The request is invalid.', 'MessageDetail': echo})

    with caplog.at_level(logging.DEBUG, logger='superoffice.crm.erpsync_health'):
        events = harness.run(2, password=None)

    assert kinds(events) == [('engine_stopped', None), ('connection_stale', 1), ('poll_failed', None)]
    text = json.dumps(events) + caplog.text
    assert PASSWORD not in text and basic not in text
    assert events[0]['engine']['status_message'] == 'Authorization: Basic ********; password=********'


def test_tenant_text_in_log_lines_and_error_messages_carries_no_terminal_escape(harness, caplog):
    """Review F13: an error the tenant words with terminal escapes (OSC 52 clipboard write, a line erase, a bidi override)
    is logged and sent as poll_failed's error with the escapes visible; a connection name stays data, verbatim."""
    osc52 = '\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07'
    harness.poll(connections=[connection(1, 'Pilot' + osc52, active=True)], summaries=[(1, NEVER)])
    harness.webapi.expect('GetEngineStatus', {}, status=400, answer={'Message': 'Bad\x1b[2K\r' + osc52 + ' \u202eexe.txt'})

    with caplog.at_level(logging.DEBUG, logger='superoffice.crm.erpsync_health'):
        events = harness.run(2)

    assert kinds(events) == [('connection_stale', 1), ('poll_failed', None)]
    assert events[0]['connection']['name'] == 'Pilot' + osc52
    assert events[1]['error'] == ('ErpSync GetEngineStatus failed: HTTP 400: Bad\\x1b[2K\\x0d\\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\\x07 '
                                  '\\u202eexe.txt')
    assert [r for r in caplog.records if '\x1b' in r.getMessage() or '\u202e' in r.getMessage()] == []
    assert 'Bad\\x1b[2K' in caplog.text


@pytest.mark.parametrize('name', [
    "{{ lookup('ansible.builtin.pipe', 'id') }}",
    "Fortnox {% raw %}{{ 6 * 7 }}{% endraw %} {# x #}",
    "#jinja2:variable_start_string:'[[', variable_end_string:']]'\n[[ 6 * 7 ]]",
])
def test_tenant_written_templates_render_back_to_themselves(harness, name):
    harness.poll(connections=[connection(1, name, active=True)], summaries=[(1, NEVER)], status_message=name, running=False)

    events = harness.run(1)

    for text in (events[0]['engine']['status_message'], events[1]['connection']['name']):
        assert not text.startswith('#jinja2:')
        assert jinja2.Environment().from_string(text).render() == name


def test_plain_names_are_sent_as_they_are():
    assert source.inert('Visma.net (prod) 100% #1 }}') == 'Visma.net (prod) 100% #1 }}'


def test_connection_options_from_the_environment(harness, monkeypatch):
    monkeypatch.setenv('SUPEROFFICE_URL', 'https://onsite.example.com/SuperOffice/api/v1/')
    monkeypatch.setenv('SUPEROFFICE_USERNAME', 'admin')
    monkeypatch.setenv('SUPEROFFICE_PASSWORD', PASSWORD)
    harness.poll(running=False)

    events = harness.run(1, url=None, username=None, password=None, eda_feedback_queue=object())

    assert events == [dict(event='engine_stopped', tenant='https://onsite.example.com/SuperOffice',
                           engine=dict(running=False, status_message='Stopped'))]
    assert harness.webapi.calls[0]['url'] == 'https://onsite.example.com/SuperOffice/api/v1/Agents/ErpSync/GetEngineStatus'
    assert harness.webapi.calls[0]['headers']['Authorization'].startswith('Basic ')


def test_requests_run_outside_the_event_loop_thread(harness, monkeypatch):
    threads = []
    post = requests.Session.post

    def recording_post(session, url, **kwargs):
        threads.append(threading.current_thread())
        return post(session, url, **kwargs)

    monkeypatch.setattr(requests.Session, 'post', recording_post)
    harness.poll()

    harness.run(1)

    assert len(threads) == 2 and threading.main_thread() not in threads


@pytest.mark.parametrize('args, message', [
    (dict(interval=0), 'interval must be at least 1 (seconds), got 0'),
    (dict(stale_after='soon'), "stale_after"),
    (dict(intervall=60), 'intervall'),
    (dict(password=None), 'Give exactly one credential'),
    (dict(url='https://admin:%s@crm.example.com/SuperOffice' % PASSWORD), 'url must not contain credentials'),
])
def test_wrong_options_stop_the_source_before_any_request(harness, args, message):
    with pytest.raises(source.SourceError) as raised:
        asyncio.run(source.main(asyncio.Queue(), arguments(**args)))

    assert message in str(raised.value) and PASSWORD not in str(raised.value)
    assert harness.webapi.calls == []
