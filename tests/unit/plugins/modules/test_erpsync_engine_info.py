# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_engine_info: one GetEngineStatus, the engine as the modules show it; an answer it cannot use is an error.

import pytest

from ansible_collections.superoffice.crm.plugins.modules import erpsync_engine_info


def status(running=False, interval='00:05:00', message='Idle'):
    return {'IsRunning': running, 'StatusMessage': message, 'Interval': interval,
            'TableRight': {'Mask': 'FULL', 'Reason': ''}, 'FieldProperties': {}}


def test_one_read_and_the_engine_as_the_modules_show_it(webapi, run_module):
    webapi.expect('GetEngineStatus', {}, status(True, '2.00:00:00', 'Polling'))
    result = run_module(erpsync_engine_info.main, {}, check_mode=True)
    assert result['changed'] is False
    assert result['engine'] == dict(running=True, status_message='Polling', interval='2.00:00:00', interval_seconds=172800)
    assert webapi.methods == ['GetEngineStatus']


def test_the_status_message_is_data(webapi, run_module):
    """A tenant's status text is returned as it is (a module result is never templated), never evaluated."""
    text = "{{ lookup('pipe', 'id') }}"
    webapi.expect('GetEngineStatus', {}, status(False, message=text))
    result = run_module(erpsync_engine_info.main, {})
    assert result['engine']['status_message'] == text and result['engine']['running'] is False


@pytest.mark.parametrize('answer', [None, {'Error': True, 'ErrorType': 'SoException', 'ErrorMessage': 'no engine'},
                                    dict(status(), IsRunning='yes'), dict(status(), Interval='soon')])
def test_an_answer_it_cannot_use_fails_naming_the_method(webapi, run_module, answer):
    webapi.expect('GetEngineStatus', {}, answer)
    result = run_module(erpsync_engine_info.main, {})
    assert result['failed'] is True and 'GetEngineStatus' in result['msg'], result
    assert 'engine' not in result
    assert webapi.methods == ['GetEngineStatus']
