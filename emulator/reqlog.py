# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The request log: in memory for the admin API and optionally appended to a JSON-lines file."""


import collections
import copy
import datetime
import json
import threading

MASK = '********'

# Bounded so a long benchmark cannot exhaust memory; the file (if any) keeps everything.
MAX_ENTRIES = 100000


def mask_body(body, password_keys):
    """Copy of a request body with Password-type values under any ConfigFields replaced.

    ``password_keys`` None means "unknown tenant": mask every config value.
    """
    if isinstance(body, list):
        return [mask_body(item, password_keys) for item in body]
    if not isinstance(body, dict):
        return copy.deepcopy(body)
    result = {}
    for key, value in body.items():
        if key.lower() == 'configfields' and isinstance(value, dict):
            result[key] = dict((k, MASK if password_keys is None or k in password_keys else copy.deepcopy(v))
                               for k, v in value.items())
        else:
            result[key] = mask_body(value, password_keys)
    return result


class RequestLog(object):
    def __init__(self, path=None):
        self._lock = threading.Lock()
        self._entries = collections.deque(maxlen=MAX_ENTRIES)
        self._seq = 0
        # The file stays open for the server's lifetime; close() ends it.
        self._file = open(path, 'a', encoding='utf-8') if path else None  # pylint: disable=consider-using-with

    def add(self, tenant, http_method, path, method, body, auth, app_token, status, fault):
        entry = {
            'seq': 0,
            'time': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z'),
            'tenant': tenant,
            'http_method': http_method,
            'path': path,
            'method': method,
            'body': body,
            'auth': auth,
            'app_token': app_token,
            'status': status,
            'fault': fault,
        }
        with self._lock:
            # seq never restarts, not even after clear(), so "since" queries stay meaningful.
            self._seq += 1
            entry['seq'] = self._seq
            self._entries.append(entry)
            if self._file:
                self._file.write(json.dumps(entry, sort_keys=True) + '\n')
                self._file.flush()
        return entry

    def entries(self, tenant=None, since=None):
        with self._lock:
            items = list(self._entries)
        return [e for e in items
                if (tenant is None or (e['tenant'] or '').lower() == tenant.lower()) and (since is None or e['seq'] > since)]

    def clear(self):
        with self._lock:
            self._entries.clear()

    def close(self):
        with self._lock:
            if self._file:
                self._file.close()
                self._file = None
