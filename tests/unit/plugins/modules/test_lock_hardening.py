# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The controller's tenant lock (issue 22, item 9): it followed a planted symlink (root created a file another user chose),
used a directory another user owns, and took two locks for two spellings of one tenant; in the shared temp directory
another user could block every run, and a TMPDIR per job gave each job its own lock (review F14).

Black-box: a first run shows where the lock lives (what it creates under the temp directory, HOME or XDG_RUNTIME_DIR, all
inside the test's own directory); the test then plants what another user could, and runs again.
"""

import fcntl
import os
import shutil
import tempfile

import pytest

from ansible_collections.superoffice.crm.plugins.modules import erpsync_engine
from ansible_collections.superoffice.crm.tests.unit.plugins.modules.carriers import META

NOBODY = 65534
RUNNING = dict(META, IsRunning=True, StatusMessage='Running', Interval='00:05:00')
URL = 'https://crm.example.com/SuperOffice'


@pytest.fixture
def root(tmp_path, monkeypatch):
    """Every place a lock may be kept, inside the test's directory."""
    for name in ('tmp', 'home', 'run'):
        (tmp_path / name).mkdir(mode=0o700)
    monkeypatch.setattr(tempfile, 'gettempdir', lambda: str(tmp_path / 'tmp'))
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path / 'tmp'))
    monkeypatch.setenv('TMPDIR', str(tmp_path / 'tmp'))
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    monkeypatch.setenv('XDG_RUNTIME_DIR', str(tmp_path / 'run'))
    return tmp_path


def entries(root):
    """Every path under the lock places, symlinks not followed."""
    found = set()
    for name in ('tmp', 'home', 'run'):
        for folder, dirs, files in os.walk(str(root / name)):
            found.update(os.path.join(folder, entry) for entry in dirs + files)
    return found


def converge(run_module, webapi, url=URL):
    """One real (not check mode) run that takes the lock."""
    webapi.expect('GetEngineStatus', {}, RUNNING)
    return run_module(erpsync_engine.main, dict(state='running', lock_timeout=5),
                      connection=dict(url=url, username='admin', password='s3cret-pw'))


def planted(run_module, webapi):
    """A run after something was planted: it may reach the tenant (so that what it did shows), but must not."""
    made = len(webapi.calls)
    result = converge(run_module, webapi)
    reached = webapi.methods[made:]
    del webapi.expected[:]
    return result, reached


def lock_of_a_run(root, run_module, webapi, url=URL):
    """The lock file a run takes (and leaves for the next run)."""
    before = entries(root)
    assert converge(run_module, webapi, url)['changed'] is False
    made = sorted(path for path in entries(root) - before if os.path.isfile(path))
    assert len(made) == 1, 'one lock file expected, the run made %s' % made
    return made[0]


def refused(result):
    assert result.get('failed') is True, result
    assert 'lock' in result['msg'].lower(), result['msg']
    assert 'exception' not in result, result.get('exception')


def test_a_symlink_planted_as_the_lock_file_is_not_followed(root, run_module, webapi):
    lock = lock_of_a_run(root, run_module, webapi)
    os.remove(lock)
    victim = root / 'victim'  # a file another user wants root to create
    os.symlink(str(victim), lock)
    result, reached = planted(run_module, webapi)
    assert not os.path.lexists(str(victim)), 'the run created %s through the planted symlink' % victim
    refused(result)
    assert reached == []


def test_a_symlink_planted_as_the_lock_directory_is_not_followed(root, run_module, webapi):
    lock = lock_of_a_run(root, run_module, webapi)
    folder = os.path.dirname(lock)
    shutil.rmtree(folder)
    theirs = root / 'theirs'
    theirs.mkdir()
    os.chmod(str(theirs), 0o777)
    if os.geteuid() == 0:
        os.chown(str(theirs), NOBODY, NOBODY)
    os.symlink(str(theirs), folder)
    result, reached = planted(run_module, webapi)
    assert os.listdir(str(theirs)) == [], 'the run wrote into another user\'s directory through the symlink'
    refused(result)
    assert reached == []


def test_a_lock_directory_another_user_owns_is_not_used(root, run_module, webapi, monkeypatch):
    """Another user's directory: a second OS user crashed with PermissionError, and whoever owns it can hold the lock
    (or plant files in it). A clear error instead, and nothing created in it."""
    lock = lock_of_a_run(root, run_module, webapi)
    folder = os.path.dirname(lock)
    os.remove(lock)
    if os.geteuid() == 0:
        os.chown(folder, NOBODY, NOBODY)
    else:  # without root, the directory cannot change hands: the run is made to be another user instead
        uid = os.geteuid() + 4242
        monkeypatch.setattr(os, 'geteuid', lambda: uid)
        monkeypatch.setattr(os, 'getuid', lambda: uid)
    result, reached = planted(run_module, webapi)
    assert not os.path.lexists(lock), 'the run created its lock in a directory another user owns'
    refused(result)
    assert reached == []


