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

Most pairs of criteria fall far below the floor, and the token-set ratio is most of
what a pair costs: it is worked out only for the pairs whose weighted overlap and a
bound on their token-set ratio, from their words' lengths and letters alone, reach
the floor together (``reachable``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from scipy.optimize import linear_sum_assignment

from pipeline.match.normalise import Rarity
from pipeline.match.similarity import WeighedTexts, overlap_matrix

# The letters a word is counted by when the token-set ratio is bounded: each lowercase ASCII letter and digit
# apart, every other character in one more (counting several as one only loosens the bound).
_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
_KINDS = len(_LETTERS) + 1
# Each ASCII code point's bucket, and one past them all for every other character.
_BUCKETS = np.full(129, len(_LETTERS), dtype=np.int64)
_BUCKETS[[ord(letter) for letter in _LETTERS]] = np.arange(len(_LETTERS))

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
    sizes: np.ndarray  # each word's length and a space, by its column in ``words``
    spans: np.ndarray  # each text's distinct words joined by spaces, their length (-1 for a text without words)
    tokens: np.ndarray  # how many distinct words each text has
    letters: np.ndarray  # each text's distinct words' letters, counted by bucket (``_BUCKETS``)
    unsplit: list[int]  # the texts that do not split at whitespace into their words (token-set ratio's tokens)
    empty: list[int]  # the texts without words

    @classmethod
    def of(cls, criteria: Sequence[CriterionText] | Criteria, rarity: Rarity) -> Criteria:
        """``criteria`` ready to align (as they are when they already are)."""
        if isinstance(criteria, Criteria):
            return criteria
        texts = [c.text for c in criteria]
        words = WeighedTexts.of([c.words for c in criteria], rarity)
        lengths = np.fromiter(map(len, words.vocabulary), dtype=np.int64, count=len(words.vocabulary))
        # Each letter of each word, by its bucket: the words' letters as code points, looked up at once.
        points = np.frombuffer("".join(words.vocabulary).encode("utf-32-le"), dtype=np.uint32)
        buckets = _BUCKETS[np.minimum(points, len(_BUCKETS) - 1)]
        letters = np.bincount(np.repeat(np.arange(len(lengths)), lengths) * _KINDS + buckets,
                              minlength=len(lengths) * _KINDS).reshape(len(lengths), _KINDS).astype(np.float64)
        sizes = lengths + 1.0
        tokens = words.incidence.sum(axis=1)
        return cls(criteria, texts, words, sizes, words.incidence @ sizes - 1.0, tokens, words.incidence @ letters,
                   [i for i, (text, c) in enumerate(zip(texts, criteria)) if tuple(text.split()) != c.words],
                   np.flatnonzero(tokens == 0).tolist())


def similarity_matrix(left: Sequence[CriterionText] | Criteria, right: Sequence[CriterionText] | Criteria,
                      rarity: Rarity, floor: float = 0.0) -> np.ndarray:
    """Pairwise similarity (0..1) of two lists of criteria: token-set ratio and weighted overlap, averaged; 0 where
    it cannot reach ``floor`` (``reachable``)."""
    left, right = Criteria.of(left, rarity), Criteria.of(right, rarity)
    weighted = overlap_matrix(left.words, right.words, rarity)
    if floor <= 0.0:
        token_set = process.cdist(left.texts, right.texts, scorer=fuzz.token_set_ratio, dtype=np.float64) / 100.0
        averaged: np.ndarray = (token_set + weighted) / 2.0
        return averaged
    rows, columns = np.nonzero(reachable(left, right, weighted, floor))
    found = np.zeros(weighted.shape)
    # Each pair as ``cdist`` scores it, to the bit.
    ratio, texts, others = fuzz.token_set_ratio, left.texts, right.texts
    token_set = np.array([ratio(texts[i], others[j]) for i, j in zip(rows.tolist(), columns.tolist())],
                         dtype=np.float64) / 100.0
    found[rows, columns] = (token_set + weighted[rows, columns]) / 2.0
    return found


def reachable(left: Criteria, right: Criteria, weighted: np.ndarray, floor: float) -> np.ndarray:
    """Which pairs of criteria may reach ``floor`` given their weighted overlap (``weighted``): where the
    token-set ratio's greatest value, from their words' lengths and letters, would take them there.

    The token-set ratio (rapidfuzz's) of token sets ``A`` and ``B`` is 1 where one holds the other; else the best
    of two ratios that only lengths decide, and of the Indel similarity of the words of ``A`` and ``B`` not in both,
    joined: an Indel distance is at least the two lengths less twice their longest common subsequence, which has no
    more of each letter, nor of spaces, than both strings have. With ``a``, ``b`` the lengths of ``A`` and ``B``
    joined, ``s`` the length of their common words each with a space, ``m`` the letters and words the two have
    alike: the first two are at most ``(2s - 2) / (min(a, b) + s - 1)``, the third ``1 - max(a + b + 2 - 2m,
    |a - b|) / (a + b)``.
    """
    index, other_index = left.words.index, right.words.index
    shared = [(index[w], other_index[w]) for w in left.words.words & right.words.words]
    if shared:
        mine, theirs = np.array(shared, dtype=np.int64).T
        common = (left.words.incidence[:, mine] * left.sizes[mine]) @ right.words.incidence[:, theirs].T
    else:
        common = np.zeros(weighted.shape)
    span, other_span = left.spans[:, None], right.spans[None, :]
    alike = np.minimum(left.letters[:, None, :], right.letters[None, :, :]).sum(axis=2) \
        + np.minimum(left.tokens[:, None], right.tokens[None, :])
    distance = np.maximum(span + other_span + 2.0 - 2.0 * alike, np.abs(span - other_span))
    with np.errstate(divide="ignore", invalid="ignore"):  # texts without words, settled below
        best = np.fmax(1.0 - distance / (span + other_span),
                       (2.0 * common - 2.0) / (np.minimum(span, other_span) + common - 1.0))  # < 0 with none common
    best[(common == span + 1.0) | (common == other_span + 1.0)] = 1.0  # one holds all the other's words
    best[left.empty, :] = 0.0
    best[:, right.empty] = 0.0
    best[left.unsplit, :] = 1.0  # tokens that are not its words: no bound
    best[:, right.unsplit] = 1.0
    # A margin far above the float error of either side.
    reach: np.ndarray = (best + weighted) / 2.0 >= floor - 1e-9
    return reach


def align(left: Sequence[CriterionText] | Criteria, right: Sequence[CriterionText] | Criteria, rarity: Rarity
          ) -> tuple[AlignedPair, ...]:
    """The one-to-one alignment of two units' criteria with the greatest total similarity above the floor."""
    left, right = Criteria.of(left, rarity), Criteria.of(right, rarity)
    if not left.criteria or not right.criteria:
        return ()
    scores = similarity_matrix(left, right, rarity, ALIGN_MIN)
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
