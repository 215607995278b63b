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

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from typing import TypeVar

import numpy as np

from pipeline.match.features import UnitProfile

K = TypeVar("K")  # what a unit is known by: its key, or its position

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


@dataclass(frozen=True)
class Blocking:
    """The candidate pairs as positions in ``keys`` (older scheme on the left, in key order), the rules that found
    each (one bit per rule of ``RULES``), and the pairs saved."""

    keys: tuple[str, ...]
    left: np.ndarray
    right: np.ndarray
    bits: np.ndarray
    all_pairs: int
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


def rare_words(word_sets: dict[K, frozenset[str]]) -> dict[K, frozenset[str]]:
    """For each unit, its words that few distinct word sets share."""
    distinct = {words for words in word_sets.values() if words}
    counts = Counter(w for words in distinct for w in words)
    limit = rare_limit(len(distinct))
    return {key: frozenset(w for w in words if counts[w] <= limit) for key, words in word_sets.items()}


def rare_pairs(word_sets: dict[K, frozenset[str]]) -> dict[K, frozenset[str]]:
    """For each unit, the pairs of its words past ``MAX_BLOCK`` that few distinct word sets share."""
    distinct = {words for words in word_sets.values() if words}
    word_counts = Counter(w for words in distinct for w in words)
    common = {words: sorted(w for w in words if word_counts[w] > MAX_BLOCK) for words in distinct}
    pair_counts = Counter(f"{a} {b}" for words in common.values() for a, b in combinations(words, 2))
    limit = rare_limit(len(distinct))
    return {
        key: frozenset(p for a, b in combinations(common.get(words, ()), 2) if pair_counts[p := f"{a} {b}"] <= limit)
        for key, words in word_sets.items()
    }


def _criteria_words(profile: UnitProfile) -> frozenset[str]:
    return frozenset(w for c in profile.criteria for w in c.words)


def cross_scheme_pairs(profiles: Iterable[UnitProfile]) -> int:
    """How many pairs a comparison of every unit with every unit of another scheme would make."""
    sizes = Counter(p.scheme for p in profiles)
    return sum(a * b for a, b in combinations(sizes.values(), 2))


def _blocks(profiles: list[UnitProfile]) -> dict[tuple[str, str], list[int]]:
    """Blocking key (rule, value) -> the indexes of the units that share it."""
    keys: dict[tuple[str, str], list[int]] = defaultdict(list)
    titles = {i: frozenset(p.title_words) for i, p in enumerate(profiles)}
    title_rare = rare_words(titles)
    title_pairs = rare_pairs(titles)
    criteria_rare = rare_words({i: _criteria_words(p) for i, p in enumerate(profiles)})
    for i, profile in enumerate(profiles):
        unit = profile.unit
        if unit.nos_code:
            keys[("nos", unit.nos_code.strip().casefold())].append(i)
        if unit.uan:
            keys[("uan", unit.uan.strip().casefold())].append(i)
        for word in title_rare[i]:
            keys[("title-word", word)].append(i)
        for pair in title_pairs[i]:
            keys[("title-pair", pair)].append(i)
        for word in criteria_rare[i]:
            keys[("criteria-words", word)].append(i)
    return keys


def _bounded(keys: dict[tuple[str, str], list[int]], titles: list[frozenset[str]]) -> tuple[list[tuple[str, list[int]]], int]:
    """(rule, members) of every block, an oversize block split by its members' title words; and how many
    blocks were left out because even split they are oversize."""
    def small(members: list[int]) -> bool:
        return len(members) <= MAX_MEMBERS and len({titles[i] for i in members}) <= MAX_BLOCK

    bounded: list[tuple[str, list[int]]] = []
    left_out = 0
    for (rule, _), members in sorted(keys.items()):
        if small(members):
            bounded.append((rule, members))
            continue
        split: dict[str, list[int]] = defaultdict(list)
        for i in members:
            for word in titles[i]:
                split[word].append(i)
        for _, part in sorted(split.items()):
            if small(part):
                bounded.append((rule, part))
            else:
                left_out += 1
    return bounded, left_out


@cache
def _upper_triangle(size: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(size, 1)


def block(profiles: dict[str, UnitProfile], rank: Callable[[str], int]) -> Blocking:
    """Candidate pairs of units from different schemes, oriented older scheme first by ``rank``."""
    ordered = [profiles[k] for k in sorted(profiles)]
    n = len(ordered)
    scheme_ids = {s: j for j, s in enumerate(sorted({p.scheme for p in ordered}))}
    scheme = np.array([scheme_ids[p.scheme] for p in ordered], dtype=np.int64)
    level = np.array([np.nan if p.unit.level is None else p.unit.level for p in ordered])
    blocks, left_out = _bounded(_blocks(ordered), [frozenset(p.title_words) for p in ordered])

    # Pair codes a * n + b (a < b, so one code per unordered pair), gathered per rule from
    # the blocks of each size at once (one row of members per block).
    same_size: dict[tuple[str, int], list[list[int]]] = defaultdict(list)
    for rule, members in blocks:
        if len(members) >= 2:
            same_size[(rule, len(members))].append(members)
    codes: dict[str, list[np.ndarray]] = defaultdict(list)
    for (rule, size), rows in same_size.items():
        index = np.array(rows, dtype=np.int64)
        upper, lower = _upper_triangle(size)
        a, b = index[:, upper].ravel(), index[:, lower].ravel()
        other = scheme[a] != scheme[b]
        codes[rule].append(np.minimum(a, b)[other] * n + np.maximum(a, b)[other])

    found: dict[str, np.ndarray] = {}
    for rule in RULES:
        if not codes[rule]:
            continue
        unique, count = np.unique(np.concatenate(codes[rule]), return_counts=True)
        if rule == "criteria-words":
            unique = unique[count >= MIN_SHARED_CRITERIA_WORDS]
        if rule not in _ANY_LEVEL:
            gap = np.abs(level[unique // n] - level[unique % n])
            unique = unique[~(gap > MAX_LEVEL_GAP)]  # NaN (a level unknown) keeps the pair
        found[rule] = unique

    # Each pair's rules as bits, then the pairs oriented older scheme first: the lower index
    # has the lower key, so it is on the left unless its scheme ranks after the other's.
    every = np.unique(np.concatenate([np.empty(0, dtype=np.int64), *found.values()]))
    bits = np.zeros(len(every), dtype=np.int64)
    for bit, rule in enumerate(RULES):
        bits |= np.isin(every, found.get(rule, ())).astype(np.int64) << bit
    ranks = np.array([rank(p.scheme) for p in ordered])
    low, high = every // n, every % n
    swap = ranks[low] > ranks[high]
    left, right = np.where(swap, high, low), np.where(swap, low, high)
    order = np.lexsort((right, left))  # unit indexes follow key order, so this is the pairs' sorted order
    return Blocking(tuple(p.key for p in ordered), left[order], right[order], bits[order], cross_scheme_pairs(ordered),
                    left_out)