def test_a_lock_directory_other_users_may_write_is_not_used(root, run_module, webapi):
    """The user's own directory, but opened to others (0777): anyone could have planted a lock file in it."""
    lock = lock_of_a_run(root, run_module, webapi)
    os.remove(lock)
    os.chmod(os.path.dirname(lock), 0o777)
    result, reached = planted(run_module, webapi)
    assert not os.path.lexists(lock)
    refused(result)
    assert '0o777' in result['msg'], result['msg']
    assert reached == []


@pytest.mark.parametrize('one, other', [
    ('http://localhost:8080/SuperOffice', 'http://127.0.0.1:8080/SuperOffice'),
    ('https://CRM.Example.com:443/SuperOffice/', 'https://crm.example.com/SuperOffice'),
])
def test_one_lock_for_every_spelling_of_a_tenant(root, run_module, webapi, one, other):
    lock = lock_of_a_run(root, run_module, webapi, one)
    before = entries(root)
    assert converge(run_module, webapi, other)['changed'] is False
    assert entries(root) == before, 'a second lock %s next to %s' % (sorted(entries(root) - before), lock)


# -- review F14: the shared temp directory ----------------------------------------------------------------------------

def shared_name(root):
    """The name another user could pre-create in the shared temp directory (where the lock lived before)."""
    return str(root / 'tmp' / ('superoffice.crm-locks-%d' % os.geteuid()))


@pytest.mark.parametrize('plant', ['file', 'directory of another user', 'symlink'])
def test_a_name_planted_in_the_shared_temp_directory_blocks_no_run(root, run_module, webapi, plant):
    """Found by review (F14): another local user pre-created /tmp/superoffice.crm-locks-<uid> and every converging run of
    this user failed (and "Remove it" is impossible in a sticky /tmp). The lock lives under the user's home now."""
    path = shared_name(root)
    if plant == 'file':
        with open(path, 'w') as handle:
            handle.write('mine')
    elif plant == 'symlink':
        (root / 'theirs').mkdir()
        os.symlink(str(root / 'theirs'), path)
    else:
        os.mkdir(path, 0o777)
        os.chmod(path, 0o777)
        if os.geteuid() == 0:
            os.chown(path, NOBODY, NOBODY)
    before = entries(root)
    result, reached = planted(run_module, webapi)
    assert result.get('failed') is not True, result['msg']
    assert reached == ['GetEngineStatus']
    assert not [p for p in entries(root) - before if p.startswith(str(root / 'tmp'))], 'the run wrote into the shared temp directory'


def test_one_lock_whatever_the_temp_directory(root, run_module, webapi, monkeypatch):
    """Found by review (F14): with a TMPDIR per job (AWX) two runs on one tenant took two locks, so neither waited."""
    lock = lock_of_a_run(root, run_module, webapi)
    other = root / 'tmp' / 'job-42'
    other.mkdir(mode=0o700)
    monkeypatch.setattr(tempfile, 'gettempdir', lambda: str(other))
    monkeypatch.setattr(tempfile, 'tempdir', str(other))
    monkeypatch.setenv('TMPDIR', str(other))
    with open(lock, 'a+') as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another run, started with the first temp directory, holds the lock
        result = run_module(erpsync_engine.main, dict(state='running', lock_timeout=0.3),
                            connection=dict(url=URL, username='admin', password='s3cret-pw'))
    assert result.get('failed') is True and 'Another run on this controller' in result['msg'], result.get('msg')
    assert webapi.calls[1:] == []


def test_without_a_home_directory_the_run_fails_naming_lock_timeout(root, run_module, webapi, monkeypatch):
    """A service account without HOME and without a passwd entry: the lock has no private place, the run says what to do."""
    monkeypatch.delenv('HOME')
    monkeypatch.setattr(os.path, 'expanduser', lambda path: path)  # what expanduser gives when it finds no home
    result, reached = planted(run_module, webapi)
    refused(result)
    assert 'lock_timeout=0' in result['msg'] and reached == []


@pytest.mark.parametrize('home', ['', 'relative/home'])
def test_an_empty_or_relative_home_is_no_place_for_the_lock(root, run_module, webapi, monkeypatch, home):
    """An empty HOME would put the lock under '/' (expanduser's answer), a relative one under the working directory."""
    monkeypatch.setenv('HOME', home)
    result, reached = planted(run_module, webapi)
    refused(result)
    assert ('HOME is %r, not an absolute path' % home) in result['msg'] and 'lock_timeout=0' in result['msg'], result['msg']
    assert reached == []
