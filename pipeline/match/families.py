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

import numpy as np

from pipeline.core.records import Family, Unit
from pipeline.match.candidates import Candidates

# Pairs named by their keys at a time.
CHUNK = 65_536


class _Groups:
    """Union-find over unit keys that tracks each group's schemes."""

    def __init__(self, units: list[Unit]):
        self.parent = {u.unit_key: u.unit_key for u in units}
        self.members = {u.unit_key: {u.unit_key} for u in units}
        # Kept per group, not gathered from its members at each check: a group that a NOS
        # code joins grows with the corpus.
        self.schemes = {u.unit_key: {u.scheme} for u in units}

    def find(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def clashes(self, a: str, b: str) -> bool:
        """Whether joining the groups of ``a`` and ``b`` would put two units of one scheme together."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        return not self.schemes[ra].isdisjoint(self.schemes[rb])

    def join(self, a: str, b: str) -> None:
        ra, rb = sorted((self.find(a), self.find(b)))
        if ra != rb:
            self.parent[rb] = ra
            kept, joined = self.members[ra], self.members.pop(rb)
            if len(joined) > len(kept):  # the smaller group is added to the larger
                kept, joined = joined, kept
            kept |= joined
            self.members[ra] = kept
            self.schemes[ra] |= self.schemes.pop(rb)


def _code_order(code: str) -> tuple[int | str, ...]:
    """Natural order of NOS codes: A2 before A11."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


def build_families(units: list[Unit], links: list[tuple[str, str]], pairs: Candidates) -> list[Family]:
    """Every unit in exactly one family; ``links`` (map rows, confirmed overrides) join unchecked."""
    groups = _Groups(units)
    by_code: dict[str, list[str]] = defaultdict(list)
    for unit in units:
        if unit.nos_code:
            by_code[unit.nos_code.strip()].append(unit.unit_key)
    for keys in by_code.values():
        for key in keys[1:]:
            groups.join(keys[0], key)
    for old, new in links:
        if old in groups.parent and new in groups.parent:
            groups.join(old, new)
    matched = pairs.matched()
    ranked = np.lexsort((matched.right, matched.left, -matched.score))
    for start in range(0, len(ranked), CHUNK):  # a chunk's pairs named at a time: half a million pairs is many
        for left, right in matched.pairs(ranked[start:start + CHUNK]):
            known = left in groups.parent and right in groups.parent
            if known and not groups.clashes(left, right):
                groups.join(left, right)

    nos_of = {u.unit_key: u.nos_code.strip() for u in units if u.nos_code}
    families = []
    for members in groups.members.values():
        codes = sorted({nos_of[k] for k in members if k in nos_of}, key=_code_order)
        family_id = "+".join(codes) if codes else min(members)
        families += [Family(family_id, key) for key in sorted(members)]
    return sorted(families, key=lambda f: (f.family_id, f.unit_key))
