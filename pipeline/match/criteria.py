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
    lengths: np.ndarray  # each word's length, by its column in ``words``
    tokens: np.ndarray  # how many distinct words each text has, and of how many letters
    letter_count: np.ndarray
    letters: np.ndarray  # each text's distinct words' letters, counted by bucket (``_BUCKETS``)
    plain: np.ndarray  # whether a text splits at whitespace into its words exactly (the token-set ratio's tokens)

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
        plain = np.array([text.split() == list(c.words) for text, c in zip(texts, criteria)], dtype=bool)
        lengths = lengths.astype(np.float64)
        return cls(criteria, texts, words, lengths, words.incidence.sum(axis=1), words.incidence @ lengths,
                   words.incidence @ letters, plain)


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

    The token-set ratio (rapidfuzz's) of token sets ``A`` and ``B`` with ``I`` in common is 1 where ``I`` holds all
    of one; else the best of two ratios that only lengths decide, and of the Indel similarity of the words of ``A``
    and ``B`` not in ``I``, joined: an Indel distance is at least the two lengths less twice their longest common
    subsequence, which has no more of each letter than both strings have.
    """
    index, other_index = left.words.index, right.words.index
    shared = [(index[w], other_index[w]) for w in left.words.words & right.words.words]
    mine = left.words.incidence[:, [i for i, _ in shared]]
    theirs = right.words.incidence[:, [j for _, j in shared]].T
    common = mine @ theirs  # how many tokens, and of how many letters, each pair has in common
    common_letters = (mine * left.lengths[[i for i, _ in shared]]) @ theirs
    tokens, other_tokens = left.tokens[:, None], right.tokens[None, :]
    own, others = tokens - common, other_tokens - common  # the tokens of each side not in common
    # Below, pairs with tokens apart on both sides (the others are settled at the end): the words apart joined by
    # spaces, their lengths with those in common (``sect_ab_len`` in rapidfuzz), the common letters and spaces
    # of the words apart.
    apart = left.letter_count[:, None] - common_letters + own - 1.0
    other_apart = right.letter_count[None, :] - common_letters + others - 1.0
    with_apart, with_other = common_letters + common + apart, common_letters + common + other_apart
    alike = np.minimum(left.letters[:, None, :], right.letters[None, :, :]).sum(axis=2) - common_letters \
        + np.minimum(own, others) - 1.0
    distance = np.maximum(apart + other_apart - 2.0 * alike, np.abs(apart - other_apart))
    together = common_letters + common - (common > 0)
    with np.errstate(divide="ignore", invalid="ignore"):  # the pairs settled at the end
        best = np.fmax(1.0 - distance / (with_apart + with_other),  # without words in common, the two below are < 0
                       np.fmax(1.0 - (1.0 + apart) / (together + with_apart),
                               1.0 - (1.0 + other_apart) / (together + with_other)))
    best[(common > 0) & ((own == 0) | (others == 0))] = 1.0
    best[(tokens == 0) | (other_tokens == 0)] = 0.0
    best[~left.plain, :] = 1.0  # tokens that are not its words: no bound
    best[:, ~right.plain] = 1.0
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
