"""Word-set similarity: rarity-weighted agreement of two texts' content words (titles, criteria)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise, repeat

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


@dataclass(frozen=True)
class WeighedTexts:
    """One side of ``overlap_matrix``: texts as rows of an incidence matrix over their sorted vocabulary, with each
    word's weight; made once for all the sides it is compared with."""

    vocabulary: list[str]
    index: dict[str, int]  # each word's column
    words: frozenset[str]
    linked: list[str]  # the words with counterparts other than themselves, as the rarity knows them
    incidence: np.ndarray
    weighted: np.ndarray  # the incidence, each column times its word's weight
    totals: np.ndarray  # each text's weight
    filled: np.ndarray  # whether each text has a word

    @classmethod
    def of(cls, texts: Sequence[Collection[str]], rarity: Rarity) -> WeighedTexts:
        """The word sets of ``texts``, weighed by ``rarity``."""
        vocabulary = sorted(set().union(*texts))
        index = dict(zip(vocabulary, range(len(vocabulary))))
        lengths = list(map(len, texts))
        incidence = np.zeros((len(texts), len(vocabulary)))
        incidence[np.repeat(np.arange(len(texts)), lengths),
                  np.fromiter(map(index.__getitem__, chain.from_iterable(texts)), dtype=np.int64,
                              count=sum(lengths))] = 1.0
        weights = np.fromiter(map(rarity.idf.get, vocabulary, repeat(rarity.unseen)), dtype=np.float64,
                              count=len(vocabulary))
        known = rarity.counterparts
        return cls(vocabulary, index, frozenset(vocabulary), [w for w in vocabulary if len(known.get(w, ())) > 1],
                   incidence, incidence * weights, incidence @ weights, np.asarray(incidence.any(axis=1)))


def overlap_matrix(lefts: Sequence[Collection[str]] | WeighedTexts, rights: Sequence[Collection[str]] | WeighedTexts,
                   rarity: Rarity) -> np.ndarray:
    """``weighted_overlap`` of every (left, right) pair (None as 0), as matrix products.

    With ``L`` and ``R`` the texts' word incidence and ``P`` the word counterparts, a
    left word agrees with a right text where ``P @ R.T`` is non-zero; the agreeing
    weights of both sides over both totals is the Dice coefficient. Rounded to 12
    places so that the order of float sums cannot reorder ties. Either side may be
    given as ``WeighedTexts`` made before.
    """
    left = lefts if isinstance(lefts, WeighedTexts) else WeighedTexts.of(lefts, rarity)
    right = rights if isinstance(rights, WeighedTexts) else WeighedTexts.of(rights, rarity)
    matrix = np.zeros((len(left.incidence), len(right.incidence)))
    if not left.vocabulary or not right.vocabulary:
        return matrix
    relation = _relation(left.words, right.words, rarity)
    partners = np.zeros((len(left.vocabulary), len(right.vocabulary)))
    rows, columns = left.index, right.index
    # Every word is its own counterpart; the words the rarity links to others add theirs.
    cells = [(rows[w], columns[w]) for w in left.words & right.words]
    cells += [(rows[w], columns[c]) for w in (left.linked if relation is rarity.counterparts else left.vocabulary)
              for c in relation[w] if c in columns]
    if cells:
        at, found = zip(*cells)
        partners[at, found] = 1.0
    left_agree = left.weighted @ ((partners @ right.incidence.T) > 0)
    right_agree = (right.weighted @ ((partners.T @ left.incidence.T) > 0)).T
    totals = left.totals[:, None] + right.totals[None, :]
    filled = left.filled[:, None] & right.filled[None, :]
    np.divide(left_agree + right_agree, totals, out=matrix, where=filled)
    return np.round(matrix, 12)


def _weight(words: Collection[str], rarity: Rarity) -> float:
    # Summed in sorted order: set order varies between runs, float sums must not. The
    # lookup is ``rarity.weight`` inlined: it runs for every word of every pair.
    weight, unseen = rarity.idf.get, rarity.unseen
    return sum([weight(w, unseen) for w in sorted(words)])


