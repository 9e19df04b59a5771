# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
name: erpsync_record
type: aggregate
short_description: Record every superoffice.crm module run (test helper of the role_erpsync target)
description:
  - Appends one JSON line per superoffice.crm module run (ok, changed or failed; skipped tasks are not module runs) to the
    file named by E(ERPSYNC_RECORD_FILE), with the module, the task name, the status, the arguments the module received
    (as the module echoed them, secrets masked) and the result.
  - The role_erpsync integration target uses it to count module runs and to check that the role passes every
    connection variable through to the modules.
options: {}
'''

import json
import os

from ansible.plugins.callback import CallbackBase


def _task_of(result):
    task = getattr(result, 'task', None)
    return task if task is not None else result._task


def _data_of(result):
    data = getattr(result, 'result', None)
    return data if data is not None else result._result


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'erpsync_record'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._path = os.environ.get('ERPSYNC_RECORD_FILE')

    def _record(self, result, status):
        task = _task_of(result)
        action = getattr(task, 'resolved_action', None) or task.action
        if not self._path or not action.startswith('superoffice.crm.'):
            return
        data = dict(_data_of(result))
        invocation = data.pop('invocation', None) or {}
        if status == 'ok' and data.get('changed'):
            status = 'changed'
        entry = dict(action=action, task=task.get_name(), status=status, module_args=invocation.get('module_args'), result=data)
        with open(self._path, 'a') as handle:
            handle.write(json.dumps(entry, sort_keys=True, default=str) + '\n')

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')
