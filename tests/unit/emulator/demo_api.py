# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A client for the emulator serving the demo data (emulator/data/demo.json), for tests that need its connectors' actor
types and fields: agent calls, MDO lists, the admin API and a few mapping shortcuts."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import os

import requests

from ansible_collections.superoffice.crm.emulator.server import EmulatorServer
from ansible_collections.superoffice.crm.emulator.store import TenantStore

from .conftest import REPO_ROOT

TENANT = 'SuperOffice'  # demo.json: 'SAP B1 Oslo' (id 1, SAP Business One, active), 'Visma.net pilot' (id 2, Visma.net)
AUTH = {'Authorization': 'Basic ' + base64.b64encode(b'ERPAdmin:Demo-Passw0rd!').decode()}
REFUSED_KEYS = {'Message', 'MessageDetail'}


def start_demo_server():
    store = TenantStore.from_file(os.path.join(REPO_ROOT, 'emulator', 'data', 'demo.json'), default_delay=0)
    return EmulatorServer(('127.0.0.1', 0), store).start_thread()


class Api:
    """One keep-alive session to the demo tenant SuperOffice."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.session = requests.Session()

    def post(self, method, body=None):
        return self.session.post('%s/%s/api/v1/Agents/ErpSync/%s' % (self.base_url, TENANT, method), json=body, headers=AUTH, timeout=10)

    def call(self, method, body=None):
        """The answer of a call that must succeed (an error object fails the test)."""
        response = self.post(method, body)
        assert response.status_code in (200, 204), response.text
        answer = response.json() if response.content else None
        assert not (isinstance(answer, dict) and {'Error', 'Message'} & set(answer)), answer
        return answer

    def mdo(self, name, **params):
        return self.session.get('%s/%s/api/v1/MDOList/%s' % (self.base_url, TENANT, name), params=params, headers=AUTH, timeout=10)

    def admin(self, verb, path, body=None):
        return self.session.request(verb, '%s/_emulator/tenants/%s/%s' % (self.base_url, TENANT, path), json=body, timeout=10)

    def mapping(self, conn_id, actor, changes=None, active=None):
        """Read a mapping; with ``changes`` ({ERP field key: row members}), save it changed and return the saved one."""
        mapping = self.call('GetActorTypeMapping', {'ErpConnectionId': conn_id, 'ActorType': actor})
        if changes is None and active is None:
            return mapping
        for row in mapping['FieldMappings']:
            row.update((changes or {}).get(row['ErpFieldKey'], {}))
        if active is not None:
            mapping['IsActive'] = active
        return self.call('SaveActorTypeMapping', {'Mapping': mapping})

    def field_id(self, conn_id, actor, key):
        return [r['ErpFieldId'] for r in self.mapping(conn_id, actor)['FieldMappings'] if r['ErpFieldKey'] == key][0]

    def shown(self, crm_actor='Contact'):
        """GetConnectionsAndDisplayFields: {connection id: [field keys of the ERP tab, lowest rank first]}."""
        answer = self.call('GetConnectionsAndDisplayFields', {'CrmActorType': crm_actor, 'EntityId': 0})
        return dict((entry['ErpConnectionId'], [f['FieldKey'] for f in entry['ErpFields']]) for entry in answer)

    def move(self, conn_id, actor, key, direction):
        return self.post('MoveErpFieldItem', {'ErpFieldId': self.field_id(conn_id, actor, key), 'Direction': direction,
                                              'ErpConnectionId': conn_id, 'ErpActorType': actor})


def show(*keys):
    """Mapping changes that put these ERP fields on the ERP tab."""
    return dict((key, {'ShowInGui': True}) for key in keys)
