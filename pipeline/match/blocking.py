"""Candidate pairs by blocking: only units that share a telling key are compared.

Blocking rules, any of which makes a pair a candidate (as splink OR-s its rules):

- ``nos``: the same NOS code;
- ``uan``: the same unit reference;
- ``title-word``: a rare title word in common, and levels within one;
- ``criteria-words``: at least ``MIN_SHARED_CRITERIA_WORDS`` rare criterion words in
  common, and levels within one.

A word is rare when few distinct titles (or criteria sets) use it: at most
``RARE_SHARE`` of them, and never fewer than ``RARE_MIN_UNITS``. Distinct, because a
title that three schemes repeat word for word is one piece of evidence, not three.
Units of one scheme are never compared with each other: a scheme does not list one
unit twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Callable, Iterable

from pipeline.match.features import UnitProfile

RARE_SHARE = 0.08
RARE_MIN_UNITS = 4
MIN_SHARED_CRITERIA_WORDS = 3
MAX_LEVEL_GAP = 1


@dataclass(frozen=True)
class Blocking:
    """The candidate pairs (older scheme on the left), the rules that found each, and the pairs saved."""

    pairs: tuple[tuple[str, str], ...]
    rules: dict[tuple[str, str], tuple[str, ...]]
    all_pairs: int

    @property
    def comparisons(self) -> int:
        return len(self.pairs)


def rare_words(word_sets: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """For each unit, its words that few distinct word sets share."""
    distinct = {words for words in word_sets.values() if words}
    counts = Counter(w for words in distinct for w in words)
    limit = max(RARE_MIN_UNITS, int(RARE_SHARE * len(distinct)))
    return {key: frozenset(w for w in words if counts[w] <= limit) for key, words in word_sets.items()}


def _criteria_words(profile: UnitProfile) -> frozenset[str]:
    return frozenset(w for c in profile.criteria for w in c.words)


def _levels_close(a: UnitProfile, b: UnitProfile) -> bool:
    la, lb = a.unit.level, b.unit.level
    return la is None or lb is None or abs(la - lb) <= MAX_LEVEL_GAP


def cross_scheme_pairs(profiles: Iterable[UnitProfile]) -> int:
    """How many pairs a comparison of every unit with every unit of another scheme would make."""
    sizes = Counter(p.scheme for p in profiles)
    return sum(a * b for a, b in combinations(sizes.values(), 2))


def block(profiles: dict[str, UnitProfile], rank: Callable[[str], int]) -> Blocking:
    """Candidate pairs of units from different schemes, oriented older scheme first by ``rank``."""
    keys: dict[str, set[str]] = defaultdict(set)  # blocking key -> unit keys
    title_rare = rare_words({k: frozenset(p.title_words) for k, p in profiles.items()})
    criteria_rare = rare_words({k: _criteria_words(p) for k, p in profiles.items()})
    for key, profile in profiles.items():
        unit = profile.unit
        if unit.nos_code:
            keys[f"nos\t{unit.nos_code.strip().casefold()}"].add(key)
        if unit.uan:
            keys[f"uan\t{unit.uan.strip().casefold()}"].add(key)
        for word in title_rare[key]:
            keys[f"title-word\t{word}"].add(key)
        for word in criteria_rare[key]:
            keys[f"criteria-words\t{word}"].add(key)

    shared: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for block_key, members in keys.items():
        rule = block_key.split("\t", 1)[0]
        for a, b in combinations(sorted(members), 2):
            if profiles[a].scheme != profiles[b].scheme:
                shared[(a, b)][rule] += 1

    rules: dict[tuple[str, str], tuple[str, ...]] = {}
    for (a, b), found in shared.items():
        left, right = profiles[a], profiles[b]
        close = _levels_close(left, right)
        hit = tuple(
            rule
            for rule in ("nos", "uan", "title-word", "criteria-words")
            if found[rule]
            and (rule in ("nos", "uan") or close)
            and (rule != "criteria-words" or found[rule] >= MIN_SHARED_CRITERIA_WORDS)
        )
        if hit:
            pair = (a, b) if (rank(left.scheme), a) <= (rank(right.scheme), b) else (b, a)
            rules[pair] = hit
    return Blocking(tuple(sorted(rules)), rules, cross_scheme_pairs(profiles.values()))
