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
from itertools import chain, combinations, compress, repeat
from operator import attrgetter
from typing import Any, TypeVar, cast

import numpy as np

from pipeline.core.records import Unit
from pipeline.match.criteria import CriterionText
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
_RULE_BITS = (len(RULES) - 1).bit_length()  # a pair's code holds the rule that proposed it in its low bits
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
        return np.repeat(np.arange(len(of), dtype=np.int64), lengths), self.laid(of, lengths)

    def laid(self, of: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The values of runs ``of`` (their ``lengths``) laid end to end."""
        ends = np.cumsum(lengths)
        # Each value's place in the values: its place in the runs laid end to end, moved by its run's start.
        moved = np.repeat(self.starts[of] - (ends - lengths), lengths)
        moved += np.arange(len(moved), dtype=moved.dtype)
        laid: np.ndarray = self.values[moved]
        return laid


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
    """The units' profiles in key order, with their units, their codes (numbered), levels and criteria, their titles
    (one for each unit) and their criteria's words (the units' criteria in turn, ``criteria_counts`` of them for
    each unit) numbered: read once for blocking and hashing."""

    keys: tuple[str, ...]
    profiles: list[UnitProfile]
    units: list[Unit]
    nos: Values
    uan: Values
    level: np.ndarray  # NaN where a level is unknown
    listed: list[tuple[CriterionText, ...]]  # each unit's criteria
    titles: Texts
    criteria: Texts
    criteria_counts: np.ndarray

    @classmethod
    def of(cls, profiles: dict[str, UnitProfile]) -> UnitTexts:
        """The texts of ``profiles``, read in key order."""
        keys = list(profiles)
        ordered = list(profiles.values())
        if keys != sorted(keys):  # profiles are made in key order: sorting then is one comparison a unit
            keys.sort()
            ordered = list(map(profiles.__getitem__, keys))
        units = list(map(_UNIT, ordered))
        listed = list(map(_CRITERIA, ordered))
        counts = np.fromiter(map(len, listed), dtype=np.int64, count=len(listed))
        criteria = Texts.of_items(list(map(_WORDS, chain.from_iterable(listed))))
        return cls(tuple(keys), ordered, units, Values(*numbered(map(_NOS, units), len(units))),
                   Values(*numbered(map(_UAN, units), len(units))), np.array(list(map(_LEVEL, units)), dtype=float),
                   listed, Texts.of_items(list(map(_TITLE_WORDS, ordered))), criteria, counts)


@dataclass(frozen=True)
class Values:
    """Items numbered by value (``numbered``): each item's number, and the distinct values in the order first seen."""

    of: np.ndarray
    values: list[Any]


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
        count = len(runs.starts) - 1
        coded = np.repeat(np.arange(count, dtype=_code_type(count, len(texts.words))), runs.lengths)
        coded *= max(len(texts.words), 1)
        coded += runs.values
        distinct = cls._coded(coded, count, len(texts.words))
        return cls(distinct.of_unit[texts.of], distinct.sets, distinct.vocabulary)

    @classmethod
    def of_parts(cls, counts: np.ndarray, parts: Texts) -> WordSets:
        """``of`` the words of each unit's parts together (texts that recur across units, such as criteria): the
        units' parts in turn, ``counts`` of them for each unit."""
        lengths = parts.runs.lengths[parts.of]
        coded = np.repeat(np.repeat(np.arange(len(counts), dtype=_code_type(len(counts), len(parts.words))), counts),
                          lengths)
        coded *= max(len(parts.words), 1)
        coded += parts.runs.laid(parts.of, lengths)
        return cls._coded(coded, len(counts), len(parts.words))

    @classmethod
    def _coded(cls, coded: np.ndarray, units: int, vocabulary: int) -> WordSets:
        """The word sets of ``units`` units from a code ``unit * vocabulary + word id`` of each word of each unit."""
        coded.sort()
        unit, word = np.divmod(coded[_firsts(coded)], max(vocabulary, 1))
        own = Runs.from_lengths(np.bincount(unit, minlength=units), word.astype(np.int64))  # codes of pairs of words
        of_unit, first_unit = _numbered_runs(own)
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


