"""Comparison features of a unit pair, from units prepared once for matching."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import Sequence

from pipeline.match.criteria import AlignedPair, CriterionText, align, criteria_score
from pipeline.match.normalise import Rarity, content_words
from pipeline.match.similarity import shared_words, weighted_overlap
from pipeline.parallel import Engine
from pipeline.records import Criterion, Unit


@dataclass(frozen=True)
class UnitProfile:
    """A unit as the matcher sees it: normalised title and theme words, and its criteria."""

    unit: Unit
    title_words: tuple[str, ...]
    theme_words: frozenset[str] | None
    criteria: tuple[CriterionText, ...]

    @property
    def key(self) -> str:
        return self.unit.unit_key

    @property
    def scheme(self) -> str:
        return self.unit.scheme


@dataclass(frozen=True)
class Features:
    """The comparison features of a pair (the columns of ``unit_matches``), the title words the
    two titles share (rarest first) and the criterion alignment the criteria score comes from."""

    uan_equal: bool | None
    nos_equal: bool | None
    title_score: float | None
    criteria_score: float | None
    level_diff: int | None
    theme_equal: bool | None
    title_shared: tuple[str, ...]
    alignment: tuple[AlignedPair, ...]
    left_criteria: int
    right_criteria: int


def prepare(units: list[Unit], criteria: list[Criterion]) -> dict[str, UnitProfile]:
    """Normalise every unit's title, theme and criteria in one pass through the NLP pipeline."""
    by_unit: dict[str, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        by_unit[criterion.unit_key].append(criterion)
    ordered = sorted(units, key=lambda u: u.unit_key)
    titles = content_words([u.title for u in ordered])
    themes = content_words([u.theme or "" for u in ordered])
    flat = [c for u in ordered for c in by_unit.get(u.unit_key, [])]
    flat_words = content_words([c.text for c in flat])
    texts: dict[str, list[CriterionText]] = defaultdict(list)
    for criterion, words in zip(flat, flat_words):
        texts[criterion.unit_key].append(CriterionText(criterion.criterion_key, words))
    return {
        u.unit_key: UnitProfile(u, title, frozenset(theme) or None, tuple(texts.get(u.unit_key, ())))
        for u, title, theme in zip(ordered, titles, themes)
    }


@dataclass(frozen=True)
class Rarities:
    """How rare each word is among the corpus's unit titles, and among its criteria."""

    title: Rarity
    criteria: Rarity


def rarities(profiles: dict[str, UnitProfile]) -> Rarities:
    """Word rarity over the distinct unit titles and over the distinct criteria of the corpus."""
    return Rarities(
        Rarity.from_texts(p.title_words for p in profiles.values()),
        Rarity.from_texts(c.words for p in profiles.values() for c in p.criteria),
    )


def _equal(a: str | None, b: str | None) -> bool | None:
    if not a or not b:
        return None
    return a.strip().casefold() == b.strip().casefold()


def compare(left: UnitProfile, right: UnitProfile, rarity: Rarities) -> Features:
    """All comparison features of one pair, with the criterion alignment the criteria score comes from."""
    alignment = align(list(left.criteria), list(right.criteria), rarity.criteria)
    a, b = left.unit, right.unit
    return Features(
        uan_equal=_equal(a.uan, b.uan),
        nos_equal=_equal(a.nos_code, b.nos_code),
        title_score=_rounded(weighted_overlap(left.title_words, right.title_words, rarity.title)),
        criteria_score=_rounded(criteria_score(alignment, len(left.criteria), len(right.criteria))),
        level_diff=abs(a.level - b.level) if a.level is not None and b.level is not None else None,
        theme_equal=_same_theme(left.theme_words, right.theme_words),
        title_shared=shared_words(left.title_words, right.title_words, rarity.title),
        alignment=alignment,
        left_criteria=len(left.criteria),
        right_criteria=len(right.criteria),
    )


# Pairs per task when scoring is spread over processes: big enough that shipping the
# units' profiles costs little beside comparing them.
PAIRS_PER_TASK = 5_000
# A pair costs about 0.7 ms to compare, what parsing 140 bytes of text costs: the unit
# in which the engine judges whether a pool is worth starting.
PAIR_WORK = 140


def compare_chunk(rarity: Rarities, chunk: tuple[tuple[tuple[str, str], ...], dict[str, UnitProfile]]) -> list[Features]:
    """``compare`` of each pair of a chunk, from the profiles of the chunk's units (one worker's task)."""
    pairs, profiles = chunk
    return [compare(profiles[a], profiles[b], rarity) for a, b in pairs]


def compare_all(pairs: Sequence[tuple[str, str]], profiles: dict[str, UnitProfile], rarity: Rarities,
                engine: Engine) -> dict[tuple[str, str], Features]:
    """The features of every pair, in the order of ``pairs``, chunks of them spread over ``engine``."""
    chunks = []
    for start in range(0, len(pairs), PAIRS_PER_TASK):
        part = tuple(pairs[start:start + PAIRS_PER_TASK])
        chunks.append((part, {k: profiles[k] for pair in part for k in pair}))
    sizes = [len(part) * PAIR_WORK for part, _ in chunks]
    found = engine.map(partial(compare_chunk, rarity), chunks, sizes)
    return {pair: f for (part, _), features in zip(chunks, found) for pair, f in zip(part, features)}


def _same_theme(a: frozenset[str] | None, b: frozenset[str] | None) -> bool | None:
    """Themes agree when one's words contain the other's ("Foundations" / "Customer service foundations")."""
    if not a or not b:
        return None
    return a <= b or b <= a


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
