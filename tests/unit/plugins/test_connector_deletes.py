# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Connector deletes against the emulator: check mode fails exactly when the real run does (a connector and its connection
# retired together, connectors_exclusive with connections the run keeps or deletes).

import pytest

from ansible_collections.superoffice.crm.tests.unit.plugins.emulated import state, tenant_run


@pytest.mark.parametrize('args', [
    pytest.param(dict(connectors=[dict(name='Visma.net', state='absent')], connections=[dict(name='Visma.net pilot', state='absent')]),
                 id='connector-and-its-connection-absent'),
    pytest.param(dict(connectors=[dict(name='SAP Business One')], connectors_exclusive=True, connections=[dict(name='SAP B1 Oslo')]),
                 id='connectors_exclusive-with-an-unlisted-connection'),
    pytest.param(dict(connectors=[dict(name='SAP Business One')], connectors_exclusive=True,
                      connections=[dict(name='SAP B1 Oslo'), dict(name='Visma.net pilot', state='absent')]),
                 id='connectors_exclusive-deleting-its-connection'),
])
def test_check_mode_fails_exactly_when_the_connector_delete_fails(demo_tenant, run_module, args):
    """Found by review (F6): check mode predicted connector deletes the real run then failed (connectors were deleted before
    any connection, and CanDeleteErpSyncConnectorEntity was not asked in check mode)."""
    store, options = demo_tenant
    check = tenant_run(run_module, options, args, check_mode=True)
    real = tenant_run(run_module, options, args)
    assert check.get('failed', False) == real.get('failed', False), (check.get('msg'), real.get('msg'))
    assert not real.get('failed'), real.get('msg')  # each of these can be done: the run does it
    assert [c['operations'] for c in check['connectors']] == [c['operations'] for c in real['connectors']]
    assert check.get('warnings') == real.get('warnings')
    snapshot = state(store)
    kept = set(c['ErpConnectorId'] for c in snapshot['connections'] if not c['Deleted'])
    deleted = set(c['name'] for c in snapshot['connectors'] if c['deleted'])
    assert not kept & set(c['id'] for c in snapshot['connectors'] if c['deleted'])
    assert deleted == ({'Visma.net'} if ['deleted'] in [c['operations'] for c in check['connectors']] else set())
