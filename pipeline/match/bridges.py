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

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from pipeline.core.records import Family, Unit
from pipeline.match.candidates import Candidates

# Old units whose pairs are sifted at a time.
CHUNK = 4096


@dataclass(frozen=True)
class Bridge:
    """An (old, new) link that the family's evidence makes, and in words, the path it takes."""

    old_key: str
    new_key: str
    confidence: float
    method: str  # the strongest evidence of the old unit's own step
    reason: str


class _Matches:
    """Each unit's ``match`` pairs, with their scores: the pairs sorted by unit, both ways round, then by the other
    unit. Units are positions in the candidates' keys."""

    def __init__(self, pairs: Candidates):
        matched = pairs.matched()
        units = np.concatenate([matched.left, matched.right])
        others = np.concatenate([matched.right, matched.left])
        order = np.argsort(units * len(pairs.keys) + others)  # one key sorts faster than two; no two pairs tie
        self.others = others[order]
        self.scores = np.concatenate([matched.score, matched.score])[order]
        self.starts = np.searchsorted(units[order], np.arange(len(pairs.keys) + 1))

    def of(self, units: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``match`` pairs of each of ``units``, in order: which of ``units`` (its place among them), the other
        unit, the score."""
        starts, ends = self.starts[units], self.starts[units + 1]
        lengths = ends - starts
        rows = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        return np.repeat(np.arange(len(units)), lengths), self.others[rows], self.scores[rows]


def _alone(named: Iterable[tuple[tuple[str, str], str]]) -> dict[tuple[str, str], str]:
    """Each name given (a scheme's NOS code, a family's scheme), with the key of the one unit given it, or "" where
    several units are."""
    found: dict[tuple[str, str], str] = {}
    for name, key in named:
        found[name] = "" if name in found else key
    return found


def _path(old: Unit, new: Unit, via: Unit, first: float, onward: float | None,
          coded: dict[tuple[str, str], str]) -> tuple[float, str, str] | None:
    """The confidence and wording of old -> via -> new, where old matches via at ``first`` (and via matches new at
    ``onward``, if it does), when the second step holds."""
    if via.nos_code and via.nos_code == new.nos_code and coded.get((new.scheme, new.nos_code)) == new.unit_key:
        second, step = 1.0, f"{new.unit_code} states NOS {new.nos_code}"
    elif onward is not None:
        second, step = onward, f"{via.unit_code} matches {new.unit_code} at {onward:.3f}"
    else:
        return None
    reason = (
        f"{old.unit_code} matches {via.unit_key} \u2018{via.title}\u2019 at {first:.3f}, and {step}"
    )
    return round(first * second, 4), reason, via.unit_key


def _joined(old: Unit, own: list[tuple[float, str]]) -> tuple[float, str, str]:
    """No two-step path: the old unit's strongest pair with its matches in the family (``own``, score and key), or
    its NOS code."""
    if own:
        score, key = max(own)
        return round(score, 4), f"{old.unit_code} matches {key} at {score:.3f}", key
    return 0.5, f"{old.unit_code} is grouped with it by NOS code {old.nos_code or 'of a linked unit'}", ""


@dataclass(frozen=True)
class _Evidence:
    """An old unit's matches in its family (in key order, with their scores) and its partners' ``match`` pairs with
    units of the new schemes in the family, (partner, new unit) -> score."""

    partners: list[str]
    own: dict[str, float]
    onward: dict[tuple[str, str], float]


def _evidence(olds: list[Unit], family: np.ndarray, new_schemes: np.ndarray, matches: _Matches,
              family_at: np.ndarray, scheme_at: np.ndarray, keys: tuple[str, ...]) -> list[_Evidence]:
    """Each old unit's evidence (``family``: its family's number; ``new_schemes``: a row of which scheme numbers
    supersede its own, the last column for units of no scheme), the pairs of all of them sifted at once."""
    found_at = [bisect_left(keys, old.unit_key) for old in olds]  # keys are in sorted order
    at = np.array([i if i < len(keys) and keys[i] == old.unit_key else -1 for i, old in zip(found_at, olds)],
                  dtype=np.int64)
    owners = np.flatnonzero(at >= 0)
    which, partner, first = matches.of(at[owners])
    which = owners[which]
    member = family_at[partner] == family[which]
    which, partner, first = which[member], partner[member], first[member]
    step, new, second = matches.of(partner)
    step_old = which[step]
    wanted = (family_at[new] == family[step_old]) & new_schemes[step_old, scheme_at[new]]
    own_bounds = np.searchsorted(which, np.arange(len(olds) + 1)).tolist()
    step_old, via, new, second = step_old[wanted], partner[step[wanted]], new[wanted], second[wanted]
    onward_bounds = np.searchsorted(step_old, np.arange(len(olds) + 1)).tolist()
    partners, scores = [keys[k] for k in partner.tolist()], first.tolist()
    vias, news, seconds = [keys[k] for k in via.tolist()], [keys[k] for k in new.tolist()], second.tolist()
    found = []
    for i in range(len(olds)):
        a, b = own_bounds[i], own_bounds[i + 1]
        c, d = onward_bounds[i], onward_bounds[i + 1]
        found.append(_Evidence(partners[a:b], dict(zip(partners[a:b], scores[a:b])),
                               dict(zip(zip(vias[c:d], news[c:d]), seconds[c:d]))))
    return found


def family_bridges(
    unlinked: list[str],
    new_schemes: Mapping[str, list[str]],
    units: dict[str, Unit],
    families: list[Family],
    pairs: Candidates,
    methods_of: Callable[[list[tuple[str, str]]], list[str]],
) -> list[Bridge]:
    """Links from each unlinked old unit to the units of the schemes superseding its own (``new_schemes``, by old
    scheme) in its family that the evidence singles out, strongest path first; ``methods_of`` gives the strongest
    evidence of each of many (old unit, member) steps at once."""
    family_of = dict(zip(map(attrgetter("unit_key"), families), map(attrgetter("family_id"), families)))
    if family_of.keys() != units.keys():
        family_of = {key: family_id for key, family_id in family_of.items() if key in units}
    # (scheme, NOS code) -> the one unit of the scheme stating it; (family, scheme) -> the family's one unit of it
    # ("" where there are several).
    coded = _alone(((u.scheme, u.nos_code), u.unit_key) for u in units.values() if u.nos_code)
    sole = _alone(((family_id, units[key].scheme), key) for key, family_id in family_of.items())
    keys = pairs.keys
    # Units, families and schemes as numbers, so that the old units' pairs are sifted a chunk at a time.
    family_code = {family_id: i for i, family_id in enumerate(sorted(set(family_of.values())))}
    scheme_code = {scheme: i for i, scheme in enumerate(sorted({u.scheme for u in units.values()}))}
    family_at = np.array([family_code[family_of[k]] if k in family_of else -1 for k in keys], dtype=np.int64)
    scheme_at = np.array([scheme_code[units[k].scheme] if k in units else -1 for k in keys], dtype=np.int64)
    superseding = np.zeros((len(scheme_code), len(scheme_code) + 1), dtype=np.bool_)  # the last column: no scheme
    for scheme, later in new_schemes.items():
        for new_scheme in later:
            if scheme in scheme_code and new_scheme in scheme_code:
                superseding[scheme_code[scheme], scheme_code[new_scheme]] = True
    matches = _Matches(pairs)
    # Only an old unit whose family holds a unit of a scheme superseding its own can be bridged.
    olds = [units[k] for k in unlinked if k in family_of
            and any((family_of[k], scheme) in sole for scheme in new_schemes.get(units[k].scheme, []))]
    found: list[tuple[str, str, float, str, str]] = []
    for start in range(0, len(olds), CHUNK):
        part = olds[start:start + CHUNK]
        family = np.array([family_code[family_of[old.unit_key]] for old in part], dtype=np.int64)
        newer = superseding[[scheme_code[old.scheme] for old in part]]
        for old, evidence in zip(part, _evidence(part, family, newer, matches, family_at, scheme_at, keys)):
            found += _bridges_of(old, new_schemes.get(old.scheme, []), evidence, family_of, coded, sole, units)
    steps = [(old_key, via_key) for old_key, _, _, via_key, _ in found if via_key]
    methods = dict(zip(steps, methods_of(steps)))
    return [Bridge(old_key, new_key, confidence, methods[(old_key, via_key)] if via_key else "nos", reason)
            for old_key, new_key, confidence, via_key, reason in found]


def _bridges_of(old: Unit, schemes: list[str], evidence: _Evidence, family_of: dict[str, str],
                coded: dict[tuple[str, str], str], sole: dict[tuple[str, str], str], units: dict[str, Unit]
                ) -> list[tuple[str, str, float, str, str]]:
    """The bridges of one old unit from its evidence: old key, new key, confidence, the member its path goes through
    (empty without one), and the reason."""
    family_id = family_of[old.unit_key]
    # A path starts with one of the old unit's own matches: only those members are tried,
    # since a family that a NOS code gathers grows with the corpus.
    partners, own, onward = evidence.partners, evidence.own, evidence.onward
    reached = {new for _, new in onward}
    reached |= {coded.get((scheme, code), "") for via in partners if (code := units[via].nos_code) for scheme in schemes}
    reached |= {sole.get((family_id, scheme), "") for scheme in schemes}
    in_family = sorted(k for k in reached if k and family_of.get(k) == family_id and units[k].scheme in schemes)
    bridges = []
    for new in (units[k] for k in in_family):
        paths = [p for via in partners if via != new.unit_key
                 if (p := _path(old, new, units[via], own[via], onward.get((via, new.unit_key)), coded))]
        if not paths and sole.get((family_id, new.scheme)) == new.unit_key:
            paths = [_joined(old, [(own[k], k) for k in partners])]
        if not paths:
            continue
        confidence, reason, via_key = max(paths)
        bridges.append((old.unit_key, new.unit_key, confidence, via_key,
                        f"Same competence through family {family_id}: {reason}"))
    return bridges
