# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""snippets.py README OUTDIR URL: write the README's YAML snippets as files a test can run against the emulator.

Every ```yaml block of the README is one of: a play list (written as play_<n>.yml, with the README's example tenant
address and user replaced by the emulator's), a task list (wrapped in a play as tasks_<n>.yml), a requirements file
(requirements_<n>.yml) or a fragment of a play (fragment_<n>.yml: parsed, its keys checked by runme.sh). A block that is
none of these fails the test, so a new snippet cannot go untested."""

import json
import os
import re
import sys

import yaml

EXAMPLE_URL = 'https://crm.example.com/SuperOffice'
EXAMPLE_USER = 'erpadmin'


def main():
    readme, out, url = sys.argv[1:4]
    with open(readme) as f:
        blocks = re.findall(r'```yaml\n(.*?)```', f.read(), re.S)
    kinds = []
    for number, text in enumerate(blocks):
        data = yaml.safe_load(text)
        text = text.replace(EXAMPLE_URL, url).replace('username: %s' % EXAMPLE_USER, 'username: ERPAdmin')
        if isinstance(data, list) and data and all(isinstance(p, dict) and 'hosts' in p for p in data):
            kind = 'play'
        elif isinstance(data, list) and data and all(isinstance(t, dict) and any('.' in k for k in t) for t in data):
            kind = 'tasks'
            text = ('- name: README tasks\n  hosts: localhost\n  connection: local\n  gather_facts: false\n  vars:\n'
                    '    ansible_python_interpreter: "{{ ansible_playbook_python }}"\n  tasks:\n'
                    + ''.join('    ' + line + '\n' if line else '\n' for line in text.splitlines()))
        elif isinstance(data, dict) and 'collections' in data:
            kind = 'requirements'
        elif isinstance(data, dict) and 'module_defaults' in data:
            kind = 'fragment'
        else:
            sys.exit('README yaml block %d is not a play, a task list, a requirements file or a play fragment:\n%s' % (number, text))
        path = os.path.join(out, '%s_%d.yml' % (kind, number))
        with open(path, 'w') as f:
            f.write(text)
        kinds.append(dict(kind=kind, path=path))
    print(json.dumps(kinds))


if __name__ == '__main__':
    main()
