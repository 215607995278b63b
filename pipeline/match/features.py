"""Comparison features of a unit pair, from units prepared once for matching."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain
from operator import attrgetter, not_

from pipeline.core.records import Criterion, Outcome, Unit
from pipeline.match.criteria import AlignedPair, CriterionText, align, criteria_score
from pipeline.match.equivalences import learned_equivalences
from pipeline.match.normalise import Lemmas, Rarity, content_words
from pipeline.match.similarity import containment, overlap_and_shared, shared_words


@dataclass(frozen=True, slots=True)
class UnitProfile:
    """A unit as the matcher sees it: normalised title and theme words, its criteria, and its body's distinct words
    (outcome titles and criteria), sorted."""

    unit: Unit
    title_words: tuple[str, ...]
    theme_words: frozenset[str] | None
    criteria: tuple[CriterionText, ...]
    # A tuple: a set of eighty words takes ten times the memory, for every unit of the run.
    body_words: tuple[str, ...] = ()
    # Whether its NOS code and unit reference each name this unit alone in its scheme: a code that
    # names several units of one scheme states no identity.
    codes_unique: bool = True

    @property
    def key(self) -> str:
        return self.unit.unit_key

    @property
    def scheme(self) -> str:
        return self.unit.scheme


@dataclass(frozen=True, slots=True)
class Features:
    """The comparison features of a pair (the columns of ``unit_matches``), the title words the
    two titles share (rarest first) and the criterion alignment the criteria score comes from."""

    uan_equal: bool | None
    nos_equal: bool | None
    title_score: float | None
    criteria_score: float | None
    level_diff: int | None
    theme_equal: bool | None
    body_score: float | None
    title_shared: tuple[str, ...]
    alignment: tuple[AlignedPair, ...]
    left_criteria: int
    right_criteria: int
    stated_identity: bool = False  # the same unit reference or NOS code, each naming one unit per scheme

    @property
    def title_and_body(self) -> tuple[float | None, float | None]:
        """The title score and the body score, which the title comparison weighs together."""
        return self.title_score, self.body_score


_UNIT_KEY = attrgetter("unit_key")
_TITLE_WORDS, _BODY_WORDS, _CRITERIA, _WORDS = map(attrgetter, ("title_words", "body_words", "criteria", "words"))


def prepare(units: list[Unit], criteria: list[Criterion], outcomes: Sequence[Outcome] = (),
            lemmas: Lemmas | None = None) -> dict[str, UnitProfile]:
    """Normalise every unit's title, theme, criteria and outcome titles in one pass through the NLP pipeline.

    Compounds and spelling variants are settled against the whole corpus's vocabulary; ``lemmas`` may know some
    texts' lemmas from an earlier run.
    """
    by_unit: dict[str, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        by_unit[criterion.unit_key].append(criterion)
    outcome_titles: dict[str, list[str]] = defaultdict(list)
    for outcome in outcomes:
        outcome_titles[outcome.unit_key].append(outcome.title)
    ordered = sorted(units, key=_UNIT_KEY)
    own_criteria = [by_unit.get(u.unit_key, ()) for u in ordered]
    own_outcomes = [outcome_titles.get(u.unit_key, ()) for u in ordered]
    flat = list(chain.from_iterable(own_criteria))
    told = list(chain.from_iterable(own_outcomes))
    n = len(ordered)
    words = content_words([u.title for u in ordered] + [u.theme or "" for u in ordered] + [c.text for c in flat] + told,
                          lemmas=lemmas)
    # Each unit's criteria and outcome titles follow the units' titles and themes, unit by unit: each unit's
    # share of them starts where the units' before it end.
    criteria_words, outcome_words = words[2 * n:2 * n + len(flat)], words[2 * n + len(flat):]
    texts = list(map(CriterionText, [c.criterion_key for c in flat], criteria_words))
    criteria_ends = list(accumulate(map(len, own_criteria)))
    outcome_ends = list(accumulate(map(len, own_outcomes))) if told else [0] * n
    # Each code a unit states, with the unit: the units that state a code another unit of their scheme states too
    # are the units whose codes are not unique.
    stated = [((u.scheme, "nos", u.nos_code.strip().casefold()), u.unit_key) for u in ordered if u.nos_code]
    stated += [((u.scheme, "uan", u.uan.strip().casefold()), u.unit_key) for u in ordered if u.uan]
    codes = Counter(code for code, _ in stated)
    shared = {key for code, key in stated if codes[code] > 1}
    del stated, codes
    # Most units list neither criteria nor outcomes: only those that do are visited for them.
    own: list[tuple[CriterionText, ...]] = [()] * n
    body: list[tuple[str, ...]] = [()] * n
    for i, (listed, told_titles) in enumerate(zip(own_criteria, own_outcomes)):
        if listed or told_titles:
            start, end = criteria_ends[i] - len(listed), criteria_ends[i]
            told_start, told_end = outcome_ends[i] - len(told_titles), outcome_ends[i]
            own[i] = tuple(texts[start:end])
            body[i] = tuple(sorted(set().union(*criteria_words[start:end], *outcome_words[told_start:told_end])))
    themes = {theme: frozenset(theme) or None for theme in set(words[n:2 * n])}  # a theme recurs across units
    keys = list(map(_UNIT_KEY, ordered))
    return dict(zip(keys, map(UnitProfile, ordered, words[:n], map(themes.__getitem__, words[n:2 * n]), own, body,
                              map(not_, map(shared.__contains__, keys)))))


@dataclass(frozen=True)
class Rarities:
    """How rare each word is among the corpus's unit titles, and among its criteria."""

    title: Rarity
    criteria: Rarity
    equivalences: dict[str, frozenset[str]] = field(default_factory=dict)  # learned from linked titles


