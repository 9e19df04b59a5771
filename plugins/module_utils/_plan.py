# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one plan/apply engine: resource kinds plan steps stage by stage; the applier sends them (independent objects at
once, bounded), re-reads before and after writes, and settles unclear outcomes; check mode only records the plan.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import concurrent.futures
import contextlib
import hashlib
import os
import tempfile
import time

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # not a POSIX controller
    HAS_FCNTL = False

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError

# Stages, in the order the server needs them: connectors before the connections that use them, connections saved
# (new ones inactive) before their fields are refreshed and mapped, mappings before activation (a connection whose
# mandatory fields lack a direction cannot be activated), and the engine last, so it starts on the new configuration.
CONNECTORS = 10
DEACTIVATE = 20
SAVE = 30
TEST = 35
REFRESH_FIELDS = 40
MAPPINGS = 50
DEFAULTS = 52
LIST_MAPPINGS = 55
ACTIVATE = 60
UNLISTED = 65
ENGINE_INTERVAL = 70
ENGINE_STATE = 75
STAGES = (CONNECTORS, DEACTIVATE, SAVE, TEST, REFRESH_FIELDS, MAPPINGS, DEFAULTS, LIST_MAPPINGS, ACTIVATE, UNLISTED,
          ENGINE_INTERVAL, ENGINE_STATE)


class ItemFailure(Exception):
    """One object cannot be brought to its desired state; the others go on. ``applied``: the step's write was made."""

    def __init__(self, message, fields=None, applied=False):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.applied = applied


class PlanError(Exception):
    """The run cannot start (invalid input, a failed read before any write): nothing was changed."""

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def validation_errors(result):
    """An ArgumentSpecValidator result's messages as users read them. ansible-core adds a bare "dictionary requested, ..." for a
    list item that is not a dictionary, beside a message naming the option that says the same: only the fuller one is kept."""
    found = [('unsupported option %s' % e.msg) if isinstance(e, UnsupportedError) else e.msg for e in result.errors.errors]
    return [m for m in found if not any(m != other and m in other for other in found)]


def validate_items(raw_items, options, make_item, noun, **rules):
    """Each item of a list option checked with ``options`` (and ``rules`` such as required_one_of) before any request;
    ``make_item(params, index, errors)`` builds the item, its problems named by the caller's label."""
    validator = ArgumentSpecValidator(options, **rules)
    items = []
    for index, raw in enumerate(raw_items or []):
        params = dict((name, spec.get('default')) for name, spec in options.items())
        if not isinstance(raw, dict):
            items.append(make_item(params, index, ['must be a dictionary of %s options, got a %s' % (noun, type(raw).__name__)]))
            continue
        result = validator.validate(raw)
        params.update(result.validated_parameters)
        items.append(make_item(params, index, validation_errors(result)))
    return items


def module_spec(options):
    """The argument spec of a module whose list-of-dictionary options are checked by validate_items (so that messages name
    the item and the option): those options without their suboptions."""
    rules = ('options', 'required_one_of', 'mutually_exclusive', 'required_together', 'required_if', 'required_by')
    return dict((name, dict((k, v) for k, v in spec.items() if k not in rules)) for name, spec in options.items())


def invalid(errors):
    """A PlanError listing every problem found before any write."""
    if len(errors) == 1:
        return PlanError(errors[0] + '. Nothing was changed')
    return PlanError('Nothing was changed; %d problems: %s' % (len(errors), '; '.join(errors)))


def read_and_check(items, ready, read, check, concurrency):
    """Read the ``ready`` items (different objects at once) and check each; a problem found before any write, in an item's
    options or on the server, ends the run with nothing changed."""
    check_errors(items)
    try:
        run_concurrently(read, ready, concurrency)
        for item in ready:
            check(item)
    except WebAPIError as e:
        raise PlanError(e.message + '. Nothing was changed', e.result_fields())
    check_errors(items)


def duplicate_errors(items, label, noun, fold=None):
    """Two items that give the same id or name: each object may be listed once (``fold`` compares names, e.g. ignoring case)."""
    errors = []
    for option in ('id', 'name'):
        seen = {}
        for item in items:
            value = item.params.get(option)
            if value is None or item.errors:
                continue
            key = fold(value) if fold and isinstance(value, str) else value
            if key in seen:
                errors.append('%s[%d] and %s[%d] both give %s %r; each %s may be listed once' % (label, seen[key], label, item.index, option, value, noun))
            else:
                seen[key] = item.index
    return errors


