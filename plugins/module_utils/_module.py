# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module base of every superoffice.crm module: arguments echoed without secrets, the client and agent built once,
and one way to run the plan/apply engine and end the run.

Private to this collection (the leading underscore): its interface may change without notice.
"""

from urllib.parse import urlsplit, urlunsplit

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.superoffice.crm.plugins.module_utils._agent import ErpSyncAPI
from ansible_collections.superoffice.crm.plugins.module_utils._base import MASK, Secrets, WebAPIError, printable, printable_messages
from ansible_collections.superoffice.crm.plugins.module_utils._client import WebAPIClient, fail_on_error
from ansible_collections.superoffice.crm.plugins.module_utils._options import webapi_argument_spec
from ansible_collections.superoffice.crm.plugins.module_utils._lock import tenant_lock
from ansible_collections.superoffice.crm.plugins.module_utils._plan import Applier, PlanError, Run
from ansible_collections.superoffice.crm.plugins.module_utils._resources.connection_items import find_connection

URL_OPTIONS = ('url', 'environment_url', 'connector_url')
# How ansible-core shows the value of a no_log option; echoed the same way so that every collection's output reads alike.
NO_LOG_MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
# Options whose values may hold connector secrets in any shape (a dict of config values, or a string by mistake).
CONFIG_OPTIONS = ('config',)


def _mask_values(value):
    if isinstance(value, dict):
        return dict((k, MASK if v not in (None, '') else v) for k, v in value.items())
    return MASK if value not in (None, '', [], {}) else value


def mask_url(value):
    """A url without the credentials and query it must not carry (it is refused, but echoed arguments would show it)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return MASK
    if not (parts.username or parts.password or parts.query or parts.fragment):
        return value
    netloc = parts.netloc.rpartition('@')[2]
    if parts.username or parts.password:
        netloc = MASK + '@' + netloc
    return urlunsplit((parts.scheme, netloc, parts.path, MASK if parts.query else '', MASK if parts.fragment else ''))


def mask_args(params, spec):
    """A copy of module arguments that is safe to echo: config values, url credentials and the values of options the
    spec does not know (a misspelt ``confg`` may hold secrets) masked, also inside list items of suboptions."""
    if not isinstance(params, dict):
        return params
    masked = {}
    for key, value in params.items():
        option = spec.get(key)
        if option is None:
            masked[key] = _mask_values(value) if not key.startswith('_ansible') else value
        elif option.get('no_log'):
            masked[key] = NO_LOG_MASK if value not in (None, '') else value
        elif key in CONFIG_OPTIONS:
            masked[key] = _mask_values(value)
        elif key in URL_OPTIONS and isinstance(value, str):
            masked[key] = mask_url(value)
        elif option.get('options') and isinstance(value, list):
            masked[key] = [mask_args(v, option['options']) if isinstance(v, dict) else _mask_values(v) for v in value]
        elif option.get('options') and isinstance(value, dict):
            masked[key] = mask_args(value, option['options'])
        else:
            masked[key] = value
    return masked


class ErpSyncModule(AnsibleModule):
    """AnsibleModule that never echoes a config value, a url credential or a misspelt option's value (in ``invocation``,
    when ansible-core adds it, or in the module log), and that masks every form of every secret of the run (``secrets``)
    in its result, its message and its warnings, whatever a server repeated in them.

    ``item_options`` gives the suboptions of list options that the module validates itself (to name the item in messages).
    """

    def __init__(self, argument_spec, item_options=None, **kwargs):
        self.secrets = Secrets(self)
        self.echo_spec = dict(argument_spec)
        for name, options in (item_options or {}).items():
            self.echo_spec[name] = dict(self.echo_spec[name], options=options)
        super().__init__(argument_spec=webapi_argument_spec(**argument_spec), **kwargs)

    def _masked_params(self):
        spec = dict(webapi_argument_spec(), **self.echo_spec)
        return mask_args(getattr(self, 'params', None), spec)

    def exit_json(self, **kwargs):
        kwargs.setdefault('invocation', {'module_args': self._masked_params()})
        super().exit_json(**printable_messages(self.secrets.mask_result(kwargs)))

    def fail_json(self, msg, **kwargs):
        # ansible-core prints msg and warnings raw, and the rest of a result as JSON that escapes only C0 controls: tenant text
        # in messages and diffs must not act on the operator's terminal (printable_messages). The data keeps it verbatim.
        kwargs.setdefault('invocation', {'module_args': self._masked_params()})
        super().fail_json(printable(self.secrets.mask_result(msg)), **printable_messages(self.secrets.mask_result(kwargs)))

    def warn(self, warning):
        super().warn(printable(self.secrets.mask_result(warning)))

    def _log_invocation(self):
        params = self.params
        self.params = self._masked_params()
        try:
            super()._log_invocation()
        finally:
            self.params = params

    def api(self):
        """The ErpSync agent over the one client of this run (built once the options are valid)."""
        if not hasattr(self, '_api'):
            self._api = ErpSyncAPI(WebAPIClient(self, self.secrets))
        return self._api

    def run(self):
        """The Run every resource kind of this module run gets (the agent, check and diff mode, concurrency, ...)."""
        if not hasattr(self, '_run'):
            self._run = Run.of_module(self, self.api())
        return self._run

    def converge(self, kinds, **failure):
        """Plan and apply ``kinds`` (check mode: plan only), holding the tenant lock for a real run. A problem found before
        any write ends the run with nothing changed; ``failure`` goes into that result."""
        run = self.run()
        with tenant_lock(run, self.api().client.base_url, lambda msg: self.fail_json(msg=msg, changed=False)):
            try:
                Applier(run, kinds).apply_plan()
            except PlanError as e:
                self.fail_json(msg=e.message, changed=False, **dict(failure, **e.fields))

    def checked(self, check, items, **failure):
        """Run a check that needs no request (``check(items)`` raises PlanError) and return what it returns; end the run on a
        problem."""
        try:
            return check(items)
        except PlanError as e:
            self.fail_json(msg=e.message, changed=False, **failure)

    def converge_one(self, kind, item, key):
        """Converge one object and end the run with ``changed``, ``operations``, the object under ``key`` and ``diff``;
        a failure says what was done before it."""
        self.converge([kind], operations=[])
        result = dict(changed=item.changed, operations=list(item.operations))
        result[key] = kind.facts(item)
        if self._diff:
            result['diff'] = kind.diff(item)
        if item.failed:
            result.update(item.error_fields)
            msg = item.msg
            if item.operations:
                msg += ' (done before the failure: %s)' % ', '.join(item.operations)
            self.fail_json(msg=msg, **result)
        self.exit_json(**result)

    def connection_record(self, connection):
        """The live connection a ``connection`` option names (by name or id), or the end of the run listing the live ones."""
        if not connection.strip():
            self.fail_json(msg='connection must not be empty; give the name or the id of the connection. Nothing was changed', changed=False)
        try:
            return self.read_or_fail(find_connection, self.api(), connection)
        except ValueError as e:
            self.fail_json(msg='%s. Nothing was changed' % e, changed=False)

    def read_or_fail(self, function, *args):
        """A read for an info module: its answer, or the end of the run with the error's safe message."""
        try:
            return function(*args)
        except WebAPIError as e:
            fail_on_error(self, e, changed=False)
