"""The old-to-new table for APEL/RPL (``unit_map``) and the criterion alignment behind it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.core.records import CriterionMapRow, Unit, UnitMapRow
from pipeline.match.bridges import Bridge
from pipeline.match.candidates import Candidates
from pipeline.match.features import Features
from pipeline.match.justify import justification, quotes_shared_words, strongest_methods
from pipeline.match.overrides import Override
from pipeline.match.pairs import NO_ROW, PairColumns
from pipeline.match.scoring import DECISIONS, Scored
from pipeline.match.succession import Supersession
from pipeline.match.successors import Relation, relations, successor_links

# A unit with no successor is one row: SSSOM writes that cardinality "1:0".
NO_SUCCESSOR = "1:0"
# A "none" row that no comparison backs is a coin toss, not a certainty.
NO_EVIDENCE_CONFIDENCE = 0.5


Pair = tuple[str, str]
# A pair's match probability and decision, as a map row reads them.
Verdict = tuple[float, str]


@dataclass(frozen=True)
class UnitMap:
    """The map's rows and the criterion pairs of its mapped rows."""

    rows: list[UnitMapRow]
    criteria: list[CriterionMapRow]


def _is_exact(features: Features) -> bool:
    """Identical titles, or every criterion on both sides aligned."""
    aligned = len(features.alignment)
    complete = features.criteria_score is not None and aligned == features.left_criteria == features.right_criteria
    return features.title_score == 1.0 or complete


def _settled(relation: Relation, features: Features, override: Override | None) -> Relation:
    """``equivalent`` only where the old unit covers the new one whole or identity is stated; else ``partial``.

    Identity is the same unit reference or a person's ``confirm``; coverage is every
    criterion of the new unit with a counterpart (unknown coverage is not whole).
    """
    covered, total = _coverage(features)
    whole = bool(total) and covered == total
    if relation.relation != "equivalent" or whole or features.uan_equal or override is not None:
        return relation
    return Relation("partial", "skos:closeMatch", relation.cardinality)


def _coverage(features: Features) -> tuple[int | None, int | None]:
    """(new-unit criteria with a counterpart, new-unit criteria); None when a side has none."""
    if features.criteria_score is None:
        return None, None
    return len(features.alignment), features.right_criteria


def _row(old: Unit, new: Unit | None, *, relation: str, predicate: str, cardinality: str, confidence: float,
         method: str, justification: str, criteria_covered: int | None, criteria_total: int | None, status: str,
         reviewer: str | None) -> UnitMapRow:
    # Positional: the map has a row for every old unit and every link, and keywords cost a third of a row.
    if new is None:
        return UnitMapRow(old.unit_key, old.scheme, old.unit_code, old.title, None, None, None, None, old.nos_code,
                          relation, predicate, cardinality, confidence, method, justification, criteria_covered,
                          criteria_total, status, reviewer, None)
    return UnitMapRow(old.unit_key, old.scheme, old.unit_code, old.title, new.unit_key, new.scheme, new.unit_code,
                      new.title, new.nos_code or old.nos_code, relation, predicate, cardinality, confidence, method,
                      justification, criteria_covered, criteria_total, status, reviewer, new.status)


def _linked_row(
    old: Unit,
    new: Unit,
    verdict: Verdict,
    features: Features,
    method: str,
    relation: Relation,
    parts: int,
    override: Override | None,
    bridge: Bridge | None = None,
) -> UnitMapRow:
    covered, total = _coverage(features)
    score, decision = verdict
    evidence = justification(old, new, features, score, parts)
    confidence = score
    if bridge is not None:
        evidence = f"{bridge.reason}. Direct comparison: {evidence}"
        confidence, method = bridge.confidence, bridge.method
    elif decision == "possible":
        evidence += "; no stronger candidate on either side, listed for review"
    if relation.relation == "partial" and relation.cardinality == "1:1":
        evidence += ("; partial: " + (f"{covered} of {total} criteria of the new unit have a counterpart"
                                      if total else "its criteria could not be compared"))
    if override is not None:
        evidence = f"Confirmed by reviewer: {override.note or 'no note'}. Matcher: {evidence}"
    return _row(
        old,
        new,
        relation=relation.relation,
        predicate=relation.predicate,
        cardinality=relation.cardinality,
        confidence=1.0 if override else confidence,
        method="override" if override else method,
        justification=evidence,
        criteria_covered=covered,
        criteria_total=total,
        status="confirmed" if override else "auto",
        reviewer=override.source if override else None,
    )


