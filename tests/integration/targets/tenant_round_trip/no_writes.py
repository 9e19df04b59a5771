# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when the emulator's request log since it was last cleared holds a write (anything but a read of the ErpSync agent)."""

import json
import os
import sys
import urllib.request

READS = {'GetEngineStatus', 'GetAllConnections', 'GetConnection', 'GetAllConnectors', 'GetConfigurationFields',
         'GetErpSyncConnectorEntity', 'GetActorTypeMapping', 'GetDefaultValueInfo', 'GetConnectionListMappings',
         'GetErpSyncConnectionSummary', 'MDOList', None}

with urllib.request.urlopen(os.environ['SUPEROFFICE_EMULATOR_URL'] + '/_emulator/requests?tenant=SuperOffice', timeout=10) as answer:
    log = json.load(answer)
writes = [entry['method'] for entry in log if entry['method'] not in READS]
if writes:
    sys.exit('writes were made: %s' % ', '.join(writes))
print('no writes in %d requests' % len(log))
