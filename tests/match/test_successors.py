"""Successor links: one-to-one first, splits and folds from best-match structure, SKOS relations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipeline.core.records import UnitMatch
from pipeline.match.succession import Supersession
from pipeline.match.successors import Relation, relations, successor_links
from pipeline.match.unit_map import successor_pairs
from tests.match.factories import candidates, roster, unit


def pair(left: str, right: str, score: float, decision: str, title_score: float | None = None) -> UnitMatch:
    weight = math.log2(score / (1 - score)) if 0 < score < 1 else (20.0 if score >= 1 else -20.0)
    return UnitMatch(f"old:{left}", f"new:{right}", None, None, title_score, None, None, None, None, weight, score,
                     decision, "")


def links(*pairs: UnitMatch) -> list[tuple[str, str]]:
    scored = candidates(pairs)
    return [(a.split(":")[1], b.split(":")[1]) for a, b in scored.pairs(successor_links(scored))]


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


def test_a_title_carried_over_word_for_word_outranks_a_stronger_reworded_one():
    # Weights alone prefer 11 -> 12 (more shared rare words); the identical title wins, and 12 keeps its own.
    assert links(
        pair("11", "11", 0.82, "possible", title_score=1.0),
        pair("11", "12", 0.87, "possible", title_score=0.59),
        pair("12", "12", 0.82, "possible", title_score=1.0),
    ) == [("11", "11"), ("12", "12")]


def test_where_weights_tie_the_closer_title_wins_whatever_the_keys():
    # A2 lands on the same levels with N1 and N2; N2's title is the closer, and N1 has a better old unit.
    assert links(
        pair("A2", "N1", 0.99, "match", title_score=0.41),
        pair("A2", "N2", 0.99, "match", title_score=0.56),
        pair("X", "N1", 0.995, "match", title_score=0.9),
    ) == [("A2", "N2"), ("X", "N1")]


def test_a_unit_accounted_for_by_its_identical_title_takes_no_near_title_as_a_share():
    # "Deliver reliable ..." beside "Organise the delivery of reliable ...", whose own predecessor is listed:
    # the first has no successor in the list, and gets none rather than a weak partial.
    assert links(
        pair("B10", "B10", 0.99, "match", title_score=1.0),
        pair("B2", "B10", 0.93, "match", title_score=0.7),
    ) == [("B10", "B10")]


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
    number = {key: i for i, key in enumerate(sorted({key for pair in pairs for key in pair}))}
    old, new = (np.array([number[pair[side]] for pair in pairs]) for side in (0, 1))
    assert dict(zip(pairs, relations(old, new, [pair in exact for pair in pairs]))) == expected


def _plainly(pairs: list[UnitMatch]) -> list[tuple[str, str]]:
    """The successor rules stated pair by pair (the module docstring's three steps), to check the columns against."""
    def rank(p: UnitMatch) -> tuple:
        return (-p.match_weight, -(p.title_score or 0.0), -(p.criteria_score or 0.0), p.left_key, p.right_key)

    def linked(among: list[UnitMatch]) -> list[UnitMatch]:
        best_new: dict[str, UnitMatch] = {}
        best_old: dict[str, UnitMatch] = {}
        for p in sorted(among, key=rank):
            best_new.setdefault(p.left_key, p)
            best_old.setdefault(p.right_key, p)
        return [p for p in among if best_new[p.left_key] is p or best_old[p.right_key] is p]

    live = [p for p in pairs if p.decision != "non-match"]
    links = linked([p for p in live if p.uan_equal or p.nos_equal or p.title_score == 1.0])
    old, new = {p.left_key for p in links}, {p.right_key for p in links}
    links += linked([p for p in live if p.decision == "match" and p.left_key not in old and p.right_key not in new])
    old, new = {p.left_key for p in links}, {p.right_key for p in links}
    best_old: dict[str, UnitMatch] = {}
    for p in sorted((p for p in live if p.left_key not in old and p.right_key not in new), key=rank):
        best_old.setdefault(p.right_key, p)
    links += [p for p in best_old.values() if p.decision == "possible"]
    return sorted((p.left_key, p.right_key) for p in links)


@pytest.mark.parametrize("seed", range(30))
def test_the_columns_link_what_the_rules_stated_pair_by_pair_link(seed):
    # Weights on few values, so that ties fall to titles, criteria and keys; identities and every decision mixed.
    rng = np.random.default_rng(seed)
    olds, news = [f"o{i}" for i in range(int(rng.integers(2, 9)))], [f"n{i}" for i in range(int(rng.integers(2, 9)))]
    found = []
    for a in olds:
        for b in news:
            if rng.random() < 0.5:
                continue
            title = [None, 0.4, 0.6, 1.0][int(rng.integers(4))]
            criteria = [None, 0.5, 0.9][int(rng.integers(3))]
            weight = float(rng.choice([-3.0, 1.0, 4.0, 9.0]))
            found.append(UnitMatch(f"old:{a}", f"new:{b}", bool(rng.random() < 0.1) or None, None, title, criteria,
                                   None, None, None, weight, 0.5, str(rng.choice(["match", "possible", "non-match"])),
                                   ""))
    scored = candidates(found)
    assert sorted(scored.pairs(successor_links(scored))) == _plainly(found)


def test_links_found_before_stand_for_a_supersession_that_no_added_pair_belongs_to():
    old = unit("old", "1", "Lift loads")
    mid, later = unit("mid", "1", "Lift loads safely"), unit("mid", "2", "Lift and carry loads")
    new = unit("new", "1", "Lift and move loads")
    every = candidates([
        UnitMatch(old.unit_key, mid.unit_key, None, None, None, None, None, None, None, 3.0, 0.9, "match", ""),
        UnitMatch(mid.unit_key, new.unit_key, None, None, None, None, None, None, None, 4.0, 0.95, "match", ""),
        UnitMatch(later.unit_key, new.unit_key, None, None, None, None, None, None, None, 6.0, 0.99, "match", ""),
    ])
    before = every.where(np.arange(len(every)) < 2)  # the third pair is added afterwards
    supersessions = [Supersession("old", "mid", "d1", None), Supersession("mid", "new", "d2", None)]
    units = roster([old, mid, later, new])

    def named(found: list[np.ndarray]) -> list[list[tuple[str, str]]]:
        return [[(units.keys[a], units.keys[b]) for a, b in ends.tolist()] for ends in found]

    earlier = successor_pairs(units, supersessions, before)
    assert named(earlier) == [[(old.unit_key, mid.unit_key)], [(mid.unit_key, new.unit_key)]]
    again = successor_pairs(units, supersessions, every, earlier, len(before))
    assert again[0] is earlier[0]  # no added pair is of old -> mid: its links are not looked for again
    # Both mid units are best explained by the new unit: folded into it.
    assert named(again)[1] == [(mid.unit_key, new.unit_key), (later.unit_key, new.unit_key)]
    assert named(again) == named(successor_pairs(units, supersessions, every))
