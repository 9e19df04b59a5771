# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One converging run per tenant on this controller: a file lock per tenant, taken for a real run (not check mode).

Private to this collection (the leading underscore): its interface may change without notice.
"""

import contextlib
import hashlib
import os
import tempfile
import time

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # not a POSIX controller
    HAS_FCNTL = False


@contextlib.contextmanager
def tenant_lock(run, base_url, fail):
    """Concurrent runs, and a module process that outlived a killed ansible-playbook, wait here instead of writing on a
    view the other one is changing. The API has no lock of its own. ``fail(msg)`` ends the run."""
    timeout = run.lock_timeout
    if run.check_mode or not HAS_FCNTL or not timeout:
        yield
        return
    directory = os.path.join(tempfile.gettempdir(), 'superoffice.crm-locks')
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = os.path.join(directory, hashlib.sha256(base_url.lower().encode('utf-8')).hexdigest()[:24] + '.lock')
    with open(path, 'a+') as handle:
        deadline = time.monotonic() + timeout
        warned = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    fail('Another run on this controller has been changing %s for more than %s s (lock_timeout); nothing was '
                         'changed. Wait for it to end, or raise lock_timeout' % (base_url, timeout))
                if not warned:
                    run.warn('Another run on this controller is changing %s; waiting for it to end (up to %s s, lock_timeout) '
                             'before reading the tenant' % (base_url, timeout))
                    warned = True
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
