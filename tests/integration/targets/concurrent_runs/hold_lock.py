# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Holds the collection's lock of a tenant (as a converging run does) for some seconds: hold_lock.py URL SECONDS."""

import fcntl
import hashlib
import os
import sys
import tempfile
import time

url, seconds = sys.argv[1].rstrip('/'), float(sys.argv[2])
directory = os.path.join(tempfile.gettempdir(), 'superoffice.crm-locks')
os.makedirs(directory, mode=0o700, exist_ok=True)
path = os.path.join(directory, hashlib.sha256(url.lower().encode('utf-8')).hexdigest()[:24] + '.lock')
with open(path, 'a+') as handle:
    fcntl.flock(handle, fcntl.LOCK_EX)
    time.sleep(seconds)
