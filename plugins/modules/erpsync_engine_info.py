#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_engine_info: reads the ERP Sync engine.

DOCUMENTATION = r'''
module: erpsync_engine_info
short_description: Read the state of the SuperOffice ERP Sync engine
version_added: 0.1.0
description:
  - Reads whether the ERP Sync engine of a SuperOffice tenant is running, its status message and its polling interval.
  - Makes exactly one request (C(GetEngineStatus)).
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
  - superoffice.crm.attributes.INFO_MODULE
options: {}
seealso:
  - module: superoffice.crm.erpsync_engine
'''

EXAMPLES = r'''
- name: Read the ERP Sync engine state
  superoffice.crm.erpsync_engine_info:
    url: https://online2.superoffice.com/Cust12345
    ticket: "{{ superoffice_ticket }}"
    app_token: "{{ superoffice_app_token }}"
  register: erpsync

- name: Show it
  ansible.builtin.debug:
    msg: "Engine running: {{ erpsync.engine.running }}, every {{ erpsync.engine.interval }}"
'''

RETURN = r'''
engine:
  description: The engine as the server reports it.
  returned: success
  type: dict
  contains:
    running:
      description: Whether the engine is running.
      type: bool
      sample: true
    status_message:
      description: The engine's current status message.
      type: str
      sample: Idle
    interval:
      description: The polling interval as a .NET TimeSpan (C(HH:MM:SS) or C(D.HH:MM:SS)).
      type: str
      sample: "00:05:00"
    interval_seconds:
      description: The polling interval in seconds, or V(null) when the server sent none.
      type: int
      sample: 300
'''

from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._resources.engine import engine_facts


def main():
    module = ErpSyncModule({}, supports_check_mode=True)
    api = module.api()
    status = module.read_or_fail(api.get_engine_status)
    module.exit_json(changed=False, engine=engine_facts(status))


if __name__ == '__main__':
    main()
