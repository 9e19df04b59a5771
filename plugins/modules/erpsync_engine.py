#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_engine: the ERP Sync engine running or stopped, and its polling interval.

DOCUMENTATION = r'''
module: erpsync_engine
short_description: Start or stop the SuperOffice ERP Sync engine and set its polling interval
version_added: 0.1.0
description:
  - Makes the ERP Sync engine of a SuperOffice tenant run or stop, and sets how often it polls the connections.
  - Reads the engine first (C(GetEngineStatus)) and writes only what differs. An unchanged run makes that one read only.
  - When both O(interval) and O(state) change, the interval is set first, so a started engine runs with the new interval.
  - Starting or stopping only B(queues) a request to the SuperOffice batch system (C(ChangeEngineStatus)); with O(wait=true)
    the module polls until the engine shows the new state.
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
  - superoffice.crm.attributes
options:
  state:
    description:
      - Whether the engine should be running or stopped. Leave it out to keep the current state.
    type: str
    choices: [running, stopped]
  interval:
    description:
      - How often the engine polls the connections.
      - Accepted forms are C(HH:MM:SS) (V(00:10:00)), C(D.HH:MM:SS) (V(1.00:00:00)), an ISO-8601 duration (V(PT10M), V(P1DT2H))
        or whole seconds (V(600)). It must be longer than zero; fractions of a second are dropped, as the server keeps whole seconds.
      - Compared in seconds with the current interval and sent as a .NET TimeSpan (V(00:10:00)).
      - Leave it out to keep the current interval.
    type: str
  wait:
    description:
      - After a start or stop request, poll the engine until it shows the requested state.
      - With V(false) the module reports the change as soon as the request is queued; RV(queued) is then V(true).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the engine to show the requested state when O(wait=true).
      - On timeout the module fails and says the request was queued and may still apply.
    type: int
    default: 120
notes:
  - Check mode and diff mode predict exactly what a real run does; no request is written in check mode.
seealso:
  - module: superoffice.crm.erpsync_engine_info
  - name: ErpSync agent ChangeEngineStatus
    description: The WebAPI method behind O(state).
    link: https://docs.superoffice.com/en/api/reference/restful/agent/ErpSync_Agent/v1ErpSyncAgent_ChangeEngineStatus.html
'''

EXAMPLES = r'''
- name: Run the ERP Sync engine every 10 minutes
  superoffice.crm.erpsync_engine:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
    state: running
    interval: PT10M

- name: Stop the engine during a maintenance window, without waiting for the batch system
  superoffice.crm.erpsync_engine:
    state: stopped
    wait: false
  module_defaults:
    group/superoffice.crm.webapi:
      url: https://online2.superoffice.com/Cust12345
      ticket: "{{ superoffice_ticket }}"
      app_token: "{{ superoffice_app_token }}"
'''

RETURN = r'''
engine:
  description: The engine after the run, as the server shows it (in check mode, as it would be).
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
      sample: "00:10:00"
    interval_seconds:
      description: The polling interval in seconds.
      type: int
      sample: 600
queued:
  description:
    - V(true) when a start or stop request was queued and not yet seen applied (O(wait=false)).
  returned: success
  type: bool
  sample: false
applied:
  description: On failure, what the run had already changed before it failed.
  returned: failure
  type: list
  elements: str
  sample: ["interval set to 00:10:00"]
diff:
  description: The engine's running state and interval before and after, under C(--diff).
  returned: when diff mode is on
  type: dict
  sample: {"before": {"running": false, "interval": "00:05:00"}, "after": {"running": true, "interval": "00:10:00"}}
'''

from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._resources.engine import ENGINE_OPTIONS, Engine
from ansible_collections.superoffice.crm.plugins.module_utils._values import interval_to_seconds


def main():
    module = ErpSyncModule(ENGINE_OPTIONS, supports_check_mode=True)
    params = module.params
    seconds = None
    if params['interval'] is not None:
        try:
            seconds = interval_to_seconds(params['interval'])
        except ValueError as e:
            module.fail_json(msg='interval: %s' % e)
    if params['wait_timeout'] < 1:
        module.fail_json(msg='wait_timeout must be at least 1 second, got %d' % params['wait_timeout'])
    engine = Engine(module.run(), params['state'], seconds, params['wait'], params['wait_timeout'])
    module.converge([engine], applied=[])
    result, failure = engine.result()
    if failure:
        module.fail_json(msg=failure, **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