def title_and_body(titles: Sequence[tuple[str, ...]], bodies: Sequence[tuple[str, ...]], left: np.ndarray,
                   right: np.ndarray, rarity: Rarity) -> tuple[list[float | None], list[float | None], list[float | None]]:
    """For each ``i``: ``weighted_overlap`` of titles ``left[i]`` and ``right[i]``, ``containment`` of title
    ``left[i]`` within body ``right[i]``, and of title ``right[i]`` within body ``left[i]``, to the bit: worked out
    over word ids for all the pairs at once."""
    if not _all_known(rarity, set(titles)) or not _all_known(rarity, bodies):  # each pair finds its words' counterparts
        pairs = list(zip(left.tolist(), right.tolist()))
        return ([weighted_overlap(titles[a], titles[b], rarity) for a, b in pairs],
                [containment(titles[a], bodies[b], rarity) for a, b in pairs],
                [containment(titles[b], bodies[a], rarity) for a, b in pairs])
    # Titles recur across units: each distinct title is made ids once, and a unit is named by its title's.
    distinct = {title: i for i, title in enumerate(dict.fromkeys(titles))}
    title = np.fromiter(map(distinct.__getitem__, titles), dtype=np.int64, count=len(titles))
    words = _WordIds(list(distinct), rarity)
    named = words.members(list(distinct))
    left_title, right_title = title[left], title[right]
    left_weight, left_all = words.agreeing(left_title, named, right_title)
    right_weight, right_all = words.agreeing(right_title, named, left_title)
    untitled = words.lengths[title] == 0
    total = words.totals[left_title] + words.totals[right_title]
    overlap = np.divide(left_weight + right_weight, total, out=np.zeros(len(left)), where=total != 0)
    overlap[left_all & right_all] = 1.0
    said = words.members(bodies)
    silent = np.fromiter(map(len, bodies), dtype=np.int64, count=len(bodies)) == 0
    found = [_none_where(untitled[left] | untitled[right], overlap)]
    for own, other in ((left, right), (right, left)):
        weight, _ = words.agreeing(title[own], said, other)
        total = words.totals[title[own]]
        found.append(_none_where(untitled[own] | silent[other],
                                 np.divide(weight, total, out=np.zeros(len(own)), where=total != 0)))
    return found[0], found[1], found[2]


def _none_where(missing: np.ndarray, values: np.ndarray) -> list[float | None]:
    return [None if none else value for none, value in zip(missing.tolist(), values.tolist())]


def _all_known(rarity: Rarity, texts: Iterable[Iterable[str]]) -> bool:
    """Whether ``rarity`` knows the counterparts of every word of ``texts``."""
    known = rarity.counterparts
    return all(map(known.__contains__, chain.from_iterable(texts)))


