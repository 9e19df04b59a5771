#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

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

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.superoffice.crm.plugins.module_utils._erpsync import ErpSyncAPI, engine_facts
from ansible_collections.superoffice.crm.plugins.module_utils._webapi import WebAPIClient, WebAPIError, fail_on_error, webapi_argument_spec


def main():
    module = AnsibleModule(argument_spec=webapi_argument_spec(), supports_check_mode=True)
    api = ErpSyncAPI(WebAPIClient(module))
    try:
        status = api.get_engine_status()
    except WebAPIError as e:
        fail_on_error(module, e)
    if status is None:
        module.fail_json(msg='ErpSync GetEngineStatus answered null: the user may lack rights to the ERP Sync engine')
    module.exit_json(changed=False, engine=engine_facts(status))


if __name__ == '__main__':
    main()
