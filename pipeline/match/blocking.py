"""Candidate pairs by blocking: only units that share a telling key are compared.

Blocking rules, any of which makes a pair a candidate (as splink OR-s its rules):

- ``nos``: the same NOS code;
- ``uan``: the same unit reference;
- ``title-word``: a rare title word in common, and levels within one;
- ``title-pair``: two title words in common that are each past ``MAX_BLOCK`` (too
  common to block on alone in a large corpus) but rare together, and levels
  within one;
- ``criteria-words``: at least ``MIN_SHARED_CRITERIA_WORDS`` rare criterion words in
  common, and levels within one.

A word (or word pair) is rare when few distinct titles (or criteria sets) use it:
at most ``RARE_SHARE`` of them in a small corpus, never fewer than
``RARE_MIN_UNITS``, and never more than ``MAX_BLOCK`` however large the corpus
grows, so that a block does not grow with it. Distinct, because a title that
three schemes repeat word for word is one piece of evidence, not three. A block
that still gathers more than ``MAX_BLOCK`` distinct titles, or more than
``MAX_MEMBERS`` units (a NOS code that hundreds of units name), is split by its
members' title words, and what is still too large is left out. Units of one scheme
are never compared with each other: a scheme does not list one unit twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain, combinations, pairwise, repeat
from operator import attrgetter
from typing import Any, TypeVar

import numpy as np

from pipeline.core.records import Unit
from pipeline.match.features import UnitProfile

RARE_SHARE = 0.08
RARE_MIN_UNITS = 4
MAX_BLOCK = 16
MIN_SHARED_CRITERIA_WORDS = 3
MAX_LEVEL_GAP = 1
# A block is oversize past MAX_BLOCK distinct titles, or past this many units: the same
# title stated by several schemes is one title, and its units must still meet.
MAX_MEMBERS = 4 * MAX_BLOCK
RULES = ("nos", "uan", "title-word", "title-pair", "criteria-words")
# Rules that name the same standard hold whatever the levels; word rules need close levels.
_ANY_LEVEL = frozenset({"nos", "uan"})
_WORDS = attrgetter("words")  # a criterion's words
_UNIT, _TITLE_WORDS, _CRITERIA = attrgetter("unit"), attrgetter("title_words"), attrgetter("criteria")
_SCHEME, _LEVEL, _NOS, _UAN = attrgetter("scheme"), attrgetter("level"), attrgetter("nos_code"), attrgetter("uan")
T = TypeVar("T")


@dataclass(frozen=True)
class Blocking:
    """The candidate pairs as positions in ``keys`` (older scheme on the left, in key order), the rules that found
    each (one bit per rule of ``RULES``), and the pairs saved."""

    keys: tuple[str, ...]
    left: np.ndarray
    right: np.ndarray
    bits: np.ndarray
    all_pairs: int
    texts: UnitTexts  # the units' texts as blocking read them, for what reads them next
    blocks_left_out: int = 0

    @property
    def comparisons(self) -> int:
        return len(self.left)

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """The candidate pairs by unit key."""
        keys = self.keys
        return tuple((keys[a], keys[b]) for a, b in zip(self.left.tolist(), self.right.tolist()))

    @property
    def rules(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """The rules that proposed each pair."""
        return dict(zip(self.pairs, map(rule_names, self.bits.tolist())))

    def rule_counts(self) -> dict[str, int]:
        """How many pairs each rule proposed."""
        return {rule: int(np.count_nonzero(self.bits >> bit & 1)) for bit, rule in enumerate(RULES)}


@cache
def rule_names(bits: int) -> tuple[str, ...]:
    """The rules one pair's bits name."""
    return tuple(rule for j, rule in enumerate(RULES) if bits >> j & 1)


def rare_limit(distinct: int) -> int:
    """How many distinct word sets a word may appear in and still be a blocking key."""
    return min(MAX_BLOCK, max(RARE_MIN_UNITS, int(RARE_SHARE * distinct)))


