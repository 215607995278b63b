"""Which new units succeed each old unit: a one-to-one-first assignment over the scored pairs.

Pairwise scores say how alike two units are; a successor table also needs the
units' competitors. Within one supersession (old scheme -> new scheme), candidates
ranked by match weight (probabilities round to 1 where the evidence is strong):

1. Identity first: a ``match`` or ``possible`` pair whose units state the same
   unit reference or NOS code, or carry the same title once normalised, is a
   link when each side is the other's best such pair (or one side's best: a unit
   the documents split). A title carried over word for word outranks any
   reworded one, whatever the weights.
   A unit so linked is accounted for: a near title elsewhere ("Organise the
   delivery of reliable customer service" beside "Deliver reliable customer
   service") is another competence, not a share of it.
2. Among the other ``match`` pairs, of units not accounted for, a pair is a link
   when each side is the other's best match, or when the old unit is the new
   unit's best match (several new units each best explained by one old unit: the
   old unit was split), or the new unit is the old unit's best (several old units
   folded into one new unit).
3. A ``possible`` pair is a link when neither unit has a link yet and the old
   unit is the new unit's best candidate: the best evidence there is, with
   nothing better competing for either side. Such links keep their lower confidence and stay on
   the review list. Any other old unit gets ``none``, its candidates left for review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.core.records import UnitMatch


@dataclass(frozen=True)
class Relation:
    """How one linked pair reads in the map."""

    relation: str  # equivalent / partial
    predicate: str  # SKOS
    cardinality: str  # 1:1 / 1:n / n:1 / n:n


def _rank(pair: UnitMatch) -> tuple[float | str, ...]:
    """Greatest match weight first; where weights tie (pairs on the same levels), the closer titles, then
    the closer criteria, then the lowest keys."""
    return (-pair.match_weight, -(pair.title_score or 0.0), -(pair.criteria_score or 0.0), pair.left_key,
            pair.right_key)


def _best(pairs: Iterable[UnitMatch], side: str) -> dict[str, UnitMatch]:
    """For each unit on ``side`` ("left"/"right"), its best-ranked pair (``_rank``)."""
    best: dict[str, UnitMatch] = {}
    for pair in sorted(pairs, key=_rank):
        best.setdefault(pair.left_key if side == "left" else pair.right_key, pair)
    return best


def is_identity(pair: UnitMatch) -> bool:
    """The documents state one reference or NOS code for both units, or both carry one title."""
    return bool(pair.uan_equal or pair.nos_equal or pair.title_score == 1.0)


def _linked(pairs: list[UnitMatch]) -> list[UnitMatch]:
    """The pairs each the best of one side or the other (one to one, splits and folds)."""
    best_new = _best(pairs, "left")
    best_old = _best(pairs, "right")
    return [p for p in pairs if best_new[p.left_key] == p or best_old[p.right_key] == p]


def successor_links(pairs: list[UnitMatch]) -> list[UnitMatch]:
    """The pairs (old unit on the left, new on the right) that become rows of the map."""
    matched = [p for p in pairs if p.decision == "match"]
    links = _linked([p for p in pairs if p.decision != "non-match" and is_identity(p)])
    old = {p.left_key for p in links}
    new = {p.right_key for p in links}
    links += _linked([p for p in matched if p.left_key not in old and p.right_key not in new])

    old = {p.left_key for p in links}
    new = {p.right_key for p in links}
    open_pairs = [p for p in pairs if p.decision != "non-match" and p.left_key not in old and p.right_key not in new]
    best_old = _best(open_pairs, "right")
    links += [p for p in open_pairs if p.decision == "possible" and best_old[p.right_key] == p]
    return sorted(links, key=lambda p: (p.left_key, p.right_key))


def relations(links: list[tuple[str, str]], exact: set[tuple[str, str]]) -> dict[tuple[str, str], Relation]:
    """Relation, SKOS predicate and cardinality of each link, from how many links each side has.

    ``exact`` holds the 1:1 links whose evidence is complete (identical titles or
    fully aligned criteria): those read ``skos:exactMatch``, other 1:1 links
    ``skos:closeMatch``. A split old unit is broader than each new part
    (``skos:narrowMatch``: the new unit is narrower); old units folded into one
    new unit are each narrower than it (``skos:broadMatch``).
    """
    per_old: dict[str, int] = {}
    per_new: dict[str, int] = {}
    for old, new in links:
        per_old[old] = per_old.get(old, 0) + 1
        per_new[new] = per_new.get(new, 0) + 1
    out = {}
    for old, new in links:
        many_new, many_old = per_old[old] > 1, per_new[new] > 1
        cardinality = f"{'n' if many_old else '1'}:{'n' if many_new else '1'}"
        if not many_new and not many_old:
            predicate = "skos:exactMatch" if (old, new) in exact else "skos:closeMatch"
            out[(old, new)] = Relation("equivalent", predicate, cardinality)
        elif many_new and not many_old:
            out[(old, new)] = Relation("partial", "skos:narrowMatch", cardinality)
        elif many_old and not many_new:
            out[(old, new)] = Relation("partial", "skos:broadMatch", cardinality)
        else:
            out[(old, new)] = Relation("partial", "skos:closeMatch", cardinality)
    return out