def _rejected_row(old: Unit, new: Unit, verdict: Verdict, features: Features, override: Override) -> UnitMapRow:
    covered, total = _coverage(features)
    return _row(
        old,
        new,
        relation="none",
        predicate="",
        cardinality=NO_SUCCESSOR,
        confidence=0.0,
        method="override",
        justification=f"Rejected by reviewer: {override.note or 'no note'}. Matcher: "
        + justification(old, new, features, verdict[0], 1),
        criteria_covered=covered,
        criteria_total=total,
        status="rejected",
        reviewer=override.source,
    )


def _none_row(
    old: Unit, new_schemes: list[str], best: tuple[Unit, Verdict, str] | None
) -> UnitMapRow:
    """The row of an old unit without successor: how close the nearest candidate (``best``: the unit, its pair's
    verdict and strongest evidence), if any, came."""
    where = " or ".join(new_schemes)
    if best is None:
        reason = (
            f"No evidence either way: no unit of {where} shares a NOS code, unit reference or rare title or "
            "criterion word, so none was compared"
        )
        confidence, method = NO_EVIDENCE_CONFIDENCE, "title"
    else:
        other, (score, decision), method = best
        reason = (
            f"No successor in {where}: closest candidate {other.unit_code} \u2018{other.title}\u2019 "
            f"at match probability {score:.3f} ({decision})"
        )
        confidence = round(1.0 - score, 4)
    return _row(
        old,
        None,
        relation="none",
        predicate="",
        cardinality=NO_SUCCESSOR,
        confidence=confidence,
        method=method,
        justification=reason,
        criteria_covered=None,
        criteria_total=None,
        status="auto",
        reviewer=None,
    )


@dataclass(frozen=True)
class Links:
    """One supersession's links (old key, new key) in key order, those of them that families make, and the pairs
    a person rejected."""

    supersession: Supersession
    pairs: list[tuple[str, str]]
    bridged: dict[tuple[str, str], Bridge]
    rejected: list[tuple[str, str]]


def map_links(
    units: dict[str, Unit],
    supersessions: list[Supersession],
    pairs: Candidates,
    overrides: dict[tuple[str, str], Override],
    bridges: dict[tuple[str, str], Bridge] | None = None,
) -> list[Links]:
    """Each supersession's links: the successors among ``pairs`` (older scheme on the left, the overrides'
    decisions in place), the pairs a person confirmed, and ``bridges`` (links the families make for old units
    left without a successor, ``pipeline.match.bridges``) where no other link is."""
    bridges = bridges or {}
    names, left, right = pairs.scheme_pairs({k: u.scheme for k, u in units.items()})
    code = {name: i for i, name in enumerate(names)}
    found = []
    for s in supersessions:
        in_scope = (left == code.get(s.old_scheme, -1)) & (right == code.get(s.new_scheme, -1))
        scoped = pairs.where(in_scope)
        ordered = scoped.pairs(successor_links(scoped))  # in key order
        links = set(ordered)

        def scope(key: tuple[str, str], s: Supersession = s) -> bool:
            return (units[key[0]].scheme, units[key[1]].scheme) == (s.old_scheme, s.new_scheme)

        confirmed = [k for k, o in overrides.items() if scope(k) and o.decision == "confirm" and k not in links]
        links.update(confirmed)
        bridged = {k: b for k, b in bridges.items() if scope(k) and k not in links}
        rejected = [k for k, o in overrides.items() if scope(k) and o.decision == "reject"]
        # The few pairs added to links already in order: a sort that finds the order kept (one run) and merges them.
        added = sorted(set(confirmed) | set(bridged))
        found.append(Links(s, sorted(ordered + added) if added else ordered, bridged, rejected))
    return found


def unlisted(units: dict[str, Unit], links: list[Links]) -> list[str]:
    """The old units with neither a link nor a person's rejection: the map gives each a ``none`` row. By scheme,
    then key."""
    listed = {old for found in links for old, _ in found.pairs + found.rejected}
    old_schemes = {found.supersession.old_scheme for found in links}
    return sorted((k for k, u in units.items() if u.scheme in old_schemes and k not in listed),
                  key=lambda k: (units[k].scheme, k))


