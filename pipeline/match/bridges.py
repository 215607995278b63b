"""Evidence that carries through a family: an old unit linked to a new unit by way of a third.

A legacy unit may match the NOS standard by title while the new scheme's unit states
that NOS code and no longer shares the legacy title (a new edition retitled it). The
direct pair then scores low, yet the family holds both: the map must say so. For each
old unit the direct links left without a successor, a unit of the new scheme in its
family becomes a link only where the evidence singles it out: a path through a member
(the old unit's own ``match`` pair with it, then that member's NOS code, naming this
one unit in the new scheme, or the member's own ``match`` pair with the new unit), or,
without a path, the family holding no other unit of the new scheme. A NOS code that
many units of the new scheme state gathers them all into one family, yet says nothing
of which of them succeeds the old unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from pipeline.core.records import Family, Unit
from pipeline.match.candidates import Candidates


@dataclass(frozen=True)
class Bridge:
    """An (old, new) link that the family's evidence makes, and in words, the path it takes."""

    old_key: str
    new_key: str
    confidence: float
    method: str  # the strongest evidence of the old unit's own step
    reason: str


class _Matches:
    """Each unit's ``match`` pairs, with their scores: the pairs sorted by unit, both ways round."""

    def __init__(self, pairs: Candidates):
        matched = pairs.matched()
        units = np.concatenate([matched.left, matched.right])
        order = np.argsort(units, kind="stable")
        self._keys = pairs.keys
        self._index = {key: i for i, key in enumerate(pairs.keys)}
        self._others = np.concatenate([matched.right, matched.left])[order]
        self._scores = np.concatenate([matched.score, matched.score])[order]
        self._starts = np.searchsorted(units[order], np.arange(len(pairs.keys) + 1))

    def of(self, key: str) -> dict[str, float]:
        """The units ``key`` matches, with each pair's score."""
        at = self._index.get(key)
        if at is None:
            return {}
        start, end = self._starts[at], self._starts[at + 1]
        return {self._keys[o]: s for o, s in zip(self._others[start:end].tolist(), self._scores[start:end].tolist())}


def _alone(named: Iterable[tuple[tuple[str, str], str]]) -> dict[tuple[str, str], str]:
    """Each name (a scheme's NOS code, a family's scheme) given to one unit alone, with that unit's key."""
    found: dict[tuple[str, str], str] = {}
    for name, key in named:
        found[name] = "" if name in found else key
    return {name: key for name, key in found.items() if key}


def _path(old: Unit, new: Unit, via: Unit, first: float, via_matches: dict[str, float],
          coded: dict[tuple[str, str], str]) -> tuple[float, str, str] | None:
    """The confidence and wording of old -> via -> new, where old matches via at ``first``, when the second step
    holds."""
    if via.nos_code and via.nos_code == new.nos_code and coded.get((new.scheme, new.nos_code)) == new.unit_key:
        second, step = 1.0, f"{new.unit_code} states NOS {new.nos_code}"
    elif (score := via_matches.get(new.unit_key)) is not None:
        second, step = score, f"{via.unit_code} matches {new.unit_code} at {score:.3f}"
    else:
        return None
    reason = (
        f"{old.unit_code} matches {via.unit_key} \u2018{via.title}\u2019 at {first:.3f}, and {step}"
    )
    return round(first * second, 4), reason, via.unit_key


def _joined(old: Unit, partners: list[str], own_matches: dict[str, float]) -> tuple[float, str, str]:
    """No two-step path: the old unit's strongest pair with ``partners`` (its matches in the family), or its NOS code."""
    own = [(own_matches[k], k) for k in partners]
    if own:
        score, key = max(own)
        return round(score, 4), f"{old.unit_code} matches {key} at {score:.3f}", key
    return 0.5, f"{old.unit_code} is grouped with it by NOS code {old.nos_code or 'of a linked unit'}", ""


def family_bridges(
    unlinked: list[str],
    new_schemes: Mapping[str, list[str]],
    units: dict[str, Unit],
    families: list[Family],
    pairs: Candidates,
    method_of: Callable[[str, str], str],
) -> list[Bridge]:
    """Links from each unlinked old unit to the units of the schemes superseding its own (``new_schemes``, by old
    scheme) in its family that the evidence singles out, strongest path first."""
    family_of = {f.unit_key: f.family_id for f in families if f.unit_key in units}
    # (scheme, NOS code) -> the one unit of the scheme stating it; (family, scheme) -> the family's one unit of it.
    coded = _alone(((u.scheme, u.nos_code), u.unit_key) for u in units.values() if u.nos_code)
    sole = _alone(((family_id, units[key].scheme), key) for key, family_id in family_of.items())
    matches = _Matches(pairs)
    bridges = []
    for old_key in unlinked:
        family_id = family_of.get(old_key)
        if family_id is None:
            continue
        old = units[old_key]
        schemes = new_schemes.get(old.scheme, [])
        # A path starts with one of the old unit's own matches: only those members are tried,
        # since a family that a NOS code gathers grows with the corpus.
        own = matches.of(old_key)
        partners = sorted(k for k in own if family_of.get(k) == family_id)
        onward = {via: matches.of(via) for via in partners}
        reached = {k for found in onward.values() for k in found}
        reached |= {coded.get((scheme, units[via].nos_code or ""), "") for via in partners for scheme in schemes}
        reached |= {sole.get((family_id, scheme), "") for scheme in schemes}
        in_family = sorted(k for k in reached if k and family_of.get(k) == family_id and units[k].scheme in schemes)
        for new in (units[k] for k in in_family):
            paths = [p for via in partners if via != new.unit_key
                     if (p := _path(old, new, units[via], own[via], onward[via], coded))]
            if not paths and sole.get((family_id, new.scheme)) == new.unit_key:
                paths = [_joined(old, partners, own)]
            if not paths:
                continue
            confidence, reason, via = max(paths)
            method = method_of(old_key, via) if via else "nos"
            bridges.append(Bridge(old_key, new.unit_key, confidence, method,
                                  f"Same competence through family {family_id}: {reason}"))
    return bridges
