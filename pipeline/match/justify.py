"""The evidence behind a mapping, in words a centre's quality assurance can read."""

from __future__ import annotations

import numpy as np

from pipeline.core.records import Unit
from pipeline.match.comparisons import CRITERIA, NOS, TITLE, UAN
from pipeline.match.features import Features
from pipeline.match.pairs import PairColumns, distinct_rows
from pipeline.match.scoring import decide, level_matrix

# How many shared title words a justification quotes.
SHOWN_WORDS = 3

# Evidence kinds in the order they win a tie (the map's ``method`` column).
_METHODS = (("uan", UAN), ("nos", NOS), ("criteria", CRITERIA), ("title", TITLE))


def strongest_methods(pairs: PairColumns, rows: np.ndarray) -> list[str]:
    """The kind of evidence that weighed most (uan, nos, criteria, title; titles by default) for each of ``rows`` of
    ``pairs``: from the levels the pairs land on, each pattern of levels weighed once."""
    patterns, inverse, _ = distinct_rows(level_matrix(tuple(comparison for _, comparison in _METHODS), pairs, rows))
    methods = [_strongest(levels) for levels in patterns.tolist()]
    return [methods[i] for i in inverse.tolist()]


def _strongest(levels: list[int]) -> str:
    weighed = [
        (comparison.levels[level].weight, -i, name)
        for i, ((name, comparison), level) in enumerate(zip(_METHODS, levels))
    ]
    weight, _, name = max(weighed)
    return name if weight > 0 else "title"


def quotes_shared_words(title_score: float | None) -> bool:
    """Whether a justification quotes the title words a pair shares: where titles were compared and differ."""
    return title_score is not None and title_score != 1.0


def _title_words(features: Features) -> str | None:
    score = features.title_score
    if score is None:
        return None
    if not quotes_shared_words(score):
        return "titles identical once normalised"
    shared = ", ".join(f"\u2018{w}\u2019" for w in features.title_shared[:SHOWN_WORDS])
    if score >= 0.8:
        strength = "titles nearly identical"
    elif score >= 0.6:
        strength = "titles similar"
    elif score >= 0.4:
        strength = "titles share key words"
    else:
        strength = "titles differ"
    return f"{strength} ({score:.2f}{'; shared ' + shared if shared else ''})"


def _criteria_words(features: Features) -> str:
    if features.criteria_score is None:
        return "criteria not compared (one side lists none)"
    covered = len(features.alignment)
    return (
        f"{covered} of the new unit's {features.right_criteria} criteria have a counterpart "
        f"among the old unit's {features.left_criteria} (criteria score {features.criteria_score:.2f})"
    )


def _level_words(old: Unit, new: Unit) -> str | None:
    if old.level is None or new.level is None:
        return None
    if old.level == new.level:
        return f"same level ({new.level})"
    return f"level {old.level} to {new.level}"


def justification(old: Unit, new: Unit, features: Features, score: float, parts: int) -> str:
    """One line: what agreed, how strongly, and the resulting match probability (``score``)."""
    clauses: list[str] = []
    if parts > 1:
        clauses.append(f"split: one of {parts} new units that together carry this competence")
    if features.uan_equal:
        clauses.append(f"same unit reference ({new.uan})")
    if features.nos_equal:
        clauses.append(f"same NOS code ({new.nos_code})")
    elif features.nos_equal is False:
        clauses.append(f"different NOS codes ({old.nos_code} / {new.nos_code})")
    clauses += [c for c in (_title_words(features), _criteria_words(features)) if c]
    level = _level_words(old, new)
    if level:
        clauses.append(level)
    if features.theme_equal is not None:
        clauses.append("same theme" if features.theme_equal else "different themes")
    # The matcher's own decision, from the score: a person's override is told separately.
    clauses.append(f"match probability {score:.3f} ({decide(score)})")
    text = "; ".join(clauses)
    return text[0].upper() + text[1:]
