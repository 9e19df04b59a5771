# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Attribute fragments (check mode, diff mode, idempotence, action group) of the modules that change a tenant and of
# the read-only ones.


class ModuleDocFragment(object):

    # Modules that change the tenant.
    DOCUMENTATION = r'''
attributes:
  check_mode:
    support: full
    description: Can run in check mode and return the exact result a real run would return, without changing the tenant.
  diff_mode:
    support: full
    description: Returns C(diff) with C(before) and C(after) of what it manages (secrets masked), also in check mode.
  idempotent:
    support: full
    description: A second run with the same options reports C(changed=false) and makes read requests only.
  action_group:
    support: full
    description: Use C(group/superoffice.crm.webapi) in C(module_defaults) to set the connection options for this module.
    membership:
      - superoffice.crm.webapi
'''

    # Read-only modules.
    INFO_MODULE = r'''
attributes:
  check_mode:
    support: full
    description: This module only reads, so it runs the same in check mode.
  diff_mode:
    support: N/A
    description: This module never changes anything, so there is no diff.
  idempotent:
    support: full
    description: This module only reads.
  action_group:
    support: full
    description: Use C(group/superoffice.crm.webapi) in C(module_defaults) to set the connection options for this module.
    membership:
      - superoffice.crm.webapi
'''
