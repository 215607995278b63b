"""The features of one pair worked out pair by pair, as a record: the definition that
``pipeline.match.feature_columns.compare_all`` must equal column by column, and the way tests build
pairs' columns from records they write by hand."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.match.criteria import AlignedPair, align, criteria_score
from pipeline.match.features import Rarities, UnitProfile, same_theme
from pipeline.match.normalise import Rarity
from pipeline.match.pairs import DTYPES, MISSING, SCORES, YES_NO, Alignments
from pipeline.match.similarity import containment, overlap_and_shared


@dataclass(frozen=True, slots=True)
class Features:
    """The comparison features of a pair (the columns of ``unit_matches``), the title words the
    two titles share (rarest first) and the criterion alignment the criteria score comes from."""

    uan_equal: bool | None
    nos_equal: bool | None
    title_score: float | None
    criteria_score: float | None
    level_diff: int | None
    theme_equal: bool | None
    body_score: float | None
    title_shared: tuple[str, ...]
    alignment: tuple[AlignedPair, ...]
    left_criteria: int
    right_criteria: int
    stated_identity: bool = False  # the same unit reference or NOS code, each naming one unit per scheme

    @property
    def title_and_body(self) -> tuple[float | None, float | None]:
        """The title score and the body score, which the title comparison weighs together."""
        return self.title_score, self.body_score


def compare(left: UnitProfile, right: UnitProfile, rarity: Rarities) -> Features:
    """All comparison features of one pair, with the criterion alignment the criteria score comes from."""
    alignment = align(list(left.criteria), list(right.criteria), rarity.criteria)
    score, shared = overlap_and_shared(left.title_words, right.title_words, rarity.title)
    a, b = left.unit, right.unit
    uan_equal, nos_equal = _equal(a.uan, b.uan), _equal(a.nos_code, b.nos_code)
    return Features(
        uan_equal=uan_equal,
        nos_equal=nos_equal,
        title_score=_rounded(score),
        criteria_score=_rounded(criteria_score(alignment, len(left.criteria), len(right.criteria))),
        level_diff=abs(a.level - b.level) if a.level is not None and b.level is not None else None,
        theme_equal=same_theme(left.theme_words, right.theme_words),
        body_score=_body_score(left, right, rarity.title),
        title_shared=shared,
        alignment=alignment,
        left_criteria=len(left.criteria),
        right_criteria=len(right.criteria),
        stated_identity=bool((uan_equal or nos_equal) and left.codes_unique and right.codes_unique),
    )


def as_columns(features: Sequence[Features]) -> tuple[dict[str, np.ndarray], Alignments]:
    """The feature columns of ``features``, and their alignments."""
    return ({name: column(name, (getattr(f, name) for f in features)) for name in DTYPES},
            Alignments.of([f.alignment for f in features]))


def column(name: str, values: Iterable[Any]) -> np.ndarray:
    """One feature's values as a column (what ``pipeline.match.pairs.values`` reads back)."""
    if name in SCORES:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if name in YES_NO or name == "level_diff":
        return np.array([MISSING if v is None else int(v) for v in values], dtype=DTYPES[name])
    return np.array(list(values), dtype=DTYPES[name])


def _equal(a: str | None, b: str | None) -> bool | None:
    if not a or not b:
        return None
    return a.strip().casefold() == b.strip().casefold()


def _body_score(left: UnitProfile, right: UnitProfile, rarity: Rarity) -> float | None:
    """How much of one unit's title the other unit's outcomes and criteria say, the better direction; None without
    a body."""
    scores = [s for s in (containment(left.title_words, right.body_words, rarity),
                          containment(right.title_words, left.body_words, rarity)) if s is not None]
    return _rounded(max(scores)) if scores else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
