# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_health: an ansible-rulebook event source that polls a tenant's ERP Sync engine and connections and sends an
# event whenever their health changes.

DOCUMENTATION = r'''
---
short_description: Events when the ERP Sync engine or a connection of a SuperOffice tenant changes its health
version_added: 0.3.0
description:
  - An ansible-rulebook event source that polls the ERP Sync agent of one SuperOffice CRM tenant every O(interval)
    seconds and puts an event on the queue whenever the health of the engine or of a watched connection changes
    (SuperOffice webhooks carry no ERP Sync events, so the agent is polled).
  - "Each event is C({\"erpsync\": {\"event\": TYPE, \"tenant\": URL, ...}}), where C(tenant) is the tenant's base
    address (never with credentials) and TYPE is one of V(engine_stopped), V(engine_started), V(connection_stale),
    V(connection_recovered), V(connection_activated), V(connection_deactivated), V(poll_failed) and V(poll_recovered).
    See RV(erpsync) for every field."
  - Events are sent only on a change. The first poll reports the bad states it finds (a stopped engine, stale
    connections, and with O(connections) the named connections that are not active), so a rulebook started during an
    outage still reacts.
  - "One poll sends exactly these requests: C(GetEngineStatus), one C(GetAllConnections), and one
    C(GetErpSyncConnectionSummary) per watched active connection. Retries of the connection options (O(retries)) come
    on top only when a request fails."
  - A poll that fails (the tenant is unreachable, answers an error or something unusable such as C(null)) sends one
    V(poll_failed) event and logs one warning; the source then waits twice as long after each further failure (at most
    15 minutes, or O(interval) if that is longer) and sends V(poll_recovered) when a poll succeeds again. When the tenant
    answers C(HTTP 401), the source logs in again once (a SuperOffice Online system user ticket lasts six hours) before
    it counts the poll as failed.
  - The connection options are those of the modules, with the same C(SUPEROFFICE_*) environment variables, so a rulebook
    needs no credentials in its text. They are checked when the source starts; a wrong option, or a first login that
    fails, stops the source with a message naming the problem.
  - >-
    Secrets are never part of an event or a log line. Text the tenant controls (connection names, the engine's status
    message, error messages) cannot run as a template in a playbook or in rulebook actions that receive the event:
    where it contains a C({) or starts with C(#jinja2:), each C({) is sent as C({{ '{' }}) (and such a
    leading C(#) as C({{ '#' }})), which renders back to the original text once and never evaluates it. Log lines and the
    C(error) of V(poll_failed) show terminal control characters (ESC, BEL, bidi overrides) as visible escapes such as
    C(\x1b); names and the status message are event data and stay as the tenant wrote them.
  - Runs the collection's HTTP client (the Python library C(requests)) in a worker thread, so a slow tenant never
    blocks the rulebook's event loop.
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
options:
  interval:
    description:
      - Seconds between the end of one poll and the start of the next.
    type: int
    default: 300
  stale_after:
    description:
      - Seconds after which an active connection that has not synchronized counts as stale (its C(LastSync) from
        C(GetErpSyncConnectionSummary) is older).
      - An active connection that never synchronized counts from the moment the source saw it become active; one that
        was already active at the first poll is stale at once.
      - After a connection is activated, it is not stale before this many seconds have passed since.
    type: int
    default: 7200
  connections:
    description:
      - Names (C(DisplayName)) of the connections to watch. A connection that is renamed while watched stays watched.
      - Left out, every active connection is watched, and a connection that becomes active or stops being active is
        reported.
    type: list
    elements: str
notes:
  - Needs ansible-rulebook (with Java 17 or later), and on the host that runs it this collection with its Python
    requirements (C(requests), C(urllib3), C(cryptography)) and ansible-core.
  - The options O(concurrency) and O(lock_timeout) of the modules have no effect here; a poll sends its requests one
    after the other and takes no lock. Retries inside a poll are logged at level INFO (C(ansible-rulebook -v)), not as
    warnings.
seealso:
  - module: superoffice.crm.erpsync_engine
  - module: superoffice.crm.erpsync_sync
  - module: superoffice.crm.erpsync_connection_info
'''

EXAMPLES = r'''
# Connection options come from the SUPEROFFICE_* environment variables of ansible-rulebook
# (for example SUPEROFFICE_URL, SUPEROFFICE_USERNAME and SUPEROFFICE_PASSWORD).
- name: ERP Sync health
  hosts: all
  sources:
    - superoffice.crm.erpsync_health:
        interval: 60
        stale_after: 7200
  rules:
    - name: Start a stopped engine
      condition: event.erpsync.event == "engine_stopped"
      action:
        run_module:
          name: superoffice.crm.erpsync_engine
          module_args:
            state: running

# Two connections of a SuperOffice Online tenant, with the app's system user.
- name: ERP Sync health of Cust12345
  hosts: all
  sources:
    - superoffice.crm.erpsync_health:
        context_identifier: Cust12345
        system_user_token: "{{ SO_SYSTEM_USER_TOKEN }}"
        app_token: "{{ SO_APP_TOKEN }}"
        private_key: /etc/superoffice/app-key.pem
        connections:
          - Visma.net production
          - Fortnox
        interval: 120
  rules:
    - name: Tell someone
      condition: event.erpsync.event in ["connection_stale", "connection_deactivated"]
      action:
        print_event:
          pretty: true
'''

