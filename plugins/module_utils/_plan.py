# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one plan/apply engine: resource kinds plan steps stage by stage; the applier sends them (independent objects at
once, bounded), re-reads before and after writes, and settles unclear outcomes; check mode only records the plan.

The contract a resource kind fulfils is the class Kind below; docs/docsite/rst/guide_architecture.rst explains it.
Private to this collection (the leading underscore): its interface may change without notice.
"""

import concurrent.futures
import enum
import time

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError

# Stages, in the order the server needs them: connectors before the connections that use them, connections saved
# (new ones inactive) before their fields are refreshed and mapped, mappings before activation (a connection whose
# mandatory fields lack a direction cannot be activated). Nothing goes live before what it needs: an actor type of a live
# connection is activated (ACTIVATE_MAPPINGS) only after its defaults and its connection's list mappings were saved, and a
# connection only after its mappings, its check for a twin another run created at the same moment, and its place in the
# sync priority (which may name inactive connections). The ERP tab's field order comes once the fields it shows are saved
# and their actor type is active (the only read of that order lists active actor types only), the unlisted connections are
# deactivated after the listed ones went live, and the engine comes last, so it starts on the new configuration. Connectors
# are deleted after the connections this run deletes (or moves), which the server needs gone first.
CONNECTORS = 10
DEACTIVATE = 20
SAVE = 30
TEST = 35
REFRESH_FIELDS = 40
MAPPINGS = 50
DEFAULTS = 52
LIST_MAPPINGS = 55
ACTIVATE_MAPPINGS = 56
FIELD_ORDER = 57
TWINS = 58
SYNC_PRIORITY = 59
ACTIVATE = 60
UNLISTED = 65
DELETE_CONNECTORS = 66
ENGINE_INTERVAL = 70
ENGINE_STATE = 75
STAGES = (CONNECTORS, DEACTIVATE, SAVE, TEST, REFRESH_FIELDS, MAPPINGS, DEFAULTS, LIST_MAPPINGS, ACTIVATE_MAPPINGS, FIELD_ORDER, TWINS,
          SYNC_PRIORITY, ACTIVATE, UNLISTED, DELETE_CONNECTORS, ENGINE_INTERVAL, ENGINE_STATE)


class Code(enum.Enum):
    """Why an item failed; results and messages are built from it, never from the message text."""

    FAILED = 'failed'            # the server refused a write or answered something unusable
    REFUSED = 'refused'          # the server refused to activate a connection (its reasons are in the message)
    HELD = 'held'                # not done, because an object it needs failed (a mapping's connection)
    UNCLEAR = 'unclear'          # a write whose outcome could not be settled by reading
    RACE = 'race'                # another run (or an admin) changed the object at the same moment


class ItemFailure(Exception):
    """One object cannot be brought to its desired state; the others go on. ``applied``: the step's write was made."""

    def __init__(self, message, fields=None, applied=False, code=Code.FAILED):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.applied = applied
        self.code = code


class PlanError(Exception):
    """The run cannot start (invalid input, a failed read before any write): nothing was changed."""

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Item:
    """One desired object and what the run did (or, in check mode, would do) to it. Kinds subclass it to declare the
    fields they keep; every field is set here or in the subclass's __init__."""

    def __init__(self, params, index=None, where='', parent=None):
        self.params = params
        self.index = index
        self.where = where          # message prefix naming the item ('' for a single-object module)
        self.parent = parent        # the item this one needs (a mapping's connection): its failure holds this one
        self.children = []          # the items that need this one (a connection's mappings)
        self.errors = []            # problems found before any write
        self.current = None         # the object as read before any write
        self.final = None           # the object after the run, as the server shows it (or as predicted in check mode)
        self.operations = []
        self.failed = False
        self.code = None            # a Code once failed
        self.msg = None
        self.error_fields = {}
        self.seen = 0               # the wave of writes after which the object's view was last read or confirmed
        if parent is not None:
            parent.children.append(self)

    @property
    def changed(self):
        return bool(self.operations)

    @property
    def label(self):
        """How messages name the item ("connections[0] ('Fortnox')")."""
        return self.where.rstrip(': ') or 'it'

    @property
    def blocked(self):
        """Failed, or its parent failed. A parent that failed only to go live, after its children were applied (code HELD: not
        activated because a child failed; REFUSED: the server refused the activation), does not block them."""
        return self.failed or bool(self.parent is not None and self.parent.blocked and self.parent.code not in (Code.HELD, Code.REFUSED))

    def fail(self, message, fields=None, code=Code.FAILED):
        if not self.failed:
            self.failed, self.msg, self.error_fields, self.code = True, message, fields or {}, code

    def fail_after(self, message, code=Code.FAILED):
        """A failure the read after the run found: added to the message of an item that failed already (its code stays)."""
        if self.failed:
            self.msg = '%s. After the run: %s' % (self.msg, message)
        else:
            self.fail(message, code=code)


