# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checking the desired objects before any request: each item of a list option validated with its own spec (messages
name the item), duplicates, and the one error that lists every problem found.

Private to this collection (the leading underscore): its interface may change without notice.
"""

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._plan import PlanError


def validation_errors(result):
    """An ArgumentSpecValidator result's messages as users read them. ansible-core adds a bare "dictionary requested, ..." for a
    list item that is not a dictionary, beside a message naming the option that says the same: only the fuller one is kept."""
    found = [('unsupported option %s' % e.msg) if isinstance(e, UnsupportedError) else e.msg for e in result.errors.errors]
    return [m for m in found if not any(m != other and m in other for other in found)]


def validate_items(raw_items, options, make_item, noun, **rules):
    """Each item of a list option checked with ``options`` (and ``rules`` such as required_one_of) before any request;
    ``make_item(params, index, errors)`` builds the item, its problems named by the caller's label."""
    validator = ArgumentSpecValidator(options, **rules)
    items = []
    for index, raw in enumerate(raw_items or []):
        params = dict((name, spec.get('default')) for name, spec in options.items())
        if not isinstance(raw, dict):
            items.append(make_item(params, index, ['must be a dictionary of %s options, got a %s' % (noun, type(raw).__name__)]))
            continue
        result = validator.validate(raw)
        params.update(result.validated_parameters)
        items.append(make_item(params, index, validation_errors(result)))
    return items


def module_spec(options):
    """The argument spec of a module whose list-of-dictionary options are checked by validate_items (so that messages name
    the item and the option): those options without their suboptions."""
    rules = ('options', 'required_one_of', 'mutually_exclusive', 'required_together', 'required_if', 'required_by')
    return dict((name, dict((k, v) for k, v in spec.items() if k not in rules)) for name, spec in options.items())


def invalid(errors):
    """A PlanError listing every problem found before any write."""
    if len(errors) == 1:
        return PlanError(errors[0] + '. Nothing was changed')
    return PlanError('Nothing was changed; %d problems: %s' % (len(errors), '; '.join(errors)))


def duplicate_errors(items, label, noun, fold=None):
    """Two items that give the same id or name: each object may be listed once (``fold`` compares names, e.g. ignoring case).
    Items that give an id may share a name: the id decides which object each one is (two live objects of one name)."""
    errors = []
    for option in ('id', 'name'):
        seen = {}
        for item in items:
            value = item.params.get(option)
            if value is None or item.errors or (option == 'name' and item.params.get('id') is not None):
                continue
            key = fold(value) if fold and isinstance(value, str) else value
            if key in seen:
                errors.append('%s[%d] and %s[%d] both give %s %r; each %s may be listed once' % (label, seen[key], label, item.index, option, value, noun))
            else:
                seen[key] = item.index
    return errors


def raise_problems(errors):
    """Raise a PlanError listing ``errors``, if any (found before any request)."""
    if errors:
        raise invalid(errors)


def check_errors(items):
    """Raise a PlanError listing the problems found in the items' options (before any request)."""
    raise_problems([e for item in items for e in item.errors])


def read_and_check(run, items, ready, read, check):
    """Read the ``ready`` items (different objects at once) and check each; a problem found before any write, in an item's
    options or on the server, ends the run with nothing changed."""
    check_errors(items)
    try:
        run.each(read, ready)
        for item in ready:
            check(item)
    except WebAPIError as e:
        raise PlanError(e.message + '. Nothing was changed', e.result_fields())
    check_errors(items)


def fail_with_errors(item):
    """After a catch-up read: the problems found for an item fail it (its where-prefix said once)."""
    if item.errors:
        item.fail('; '.join(e[len(item.where):] for e in item.errors))


def item_where(label, index, params):
    """The message prefix that names a list item, "connections[2] ('Visma', id 7): "; '' for a module's single object."""
    if index is None:
        return ''
    ident = ["'%s'" % params['name']] if isinstance(params.get('name'), str) and params['name'] else []
    ident += ['id %s' % params['id']] if isinstance(params.get('id'), int) else []
    return '%s[%d]%s: ' % (label, index, ' (%s)' % ', '.join(ident) if ident else '')


def identity_errors(params, where, texts, limit):
    """Problems of the options every kind shares: a positive id, and text options (``texts``) that are not blank and fit
    the server's column (``limit`` characters; ``name`` and ``connector`` must not be blank)."""
    errors = []
    if params.get('id') is not None and params['id'] < 1:
        errors.append('%sid must be a positive integer, got %d' % (where, params['id']))
    for option in texts:
        value = params.get(option)
        if value is None:
            continue
        if option in ('name', 'connector') and not value.strip():
            errors.append('%s%s must not be empty' % (where, option))
        elif option != 'connector' and len(value) > limit:
            errors.append('%s%s is %d characters long; the server stores at most %d' % (where, option, len(value), limit))
    return errors
