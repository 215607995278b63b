"""Comparison features of a unit pair, from units prepared once for matching."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate, chain, islice
from operator import attrgetter, not_

from pipeline.core.parallel import Engine
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
    """All comparison features of one pair, with the criterion alignment the criteria score comes from."""
    alignment = align(list(left.criteria), list(right.criteria), rarity.criteria)
    return _features(left, right, _titles(left, right, rarity.title, {}), alignment)


# Two titles' score and shared words, by the two titles: titles recur across the pairs of a run.
TitlesSeen = dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[float | None, tuple[str, ...]]]


def _titles(left: UnitProfile, right: UnitProfile, rarity: Rarity, seen: TitlesSeen
            ) -> tuple[float | None, tuple[str, ...], float | None]:
    """The title score of a pair, the title words it shares (rarest first), and its body score; the two titles
    compared once for all the pairs that have them (``seen``)."""
    titles = left.title_words, right.title_words
    found = seen.get(titles)
    if found is None:
        score, shared = overlap_and_shared(*titles, rarity)
        seen[titles] = found = _rounded(score), shared
    return found[0], found[1], _body_score(left, right, rarity)


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
              alignment: tuple[AlignedPair, ...], criteria: bool = True) -> Features:
    a, b = left.unit, right.unit
    uan_equal, nos_equal = _equal(a.uan, b.uan), _equal(a.nos_code, b.nos_code)
    return Features(
        uan_equal=uan_equal,
        nos_equal=nos_equal,
        title_score=titles[0],
        criteria_score=_rounded(criteria_score(alignment, len(left.criteria), len(right.criteria))) if criteria else None,
        level_diff=abs(a.level - b.level) if a.level is not None and b.level is not None else None,
        theme_equal=_same_theme(left.theme_words, right.theme_words),
        body_score=titles[2],
        title_shared=titles[1],
        alignment=alignment,
        left_criteria=len(left.criteria),
        right_criteria=len(right.criteria),
        stated_identity=bool((uan_equal or nos_equal) and left.codes_unique and right.codes_unique),
    )


# Pairs per task when criteria alignment is spread over processes: about 0.4 s of work,
# so that shipping the units' criteria costs little beside aligning them.
PAIRS_PER_TASK = 500
# Aligning two units' criteria costs about 0.8 ms, what parsing 160 bytes of text costs:
# the unit in which the engine judges whether a pool is worth starting.
PAIR_WORK = 160


def align_chunk(rarity: Rarity, chunk: tuple[tuple[tuple[str, str], ...], dict[str, tuple[CriterionText, ...]]]
                ) -> list[tuple[AlignedPair, ...]]:
    """``align`` of each pair of a chunk, from the criteria of the chunk's units (one worker's task)."""
    pairs, criteria = chunk
    return [align(list(criteria[a]), list(criteria[b]), rarity) for a, b in pairs]


def compare_all(pairs: Sequence[tuple[str, str]], profiles: dict[str, UnitProfile], rarity: Rarities,
                engine: Engine, align: Container[tuple[str, str]] | None = None) -> dict[tuple[str, str], Features]:
    """The features of every pair, in the order of ``pairs``, criteria alignments spread over ``engine``: of every
    pair, or of the pairs ``align`` holds (the others have no alignment and an empty criteria score)."""
    # Aligning criteria is most of the work, and only the pairs whose units both list
    # criteria need it: those go to the engine in chunks (with only their criteria), while
    # this process compares every pair's titles, a share as each chunk finishes.
    both = [p for p in pairs if profiles[p[0]].criteria and profiles[p[1]].criteria and (align is None or p in align)]
    chunks = []
    for start in range(0, len(both), PAIRS_PER_TASK):
        part = tuple(both[start:start + PAIRS_PER_TASK])
        chunks.append((part, {k: profiles[k].criteria for pair in part for k in pair}))
    found = engine.as_completed(partial(align_chunk, rarity.criteria), chunks,
                                [len(part) * PAIR_WORK for part, _ in chunks])
    alignments: dict[tuple[str, str], tuple[AlignedPair, ...]] = {}
    titles: list[tuple[float | None, tuple[str, ...], float | None]] = []
    todo = ((profiles[a], profiles[b]) for a, b in pairs)
    share = len(pairs) // (len(chunks) + 1) + 1
    seen: TitlesSeen = {}
    for index, aligned in found:
        alignments.update(zip(chunks[index][0], aligned))
        titles += [_titles(left, right, rarity.title, seen) for left, right in islice(todo, share)]
    titles += [_titles(left, right, rarity.title, seen) for left, right in todo]
    return {
        pair: _features(profiles[pair[0]], profiles[pair[1]], found_titles, alignments.get(pair, ()),
                        align is None or pair in align)
        for pair, found_titles in zip(pairs, titles)
    }


def _same_theme(a: frozenset[str] | None, b: frozenset[str] | None) -> bool | None:
    """Themes agree when one's words contain the other's ("Foundations" / "Customer service foundations")."""
    if not a or not b:
        return None
    return a <= b or b <= a


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
