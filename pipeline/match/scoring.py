"""Score a pair from the comparison levels it hits, and say why (Fellegi-Sunter, as splink does).

The weights are the fitted model's (``pipeline.match.model``). A unit reference or
NOS code that both units state outranks every text measure: the same reference or
code is a ``match``, two different NOS codes a ``non-match``, whatever the words say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from pipeline.core.records import UnitMatch
from pipeline.match.comparisons import NOS, UAN, Comparison, ComparisonLevel
from pipeline.match.model import Model
from pipeline.match.pairs import SCORES, PairColumns, distinct_combinations, distinct_rows, values

# Decision thresholds on the match probability.
MATCH_THRESHOLD = 0.9
POSSIBLE_THRESHOLD = 0.2
DECISIONS = ("match", "possible", "non-match")  # a decision column holds the position in this
# Where a score column has no value, when columns are stacked to find their distinct rows (scores are >= 0).
_ABSENT = -2.0


@dataclass(frozen=True)
class LevelHit:
    """The level one comparison landed on for a pair, with the feature value that put it there."""

    comparison: Comparison
    level: ComparisonLevel
    value: object

    def describe(self) -> str:
        """E.g. ``criteria >=0.50 (0.72) +4.6``; a yes/no feature shows no value."""
        if isinstance(self.value, tuple):
            shown = " (" + "/".join("-" if v is None else f"{v:.2f}" for v in self.value) + ")"
        elif self.value is None or isinstance(self.value, bool):
            shown = ""
        elif isinstance(self.value, float):
            shown = f" ({self.value:.2f})"
        else:
            shown = f" ({self.value})"
        return f"{self.comparison.name} {self.level.label}{shown} {self.level.weight:+.1f}"


def probability(match_weight: float) -> float:
    """Match probability from a total match weight (log2 odds)."""
    chance: float = 1.0 / (1.0 + 2.0 ** (-match_weight))
    return chance


def decide(score: float) -> str:
    """match / possible / non-match by the thresholds."""
    if score >= MATCH_THRESHOLD:
        return "match"
    if score >= POSSIBLE_THRESHOLD:
        return "possible"
    return "non-match"


@dataclass
class Scorer:
    """Scores pairs with one fitted model; feature values repeat, so each combination is weighed once."""

    model: Model
    # Feature values are rounded, so a corpus's pairs repeat a few combinations of them; the cache is
    # bounded, since a large corpus has many combinations seen once.
    _cache: Callable[[tuple[object, ...]], tuple[float, float, str]] = field(init=False, repr=False)

    _hit: Callable[[int, object], tuple[float, str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Each comparison reads one feature of one type, so equal values never mean two levels.
        self._cache = lru_cache(maxsize=1 << 16)(self._weigh)
        # A comparison's values repeat across combinations far more than whole combinations do.
        self._hit = lru_cache(maxsize=1 << 16)(self._described)

    def weighed(self, values: tuple[object, ...]) -> tuple[float, float, str]:
        """The match weight, probability and explanation for feature values given in comparison order."""
        return self._cache(values)

    def _weigh(self, values: tuple[object, ...]) -> tuple[float, float, str]:
        hits = [self._hit(i, v) for i, v in enumerate(values)]
        weight = self.model.prior_weight + sum(hit_weight for hit_weight, _ in hits)
        score = round(probability(weight), 4)
        explanation = "; ".join([f"prior {self.model.prior_weight:+.1f}", *(words for _, words in hits)])
        return round(weight, 4), score, f"{explanation} = {weight:+.1f} -> {score:.3f}"

    def _described(self, position: int, value: object) -> tuple[float, str]:
        """The weight of the level comparison ``position`` lands on for ``value``, and the level hit in words."""
        comparison = self.model.comparisons[position]
        hit = LevelHit(comparison, comparison.level(value), value)
        return hit.level.weight, hit.describe()

    def score_columns(self, pairs: PairColumns, rows: np.ndarray) -> Scored:
        """The scores of ``rows`` of ``pairs``, from the level each comparison lands on: each pattern of levels
        weighed once. Explanations are built when the rows are read or written (``Scored.explanations``)."""
        patterns, inverse, _ = distinct_rows(level_matrix(self.model.comparisons, pairs, rows))
        return self.score_patterns(pairs, rows, patterns, inverse)

    def score_patterns(self, pairs: PairColumns, rows: np.ndarray, patterns: np.ndarray, inverse: np.ndarray
                       ) -> Scored:
        """The scores of ``rows`` whose distinct level patterns are ``patterns``, each row's at ``inverse``."""
        weighed = [self._pattern(pattern) for pattern in patterns.tolist()]
        weight = np.array([w for w, _ in weighed], dtype=np.float64)[inverse]
        score = np.array([p for _, p in weighed], dtype=np.float64)[inverse]
        decision = np.select([score >= MATCH_THRESHOLD, score >= POSSIBLE_THRESHOLD], [0, 1], 2).astype(np.int8)
        identity = pairs.columns["stated_identity"][rows]
        differ = (pairs.columns["nos_equal"][rows] == 0) & ~identity
        decision[identity], decision[differ] = 0, 2
        # A decision the documents state names its identifier: the unit reference where both state one.
        named = np.where(identity | differ, np.where(pairs.columns["uan_equal"][rows] == 1, 1, 2), 0).astype(np.int8)
        return Scored(weight, score, decision, named, self)

    def _pattern(self, levels: list[int]) -> tuple[float, float]:
        """The match weight and probability of one pattern of levels, as ``_weigh`` works them out."""
        weight = self.model.prior_weight + sum(c.levels[i].weight for c, i in zip(self.model.comparisons, levels))
        return round(weight, 4), round(probability(weight), 4)


