"""The old-to-new table for APEL/RPL (``unit_map``) and the criterion alignment behind it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any

import numpy as np

from pipeline.core.records import CriterionMapRow, Unit, UnitMapRow, from_columns
from pipeline.match.bridges import Bridge
from pipeline.match.candidates import Candidates, Roster, among
from pipeline.match.justify import Evidence, justifications, quotes_shared_words, strongest_methods
from pipeline.match.overrides import Override
from pipeline.match.pairs import NO_ROW, PairColumns, aligned_columns
from pipeline.match.scoring import DECISIONS, Scored
from pipeline.match.succession import Supersession
from pipeline.match.successors import Relation, links_each, relations, successor_links

# A unit with no successor is one row: SSSOM writes that cardinality "1:0".
NO_SUCCESSOR = "1:0"
# The relation of an old unit's row without successor, or of a pair a person rejected.
NONE = Relation("none", "", NO_SUCCESSOR)
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


def _transposed(records: Sequence[Any], width: int) -> list[Sequence[Any]]:
    """Records of ``width`` values (tuples) as columns."""
    return list(zip(*records)) if records else [()] * width


def _fields(records: Sequence[Any], *names: str) -> list[list[Any]]:
    """Fields ``names`` of ``records``, a column each."""
    return [list(map(attrgetter(name), records)) for name in names]


def _rows(olds: Sequence[Unit], news: Sequence[Unit] | None, relations: Sequence[Relation],
          confidences: Sequence[float], methods: Sequence[str], justifications: Sequence[str],
          covered: Sequence[int | None], totals: Sequence[int | None], statuses: Sequence[str],
          reviewers: Sequence[str | None]) -> list[UnitMapRow]:
    """Map rows from their columns (``news``: None for old units without successor)."""
    nos_codes = [old.nos_code for old in olds]
    if news is None:
        new: list[list[Any]] = [[None] * len(olds)] * 5
    else:
        new = _fields(news, "unit_key", "scheme", "unit_code", "title", "status")
        nos_codes = [new_unit.nos_code or nos_code for nos_code, new_unit in zip(nos_codes, news, strict=True)]
    return from_columns(UnitMapRow, *_fields(olds, "unit_key", "scheme", "unit_code", "title"), *new[:4], nos_codes,
                        *_fields(relations, "relation", "predicate", "cardinality"), confidences, methods,
                        justifications, covered, totals, statuses, reviewers, new[4])


def _coverage(evidence: Evidence) -> tuple[list[int | None], list[int | None]]:
    """Each row's (new-unit criteria with a counterpart, new-unit criteria); None where a side has none."""
    compared = [score is not None for score in evidence.criteria_score]
    return ([aligned if known else None for aligned, known in zip(evidence.aligned, compared)],
            [total if known else None for total, known in zip(evidence.right_criteria, compared)])


def _exact(evidence: Evidence) -> list[bool]:
    """Identical titles, or every criterion on both sides aligned."""
    return [title == 1.0 or (criteria is not None and aligned == left == right)
            for title, criteria, aligned, left, right in zip(evidence.title_score, evidence.criteria_score,
                                                             evidence.aligned, evidence.left_criteria,
                                                             evidence.right_criteria)]


def _settled(relation: Relation, covered: int | None, total: int | None, uan_equal: bool | None,
             override: Override | None) -> Relation:
    """``equivalent`` only where the old unit covers the new one whole or identity is stated; else ``partial``.

    Identity is the same unit reference or a person's ``confirm``; coverage is every
    criterion of the new unit with a counterpart (unknown coverage is not whole).
    """
    whole = bool(total) and covered == total
    if relation.relation != "equivalent" or whole or uan_equal or override is not None:
        return relation
    return Relation("partial", "skos:closeMatch", relation.cardinality)