class Step:
    """One write of a plan, planned without I/O.

    ``send()`` performs it and returns the server's answer; ``done(answer)`` records its effect on the item (in check mode
    it gets ``predicted``). ``verified``: the answer is the server's view of the object (a save), so no read is needed to
    confirm it; other writes (a toggle) are confirmed by the kind's read after the last write. When an answer is unclear,
    ``readback()`` reads the object again and returns it when the write is visible in it (else None). ``fresh`` asks for
    the kind's view to be read again (Kind.refresh) before the write when other writes happened since it was read (a flag
    decided on a stale view can flip twice); ``needed()`` then says, from that fresh view and without I/O, whether the
    write is still wanted, and when it is not, ``settled()`` records the object as the fresh view shows it.
    ``requires``: items that must not have failed for the step to be sent (a connection goes live only when every step of
    its mappings succeeded); otherwise the step is held and its item fails with ``held`` (what was not done) and code HELD.
    """

    def __init__(self, item, operation, send, done=None, predicted=None, readback=None, needed=None, settled=None, fresh=False,
                 verified=False, requires=(), held=None):
        self.item = item
        self.operation = operation
        self.send = send
        self.done = done or (lambda answer: None)
        self.predicted = predicted
        self.readback = readback
        self.needed = needed or (lambda: True)
        self.settled = settled or (lambda: None)
        self.fresh = fresh
        self.verified = verified
        self.requires = requires
        self.held = held or 'not %s' % operation


class Run:
    """What one module run gives every kind: the agent, check and diff mode, how many requests may go out at once, how
    long an unclear write may take to show, and where warnings go. The module reads its options once, here."""

    def __init__(self, api, check_mode=False, diff=False, concurrency=1, settle=0.0, lock_timeout=0.0, warn=None):
        self.api = api
        self.check_mode = check_mode
        self.diff = diff
        self.concurrency = max(1, concurrency or 1)
        self.settle = settle            # after an unclear write, seconds the server may still need before it shows
        self.lock_timeout = lock_timeout
        self.warnings = []
        self._warn = warn

    @classmethod
    def of_module(cls, module, api):
        params = module.params
        return cls(api, module.check_mode, module._diff, params.get('concurrency') or 1,
                   min(params.get('timeout') or 0, params.get('retry_max_wait') or 0), params.get('lock_timeout') or 0, module.warn)

    def warn(self, text):
        self.warnings.append(text)
        if self._warn is not None:
            self._warn(text)

    def each(self, function, values):
        """``[function(v) for v in values]``, up to ``concurrency`` at once (for independent reads)."""
        return run_concurrently(function, values, self.concurrency)


class Kind:
    """A resource kind: the contract the applier relies on. A kind owns its items (``items``) and implements:

    - ``read()``: everything planning needs that can be read before any write; raise PlanError listing every problem
      (then nothing is written).
    - ``catch_up(stage)``: the reads this stage's planning needs once the earlier stages were applied (an object made,
      refreshed or mapped in this run); no writes. Problems fail the item, not the run.
    - ``steps(stage)``: the stage's Steps, planned from what was read, without I/O.
    - ``refresh()``: read the kind's objects again before a wave of ``fresh`` steps.
    - ``verify()``: after the last write, read again and fail, honestly, every item the server does not show as reported.
    - ``facts(item)`` and ``diff(item)``: the item's result and its before/after, as the modules return them.
    """

    name = ''
    # Whether this kind's writes may change what other kinds read (so their ``fresh`` steps read again after them).
    changes_others = True

    def __init__(self, run, items):
        self.run = run
        self.api = run.api
        self.items = items
        self.frozen = False         # read only: this run does not change this kind (a part of the tenant not selected)

    def read(self):
        pass

    def catch_up(self, stage):
        pass

    def steps(self, stage):
        return []

    def refresh(self):
        pass

    def verify(self):
        pass

    def facts(self, item):
        raise NotImplementedError

    def diff(self, item):
        raise NotImplementedError