class _WordIds:
    """Texts as ids of their distinct words in sorted order (``_weight``'s), with each word's weight, each text's
    total weight, and each word's counterparts as ids: an id for every word the texts or their counterparts use."""

    def __init__(self, texts: Sequence[tuple[str, ...]], rarity: Rarity) -> None:
        distinct = list(map(sorted, map(set, texts)))
        words = list(chain.from_iterable(distinct))
        self.ids = ids = {word: i for i, word in enumerate(dict.fromkeys(words))}
        self.lengths = np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct))
        self.starts = np.concatenate([[0], np.cumsum(self.lengths)])
        self.words = np.fromiter(map(ids.__getitem__, words), dtype=np.int64, count=len(words))
        self.weights = np.fromiter(map(rarity.idf.get, words, repeat(rarity.unseen)), dtype=np.float64,
                                   count=len(words))
        # Each word's counterparts, by the word's id (the texts' words have the first ids).
        known = rarity.counterparts
        partners = [[ids.setdefault(c, len(ids)) for c in known[w]] for w in list(ids)]
        self.partner_counts = np.fromiter(map(len, partners), dtype=np.int64, count=len(partners))
        self.partner_starts = np.concatenate([[0], np.cumsum(self.partner_counts)])
        self.partners = np.fromiter(chain.from_iterable(partners), dtype=np.int64, count=int(self.partner_starts[-1]))
        everything = np.arange(len(texts))
        self.totals = self._summed(everything, np.ones(len(words), dtype=bool))[0]

    def members(self, texts: Sequence[Collection[str]]) -> np.ndarray:
        """Which text has which of these words (text * words + word id), sorted: the words no id names left out."""
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        # A body has dozens of words, few of them titles' words or their counterparts: the words are numbered in
        # 32 bits, and only those kept are coded in 64.
        found = np.fromiter(map(self.ids.get, chain.from_iterable(texts), repeat(-1)), dtype=np.int32,
                            count=int(lengths.sum()))
        kept = np.flatnonzero(found >= 0)
        text = np.searchsorted(np.cumsum(lengths), kept, side="right")  # the text each kept word is of
        return np.sort(text * len(self.ids) + found[kept])

    def agreeing(self, own: np.ndarray, members: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each ``i``, the weight of text ``own[i]``'s words that have a counterpart in text ``other[i]`` of
        ``members``, summed as ``_weight`` sums it, and whether every word of it has one."""
        pair, entry = self._entries(own)
        word = self.words[entry]
        counts = self.partner_counts[word]
        of = np.repeat(np.arange(len(entry)), counts)
        partner = self.partners[np.repeat(self.partner_starts[word] - np.cumsum(counts) + counts, counts)
                                + np.arange(len(of))]
        codes = other[pair[of]] * len(self.ids) + partner
        hit = np.zeros(len(codes), dtype=bool)
        if len(members):
            hit = members[np.minimum(np.searchsorted(members, codes), len(members) - 1)] == codes
        agree = np.bincount(of[hit], minlength=len(entry)) > 0
        return self._summed(own, agree)

    def _entries(self, own: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each word of the texts ``own``, in order: the position in ``own`` of its text, and its place in ``words``."""
        lengths = self.lengths[own]
        pair = np.repeat(np.arange(len(own)), lengths)
        entry = np.repeat(self.starts[own] - np.cumsum(lengths) + lengths, lengths) + np.arange(len(pair))
        return pair, entry

    def _summed(self, own: np.ndarray, agree: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The weights of the words of texts ``own`` that ``agree`` (by entry), summed word by word in each text's
        order (``np.add.at`` adds in the order of its indices) as ``_weight``'s float sum does, and whether all
        agree."""
        pair, entry = self._entries(own)
        weight = np.zeros(len(own))
        np.add.at(weight, pair, np.where(agree, self.weights[entry], 0.0))  # a word that does not agree adds 0
        return weight, np.bincount(pair[agree], minlength=len(own)) == self.lengths[own]


def shared_words_each(lefts: Sequence[tuple[str, ...]], rights: Sequence[tuple[str, ...]], rarity: Rarity
                      ) -> list[tuple[str, ...]]:
    """``shared_words`` of ``lefts[i]`` and ``rights[i]`` for each ``i``, to the word: the words' counterparts (the
    rarity's, where it knows every word) and their order, rarest first, found once for all the pairs, and each pair's
    words found as arrays, a word of a pair meeting the words of the same pair."""
    vocabulary = set(chain.from_iterable(lefts))
    known = rarity.counterparts
    if not known.keys() >= vocabulary or not known.keys() >= set(chain.from_iterable(rights)):
        return [shared_words(a, b, rarity) for a, b in zip(lefts, rights)]  # each pair finds its words' counterparts
    idf, unseen = rarity.idf, rarity.unseen
    ranked = sorted(vocabulary, key=lambda w: (-idf.get(w, unseen), w))  # as ``_rarest_first`` sorts
    # The left words are numbered in that order, then the other words their counterparts name.
    ids = dict(zip(ranked, range(len(ranked))))
    partners = [[ids.setdefault(c, len(ids)) for c in known[w]] for w in ranked]
    counts = np.fromiter(map(len, partners), dtype=np.int64, count=len(partners))
    starts = np.concatenate([[0], np.cumsum(counts)])
    flat = np.fromiter(chain.from_iterable(partners), dtype=np.int64, count=int(starts[-1]))
    size = max(len(ids), 1)

    def coded(texts: Sequence[tuple[str, ...]]) -> np.ndarray:
        """Each word of each text that has a number, as text * size + number."""
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        words = np.fromiter(map(ids.get, chain.from_iterable(texts), repeat(-1)), dtype=np.int64,
                            count=int(lengths.sum()))
        text = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        return text[words >= 0] * size + words[words >= 0]

    # Each pair's distinct left words, by pair then rank; the right words that some counterpart may be, sorted.
    pair, word = np.divmod(_distinct(coded(lefts)), size)
    members = _distinct(coded(rights))
    of = np.repeat(np.arange(len(word)), counts[word])
    partner = flat[np.repeat(starts[word] - np.cumsum(counts[word]) + counts[word], counts[word]) + np.arange(len(of))]
    codes = pair[of] * size + partner
    hit = np.zeros(len(codes), dtype=bool)
    if len(members):
        hit = members[np.minimum(np.searchsorted(members, codes), len(members) - 1)] == codes
    agree = np.bincount(of[hit], minlength=len(word)) > 0
    found = np.array(ranked, dtype=object)[word[agree]].tolist()
    bounds = np.searchsorted(pair[agree], np.arange(len(lefts) + 1)).tolist()
    return [tuple(found[a:b]) for a, b in pairwise(bounds)]


def _distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` by a sort (numpy's hashing of integers costs several times more)."""
    ordered = np.sort(values)
    found: np.ndarray = ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])] if len(ordered) else ordered
    return found
