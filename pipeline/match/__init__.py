"""Match stage: compare units across schemes and levels, group them, and map old units to new.

    blocking -> features -> model (m, u by EM) -> comparison levels -> score  (every candidate pair, as columns)
    overrides -> successor links -> families -> bridges  (the pairs that can link, as columns)
    -> unit_map + criterion_map  (the links and each old unit's nearest candidate, read from the columns)

The library never prints; ``progress`` (a callable taking a message) hears what
happens.
"""

from __future__ import annotations

import functools
import gc
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import compress
from operator import attrgetter
from pathlib import Path
from typing import TypeVar

import numpy as np

from pipeline.core.manifest import Entry
from pipeline.core.parallel import Engine
from pipeline.core.records import Criterion, CriterionMapRow, Family, Issue, Outcome, Unit, UnitMapRow, UnitMatch
from pipeline.match.blocking import Blocking, block
from pipeline.match.bridges import Bridge, family_bridges
from pipeline.match.candidates import Candidates, Roster, candidates
from pipeline.match.compared import Compared
from pipeline.match.comparisons import COMPARISONS, CRITERIA, NOS, UAN
from pipeline.match.families import Families, build_families
from pipeline.match.feature_columns import compare_all
from pipeline.match.features import Rarities, UnitProfile, prepare, rarities, shared_titles
from pipeline.match.justify import strongest_methods
from pipeline.match.kept import Kept, kept_lemmas, let_go, profile_hashes, write_kept, write_lemmas
from pipeline.match.matches import UnitMatches
from pipeline.match.model import OWN_RANDOM_PAIRS, RANDOM_PAIRS, Model, fit, random_pairs
from pipeline.match.overrides import Override, known_only, overridden, read_overrides
from pipeline.match.pairs import NO_ROW, Alignments, PairColumns, distinct_rows
from pipeline.match.scoring import DECISIONS, MATCH_THRESHOLD, Scorer, level_matrix, value_combinations
from pipeline.match.succession import scheme_rank, supersessions
from pipeline.match.unit_map import Links, build_unit_map, map_links, new_schemes_of, successor_pairs, unlisted
from pipeline.store.tables import Batched

__all__ = ["MatchResult", "match_corpus"]

T = TypeVar("T")


@dataclass(frozen=True)
class MatchResult:
    """Everything the match stage publishes, plus its issues and a summary of counts."""

    unit_matches: Sequence[UnitMatch] | Batched  # every scored pair, in key order: ``UnitMatches`` from a run
    families: list[Family]
    unit_map: list[UnitMapRow]
    criterion_map: list[CriterionMapRow]
    review: list[UnitMatch]
    issues: list[Issue]
    summary: dict[str, int] = field(default_factory=dict)
    model: dict[str, object] = field(default_factory=dict)  # the fitted model, as mappings/model.json holds it


def _uncertainty(pair: UnitMatch) -> tuple[float, str, str]:
    """Review order: the score closest to the match threshold first."""
    return abs(pair.score - MATCH_THRESHOLD), pair.left_key, pair.right_key


def _apply_overrides(overrides: list[Override], compared: Compared, by_key: dict[str, Unit], rank: dict[str, int]
                     ) -> tuple[dict[tuple[str, str], UnitMatch], dict[tuple[str, str], Override]]:
    """The pairs a person decided, with the decision in place, and the decisions by pair.

    A pair a person named that blocking did not propose is compared and scored now,
    so its row can still say what the matcher saw.
    """
    def oriented(o: Override) -> tuple[str, str]:
        a, b = by_key[o.from_key], by_key[o.to_key]
        older_first = (rank[a.scheme], a.unit_key) <= (rank[b.scheme], b.unit_key)
        return (a.unit_key, b.unit_key) if older_first else (b.unit_key, a.unit_key)

    named = [(oriented(o), o) for o in overrides]
    compared.add_pairs([pair for pair, _ in named])  # at once: adding a pair copies the columns
    decided: dict[tuple[str, str], UnitMatch] = {}
    applied: dict[tuple[str, str], Override] = {}
    for pair, o in named:
        decided[pair] = overridden(decided.get(pair) or compared.records[pair], o)
        applied[pair] = o
    return decided, applied


