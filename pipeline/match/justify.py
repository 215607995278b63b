"""The evidence behind a mapping, in words a centre's quality assurance can read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.core.records import Unit
from pipeline.match.comparisons import CRITERIA, NOS, TITLE, UAN
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


@dataclass(frozen=True)
class Evidence:
    """What the map's rows say of their pairs, a column each, as records hold the values: the features, the title
    words two titles share (rarest first; only where a justification quotes them) and how many criterion pairs each
    alignment holds."""

    uan_equal: list[bool | None]
    nos_equal: list[bool | None]
    title_score: list[float | None]
    title_shared: list[tuple[str, ...]]
    criteria_score: list[float | None]
    left_criteria: list[int]
    right_criteria: list[int]
    theme_equal: list[bool | None]
    aligned: list[int]


def _title_words(score: float) -> str:
    """What two titles that differ have in common, and the title score, up to the words they share."""
    if score >= 0.8:
        strength = "titles nearly identical"
    elif score >= 0.6:
        strength = "titles similar"
    elif score >= 0.4:
        strength = "titles share key words"
    else:
        strength = "titles differ"
    return f"{strength} ({score:.2f}"


def _level_words(old: int | None, new: int | None) -> str | None:
    if old is None or new is None:
        return None
    if old == new:
        return f"same level ({new})"
    return f"level {old} to {new}"


def justifications(olds: Sequence[Unit], news: Sequence[Unit], evidence: Evidence, scores: Sequence[float],
                   parts: Sequence[int]) -> list[str]:
    """One line for each pair (``olds[i]``, ``news[i]``): what agreed, how strongly, and the resulting match
    probability (``scores``); ``parts``: how many new units the old unit's links reach."""
    # Title scores, levels and probabilities repeat across the rows: each is put in words once.
    titles: dict[float, str] = {}
    levels: dict[tuple[int | None, int | None], str | None] = {}
    chances: dict[float, str] = {}
    found = []
    for old, new, uan, nos, title, shared, criteria, covered, left, right, theme, score, part in zip(
            olds, news, evidence.uan_equal, evidence.nos_equal, evidence.title_score, evidence.title_shared,
            evidence.criteria_score, evidence.aligned, evidence.left_criteria, evidence.right_criteria,
            evidence.theme_equal, scores, parts, strict=True):
        clauses: list[str] = []
        if part > 1:
            clauses.append(f"split: one of {part} new units that together carry this competence")
        if uan:
            clauses.append(f"same unit reference ({new.uan})")
        if nos:
            clauses.append(f"same NOS code ({new.nos_code})")
        elif nos is False:
            clauses.append(f"different NOS codes ({old.nos_code} / {new.nos_code})")
        if title is not None:
            if quotes_shared_words(title):
                if title not in titles:
                    titles[title] = _title_words(title)
                quoted = ", ".join([f"\u2018{word}\u2019" for word in shared[:SHOWN_WORDS]])
                clauses.append(f"{titles[title]}; shared {quoted})" if quoted else f"{titles[title]})")
            else:
                clauses.append("titles identical once normalised")
        clauses.append("criteria not compared (one side lists none)" if criteria is None else
                       f"{covered} of the new unit's {right} criteria have a counterpart among the old unit's {left} "
                       f"(criteria score {criteria:.2f})")
        pair = (old.level, new.level)
        if pair not in levels:
            levels[pair] = _level_words(*pair)
        if (level := levels[pair]) is not None:
            clauses.append(level)
        if theme is not None:
            clauses.append("same theme" if theme else "different themes")
        if score not in chances:
            # The matcher's own decision, from the score: a person's override is told separately.
            chances[score] = f"match probability {score:.3f} ({decide(score)})"
        clauses.append(chances[score])
        text = "; ".join(clauses)
        found.append(text[0].upper() + text[1:])
    return found
