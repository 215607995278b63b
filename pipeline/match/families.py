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
from operator import attrgetter, itemgetter

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pipeline.core.records import Family, Unit
from pipeline.match.candidates import Candidates, sorted_rows

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
        ends = (np.concatenate([left, np.arange(size)]), np.concatenate([right, roots]))
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
        schemes = np.array(self.schemes, dtype=object)[roots]  # Python integers: there may be more schemes than 64
        found: np.ndarray = (roots[left] != roots[right]) & ((schemes[left] & schemes[right]) == 0).astype(bool)
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


def build_families(units: list[Unit], links: list[tuple[str, str]], pairs: Candidates) -> list[Family]:
    """Every unit in exactly one family; ``links`` (map rows, confirmed overrides) join unchecked."""
    keys = sorted({u.unit_key for u in units})
    position = {key: i for i, key in enumerate(keys)}
    scheme_of = {u.unit_key: u.scheme for u in units}
    code = {scheme: i for i, scheme in enumerate(sorted(set(scheme_of.values())))}
    groups = _Groups([code[scheme_of[key]] for key in keys])
    by_code: dict[str, list[str]] = defaultdict(list)
    for unit in units:
        if unit.nos_code:
            by_code[unit.nos_code.strip()].append(unit.unit_key)
    joined = [(position[named[0]], position[key]) for named in by_code.values() for key in named[1:]]
    joined += [(position[old], position[new]) for old, new in links if old in position and new in position]
    ends = np.array(joined, dtype=np.int64).reshape(-1, 2)
    groups.join_all(ends[:, 0], ends[:, 1])
    matched = pairs.matched()
    # The pairs' units as positions here (-1: a unit not among ``units``); in a run, the same keys in the same order.
    here = (np.arange(len(keys), dtype=np.int64) if pairs.keys == tuple(keys)
            else np.array([position.get(key, -1) for key in pairs.keys], dtype=np.int64))
    left, right = here[matched.left], here[matched.right]
    # Groups only grow: a pair whose units the unchecked joins put in one group joins nothing, and is not ranked.
    roots = groups.roots()
    apart = np.flatnonzero((left >= 0) & (right >= 0) & (roots[left] != roots[right]))
    ranked = apart[sorted_rows([-matched.score[apart], matched.left[apart], matched.right[apart]])]
    left, right = left[ranked], right[ranked]
    for start in range(0, len(left), CHUNK):  # a chunk's pairs as Python integers at a time: half a million is many
        chunk_left, chunk_right = left[start:start + CHUNK], right[start:start + CHUNK]
        joinable = groups.joinable(chunk_left, chunk_right)
        groups.join(zip(chunk_left[joinable].tolist(), chunk_right[joinable].tolist()))

    members: dict[int, list[str]] = defaultdict(list)
    for group, key in zip(groups.roots().tolist(), keys):
        members[group].append(key)
    nos_of = {u.unit_key: u.nos_code.strip() for u in units if u.nos_code}
    named = []
    for group in members.values():
        codes = sorted({nos_of[k] for k in group if k in nos_of}, key=_code_order)
        named.append(("+".join(codes) if codes else group[0], group))
    named.sort(key=itemgetter(0))
    # A group's keys are in order: groups in the order of their ids are the families in order, unless two share an id.
    families = [Family(family_id, key) for family_id, group in named for key in group]
    if len({family_id for family_id, _ in named}) < len(named):
        families.sort(key=attrgetter("family_id", "unit_key"))
    return families
