"""Word-set similarity: rarity-weighted agreement of two texts' content words (titles, criteria)."""

from __future__ import annotations

from typing import Iterable

import numpy as np

from pipeline.match.normalise import MIN_SHARED_PREFIX, Rarity, words_agree


def _partner_map(words: frozenset[str], vocabulary: frozenset[str]) -> dict[str, frozenset[str]]:
    """For each word, the words of ``vocabulary`` that agree with it (same lemma or a longer spelling).

    Words that are not equal agree only through a shared stem of ``MIN_SHARED_PREFIX``
    letters, so only the words opening with the same letters are compared.
    """
    by_stem: dict[str, list[str]] = {}
    for o in vocabulary:
        by_stem.setdefault(o[:MIN_SHARED_PREFIX], []).append(o)
    return {w: frozenset(o for o in by_stem.get(w[:MIN_SHARED_PREFIX], ()) if words_agree(w, o)) for w in words}


def _agreeing(words: frozenset[str], others: frozenset[str]) -> frozenset[str]:
    """The words that have a counterpart among ``others``."""
    return frozenset(w for w, partners in _partner_map(words, others).items() if partners)


def weighted_overlap(a: tuple[str, ...], b: tuple[str, ...], rarity: Rarity) -> float | None:
    """Weighted Dice coefficient of two word sets (0..1), each word weighing its rarity.

    A word shared by nearly every title ("customer", "service") adds almost
    nothing; a word only a few titles use ("telephone", "premise") decides.
    None when either side has no content words.
    """
    left, right = frozenset(a), frozenset(b)
    if not left or not right:
        return None
    left_agree, right_agree = _agreeing(left, right), _agreeing(right, left)
    if left_agree == left and right_agree == right:
        return 1.0
    # Summed in sorted order: set order varies between runs, float sums must not.
    total = _weight(left, rarity) + _weight(right, rarity)
    if total == 0:
        return 0.0
    return (_weight(left_agree, rarity) + _weight(right_agree, rarity)) / total


def overlap_matrix(lefts: list[tuple[str, ...]], rights: list[tuple[str, ...]], rarity: Rarity) -> np.ndarray:
    """``weighted_overlap`` of every (left, right) pair (None as 0), as matrix products.

    With ``L`` and ``R`` the texts' word incidence and ``P`` the word counterparts, a
    left word agrees with a right text where ``P @ R.T`` is non-zero; the agreeing
    weights of both sides over both totals is the Dice coefficient. Rounded to 12
    places so that the order of float sums cannot reorder ties.
    """
    left_vocab = sorted(frozenset().union(*map(frozenset, lefts)))
    right_vocab = sorted(frozenset().union(*map(frozenset, rights)))
    matrix = np.zeros((len(lefts), len(rights)))
    if not left_vocab or not right_vocab:
        return matrix
    left, right = _incidence(lefts, left_vocab), _incidence(rights, right_vocab)
    found = _partner_map(frozenset(left_vocab), frozenset(right_vocab))
    partners = _incidence([found[w] for w in left_vocab], right_vocab)
    left_weight = np.array([rarity.weight(w) for w in left_vocab])
    right_weight = np.array([rarity.weight(w) for w in right_vocab])
    left_agree = (left * left_weight) @ ((partners @ right.T) > 0)
    right_agree = ((right * right_weight) @ ((partners.T @ left.T) > 0)).T
    totals = (left @ left_weight)[:, None] + (right @ right_weight)[None, :]
    filled = (left.any(axis=1)[:, None]) & (right.any(axis=1)[None, :])
    np.divide(left_agree + right_agree, totals, out=matrix, where=filled)
    return np.round(matrix, 12)


def _incidence(texts: list[Iterable[str]], vocabulary: list[str]) -> np.ndarray:
    """One row per text (a collection of words), one column per word: 1 where the text has the word."""
    index = {w: j for j, w in enumerate(vocabulary)}
    matrix = np.zeros((len(texts), len(vocabulary)))
    for i, words in enumerate(texts):
        matrix[i, [index[w] for w in set(words)]] = 1.0
    return matrix


def _weight(words: frozenset[str], rarity: Rarity) -> float:
    return sum(rarity.weight(w) for w in sorted(words))


def shared_words(a: tuple[str, ...], b: tuple[str, ...], rarity: Rarity) -> tuple[str, ...]:
    """The words of ``a`` that ``b`` also has (or a longer spelling of), rarest first."""
    agreeing = _agreeing(frozenset(a), frozenset(b))
    return tuple(sorted(agreeing, key=lambda w: (-rarity.weight(w), w)))