def rarities(profiles: dict[str, UnitProfile]) -> Rarities:
    """Word rarity over the distinct unit titles (with the body words titles are compared with, and the word
    equivalences the corpus's linked titles teach) and over the distinct criteria of the corpus."""
    each = profiles.values()
    # Only units that state a code are linked by the documents.
    learned = learned_equivalences((p.unit, p.title_words) for p in each if p.unit.nos_code or p.unit.uan)
    title = Rarity.from_texts(map(_TITLE_WORDS, each), set(chain.from_iterable(map(_BODY_WORDS, each))))
    return Rarities(
        title.with_equivalences(learned),
        Rarity.from_texts(map(_WORDS, chain.from_iterable(map(_CRITERIA, each)))),
        learned,
    )


def _equal(a: str | None, b: str | None) -> bool | None:
    if not a or not b:
        return None
    return a.strip().casefold() == b.strip().casefold()


def compare(left: UnitProfile, right: UnitProfile, rarity: Rarities) -> Features:
    """All comparison features of one pair, with the criterion alignment the criteria score comes from (many pairs
    at once: ``pipeline.match.feature_columns.compare_all``)."""
    alignment = align(list(left.criteria), list(right.criteria), rarity.criteria)
    score, shared = overlap_and_shared(left.title_words, right.title_words, rarity.title)
    return _features(left, right, (_rounded(score), shared, _body_score(left, right, rarity.title)), alignment)


def shared_title(left: UnitProfile, right: UnitProfile, rarity: Rarities) -> tuple[str, ...]:
    """The title words the two units share, rarest first (what a justification quotes)."""
    return shared_words(left.title_words, right.title_words, rarity.title)


def _body_score(left: UnitProfile, right: UnitProfile, rarity: Rarity) -> float | None:
    """How much of one unit's title the other unit's outcomes and criteria say, the better direction
    ("Exceed customer expectations" against a body about exceeding expectations); None without a body."""
    scores = [s for s in (containment(left.title_words, right.body_words, rarity),
                          containment(right.title_words, left.body_words, rarity)) if s is not None]
    return _rounded(max(scores)) if scores else None


def _features(left: UnitProfile, right: UnitProfile, titles: tuple[float | None, tuple[str, ...], float | None],
              alignment: tuple[AlignedPair, ...]) -> Features:
    a, b = left.unit, right.unit
    uan_equal, nos_equal = _equal(a.uan, b.uan), _equal(a.nos_code, b.nos_code)
    return Features(
        uan_equal=uan_equal,
        nos_equal=nos_equal,
        title_score=titles[0],
        criteria_score=_rounded(criteria_score(alignment, len(left.criteria), len(right.criteria))),
        level_diff=abs(a.level - b.level) if a.level is not None and b.level is not None else None,
        theme_equal=same_theme(left.theme_words, right.theme_words),
        body_score=titles[2],
        title_shared=titles[1],
        alignment=alignment,
        left_criteria=len(left.criteria),
        right_criteria=len(right.criteria),
        stated_identity=bool((uan_equal or nos_equal) and left.codes_unique and right.codes_unique),
    )


def same_theme(a: frozenset[str] | None, b: frozenset[str] | None) -> bool | None:
    """Themes agree when one's words contain the other's ("Foundations" / "Customer service foundations")."""
    if not a or not b:
        return None
    return a <= b or b <= a


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
