"""Families from ``match`` pairs, best first: a pair joins two groups only if no scheme ends up with two units."""

from __future__ import annotations

from pipeline.core.records import Unit, UnitMatch
from pipeline.match.families import build_families
from tests.match.factories import candidates, roster, unit

OLD = unit("old", "1", "Store goods in a warehouse")
SHELVES = unit("new", "1", "Store goods on warehouse shelves")
YARD = unit("new", "2", "Store goods in an open yard")
STANDARD = unit("std", "S1", "Store goods safely")


def matched(left: Unit, right: Unit, score: float) -> UnitMatch:
    """A scored pair decided ``match``."""
    return UnitMatch(left.unit_key, right.unit_key, None, None, 0.8, None, 0, None, None, 6.0, score, "match",
                     "made up for the test")


def groups(pairs: list[UnitMatch], links: list[tuple[str, str]] | None = None) -> set[frozenset[str]]:
    """The families of the four units, as sets of unit keys."""
    found: dict[str, set[str]] = {}
    listed = roster([OLD, SHELVES, YARD, STANDARD])
    for family in build_families(listed, listed.ends(links or []), candidates(pairs).matched()).rows:
        found.setdefault(family.family_id, set()).add(family.unit_key)
    return {frozenset(members) for members in found.values()}


def test_a_pair_that_would_give_a_scheme_two_units_is_refused_even_through_a_third_unit():
    pairs = [
        matched(OLD, SHELVES, 0.99),  # the best pair joins first
        matched(OLD, YARD, 0.95),  # the old unit's family has a new unit already
        matched(STANDARD, YARD, 0.93),
        matched(OLD, STANDARD, 0.91),  # the standard's family holds the yard unit: two new units in one family
    ]
    assert groups(pairs) == {frozenset({OLD.unit_key, SHELVES.unit_key}), frozenset({STANDARD.unit_key, YARD.unit_key})}


def test_a_link_joins_unchecked_and_its_units_then_refuse_the_pairs_it_rules_out():
    pairs = [matched(OLD, SHELVES, 0.99), matched(STANDARD, SHELVES, 0.9)]
    # The map linked the old unit to the yard unit: the better pair with the shelves unit would make two new units.
    assert groups(pairs, [(OLD.unit_key, YARD.unit_key)]) == {
        frozenset({OLD.unit_key, YARD.unit_key}), frozenset({STANDARD.unit_key, SHELVES.unit_key})}


def test_a_split_units_links_join_its_parts_and_their_family_refuses_another_unit_of_the_old_scheme():
    cold = unit("old", "2", "Store goods in a cold room")
    links = [(OLD.unit_key, SHELVES.unit_key), (OLD.unit_key, YARD.unit_key)]  # two new units: unchecked
    pairs = [matched(cold, YARD, 0.99), matched(STANDARD, SHELVES, 0.9)]
    listed = roster([OLD, SHELVES, YARD, STANDARD, cold])
    families = build_families(listed, listed.ends(links), candidates(pairs).matched()).rows
    # No NOS code: each family is named by its first key, and lists its units in key order.
    assert [(f.family_id, f.unit_key) for f in families] == [
        ("new:1", "new:1"), ("new:1", "new:2"), ("new:1", "old:1"), ("new:1", "std:S1"), ("old:2", "old:2")]
