"""Units prepared once for matching (their profiles), the corpus's word rarities, and what the map quotes of a
pair's titles and themes (the features of many pairs: ``pipeline.match.feature_columns``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain, repeat
from operator import attrgetter, itemgetter, not_

from pipeline.core.records import Criterion, Outcome, Unit, from_columns
from pipeline.match.criteria import CriterionText
from pipeline.match.equivalences import learned_equivalences
from pipeline.match.normalise import Lemmas, Rarity, content_words
from pipeline.match.similarity import shared_words_each


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


_UNIT_KEY, _TITLE, _TEXT, _CRITERION_KEY = map(attrgetter, ("unit_key", "title", "text", "criterion_key"))
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
    keys = list(map(_UNIT_KEY, ordered))
    n = len(ordered)
    own_criteria = list(map(by_unit.get, keys, repeat(())))
    own_outcomes = list(map(outcome_titles.get, keys, repeat(()))) if outcome_titles else [()] * n
    flat = list(chain.from_iterable(own_criteria))
    told = list(chain.from_iterable(own_outcomes))
    words = content_words(list(chain(map(_TITLE, ordered), [u.theme or "" for u in ordered], map(_TEXT, flat), told)),
                          lemmas=lemmas)
    # Each unit's criteria and outcome titles follow the units' titles and themes, unit by unit: each unit's
    # share of them starts where the units' before it end.
    criteria_words, outcome_words = words[2 * n:2 * n + len(flat)], words[2 * n + len(flat):]
    texts = from_columns(CriterionText, list(map(_CRITERION_KEY, flat)), criteria_words)
    criteria_ends = list(accumulate(map(len, own_criteria)))
    outcome_ends = list(accumulate(map(len, own_outcomes))) if told else [0] * n
    # Each code a unit states, with the unit: the units that state a code another unit of their scheme states too
    # are the units whose codes are not unique.
    stated = [((u.scheme, "nos", u.nos_code.strip().casefold()), u.unit_key) for u in ordered if u.nos_code]
    stated += [((u.scheme, "uan", u.uan.strip().casefold()), u.unit_key) for u in ordered if u.uan]
    codes = Counter(map(itemgetter(0), stated))
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
    return dict(zip(keys, from_columns(UnitProfile, ordered, words[:n], map(themes.__getitem__, words[n:2 * n]), own, body,
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


def shared_titles(pairs: Sequence[tuple[UnitProfile, UnitProfile]], rarity: Rarities) -> list[tuple[str, ...]]:
    """The title words each two units share, rarest first (what a justification quotes)."""
    return shared_words_each([left.title_words for left, _ in pairs], [right.title_words for _, right in pairs],
                             rarity.title)


def same_theme(a: frozenset[str] | None, b: frozenset[str] | None) -> bool | None:
    """Themes agree when one's words contain the other's ("Foundations" / "Customer service foundations")."""
    if not a or not b:
        return None
    return a <= b or b <= a
