# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the plugin tests: the GUIDs a run sends with its creates, made predictable so that tests assert exact bodies."""

import itertools
import uuid

import pytest

from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import client_guid


@pytest.fixture(autouse=True)
def client_guids(monkeypatch):
    """uuid.uuid4() gives client_guid(1), client_guid(2), ... in the order a test's run asks for them."""
    numbers = itertools.count(1)
    monkeypatch.setattr(uuid, 'uuid4', lambda: uuid.UUID(client_guid(next(numbers))))
