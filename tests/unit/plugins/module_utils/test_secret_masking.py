# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The one place secrets are masked (_base.Secrets, masked_url, url_secrets): a secret in any mix of the forms servers echo
# it in, and the secrets a URL carries wherever it carries them (review F8, F15).

import pytest

from ansible_collections.superoffice.crm.plugins.module_utils._base import MASK, Secrets, masked_url, url_secrets

TOKEN = 'Url-Token-4711'


@pytest.mark.parametrize('url, shown', [
    pytest.param('https://%s@erp.example.com/E.svc' % TOKEN, 'https://********@erp.example.com/E.svc', id='token-as-user'),
    pytest.param('https://%s:@erp.example.com/E.svc' % TOKEN, 'https://********@erp.example.com/E.svc', id='token-with-empty-password'),
    pytest.param('https://erpuser:%s@erp.example.com/E.svc' % TOKEN, 'https://erpuser:********@erp.example.com/E.svc', id='password'),
    pytest.param('https://erp.example.com/E.svc#access_token=%s&state=7' % TOKEN, 'https://erp.example.com/E.svc#access_token=********&state=7',
                 id='fragment'),
    pytest.param('https://erp.example.com/E.svc?jwt=%s&company=42' % TOKEN, 'https://erp.example.com/E.svc?jwt=********&company=42', id='jwt'),
    pytest.param('https://erp.example.com/E.svc?client_assertion=%s' % TOKEN, 'https://erp.example.com/E.svc?client_assertion=********',
                 id='client_assertion'),
    pytest.param('https://erp.example.com/app;jsessionid=%s/E.svc' % TOKEN, 'https://erp.example.com/app;jsessionid=********/E.svc',
                 id='path-parameter'),
    pytest.param('https://erp.example.com/E.svc;v=2?company=42#top', 'https://erp.example.com/E.svc;v=2?company=42#top', id='nothing-secret'),
])
def test_every_secret_a_url_carries_is_masked_and_known(url, shown):
    """Found by review (F15): a token as user info without a password, #access_token=, jwt=, client_assertion= and
    ;jsessionid= were shown (and not known as secrets, so a server's text repeating them showed them too)."""
    assert masked_url(url) == shown
    assert masked_url(shown) == shown  # what results show, shown again, is the same
    assert (TOKEN in url_secrets(url)) is (TOKEN in url)
    assert MASK not in url_secrets(shown)


@pytest.mark.parametrize('echo', [
    'Cs\\u003cec\\u003Er3t\\u0026&#39;x&quot;yz\\u00e9',   # \u escapes in both cases and entities mixed in one echo
    'Cs%26lt%3Bec&gt;r3t&amp;%27x%5C%22yz%C3%A9',         # entities URL-encoded, a JSON escape URL-encoded
    'Cs&#x3c;ec&#X3E;r3t&#38;&apos;x\\"yz&#233;',
    "Cs<ec>r3t&'x\"yz\u00c3\u00a9",                        # UTF-8 read as Latin-1
])
def test_a_secret_is_masked_in_any_mix_of_its_echo_forms(echo):
    secrets = Secrets()
    secrets.add('Cs<ec>r3t&\'x"yz\u00e9')
    assert secrets.mask('[%s]' % echo) == '[%s]' % MASK
    assert secrets.mask_result({'a': ['x %s y' % echo]}) == {'a': ['x %s y' % MASK]}


def test_a_short_secret_is_masked_in_messages_but_not_in_result_data():
    secrets = Secrets()
    secrets.add('42&')
    assert secrets.mask('id 42&amp; and 42') == 'id %s and 42' % MASK
    assert secrets.mask_result({'id': '42&'}) == {'id': '42&'}
