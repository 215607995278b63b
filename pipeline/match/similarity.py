"""Word-set similarity: rarity-weighted agreement of two texts' content words (titles, criteria)."""

from __future__ import annotations

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
    """``weighted_overlap`` of every (left, right) pair (None as 0), each word's counterparts found once."""
    left_sets, right_sets = [frozenset(a) for a in lefts], [frozenset(b) for b in rights]
    left_vocab, right_vocab = frozenset().union(*left_sets), frozenset().union(*right_sets)
    partners, back = _partner_map(left_vocab, right_vocab), _partner_map(right_vocab, left_vocab)
    weight = {w: rarity.weight(w) for w in left_vocab | right_vocab}
    # Summed in sorted order, as ``weighted_overlap`` sums, so both give the same floats.
    right_words = [sorted(b) for b in right_sets]
    right_totals = [sum(weight[w] for w in words) for words in right_words]
    matrix = np.zeros((len(lefts), len(rights)))
    for i, a in enumerate(left_sets):
        a_words = sorted(a)
        a_total = sum(weight[w] for w in a_words)
        for j, (b, b_words, b_total) in enumerate(zip(right_sets, right_words, right_totals)):
            if not a or not b:
                continue
            agreeing = sum(weight[w] for w in a_words if not partners[w].isdisjoint(b))
            agreeing += sum(weight[w] for w in b_words if not back[w].isdisjoint(a))
            matrix[i, j] = agreeing / (a_total + b_total)
    return matrix


def _weight(words: frozenset[str], rarity: Rarity) -> float:
    return sum(rarity.weight(w) for w in sorted(words))


def shared_words(a: tuple[str, ...], b: tuple[str, ...], rarity: Rarity) -> tuple[str, ...]:
    """The words of ``a`` that ``b`` also has (or a longer spelling of), rarest first."""
    agreeing = _agreeing(frozenset(a), frozenset(b))
    return tuple(sorted(agreeing, key=lambda w: (-rarity.weight(w), w)))
