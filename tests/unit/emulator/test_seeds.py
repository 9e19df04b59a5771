# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Replay the original doc pages' sample requests and compare the answer's shape.

Sample VALUES in the generated docs are random filler, so only keys and JSON types count;
a sample ``null`` says nothing about the type and matches anything.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re
import xml.etree.ElementTree as ET

import pytest

from .conftest import ONSITE

SEED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'seeds')
SEEDS = sorted(name for name in os.listdir(SEED_DIR) if name.endswith('.txt'))

# Dictionary-typed members: their keys are data (field names), not part of the shape.
MAP_MEMBERS = ('FieldProperties', 'ConfigFields')
_HEADER_RE = re.compile(r'^([A-Za-z][A-Za-z0-9-]*): (.*)$')


def read_seed(name):
    with open(os.path.join(SEED_DIR, name), encoding='utf-8') as handle:
        return handle.read()


def _headers_and_rest(lines):
    headers = {}
    while lines and _HEADER_RE.match(lines[0]):
        key, value = _HEADER_RE.match(lines.pop(0)).groups()
        headers[key] = value.strip()
    return headers, '\n'.join(lines)


def _json_after(text):
    """The JSON object starting at the first non-blank character of ``text``, else None."""
    stripped = text.lstrip()
    if not stripped.startswith('{'):
        return None
    return json.JSONDecoder().raw_decode(stripped)[0]


def parse_rest_seed(text):
    """-> (http_method, path, headers, body or None, response status, response headers, response JSON)."""
    sample = text[text.lower().index('sample request'):]
    match = re.search(r'^(POST|GET) (/api/v1/Agents/ErpSync/\w+)[ \t]*$', sample, re.M)
    headers, rest = _headers_and_rest(sample[match.end():].lstrip('\n').splitlines())
    body = _json_after(rest.split('HTTP/1.1', 1)[0].split('Sample response', 1)[0])
    status_match = re.search(r'^HTTP/1\.1 (\d{3}) .*$', rest, re.M)
    response_headers, response_rest = _headers_and_rest(rest[status_match.end():].lstrip('\n').splitlines())
    return match.group(1), match.group(2), headers, body, int(status_match.group(1)), response_headers, _json_after(response_rest)


def json_kind(value):
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, (int, float)):
        return 'number'
    return type(value).__name__


def assert_same_shape(sample, actual, path='$'):
    if sample is None:
        return
    assert json_kind(actual) == json_kind(sample), '%s: sample is a %s, emulator gave a %s' % (path, json_kind(sample), json_kind(actual))
    if isinstance(sample, dict):
        if path.rsplit('.', 1)[-1] in MAP_MEMBERS:
            template = next(iter(sample.values()), None)
            for key, value in actual.items():
                assert_same_shape(template, value, '%s.%s' % (path, key))
            return
        assert set(actual) == set(sample), '%s: keys differ: %s' % (path, sorted(set(actual) ^ set(sample)))
        for key, value in sample.items():
            assert_same_shape(value, actual[key], '%s.%s' % (path, key))
    elif isinstance(sample, list) and sample:
        for index, item in enumerate(actual):
            assert_same_shape(sample[0], item, '%s[%d]' % (path, index))


def test_seeds_are_all_there():
    assert len(SEEDS) == 5


@pytest.mark.parametrize('name', SEEDS)
def test_replay_seed(client, name):
    text = read_seed(name)
    if 'SOAP-ENV:Envelope' in text:
        envelopes = re.findall(r'```xml\n(.*?)```', text, re.S)
        assert len(envelopes) == 2
        request, response = (ET.fromstring(envelope.strip()) for envelope in envelopes)
        method = re.search(r'^## (\w+) Request$', text, re.M).group(1)
        body = request.find('{http://www.w3.org/2003/05/soap-envelope}Body')
        assert body[0].tag.endswith('}' + method)
        answer = response.find('{http://www.w3.org/2003/05/soap-envelope}Body')[0]
        assert answer.tag.endswith('}%sResponse' % method)
        # The SOAP replay against the emulator is test_soap_emulator.py; here only that the seed is well formed.
        return

    http_method, path, headers, body, status, response_headers, sample = parse_rest_seed(text)
    assert headers.get('Authorization', '').startswith('Basic ')  # the docs' on-site sample credential (tje0)
    data = json.dumps(body).encode('utf-8') if body is not None else None
    response = client.session.request(http_method, client.url('/' + ONSITE + path), headers=headers, data=data, timeout=10)
    assert response.status_code == status
    assert response.headers['Content-Type'] == response_headers['Content-Type']
    assert sample is not None
    assert_same_shape(sample, response.json())
    entry = client.log(ONSITE)[-1]
    assert entry['method'] == path.rsplit('/', 1)[-1] and entry['body'] == body


def test_shape_checker_catches_differences():
    with pytest.raises(AssertionError):
        assert_same_shape({'IsRunning': False, 'Interval': 'x'}, {'IsRunning': 'false', 'Interval': 'x'})
    with pytest.raises(AssertionError):
        assert_same_shape({'IsRunning': False}, {'IsRunning': False, 'Extra': 1})
    assert_same_shape({'TableRight': None, 'FieldProperties': {'fieldName': {'FieldLength': 1}}}, {'TableRight': {'Mask': 'FULL'}, 'FieldProperties': {}})