def _linked_rows(units: dict[str, Unit], keys: list[Pair], ends: tuple[np.ndarray, np.ndarray], evidence: Evidence,
                 verdicts: list[Verdict], methods: list[str], overrides: dict[Pair, Override],
                 bridged: dict[Pair, Bridge]) -> list[UnitMapRow]:
    """The rows of one supersession's links (``keys``, in key order; ``ends``: their old and new units as numbers)
    from their evidence, verdicts and strongest methods."""
    olds, news = [units[old] for old, _ in keys], [units[new] for _, new in keys]
    texts = justifications(olds, news, evidence, [score for score, _ in verdicts], links_each(ends[0]).tolist())
    covered, totals = _coverage(evidence)
    found: list[tuple[Relation, float, str, str, str, str | None]] = []  # each row's columns from its relation on
    for key, (score, decision), method, text, covers, total, uan, related in zip(
            keys, verdicts, methods, texts, covered, totals, evidence.uan_equal, relations(*ends, _exact(evidence)),
            strict=True):
        override, bridge = overrides.get(key), bridged.get(key)
        relation = _settled(related, covers, total, uan, override)
        confidence = score
        if bridge is not None:
            text = f"{bridge.reason}. Direct comparison: {text}"
            confidence, method = bridge.confidence, bridge.method
        elif decision == "possible":
            text += "; no stronger candidate on either side, listed for review"
        if relation.relation == "partial" and relation.cardinality == "1:1":
            text += ("; partial: " + (f"{covers} of {total} criteria of the new unit have a counterpart"
                                      if total else "its criteria could not be compared"))
        if override is None:
            found.append((relation, confidence, method, text, "auto", None))
        else:
            found.append((relation, 1.0, "override", f"Confirmed by reviewer: {override.note or 'no note'}. "
                          f"Matcher: {text}", "confirmed", override.source))
    relation_of, confidences, methods_of, justified, statuses, reviewers = _transposed(found, 6)
    return _rows(olds, news, relation_of, confidences, methods_of, justified, covered, totals, statuses, reviewers)


def _rejected_rows(units: dict[str, Unit], keys: list[Pair], evidence: Evidence, verdicts: list[Verdict],
                   overrides: dict[Pair, Override]) -> list[UnitMapRow]:
    """The rows of the pairs a person rejected."""
    olds, news = [units[old] for old, _ in keys], [units[new] for _, new in keys]
    texts = justifications(olds, news, evidence, [score for score, _ in verdicts], [1] * len(keys))
    notes = [overrides[key] for key in keys]
    size = len(keys)
    return _rows(olds, news, [NONE] * size, [0.0] * size, ["override"] * size,
                 [f"Rejected by reviewer: {o.note or 'no note'}. Matcher: {text}" for o, text in zip(notes, texts)],
                 *_coverage(evidence), ["rejected"] * size, [o.source for o in notes])


def _none_row(new_schemes: list[str], best: tuple[Unit, Verdict, str] | None) -> tuple[str, float, str]:
    """The justification, confidence and method of the row of an old unit without successor (in ``new_schemes``):
    how close the nearest candidate (``best``: the unit, its pair's verdict and strongest evidence), if any, came."""
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
    return reason, confidence, method


@dataclass(frozen=True)
class Links:
    """One supersession's links in key order, as units (``ends``: a row (old, new) each, places among ``keys``), those
    of them that families make, and the pairs a person rejected."""

    supersession: Supersession
    ends: np.ndarray
    keys: tuple[str, ...]
    bridged: dict[tuple[str, str], Bridge]
    rejected: list[tuple[str, str]]

    @cached_property
    def pairs(self) -> list[tuple[str, str]]:
        """The links as (old key, new key), made when the map reads them."""
        keys = self.keys
        return [(keys[old], keys[new]) for old, new in self.ends.tolist()]


def successor_pairs(units: Roster, supersessions: list[Supersession], pairs: Candidates,
                    earlier: list[np.ndarray] | None = None, since: int = 0) -> list[np.ndarray]:
    """Each supersession's successor links among ``pairs`` (older scheme on the left, the overrides' decisions in
    place), a row (old, new) each, units as places in the roster, in key order. ``earlier``: the links found among the
    rows before ``since``, which stand for each supersession that no later row is a pair of."""
    here = units.here(pairs.keys)
    scheme = np.append(units.scheme, -1)  # -1: a unit not on the roster
    left, right = scheme[here[pairs.left]], scheme[here[pairs.right]]
    code = {name: i for i, name in enumerate(units.schemes)}
    found = []
    for i, s in enumerate(supersessions):
        old, new = code.get(s.old_scheme, -1), code.get(s.new_scheme, -1)
        if earlier is not None and not ((left[since:] == old) & (right[since:] == new)).any():
            found.append(earlier[i])
            continue
        scoped = pairs.where(np.flatnonzero((left == old) & (right == new)))
        rows = successor_links(scoped)
        found.append(np.stack([here[scoped.left[rows]], here[scoped.right[rows]]], axis=1))
    return found