def _bridges(
    links: list[Links],
    units: Roster,
    families: Families,
    matched: Candidates,
    compared: Compared,
) -> dict[tuple[str, str], Bridge]:
    """The links families make for the old units that the direct evidence left with a ``none`` row."""
    def methods_of(steps: list[tuple[str, str]]) -> list[str]:
        rows = compared.pairs.rows(steps)
        rows = np.where(rows == NO_ROW, compared.pairs.rows([(b, a) for a, b in steps]), rows)
        assert (rows != NO_ROW).all(), "a path goes through a match pair"
        return strongest_methods(compared.pairs, rows)

    new_schemes = new_schemes_of([found.supersession for found in links])
    found = family_bridges(unlisted(units, links), new_schemes, units, families, matched, methods_of)
    return {(bridge.old_key, bridge.new_key): bridge for bridge in found}


def _fitted(patterns: np.ndarray, counts: np.ndarray, profiles: dict[str, UnitProfile], rarity: Rarities,
            all_pairs: int) -> Model:
    """The comparisons' m and u estimated from the candidate pairs (their distinct level patterns, with how many
    pairs land on each) and from random cross-scheme pairs."""
    def values(found: tuple[dict[str, np.ndarray], Alignments]) -> list[tuple[object, ...]]:
        combinations, inverse = value_combinations(COMPARISONS, PairColumns((), columns=found[0]),
                                                   np.arange(len(found[1])), counted=False)
        return [combinations[i] for i in inverse.tolist()]

    schemes: dict[str, list[UnitProfile]] = {}  # grouped once for the four samples
    for profile in profiles.values():
        schemes.setdefault(profile.unit.scheme, []).append(profile)
    keys = {scheme: [p.unit.unit_key for p in members] for scheme, members in schemes.items()}

    def drawn(among: Callable[[UnitProfile], object] | None, count: int = RANDOM_PAIRS,
              criteria: bool = False) -> list[tuple[object, ...]]:
        by_scheme = {scheme: keys[scheme] if among is None else list(compress(keys[scheme], map(among, members)))
                     for scheme, members in schemes.items()}
        # A few thousand pairs: compared here, since handing them to a pool costs more than it saves.
        pairs = random_pairs(by_scheme, count)
        return values(compare_all(pairs, profiles, rarity, Engine(),
                                  None if criteria else np.zeros(len(pairs), dtype=bool)))

    # A comparison that only some units can make (criteria, a unit reference, a NOS code) draws its own
    # random pairs among those units, so that its u rests on pairs that reach its levels. Aligning criteria
    # is the costly part: only the criteria's own sample does it.
    own = {CRITERIA.name: drawn(attrgetter("criteria"), OWN_RANDOM_PAIRS, criteria=True),
           UAN.name: drawn(attrgetter("unit.uan"), OWN_RANDOM_PAIRS),
           NOS.name: drawn(attrgetter("unit.nos_code"), OWN_RANDOM_PAIRS)}
    return fit(COMPARISONS, (patterns.astype(np.int64), counts), drawn(None), all_pairs, own)


def _prepared(units: list[Unit], criteria: list[Criterion], outcomes: list[Outcome], kept: Path | None
              ) -> tuple[dict[str, UnitProfile], Rarities]:
    """The units' profiles and the corpus's word rarities, spaCy asked only for texts ``kept`` holds no lemmas of;
    the lemmas and content words of the texts read are kept at once, not held to the end of the run."""
    lemmas = kept_lemmas(kept)
    profiles = prepare(units, criteria, outcomes, lemmas)
    if kept is None:
        return profiles, rarities(profiles)
    # Writing them is mostly Parquet's encoding and the disk's flushes, which let go of the interpreter: the
    # rarities are counted meanwhile.
    with ThreadPoolExecutor(1) as aside:
        written = aside.submit(write_lemmas, kept, lemmas)
        rarity = rarities(profiles)
        written.result()
    return profiles, rarity


