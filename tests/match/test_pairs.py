"""Pairs as columns: values go in and come back as records hold them, and distinct rows are numpy's."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pipeline.match.criteria import AlignedPair
from pipeline.match.pairs import NO_ROW, Alignments, PairColumns, distinct_rows
from tests.match.factories import alignments_of, features_of
from tests.match.reference import Features, as_columns


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("kind", ["scores", "rounded", "levels", "wide"])
def test_distinct_rows_are_numpys_unique_rows(seed, kind):
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(1, 400))
    if kind == "scores":  # floats, a few values a column
        matrix = rng.integers(-2, 4, size=(rows, int(rng.integers(1, 6)))).astype(float)
        matrix += rng.choice([0.0, 0.25], size=matrix.shape)
    elif kind == "rounded":  # scores to four places, many values a column (counted), -2 where absent
        matrix = np.round(rng.random((rows, int(rng.integers(1, 4)))) * rng.choice([1e-3, 1.0]), 4)
        matrix[rng.random(matrix.shape) < 0.2] = -2.0
        if seed % 2:  # and a value past four places, or a huge one: that column is sorted instead
            matrix[0, 0] = (1 / 3, 1e300, -0.0)[seed % 3]
    elif kind == "levels":  # small integers, counted rather than sorted
        matrix = rng.integers(0, 8, size=(rows, int(rng.integers(1, 7)))).astype(np.int8)
    else:  # integers far apart over many columns: more combinations than one 64-bit code can hold
        matrix = rng.integers(-10**15, 10**15, size=(rows, 12)) // rng.choice([1, 10**14], size=(rows, 12))
    distinct, inverse, counts = np.unique(matrix, axis=0, return_inverse=True, return_counts=True)
    found = distinct_rows(matrix)
    assert (found[0] == distinct).all() and (found[1] == inverse.reshape(-1)).all() and (found[2] == counts).all()
    assert found[0].dtype == matrix.dtype


def features(**changed: object) -> Features:
    base: dict[str, object] = {
        "uan_equal": None, "nos_equal": False, "title_score": 0.8125, "criteria_score": None, "level_diff": 1,
        "theme_equal": True, "body_score": None, "title_shared": ("telephone",), "alignment": (), "left_criteria": 0,
        "right_criteria": 3, "stated_identity": False}
    return Features(**{**base, **changed})  # type: ignore[arg-type]


def test_a_pair_comes_back_as_it_went_in_and_is_found_by_its_keys():
    aligned = (AlignedPair("a:1#1", "b:2#1", 0.75),)
    given = [features(), features(uan_equal=True, criteria_score=0.5, level_diff=None, alignment=aligned,
                                  stated_identity=True)]
    pairs = PairColumns(("a:1", "a:2", "b:1", "b:2"))
    columns, alignments = as_columns(given)
    pairs.extend_columns(np.array([0, 1]), np.array([2, 3]), columns, alignments)
    assert features_of(pairs, np.arange(2), [f.title_shared for f in given]) == given
    assert features_of(pairs, np.array([1, 1, 0]), [(), (), ()]) == [
        dataclasses.replace(given[row], title_shared=()) for row in (1, 1, 0)]
    assert pairs.row("a:2", "b:2") == 1 and pairs.row("a:1", "b:2") is None and pairs.pair(0) == ("a:1", "b:1")


def test_rows_looked_up_at_once_are_each_pairs_row_and_none_for_a_pair_not_compared():
    pairs = PairColumns(("a:1", "a:2", "b:1", "b:2", "c:1"))
    assert (pairs.rows([("a:1", "b:1")]) == [NO_ROW]).all()  # nothing compared yet
    columns, alignments = as_columns([features(), features(), features()])
    # Added out of key order, as kept rows come before the pairs compared now.
    pairs.extend_columns(np.array([1, 0, 2]), np.array([4, 3, 4]), columns, alignments)
    asked = [("b:1", "c:1"), ("a:1", "b:2"), ("a:1", "b:1"), ("a:2", "c:1"), ("b:2", "c:1"), ("a:2", "c:1")]
    assert pairs.rows(asked).tolist() == [2, 1, NO_ROW, 0, NO_ROW, 0]
    assert [pairs.row(*pair) for pair in asked] == [2, 1, None, 0, None, 0]
    assert pairs.rows([]).tolist() == []


def test_alignments_in_chunks_come_back_by_row_in_the_order_asked():
    # Three chunks, placed among six rows out of order, then one more chunk added after them.
    one, two, three = (AlignedPair("a:1#1", "b:1#1", 0.5),), (AlignedPair("a:2#1", "b:2#2", 0.625),), ()
    first = Alignments.placed(3, [(np.array([2]), Alignments.of([one])), (np.array([0, 1]), Alignments.of([two, three]))])
    both = first.extended(Alignments.placed(3, [(np.array([1, 0, 2]), Alignments.of([three, one, two]))]))
    assert len(both.chunks) == 3
    assert alignments_of(both, np.array([5, 0, 2, 4, 1, 3])) == [two, two, one, three, three, one]
    assert both.arrow(np.array([2])).to_pylist() == [[{"left_key": "a:1#1", "right_key": "b:1#1", "score": 0.5}]]
    assert alignments_of(both, np.zeros(0, dtype=np.int64)) == []
