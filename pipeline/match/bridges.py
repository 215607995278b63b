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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from pipeline.core.records import Unit
from pipeline.match.candidates import Candidates, Roster
from pipeline.match.families import Families

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
    """The ``match`` pairs of the units ``wanted`` holds, with their scores: the pairs sorted by unit, both ways
    round, then by the other unit. Units are places in the roster (``left``, ``right``: each ``match`` pair's)."""

    def __init__(self, left: np.ndarray, right: np.ndarray, score: np.ndarray, wanted: np.ndarray):
        size = len(wanted)
        self.size = size
        as_left, as_right = np.flatnonzero(wanted[left]), np.flatnonzero(wanted[right])
        units = np.concatenate([left[as_left], right[as_right]])
        others = np.concatenate([right[as_left], left[as_right]])
        codes = units * size + others
        order = _order(codes)  # one key sorts faster than two; no two pairs tie
        self.codes, self.others = codes[order], others[order]
        self.scores = np.concatenate([score[as_left], score[as_right]])[order]
        self.starts = np.concatenate([[0], np.cumsum(np.bincount(units, minlength=size))])

    def of(self, units: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``match`` pairs of each of ``units``, in order: which of ``units`` (its place among them), the other
        unit, the score."""
        which, rows = _spread(self.starts[units], self.starts[units + 1])
        return which, self.others[rows], self.scores[rows]

    def score(self, units: np.ndarray, others: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether each unit and other make a ``match`` pair, and its score (nan where not)."""
        return _looked_up(self.codes, self.scores, units * self.size + others, np.nan)


def _order(codes: np.ndarray) -> np.ndarray:
    """The order of ``codes`` (distinct, not negative): each code sorted with its place where both fit one integer,
    several times faster than an argsort, else an argsort."""
    size = len(codes)
    if size and int(codes.max()) < np.iinfo(np.int64).max // size:
        found: np.ndarray = np.sort(codes * size + np.arange(size)) % size
        return found
    return np.argsort(codes)


def _spread(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every position in each range ``starts[i]:ends[i]``, with ``i``, in order."""
    lengths = ends - starts
    which = np.repeat(np.arange(len(starts)), lengths)
    return which, np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(len(which))


def _looked_up(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray, missing: float
               ) -> tuple[np.ndarray, np.ndarray]:
    """Whether each of ``wanted`` is among ``keys`` (sorted), and its value (``missing`` where not)."""
    if not len(keys):
        return np.zeros(len(wanted), dtype=bool), np.full(len(wanted), missing, dtype=values.dtype)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    found = keys[at] == wanted
    return found, np.where(found, values[at], missing)


class _Sole:
    """Names given to units (as numbers): each name's one unit, or -1 where several units have it (-2: none has)."""

    def __init__(self, names: np.ndarray, units: np.ndarray):
        self.names, first, counts = np.unique(names, return_index=True, return_counts=True)
        self.unit = np.where(counts == 1, units[first], -1)

    def of(self, names: np.ndarray) -> np.ndarray:
        return _looked_up(self.names, self.unit, names, -2)[1]


@dataclass(frozen=True)
class _Units:
    """What a bridge reads of the units, by place in the roster: family, scheme, and NOS code (a number, -1: none),
    and the (scheme, NOS code) and (family, scheme) that one unit alone has. Schemes are numbers; ``later`` holds the
    (old, new) scheme pairs of the supersessions, by old scheme, ``starts`` where each old scheme's begin, and
    ``newer`` whether a scheme (row) is superseded by another (column)."""

    family: np.ndarray
    scheme: np.ndarray
    nos: np.ndarray
    codes: int
    schemes: int
    coded: _Sole
    sole: _Sole
    later: np.ndarray
    starts: np.ndarray
    newer: np.ndarray

    def coded_of(self, scheme: np.ndarray, nos: np.ndarray) -> np.ndarray:
        return self.coded.of(scheme * self.codes + nos)

    def sole_of(self, family: np.ndarray, scheme: np.ndarray) -> np.ndarray:
        return self.sole.of(family * self.schemes + scheme)

    def superseding(self, olds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each of ``olds`` (units), each scheme superseding its own: which of ``olds``, and the scheme."""
        scheme = self.scheme[olds]
        which, rows = _spread(self.starts[scheme], self.starts[scheme + 1])
        return which, self.later[rows, 1]


def _units(units: Roster, families: Families, new_schemes: Mapping[str, list[str]]) -> _Units:
    """The units as the bridges read them."""
    nos, scheme, family = units.nos, units.scheme, families.family
    stating = np.flatnonzero(nos >= 0)
    codes, schemes = max(len(units.codes), 1), max(len(units.schemes), 1)
    code = {name: i for i, name in enumerate(units.schemes)}
    later = np.array(sorted((code[old], code[new]) for old, news in new_schemes.items() for new in news
                            if old in code and new in code), dtype=np.int64).reshape(-1, 2)
    newer = np.zeros((schemes, schemes), dtype=bool)
    newer[later[:, 0], later[:, 1]] = True
    return _Units(family, scheme, nos, codes, schemes, _Sole(scheme[stating] * codes + nos[stating], stating),
                  _Sole(family * schemes + scheme, np.arange(len(scheme))), later,
                  np.searchsorted(later[:, 0], np.arange(schemes + 1)), newer)


@dataclass(frozen=True)
class _Found:
    """The bridges of some old units, a column each (units as places in the roster): the old unit, the new unit, the
    confidence, the member the path goes through (-1: none), and the reason."""

    old: list[int]
    new: list[int]
    confidence: list[float]
    via: list[int]
    reason: list[str]


def _strongest(tops: np.ndarray, via: np.ndarray, bounds: np.ndarray, units: list[Unit]) -> tuple[np.ndarray, np.ndarray]:
    """Of each reached unit's strongest paths (``tops``, the reached units' in turn from ``bounds``), the one whose
    reason reads last, and whether the reasons must be read to tell. The reasons of one old unit's paths differ first
    where their members' keys do (places follow key order), unless one key begins another or two are one."""
    counts = np.diff(bounds)
    reached = np.repeat(np.arange(len(counts)), counts)
    ordered = tops[np.lexsort((via[tops], reached))]  # by reached unit, then member
    strongest = np.full(len(counts), -1, dtype=np.int64)
    strongest[counts > 0] = ordered[bounds[1:][counts > 0] - 1]
    members = via[ordered]
    tied = np.flatnonzero(np.repeat(counts > 1, counts))
    begins = np.zeros(len(units) + 1, dtype=bool)
    for member in np.unique(members[tied]).tolist():
        begins[member] = member + 1 < len(units) and units[member + 1].unit_key.startswith(units[member].unit_key)
    unclear = begins[members]
    unclear[1:] |= (np.diff(members) == 0) & (np.diff(reached) == 0)
    doubtful: np.ndarray = (counts > 1) & (np.bincount(reached[unclear], minlength=len(counts)) > 0)
    return strongest, doubtful


def _found(olds: np.ndarray, at: _Units, matches: _Matches, units: list[Unit]) -> _Found:
    """The bridges of ``olds`` (units), the pairs of all of them sifted at once."""
    family = at.family[olds]
    # The old units' own matches in their families: a path starts with one, and only those members are tried,
    # since a family that a NOS code gathers grows with the corpus.
    which, partner, first = matches.of(olds)
    member = at.family[partner] == family[which]
    which, partner, first = which[member], partner[member], first[member]
    # The new units a path or the family may reach: a partner's matches, the one unit of a superseding scheme
    # stating a partner's NOS code, and the family's one unit of a superseding scheme.
    step, onward, _ = matches.of(partner)
    step_old = which[step]
    wanted = at.family[onward] == family[step_old]
    wanted &= at.newer[at.scheme[olds[step_old]], at.scheme[onward]]
    stating = np.flatnonzero(at.nos[partner] >= 0)
    by_code, scheme = at.superseding(olds[which[stating]])
    by_code = stating[by_code]
    coded = at.coded_of(scheme, at.nos[partner[by_code]])
    alone, alone_scheme = at.superseding(olds)
    sole = at.sole_of(family[alone], alone_scheme)
    size = len(units)
    reached = np.unique(np.concatenate([step_old[wanted] * size + onward[wanted],
                                        (which[by_code] * size + coded)[coded >= 0],
                                        (alone * size + sole)[sole >= 0]]))  # by old unit, then new unit's key
    old_of, new = reached // size, reached % size
    keep = at.family[new] == family[old_of]
    old_of, new = old_of[keep], new[keep]
    # Each reached unit's paths: through each member its old unit matches, but itself. The second step holds where
    # both state a NOS code that only the reached unit states in its scheme, or where they match.
    starts = np.searchsorted(which, np.arange(len(olds) + 1))
    path, row = _spread(starts[old_of], starts[old_of + 1])
    keep = partner[row] != new[path]
    path, row = path[keep], row[keep]
    via, target = partner[row], new[path]
    states = ((at.nos[via] >= 0) & (at.nos[via] == at.nos[target])
              & (at.coded_of(at.scheme[target], at.nos[target]) == target))
    matched, second = matches.score(via, target)
    holds = states | matched
    path, row, via, states = path[holds], row[holds], via[holds], states[holds]
    second = np.where(states, 1.0, second[holds])
    confidence = np.array(list(map(round, (first[row] * second).tolist(), repeat(4))), dtype=np.float64)
    # The strongest paths of each reached unit: most often one, else the wording decides, as it always has.
    groups = np.flatnonzero(np.diff(path, prepend=-1))
    best = np.maximum.reduceat(confidence, groups) if len(path) else confidence
    tops = np.flatnonzero(confidence == np.repeat(best, np.diff(np.append(groups, len(path)))))
    bounds = np.searchsorted(path[tops], np.arange(len(new) + 1))
    strongest_at, doubtful = _strongest(tops, via, bounds, units)
    top_bounds = bounds.tolist()
    alone_new = (at.sole_of(family[old_of], at.scheme[new]) == new).tolist()
    olds_at, partners, scores = olds.tolist(), partner.tolist(), first.tolist()
    via_at, seconds, stated, confidences = via.tolist(), second.tolist(), states.tolist(), confidence.tolist()
    starts_at, tops_at, row_at = starts.tolist(), tops.tolist(), row.tolist()

    def reason(old: Unit, new: Unit, path: int) -> str:
        through = units[via_at[path]]
        step = (f"{new.unit_code} states NOS {new.nos_code}" if stated[path]
                else f"{through.unit_code} matches {new.unit_code} at {seconds[path]:.3f}")
        return (f"{old.unit_code} matches {through.unit_key} \u2018{through.title}\u2019 at {scores[row_at[path]]:.3f}, "
                f"and {step}")

    strongest_at, doubtful = strongest_at.tolist(), doubtful.tolist()
    found = _Found([], [], [], [], [])
    for i, (o, u) in enumerate(zip(old_of.tolist(), new.tolist())):
        a, b = top_bounds[i], top_bounds[i + 1]
        old, reached_unit = units[olds_at[o]], units[u]
        if a < b:
            best_path = (max(tops_at[a:b], key=lambda path: reason(old, reached_unit, path)) if doubtful[i]
                         else strongest_at[i])
            confidence_of, text, through = confidences[best_path], reason(old, reached_unit, best_path), via_at[best_path]
        elif alone_new[i]:
            own = [(scores[r], units[partners[r]].unit_key, partners[r]) for r in range(starts_at[o], starts_at[o + 1])]
            if own:
                score, key, through = max(own)
                confidence_of, text = round(score, 4), f"{old.unit_code} matches {key} at {score:.3f}"
            else:
                confidence_of, through = 0.5, -1
                text = f"{old.unit_code} is grouped with it by NOS code {old.nos_code or 'of a linked unit'}"
        else:
            continue
        found.old.append(olds_at[o])
        found.new.append(u)
        found.confidence.append(confidence_of)
        found.via.append(through)
        found.reason.append(text)
    return found


def family_bridges(
    olds: np.ndarray,
    new_schemes: Mapping[str, list[str]],
    units: Roster,
    families: Families,
    matched: Candidates,
    methods_of: Callable[[list[tuple[str, str]]], list[str]],
) -> list[Bridge]:
    """Links from each unlinked old unit (``olds``, places in the roster) to the units of the schemes superseding its
    own (``new_schemes``, by old scheme) in its family that the evidence (the pairs decided ``match``, ``matched``)
    singles out, strongest path first; ``methods_of`` gives the strongest evidence of each of many (old unit, member)
    steps at once."""
    at = _units(units, families, new_schemes)
    # Only an old unit whose family holds a unit of a scheme superseding its own can be bridged.
    which, scheme = at.superseding(olds)
    olds = olds[np.unique(which[at.sole_of(at.family[olds[which]], scheme) != -2])]
    # The ``match`` pairs a path takes: the old units' own, and those of the members of their families they match.
    here = units.here(matched.keys)
    left, right = here[matched.left], here[matched.right]
    known = (left >= 0) & (right >= 0)
    left, right, score = left[known], right[known], matched.score[known]
    wanted = np.zeros(len(units.keys), dtype=bool)
    wanted[olds] = True
    kin = at.family[left] == at.family[right]
    wanted[np.concatenate([right[kin & wanted[left]], left[kin & wanted[right]]])] = True
    matches = _Matches(left, right, score, wanted)
    found = _Found([], [], [], [], [])
    for start in range(0, len(olds), CHUNK):
        part = _found(olds[start:start + CHUNK], at, matches, units.units)
        found.old.extend(part.old)
        found.new.extend(part.new)
        found.confidence.extend(part.confidence)
        found.via.extend(part.via)
        found.reason.extend(part.reason)
    keys, ids = units.keys, families.ids
    methods = iter(methods_of([(keys[old], keys[via]) for old, via in zip(found.old, found.via) if via >= 0]))
    return [Bridge(keys[old], keys[new], confidence, next(methods) if via >= 0 else "nos",
                   f"Same competence through family {ids[at.family[old]]}: {reason}")
            for old, new, confidence, via, reason in zip(found.old, found.new, found.confidence, found.via,
                                                         found.reason)]
