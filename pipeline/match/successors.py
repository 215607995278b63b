"""Which new units succeed each old unit: a one-to-one-first assignment over the scored pairs.

Pairwise scores say how alike two units are; a successor table also needs the
units' competitors. Within one supersession (old scheme -> new scheme):

1. A ``match`` pair is a link when each side is the other's best match, or when
   the old unit is the new unit's best match (several new units each best
   explained by one old unit: the old unit was split), or the new unit is the old
   unit's best (several old units folded into one new unit).
2. A ``possible`` pair is a link when the old unit has no ``match`` link and is the
   new unit's best candidate, and the new unit has no ``match`` candidate of its
   own: the best evidence there is, with nothing better competing for either
   side. Such links keep their lower confidence and stay on the review list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from pipeline.core.records import UnitMatch


@dataclass(frozen=True)
class Relation:
    """How one linked pair reads in the map."""

    relation: str  # equivalent / partial
    predicate: str  # SKOS
    cardinality: str  # 1:1 / 1:n / n:1 / n:n


def _best(pairs: Iterable[UnitMatch], side: str) -> dict[str, UnitMatch]:
    """For each unit on ``side`` ("left"/"right"), its highest-scoring pair (ties: lowest keys)."""
    best: dict[str, UnitMatch] = {}
    for pair in sorted(pairs, key=lambda p: (-p.score, p.left_key, p.right_key)):
        best.setdefault(pair.left_key if side == "left" else pair.right_key, pair)
    return best


def successor_links(pairs: list[UnitMatch]) -> list[UnitMatch]:
    """The pairs (old unit on the left, new on the right) that become rows of the map."""
    matched = [p for p in pairs if p.decision == "match"]
    best_new = _best(matched, "left")
    best_old = _best(matched, "right")
    links = [p for p in matched if best_new[p.left_key] == p or best_old[p.right_key] == p]

    linked_old = {p.left_key for p in links}
    has_match = {p.right_key for p in matched}
    possible = [p for p in pairs if p.decision == "possible"]
    best_possible_old = _best([p for p in pairs if p.decision != "non-match"], "right")
    links += [
        p
        for p in possible
        if p.left_key not in linked_old and p.right_key not in has_match and best_possible_old[p.right_key] == p
    ]
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
