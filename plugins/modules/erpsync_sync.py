#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# erpsync_sync: run an ERP Sync synchronization now (an action, not a state).

DOCUMENTATION = r'''
module: erpsync_sync
short_description: Run a SuperOffice ERP Sync synchronization now
version_added: 0.2.0
description:
  - Runs a synchronization on demand, as the admin screen's sync buttons do. This is an action, not a desired state; it
    reports C(changed=true) whenever it ran.
  - V(sync_all) (C(SyncAll)) synchronizes every active connection, if automatic synchronization (the engine) is on;
    V(force_sync_all) (C(ForceSyncAll)) does so even when it is off.
  - V(resync) (C(ForceResync)) synchronizes records again, from O(connection) to SuperOffice, or from SuperOffice to every
    active connection when O(connection) is left out; O(keys) limits it to those internal record ids. With O(background=true)
    it runs as a batch task on the server (C(ForceResyncBatchTask)).
  - V(resync_external) (C(ForceResyncExternal)) synchronizes the ERP records with the external keys O(keys) of the actor type
    O(actor_type) again, from O(connection).
  - The task fails when the server's C(PluginResponse) says C(IsOk=false), with its user and technical explanation.
author:
  - superoffice.crm contributors (!UNKNOWN)
extends_documentation_fragment:
  - superoffice.crm.webapi
attributes:
  check_mode:
    support: full
    description: In check mode nothing is sent; the module reports that the sync would run (C(changed=true)) and says so in RV(msg).
  diff_mode:
    support: none
    description: A sync run has no before and after of its own to show.
  idempotent:
    support: none
    description: An action, so every run starts a synchronization and reports a change.
  action_group:
    support: full
    description: Use C(group/superoffice.crm.webapi) in C(module_defaults) to set the connection options for this module.
    membership:
      - superoffice.crm.webapi
options:
  mode:
    description:
      - Which synchronization to run; see the description.
    type: str
    required: true
    choices: [sync_all, force_sync_all, resync, resync_external]
  connection:
    description:
      - The ERP connection, by name (C(DisplayName)) or numeric id (C(ErpConnectionId)).
      - For V(resync), the ERP connection to synchronize from; left out, the records are synchronized from SuperOffice to
        every active connection.
      - Required for V(resync_external); not used by V(sync_all) and V(force_sync_all).
    type: str
  keys:
    description:
      - For V(resync), internal record ids (whole numbers) to synchronize again; empty or left out means all records.
      - For V(resync_external), the ERP keys of the records to synchronize again; at least one.
    type: list
    elements: str
  actor_type:
    description:
      - For V(resync_external), the ERP actor type of O(keys).
    type: str
    choices: [Customer, Supplier, Partner, Person, Project, Employee, Sale]
  blank_values:
    description:
      - For V(resync) and V(resync_external). V(false) uses the C(NoBlankValues) variants, which do not overwrite a value
        with a blank one.
    type: bool
    default: true
  background:
    description:
      - For V(resync) only. V(true) starts the resynchronization as a batch task on the server (C(ForceResyncBatchTask)) and
        returns at once; the server answers nothing about its outcome (RV(response) is V(null)), which shows later in the
        connection's sync summary (M(superoffice.crm.erpsync_connection_info) with O(superoffice.crm.erpsync_connection_info#module:summary=true)).
      - The batch task has no C(NoBlankValues) variant, so O(blank_values=false) is refused with it.
      - Sent once; after a lost answer it is not sent again, as that would start a second batch task.
    type: bool
    default: false
    version_added: 0.3.0
seealso:
  - module: superoffice.crm.erpsync_engine
  - module: superoffice.crm.erpsync_connection_info
'''

EXAMPLES = r'''
- name: Synchronize every active connection now, even though automatic synchronization is off
  superoffice.crm.erpsync_sync:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
    mode: force_sync_all

- name: Resynchronize every record from SuperOffice to the active connections, as a batch task on the server
  superoffice.crm.erpsync_sync:
    url: https://crm.example.com/SuperOffice
    username: erpadmin
    password: "{{ vault_superoffice_password }}"
    mode: resync
    background: true

- name: Resynchronize two customers from the Visma connection, without blanking CRM values
  superoffice.crm.erpsync_sync:
    mode: resync_external
    connection: Visma.net production
    actor_type: Customer
    keys: ["10023", "10024"]
    blank_values: false
  module_defaults:
    group/superoffice.crm.webapi:
      url: https://online2.superoffice.com/Cust12345
      ticket: "{{ superoffice_ticket }}"
      app_token: "{{ superoffice_app_token }}"
'''

RETURN = r'''
msg:
  description: What was run (or, in check mode, what would be run).
  returned: always
  type: str
  sample: ForceSyncAll ran
method:
  description: The ErpSync agent method used.
  returned: always
  type: str
  sample: ForceResyncExternalNoBlankValues
response:
  description: The server's C(PluginResponse); V(null) in check mode and with O(background=true) (the batch task answers nothing).
  returned: always
  type: dict
  contains:
    ok:
      description: C(IsOk).
      type: bool
      sample: true
    status:
      description: C(Status), V(Ok), V(OkWithInfo), V(Warning) or V(Error).
      type: str
      sample: Ok
    user_explanation:
      description: C(UserExplanation).
      type: str
      sample: Synchronized 2 connection(s).
    tech_explanation:
      description: C(TechExplanation).
      type: str
      sample: ""
    error_code:
      description: C(ErrorCode).
      type: str
      sample: ""
    changes:
      description: C(Changes), the records the run added, updated and deleted, each as C({table, record_id}).
      type: dict
      sample: {"added": [], "updated": [{"table": "contact", "record_id": 12}], "deleted": []}
'''

