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

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from pipeline.match.candidates import MATCH, NON_MATCH, POSSIBLE, Candidates, sorted_rows


@dataclass(frozen=True)
class Relation:
    """How one linked pair reads in the map."""

    relation: str  # equivalent / partial
    predicate: str  # SKOS
    cardinality: str  # 1:1 / 1:n / n:1 / n:n


def _ranked(pairs: Candidates) -> np.ndarray:
    """Rows in rank order: greatest match weight first; where weights tie (pairs on the same levels), the closer
    titles, then the closer criteria, then the lowest keys."""
    return sorted_rows([-pairs.weight, -pairs.title, -pairs.criteria, pairs.left, pairs.right])


def _firsts(units: np.ndarray) -> np.ndarray:
    """Where each unit appears first in ``units``: for rows in rank order, which row is that unit's best."""
    rows = np.arange(len(units))
    first = np.full(int(units.max(initial=-1)) + 1, len(units))
    np.minimum.at(first, units, rows)
    found: np.ndarray = first[units] == rows
    return found


def _marked(units: np.ndarray, among: np.ndarray, size: int) -> np.ndarray:
    """Whether each of ``units`` is one of ``among`` (units below ``size``)."""
    marked = np.zeros(size, dtype=bool)
    marked[among] = True
    found: np.ndarray = marked[units]
    return found


def _linked(pairs: Candidates, ranked: np.ndarray, among: np.ndarray) -> np.ndarray:
    """The rows (of those ``among`` holds) each the best of one side or the other: one to one, splits and folds."""
    rows = ranked[among[ranked]]
    found: np.ndarray = rows[_firsts(pairs.left[rows]) | _firsts(pairs.right[rows])]
    return found


def successor_links(pairs: Candidates) -> np.ndarray:
    """The rows of ``pairs`` (old unit on the left, new on the right) that become rows of the map, in key order."""
    ranked = _ranked(pairs)
    live = pairs.decision != NON_MATCH
    links = _linked(pairs, ranked, live & pairs.identity)

    def unlinked() -> np.ndarray:
        """Rows neither of whose units has a link yet."""
        size = len(pairs.keys)
        found: np.ndarray = ~_marked(pairs.left, pairs.left[links], size) & ~_marked(pairs.right, pairs.right[links], size)
        return found

    links = np.concatenate([links, _linked(pairs, ranked, (pairs.decision == MATCH) & unlinked())])
    rows = ranked[(live & unlinked())[ranked]]
    best_old = rows[_firsts(pairs.right[rows])]
    links = np.concatenate([links, best_old[pairs.decision[best_old] == POSSIBLE]])
    found: np.ndarray = links[np.lexsort((pairs.right[links], pairs.left[links]))]
    return found


def links_each(units: np.ndarray) -> np.ndarray:
    """For each link (its unit on one side, ``units``, as numbers), how many links that unit has."""
    _, inverse, counts = np.unique(units, return_inverse=True, return_counts=True)
    found: np.ndarray = counts[inverse.reshape(-1)]
    return found


def relations(old: np.ndarray, new: np.ndarray, exact: Sequence[bool]) -> list[Relation]:
    """Relation, SKOS predicate and cardinality of each link (old unit ``old[i]`` to new unit ``new[i]``, units as
    numbers), from how many links each side has.

    ``exact`` tells the 1:1 links whose evidence is complete (identical titles or
    fully aligned criteria): those read ``skos:exactMatch``, other 1:1 links
    ``skos:closeMatch``. A split old unit is broader than each new part
    (``skos:narrowMatch``: the new unit is narrower); old units folded into one
    new unit are each narrower than it (``skos:broadMatch``).
    """
    return [_relation(many_old, many_new, complete) for many_old, many_new, complete in zip(
        (links_each(new) > 1).tolist(), (links_each(old) > 1).tolist(), exact, strict=True)]


@cache
def _relation(many_old: bool, many_new: bool, exact: bool) -> Relation:
    """The relation of a link from whether its new unit has other old units, its old unit other new units, and its
    evidence is complete: eight cases, each made once."""
    cardinality = f"{'n' if many_old else '1'}:{'n' if many_new else '1'}"
    if not many_new and not many_old:
        return Relation("equivalent", "skos:exactMatch" if exact else "skos:closeMatch", cardinality)
    if many_new and not many_old:
        return Relation("partial", "skos:narrowMatch", cardinality)
    if many_old and not many_new:
        return Relation("partial", "skos:broadMatch", cardinality)
    return Relation("partial", "skos:closeMatch", cardinality)