def check_errors(items):
    """Raise a PlanError listing the problems found in the items' options (before any request)."""
    errors = [e for item in items for e in item.errors]
    if errors:
        raise invalid(errors)


class Item:
    """One desired object and what the run did (or, in check mode, would do) to it."""

    def __init__(self, params, index=None, where='', parent=None):
        self.params = params
        self.index = index
        self.where = where          # message prefix naming the item ('' for a single-object module)
        self.parent = parent        # the item this one needs (a mapping's connection): its failure skips this one
        self.errors = []            # problems found before any write
        self.current = None         # the object as read before any write
        self.final = None           # the object after the run, as the server shows it (or as predicted in check mode)
        self.operations = []
        self.failed = False
        self.msg = None
        self.error_fields = {}
        self.seen = 0               # the wave of writes after which the object's view was last read or confirmed

    @property
    def changed(self):
        return bool(self.operations)

    @property
    def blocked(self):
        return self.failed or bool(self.parent is not None and self.parent.blocked)

    def fail(self, message, fields=None):
        if not self.failed:
            self.failed, self.msg, self.error_fields = True, message, fields or {}


class Step:
    """One write of a plan.

    ``send()`` performs it and returns the server's answer; ``done(answer)`` records its effect on the item (in check mode
    it gets ``predicted``). ``verified``: the answer is the server's view of the object (a save), so no read is needed to
    confirm it; other writes (a toggle) are confirmed by the kind's read after the last write. When an answer is unclear,
    ``reread()`` reads the object again and ``shows(record)`` tells whether the write is visible in it. ``fresh`` asks for
    the object's view to be read again before the write when other writes happened since it was read (a flag decided on
    a stale view can flip twice); ``needed()``, asked after that read, says whether the write is still wanted.
    """

    def __init__(self, item, operation, send, done=None, predicted=None, reread=None, shows=None, needed=None, fresh=False,
                 verified=False):
        self.item = item
        self.operation = operation
        self.send = send
        self.done = done or (lambda answer: None)
        self.predicted = predicted
        self.reread = reread
        self.shows = shows
        self.needed = needed or (lambda: True)
        self.fresh = fresh
        self.verified = verified


class Kind:
    """A resource kind: how its objects are read, planned per stage, re-read and verified. Subclasses override."""

    def read(self):
        """Read what planning needs; raise PlanError for problems found before any write."""

    def steps(self, stage):
        """The steps of ``stage``, planned now (after the earlier stages were applied, or predicted in check mode)."""
        return []

    def refresh(self):
        """Read the kind's objects again before a wave of writes that wants a fresh view."""

    def verify(self):
        """After the last write: read again and fail, honestly, every item the server does not show as reported."""


