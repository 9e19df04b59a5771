# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The tenant lock's key: every spelling of one tenant gives one key, other tenants another (issue 22, item 9)."""

import pytest

from ansible_collections.superoffice.crm.plugins.module_utils._lock import tenant_key


@pytest.mark.parametrize('spellings', [
    ('http://localhost:8080/SuperOffice', 'http://127.0.0.1:8080/SuperOffice', 'http://LOCALHOST:8080/superoffice/',
     'http://localhost.:8080/SuperOffice'),
    ('https://crm.example.com/SuperOffice', 'https://CRM.Example.com:443/SuperOffice/', 'https://crm.example.com.:443/superoffice'),
    ('https://online2.superoffice.com/Cust12345', 'https://Online2.SuperOffice.com/cust12345'),
])
def test_one_key_for_every_spelling_of_a_tenant(spellings):
    assert len(set(tenant_key(url) for url in spellings)) == 1, [tenant_key(url) for url in spellings]


@pytest.mark.parametrize('one, other', [
    ('https://crm.example.com/SuperOffice', 'https://crm.example.com/OtherTenant'),
    ('https://crm.example.com/SuperOffice', 'https://crm.example.com:8443/SuperOffice'),
    ('https://online2.superoffice.com/Cust1', 'https://online3.superoffice.com/Cust1'),
    ('http://localhost:8080/SuperOffice', 'http://localhost:8081/SuperOffice'),
])
def test_other_tenants_get_other_keys(one, other):
    assert tenant_key(one) != tenant_key(other)