@dataclass(frozen=True)
class Runs:
    """Runs of integers laid end to end: run ``i`` is ``values[starts[i]:starts[i + 1]]``."""

    starts: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, runs: Sequence[Sequence[int]]) -> Runs:
        return cls.from_lengths(np.fromiter(map(len, runs), dtype=np.int64, count=len(runs)),
                                np.fromiter(chain.from_iterable(runs), dtype=np.int64))

    @classmethod
    def from_lengths(cls, lengths: np.ndarray, values: np.ndarray) -> Runs:
        return cls(np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(lengths, dtype=np.int64)]), values)

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.starts)

    def kept(self, keep: np.ndarray) -> Runs:
        """Each run with only its values where ``keep`` (one flag per value) holds."""
        run = np.repeat(np.arange(len(self.starts) - 1), self.lengths)
        return Runs.from_lengths(np.bincount(run[keep], minlength=len(self.starts) - 1), self.values[keep])

    def chosen(self, which: np.ndarray) -> Runs:
        """The runs ``which`` (indexes) alone."""
        return Runs.from_lengths(self.lengths[which], self.expanded(which)[1])

    def pairs(self, size: int) -> Runs:
        """Each run's pairs of values (``a`` before ``b``, as ``itertools.combinations`` gives them) as codes
        ``a * size + b``: the runs of each length at once, one row of values per run."""
        lengths = self.lengths
        counts = lengths * (lengths - 1) // 2
        found = Runs.from_lengths(counts, np.empty(int(counts.sum()), dtype=np.int64))
        for length in np.unique(lengths[lengths >= 2]).tolist():
            these = np.flatnonzero(lengths == length)
            rows = self.values[self.starts[these][:, None] + np.arange(length)]
            first, second = _upper_triangle(length)
            found.values[found.starts[these][:, None] + np.arange(len(first))] = rows[:, first] * size + rows[:, second]
        return found

    def expanded(self, of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each ``i``, the values of run ``of[i]``: (``i``, value) for every value, as two arrays."""
        lengths = self.lengths[of]
        ends = np.cumsum(lengths)
        position = np.repeat(np.arange(len(of), dtype=np.int64), lengths)
        offset = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) - np.repeat(ends - lengths, lengths)
        return position, self.values[np.repeat(self.starts[of], lengths) + offset]


@dataclass(frozen=True)
class Texts:
    """Texts (words in turn) numbered: each item's text as a number among the distinct texts (``of``), and each
    distinct text's words in turn as runs of numbers among ``words``, each word numbered where first seen."""

    of: np.ndarray
    runs: Runs
    words: list[str]

    @classmethod
    def of_items(cls, texts: list[tuple[str, ...]]) -> Texts:
        """The texts numbered, a text that recurs as one object (as the units' profiles share them) read once."""
        of, distinct = numbered_objects(texts)
        lengths = np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct))
        word, words = numbered(chain.from_iterable(distinct), int(lengths.sum()))
        return cls(of, Runs.from_lengths(lengths, word), words)


@dataclass(frozen=True)
class UnitTexts:
    """The units' profiles in key order, with their titles (one for each unit) and their criteria's words (the units'
    criteria in turn, ``criteria_counts`` of them for each unit) numbered: read once for blocking and hashing."""

    keys: tuple[str, ...]
    profiles: list[UnitProfile]
    titles: Texts
    criteria: Texts
    criteria_counts: np.ndarray

    @classmethod
    def of(cls, profiles: dict[str, UnitProfile]) -> UnitTexts:
        """The texts of ``profiles``, read in key order."""
        keys = sorted(profiles)
        ordered = list(map(profiles.__getitem__, keys))
        listed = list(map(_CRITERIA, ordered))
        counts = np.fromiter(map(len, listed), dtype=np.int64, count=len(listed))
        criteria = Texts.of_items(list(map(_WORDS, chain.from_iterable(listed))))
        return cls(tuple(keys), ordered, Texts.of_items(list(map(_TITLE_WORDS, ordered))), criteria, counts)


