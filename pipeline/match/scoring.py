"""Score a pair from the comparison levels it hits, and say why (Fellegi-Sunter, as splink does)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from pipeline.match.comparisons import COMPARISONS, Comparison, ComparisonLevel
from pipeline.match.features import Features
from pipeline.core.records import UnitMatch

# Prior chance that a candidate pair left by blocking is one competence: most
# candidates share a word or a level, few are the same unit.
PRIOR_MATCH_PROBABILITY = 0.05
PRIOR_WEIGHT = math.log2(PRIOR_MATCH_PROBABILITY / (1 - PRIOR_MATCH_PROBABILITY))

# Decision thresholds on the match probability.
MATCH_THRESHOLD = 0.9
POSSIBLE_THRESHOLD = 0.2


@dataclass(frozen=True)
class LevelHit:
    """The level one comparison landed on for a pair, with the feature value that put it there."""

    comparison: Comparison
    level: ComparisonLevel
    value: object

    def describe(self) -> str:
        """E.g. ``title >=0.60 (0.72) +4.6``; a yes/no feature shows no value."""
        if self.value is None or isinstance(self.value, bool):
            shown = ""
        elif isinstance(self.value, float):
            shown = f" ({self.value:.2f})"
        else:
            shown = f" ({self.value})"
        return f"{self.comparison.name} {self.level.label}{shown} {self.level.weight:+.1f}"


def probability(match_weight: float) -> float:
    """Match probability from a total match weight (log2 odds)."""
    return 1.0 / (1.0 + 2.0 ** (-match_weight))


def decide(score: float) -> str:
    """match / possible / non-match by the thresholds."""
    if score >= MATCH_THRESHOLD:
        return "match"
    if score >= POSSIBLE_THRESHOLD:
        return "possible"
    return "non-match"


# Feature values are rounded, so a corpus's pairs repeat a few combinations of them: each
# combination is weighed and worded once. typed: ``True`` and ``1.0`` are different values.
@lru_cache(maxsize=1 << 16, typed=True)
def _weighed(*values: object) -> tuple[float, str]:
    """The match probability and its explanation for feature values given in comparison order."""
    hits = [LevelHit(c, c.level(v), v) for c, v in zip(COMPARISONS, values)]
    weight = PRIOR_WEIGHT + sum(h.level.weight for h in hits)
    score = round(probability(weight), 4)
    explanation = "; ".join([f"prior {PRIOR_WEIGHT:+.1f}", *(h.describe() for h in hits)])
    return score, f"{explanation} = {weight:+.1f} -> {score:.3f}"


def score_pair(left_key: str, right_key: str, features: Features) -> UnitMatch:
    """The scored pair: features, probability, decision and the levels that made it."""
    score, explanation = _weighed(*(getattr(features, c.feature) for c in COMPARISONS))
    return UnitMatch(
        left_key=left_key,
        right_key=right_key,
        uan_equal=features.uan_equal,
        nos_equal=features.nos_equal,
        title_score=features.title_score,
        criteria_score=features.criteria_score,
        level_diff=features.level_diff,
        theme_equal=features.theme_equal,
        score=score,
        decision=decide(score),
        explanation=explanation,
    )
