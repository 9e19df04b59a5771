# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import ast
import os
import re
import sys

try:
    from importlib.metadata import packages_distributions
except ImportError:  # Python < 3.10
    packages_distributions = None

DESCRIPTION = """Check that requirements.txt declares exactly the third-party Python packages that plugins/ imports.

    python scripts/check_requirements.py [--root DIR] [--verbose]

Walks every .py file under plugins/ (modules, module_utils, doc fragments and any other plugin type)
with ast, never importing them, and collects the top-level name of every absolute import. Names of
the standard library (sys.stdlib_module_names), __future__, ansible and ansible_collections are not
third-party; an import of another collection (ansible_collections.NS.NAME) must instead be a
dependency in galaxy.yml. Each third-party import name is mapped to its distribution with
importlib.metadata.packages_distributions() of the running Python (run it in a venv that has the
requirements installed, tests/requirements/core-2.21.txt), else with the small map below.

Fails (exit 1) when requirements.txt lists a distribution that nothing imports, when an imported
package is missing from requirements.txt, when an import cannot be mapped, or when
meta/execution-environment.yml does not point ansible-builder at requirements.txt.
Needs Python 3.10 or later (sys.stdlib_module_names) and PyYAML.
"""

# Import name -> distribution, used when the running Python does not have the package installed.
KNOWN_DISTRIBUTIONS = {
    'OpenSSL': 'pyOpenSSL',
    'cryptography': 'cryptography',
    'dateutil': 'python-dateutil',
    'jmespath': 'jmespath',
    'jwt': 'PyJWT',
    'lxml': 'lxml',
    'requests': 'requests',
    'urllib3': 'urllib3',
    'xmltodict': 'xmltodict',
    'yaml': 'PyYAML',
}

# Not third-party requirements of the collection: provided by ansible-core or Python itself.
NOT_THIRD_PARTY = frozenset(('__future__', 'ansible', 'ansible_collections'))

EE_TOP_KEYS = frozenset(('version', 'dependencies'))
EE_DEPENDENCY_KEYS = frozenset(('python', 'system'))
REQUIREMENT_NAME = re.compile(r'^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)')


def normalise(name):
    """PEP 503 normalised distribution name."""
    return re.sub(r'[-_.]+', '-', name).lower()


def python_files(directory):
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = sorted(d for d in dirnames if d != '__pycache__')
        for filename in sorted(filenames):
            if filename.endswith('.py'):
                yield os.path.join(dirpath, filename)