def read_features(columns: PairColumns, keys: Sequence[Pair], at: np.ndarray,
                  shared: Callable[[str, str], tuple[str, ...]] | None) -> list[Features]:
    """The features of pairs ``keys`` (each compared, at rows ``at``), read from ``columns`` a column at a time.

    The title words two titles share (``shared``) are found only where a justification quotes them
    (``justify.quotes_shared_words``; none without ``shared``).
    """
    titles = columns.column("title_score", at)
    return columns.features(at, [shared(*key) if shared and quotes_shared_words(title) else ()
                                 for key, title in zip(keys, titles, strict=True)])


def verdicts(columns: PairColumns, scored: Scored, decided: Mapping[Pair, str], keys: Sequence[Pair],
             at: np.ndarray) -> list[Verdict]:
    """The match probability and decision of pairs ``keys`` (at rows ``at``), a person's decision (``decided``) in
    place of the matcher's."""
    assert (at != NO_ROW).all(), "the map reads compared pairs"
    return [(score, decided.get(key) or DECISIONS[decision])
            for key, score, decision in zip(keys, scored.score[at].tolist(), scored.decision[at].tolist())]


def build_unit_map(
    units: dict[str, Unit],
    links: list[Links],
    columns: PairColumns,
    scored: Scored,
    decided: Mapping[Pair, str],
    nearest: np.ndarray,
    shared: Callable[[str, str], tuple[str, ...]],
    overrides: dict[Pair, Override],
) -> UnitMap:
    """Rows for every unit of every superseded scheme: its successors, or one ``none`` row.

    The rows read their pairs from ``columns`` and ``scored``, with a person's decision (``decided``, by pair) in
    place: every link, every pair a person decided, and the nearest candidate of each old unit without either
    (``nearest``: rows, one for each old unit with a candidate, ``Compared.nearest``); the title words two titles
    share from ``shared`` (``read_features``).
    A confirmed pair is always a link, a rejected one never is, and both get ``method = override``.
    """
    rows: list[UnitMapRow] = []
    criterion_rows: list[CriterionMapRow] = []
    for found in links:
        ordered = found.pairs
        at = columns.rows(ordered)
        features = read_features(columns, ordered, at, shared)
        exact = {k for k, read in zip(ordered, features) if _is_exact(read)}
        related = relations(ordered, exact)
        parts = Counter(old for old, _ in ordered)
        for key, read, verdict, method in zip(ordered, features, verdicts(columns, scored, decided, ordered, at),
                                              strongest_methods(columns, at)):
            old, new = units[key[0]], units[key[1]]
            override = overrides.get(key)
            relation = _settled(related[key], read, override)
            rows.append(_linked_row(old, new, verdict, read, method, relation, parts[key[0]], override,
                                    found.bridged.get(key)))
        criterion_rows += [CriterionMapRow(a.left_key, a.right_key, a.score) for read in features for a in read.alignment]
        rejected = found.rejected
        at = columns.rows(rejected)
        rows += [_rejected_row(units[k[0]], units[k[1]], verdict, f, overrides[k])
                 for k, verdict, f in zip(rejected, verdicts(columns, scored, decided, rejected, at),
                                          read_features(columns, rejected, at, shared))]

    new_schemes = new_schemes_of([found.supersession for found in links])
    nearest_of = {columns.keys[left]: row for left, row in zip(columns.left[nearest].tolist(), nearest.tolist())}
    olds = [units[key] for key in unlisted(units, links)]
    at = np.array([nearest_of.get(old.unit_key, NO_ROW) for old in olds], dtype=np.int64)
    found_at = at[at != NO_ROW]
    best = [columns.pair(row) for row in found_at.tolist()]
    nearby = iter(zip(best, verdicts(columns, scored, decided, best, found_at), strongest_methods(columns, found_at)))
    for old, row in zip(olds, at.tolist()):
        if row == NO_ROW:
            rows.append(_none_row(old, new_schemes[old.scheme], None))
        else:
            (_, new_key), verdict, method = next(nearby)
            rows.append(_none_row(old, new_schemes[old.scheme], (units[new_key], verdict, method)))
    return UnitMap(rows, criterion_rows)


def new_schemes_of(supersessions: list[Supersession]) -> dict[str, list[str]]:
    """The schemes superseding each old scheme, in order."""
    found: dict[str, list[str]] = defaultdict(list)
    for s in supersessions:
        found[s.old_scheme].append(s.new_scheme)
    return {old: sorted(set(new)) for old, new in found.items()}