def map_links(
    units: Roster,
    supersessions: list[Supersession],
    successors: list[np.ndarray],
    overrides: dict[tuple[str, str], Override],
    bridges: dict[tuple[str, str], Bridge] | None = None,
) -> list[Links]:
    """Each supersession's links: its ``successors`` (``successor_pairs``), the pairs a person confirmed, and
    ``bridges`` (links the families make for old units left without a successor, ``pipeline.match.bridges``) where
    no other link is."""
    def schemes(key: Pair) -> tuple[str, str]:
        old, new = key
        return units.units[units.position[old]].scheme, units.units[units.position[new]].scheme

    # The decided pairs by the schemes of their units, each looked at once; the bridged pairs as units.
    decided: dict[tuple[str, str], list[tuple[Pair, str]]] = defaultdict(list)
    for key, override in overrides.items():
        decided[schemes(key)].append((key, override.decision))
    given = bridges or {}
    bridged_keys = list(given)
    bridged_at = units.ends(bridged_keys)
    bridged_schemes = units.scheme[bridged_at]
    code = {name: i for i, name in enumerate(units.schemes)}
    size = len(units.keys)
    found = []
    for s, ends in zip(supersessions, successors, strict=True):
        scope = (s.old_scheme, s.new_scheme)
        confirmed = [k for k, decision in decided.get(scope, []) if decision == "confirm"]
        bridging = np.flatnonzero((bridged_schemes[:, 0] == code.get(s.old_scheme, -1))
                                  & (bridged_schemes[:, 1] == code.get(s.new_scheme, -1)))
        bridged: dict[Pair, Bridge] = {}
        if confirmed or len(bridging):
            # The few pairs added where no link is, merged into the links' key order (positions follow it).
            linked = ends[:, 0] * size + ends[:, 1]  # in order
            confirmed_at = units.ends(confirmed)
            confirmed_at = confirmed_at[~among(confirmed_at[:, 0] * size + confirmed_at[:, 1], linked)]
            bridging = bridging[~among(bridged_at[bridging, 0] * size + bridged_at[bridging, 1], np.sort(
                np.concatenate([linked, confirmed_at[:, 0] * size + confirmed_at[:, 1]])))]
            bridged = {key: given[key] for key in map(bridged_keys.__getitem__, bridging.tolist())}
            added = np.concatenate([ends, confirmed_at, bridged_at[bridging]])
            ends = np.stack(np.divmod(np.unique(added[:, 0] * size + added[:, 1]), size), axis=1)
        rejected = [k for k, decision in decided.get(scope, []) if decision == "reject"]
        found.append(Links(s, ends, units.keys, bridged, rejected))
    return found


def unlisted(units: Roster, links: list[Links]) -> np.ndarray:
    """The old units (places in the roster) with neither a link nor a person's rejection: the map gives each a
    ``none`` row. By scheme, then key."""
    old_schemes = {found.supersession.old_scheme for found in links}
    wanted = np.isin(units.scheme, [i for i, name in enumerate(units.schemes) if name in old_schemes])
    for found in links:
        wanted[found.ends[:, 0]] = False
        wanted[units.ends(found.rejected)[:, 0]] = False
    old = np.flatnonzero(wanted)
    found_old: np.ndarray = old[np.argsort(units.scheme[old], kind="stable")]  # schemes are numbered in order
    return found_old


