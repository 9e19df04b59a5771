# -*- coding: utf-8 -*-
# Copyright (c) 2026, superoffice.crm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The plan of ERP-tab moves against a model of the server (one place per move among all fields, hidden ones too): it reaches
the wanted order, and with the shown fields next to each other it sends exactly as many moves as there are inversions (each
move undoes one, so no plan can send fewer)."""

import itertools
import random

import pytest

from ansible_collections.superoffice.crm.plugins.module_utils._resources.field_order import plan_moves, wanted_order


def server_after(fields, moves):
    """All fields by rank (shown keys and hidden ones), after the moves up: each swaps the field with the one above."""
    fields = list(fields)
    for key in moves:
        index = fields.index(key)
        if index > 0:
            fields[index - 1], fields[index] = fields[index], fields[index - 1]
    return fields


def shown(fields):
    return [(key, rank) for rank, key in enumerate(fields, 1) if not key.startswith('hidden')]


def inversions(current, wanted):
    place = dict((key, n) for n, key in enumerate(wanted))
    return sum(1 for a, b in itertools.combinations(current, 2) if place[a] > place[b])


@pytest.mark.parametrize('wanted', list(itertools.permutations('ABCD')))
def test_adjacent_fields_take_exactly_the_inversions(wanted):
    fields = list('ABCD')
    moves = plan_moves(shown(fields), list(wanted))
    assert [key for key, rank in shown(server_after(fields, moves))] == list(wanted)
    assert len(moves) == inversions(fields, wanted)


def test_hidden_fields_between_are_passed_and_the_order_is_reached():
    rng = random.Random(24)
    for dummy in range(300):
        keys = list('ABCDEF')[:rng.randint(1, 6)]
        fields = keys + ['hidden%d' % n for n in range(rng.randint(0, 5))]
        rng.shuffle(fields)
        wanted = list(keys)
        rng.shuffle(wanted)
        moves = plan_moves(shown(fields), wanted)
        assert [key for key, rank in shown(server_after(fields, moves))] == wanted
        assert all(move in keys for move in moves)


def test_an_order_as_wanted_needs_no_move():
    assert plan_moves([('A', 1), ('B', 5), ('C', 9)], ['A', 'B', 'C']) == []


def test_the_wanted_order_is_the_given_keys_then_the_others_as_they_are():
    assert wanted_order(['C'], [('A', 1), ('B', 2), ('C', 3)]) == ['C', 'A', 'B']