RETURN = r'''
erpsync:
  description:
    - The event (the one key of each event the source puts on the queue).
  returned: always
  type: dict
  contains:
    event:
      description:
        - V(engine_stopped) and V(engine_started) when the engine's C(IsRunning) changes (the first poll reports a
          stopped engine).
        - V(connection_stale) when a watched active connection has not synchronized for O(stale_after) seconds, and
          V(connection_recovered) when it synchronized again.
        - V(connection_activated) and V(connection_deactivated) when a watched connection's Active flag changes; also
          V(connection_deactivated) when an active watched connection is deleted (then RV(erpsync.connection.deleted=true)).
        - V(poll_failed) once when polling starts to fail, V(poll_recovered) when a poll succeeds again.
      type: str
      sample: connection_stale
    tenant:
      description: The tenant's base address, as the modules use it (no credentials, no C(/api)).
      type: str
      sample: https://crm.example.com/SuperOffice
    engine:
      description: With V(engine_stopped) and V(engine_started), the engine.
      returned: engine events
      type: dict
      contains:
        running:
          description: C(IsRunning).
          type: bool
          sample: false
        status_message:
          description: C(StatusMessage), as the server sent it.
          type: str
          sample: Stopped
    connection:
      description: With the connection events, the connection.
      returned: connection events
      type: dict
      contains:
        id:
          description: C(ErpConnectionId).
          type: int
          sample: 3
        name:
          description: C(DisplayName).
          type: str
          sample: Visma.net production
        active:
          description: Whether the connection is active now.
          type: bool
          sample: true
        deleted:
          description: Whether the connection was deleted (it is no longer listed).
          type: bool
          sample: false
        last_sync:
          description: When the connection last synchronized (ISO 8601; UTC when the server names no zone), or V(null) if never.
          type: str
          sample: "2026-11-30T09:15:00+00:00"
        last_sync_age:
          description: Seconds since the last synchronization by the clock of the host that runs the source, or V(null) if never.
          type: int
          sample: 8130
    error:
      description: With V(poll_failed), why the poll failed.
      returned: poll_failed
      type: str
      sample: "ErpSync GetEngineStatus failed: HTTP 503: Service Unavailable"
    failed_polls:
      description: With V(poll_recovered), how many polls in a row had failed.
      returned: poll_recovered
      type: int
      sample: 3
    down_seconds:
      description: With V(poll_recovered), seconds from the first failed poll to the one that succeeded.
      returned: poll_recovered
      type: int
      sample: 360
'''

import asyncio
import copy
import datetime
import logging
import os
import sys

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

try:
    import ansible_collections.superoffice.crm.plugins.module_utils  # noqa: F401 pylint: disable=unused-import
except ImportError:
    # ansible-rulebook runs an event source by its path (runpy), without Ansible's collection loader: make the
    # collections directory that holds this file importable.
    sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 7)))

from ansible_collections.superoffice.crm.plugins.module_utils._agent import ErpSyncAPI
from ansible_collections.superoffice.crm.plugins.module_utils._base import Secrets, WebAPIError, printable
from ansible_collections.superoffice.crm.plugins.module_utils._client import WebAPIClient
# The modules' connection options (the one place this file takes them from).
from ansible_collections.superoffice.crm.plugins.module_utils._options import WEBAPI_ARGUMENT_SPEC
from ansible_collections.superoffice.crm.plugins.module_utils._values import sync_time

SOURCE_OPTIONS = dict(
    interval=dict(type='int', default=300),
    stale_after=dict(type='int', default=7200),
    connections=dict(type='list', elements='str'),
)
# The longest wait between polls of a failing tenant, unless interval is longer.
MAX_BACKOFF = 900

logger = logging.getLogger('superoffice.crm.erpsync_health')

# The wait between polls (the unit tests replace it to run polls back to back).
pause = asyncio.sleep


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class SourceError(Exception):
    """The source cannot run: a wrong option or a failed first login. The message is safe to show."""


def inert(text):
    """Tenant-written text as a template that renders to exactly this text, once, and never evaluates anything."""
    if not isinstance(text, str) or not ('{' in text or text.startswith('#jinja2:')):
        return text
    escaped = text.replace('{', "{{ '{' }}")
    return "{{ '#' }}" + escaped[1:] if escaped.startswith('#') else escaped


