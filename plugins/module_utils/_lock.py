# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One converging run per tenant on this controller: a file lock per tenant, taken for a real run (not check mode).

The locks of a user live under their home directory, ``~/.cache/superoffice.crm/locks``, mode 0700: not in the shared
temp directory, where another user could pre-create the name and block every run (and a sticky /tmp lets no one else
remove it), and whose place TMPDIR may change per job (two jobs, two locks). The directory and the lock file are opened
without following a symbolic link and checked to be the user's own (a directory also private to them), else the run fails
before any request, naming the path. The lock's key is the tenant URL normalized (tenant_key), so that every spelling
of one tenant takes one lock.

Private to this collection (the leading underscore): its interface may change without notice.
"""

import contextlib
import errno
import hashlib
import os
import stat
import time
from urllib.parse import urlsplit

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # not a POSIX controller
    HAS_FCNTL = False

DEFAULT_PORTS = {'http': 80, 'https': 443}
# Names of this host's loopback address that need no name resolution to be told apart: one tenant behind them.
LOOPBACK = ('localhost', '127.0.0.1')
# What a lock directory or file that is not this user's own needs (a run as root with this HOME, say, or a symbolic link).
REMOVE = 'Remove it (this collection never makes it so); the next run makes it again'


class LockError(Exception):
    """The lock cannot be taken safely (another user's directory, a symbolic link): the message says what to remove."""


def tenant_key(base_url):
    """The tenant URL as the lock knows it: host in lower case without a final dot (``localhost`` as ``127.0.0.1``), the
    port (the scheme's default when none is given; the scheme itself does not count), the path in lower case without a
    final ``/`` (SuperOffice tenant paths are case-insensitive). Names are not resolved: two names of one host (other than
    the loopback ones) are two tenants to the lock."""
    parts = urlsplit(base_url)
    host = (parts.hostname or '').rstrip('.').lower()
    host = '127.0.0.1' if host in LOOPBACK else host
    port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    return '%s:%d%s' % (host, port, parts.path.rstrip('/').lower())


def lock_directory():
    """The user's lock directory: under HOME as set (an empty HOME is no home, where expanduser would give '/'), else under
    the home of the user's account."""
    home = os.environ['HOME'] if 'HOME' in os.environ else os.path.expanduser('~')
    return os.path.join(home, '.cache', 'superoffice.crm', 'locks') if os.path.isabs(home) else None


def lock_path(base_url):
    """The lock file of a tenant (for the tests and for an admin looking for it)."""
    return os.path.join(lock_directory(), hashlib.sha256(tenant_key(base_url).encode('utf-8')).hexdigest()[:24] + '.lock')


def _owned(fd, path, kind, private):
    """Fail unless the opened ``fd`` is the user's own ``kind`` (and, ``private``, no one else may enter or write it)."""
    info = os.fstat(fd)
    wanted = stat.S_ISDIR if kind == 'directory' else stat.S_ISREG
    if not wanted(info.st_mode) or info.st_uid != os.geteuid() or (private and info.st_mode & 0o077):
        raise LockError('the lock %s %s is not a %s private to this user (uid %d): it is owned by uid %d with mode %s. %s'
                        % (kind, path, kind, os.geteuid(), info.st_uid, oct(stat.S_IMODE(info.st_mode)), REMOVE))


def _open_lock(base_url):
    """The lock file, opened for flock: the directory made (0700) or checked, nothing followed through a symbolic link."""
    directory = lock_directory()
    if directory is None:
        raise LockError('this user has no home directory to keep the lock in (HOME is %s); set HOME to an absolute path, or '
                        'lock_timeout=0 to take no lock' % ('%r, not an absolute path' % os.environ['HOME'] if 'HOME' in os.environ else 'not set'))
    try:
        os.makedirs(os.path.dirname(directory), 0o700, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another run made it first (what it is, is checked below)
            os.mkdir(directory, 0o700)
    except OSError as e:
        raise LockError('the lock directory %s cannot be made (%s); set HOME to a directory this user may write, or lock_timeout=0 to '
                        'take no lock' % (directory, e.strerror))
    path = lock_path(base_url)
    try:
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as e:
        raise LockError('the lock directory %s cannot be opened without following a symbolic link (%s). %s' % (directory, e.strerror, REMOVE))
    try:
        _owned(dir_fd, directory, 'directory', private=True)
        try:
            fd = os.open(os.path.basename(path), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dir_fd)
        except OSError as e:
            reason = 'it is a symbolic link' if e.errno == errno.ELOOP else e.strerror
            raise LockError('the lock file %s cannot be opened (%s). %s' % (path, reason, REMOVE))
    finally:
        os.close(dir_fd)
    try:
        _owned(fd, path, 'file', private=False)
    except LockError:
        os.close(fd)
        raise
    return fd


@contextlib.contextmanager
def tenant_lock(run, base_url, fail):
    """Concurrent runs, and a module process that outlived a killed ansible-playbook, wait here instead of writing on a
    view the other one is changing. The API has no lock of its own. ``fail(msg)`` ends the run."""
    timeout = run.lock_timeout
    if run.check_mode or not HAS_FCNTL or not timeout:
        yield
        return
    try:
        fd = _open_lock(base_url)
    except (LockError, OSError) as e:
        fail('The tenant lock of this controller could not be taken, so nothing was changed: %s' % (e,))
    try:
        deadline = time.monotonic() + timeout
        warned = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
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
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
