# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A local SuperOffice WebAPI emulator (ErpSync agent) for tests and rehearsals.

Modules: ``store`` (tenant state and ErpSync semantics, transport-free), ``server``
(JSON/HTTP front-end), ``admin`` (the /_emulator/ API), ``cli`` (``python -m emulator``).
"""
