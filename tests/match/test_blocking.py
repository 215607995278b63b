"""Blocking: which pairs become candidates, and what the blocking saves."""

from __future__ import annotations

import numpy as np

from pipeline.match.blocking import Runs, Texts, WordSets, _numbered_runs, _occurrences, block, by_codes, cross_scheme_pairs
from pipeline.match.features import prepare
from tests.match.factories import criteria, unit

RANK = {"old": 0, "new": 1, "nos": 2}.__getitem__

# Titles padded with units that make "customer service" common, so only the
# distinctive words are rare.
FILLER = [unit("nos", f"Z{i}", f"Filler customer service unit {word}") for i, word in
          enumerate(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
                     "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon"])]


def keys(blocking) -> set[tuple[str, str]]:
    return set(blocking.pairs)


def test_shared_rare_title_word_within_one_level():
    old = unit("old", "209", "Deal with customers by telephone", level=2)
    new = unit("new", "4-211", "Make telephone calls to customers", level=3)
    far = unit("new", "4-411", "Telephone strategy for customer service", level=4)
    result = block(prepare([old, new, far, *FILLER], []), RANK)
    assert ("old:209", "new:4-211") in keys(result)
    assert result.rules[("old:209", "new:4-211")] == ("title-word",)
    # Two levels apart: a shared word alone is not enough.
    assert ("old:209", "new:4-411") not in keys(result)


def test_same_nos_code_ignores_levels_and_titles():
    a = unit("new", "4-303", "Deal with customers in writing", level=3, nos_code="A13")
    b = unit("nos", "A13", "Completely different wording", level=1, nos_code="A13")
    result = block(prepare([a, b, *FILLER], []), RANK)
    assert result.rules[("new:4-303", "nos:A13")] == ("nos",)


def test_a_level_unknown_keeps_a_word_rules_pair_whatever_the_other_level():
    old = unit("old", "209", "Deal with customers by telephone", level=1)
    known = unit("new", "4-411", "Telephone strategy for customer service", level=4)
    unknown = unit("new", "4-412", "Telephone etiquette for customer service")
    result = block(prepare([old, known, unknown, *FILLER], []), RANK)
    assert ("old:209", "new:4-412") in keys(result) and ("old:209", "new:4-411") not in keys(result)


def test_codes_are_compared_trimmed_and_case_folded():
    a = unit("new", "4-303", "Deal with customers in writing", nos_code=" a13")
    b = unit("nos", "A13", "Completely different wording", nos_code="A13")
    c = unit("old", "7", "Stock the shelves", nos_code="A14")
    result = block(prepare([a, b, c, *FILLER], []), RANK)
    assert result.rules[("new:4-303", "nos:A13")] == ("nos",)
    assert not {pair for pair in keys(result) if "old:7" in pair}


def test_pairs_turned_round_stay_in_key_order():
    # In key order the newer scheme's units come first: every pair is turned round, and sorted again.
    olds = [unit("zold", str(n), f"Champion customer service {word}", level=2) for n, word in
            enumerate(["alpha", "beta", "gamma"])]
    news = [unit("anew", str(n), f"Champion customer service {word}", level=2) for n, word in
            enumerate(["gamma", "beta", "alpha"])]
    result = block(prepare([*olds, *news, *FILLER], []), {"zold": 0, "anew": 1, "nos": 2}.__getitem__)
    assert {("zold:0", "anew:2"), ("zold:1", "anew:1"), ("zold:2", "anew:0")} <= keys(result)
    assert all(left.startswith("zold") and right.startswith("anew") for left, right in result.pairs
               if {left[:4], right[:4]} == {"zold", "anew"})
    order = list(zip(result.left.tolist(), result.right.tolist()))
    assert order == sorted(order)


def test_pairs_are_oriented_older_scheme_first():
    a = unit("new", "1", "Champion customer service", level=4)
    b = unit("old", "9", "Champion customer service", level=4)
    result = block(prepare([a, b, *FILLER], []), RANK)
    assert ("old:9", "new:1") in keys(result)


def test_units_of_one_scheme_are_never_compared():
    a = unit("old", "1", "Champion customer service")
    b = unit("old", "2", "Champion customer service")
    assert block(prepare([a, b], []), RANK).pairs == ()


def test_shared_rare_criterion_words_without_a_title_word():
    old = unit("old", "301", "Understand service delivery", level=3)
    new = unit("new", "4-301", "Demonstrate principles", level=3)
    texts = ("explain the benchmark of competitors", "describe the ethical values base", "justify the service chain")
    others = [unit("nos", f"Y{i}", f"Other {w}") for i, w in enumerate(["one", "two", "three", "four", "five"])]
    result = block(prepare([old, new, *others], criteria(old, *texts) + criteria(new, *texts)), RANK)
    assert "criteria-words" in result.rules[("old:301", "new:4-301")]


