"""Score a pair from the comparison levels it hits, and say why (Fellegi-Sunter, as splink does).

The weights are the fitted model's (``pipeline.match.model``). A unit reference or
NOS code that both units state outranks every text measure: the same reference or
code is a ``match``, two different NOS codes a ``non-match``, whatever the words say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from pipeline.core.records import UnitMatch
from pipeline.match.comparisons import NOS, UAN, Comparison, ComparisonLevel
from pipeline.match.features import Features
from pipeline.match.model import Model

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


def stated(features: Features) -> str | None:
    """The decision the documents' own identifiers make, if they make one."""
    if features.stated_identity:
        return "match"
    if features.nos_equal is False:
        return "non-match"
    return None


@dataclass
class Scorer:
    """Scores pairs with one fitted model; feature values repeat, so each combination is weighed once."""

    model: Model
    # Feature values are rounded, so a corpus's pairs repeat a few combinations of them; the cache is
    # bounded, since a large corpus has many combinations seen once.
    _cache: Callable[[tuple[object, ...]], tuple[float, float, str]] = field(init=False, repr=False)

    _values: Callable[[Features], tuple[object, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Each comparison reads one feature of one type, so equal values never mean two levels.
        self._cache = lru_cache(maxsize=1 << 16)(self._weigh)
        self._values = attrgetter(*(c.feature for c in self.model.comparisons))

    def weighed(self, values: tuple[object, ...]) -> tuple[float, float, str]:
        """The match weight, probability and explanation for feature values given in comparison order."""
        return self._cache(values)

    def _weigh(self, values: tuple[object, ...]) -> tuple[float, float, str]:
        hits = [LevelHit(c, c.level(v), v) for c, v in zip(self.model.comparisons, values)]
        weight = self.model.prior_weight + sum(h.level.weight for h in hits)
        score = round(probability(weight), 4)
        explanation = "; ".join([f"prior {self.model.prior_weight:+.1f}", *(h.describe() for h in hits)])
        return round(weight, 4), score, f"{explanation} = {weight:+.1f} -> {score:.3f}"

    def score_pair(self, left_key: str, right_key: str, features: Features) -> UnitMatch:
        """The scored pair: features, probability, decision and the levels that made it."""
        weight, score, explanation = self._cache(self._values(features))
        decision = stated(features)
        if decision is not None:
            named = UAN.name if features.uan_equal else NOS.name
            explanation += f"; {decision} by the {named} the documents state"
        return UnitMatch(
            left_key=left_key,
            right_key=right_key,
            uan_equal=features.uan_equal,
            nos_equal=features.nos_equal,
            title_score=features.title_score,
            criteria_score=features.criteria_score,
            level_diff=features.level_diff,
            theme_equal=features.theme_equal,
            body_score=features.body_score,
            match_weight=weight,
            score=score,
            decision=decision or decide(score),
            explanation=explanation,
        )
