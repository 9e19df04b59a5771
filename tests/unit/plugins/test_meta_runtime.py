# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

# Consistency of meta/runtime.yml's action group with the modules' documentation, beyond what antsibull-nox's
# action-groups check (scripts/test.sh, stage "extra") covers: every module in the group, the group naming only modules,
# and each module extending the webapi fragment are its part; no duplicate entries and the documented
# attributes.action_group membership are checked here. Files are read with ast + yaml, never imported.

import ast
import os

import pytest
import yaml

COLLECTION = 'superoffice.crm'
GROUP = 'webapi'
MEMBERSHIP = COLLECTION + '.' + GROUP

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
MODULES_DIR = os.path.join(ROOT, 'plugins', 'modules')
FRAGMENTS_DIR = os.path.join(ROOT, 'plugins', 'doc_fragments')
RUNTIME = os.path.join(ROOT, 'meta', 'runtime.yml')


def module_names():
    if not os.path.isdir(MODULES_DIR):
        return []
    return sorted(
        os.path.splitext(name)[0] for name in os.listdir(MODULES_DIR)
        if name.endswith('.py') and not name.startswith('_') and name != '__init__.py'
    )


def string_assignments(path, class_name=None):
    """Return {NAME: 'string'} for module-level (or class-level) string assignments in a Python file."""
    with open(path, 'rb') as f:
        tree = ast.parse(f.read(), path)
    body = tree.body
    if class_name is not None:
        classes = [node for node in body if isinstance(node, ast.ClassDef) and node.name == class_name]
        if not classes:
            return {}
        body = classes[0].body
    result = {}
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError):
                continue
            if isinstance(value, str):
                result[node.targets[0].id] = value
    return result


def module_documentation(name):
    docs = string_assignments(os.path.join(MODULES_DIR, name + '.py'))
    assert 'DOCUMENTATION' in docs, '%s has no DOCUMENTATION string' % name
    doc = yaml.safe_load(docs['DOCUMENTATION'])
    assert isinstance(doc, dict), '%s: DOCUMENTATION is not a YAML mapping' % name
    return doc


def fragment_documentation(fqcn):
    """Load a doc fragment of this collection ('superoffice.crm.NAME[.VAR]'), or None for other collections."""
    prefix = COLLECTION + '.'
    if not fqcn.startswith(prefix):
        return None
    parts = fqcn[len(prefix):].split('.')
    name, var = parts[0], (parts[1] if len(parts) > 1 else 'DOCUMENTATION')
    path = os.path.join(FRAGMENTS_DIR, name + '.py')
    assert os.path.isfile(path), 'doc fragment %s not found (%s)' % (fqcn, path)
    values = string_assignments(path, 'ModuleDocFragment')
    assert var in values, 'doc fragment %s has no ModuleDocFragment.%s' % (fqcn, var)
    try:
        return yaml.safe_load(values[var]) or {}
    except yaml.YAMLError as e:
        pytest.fail('doc fragment %s (%s) is not valid YAML: %s' % (fqcn, path, e))


def merged_attributes(doc):
    """The module's attributes, including those contributed by this collection's doc fragments."""
    attributes = {}
    for fragment in doc.get('extends_documentation_fragment') or []:
        fragment_doc = fragment_documentation(fragment)
        if fragment_doc:
            attributes.update(fragment_doc.get('attributes') or {})
    attributes.update(doc.get('attributes') or {})
    return attributes


def action_group_members():
    with open(RUNTIME) as f:
        runtime = yaml.safe_load(f) or {}
    groups = runtime.get('action_groups') or {}
    assert GROUP in groups, 'meta/runtime.yml has no action group %r' % GROUP
    members = []
    for entry in groups[GROUP] or []:
        if isinstance(entry, dict):  # the 'metadata' entry (extend_group)
            continue
        if entry.startswith(COLLECTION + '.'):
            entry = entry[len(COLLECTION) + 1:]
        members.append(entry)
    return members


def test_action_group_has_no_duplicates():
    members = action_group_members()
    duplicates = sorted(set(name for name in members if members.count(name) > 1))
    assert not duplicates, 'duplicate entries in action_groups.%s: %s' % (GROUP, ', '.join(duplicates))


@pytest.mark.parametrize('name', module_names())
def test_module_documents_action_group_membership(name):
    attributes = merged_attributes(module_documentation(name))
    action_group = attributes.get('action_group')
    assert isinstance(action_group, dict), '%s: attributes.action_group is not documented' % name
    assert MEMBERSHIP in (action_group.get('membership') or []), (
        '%s: attributes.action_group.membership does not list %s' % (name, MEMBERSHIP))


@pytest.mark.parametrize('name', module_names())
def test_module_docs_are_yaml(name):
    # A plain scalar with ': ' in it (description: An action: ...) silently breaks ansible-doc and the docs site.
    docs = string_assignments(os.path.join(MODULES_DIR, name + '.py'))
    for part in ('DOCUMENTATION', 'EXAMPLES', 'RETURN'):
        assert part in docs, '%s has no %s' % (name, part)
        try:
            yaml.safe_load(docs[part])
        except yaml.YAMLError as e:
            pytest.fail('%s: %s is not valid YAML: %s' % (name, part, e))