def value_combinations(comparisons: tuple[Comparison, ...], pairs: PairColumns, rows: np.ndarray,
                       counted: bool = True) -> tuple[list[tuple[object, ...]], np.ndarray]:
    """The distinct combinations of feature values (in comparison order, as records hold them) among ``rows``, and
    how many rows have each (``counted``) or which combination each row has."""
    names = [name for c in comparisons for name in _columns_of(c)]
    # Each column in its own dtype (a score's missing value a number), so that small integers are counted, not sorted.
    columns = [np.nan_to_num(pairs.columns[name][rows], nan=_ABSENT) if name in SCORES else pairs.columns[name][rows]
               for name in names]
    first, inverse, counts = distinct_combinations(columns)
    return _values(comparisons, names, [column[first] for column in columns]), counts if counted else inverse


def _columns_of(comparison: Comparison) -> tuple[str, ...]:
    """The pair columns a comparison reads (the title comparison reads two)."""
    return ("title_score", "body_score") if comparison.feature == "title_and_body" else (comparison.feature,)


def _values(comparisons: tuple[Comparison, ...], names: list[str], columns: list[np.ndarray]
            ) -> list[tuple[object, ...]]:
    """Feature values in comparison order, as records hold them, of each combination (a row of ``columns``)."""
    found = {name: values(name, (np.where(column == _ABSENT, np.nan, column) if name in SCORES else column).tolist())
             for name, column in zip(names, columns)}
    return list(zip(*[zip(found["title_score"], found["body_score"]) if c.feature == "title_and_body"
                      else found[c.feature] for c in comparisons]))


@dataclass(frozen=True)
class Scored:
    """Scores of pairs, one row each: match weight, probability, decision (position in ``DECISIONS``), and which
    identifier stated it (0: none, 1: the unit reference, 2: the NOS code); the explanations come from ``scorer``."""

    weight: np.ndarray
    score: np.ndarray
    decision: np.ndarray
    named: np.ndarray
    scorer: Scorer

    def __len__(self) -> int:
        return len(self.weight)

    def extended(self, more: Scored) -> Scored:
        """These rows, then ``more``'s."""
        return Scored(np.concatenate([self.weight, more.weight]), np.concatenate([self.score, more.score]),
                      np.concatenate([self.decision, more.decision]), np.concatenate([self.named, more.named]),
                      self.scorer)

    def explanations(self, pairs: PairColumns, rows: np.ndarray) -> list[str]:
        """The explanation of each of ``rows``: the levels hit, their weights, and a decision the documents state."""
        combinations, inverse = value_combinations(self.scorer.model.comparisons, pairs, rows, counted=False)
        texts = [self.scorer.weighed(values)[2] for values in combinations]
        return [texts[c] + (f"; {DECISIONS[d]} by the {(UAN.name, NOS.name)[n - 1]} the documents state" if n else "")
                for c, n, d in zip(inverse.tolist(), self.named[rows].tolist(), self.decision[rows].tolist())]

    def records(self, pairs: PairColumns, rows: np.ndarray) -> list[UnitMatch]:
        """The ``unit_matches`` rows of ``rows``."""
        keys = pairs.keys
        explanations = self.explanations(pairs, rows)
        return [
            UnitMatch(keys[left], keys[right], uan, nos, title, criteria, level, theme, body, weight, score,
                      DECISIONS[decision], explanation)
            for left, right, uan, nos, title, criteria, level, theme, body, weight, score, decision, explanation in zip(
                pairs.left[rows].tolist(), pairs.right[rows].tolist(),
                *(pairs.column(name, rows) for name in UNIT_MATCH_FEATURES),
                self.weight[rows].tolist(), self.score[rows].tolist(), self.decision[rows].tolist(), explanations)
        ]


def level_matrix(comparisons: tuple[Comparison, ...], pairs: PairColumns, rows: np.ndarray) -> np.ndarray:
    """The level each comparison lands on (columns, in comparison order) for each of ``rows``: a byte each, since a
    comparison has a handful of levels."""
    if not len(rows):
        return np.zeros((0, len(comparisons)), dtype=np.int8)
    return np.column_stack([_levels(c, pairs, rows) for c in comparisons])


def _levels(comparison: Comparison, pairs: PairColumns, rows: np.ndarray) -> np.ndarray:
    """The level ``comparison`` lands on for each of ``rows``: each level's test on the columns at once."""
    columns = [pairs.columns[name][rows] for name in _columns_of(comparison)]
    hit = np.full(len(rows), len(comparison.levels), dtype=np.int8)
    for i, level in reversed(list(enumerate(comparison.levels))):  # the first level a row passes last
        hit[level.over(columns)] = i
    if (hit == len(comparison.levels)).any():
        raise ValueError(f"{comparison.name}: no level for some pairs")  # an else level always passes
    return hit


# The feature columns of ``unit_matches``.
UNIT_MATCH_FEATURES = ("uan_equal", "nos_equal", "title_score", "criteria_score", "level_diff", "theme_equal",
                       "body_score")
