"""A map row's justification, worded from the columns of its pair's evidence."""

from __future__ import annotations

import numpy as np

from pipeline.match.justify import Evidence, Wording, wording
from pipeline.match.pairs import MISSING
from tests.match.factories import unit

SWITCHBOARD = unit("old", "12", "Answer calls on the switchboard", level=2, nos_code="CS1", uan="A/1/2")
TELEPHONE = unit("new", "301", "Answer telephone calls", level=3, nos_code="CS2", uan="A/1/2")


def test_each_pair_is_worded_from_its_own_row_of_the_columns():
    evidence = Evidence(
        uan_equal=np.array([0, 1]),
        nos_equal=np.array([0, MISSING]),
        title_score=np.array([0.55, 1.0]),
        title_shared=[("switchboard", "answer", "call", "on"), ()],
        criteria_score=np.array([0.5, np.nan]),
        left_criteria=np.array([3, 0]),
        right_criteria=np.array([4, 2]),
        theme_equal=np.array([1, MISSING]),
        aligned=np.array([2, 0]),
    )
    old_only_level = unit("old", "13", "Answer calls", nos_code=None)
    units = [SWITCHBOARD, old_only_level, TELEPHONE]
    texts = wording(units, np.array([0, 1]), np.array([2, 2]), evidence, np.array([0.9312, 0.5]), np.array([2, 1])).joined()
    assert texts == [
        "Split: one of 2 new units that together carry this competence; different NOS codes (CS1 / CS2); titles share "
        "key words (0.55; shared \u2018switchboard\u2019, \u2018answer\u2019, \u2018call\u2019); 2 of the new unit's 4 "
        "criteria have a counterpart among the old unit's 3 (criteria score 0.50); level 2 to 3; same theme; "
        "match probability 0.931 (match)",
        # One side without a level says nothing of levels; no criteria on one side, nothing aligned.
        "Same unit reference (A/1/2); titles identical once normalised; criteria not compared (one side lists none); "
        "match probability 0.500 (possible)",
    ]


def test_a_clause_is_worded_once_for_each_distinct_combination_and_capitalised_where_it_opens_a_text():
    worded: list[tuple[int, float]] = []

    def word(count: int, score: float) -> str:
        worded.append((count, score))
        return f"seen {count} at {score:.1f}"

    found = Wording([], np.zeros(4, dtype=bool))
    found.add(np.array([True, False, True, False]), [], lambda: "first")
    found.add(np.array([True, True, False, True]), [np.array([2, 2, 5, 2]), np.array([0.5, 0.5, 0.1, 0.5])], word)
    assert worded == [(2, 0.5)]  # three rows, one combination; the row without the clause is not worded
    assert found.joined(["", "", "", "Before: "]) == ["First; seen 2 at 0.5", "Seen 2 at 0.5", "First",
                                                      "Before: Seen 2 at 0.5"]