class Applier:
    """Runs the stages of one module run. Check mode records each step's predicted effect and sends nothing."""

    def __init__(self, run, kinds):
        self.run = run
        self.kinds = kinds
        self.waves = 0              # waves of writes sent so far; an item's view is stale when older than the last one
        self.unverified = set()     # kinds with writes whose effect no answer confirmed

    def apply_plan(self):
        for kind in self.kinds:
            kind.read()
        for stage in STAGES:
            for kind in self.kinds:
                if not kind.frozen:
                    kind.catch_up(stage)
                    self.apply(kind, [step for step in kind.steps(stage) if not step.item.blocked])
        for kind in self.kinds:
            if kind in self.unverified:
                kind.verify()

    def apply(self, kind, steps):
        steps = [step for step in steps if not self._held(step)]
        if not steps:
            return
        if self.run.check_mode:
            for step in steps:
                self._record(step, step.predicted)
            return
        if any(step.fresh and step.item.seen < self.waves for step in steps):
            try:
                kind.refresh()
            except WebAPIError as e:
                for step in steps:
                    step.item.fail('%s; so %s was not changed' % (e.message, step.operation or 'it'), e.result_fields())
                return
            for item in kind.items + [step.item for step in steps]:
                item.seen = self.waves
        steps = [step for step in steps if not step.item.blocked and self._still_needed(step)]
        if not steps:
            return
        self.waves += 1 if kind.changes_others else 0
        self.run.each(lambda step: self._run_step(kind, step), steps)

    @staticmethod
    def _held(step):
        """A step whose required items failed (in check mode too: check mode fails where the run would) is not sent."""
        failed = [item for item in step.requires if item.blocked]
        if failed:
            # The failures of the item's own children are told in full; other items (the engine's connections) are named.
            reasons = ['%s failed%s' % (item.label, ': %s' % item.msg if item.parent is step.item and item.msg else '') for item in failed]
            step.item.fail('%s, because %s' % (step.held, '; '.join(reasons)), code=Code.HELD)
        return bool(failed)

    @staticmethod
    def _still_needed(step):
        if step.needed():
            return True
        step.settled()
        return False

    def _run_step(self, kind, step):
        try:
            try:
                answer = step.send()
                confirmed = step.verified
            except WebAPIError as e:
                if not e.unclear or step.readback is None:
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
            step.item.fail(e.message, e.fields, e.code)
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
        show the write, it is sent once more (after the Retry-After the server gave), and read back the same way if that
        answer is unclear too.
        """
        settle = self.run.settle
        for attempt in (1, 2):
            for wait in ((0, settle / 2, settle / 2) if error.in_flight else (0,)):
                if wait:
                    time.sleep(wait)
                record = step.readback()
                if record is not None:
                    return record
            if error.in_flight:
                raise ItemFailure('%s; after %.0f s more the server still does not show it, and it was not sent again because it '
                                  'may still be applied later (a toggle would flip twice, a create make two). Check the tenant, '
                                  'then run again' % (error.message, settle), error.result_fields(), code=Code.UNCLEAR)
            if attempt == 2:
                raise ItemFailure('%s; it was sent twice, both outcomes were unclear and the server does not show it: it was not '
                                  'sent a third time. Check the tenant, then run again' % error.message, error.result_fields(),
                                  code=Code.UNCLEAR)
            if error.retry_after:
                time.sleep(error.retry_after)
            try:
                return step.send()
            except WebAPIError as again:
                if not again.unclear:
                    raise
                error = again


def run_concurrently(function, values, concurrency):
    """``[function(v) for v in values]`` with up to ``concurrency`` calls at once (for independent reads and writes)."""
    values = list(values)
    if concurrency <= 1 or len(values) <= 1:
        return [function(value) for value in values]
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(concurrency, len(values))) as pool:
        return list(pool.map(function, values))