@dataclass(frozen=True)
class WordSets:
    """Each unit's set of words as the index of a distinct set among ``sets``, whose words are sorted ids below
    ``vocabulary``."""

    of_unit: np.ndarray
    sets: Runs
    vocabulary: int

    @classmethod
    def of(cls, texts: Texts) -> WordSets:
        """The word sets of the units' texts, one text for each unit, each word numbered where first seen, each set
        where first seen."""
        # A text met again brings no word and no set not seen before: each distinct text is made a set once (equal
        # texts held apart come to equal sets), and both are numbered as unit by unit.
        runs = texts.runs
        coded = np.repeat(np.arange(len(runs.starts) - 1, dtype=np.int64), runs.lengths) * max(len(texts.words), 1)
        distinct = cls._coded(coded + runs.values, len(runs.starts) - 1, len(texts.words))
        return cls(distinct.of_unit[texts.of], distinct.sets, distinct.vocabulary)

    @classmethod
    def of_parts(cls, counts: np.ndarray, parts: Texts) -> WordSets:
        """``of`` the words of each unit's parts together (texts that recur across units, such as criteria): the
        units' parts in turn, ``counts`` of them for each unit."""
        at, word = parts.runs.expanded(parts.of)
        unit = np.repeat(np.arange(len(counts), dtype=np.int64), counts)[at]
        return cls._coded(unit * max(len(parts.words), 1) + word, len(counts), len(parts.words))

    @classmethod
    def _coded(cls, coded: np.ndarray, units: int, vocabulary: int) -> WordSets:
        """The word sets of ``units`` units from a code ``unit * vocabulary + word id`` of each word of each unit."""
        coded.sort()
        unit, word = np.divmod(coded[_firsts(coded)], max(vocabulary, 1))
        own = Runs.from_lengths(np.bincount(unit, minlength=units), word)
        # Units whose sets are equal share one, found by the bytes of their word ids.
        held, bounds = word.tobytes(), (own.starts * word.itemsize).tolist()
        index: dict[bytes, int] = {}
        of_unit = np.fromiter((index.setdefault(held[start:end], len(index)) for start, end in pairwise(bounds)),
                              dtype=np.int64, count=units)
        _, first_unit = np.unique(of_unit, return_index=True)
        return cls(of_unit, own.chosen(first_unit), vocabulary)

    def _counts(self) -> tuple[np.ndarray, int]:
        """How many distinct sets have each word, and the rarity limit of the distinct sets that have a word."""
        distinct = int(np.count_nonzero(self.sets.lengths))
        return np.bincount(self.sets.values, minlength=self.vocabulary), rare_limit(distinct)

    def rare(self) -> tuple[np.ndarray, np.ndarray]:
        """(unit, word id) for each word of each unit that few distinct word sets share."""
        counts, limit = self._counts()
        return self.sets.kept(counts[self.sets.values] <= limit).expanded(self.of_unit)

    def rare_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(unit, pair code ``a * vocabulary + b``) for each pair of a unit's words past ``MAX_BLOCK`` that few
        distinct word sets share."""
        counts, limit = self._counts()
        common = self.sets.kept(counts[self.sets.values] > MAX_BLOCK)
        pairs = common.pairs(self.vocabulary)
        return pairs.kept(_occurrences(pairs.values) <= limit).expanded(self.of_unit)


def cross_scheme_pairs(schemes: Iterable[str]) -> int:
    """How many pairs a comparison of every unit with every unit of another scheme would make (``schemes``: each
    unit's)."""
    sizes = Counter(schemes)
    return sum(a * b for a, b in combinations(sizes.values(), 2))


def _stated(codes: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """(unit, code id) for each unit that states a code, codes compared trimmed and case-folded."""
    ids: dict[str, int] = {}
    stated = [(i, ids.setdefault(code.strip().casefold(), len(ids))) for i, code in enumerate(codes) if code]
    return np.array([i for i, _ in stated], dtype=np.int64), np.array([c for _, c in stated], dtype=np.int64)


def _keys(texts: UnitTexts, units: list[Unit], titles: WordSets) -> tuple[np.ndarray, np.ndarray]:
    """Every (blocking key, unit index) of the units, a key ``value * len(RULES) + rule`` (each rule's values
    numbered apart), one rule in turn of ``RULES``."""
    criteria = WordSets.of_parts(texts.criteria_counts, texts.criteria)
    found = [_stated(list(map(_NOS, units))), _stated(list(map(_UAN, units))),
             titles.rare(), titles.rare_pairs(), criteria.rare()]
    keys = np.concatenate([value * len(RULES) + rule for rule, (_, value) in enumerate(found)])
    return keys, np.concatenate([unit for unit, _ in found])


def _groups(keys: np.ndarray, units: np.ndarray, titles: WordSets) -> tuple[Runs, np.ndarray, np.ndarray]:
    """The units of each key as runs in key order, each run's key, and whether each run is small enough to be a
    block: at most ``MAX_MEMBERS`` units and ``MAX_BLOCK`` distinct titles."""
    size = int(units.max(initial=0)) + 1
    if int(keys.max(initial=0)) < np.iinfo(np.int64).max // size:  # one sort of codes key * size + unit
        keys, units = np.divmod(np.sort(keys * size + units), size)
    else:
        order = np.lexsort((units, keys))
        keys, units = keys[order], units[order]
    first = np.flatnonzero(np.diff(keys, prepend=-1))
    groups = Runs(np.append(first, len(keys)), units)
    group = np.repeat(np.arange(len(first)), groups.lengths)
    distinct = len(titles.sets.starts) - 1  # the distinct titles, the empty one among them
    titles_of_group = np.sort(group * distinct + titles.of_unit[units])
    titled = np.bincount(titles_of_group[_firsts(titles_of_group)] // max(distinct, 1), minlength=len(first))
    return groups, keys[first], (groups.lengths <= MAX_MEMBERS) & (titled <= MAX_BLOCK)


def _bounded(keys: np.ndarray, units: np.ndarray, titles: WordSets) -> tuple[list[tuple[np.ndarray, Runs]], int]:
    """The blocks as (the rule of each, their members), those of an oversize key split by its members' title
    words; and how many blocks were left out because even split they are oversize."""
    groups, group_keys, small = _groups(keys, units, titles)
    oversize = np.flatnonzero(~small)
    member, unit = groups.expanded(oversize)
    row, word = titles.sets.expanded(titles.of_unit[unit])
    parts, part_keys, part_small = _groups(oversize[member[row]] * titles.vocabulary + word, unit[row], titles)
    rules = group_keys % len(RULES)
    part_rules = rules[part_keys // max(titles.vocabulary, 1)]
    blocks = [(rules[small], groups.chosen(np.flatnonzero(small))),
              (part_rules[part_small], parts.chosen(np.flatnonzero(part_small)))]
    return blocks, int(np.count_nonzero(~part_small))


def _rules_of_pairs(codes: list[np.ndarray], level: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs (codes ``a * n + b``, sorted) and the rules that propose each (one bit per rule of
    ``RULES``), from every (pair code * len(RULES) + rule) a block made: a word rule's pair needs close levels, and
    the criteria rule's pair ``MIN_SHARED_CRITERIA_WORDS`` blocks."""
    # One sort finds each rule's distinct pairs, how many blocks proposed each, and each pair's rules side by side.
    found = np.concatenate(codes)
    found.sort()
    first = _firsts(found)
    proposed = np.diff(np.append(first, len(found)))
    pair, rule = np.divmod(found[first], len(RULES))
    del found
    keep = (rule != RULES.index("criteria-words")) | (proposed >= MIN_SHARED_CRITERIA_WORDS)
    gap = np.abs(level[pair // n] - level[pair % n])
    word_rule = np.isin(rule, [number for number, name in enumerate(RULES) if name not in _ANY_LEVEL])
    keep &= ~(word_rule & (gap > MAX_LEVEL_GAP))  # NaN (a level unknown) keeps the pair
    pair, rule = pair[keep], rule[keep]
    starts = _firsts(pair)
    bits = np.bitwise_or.reduceat((1 << rule).astype(np.uint8), starts) if len(pair) else np.zeros(0, np.uint8)
    return pair[starts], bits  # a byte holds the bits of the five rules


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values of ``ordered`` (sorted) starts."""
    return np.flatnonzero(np.concatenate([np.ones(min(len(ordered), 1), dtype=bool), ordered[1:] != ordered[:-1]]))


def _occurrences(values: np.ndarray) -> np.ndarray:
    """How often each of ``values`` (non-negative) occurs among them: counted in place where the values are few
    enough for it, else sorted."""
    if len(values) and int(values.max()) < 4 * len(values):
        found: np.ndarray = np.bincount(values)[values]
        return found
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    return counts[inverse]


class _Numbers(dict[Any, int]):
    """Numbers of values, each value numbered when first asked for."""

    def __missing__(self, value: Any) -> int:
        self[value] = number = len(self)
        return number


def numbered(items: Iterable[T], count: int) -> tuple[np.ndarray, list[T]]:
    """Each of the ``count`` items as the number of its value among the distinct values, numbered where first seen
    (one look-up each; 32 bits a number, half what 64 hold while they are kept); and those values, in that
    order."""
    numbers = _Numbers()
    return np.fromiter(map(numbers.__getitem__, items), dtype=np.int32, count=count), list(numbers)


def numbered_objects(items: list[T]) -> tuple[np.ndarray, list[T]]:
    """``numbered`` of items told apart by identity alone (equal items held apart are numbered apart): for items
    that mostly recur as one object, numbered without hashing one."""
    _, first, number = np.unique(np.fromiter(map(id, items), dtype=np.uint64, count=len(items)), return_index=True,
                                 return_inverse=True)
    order = np.argsort(first)  # the objects in the order first seen
    renumbered = np.empty(len(order), dtype=np.int32)
    renumbered[order] = np.arange(len(order))
    return renumbered[number], [items[i] for i in first[order].tolist()]


@cache
def _upper_triangle(size: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(size, 1)


def block(profiles: dict[str, UnitProfile], rank: Callable[[str], int]) -> Blocking:
    """Candidate pairs of units from different schemes, oriented older scheme first by ``rank``."""
    texts = UnitTexts.of(profiles)
    units = list(map(_UNIT, texts.profiles))
    n = len(units)
    schemes = list(map(_SCHEME, units))
    scheme, names = numbered(schemes, n)
    level = np.array(list(map(_LEVEL, units)), dtype=float)  # NaN where a level is unknown
    titles = WordSets.of(texts.titles)
    blocks, left_out = _bounded(*_keys(texts, units, titles), titles)

    # Pair codes a * n + b (a < b, so one code per unordered pair), each with its rule (code * len(RULES) + rule),
    # gathered from the blocks of each rule and size at once (one row of members per block).
    codes: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
    for rules, members in blocks:
        kind = rules * (MAX_MEMBERS + 1) + members.lengths
        order = np.flatnonzero(members.lengths >= 2)
        order = order[np.argsort(kind[order], kind="stable")]
        kinds, first = np.unique(kind[order], return_index=True)
        for (rule, size), these in zip(map(divmod, kinds.tolist(), repeat(MAX_MEMBERS + 1)), np.split(order, first[1:])):
            index = members.values[members.starts[these][:, None] + np.arange(size)]
            upper, lower = _upper_triangle(size)
            a, b = index[:, upper].ravel(), index[:, lower].ravel()  # a block's members are in unit order: a < b
            other = scheme[a] != scheme[b]
            codes.append((a[other] * n + b[other]) * len(RULES) + rule)
    every, bits = _rules_of_pairs(codes, level, n)
    del codes

    ranks = np.array(list(map(rank, names)), dtype=np.int64)[scheme]  # each scheme's rank, for each unit
    low, high = every // n, every % n
    swap = ranks[low] > ranks[high]
    # The pairs oriented older scheme first: the lower index has the lower key, so it is on the left unless its
    # scheme ranks after the other's.
    left, right = np.where(swap, high, low), np.where(swap, low, high)
    order = np.argsort(left * n + right)  # unit indexes follow key order, so this is the pairs' sorted order
    return Blocking(texts.keys, left[order], right[order], bits[order], cross_scheme_pairs(schemes), texts, left_out)