def _blocking_summary(blocking: Blocking) -> dict[str, int]:
    """What the summary says of blocking: the pairs it kept and left out, and how many each rule proposed."""
    rules = {rule: n for rule, n in blocking.rule_counts().items() if n}
    return {
        "all_pairs": blocking.all_pairs,
        "comparisons": blocking.comparisons,
        "comparisons_saved": blocking.all_pairs - blocking.comparisons,
        "blocks_left_out": blocking.blocks_left_out,
        **{f"blocked_by_{rule.replace('-', '_')}": n for rule, n in sorted(rules.items())},
    }


def _cycle_collection_paused(function: Callable[..., T]) -> Callable[..., T]:
    """``function`` run with Python's cyclic garbage collector paused."""
    # Matching builds millions of small objects (features, scored pairs, map rows) and
    # frees almost none before it returns: each full collection walked all of them, a
    # quarter of the time on 50,000 units. Reference counting still frees the rest.
    @functools.wraps(function)
    def paused(*args: object, **kwargs: object) -> T:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@_cycle_collection_paused
def match_corpus(
    units: list[Unit],
    criteria: list[Criterion],
    entries: list[Entry],
    overrides_path: Path,
    progress: Callable[[str], None] | None = None,
    engine: Engine | None = None,
    outcomes: list[Outcome] | None = None,
    kept: Path | None = None,
) -> MatchResult:
    """Score candidate pairs (spread over ``engine``), apply the human decisions, and build families and the map.

    ``kept`` is a folder of pairs compared before (``pipeline.match.kept``): a pair kept there is not compared
    again, and the folder then keeps this run's pairs.
    """
    engine = engine or Engine()
    say = progress or (lambda message: None)
    by_key = {u.unit_key: u for u in units}
    schemes = {u.scheme for u in units}
    rank = scheme_rank(entries, schemes)

    kept_pairs = Kept.read(kept)  # read while the units are prepared, and held for the pairs families bridge too
    profiles, rarity = _prepared(units, criteria, outcomes or [], kept)
    blocking = block(profiles, rank.__getitem__)
    say(f"blocking kept {blocking.comparisons} of {blocking.all_pairs} cross-scheme pairs")

    compared = Compared(PairColumns(blocking.keys), profiles, rarity, engine, profile_hashes(blocking.texts, rarity))
    compared.add(blocking.left, blocking.right, kept_pairs)
    let_go()
    blocked = _blocking_summary(blocking)
    del blocking  # its pairs are columns of ``compared`` now
    say(f"compared {compared.compared} pairs, {compared.aligned} of them with their criteria aligned anew; "
        f"{len(compared.pairs) - compared.compared} kept from an earlier run")
    # Each pair's levels, found once: EM fits their patterns, and the scorer weighs each pattern once.
    patterns, inverse, counts = distinct_rows(level_matrix(COMPARISONS, compared.pairs, np.arange(len(compared.pairs))))
    model = _fitted(patterns, counts, profiles, rarity, blocked["all_pairs"])
    say(f"model fitted by EM in {model.iterations} iterations; u from {model.random_pairs} random pairs")
    scored = compared.score(Scorer(model), patterns, inverse)
    del patterns, inverse  # a row of levels for every pair: weighed now
    decisions = dict(zip(DECISIONS, np.bincount(scored.decision, minlength=len(DECISIONS)).tolist()))
    pairs_scored = len(scored)
    say(f"scored {pairs_scored} pairs: {decisions['match']} match, {decisions['possible']} possible")
    succession = supersessions(entries, schemes)
    compared.read(np.flatnonzero(scored.decision == DECISIONS.index("possible")))
    del scored  # pairs added later extend ``compared.scored`` into a new one: this one is not held beside it
    review = sorted([p for p in compared.records.values() if p.decision == "possible"], key=_uncertainty)

    read, issues = read_overrides(overrides_path)
    valid, unknown = known_only(read, set(by_key))
    issues += unknown
    decided, applied = _apply_overrides(valid, compared, by_key, rank)
    if applied:
        say(f"applied {len(applied)} override(s)")
    # Rows keep their place as pairs are added.
    decided_rows = {row: decided[pair] for pair in decided if (row := compared.pairs.row(*pair)) is not None}

    def linking() -> Candidates:
        """The pairs that can link, as they stand now."""
        assert compared.scored is not None
        return candidates(compared.pairs, compared.scored, {row: p.decision for row, p in decided_rows.items()})

    pairs = linking()
    roster = Roster.of(by_key, compared.pairs.keys)  # the pairs name the units in key order
    successors = successor_pairs(roster, succession, pairs)
    links = map_links(roster, succession, successors, applied)
    confirmed = [k for k, o in applied.items() if o.decision == "confirm"]
    matched = pairs.matched()
    grouped = build_families(roster, np.concatenate([found.ends for found in links] + [roster.ends(confirmed)]),
                             matched)
    families = grouped.rows
    bridges = _bridges(links, roster, grouped, matched, compared)
    linked = len(pairs)  # added pairs come after these, as rows of ``compared`` do
    del pairs, matched, grouped  # copies of the columns of half the pairs: not held while pairs are added and the map is built
    if bridges:
        # Pairs blocking does not propose: an earlier run that bridged them kept them.
        bridged = list(bridges)
        new = roster.ends(bridged)[compared.pairs.rows(bridged) == NO_ROW]  # the roster's places are the pairs' own
        compared.add(new[:, 0], new[:, 1], kept_pairs)
        # Only a supersession that the pairs added give a candidate can link anew.
        successors = successor_pairs(roster, succession, linking(), successors, linked)
        links = map_links(roster, succession, successors, applied, bridges)
        say(f"{len(bridges)} link(s) carried through families")
    del kept_pairs  # every pair is here now; the map reads them, never adds one
    compared.taken = np.zeros(0, dtype=np.int64)
    let_go()
    if kept is not None:
        write_kept(kept, compared.pairs, compared.hashes, compared.reads)
    assert compared.scored is not None
    unlinked = list(map(roster.keys.__getitem__, unlisted(roster, links).tolist()))
    del roster
    mapped = build_unit_map(by_key, links, compared.pairs, compared.scored,
                            {pair: p.decision for pair, p in decided.items()}, unlinked,
                            compared.nearest({(s.old_scheme, s.new_scheme) for s in succession}, unlinked),
                            lambda named: shared_titles([(profiles[a], profiles[b]) for a, b in named], rarity), applied)
    review = [p for p in review if (p.left_key, p.right_key) not in applied]
    matches = UnitMatches(compared.pairs, compared.scored, decided_rows)

    relations = Counter(r.relation for r in mapped.rows)
    summary = {
        "units": len(units),
        **blocked,
        "pairs_scored": pairs_scored,
        "pairs_compared": compared.compared,
        "pairs_kept": len(compared.pairs) - compared.compared,
        "matches": decisions["match"],
        "possible": decisions["possible"],
        "non_matches": decisions["non-match"],
        "families": len({f.family_id for f in families}),
        "map_rows": len(mapped.rows),
        "map_equivalent": relations["equivalent"],
        "map_partial": relations["partial"],
        "map_none": relations["none"],
        "criterion_pairs": len(mapped.criteria),
        "overrides_applied": len(applied),
        "overrides_ignored": len(issues),
        "review": len(review),
        "equivalences_learned": sum(len(v) for v in rarity.equivalences.values()) // 2,
        "model_pairs": model.pairs,
        "model_random_pairs": model.random_pairs,
        "model_iterations": model.iterations,
    }
    return MatchResult(
        unit_matches=matches,
        families=families,
        unit_map=mapped.rows,
        criterion_map=sorted(mapped.criteria, key=attrgetter("from_criterion_key", "to_criterion_key")),
        review=review,
        issues=issues,
        summary=summary,
        model=model.to_json(),
    )
