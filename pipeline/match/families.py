"""Families: units of every scheme and level grouped as one competence.

Units are joined in order of how sure the evidence is: first the NOS code the
units state themselves, then the links of the old-to-new map and the pairs a
person confirmed (which may join a split unit's parts into one family), then the remaining ``match`` pairs, best
first, each only if it keeps the family to one unit per scheme. A family's id is
its NOS code (codes joined by ``+`` when a split unit spans two standards); a
family without one is named by its first unit key.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pipeline.core.records import Family, from_columns
from pipeline.match.candidates import Candidates, Roster, sorted_rows

# Pairs read as Python integers at a time.
CHUNK = 65_536


class _Groups:
    """Union-find over units (positions in their keys' sorted order) that tracks each group's schemes.

    A group's schemes are one integer's bits, kept per group rather than gathered from its members at each check:
    a group that a NOS code joins grows with the corpus. A group is named by its lowest position (its first key).
    """

    def __init__(self, schemes: list[int]):
        self.parent = list(range(len(schemes)))
        self.schemes = [1 << scheme for scheme in schemes]
        # Python integers where there are more schemes than a 64-bit integer has bits.
        self.bits: type = object if max(schemes, default=0) >= 63 else np.int64

    def find(self, unit: int) -> int:
        parent = self.parent
        while parent[unit] != unit:
            parent[unit] = parent[parent[unit]]
            unit = parent[unit]
        return unit

    def join_all(self, left: np.ndarray, right: np.ndarray) -> None:
        """Join the groups of every pair's units (positions ``left[i]``, ``right[i]``), unchecked: at once, as the
        parts the pairs and the groups so far connect, each named by its lowest position."""
        size = len(self.parent)
        roots = self.roots()
        grouped = np.flatnonzero(roots != np.arange(size))  # the units of groups so far, but for their names
        ends = (np.concatenate([left, grouped]), np.concatenate([right, roots[grouped]]))
        _, part = connected_components(coo_matrix((np.ones(len(ends[0])), ends), shape=(size, size)),
                                       directed=False)
        lowest = np.full(size, size, dtype=np.int64)
        np.minimum.at(lowest, part, np.arange(size))
        parent = lowest[part]
        # A part's lowest position was a group's name already: the groups named otherwise bring it their schemes.
        merged = np.flatnonzero((roots == np.arange(size)) & (parent != roots))
        schemes = self.schemes
        for was, now in zip(merged.tolist(), parent[merged].tolist()):
            schemes[now] |= schemes[was]
        self.parent = parent.tolist()

    def join(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Join the groups of each pair's units in turn, only where that puts no two units of one scheme together."""
        find, parent, schemes = self.find, self.parent, self.schemes
        for a, b in pairs:
            ra, rb = find(a), find(b)
            if ra == rb or schemes[ra] & schemes[rb]:
                continue
            if rb < ra:
                ra, rb = rb, ra
            parent[rb] = ra
            schemes[ra] |= schemes[rb]

    def joinable(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Which pairs a checked join might still join, looked at all at once: groups only grow, so units in one
        group, or in groups that share a scheme, stay so."""
        roots = self.roots()
        left, right = roots[left], roots[right]
        found: np.ndarray = left != right
        schemes: np.ndarray = np.array(self.schemes, dtype=self.bits)
        found[found] = ((schemes[left[found]] & schemes[right[found]]) == 0).astype(bool)
        return found

    def roots(self) -> np.ndarray:
        """Each unit's group, found for all units at once."""
        parent = np.array(self.parent, dtype=np.int64)
        while True:
            grand = parent[parent]
            if (grand == parent).all():
                return parent
            parent = grand


def _code_order(code: str) -> tuple[int | str, ...]:
    """Natural order of NOS codes: A2 before A11."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


@dataclass(frozen=True)
class Families:
    """Every unit's family: the rows (by family id, then unit key), and for the bridges, each unit's family as a
    number, its id's place among ``ids`` (in order), by the unit's place in the roster."""

    rows: list[Family]
    ids: list[str]
    family: np.ndarray


def _code_joins(units: Roster) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Pairs of units (positions) that join every unit stating a NOS code (as written but for spaces around it) to
    the first that states it; each unit's code as a number (-1: none), and the codes in the order of their numbers."""
    number: dict[str, int] = {}
    code = np.array([number.setdefault(c.strip(), len(number)) for c in units.codes] + [-1], dtype=np.int64)[units.nos]
    stating = np.flatnonzero(code >= 0)
    _, first = np.unique(code[stating], return_index=True)  # each code number's first unit, by number
    return np.stack([stating[first][code[stating]], stating]), code, list(number)


def _family_ids(keys: tuple[str, ...], roots: np.ndarray, code: np.ndarray, names: list[str]) -> tuple[list[str], np.ndarray]:
    """Each group's id (its NOS codes, else its first key), as the ids in order and each unit's id's place."""
    stating, size = np.flatnonzero(code >= 0), max(len(names), 1)
    found = np.unique(roots[stating] * size + code[stating])  # each group's codes, once each
    codes: dict[int, list[str]] = defaultdict(list)
    for group, at in zip((found // size).tolist(), (found % size).tolist()):
        codes[group].append(names[at])
    groups = np.flatnonzero(roots == np.arange(len(roots)))  # a group is named by its lowest position
    named = ["+".join(sorted(codes[g], key=_code_order)) if g in codes else keys[g] for g in groups.tolist()]
    ids = sorted(set(named))
    place = {family_id: i for i, family_id in enumerate(ids)}
    of_group = np.zeros(len(roots), dtype=np.int64)
    of_group[groups] = [place[family_id] for family_id in named]
    return ids, of_group[roots]


def build_families(units: Roster, linked: np.ndarray, matched: Candidates) -> Families:
    """Every unit in exactly one family; ``linked`` (map rows, confirmed overrides: a row of two units, places in the
    roster, -1 for a unit not there) join unchecked, then the pairs decided ``match`` (``matched``) where they may."""
    keys = units.keys
    groups = _Groups(units.scheme.tolist())
    coded, code, names = _code_joins(units)
    linked = linked[(linked >= 0).all(axis=1)]
    groups.join_all(np.concatenate([coded[0], linked[:, 0]]), np.concatenate([coded[1], linked[:, 1]]))
    here = units.here(matched.keys)
    left, right = here[matched.left], here[matched.right]
    # Groups only grow: a pair that the unchecked joins leave nothing to join (its units in one group, or in groups
    # that share a scheme) joins nothing later either, and is not ranked.
    apart = np.flatnonzero((left >= 0) & (right >= 0))
    apart = apart[groups.joinable(left[apart], right[apart])]
    ranked = apart[sorted_rows([-matched.score[apart], matched.left[apart], matched.right[apart]])]
    left, right = left[ranked], right[ranked]
    for start in range(0, len(left), CHUNK):  # a chunk's pairs as Python integers at a time: half a million is many
        chunk_left, chunk_right = left[start:start + CHUNK], right[start:start + CHUNK]
        joinable = groups.joinable(chunk_left, chunk_right)
        groups.join(zip(chunk_left[joinable].tolist(), chunk_right[joinable].tolist()))

    ids, family = _family_ids(keys, groups.roots(), code, names)
    # Groups that share an id are one family: units by family, then key (positions follow key order).
    order = np.argsort(family, kind="stable").tolist()
    rows = from_columns(Family, list(map(ids.__getitem__, family[order].tolist())), list(map(keys.__getitem__, order)))
    return Families(rows, ids, family)