class Applier:
    """Runs the stages of one module run. Check mode records each step's predicted effect and sends nothing."""

    def __init__(self, module, kinds):
        self.module = module
        self.kinds = kinds
        self.check_mode = module.check_mode
        params = module.params
        self.concurrency = params.get('concurrency') or 1
        # After an unclear write, how long the server may still need before the write shows (the request may be running).
        self.settle = min(params.get('timeout') or 0, params.get('retry_max_wait') or 0)
        self.waves = 0              # waves of writes sent so far; an item's view is stale when older than the last one
        self.unverified = set()     # kinds with writes whose effect no answer confirmed

    def run(self):
        for kind in self.kinds:
            kind.read()
        for stage in STAGES:
            for kind in self.kinds:
                steps = [step for step in kind.steps(stage) if not step.item.blocked]
                self.apply(kind, steps)
        for kind in self.kinds:
            if kind in self.unverified:
                kind.verify()

    def apply(self, kind, steps):
        if not steps:
            return
        if self.check_mode:
            for step in steps:
                self._record(step, step.predicted)
            return
        if any(step.fresh and getattr(step.item, 'seen', 0) < self.waves for step in steps):
            try:
                kind.refresh()
            except WebAPIError as e:
                for step in steps:
                    step.item.fail('%s; so %s was not changed' % (e.message, step.operation or 'it'), e.result_fields())
                return
            for step in steps:
                step.item.seen = self.waves
            steps = [step for step in steps if not step.item.blocked and step.needed()]
        if not steps:
            return
        self.waves += 1
        if len(steps) <= 1 or self.concurrency <= 1:
            for step in steps:
                self._run_step(kind, step)
            return
        # Steps of one wave change different objects, so they may run at once.
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(self.concurrency, len(steps))) as pool:
            list(pool.map(lambda step: self._run_step(kind, step), steps))

    def _run_step(self, kind, step):
        try:
            try:
                answer = step.send()
                confirmed = step.verified
            except WebAPIError as e:
                if not e.unclear or step.reread is None:
                    raise
                answer = self.reconcile(step, e)
                confirmed = False  # settled by a read, so read once more at the end: a late write may still land
            self._record(step, answer)
            if confirmed:
                step.item.seen = self.waves
            else:
                self.unverified.add(kind)
        except ItemFailure as e:
            if e.applied and step.operation:
                step.item.operations.append(step.operation)
            step.item.fail(e.message, e.fields)
        except WebAPIError as e:
            step.item.fail(e.message, e.result_fields())

    @staticmethod
    def _record(step, answer):
        step.done(answer)
        if step.operation:
            step.item.operations.append(step.operation)

    def reconcile(self, step, error):
        """A write whose outcome is unclear: read the object again, and never repeat a write that may still land.

        When no answer came in time the request may still be running, so the object is read again at once, after half of
        ``settle`` and after ``settle`` seconds; if it never shows the write, the write is not sent again (a toggle would
        flip twice, a create make two). When the server answered (a 5xx, a dropped connection) and the object does not
        show the write, it is sent once more, and read back the same way if that answer is unclear too.
        """
        for attempt in (1, 2):
            for wait in ((0, self.settle / 2, self.settle / 2) if error.in_flight else (0,)):
                if wait:
                    time.sleep(wait)
                record = step.reread()
                if record is not None and step.shows(record):
                    return record
            if error.in_flight:
                raise ItemFailure('%s; after %.0f s more the server still does not show it, and it was not sent again because it '
                                  'may still be applied later (a toggle would flip twice, a create make two). Check the tenant, '
                                  'then run again' % (error.message, self.settle), error.result_fields())
            if attempt == 2:
                raise ItemFailure('%s; it was sent twice, both outcomes were unclear and the server does not show it: it was not '
                                  'sent a third time. Check the tenant, then run again' % error.message, error.result_fields())
            try:
                return step.send()
            except WebAPIError as again:
                if not again.unclear:
                    raise
                error = again


def run_concurrently(function, values, concurrency):
    """``[function(v) for v in values]`` with up to ``concurrency`` calls at once (for independent reads)."""
    values = list(values)
    if concurrency <= 1 or len(values) <= 1:
        return [function(value) for value in values]
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(concurrency, len(values))) as pool:
        return list(pool.map(function, values))


@contextlib.contextmanager
def tenant_lock(module, base_url):
    """One converging run per tenant on this controller: concurrent runs, and a module process that outlived a killed
    ansible-playbook, wait here instead of writing on a view the other one is changing. The API has no lock of its own.
    """
    timeout = module.params.get('lock_timeout')
    if module.check_mode or not HAS_FCNTL or not timeout:
        yield
        return
    directory = os.path.join(tempfile.gettempdir(), 'superoffice.crm-locks')
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = os.path.join(directory, hashlib.sha256(base_url.lower().encode('utf-8')).hexdigest()[:24] + '.lock')
    with open(path, 'a+') as handle:
        deadline = time.monotonic() + timeout
        warned = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    module.fail_json(msg='Another run on this controller has been changing %s for more than %s s (lock_timeout); '
                                         'nothing was changed. Wait for it to end, or raise lock_timeout' % (base_url, timeout), changed=False)
                if not warned:
                    module.warn('Another run on this controller is changing %s; waiting for it to end (up to %s s, lock_timeout) '
                                'before reading the tenant' % (base_url, timeout))
                    warned = True
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
