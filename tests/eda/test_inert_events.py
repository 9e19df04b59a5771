# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tenant-written text in events reaches playbooks inert: ansible-rulebook hands an event to run_playbook as the extra
variable ansible_eda (a YAML file, which ansible-core trusts as templates). A playbook that templates a connection name
from the event source gets the name back as text; the same name passed on unescaped runs its lookup."""

import os
import subprocess
import sys

import pytest
import yaml

PLAYBOOK = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Write the connection name as the event gives it
      ansible.builtin.copy:
        content: "{{ ansible_eda.event.erpsync.connection.name }}"
        dest: "{{ out }}"
        mode: "0600"
'''


def names(marker):
    return [
        "{{ lookup('ansible.builtin.pipe', 'touch %s') }}" % marker,
        "{%% raw %%}x{%% endraw %%}{{ lookup('ansible.builtin.pipe', 'touch %s') }}" % marker,
        "#jinja2:variable_start_string:'[[', variable_end_string:']]'\n[[ lookup('ansible.builtin.pipe', 'touch %s') ]]" % marker,
    ]


def template_in_playbook(tmp_path, name, index):
    """What a playbook gets from templating ``name`` as an event's connection name."""
    extravars = tmp_path / ('extravars-%d.yml' % index)
    extravars.write_text(yaml.dump({'ansible_eda': {'event': {'erpsync': {'connection': {'name': name}}}}}))
    playbook = tmp_path / 'playbook.yml'
    playbook.write_text(PLAYBOOK)
    out = tmp_path / ('out-%d.txt' % index)
    subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
                    '-e', 'ansible_python_interpreter=%s' % sys.executable, '-e', '@%s' % extravars, '-e', 'out=%s' % out,
                    str(playbook)], check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=str(tmp_path))
    return out.read_text()


@pytest.fixture
def inert(collections_path, monkeypatch):
    monkeypatch.syspath_prepend(collections_path)
    from ansible_collections.superoffice.crm.extensions.eda.plugins.event_source.erpsync_health import inert as function
    return function


def test_names_from_the_event_source_render_as_text(inert, tmp_path):
    marker = tmp_path / 'evaluated'
    for index, name in enumerate(names(marker)):
        assert template_in_playbook(tmp_path, inert(name), index) == name
    assert not marker.exists()


def test_the_same_names_unescaped_would_run(tmp_path):
    marker = tmp_path / 'evaluated'
    template_in_playbook(tmp_path, names(marker)[0], 0)
    assert marker.exists()
