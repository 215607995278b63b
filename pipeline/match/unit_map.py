"""The old-to-new table for APEL/RPL (``unit_map``) and the criterion alignment behind it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter

import numpy as np

from pipeline.core.records import CriterionMapRow, Unit, UnitMapRow, from_columns
from pipeline.match.bridges import Bridge
from pipeline.match.candidates import Candidates, Roster, among
from pipeline.match.justify import Evidence, quotes_shared_words, strongest_methods, wording
from pipeline.match.overrides import Override
from pipeline.match.pairs import NO_ROW, PairColumns, aligned_columns, distinct_combinations
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


def _exact(evidence: Evidence) -> np.ndarray:
    """Identical titles, or every criterion on both sides aligned."""
    compared = ~np.isnan(evidence.criteria_score)
    exact: np.ndarray = (evidence.title_score == 1.0) | (compared & (evidence.aligned == evidence.left_criteria)
                                                         & (evidence.aligned == evidence.right_criteria))
    return exact


def _settled(related: list[Relation], kept: np.ndarray) -> tuple[np.ndarray, list[Relation]]:
    """Each link's relation as a number among the relations listed: ``equivalent`` only where ``kept`` (the old unit
    covers the new one whole, or identity is stated), else ``partial``.

    Identity is the same unit reference or a person's ``confirm``; coverage is every
    criterion of the new unit with a counterpart (unknown coverage is not whole).
    """
    # ``relations`` gives a handful of relations, each object many times: they are told apart by identity.
    _, first, inverse = np.unique(np.fromiter(map(id, related), dtype=np.int64, count=len(related)),
                                  return_index=True, return_inverse=True)
    kinds = [related[i] for i in first.tolist()]
    equivalent = np.array([kind.relation == "equivalent" for kind in kinds], dtype=bool)
    inverse = inverse.reshape(-1)
    code = np.where(equivalent[inverse] & ~kept, inverse + len(kinds), inverse)
    return code, kinds + [Relation("partial", "skos:closeMatch", kind.cardinality) for kind in kinds]


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


def read_features(columns: PairColumns, at: np.ndarray, shared: Callable[[Sequence[Pair]], list[tuple[str, ...]]] | None
                  ) -> tuple[Evidence, tuple[list[str], list[str], list[float]]]:
    """What the rows ``at`` of ``columns`` say of their pairs, read a column at a time, and the pairs of criteria
    their alignments hold, row by row, as columns (left key, right key, score).

    The title words two titles share (``shared``, for many pairs at once) are found only where a justification
    quotes them (``justify.quotes_shared_words``; none without ``shared``).
    """
    titles = columns.columns["title_score"][at]
    counts, left, right, scores = aligned_columns(columns.alignments, at)
    quoted = np.flatnonzero(quotes_shared_words(titles)).tolist() if shared else []
    words: list[tuple[str, ...]] = [()] * len(at)
    for i, found in zip(quoted, shared(list(map(columns.pair, at[quoted].tolist()))) if shared and quoted else []):
        words[i] = found
    read = {name: columns.columns[name][at] for name in ("uan_equal", "nos_equal", "criteria_score", "left_criteria",
                                                         "right_criteria", "theme_equal")}
    evidence = Evidence(title_score=titles, title_shared=words, aligned=np.array(counts, dtype=np.int64), **read)
    return evidence, (left, right, scores)


def verdicts(columns: PairColumns, scored: Scored, decided: Mapping[Pair, str], keys: Sequence[Pair],
             at: np.ndarray) -> list[Verdict]:
    """The match probability and decision of pairs ``keys`` (at rows ``at``), a person's decision (``decided``) in
    place of the matcher's."""
    assert (at != NO_ROW).all(), "the map reads compared pairs"
    return [(score, decided.get(key) or DECISIONS[decision])
            for key, score, decision in zip(keys, scored.score[at].tolist(), scored.decision[at].tolist())]


def _none_rows(units: dict[str, Unit], links: list[Links], columns: PairColumns, scored: Scored,
               decided: Mapping[Pair, str], unlinked: list[str], nearest: np.ndarray
               ) -> tuple[list[str], list[float], list[str]]:
    """The justification, confidence and method of the row of each old unit without successor (``unlinked``), from its
    nearest candidate (``nearest``: rows, ``Compared.nearest``), if any."""
    new_schemes = new_schemes_of([found.supersession for found in links])
    best = np.full(len(columns.keys), NO_ROW, dtype=np.int64)
    best[columns.left[nearest]] = nearest
    at = best[np.fromiter(map(columns.position, unlinked), dtype=np.int64, count=len(unlinked))]
    found_at = at[at != NO_ROW]
    pairs = list(map(columns.pair, found_at.tolist()))
    nearby = iter(zip(pairs, verdicts(columns, scored, decided, pairs, found_at), strongest_methods(columns, found_at)))
    texts, confidences, methods = [], [], []
    for key, row in zip(unlinked, at.tolist()):
        if row == NO_ROW:
            text, confidence, method = _none_row(new_schemes[units[key].scheme], None)
        else:
            (_, new_key), verdict, method = next(nearby)
            text, confidence, method = _none_row(new_schemes[units[key].scheme], (units[new_key], verdict, method))
        texts.append(text)
        confidences.append(confidence)
        methods.append(method)
    return texts, confidences, methods