from ansible_collections.superoffice.crm.plugins.module_utils._shapes import ERP_ACTOR_TYPES, enum_name
from ansible_collections.superoffice.crm.plugins.module_utils._module import ErpSyncModule
from ansible_collections.superoffice.crm.plugins.module_utils._values import ascii_int

METHODS = {'sync_all': 'SyncAll', 'force_sync_all': 'ForceSyncAll', 'resync': 'ForceResync', 'resync_external': 'ForceResyncExternal'}


def problems(params):
    """Option combinations that cannot work, found before any request."""
    mode = params['mode']
    found = []
    if mode in ('sync_all', 'force_sync_all'):
        found += ['%s is not used with mode=%s; leave it out' % (name, mode) for name in ('connection', 'keys', 'actor_type')
                  if params[name] not in (None, [])]
    if mode == 'resync':
        wrong = [k for k in params['keys'] or [] if ascii_int(k) is None or ascii_int(k) < 1]
        if wrong:
            found.append('keys must be internal record ids (whole numbers) with mode=resync, got %s' % ', '.join(repr(k) for k in wrong))
        if params['actor_type'] is not None:
            found.append('actor_type is only used with mode=resync_external')
    if mode == 'resync_external':
        found += ['%s is required with mode=resync_external' % name for name in ('connection', 'actor_type', 'keys') if not params[name]]
        if any(not ('%s' % k).strip() for k in params['keys'] or []):
            found.append('keys must not be empty strings')
    if params['connection'] is not None and not params['connection'].strip():
        found.append('connection must not be empty')
    return found + background_problems(params)


def background_problems(params):
    if not params['background']:
        return []
    if params['mode'] != 'resync':
        return ['background is only used with mode=resync (ForceResyncBatchTask); leave it out with mode=%s' % params['mode']]
    if not params['blank_values']:
        return ['background=true has no variant that keeps values from being blanked (there is no ForceResyncBatchTaskNoBlankValues); '
                'leave out blank_values=false, or background']
    return []


def response_facts(answer):
    changes = answer.get('Changes') or {}

    def records(name):
        return [dict(table=r.get('Tablename'), record_id=r.get('RecordId')) for r in changes.get(name) or [] if isinstance(r, dict)]

    return dict(ok=answer['IsOk'], status=answer.get('Status') or '', user_explanation=answer.get('UserExplanation') or '',
                tech_explanation=answer.get('TechExplanation') or '', error_code=answer.get('ErrorCode') or '',
                changes=dict(added=records('AddedRecords'), updated=records('UpdatedRecords'), deleted=records('DeletedRecords')))


def main():
    module = ErpSyncModule(
        dict(
            mode=dict(type='str', required=True, choices=list(METHODS)),
            connection=dict(type='str'),
            keys=dict(type='list', elements='str', no_log=False),
            actor_type=dict(type='str', choices=list(ERP_ACTOR_TYPES[1:])),
            blank_values=dict(type='bool', default=True),
            background=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    found = problems(params)
    if found:
        module.fail_json(msg='; '.join(found), changed=False)
    api = module.api()
    method = METHODS[params['mode']]
    body = None
    if params['mode'] in ('resync', 'resync_external'):
        if not params['blank_values']:
            method += 'NoBlankValues'
        conn_id = module.connection_record(params['connection'])['ErpConnectionId'] if params['connection'] else 0
        if params['mode'] == 'resync':
            body = {'ErpConnectionId': conn_id, 'InternalKeyIds': [ascii_int(k) for k in params['keys'] or []]}
        else:
            body = {'ErpConnectionId': conn_id, 'ErpActorType': params['actor_type'], 'ExternalKeys': list(params['keys'])}
    if params['background']:
        method = 'ForceResyncBatchTask'
    if module.check_mode:
        module.exit_json(changed=True, method=method, response=None, msg='check mode: %s would be sent; nothing was sent' % method)
    if params['background']:
        module.read_or_fail(api.force_resync_batch_task, body['ErpConnectionId'], body['InternalKeyIds'])
        module.exit_json(changed=True, method=method, response=None,
                         msg='%s started a batch task on the server; its outcome shows later in the sync summary' % method)
    answer = module.read_or_fail(api.sync, method, body)
    response = response_facts(answer)
    if not response['ok']:
        explanation = ' '.join(t for t in (response['user_explanation'], response['tech_explanation']) if t) or 'no explanation given'
        module.fail_json(msg='ErpSync %s answered IsOk=false (%s%s): %s' % (
            method, enum_name(response['status'], ('Ok', 'OkWithInfo', 'Warning', 'Error')) or 'no status',
            ', error code %s' % response['error_code'] if response['error_code'] else '', api.client.secrets.cut(explanation, 1000)),
            changed=False, method=method, response=response)
    module.exit_json(changed=True, method=method, response=response, msg='%s ran' % method)


if __name__ == '__main__':
    main()
