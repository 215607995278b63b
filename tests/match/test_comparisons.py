"""Comparison levels, table-driven as splink tests its level library: value in, level out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipeline.match.comparisons import COMPARISONS, CRITERIA, LEVEL, NOS, THEME, TITLE, UAN, Comparison
from pipeline.match.pairs import DTYPES, PairColumns
from pipeline.match.scoring import level_matrix
from tests.match.reference import column

CASES = [
    # comparison, feature value, expected level label
    (UAN, None, "null"),
    (UAN, True, "exact"),
    (UAN, False, "else"),
    (NOS, None, "null"),
    (NOS, True, "exact"),
    (NOS, False, "else"),
    (TITLE, (None, None), "null"),
    (TITLE, (1.0, None), "exact"),
    (TITLE, (1.0, 0.2), "exact"),
    (TITLE, (0.99, None), ">=0.80"),
    (TITLE, (0.80, 0.1), ">=0.80"),
    (TITLE, (0.7999, None), ">=0.60"),
    (TITLE, (0.60, 0.9), ">=0.60"),
    (TITLE, (0.45, 0.85), "body >=0.80"),  # the title said by the other unit's outcomes and criteria
    (TITLE, (None, 0.80), "body >=0.80"),
    (TITLE, (0.45, None), ">=0.40"),
    (TITLE, (0.45, 0.79), ">=0.40"),
    (TITLE, (0.3999, 0.5), "body >=0.50"),
    (TITLE, (0.3999, 0.49), "else"),
    (TITLE, (0.0, None), "else"),
    (CRITERIA, None, "null"),
    (CRITERIA, 0.95, ">=0.75"),
    (CRITERIA, 0.75, ">=0.75"),
    (CRITERIA, 0.74, ">=0.50"),
    (CRITERIA, 0.35, ">=0.35"),
    (CRITERIA, 0.34, "else"),
    (LEVEL, None, "null"),
    (LEVEL, 0, "same"),
    (LEVEL, 1, "within 1"),
    (LEVEL, 2, "else"),
    (LEVEL, 3, "else"),
    (THEME, None, "null"),
    (THEME, True, "exact"),
    (THEME, False, "else"),
]


@pytest.mark.parametrize(("comparison", "value", "label"), CASES, ids=lambda v: getattr(v, "name", repr(v)))
def test_level_hit(comparison: Comparison, value: object, label: str):
    assert comparison.level(value).label == label


@pytest.mark.parametrize("comparison", COMPARISONS, ids=lambda c: c.name)
def test_levels_are_ordered_null_first_else_last(comparison: Comparison):
    labels = [level.label for level in comparison.levels]
    assert labels[0] == "null" and labels[-1] == "else"
    assert comparison.levels[0].weight == 0.0


@pytest.mark.parametrize("comparison", COMPARISONS, ids=lambda c: c.name)
def test_m_and_u_are_distributions(comparison: Comparison):
    """Like a splink comparison, the non-null levels' m (and u) probabilities sum to one."""
    levels = [level for level in comparison.levels if not level.is_null]
    assert math.isclose(sum(level.m for level in levels), 1.0, abs_tol=1e-9)
    assert math.isclose(sum(level.u for level in levels), 1.0, abs_tol=1e-9)


@pytest.mark.parametrize("comparison", [TITLE, CRITERIA, LEVEL], ids=lambda c: c.name)
def test_weights_fall_as_agreement_falls(comparison: Comparison):
    weights = [level.weight for level in comparison.levels if not level.is_null]
    assert weights == sorted(weights, reverse=True)
    assert weights[0] > 0 > weights[-1]


def test_weight_is_log2_bayes_factor():
    # Same theme: 85% of true pairs, 30% of other pairs -> log2(0.85 / 0.30) = +1.50.
    assert THEME.level(True).weight == pytest.approx(math.log2(0.85 / 0.30))
    for comparison in COMPARISONS:
        for level in comparison.levels:
            if not level.is_null:
                assert level.weight == pytest.approx(math.log2(level.m / level.u))


def test_every_level_found_over_columns_is_the_level_its_value_hits():
    """The levels of many pairs found at once from their columns (NaN or -1 where a value is missing) are those
    the values hit one at a time: each case above, and every title and body score around each threshold."""
    scores = [None, 0.0, 0.3499, 0.35, 0.3999, 0.4, 0.4999, 0.5, 0.5999, 0.6, 0.7499, 0.75, 0.7999, 0.8, 0.9999, 1.0]
    blank = {**dict.fromkeys(DTYPES, None), "left_criteria": 0, "right_criteria": 0, "stated_identity": False}
    features = [{**blank, c.feature: v} for c, v, _ in CASES if c is not TITLE]
    features += [{**blank, "title_score": title, "body_score": body} for title in scores for body in scores]
    columns = {name: column(name, [f[name] for f in features]) for name in DTYPES}
    pairs = PairColumns((), columns=columns)
    rows = np.arange(len(features))
    for comparison in COMPARISONS:
        expected = [comparison.index((f["title_score"], f["body_score"]) if comparison is TITLE else f[comparison.feature])
                    for f in features]
        assert level_matrix((comparison,), pairs, rows)[:, 0].tolist() == expected, comparison.name
        assert all(level.over is not None for level in comparison.levels)
