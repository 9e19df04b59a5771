# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared fixtures: a fake WebAPI that asserts the exact request sequence, and a module runner.

``webapi.expect(method, body, answer)`` queues one expected POST; any other request, a different body, or
an expectation left unused at the end fails the test. Every ErpSync request body is also checked against the agent's
Swagger (tests/unit/swagger_contract.py): a body the real server would not take fails any test that sends it.
"""

import contextlib
import json
import os
import threading

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.common.parameters import PASS_VARS
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.superoffice.crm.tests.unit.swagger_contract import CONTRACT

ANY_BODY = object()
AGENT_PATH = '/api/v1/Agents/ErpSync/'


class Expected(object):
    def __init__(self, method, body, answer, status, headers, raw, error, query=None):
        self.method = method
        self.query = query
        self.body = body
        self.answer = answer
        self.status = status
        self.headers = headers or {}
        self.raw = raw
        self.error = error


class FakeWebAPI(object):
    """Stands in for requests.Session.post; answers queued expectations in order."""

    def __init__(self):
        self.expected = []
        self.calls = []
        self.sleeps = []
        self.lock = threading.Lock()
        self.any_order = False  # concurrent writes: take the first expectation with this method and body

    def _take(self, method, body):
        if self.any_order:
            for index, want in enumerate(self.expected):
                if want.method == method and (want.body is ANY_BODY or want.body == body):
                    return self.expected.pop(index)
        return self.expected.pop(0)

    def expect(self, method, body=ANY_BODY, answer=None, status=200, headers=None, raw=None, error=None, query=None):
        """Queue one request. ``raw`` is a body sent as-is (bytes/str); ``error`` an exception to raise instead; ``query``
        the expected query parameters (the connector entity methods take their id there)."""
        self.expected.append(Expected(method, body, answer, status, headers, raw, error, query))
        return self

    def get(self, session, url, timeout=None, **kwargs):
        """A GET (tenant discovery, signing keys) is expected as ``expect('GET ' + full_url, answer=...)``."""
        return self.post(session, url, timeout=timeout, _method='GET ' + url, **kwargs)

    def post(self, session, url, json=None, timeout=None, _method=None, params=None, **kwargs):  # pylint: disable=redefined-outer-name
        method = _method or (url.split(AGENT_PATH, 1)[1] if AGENT_PATH in url else url)
        self.calls.append(dict(method=method, body=json, url=url, headers=dict(session.headers), timeout=timeout, query=params,
                               verify=kwargs.get('verify')))
        if AGENT_PATH in url:
            problems = CONTRACT.request_problems(method, json, params)
            assert not problems, 'the request does not match the Swagger: %s' % '; '.join(problems)
        with self.lock:
            assert self.expected, 'unexpected request %s %r (no more requests were expected)' % (method, json)
            want = self._take(method, json)
        assert method == want.method, 'expected request %s, got %s %r' % (want.method, method, json)
        if want.body is not ANY_BODY:
            assert json == want.body, 'request %s: expected body %r, got %r' % (method, want.body, json)
        if want.query is not None:
            assert params == want.query, 'request %s: expected query %r, got %r' % (method, want.query, params)
        if want.error is not None:
            raise want.error
        response = requests.Response()
        response.status_code = want.status
        response.url = url
        headers = {'Content-Type': 'application/json; charset=utf-8'}
        headers.update(want.headers)
        response.headers = CaseInsensitiveDict(headers)
        if want.raw is not None:
            response._content = to_bytes(want.raw)
        elif want.status == 204:
            response._content = b''
        else:
            response._content = to_bytes(__import__('json').dumps(want.answer))
        return response

    @property
    def methods(self):
        return [c['method'] for c in self.calls]

    def assert_done(self):
        left = [e.method for e in self.expected]
        assert not left, 'expected requests were not made: %s (made: %s)' % (left, self.methods)


@pytest.fixture
def webapi(monkeypatch):
    fake = FakeWebAPI()

    # Plain functions (not fake's bound methods), so that the session is passed as the first argument.
    def post(session, url, **kwargs):
        return fake.post(session, url, **kwargs)

    def get(session, url, **kwargs):
        return fake.get(session, url, **kwargs)

    monkeypatch.setattr(requests.Session, 'post', post)
    monkeypatch.setattr(requests.Session, 'get', get)
    monkeypatch.setattr('time.sleep', fake.sleeps.append)
    yield fake
    fake.assert_done()


@contextlib.contextmanager
def _module_args(args):
    try:  # ansible-core >= 2.19
        from ansible.module_utils.testing import patch_module_args
    except ImportError:
        patch_module_args = None
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    old = basic._ANSIBLE_ARGS
    basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = old


@pytest.fixture
def module_args():
    """The context manager that makes AnsibleModule() read the given arguments (any ansible-core version)."""
    return _module_args


ONSITE = dict(url='https://crm.example.com/SuperOffice', username='admin', password='s3cret-pw')
# ansible-core 2.21 adds invocation to results only when INJECT_INVOCATION is on (the controller passes this flag).
CORE_CAN_OMIT_INVOCATION = 'inject_invocation' in PASS_VARS


@pytest.fixture
def run_module(capsys, monkeypatch):
    """run_module(main, args, check_mode=False, diff=False) -> the module's JSON result as Ansible would see it."""
    # Every option falls back to a SUPEROFFICE_* variable: none from the developer's shell may leak into a test.
    for name in [n for n in os.environ if n.startswith('SUPEROFFICE_')]:
        monkeypatch.delenv(name)

    def run(main, args, check_mode=False, diff=False, connection=None, invocation=True):
        """``invocation``: ask for the echoed arguments (every line before 2.21 always adds them)."""
        full = dict(ONSITE if connection is None else connection)
        full.update(args)
        if CORE_CAN_OMIT_INVOCATION:
            full['_ansible_inject_invocation'] = invocation
        # Deterministic request order for the exact sequences, and no wait on another test's tenant lock
        # (test_concurrency.py and test_lock.py set these themselves).
        full.setdefault('concurrency', 1)
        full.setdefault('lock_timeout', 0)
        full['_ansible_check_mode'] = check_mode
        full['_ansible_diff'] = diff
        # Warnings are collected process-wide; each run must see only its own.
        ansible_warnings._global_warnings.clear()
        ansible_warnings._global_deprecations.clear()
        with _module_args(full):
            with pytest.raises(SystemExit):
                main()
        result = json.loads(capsys.readouterr().out)
        if 'warnings' in result:
            result['warnings'] = [w if isinstance(w, str) else w['event']['msg'] for w in result['warnings']]
        return result

    return run
