"""Successor links: one-to-one first, splits and folds from best-match structure, SKOS relations."""

from __future__ import annotations

import pytest

from pipeline.core.records import UnitMatch
from pipeline.match.successors import Relation, relations, successor_links


def pair(left: str, right: str, score: float, decision: str) -> UnitMatch:
    return UnitMatch(f"old:{left}", f"new:{right}", None, None, None, None, None, None, score, decision, "")


def links(*pairs: UnitMatch) -> list[tuple[str, str]]:
    return [(p.left_key.split(":")[1], p.right_key.split(":")[1]) for p in successor_links(list(pairs))]


def test_mutual_best_match_is_a_link_and_a_weaker_rival_is_not():
    # Old 210 looks like both new 212 (identical) and new 308 (which is old 306's successor).
    assert links(
        pair("210", "212", 0.997, "match"),
        pair("210", "308", 0.96, "match"),
        pair("306", "308", 0.997, "match"),
    ) == [("210", "212"), ("306", "308")]


def test_new_units_each_best_explained_by_one_old_unit_make_a_split():
    assert links(pair("209", "210", 0.95, "match"), pair("209", "211", 0.93, "match")) == [("209", "210"), ("209", "211")]


def test_exclusive_possible_pairs_are_links():
    # Nothing better competes for either side: the best evidence there is.
    assert links(pair("209", "210", 0.5, "possible"), pair("209", "211", 0.5, "possible")) == [
        ("209", "210"), ("209", "211")]


def test_possible_pair_does_not_add_to_an_old_unit_already_matched():
    assert links(pair("215", "222", 0.997, "match"), pair("215", "224", 0.44, "possible")) == [("215", "222")]


def test_possible_pair_does_not_take_a_new_unit_that_has_a_match():
    assert links(pair("304", "305", 1.0, "match"), pair("202", "305", 0.74, "possible")) == [("304", "305")]


def test_possible_pair_goes_to_the_new_units_best_candidate_only():
    assert links(pair("404", "407", 0.5, "possible"), pair("408", "407", 0.3, "possible")) == [("404", "407")]


def test_non_matches_are_never_links():
    assert links(pair("101", "302", 0.01, "non-match")) == []


@pytest.mark.parametrize(("pairs", "exact", "expected"), [
    ([("a", "x")], {("a", "x")}, {("a", "x"): Relation("equivalent", "skos:exactMatch", "1:1")}),
    ([("a", "x")], set(), {("a", "x"): Relation("equivalent", "skos:closeMatch", "1:1")}),
    ([("a", "x"), ("a", "y")], set(), {
        ("a", "x"): Relation("partial", "skos:narrowMatch", "1:n"),
        ("a", "y"): Relation("partial", "skos:narrowMatch", "1:n"),
    }),
    ([("a", "x"), ("b", "x")], set(), {
        ("a", "x"): Relation("partial", "skos:broadMatch", "n:1"),
        ("b", "x"): Relation("partial", "skos:broadMatch", "n:1"),
    }),
    ([("a", "x"), ("a", "y"), ("b", "y")], set(), {
        ("a", "x"): Relation("partial", "skos:narrowMatch", "1:n"),
        ("a", "y"): Relation("partial", "skos:closeMatch", "n:n"),
        ("b", "y"): Relation("partial", "skos:broadMatch", "n:1"),
    }),
])
def test_relations(pairs, exact, expected):
    assert relations(pairs, exact) == expected
