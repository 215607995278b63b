"""The pairs that can link two units, as columns: those decided ``match`` or ``possible``, a person's decision in place.

The successor links, the families and the bridges read these alone, a few hundred
thousand of the million pairs blocking proposes at 100,000 units, and read them as
arrays: a pair's ``UnitMatch`` is built only when the map writes its row. Units
are named by their position in ``keys``, in sorted order, so that positions order
pairs as their keys do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np

from pipeline.core.records import Unit
from pipeline.match.pairs import PairColumns, distinct_combinations
from pipeline.match.scoring import DECISIONS, Scored

MATCH, POSSIBLE, NON_MATCH = (DECISIONS.index(d) for d in ("match", "possible", "non-match"))


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

    def scheme_pairs(self, units: Mapping[str, Unit]) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The schemes of the units (by key), and each row's left and right scheme as positions among them."""
        schemes = [units[k].scheme for k in self.keys]
        names = sorted(set(schemes))
        code = {name: i for i, name in enumerate(names)}
        of = np.array([code[scheme] for scheme in schemes], dtype=np.int64)
        return names, of[self.left], of[self.right]


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