def _columns(table: Sequence[Unit], *names: str) -> list[np.ndarray]:
    """Fields ``names`` of the units of ``table``, a column each, then None (the unit of a row without successor)."""
    found = [np.empty(len(table) + 1, dtype=object) for _ in names]
    for column, values in zip(found, zip(*map(attrgetter(*names), table)), strict=False):  # each unit looked at once
        column[:-1] = values
    return found


def _known(values: np.ndarray, known: np.ndarray, more: int) -> np.ndarray:
    """``values`` as Python numbers where ``known``, else None, then ``more`` None."""
    column = np.full(len(values) + more, None, dtype=object)
    column[:len(values)][known] = values[known].astype(object)
    return column


@dataclass(frozen=True)
class Spoken:
    """What bridges and people say of the rows of links and rejected pairs, a column each: confidence, method, status,
    reviewer, the words before the matcher's (None where no row has any), and which rows a bridge made, a person
    confirmed, or a person decided."""

    confidence: np.ndarray
    method: np.ndarray
    status: np.ndarray
    reviewer: np.ndarray
    prefix: list[str] | None
    bridged: np.ndarray
    confirmed: np.ndarray
    decided: np.ndarray


def _spoken(links: list[Links], keys: list[Pair], size: int, score: np.ndarray, methods: list[str],
            overrides: dict[Pair, Override], decided: Mapping[Pair, str]) -> Spoken:
    """A bridge or a person's decision for the few rows it names (``keys``: the links of every supersession, ``size``
    of them, then the rejected pairs); the matcher's ``score`` and strongest ``methods`` for the links' other rows."""
    confidence = score.copy()
    method = np.array(methods + ["override"] * (len(keys) - size), dtype=object)
    status = np.full(len(keys), "auto", dtype=object)
    reviewer = np.full(len(keys), None, dtype=object)
    bridged, confirmed, person = (np.zeros(len(keys), dtype=bool) for _ in range(3))
    prefixes: dict[int, str] = {}
    start = 0
    for found in links:
        for i, key in enumerate(found.pairs if found.bridged else (), start):
            if (bridge := found.bridged.get(key)) is not None:
                prefixes[i] = f"{bridge.reason}. Direct comparison: "
                confidence[i], method[i], bridged[i] = bridge.confidence, bridge.method, True
        start += len(found.pairs)
    for i, key in enumerate(keys[:size] if overrides or decided else ()):
        person[i] = key in decided
        if (override := overrides.get(key)) is not None:
            prefixes[i] = f"Confirmed by reviewer: {override.note or 'no note'}. Matcher: " + prefixes.get(i, "")
            confidence[i], method[i], status[i], reviewer[i] = 1.0, "override", "confirmed", override.source
            confirmed[i] = True
    for i, key in enumerate(keys[size:], size):
        override = overrides[key]
        prefixes[i] = f"Rejected by reviewer: {override.note or 'no note'}. Matcher: "
        reviewer[i] = override.source
    confidence[size:], status[size:] = 0.0, "rejected"
    prefix = None
    if prefixes:
        prefix = [""] * len(keys)
        for i, text in prefixes.items():
            prefix[i] = text
    return Spoken(confidence, method, status, reviewer, prefix, bridged, confirmed, person)


def _linked_relations(linked: list[np.ndarray], old: np.ndarray, new: np.ndarray, exact: np.ndarray
                      ) -> tuple[np.ndarray, list[Relation]]:
    """For the links of each supersession in turn (``linked``: their rows; ``old``, ``new``: their units as numbers,
    ``exact``: whether their evidence is complete), how many new units each old unit's links reach, and each link's
    relation, from how many links each side has within its supersession."""
    parts = np.ones(len(old), dtype=np.int64)
    related: list[Relation] = []
    start = 0
    for rows in linked:
        part = slice(start, start + len(rows))
        parts[part] = links_each(old[part])
        related += relations(old[part], new[part], exact[part].tolist())
        start += len(rows)
    return parts, related


