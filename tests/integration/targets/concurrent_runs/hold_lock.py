# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Holds the collection's lock of a tenant (as a converging run does) for some seconds: hold_lock.py URL SECONDS."""

import fcntl
import importlib.util
import os
import sys
import time

# The collection's own lock rules (plugins/module_utils/_lock.py imports the standard library only); setup_emulator's
# emulator.sh exports the collection root (ansible-test runs the target from a copy of the target alone).
LOCK = os.path.join(os.environ['SUPEROFFICE_COLLECTION_ROOT'], 'plugins', 'module_utils', '_lock.py')
spec = importlib.util.spec_from_file_location('superoffice_crm_lock', LOCK)
lock = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lock)

url, seconds = sys.argv[1], float(sys.argv[2])
os.makedirs(lock.lock_directory(), mode=0o700, exist_ok=True)
with open(lock.lock_path(url), 'a+') as handle:
    fcntl.flock(handle, fcntl.LOCK_EX)
    time.sleep(seconds)
