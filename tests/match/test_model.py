"""The matcher's weights come from the data: EM over candidate pairs, u from random pairs."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import numpy as np

from pipeline.match.comparisons import COMPARISONS, TITLE
from pipeline.match.model import fit, level_indexes, monotone
from pipeline.match.pairs import distinct_rows

FEATURES = [c.feature for c in COMPARISONS]


def row(title: float | None, level: int | None = 0) -> tuple:
    values = dict(zip(FEATURES, [None] * len(FEATURES)))
    values.update(title_and_body=(title, None), level_diff=level)
    return tuple(values[f] for f in FEATURES)


def patterns(comparisons, combinations: Counter) -> tuple[np.ndarray, np.ndarray]:
    """The distinct level patterns that combinations of feature values land on, and how many pairs land on each."""
    distinct, inverse, _ = distinct_rows(level_indexes(comparisons, list(combinations)))
    return distinct, np.bincount(inverse, weights=list(combinations.values()), minlength=len(distinct))


def title_weights(candidates: list[tuple], random: list[tuple]) -> list[float]:
    model = fit(COMPARISONS, patterns(COMPARISONS, Counter(candidates)), random, all_pairs=len(random) * 10)
    (title,) = [c for c in model.comparisons if c.name == TITLE.name]
    return [round(level.weight, 3) for level in title.levels[1:]]


RANDOM = [row(0.1, 1)] * 900 + [row(0.45, 0)] * 90 + [row(0.7, 1)] * 10


def test_fitted_weights_move_when_the_data_moves():
    # Candidates whose matches mostly carry identical titles, then candidates whose matches are mostly reworded.
    carried_over = [row(1.0)] * 40 + [row(0.45)] * 5 + [row(0.1, 1)] * 60
    reworded = [row(1.0)] * 5 + [row(0.45)] * 40 + [row(0.1, 1)] * 60
    first, second = title_weights(carried_over, RANDOM), title_weights(reworded, RANDOM)
    assert first != second
    assert first[0] > second[0]  # identical titles weigh more where matches keep their titles


def test_u_comes_from_the_random_pairs():
    candidates = [row(1.0)] * 20 + [row(0.1, 1)] * 80
    few_alike = title_weights(candidates, [row(0.1, 1)] * 990 + [row(0.45, 0)] * 10)
    many_alike = title_weights(candidates, [row(0.1, 1)] * 700 + [row(0.45, 0)] * 300)
    assert few_alike[4] > many_alike[4]  # a >=0.40 title is rarer by chance in the first corpus: it weighs more


def test_levels_never_weigh_more_than_a_stronger_level():
    m = np.array([0.0, 0.2, 0.05, 0.5, 0.25])
    u = np.array([0.0, 0.001, 0.001, 0.004, 0.994])
    pooled = monotone(m, u)
    ratios = pooled[1:] / u[1:]
    assert all(a >= b for a, b in pairwise(ratios))
    assert abs(pooled.sum() - m.sum()) < 1e-12


def test_values_on_the_same_levels_fit_as_one_pattern():
    # 0.45 and 0.55 both land on the title's >=0.40 level, 0.1 and 0.2 on its last: EM sees the same level
    # patterns with the same counts, so the fitted model is the same to the byte.
    random = [row(0.1, 1)] * 900 + [row(0.45, 0)] * 100
    spread = Counter([row(1.0)] * 20 + [row(0.45)] * 10 + [row(0.55)] * 10 + [row(0.1, 1)] * 30 + [row(0.2, 1)] * 30)
    gathered = Counter([row(1.0)] * 20 + [row(0.45)] * 20 + [row(0.1, 1)] * 60)
    first = fit(COMPARISONS, patterns(COMPARISONS, spread), random, all_pairs=10_000)
    second = fit(COMPARISONS, patterns(COMPARISONS, gathered), random, all_pairs=10_000)
    assert first.to_json() == second.to_json()
    assert first.pairs == 100


def test_patterns_count_the_pairs_on_each():
    distinct, counts = patterns(COMPARISONS, Counter([row(0.45)] * 3 + [row(0.55)] * 2 + [row(0.1, 1)] * 4))
    title = FEATURES.index(TITLE.feature)
    assert sorted(zip(distinct[:, title].tolist(), counts.tolist())) == [(5, 5.0), (7, 4.0)]
