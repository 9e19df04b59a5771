# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the plugin tests: the GUIDs a run sends with its creates, made predictable so that tests assert exact bodies;
the bundled emulator with the demo tenant, for tests that run modules against a real HTTP server (emulated.py)."""

import itertools
import uuid

import pytest

from ansible_collections.superoffice.crm.emulator.server import EmulatorServer
from ansible_collections.superoffice.crm.emulator.store import TenantStore
from ansible_collections.superoffice.crm.tests.unit.plugins.emulated import demo_data
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import client_guid


@pytest.fixture(autouse=True)
def client_guids(monkeypatch):
    """uuid.uuid4() gives client_guid(1), client_guid(2), ... in the order a test's run asks for them."""
    numbers = itertools.count(1)
    monkeypatch.setattr(uuid, 'uuid4', lambda: uuid.UUID(client_guid(next(numbers))))


@pytest.fixture(scope='module')
def demo_emulator():
    """The bundled emulator with the demo data, a real HTTP server on loopback in this process (one per test module)."""
    emulator = EmulatorServer(('127.0.0.1', 0), TenantStore(demo_data())).start_thread()
    yield emulator
    emulator.stop()


@pytest.fixture
def demo_tenant(demo_emulator):
    """The demo tenant SuperOffice, reset and without faults, and the connection options that reach it."""
    store = demo_emulator.store.get('SuperOffice')
    store.reset()
    store.clear_faults()
    return store, dict(url=demo_emulator.base_url + '/SuperOffice', username='ERPAdmin', password='Demo-Passw0rd!', retries=1,
                       retry_max_wait=1)
