"""Word-set similarity: rarity-weighted agreement of two texts' content words (titles, criteria)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np

from pipeline.match.normalise import Rarity, counterparts


def _relation(words: frozenset[str], others: frozenset[str], rarity: Rarity) -> dict[str, frozenset[str]]:
    """Each word's counterparts: ``rarity``'s, found once per corpus, when it knows every word here."""
    known = rarity.counterparts
    # Each side looked up in turn: their union would be a new set at every comparison.
    return known if known.keys() >= words and known.keys() >= others else counterparts(words | others)


def weighted_overlap(a: tuple[str, ...], b: tuple[str, ...], rarity: Rarity) -> float | None:
    """Weighted Dice coefficient of two word sets (0..1), each word weighing its rarity.

    A word shared by nearly every title ("customer", "service") adds almost
    nothing; a word only a few titles use ("telephone", "premise") decides.
    None when either side has no content words.
    """
    return overlap_and_shared(a, b, rarity)[0]


def shared_words(a: tuple[str, ...], b: tuple[str, ...], rarity: Rarity) -> tuple[str, ...]:
    """The words of ``a`` that ``b`` also has (or a longer spelling of), rarest first: ``overlap_and_shared``'s
    words, without weighing the two sides' agreement (what a justification quotes)."""
    left, right = frozenset(a), frozenset(b)
    if not left or not right:
        return ()
    relation = _relation(left, right, rarity)
    return _rarest_first([w for w in left if not relation[w].isdisjoint(right)], rarity)


def _rarest_first(words: Iterable[str], rarity: Rarity) -> tuple[str, ...]:
    idf, unseen = rarity.idf, rarity.unseen  # ``rarity.weight`` inlined: it runs for every shared word of every pair
    # Each word sorted beside its weight rather than by a key function: a call per word costs more than the sort.
    return tuple([w for _, w in sorted([(-idf.get(w, unseen), w) for w in words])])


def overlap_and_shared(a: tuple[str, ...], b: tuple[str, ...], rarity: Rarity) -> tuple[float | None, tuple[str, ...]]:
    """``weighted_overlap`` and ``shared_words`` of two texts, from one look at which words agree."""
    left, right = frozenset(a), frozenset(b)
    if not left or not right:
        return None, ()
    relation = _relation(left, right, rarity)
    left_agree = [w for w in left if not relation[w].isdisjoint(right)]
    right_agree = [w for w in right if not relation[w].isdisjoint(left)]
    shared = _rarest_first(left_agree, rarity)
    if len(left_agree) == len(left) and len(right_agree) == len(right):
        return 1.0, shared
    total = _weight(left, rarity) + _weight(right, rarity)
    if total == 0:
        return 0.0, shared
    return (_weight(left_agree, rarity) + _weight(right_agree, rarity)) / total, shared


def containment(words: tuple[str, ...], within: Collection[str], rarity: Rarity) -> float | None:
    """The share of ``words``' weight that ``within`` also has (or a longer spelling of); None when either is empty."""
    own = frozenset(words)
    if not own or not within:
        return None
    total = _weight(own, rarity)
    if total == 0:
        return 0.0
    other = frozenset(within)  # each word of ``own`` looks for its few counterparts in it
    relation = _relation(own, other, rarity)
    return _weight(frozenset([w for w in own if not relation[w].isdisjoint(other)]), rarity) / total


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
    left_set, right_set = frozenset(left_vocab), frozenset(right_vocab)
    relation = _relation(left_set, right_set, rarity)
    partners = _incidence([relation[w] & right_set for w in left_vocab], right_vocab)
    left_weight = np.array([rarity.weight(w) for w in left_vocab])
    right_weight = np.array([rarity.weight(w) for w in right_vocab])
    left_agree = (left * left_weight) @ ((partners @ right.T) > 0)
    right_agree = ((right * right_weight) @ ((partners.T @ left.T) > 0)).T
    totals = (left @ left_weight)[:, None] + (right @ right_weight)[None, :]
    filled = np.asarray(left.any(axis=1))[:, None] & np.asarray(right.any(axis=1))[None, :]
    np.divide(left_agree + right_agree, totals, out=matrix, where=filled)
    return np.round(matrix, 12)


def _incidence(texts: Sequence[Iterable[str]], vocabulary: list[str]) -> np.ndarray:
    """One row per text (a collection of words), one column per word: 1 where the text has the word."""
    index = {w: j for j, w in enumerate(vocabulary)}
    cells = [(i, index[w]) for i, words in enumerate(texts) for w in set(words)]
    matrix = np.zeros((len(texts), len(vocabulary)))
    if cells:
        rows, columns = zip(*cells)
        matrix[rows, columns] = 1.0
    return matrix


def _weight(words: Collection[str], rarity: Rarity) -> float:
    # Summed in sorted order: set order varies between runs, float sums must not. The
    # lookup is ``rarity.weight`` inlined: it runs for every word of every pair.
    weight, unseen = rarity.idf.get, rarity.unseen
    return sum([weight(w, unseen) for w in sorted(words)])