def imports_of(path):
    """Yield (dotted module name, line) for every absolute import in a Python file."""
    with open(path, 'rb') as handle:
        tree = ast.parse(handle.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node.lineno


def collect_imports(root, own_collection):
    """Return ({top-level name: [path:line, ...]}, {collection: [path:line, ...]}) of third-party imports."""
    stdlib = frozenset(sys.stdlib_module_names)
    third_party = {}
    collections = {}
    for path in python_files(os.path.join(root, 'plugins')):
        where_file = os.path.relpath(path, root)
        for module, line in imports_of(path):
            top = module.split('.')[0]
            where = '%s:%d' % (where_file, line)
            if top == 'ansible_collections':
                parts = module.split('.')
                if len(parts) >= 3 and '.'.join(parts[1:3]) != own_collection:
                    collections.setdefault('.'.join(parts[1:3]), []).append(where)
                continue
            if top in NOT_THIRD_PARTY or top in stdlib:
                continue
            third_party.setdefault(top, []).append(where)
    return third_party, collections


def read_requirements(path, seen=None):
    """Return {normalised name: (declared name, line text)} of a pip requirements file (follows -r)."""
    seen = set() if seen is None else seen
    path = os.path.abspath(path)
    if path in seen:
        return {}
    seen.add(path)
    result = {}
    with open(path) as handle:
        for raw in handle:
            line = re.sub(r'(^|\s)#.*$', '', raw).strip()
            if not line:
                continue
            if line.startswith(('-r ', '--requirement ', '-r\t')):
                included = line.split(None, 1)[1].strip()
                result.update(read_requirements(os.path.join(os.path.dirname(path), included), seen))
                continue
            if line.startswith('-'):
                raise ValueError('%s: pip option lines are not supported here: %s' % (path, line))
            match = REQUIREMENT_NAME.match(line)
            if not match:
                raise ValueError('%s: cannot read a distribution name in: %s' % (path, line))
            result[normalise(match.group(1))] = (match.group(1), line)
    return result


def distribution_of(name, installed):
    """Map an import name to a distribution name, or None."""
    candidates = installed.get(name) or []
    if candidates:
        return sorted(set(candidates), key=lambda d: (normalise(d) != normalise(name), d))[0]
    return KNOWN_DISTRIBUTIONS.get(name)


def check_ee(root, problems):
    """meta/execution-environment.yml must point ansible-builder at requirements.txt; returns that file's path."""
    import yaml  # only needed here; PyYAML comes with ansible-core

    for name in ('execution-environment.yml', 'execution-environment.yaml'):
        path = os.path.join(root, 'meta', name)
        if os.path.exists(path):
            break
    else:
        problems.append('meta/execution-environment.yml is missing (ansible-builder would only guess requirements.txt)')
        return os.path.join(root, 'requirements.txt')
    with open(path) as handle:
        data = yaml.safe_load(handle)
    rel = os.path.relpath(path, root)
    if not isinstance(data, dict):
        problems.append('%s: not a YAML mapping' % rel)
        return os.path.join(root, 'requirements.txt')
    for key in sorted(set(data) - EE_TOP_KEYS):
        problems.append('%s: unknown key %r (ansible-builder reads only %s)' % (rel, key, ', '.join(sorted(EE_TOP_KEYS))))
    if data.get('version') != 1:
        problems.append('%s: version must be 1 (the collection metadata format), not %r' % (rel, data.get('version')))
    dependencies = data.get('dependencies')
    if not isinstance(dependencies, dict):
        problems.append('%s: dependencies must be a mapping' % rel)
        return os.path.join(root, 'requirements.txt')
    for key in sorted(set(dependencies) - EE_DEPENDENCY_KEYS):
        problems.append('%s: unknown key dependencies.%s (ansible-builder reads only python and system)' % (rel, key))
    for key in sorted(EE_DEPENDENCY_KEYS & set(dependencies)):
        value = dependencies[key]
        if not isinstance(value, str) or os.path.isabs(value) or not os.path.isfile(os.path.join(root, value)):
            problems.append('%s: dependencies.%s must be a file path relative to the collection root, got %r' % (rel, key, value))
    python = dependencies.get('python')
    if python != 'requirements.txt':
        problems.append('%s: dependencies.python is %r; it must be requirements.txt (the file this check compares)' % (rel, python))
    return os.path.join(root, 'requirements.txt')


def galaxy_dependencies(root):
    import yaml

    with open(os.path.join(root, 'galaxy.yml')) as handle:
        galaxy = yaml.safe_load(handle) or {}
    own = '%s.%s' % (galaxy.get('namespace'), galaxy.get('name'))
    return own, set((galaxy.get('dependencies') or {}).keys())


def main(argv=None):
    parser = argparse.ArgumentParser(description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', default=os.path.abspath(os.path.join(os.path.dirname(__file__), '..')),
                        help='collection root (default: the parent of scripts/)')
    parser.add_argument('--verbose', action='store_true', help='list where each package is imported')
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)

    if sys.version_info < (3, 10) or packages_distributions is None:
        print('check_requirements: needs Python 3.10 or later (sys.stdlib_module_names)', file=sys.stderr)
        return 2

    problems = []
    requirements_path = check_ee(root, problems)
    own, dependencies = galaxy_dependencies(root)
    third_party, collections = collect_imports(root, own)
    installed = packages_distributions()

    imported = {}
    for name in sorted(third_party):
        distribution = distribution_of(name, installed)
        if distribution is None:
            problems.append('cannot map import %r (%s) to a distribution: install it in this venv or add it to '
                            'KNOWN_DISTRIBUTIONS in scripts/check_requirements.py' % (name, ', '.join(third_party[name])))
            continue
        imported.setdefault(normalise(distribution), (distribution, []))[1].append(name)

    try:
        declared = read_requirements(requirements_path)
    except (IOError, OSError, ValueError) as e:
        problems.append('cannot read %s: %s' % (os.path.relpath(requirements_path, root), e))
        declared = {}

    for key in sorted(set(imported) - set(declared)):
        distribution, names = imported[key]
        where = ', '.join(w for n in names for w in third_party[n])
        problems.append('requirements.txt does not declare %s, imported as %s at %s' % (distribution, ', '.join(names), where))
    for key in sorted(set(declared) - set(imported)):
        problems.append('requirements.txt declares %s, which nothing under plugins/ imports (%s)' % (declared[key][0], declared[key][1]))
    for collection in sorted(set(collections) - dependencies):
        problems.append('plugins/ imports the collection %s (%s), which galaxy.yml does not list under dependencies'
                        % (collection, ', '.join(collections[collection])))

    print('third-party imports under plugins/:')
    for key in sorted(imported):
        distribution, names = imported[key]
        files = sorted(set(w.rsplit(':', 1)[0] for n in names for w in third_party[n]))
        print('  %-14s import %-14s in %s' % (distribution, ', '.join(names), ', '.join(files) if args.verbose else '%d file(s)' % len(files)))
    print('declared in requirements.txt: %s' % ', '.join(declared[k][1] for k in sorted(declared)))
    if problems:
        for problem in problems:
            print('ERROR: %s' % problem, file=sys.stderr)
        print('check_requirements: %d problem(s)' % len(problems), file=sys.stderr)
        return 1
    print('check_requirements: OK, requirements.txt declares exactly the %d distribution(s) plugins/ imports, '
          'and meta/execution-environment.yml points to it' % len(imported))
    return 0


if __name__ == '__main__':
    sys.exit(main())
