# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The nox sessions of antsibull-nox that this collection adopts (antsibull-nox.toml); scripts/test.sh runs them.

import antsibull_nox

antsibull_nox.load_antsibull_nox_toml()