def _placed(linked: list[np.ndarray], rejected: list[np.ndarray], none: int) -> np.ndarray:
    """Where each row (the links of every supersession, then its rejected pairs, then ``none`` rows without successor)
    stands when each supersession's links and rejected pairs are listed in turn: how rows of one pair are ordered."""
    offsets = np.cumsum([0] + [len(a) + len(b) for a, b in zip(linked, rejected, strict=True)])
    return np.concatenate([np.zeros(0, dtype=np.int64),
                           *(offsets[i] + np.arange(len(rows)) for i, rows in enumerate(linked)),
                           *(offsets[i] + len(linked[i]) + np.arange(len(rows)) for i, rows in enumerate(rejected)),
                           offsets[-1] + np.arange(none)])


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
    The rows of every supersession are read, worded and made together, a column at a time.
    """
    # The links of every supersession, then the pairs a person rejected, then the old units without either.
    linked = [columns.rows(found.pairs) for found in links]
    rejected = [columns.rows(found.rejected) for found in links]
    keys = [key for found in links for key in found.pairs] + [key for found in links for key in found.rejected]
    at = np.concatenate([np.zeros(0, dtype=np.int64), *linked, *rejected])
    assert (at != NO_ROW).all(), "the map reads compared pairs"
    size, none = sum(map(len, linked)), len(unlinked)
    evidence, (left, right, scores) = read_features(columns, at, shared)
    criterion_rows = from_columns(CriterionMapRow, *(column[:sum(evidence.aligned[:size].tolist())]
                                                     for column in (left, right, scores)))
    del left, right, scores
    score = scored.score[at]
    spoken = _spoken(links, keys, size, score, strongest_methods(columns, at[:size]), overrides, decided)
    parts, related = _linked_relations(linked, columns.left[at], columns.right[at], _exact(evidence))
    compared = ~np.isnan(evidence.criteria_score)
    total = np.where(compared, evidence.right_criteria, 0)
    whole = (total > 0) & (evidence.aligned == total)
    code, kinds = _settled(related, (whole | (evidence.uan_equal == 1) | spoken.confirmed)[:size])
    kinds.append(NONE)
    code = np.concatenate([code, np.full(len(at) - size + none, len(kinds) - 1, dtype=np.int64)])

    # The units the rows name, in key order, each read once: a row names its units by their place here.
    unlisted_at = np.fromiter(map(columns.position, unlinked), dtype=np.int64, count=none)
    named = np.concatenate([columns.left[at], columns.right[at], unlisted_at])
    involved = named[distinct_combinations([named])[0]]
    table = [units[columns.keys[position]] for position in involved.tolist()]
    old = np.searchsorted(involved, np.concatenate([columns.left[at], unlisted_at]))
    new = np.searchsorted(involved, columns.right[at])
    worded = wording(table, old[:len(at)], new, evidence, score, parts)
    partial = np.array([kind.relation == "partial" and kind.cardinality == "1:1" for kind in kinds], dtype=bool)
    linking = np.arange(len(at)) < size
    worded.add(linking & (scored.decision[at] == DECISIONS.index("possible")) & ~spoken.decided & ~spoken.bridged, [],
               lambda: "no stronger candidate on either side, listed for review")
    worded.add(partial[code[:len(at)]] & (total > 0), [evidence.aligned, total],
               lambda covered, of: f"partial: {covered} of {of} criteria of the new unit have a counterpart")
    worded.add(partial[code[:len(at)]] & (total == 0), [], lambda: "partial: its criteria could not be compared")
    texts, confidences, methods = _none_rows(units, links, columns, scored, decided, unlinked, nearest)
    justified = np.array(worded.joined(spoken.prefix) + texts, dtype=object)
    del worded, texts
    covered, totals = (_known(column, compared, none) for column in (evidence.aligned, evidence.right_criteria))

    new = np.concatenate([new, np.full(none, len(table), dtype=np.int64)])  # no successor: the None after the units
    # Key order (old unit, then new, a row without successor first), and ties in the order the supersessions list them.
    order = np.lexsort((_placed(linked, rejected, none), np.append(involved, -1)[new], involved[old]))
    old, new = old[order], new[order]
    keyed, scheme, unit_code, title, nos, to_status = _columns(table, "unit_key", "scheme", "unit_code", "title",
                                                               "nos_code", "status")
    stated = np.array([bool(code) for code in nos], dtype=bool)
    relation, predicate, cardinality = (np.array([*map(attrgetter(name), kinds)], dtype=object)[code[order]]
                                        for name in ("relation", "predicate", "cardinality"))
    made = from_columns(
        UnitMapRow, keyed[old].tolist(), scheme[old].tolist(), unit_code[old].tolist(), title[old].tolist(),
        keyed[new].tolist(), scheme[new].tolist(), unit_code[new].tolist(), title[new].tolist(),
        np.where(stated[new], nos[new], nos[old]).tolist(), relation.tolist(), predicate.tolist(), cardinality.tolist(),
        np.concatenate([spoken.confidence, confidences])[order].tolist(),
        np.concatenate([spoken.method, methods])[order].tolist(), justified[order].tolist(), covered[order].tolist(),
        totals[order].tolist(), np.concatenate([spoken.status, np.full(none, "auto", dtype=object)])[order].tolist(),
        np.concatenate([spoken.reviewer, np.full(none, None)])[order].tolist(), to_status[new].tolist())
    return UnitMap(made, criterion_rows)


def new_schemes_of(supersessions: list[Supersession]) -> dict[str, list[str]]:
    """The schemes superseding each old scheme, in order."""
    found: dict[str, list[str]] = defaultdict(list)
    for s in supersessions:
        found[s.old_scheme].append(s.new_scheme)
    return {old: sorted(set(new)) for old, new in found.items()}