def read_features(columns: PairColumns, keys: Sequence[Pair], at: np.ndarray,
                  shared: Callable[[Sequence[Pair]], list[tuple[str, ...]]] | None
                  ) -> tuple[Evidence, tuple[list[str], list[str], list[float]]]:
    """What the rows say of pairs ``keys`` (each compared, at rows ``at``), read from ``columns`` a column at a time,
    and the pairs of criteria their alignments hold, row by row, as columns (left key, right key, score).

    The title words two titles share (``shared``, for many pairs at once) are found only where a justification
    quotes them (``justify.quotes_shared_words``; none without ``shared``).
    """
    titles = columns.column("title_score", at)
    counts, left, right, scores = aligned_columns(columns.alignments, at)
    quoted = [i for i, title in enumerate(titles) if quotes_shared_words(title)] if shared else []
    words: list[tuple[str, ...]] = [()] * len(keys)
    for i, found in zip(quoted, shared([keys[i] for i in quoted]) if shared and quoted else []):
        words[i] = found
    evidence = Evidence(columns.column("uan_equal", at), columns.column("nos_equal", at), titles, words,
                        columns.column("criteria_score", at), columns.column("left_criteria", at),
                        columns.column("right_criteria", at), columns.column("theme_equal", at), counts)
    return evidence, (left, right, scores)


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
    unlinked: list[str],
    nearest: np.ndarray,
    shared: Callable[[Sequence[Pair]], list[tuple[str, ...]]],
    overrides: dict[Pair, Override],
) -> UnitMap:
    """Rows for every unit of every superseded scheme: its successors, or one ``none`` row; in key order (old unit,
    then new, a row without successor first).

    The rows read their pairs from ``columns`` and ``scored``, with a person's decision (``decided``, by pair) in
    place: every link, every pair a person decided, and the nearest candidate of each old unit without either
    (``unlinked``, as ``unlisted`` gives them; ``nearest``: rows, one for each of those with a candidate,
    ``Compared.nearest``); the title words two titles share from ``shared`` (``read_features``).
    A confirmed pair is always a link, a rejected one never is, and both get ``method = override``.
    """
    rows: list[UnitMapRow] = []
    criterion_rows: list[CriterionMapRow] = []
    ends: list[tuple[np.ndarray, np.ndarray]] = []  # each row's old and new unit, as numbers
    for found in links:  # a supersession at a time: what its rows say is held for its rows alone
        ordered = found.pairs
        at = columns.rows(ordered)
        evidence, (left, right, scores) = read_features(columns, ordered, at, shared)
        ends.append((columns.left[at], columns.right[at]))
        rows += _linked_rows(units, ordered, ends[-1], evidence, verdicts(columns, scored, decided, ordered, at),
                             strongest_methods(columns, at), overrides, found.bridged)
        criterion_rows += from_columns(CriterionMapRow, left, right, scores)
        rejected = found.rejected
        at = columns.rows(rejected)
        ends.append((columns.left[at], columns.right[at]))
        rows += _rejected_rows(units, rejected, read_features(columns, rejected, at, shared)[0],
                               verdicts(columns, scored, decided, rejected, at), overrides)

    new_schemes = new_schemes_of([found.supersession for found in links])
    nearest_of = {columns.keys[left]: row for left, row in zip(columns.left[nearest].tolist(), nearest.tolist())}
    olds = [units[key] for key in unlinked]
    at = np.array([nearest_of.get(old.unit_key, NO_ROW) for old in olds], dtype=np.int64)
    found_at = at[at != NO_ROW]
    best = [columns.pair(row) for row in found_at.tolist()]
    nearby = iter(zip(best, verdicts(columns, scored, decided, best, found_at), strongest_methods(columns, found_at)))
    unmapped = []
    for old, row in zip(olds, at.tolist()):
        if row == NO_ROW:
            unmapped.append(_none_row(new_schemes[old.scheme], None))
        else:
            (_, new_key), verdict, method = next(nearby)
            unmapped.append(_none_row(new_schemes[old.scheme], (units[new_key], verdict, method)))
    texts, confidences, methods = _transposed(unmapped, 3)
    size = len(olds)
    rows += _rows(olds, None, [NONE] * size, confidences, methods, texts, [None] * size, [None] * size,
                  ["auto"] * size, [None] * size)
    # Positions follow key order; a row without successor has none (before every position).
    position = columns.position
    ends.append((np.array([position(key) for key in unlinked], dtype=np.int64), np.full(size, -1, dtype=np.int64)))
    order = np.lexsort((np.concatenate([new for _, new in ends]), np.concatenate([old for old, _ in ends])))
    return UnitMap([rows[i] for i in order.tolist()], criterion_rows)


def new_schemes_of(supersessions: list[Supersession]) -> dict[str, list[str]]:
    """The schemes superseding each old scheme, in order."""
    found: dict[str, list[str]] = defaultdict(list)
    for s in supersessions:
        found[s.old_scheme].append(s.new_scheme)
    return {old: sorted(set(new)) for old, new in found.items()}
