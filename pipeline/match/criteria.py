"""Criterion alignment between two units: one-to-one pairs of criteria that say the same thing.

Two criteria are compared by the mean of two measures over their normalised
words: rapidfuzz's token-set ratio, which forgives a criterion that adds a
command verb to the same words ("the importance of ..." / "explain the importance
of ..."), and the rarity-weighted word overlap also used for titles, which makes
the telling words of a criterion ("competitor", "benchmark") count for more than
the words every criterion shares ("customer", "organisation").

The pairs are an exact assignment (``scipy.optimize.linear_sum_assignment``):
the one-to-one pairing with the greatest total similarity, among the cells that
clear ``ALIGN_MIN`` (the floor). A greedy best-first pairing can take a
criterion's second-best partner away from the one criterion it fits; the
assignment never does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from scipy.optimize import linear_sum_assignment

from pipeline.match.normalise import Rarity
from pipeline.match.similarity import WeighedTexts, overlap_matrix

# Below this similarity two criteria are not counterparts. Reworded criteria of one
# competence ("explain how customers form their expectations" / "give examples of
# how customers may form their expectations") score 0.6-0.8; criteria of different
# competences that share the sector's vocabulary score under 0.5.
ALIGN_MIN = 0.5


@dataclass(frozen=True, slots=True)
class CriterionText:
    """A criterion ready for comparison: its key and its normalised words."""

    criterion_key: str
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True, slots=True)
class AlignedPair:
    left_key: str
    right_key: str
    score: float


@dataclass(frozen=True)
class Criteria:
    """A unit's criteria made ready to align once, however many units they are aligned with: with their texts and
    their words' sets."""

    criteria: Sequence[CriterionText]
    texts: list[str]
    words: WeighedTexts

    @classmethod
    def of(cls, criteria: Sequence[CriterionText] | Criteria, rarity: Rarity) -> Criteria:
        """``criteria`` ready to align (as they are when they already are)."""
        if isinstance(criteria, Criteria):
            return criteria
        return cls(criteria, [c.text for c in criteria], WeighedTexts.of([c.words for c in criteria], rarity))


def similarity_matrix(left: Sequence[CriterionText] | Criteria, right: Sequence[CriterionText] | Criteria,
                      rarity: Rarity) -> np.ndarray:
    """Pairwise similarity (0..1) of two lists of criteria: token-set ratio and weighted overlap, averaged."""
    left, right = Criteria.of(left, rarity), Criteria.of(right, rarity)
    token_set = process.cdist(left.texts, right.texts, scorer=fuzz.token_set_ratio, dtype=np.float64) / 100.0
    weighted = overlap_matrix(left.words, right.words, rarity)
    averaged: np.ndarray = (token_set + weighted) / 2.0
    return averaged


def align(left: Sequence[CriterionText] | Criteria, right: Sequence[CriterionText] | Criteria, rarity: Rarity
          ) -> tuple[AlignedPair, ...]:
    """The one-to-one alignment of two units' criteria with the greatest total similarity above the floor."""
    left, right = Criteria.of(left, rarity), Criteria.of(right, rarity)
    if not left.criteria or not right.criteria:
        return ()
    scores = similarity_matrix(left, right, rarity)
    usable = np.where(scores >= ALIGN_MIN, scores, 0.0)
    if not usable.any():
        return ()
    rows, columns = linear_sum_assignment(usable, maximize=True)
    pairs = [AlignedPair(left.criteria[i].criterion_key, right.criteria[j].criterion_key, round(float(scores[i, j]), 4))
             for i, j in zip(rows.tolist(), columns.tolist()) if usable[i, j] > 0]
    return tuple(sorted(pairs, key=lambda p: (p.left_key, p.right_key)))


def criteria_score(pairs: tuple[AlignedPair, ...], n_left: int, n_right: int) -> float | None:
    """How much of both criteria sets the alignment covers, weighted by pair similarity (Dice, 0..1)."""
    if n_left == 0 or n_right == 0:
        return None
    return 2.0 * sum(p.score for p in pairs) / (n_left + n_right)
