# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The results of the connection modules: an item's facts and diff (secrets masked), one entry per item, the counts, the
diff by connection name, the failure message that names each failed item and lists what was applied, and the messages of a
refused toggle and of a save that may have been applied in part.

Private to this collection (the leading underscore): its interface may change without notice.
"""

from ansible_collections.superoffice.crm.plugins.module_utils._base import WebAPIError
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_items import (
    OP_ACTIVATED, OP_CREATED, OP_DEACTIVATED, OP_DEACTIVATED_FOR_CONFIG, OP_DELETED, OP_REACTIVATED, OP_UPDATED, connection_facts, describe,
    item_label, reasons_text)


def item_facts(config, item):
    """The ``connection`` result of an item, or None when it does not exist (any more); ``config``: its ConnectionConfig."""
    if item.params['state'] == 'absent' or item.final is None:
        return None
    record = item.final
    plain_keys = ()
    if item.has_config and record.get('ConfigFields'):
        try:
            plain_keys = set(record['ConfigFields']) - config.secret_keys(item, record)
        except WebAPIError:
            pass  # cannot tell: mask every value
    return connection_facts(record, plain_keys, item.has_config, item.config)


def item_diff(config, item):
    if item.params['state'] == 'absent':
        before = record_view(config, item, item.current, full=True) if item.current is not None else {'state': 'absent'}
        return dict(before=before, after={'state': 'absent'} if item.operations or item.current is None else before)
    before = record_view(config, item, item.current) if item.current is not None else {'state': 'absent'}
    after = record_view(config, item, item.final) if item.final is not None and (item.current is not None or item.operations) else before
    return dict(before=before, after=after)


def record_view(config, item, record, full=False):
    """The managed fields of a record for diffs, secrets masked (see ConnectionConfig.view)."""
    facts = connection_facts(record, (), False)
    view = dict(state='present', id=facts['id'], name=facts['name'])
    shown = [k for k in ('description', 'active', 'all_access', 'user_group_ids', 'associate_ids') if full or item.params[k] is not None]
    if full or item.connector_id is not None or item.connector_item is not None:
        shown.append('connector_id')
    for key in shown:
        view[key] = facts[key]
    if item.config is not None and item.has_config and not full:
        view['config'] = config.view(item, record)
    return view


def item_result(kind, item):
    """One item's entry in the bulk module's ``connections`` result."""
    record = item.final or item.current or {}
    result = dict(
        name=record.get('DisplayName') or item.params.get('name'),
        id=record.get('ErpConnectionId') if record else item.params.get('id'),
        state=item.params['state'],
        changed=item.changed,
        operations=list(item.operations),
        connection=kind.facts(item),
    )
    if kind.run.diff:
        result['diff'] = kind.diff(item)
    if item.failed:
        result['failed'] = True
        result['msg'] = item.msg
    return result


def summary(kind):
    items = kind.items

    def count(operation):
        return sum(1 for item in items if operation in item.operations)

    return dict(
        total=len(items),
        created=count(OP_CREATED),
        updated=count(OP_UPDATED),
        deleted=count(OP_DELETED),
        activated=count(OP_ACTIVATED),
        # A connection deactivated for a config change and not activated again (held, refused) is left deactivated.
        deactivated=sum(1 for item in items if OP_DEACTIVATED in item.operations
                        or (OP_DEACTIVATED_FOR_CONFIG in item.operations and OP_REACTIVATED not in item.operations)),
        unchanged=sum(1 for item in items if not item.changed and not item.failed),
        failed=sum(1 for item in items if item.failed),
        unlisted_deactivated=sum(1 for item in kind.unlisted if item.changed),
    )


def aggregate_diff(kind):
    before, after = {}, {}

    def key_for(name, conn_id):
        key = name or 'id %s' % conn_id
        if key in before or key in after:
            key = '%s (id %s)' % (key, conn_id)
        return key

    for item in kind.items + kind.unlisted:
        if not item.changed:
            continue
        record = item.final or item.current or {}
        diff = kind.diff(item) if not item.unlisted else dict(
            before=dict(state='present', id=record.get('ErpConnectionId'), name=record.get('DisplayName'), active=True),
            after=dict(state='present', id=record.get('ErpConnectionId'), name=record.get('DisplayName'), active=False))
        key = key_for(record.get('DisplayName') or item.params.get('name'), record.get('ErpConnectionId'))
        before[key] = diff['before']
        after[key] = diff['after']
    return dict(before=before, after=after)


def bulk_result(kind):
    """The erpsync_connections result (and the failure message, or None)."""
    items = kind.items
    unlisted = [dict(id=i.current['ErpConnectionId'], name=i.current.get('DisplayName')) for i in kind.unlisted if i.changed]
    unlisted_failed = [dict(id=i.current['ErpConnectionId'], name=i.current.get('DisplayName'), msg=i.msg) for i in kind.unlisted if i.failed]
    result = dict(changed=any(item.changed for item in items) or bool(unlisted),
                  connections=[item_result(kind, item) for item in items],
                  summary=summary(kind), unlisted_deactivated=unlisted)
    if kind.run.diff:
        result['diff'] = aggregate_diff(kind)
    failures = ['%s%s' % (item.where, item.msg) for item in items if item.failed]
    failures.extend('unlisted connection %s (id %s): %s' % (f['name'], f['id'], f['msg']) for f in unlisted_failed)
    if not failures:
        return result, None
    result['unlisted_failed'] = unlisted_failed
    applied = ['%s: %s' % (item_label(item), ', '.join(item.operations)) for item in items if item.changed]
    applied.extend("'%s' (id %s): deactivated (unlisted)" % (u['name'], u['id']) for u in unlisted)
    msg = '%d of %d connection changes failed: %s. Applied: %s' % (
        len(failures), len(items) + len(unlisted) + len(unlisted_failed), '; '.join(failures), '; '.join(applied) if applied else 'nothing')
    return result, msg


def refusal(item, target, reasons):
    """The message of a toggle the server refused, with what the item's earlier steps left behind."""
    record = item.final
    if not target:
        what = 'unlisted connection' if item.unlisted else 'connection'
        return 'deactivating %s %s was refused: %s. Nothing else was changed on it' % (what, describe(record), reasons_text(reasons))
    note = ''
    if OP_DEACTIVATED_FOR_CONFIG in item.operations:
        note = '. It had been deactivated to change its config; the change was saved and the connection is now inactive'
    elif OP_UPDATED in item.operations or OP_CREATED in item.operations:
        note = '. The other changes were saved; the connection stays inactive'
    return 'activating connection %s was refused: %s%s' % (describe(record), reasons_text(reasons), note)


def left_inactive(item, message):
    """A save failure that may have changed the connection in part: said with what it leaves behind."""
    if OP_DEACTIVATED_FOR_CONFIG not in item.operations:
        return message
    return ('%s; connection %s, deactivated for the change, stays inactive: the change may have been saved in part, untested. '
            'Check its config, then activate it or run again' % (message, describe(item.final)))