def _stated(codes: Values) -> tuple[np.ndarray, np.ndarray]:
    """(unit, code id) for each unit that states a code, codes compared trimmed and case-folded."""
    stated = np.fromiter(map(bool, codes.values), dtype=bool, count=len(codes.values))
    given = cast("list[str]", list(compress(codes.values, stated)))
    folded = np.full(len(stated), -1, dtype=np.int64)  # each distinct code's id; none where no code is stated
    folded[stated] = numbered(map(str.casefold, map(str.strip, given)), len(given))[0]
    of_unit = folded[codes.of]
    units = np.flatnonzero(of_unit >= 0)
    return units, of_unit[units]


def _keys(texts: UnitTexts, titles: WordSets) -> tuple[np.ndarray, np.ndarray]:
    """Every (blocking key, unit index) of the units, a key ``value * len(RULES) + rule`` (each rule's values
    numbered apart), one rule in turn of ``RULES``."""
    criteria = WordSets.of_parts(texts.criteria_counts, texts.criteria)
    found = [_stated(texts.nos), _stated(texts.uan), titles.rare(), titles.rare_pairs(), criteria.rare()]
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


def _rules_of_pairs(codes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs (codes ``a * n + b``, sorted) and the rules that propose each (one bit per rule of
    ``RULES``), from every (pair code << ``_RULE_BITS`` | rule) a block made: the criteria rule's pair needs
    ``MIN_SHARED_CRITERIA_WORDS`` blocks."""
    # One sort finds each rule's distinct pairs, how many blocks proposed each, and each pair's rules side by side.
    found = np.concatenate(codes)
    found.sort()
    first = _firsts(found)
    rule = found[first].astype(np.uint8) & (1 << _RULE_BITS) - 1  # the low byte holds the rule
    criteria = np.flatnonzero(rule == RULES.index("criteria-words"))
    few = criteria[np.diff(first, append=len(found))[criteria] < MIN_SHARED_CRITERIA_WORDS]
    if len(few):
        first, rule = np.delete(first, few), np.delete(rule, few)
    pair = found[first]
    del found, first
    pair >>= _RULE_BITS
    starts = _firsts(pair)
    bits = np.bitwise_or.reduceat(np.left_shift(1, rule, dtype=np.uint8), starts) if len(pair) else rule
    return pair[starts], bits  # a byte holds the bits of the five rules


def _code_type(units: int, vocabulary: int) -> type[np.signedinteger[Any]]:
    """The narrowest integer type that holds a code ``unit * vocabulary + word`` of ``units`` units (32 bits sort
    twice as fast as 64)."""
    return np.int32 if units * max(vocabulary, 1) < np.iinfo(np.int32).max else np.int64


def _numbered_runs(runs: Runs) -> tuple[np.ndarray, np.ndarray]:
    """Each run as the number of its values among the distinct runs, numbered where first seen (the empty run among
    them); and where each distinct run is first seen. Long runs (a unit's criteria words) are told apart by their
    bytes, one look-up each; short ones (titles), many more for their values, by a hash of each (``by_codes``)."""
    lengths = runs.lengths
    if np.count_nonzero(lengths) * _LONG_RUN < len(runs.values):
        number = np.full(len(lengths), -1, dtype=np.int64)  # the empty runs
        filled = np.flatnonzero(lengths)
        number[filled] = _by_bytes(runs, filled)
    else:
        number = by_codes(runs, runs_hashed(lengths, runs.values.astype(np.uint64)))
    _, first, number = np.unique(number, return_index=True, return_inverse=True)
    order = np.argsort(first)  # the distinct runs in the order first seen
    renumbered = np.empty(len(first), dtype=np.int64)
    renumbered[order] = np.arange(len(first))
    return renumbered[number], first[order]


# Values a run holds, on average, past which looking a run up by its bytes costs less than hashing its values.
_LONG_RUN = 40


def by_codes(runs: Runs, codes: np.ndarray) -> np.ndarray:
    """A number of each run that equal runs share, from a code of each that equal runs share (a hash): runs with one
    code are one run once each is found equal to the first with the code, and those that are not (codes that
    collide) are told apart by their bytes."""
    _, first, number = np.unique(codes, return_index=True, return_inverse=True)
    lengths = runs.lengths
    model = first[number]  # the first run with each run's code
    apart = lengths != lengths[model]
    alike = np.flatnonzero(~apart)
    own = runs.values if len(alike) == len(lengths) else runs.laid(alike, lengths[alike])
    differs = own != runs.laid(model[alike], lengths[alike])
    apart[np.repeat(alike, lengths[alike])[differs]] = True
    told = np.flatnonzero(apart)
    number[told] = len(first) + _by_bytes(runs, told)
    return number


def _by_bytes(runs: Runs, which: np.ndarray) -> np.ndarray:
    """A number of each of the runs ``which`` that equal runs share: the bytes of its values looked up."""
    held, size = runs.values.tobytes(), runs.values.itemsize
    numbers = _Numbers()
    bounds = map(slice, (runs.starts[which] * size).tolist(), (runs.starts[which + 1] * size).tolist())
    return np.fromiter(map(numbers.__getitem__, map(held.__getitem__, bounds)), dtype=np.int64, count=len(which))


# Added to a value's place in its run, and to a run's length, before they are stirred into its hash.
_PLACE, _LENGTH = np.uint64(0x243F6A8885A308D3), np.uint64(0x13198A2E03707344)


def runs_hashed(lengths: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each run of ``values`` (64-bit hashes, run after run, ``lengths`` long): the sum of its
    values each stirred with its place in the run, stirred with the run's length."""
    ends = np.cumsum(lengths)
    place = np.arange(len(values), dtype=np.uint64) - np.repeat(ends - lengths, lengths).astype(np.uint64)
    sums = np.concatenate([np.zeros(1, dtype=np.uint64), np.cumsum(stirred(values ^ stirred(place + _PLACE)))])
    return stirred((sums[ends] - sums[ends - lengths]) ^ stirred(lengths.astype(np.uint64) + _LENGTH))


def stirred(code: np.ndarray) -> np.ndarray:
    """Each 64-bit number's bits stirred one to one (splitmix64's finaliser): every bit moves every other."""
    code = code ^ code >> np.uint64(30)
    code *= np.uint64(0xBF58476D1CE4E5B9)
    code ^= code >> np.uint64(27)
    code *= np.uint64(0x94D049BB133111EB)
    code ^= code >> np.uint64(31)
    return code


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


def numbered(items: Iterable[T], count: int = -1) -> tuple[np.ndarray, list[T]]:
    """Each of the ``count`` items (however many there are, by default) as the number of its value among the
    distinct values, numbered where first seen (one look-up each; 32 bits a number, half what 64 hold while they are
    kept); and those values, in that order."""
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
    n = len(texts.units)
    schemes = list(map(_SCHEME, texts.units))
    scheme, names = numbered(schemes, n)
    titles = WordSets.of(texts.titles)
    blocks, left_out = _bounded(*_keys(texts, titles), titles)

    # Pair codes a * n + b (a < b, so one code per unordered pair), each with its rule in its low bits,
    # gathered from the blocks of each rule and size at once (one row of members per block): a pair of one scheme
    # is left out, and a word rule's pair of levels far apart (a level unknown keeps it).
    far = _far_levels(texts.level)
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
            if RULES[rule] not in _ANY_LEVEL:
                other &= ~far(a, b)
            code = a[other]
            code *= n
            code += b[other]
            code <<= _RULE_BITS
            code |= rule
            codes.append(code)
    every, bits = _rules_of_pairs(codes)
    del codes

    ranks = np.array(list(map(rank, names)), dtype=np.int32)[scheme]  # each scheme's rank, for each unit
    left, right = np.divmod(every, n)
    del every
    # The pairs oriented older scheme first: the lower index has the lower key, so it is on the left unless its
    # scheme ranks after the other's; pairs turned round are put back in order (unit indexes follow key order).
    swap = np.flatnonzero(ranks[left] > ranks[right])
    if len(swap):
        left[swap], right[swap] = right[swap], left[swap]
        order = np.argsort(left * n + right)
        left, right, bits = left[order], right[order], bits[order]
    return Blocking(texts.keys, left, right, bits, cross_scheme_pairs(schemes), texts, left_out)


def _far_levels(level: np.ndarray) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Whether the levels of units ``a`` and ``b`` (by index; ``level`` NaN where unknown) are both known and more
    than ``MAX_LEVEL_GAP`` apart."""
    known = ~np.isnan(level)
    steps = np.where(known, level, 0).astype(np.int16)  # levels are small integers: a table that stays in the cache
    if known.all():
        return lambda a, b: np.abs(steps[a] - steps[b]) > MAX_LEVEL_GAP
    return lambda a, b: (np.abs(steps[a] - steps[b]) > MAX_LEVEL_GAP) & known[a] & known[b]
