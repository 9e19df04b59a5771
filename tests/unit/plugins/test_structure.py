# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shape of plugins/ stays plain: no function above cyclomatic complexity 20 (radon grade D), no module_utils file
above 450 lines, no import of the collection's own module_utils inside a function (the layers are acyclic), and every
file starts by saying its job."""

import ast
import glob
import os

import pytest
from radon.complexity import cc_visit

PLUGINS = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'plugins'))
FILES = sorted(glob.glob(os.path.join(PLUGINS, '**', '*.py'), recursive=True))
MODULE_UTILS = [f for f in FILES if os.sep + 'module_utils' + os.sep in f and not f.endswith('__init__.py')]
OWN = 'ansible_collections.superoffice.crm.plugins.module_utils'


def name(path):
    return os.path.relpath(path, os.path.dirname(PLUGINS))


def source(path):
    with open(path) as f:
        return f.read()


def test_there_are_files_to_check():
    assert len(MODULE_UTILS) > 10 and len(FILES) > 25


@pytest.mark.parametrize('path', FILES, ids=name)
def test_no_function_is_too_complex(path):
    complex_ = ['%s (line %d): %d' % (block.fullname, block.lineno, block.complexity) for block in cc_visit(source(path))
                if block.complexity > 20]
    assert not complex_, 'split these functions (radon grade D or worse): %s' % ', '.join(complex_)


@pytest.mark.parametrize('path', MODULE_UTILS, ids=name)
def test_module_utils_files_stay_short(path):
    assert len(source(path).splitlines()) <= 450


@pytest.mark.parametrize('path', MODULE_UTILS, ids=name)
def test_module_utils_import_each_other_at_the_top_only(path):
    tree = ast.parse(source(path))
    nested = []
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested += [node.lineno for node in ast.walk(function)
                       if isinstance(node, ast.ImportFrom) and (node.module or '').startswith(OWN)]
    assert not nested, 'imports inside functions at lines %s' % nested


@pytest.mark.parametrize('path', [f for f in FILES if not f.endswith('__init__.py')], ids=name)
def test_every_file_says_its_job_first(path):
    tree = ast.parse(source(path))
    doc = ast.get_docstring(tree)
    comments = [line for line in source(path).splitlines()[:12] if line.startswith('# ')
                and not line.startswith(('# Copyright', '# GNU', '# SPDX', '# -*-'))]
    assert doc or comments, 'start %s with a docstring or a one-line comment that says its job' % name(path)
