"""The pairs that can link two units, as columns: those decided ``match`` or ``possible``, a person's decision in place.

The successor links, the families and the bridges read these alone, a few hundred
thousand of the million pairs blocking proposes at 100,000 units, and read them as
arrays: a pair's ``UnitMatch`` is built only when the map writes its row. Units
are named by their position in ``keys``, in sorted order, so that positions order
pairs as their keys do; the ``Roster`` holds the units themselves in that order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from itertools import chain, repeat
from operator import attrgetter

import numpy as np

from pipeline.core.records import Unit
from pipeline.match.pairs import PairColumns, distinct_combinations
from pipeline.match.scoring import DECISIONS, Scored

MATCH, POSSIBLE, NON_MATCH = (DECISIONS.index(d) for d in ("match", "possible", "non-match"))


@dataclass(frozen=True)
class Roster:
    """The units the pairs can name, each by its place in ``keys`` (their keys, in order), with its scheme as a
    number, its place among ``schemes`` (in order), and its NOS code as a number, its place among ``codes`` (in order
    of the first unit stating it; -1: none)."""

    keys: tuple[str, ...]
    units: list[Unit]
    position: dict[str, int]
    schemes: list[str]
    scheme: np.ndarray
    codes: list[str]
    nos: np.ndarray

    @classmethod
    def of(cls, units: Mapping[str, Unit], keys: tuple[str, ...] | None = None) -> Roster:
        """The roster of ``units``, by key (``keys``: their keys in order, where already sorted)."""
        keys = tuple(sorted(units)) if keys is None else keys
        assert len(keys) == len(units), "the keys of every unit"
        listed = list(map(units.__getitem__, keys))
        named = list(map(attrgetter("scheme"), listed))
        schemes = sorted(set(named))
        stated = list(map(attrgetter("nos_code"), listed))
        codes = {code: i for i, code in enumerate(dict.fromkeys(filter(None, stated)))}  # in order of first statement
        return cls(keys, listed, dict(zip(keys, range(len(keys)))), schemes,
                   np.fromiter(map({name: i for i, name in enumerate(schemes)}.__getitem__, named), dtype=np.int64,
                               count=len(listed)),
                   list(codes), np.fromiter(map(codes.get, stated, repeat(-1)), dtype=np.int64, count=len(listed)))

    def places(self, keys: Sequence[str]) -> np.ndarray:
        """The place here of each of ``keys`` (-1: a key not here)."""
        return np.fromiter(map(self.position.get, keys, repeat(-1)), dtype=np.int64, count=len(keys))

    def ends(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """The places of pairs of keys, a row (left, right) each (-1: a key not here)."""
        return self.places(list(chain.from_iterable(pairs))).reshape(-1, 2)

    def here(self, keys: tuple[str, ...]) -> np.ndarray:
        """The place here of each of ``keys`` (-1: a key not here): in a run, the pairs name the same keys."""
        return np.arange(len(keys), dtype=np.int64) if keys == self.keys else self.places(keys)


@dataclass(frozen=True)
class Candidates:
    """Scored pairs, one row each: unit positions (older scheme on the left), weight, probability, the title and
    criteria scores (0 where there is none), whether the pair states one identity, and the decision."""

    keys: tuple[str, ...]
    left: np.ndarray
    right: np.ndarray
    weight: np.ndarray
    score: np.ndarray
    title: np.ndarray
    criteria: np.ndarray
    identity: np.ndarray  # the same unit reference or NOS code, or one title once normalised
    decision: np.ndarray  # position in DECISIONS

    def __len__(self) -> int:
        return len(self.left)

    def where(self, mask: np.ndarray) -> Candidates:
        """The rows where ``mask`` holds (a boolean mask or row positions)."""
        return Candidates(self.keys, *(getattr(self, f.name)[mask] for f in fields(self)[1:]))

    def matched(self) -> Candidates:
        return self.where(self.decision == MATCH)

    def pairs(self, rows: np.ndarray | None = None) -> list[tuple[str, str]]:
        """The (left key, right key) of ``rows``, or of every row."""
        left, right = (self.left, self.right) if rows is None else (self.left[rows], self.right[rows])
        keys = self.keys
        return [(keys[a], keys[b]) for a, b in zip(left.tolist(), right.tolist())]


def sorted_rows(columns: Sequence[np.ndarray]) -> np.ndarray:
    """The rows in the order of their values in ``columns``, the first column first (``np.lexsort`` of the columns
    reversed), found by ranking each row's values at once (``distinct_combinations``): rows that tie keep their order."""
    _, rank, counts = distinct_combinations(columns)
    if len(counts) < len(rank):
        ties: np.ndarray = np.argsort(rank, kind="stable")
        return ties
    order = np.empty(len(rank), dtype=np.int64)
    order[rank] = np.arange(len(rank))
    return order


def candidates(pairs: PairColumns, scored: Scored, decided: Mapping[int, str]) -> Candidates:
    """The pairs of ``pairs`` not decided ``non-match``, once ``decided`` (a person's decision by row) is in place."""
    decision = scored.decision.copy()
    for row, name in decided.items():
        decision[row] = DECISIONS.index(name)
    rows = np.flatnonzero(decision != NON_MATCH)
    column = pairs.columns
    title = column["title_score"][rows]
    identity = (column["uan_equal"][rows] == 1) | (column["nos_equal"][rows] == 1) | (title == 1.0)
    return Candidates(pairs.keys, pairs.left[rows], pairs.right[rows], scored.weight[rows], scored.score[rows],
                      np.nan_to_num(title, nan=0.0), np.nan_to_num(column["criteria_score"][rows], nan=0.0),
                      identity, decision[rows])


def among(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is one of ``ordered`` (sorted)."""
    if not len(ordered):
        return np.zeros(len(values), dtype=bool)
    found: np.ndarray = ordered[np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)] == values
    return found