def test_all_pairs_counts_cross_scheme_pairs_only():
    units = [unit("old", "1", "a"), unit("old", "2", "b"), unit("new", "1", "c"), unit("nos", "A1", "d")]
    assert cross_scheme_pairs(u.scheme for u in units) == 2 * 1 + 2 * 1 + 1 * 1
    result = block(prepare(units, []), RANK)
    assert result.all_pairs == 5 and result.comparisons == len(result.pairs)


def test_runs_keep_and_expand_their_values_across_an_empty_run():
    runs = Runs.of([(1, 2), (), (3,)])
    kept = runs.kept(np.array([True, False, True]))
    assert kept.starts.tolist() == [0, 1, 1, 2] and kept.values.tolist() == [1, 3]
    position, values = runs.expanded(np.array([2, 0, 1, 0]))
    assert position.tolist() == [0, 1, 1, 3, 3] and values.tolist() == [3, 1, 2, 1, 2]


def test_a_word_set_that_several_units_state_is_one_distinct_set():
    sets = WordSets.of(Texts.of_items([("greet", "visitor"), ("visitor", "greet", "visitor"), (), ("visitor",)]))
    assert sets.of_unit.tolist() == [0, 0, 1, 2] and sets.vocabulary == 2
    # "visitor" is in two distinct sets, "greet" in one; the empty set has no word.
    assert sets.sets.lengths.tolist() == [2, 0, 1]
    unit, word = sets.rare()
    assert sorted(zip(unit.tolist(), word.tolist())) == [(0, 0), (0, 1), (1, 0), (1, 1), (3, 1)]


def test_the_pairs_within_runs_are_each_runs_combinations():
    runs = Runs.of([(1, 2, 4), (), (3,), (0, 5), (2, 3, 6)])
    pairs = runs.pairs(10)
    assert pairs.lengths.tolist() == [3, 0, 0, 1, 3]
    assert pairs.values.tolist() == [12, 14, 24, 5, 23, 26, 36]


def test_word_sets_are_numbered_where_first_seen():
    sets = WordSets.of(Texts.of_items([("visitor", "greet"), ("greet",), ("reply", "visitor"), ("visitor", "greet")]))
    # "visitor" 0, "greet" 1, "reply" 2; each set's ids sorted.
    assert sets.of_unit.tolist() == [0, 1, 2, 0]
    assert sets.sets.values.tolist() == [0, 1, 1, 0, 2] and sets.sets.lengths.tolist() == [2, 1, 2]


def test_word_sets_of_parts_are_the_sets_of_the_parts_words_together():
    # Two units list one criterion alike; the third lists its criteria in the other order, the fourth none.
    greet, reply, file = ("greet", "visitor"), ("reply", "visitor", "promptly"), ("file", "record")
    parts = [(greet, reply), (file, greet), (reply, greet), ()]
    sets = WordSets.of_parts(np.array([len(own) for own in parts]), Texts.of_items([p for own in parts for p in own]))
    # "greet" 0, "visitor" 1, "reply" 2, "promptly" 3, "file" 4, "record" 5: numbered as unit by unit.
    assert sets.of_unit.tolist() == [0, 1, 0, 2] and sets.vocabulary == 6
    assert sets.sets.values.tolist() == [0, 1, 2, 3, 0, 1, 4, 5]
    flat = WordSets.of(Texts.of_items([tuple(word for words in own for word in words) for own in parts]))
    assert flat.of_unit.tolist() == sets.of_unit.tolist()
    assert flat.sets.values.tolist() == sets.sets.values.tolist()
    assert flat.sets.starts.tolist() == sets.sets.starts.tolist()


def test_occurrences_are_counted_alike_whether_the_values_are_few_or_spread():
    few = np.array([5, 3, 5, 5, 0])
    spread = few * 1000  # past four times as many as the values: counted by sorting
    assert _occurrences(few).tolist() == _occurrences(spread).tolist() == [3, 1, 3, 3, 1]
    assert _occurrences(np.zeros(0, dtype=np.int64)).tolist() == []


def test_runs_are_numbered_alike_whether_told_apart_by_bytes_or_by_a_hash():
    # Runs of 50 values: few and long, looked up by their bytes; runs of two: hashed.
    long = Runs.of([tuple(range(50)), (), tuple(range(50)), tuple(range(1, 51)), ()])
    short = Runs.of([(1, 2), (), (1, 2), (2, 1), ()])
    for runs in (long, short):
        of_run, first = _numbered_runs(runs)
        assert of_run.tolist() == [0, 1, 0, 2, 1] and first.tolist() == [0, 1, 3]


def test_runs_whose_codes_collide_are_still_told_apart():
    runs = Runs.of([(1, 2), (3,), (1, 2), (), (3,), (2, 1)])
    numbers = by_codes(runs, np.zeros(6, dtype=np.uint64)).tolist()  # every code the same
    assert numbers[0] == numbers[2] and numbers[1] == numbers[4]
    assert len({numbers[0], numbers[1], numbers[3], numbers[5]}) == 4