class _Settings:
    """What the collection's client needs of a module: the options, fail_json, warn, no_log_values and check_mode."""

    check_mode = False

    def __init__(self, params):
        self.params = params
        self.no_log_values = set()
        self.secrets = Secrets()

    def mask(self, text):
        return self.secrets.mask(text)

    def shown(self, text):
        """A message for a log line or the source's error, which a terminal may show raw: masked, controls made visible."""
        return printable(self.mask(text))

    def fail_json(self, msg, **kwargs):
        del kwargs
        raise SourceError(self.shown(msg))

    def warn(self, text):
        # Retries inside one poll: shown with ansible-rulebook -v; a failing poll is reported once by the source.
        logger.info('%s', self.shown(text))


class HealthWatch:
    """The state of one tenant as the last good poll saw it, and the events that a new poll's answers make."""

    def __init__(self, args):
        spec = dict(copy.deepcopy(WEBAPI_ARGUMENT_SPEC), **SOURCE_OPTIONS)
        # ansible-rulebook may add its own arguments (eda_feedback_queue): they are not options of this source. An option
        # that a rulebook variable rendered as null counts as not given, so its environment variable still applies.
        given = dict((k, v) for k, v in args.items() if v is not None and not k.startswith('eda_'))
        result = ArgumentSpecValidator(spec).validate(given)
        self.settings = _Settings(result.validated_parameters)
        # Masked from the start (the client adds what it derives from them, such as a Basic credential).
        for name, option in spec.items():
            if option.get('no_log'):
                self.settings.secrets.add(result.validated_parameters.get(name))
                self.settings.secrets.add(os.environ.get('SUPEROFFICE_' + name.upper()))
        if result.error_messages:
            raise SourceError(self.settings.shown('superoffice.crm.erpsync_health: %s' % '; '.join(result.error_messages)))
        params = self.settings.params
        for name in ('interval', 'stale_after'):
            if params[name] < 1:
                raise SourceError('superoffice.crm.erpsync_health: %s must be at least 1 (seconds), got %s' % (name, params[name]))
        self.interval = params['interval']
        self.stale_after = params['stale_after']
        self.names = set(params['connections'] or [])
        self.client = None
        self.running = None      # the engine's IsRunning at the last good poll; None before the first
        self.known = {}          # connection id -> its state at the last good poll
        self.first = True
        self.missing = set()     # watched names the tenant has no connection for
        self.failures = 0
        self.failed_since = None

    def connect(self):
        """Build the client (and log in, for a SuperOffice Online system user). Raises SourceError."""
        self.client = WebAPIClient(self.settings)
        return self.client

    def mask(self, text):
        text = self.settings.mask(text)
        return self.client.secrets.mask(text) if self.client is not None else text

    def safe(self, value):
        """An event value with every string masked and inert."""
        if isinstance(value, dict):
            return dict((k, self.safe(v)) for k, v in value.items())
        if isinstance(value, list):
            return [self.safe(v) for v in value]
        return inert(self.mask(value)) if isinstance(value, str) else value

    def event(self, kind, **fields):
        return {'erpsync': self.safe(dict(event=kind, tenant=self.client.base_url, **fields))}

    # -- one poll -----------------------------------------------------------------------------------------------

    def read(self):
        """The requests of one poll (blocking: runs in a worker thread). On HTTP 401, logs in again once."""
        try:
            return self._read()
        except WebAPIError as e:
            if e.status != 401:
                raise
            logger.info('%s answered HTTP 401: logging in again', self.client.base_url)
            self.connect()
            return self._read()

    def _read(self):
        api = ErpSyncAPI(self.client)
        engine = api.get_engine_status()
        listed = sorted(api.get_all_connections(False), key=lambda record: record['ErpConnectionId'])
        watched = [record for record in listed if self.watches(record)]
        summaries = dict((record['ErpConnectionId'], api.get_connection_summary(record['ErpConnectionId']))
                         for record in watched if record['Active'])
        return engine, watched, summaries

    def watches(self, record):
        return not self.names or record.get('DisplayName') in self.names or record['ErpConnectionId'] in self.known

    async def poll(self):
        """One poll: returns its events and the seconds to wait before the next one."""
        try:
            engine, watched, summaries = await asyncio.to_thread(self.read)
        except (WebAPIError, SourceError) as e:
            return self.failed(e), self.backoff()
        events = []
        if self.failures:
            logger.warning('%s answers again after %d failed poll(s)', self.client.base_url, self.failures)
            events.append(self.event('poll_recovered', failed_polls=self.failures,
                                     down_seconds=int((utcnow() - self.failed_since).total_seconds())))
            self.failures = 0
        events.extend(self.changes(engine, watched, summaries, utcnow()))
        self.first = False
        return events, self.interval

    def failed(self, error):
        self.failures += 1
        # A message (in the log and the event's error), not tenant data: terminal controls in it are made visible.
        message = printable(self.mask(getattr(error, 'message', None) or '%s' % error))
        if self.failures > 1:
            logger.debug('%s: poll %d in a row failed: %s', self.client.base_url, self.failures, message)
            return []
        self.failed_since = utcnow()
        logger.warning('%s: poll failed: %s. Polling again in %d s, then at longer intervals (at most %d s) until it answers; '
                       'this is reported once', self.client.base_url, message, self.backoff(), max(self.interval, MAX_BACKOFF))
        return [self.event('poll_failed', error=message)]

    def backoff(self):
        if not self.failures:
            return self.interval
        return min(self.interval * 2 ** self.failures, max(self.interval, MAX_BACKOFF))

    # -- what changed -------------------------------------------------------------------------------------------

    def changes(self, engine, watched, summaries, now):
        events = self.engine_change(engine)
        self.report_missing(watched)
        current = {}
        for record in watched:
            number = record['ErpConnectionId']
            before = self.known.get(number)
            current[number] = state = self.connection_state(record, before, summaries.get(number), now)
            events += [self.connection_event(kind, number, state, now) for kind in self.connection_changes(before, state)]
        for number, before in sorted(self.known.items()):
            if number not in current and before['active']:
                events.append(self.connection_event('connection_deactivated', number, dict(before, active=False), now, deleted=True))
        self.known = current
        return events

    def engine_change(self, engine):
        running = bool(engine['IsRunning'])
        # The first poll reports a stopped engine only; later polls every change.
        changed = running != self.running and (self.running is not None or not running)
        self.running = running
        if not changed:
            return []
        return [self.event('engine_started' if running else 'engine_stopped',
                           engine=dict(running=running, status_message=engine.get('StatusMessage')))]

    def report_missing(self, watched):
        missing = self.names - set(record.get('DisplayName') for record in watched)
        if missing - self.missing:
            logger.warning('%s has no connection named %s', self.client.base_url, printable(self.mask(', '.join(sorted(missing - self.missing)))))
        self.missing = missing

    def connection_changes(self, before, state):
        """The event types of one connection since the last good poll (``before`` None: not seen then), in order."""
        kinds = []
        if before is None:
            if state['active'] and not self.first:
                kinds.append('connection_activated')
            elif not state['active'] and self.first and self.names:
                kinds.append('connection_deactivated')
        elif before['active'] != state['active']:
            kinds.append('connection_activated' if state['active'] else 'connection_deactivated')
        was_stale = bool(before and before['stale'])
        if state['stale'] and not was_stale:
            kinds.append('connection_stale')
        elif was_stale and state['active'] and not state['stale']:
            kinds.append('connection_recovered')
        return kinds

    def connection_state(self, record, before, summary, now):
        active = bool(record['Active'])
        if summary is not None:
            last_sync = sync_time(summary.get('LastSync'))
        else:
            last_sync = before['last_sync'] if before else None
        # When the source first saw the connection active: unknown (long ago) for those active at the first poll.
        if not active:
            active_since = None
        elif before is not None and before['active']:
            active_since = before['active_since']
        else:
            active_since = None if self.first else now
        moments = [moment for moment in (last_sync, active_since) if moment is not None]
        stale = active and (not moments or (now - max(moments)).total_seconds() > self.stale_after)
        return dict(name=record.get('DisplayName'), active=active, last_sync=last_sync, active_since=active_since, stale=stale)

    def connection_event(self, kind, number, state, now, deleted=False):
        last_sync = state['last_sync']
        return self.event(kind, connection=dict(
            id=number, name=state['name'], active=state['active'], deleted=deleted,
            last_sync=last_sync.isoformat() if last_sync else None,
            last_sync_age=int((now - last_sync).total_seconds()) if last_sync else None))


async def main(queue, args):
    """Poll the tenant every interval seconds; put an event on the queue for every change of its ERP Sync health."""
    watch = HealthWatch(args)
    await asyncio.to_thread(watch.connect)
    logger.info('watching ERP Sync of %s every %d s: the engine and %s; stale after %d s', watch.client.base_url, watch.interval,
                'the connections %s' % ', '.join(sorted(watch.names)) if watch.names else 'every active connection', watch.stale_after)
    while True:
        events, delay = await watch.poll()
        for event in events:
            await queue.put(event)
        await pause(delay)


if __name__ == '__main__':
    # Run directly (python erpsync_health.py), with the SUPEROFFICE_* environment variables: print the events.
    class MockQueue(asyncio.Queue):
        async def put(self, item):
            print(item)  # noqa: T201

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(MockQueue(), {'interval': 10}))
