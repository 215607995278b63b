"""Compared pairs as columns: a million pairs' features in arrays, a pair's records built only when read.

At 100,000 units blocking proposes over a million pairs; a record of features and a
``UnitMatch`` object for each would take gigabytes, columns take about fifty bytes
a pair. The map's rows read the features of few of them (the links, each old unit's
nearest candidate, the pairs a person decided), and their scores and decisions from
the columns; ``UnitMatch`` records are built only for the review and the pairs a
person named (``pipeline.match.scoring.Scored``). A pair's position is its row; units are
named by their position in ``keys`` (unit keys in sorted order).

A yes/no column holds 1, 0 or ``MISSING`` (-1), as does the level gap; a score
column holds NaN where the feature has no value. Criterion alignments are Arrow
lists (``Alignments``): a million pairs hold several hundred thousand aligned
criteria, and the map reads those of the rows it quotes as columns
(``aligned_columns``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pyarrow as pa

from pipeline.match.criteria import AlignedPair

MISSING = -1
NO_ROW = -1  # the row of a pair not compared

# Column -> its dtype; yes/no and the level gap are integers with MISSING, scores floats with NaN.
YES_NO = ("uan_equal", "nos_equal", "theme_equal")
SCORES = ("title_score", "criteria_score", "body_score")
COUNTS = ("left_criteria", "right_criteria")
DTYPES: dict[str, Any] = {
    **dict.fromkeys(YES_NO, np.int8), **dict.fromkeys(SCORES, np.float64), "level_diff": np.int16,
    **dict.fromkeys(COUNTS, np.int32), "stated_identity": np.bool_,
}
# The columns a pair's criterion alignment decides: taken with it from an earlier run where only the rest moved.
FROM_ALIGNMENT = ("criteria_score",)

# A row's criterion alignment as Arrow holds it: its pairs of criteria, each with their similarity.
ALIGNED = pa.list_(pa.struct([("left_key", pa.string()), ("right_key", pa.string()), ("score", pa.float64())]))
# Alignments are held to the end of a run: apart from Arrow's own pool, whose passing buffers (a Parquet file's, as it
# is read) are then handed back whole (``pipeline.match.kept.let_go``) rather than pinned among held ones.
HELD = pa.system_memory_pool()


@dataclass(frozen=True)
class Alignments:
    """The criterion alignments of rows as Arrow lists: row ``i``'s is list ``at[i]`` of ``chunks`` taken one after
    another, the lists in any order. Rows added bring chunks of their own: no list is copied once made or read."""

    chunks: tuple[pa.ListArray[Any], ...]
    at: np.ndarray

    @classmethod
    def of(cls, found: Sequence[tuple[AlignedPair, ...]]) -> Alignments:
        """The alignments of rows given as records, one tuple a row, in their order."""
        flat = [a for one in found for a in one]
        values = pa.StructArray.from_arrays(
            [pa.array([a.left_key for a in flat], pa.string(), memory_pool=HELD),
             pa.array([a.right_key for a in flat], pa.string(), memory_pool=HELD),
             pa.array([a.score for a in flat], pa.float64(), memory_pool=HELD)], fields=list(ALIGNED.value_type))
        offsets = np.concatenate([[0], np.cumsum([len(one) for one in found], dtype=np.int64)])
        lists = pa.ListArray.from_arrays(pa.array(offsets, pa.int32(), memory_pool=HELD), values, type=ALIGNED,
                                         pool=HELD)
        return cls((lists,), np.arange(len(found), dtype=np.int64))

    @classmethod
    def placed(cls, size: int, parts: Sequence[tuple[np.ndarray, Alignments]]) -> Alignments:
        """The alignments of ``size`` rows given in parts, each part's rows at its positions (every row in one)."""
        at = np.zeros(size, dtype=np.int64)
        start = 0
        for positions, part in parts:
            at[positions] = part.at + start
            start += part.starts()[-1]
        return cls(tuple(chunk for _, part in parts for chunk in part.chunks), at)

    def __len__(self) -> int:
        return len(self.at)

    def of_rows(self, rows: np.ndarray) -> Alignments:
        """The alignments of ``rows`` alone, in their order (no list is copied)."""
        return Alignments(self.chunks, self.at[rows])

    def starts(self) -> np.ndarray:
        """Where each chunk's lists start, and after the last, how many lists there are."""
        return np.concatenate([[0], np.cumsum([len(chunk) for chunk in self.chunks], dtype=np.int64)])

    def extended(self, added: Alignments) -> Alignments:
        """These rows' alignments, then ``added``'s."""
        return Alignments(self.chunks + added.chunks, np.concatenate([self.at, added.at + self.starts()[-1]]))

    def arrow(self, rows: np.ndarray) -> pa.ListArray[Any]:
        """The alignments of ``rows``, in their order, as lists: taken from each chunk, then put in that order."""
        at, starts = self.at[rows], self.starts()
        chunk = np.searchsorted(starts, at, side="right") - 1
        order = np.argsort(chunk, kind="stable")
        bounds = np.searchsorted(chunk[order], np.arange(len(starts))).tolist()
        taken = [self.chunks[c].take(pa.array(at[order[bounds[c]:bounds[c + 1]]] - starts[c], pa.int64()))
                 for c in range(len(self.chunks)) if bounds[c] < bounds[c + 1]]
        gathered = pa.concat_arrays(taken) if len(taken) > 1 else taken[0] if taken else Alignments.of(()).chunks[0]
        back = np.empty(len(order), dtype=np.int64)
        back[order] = np.arange(len(order))
        lists: pa.ListArray[Any] = gathered.take(pa.array(back, pa.int64()))
        return lists


def distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(matrix, axis=0, return_inverse=True, return_counts=True)``: the same distinct rows in the same
    order (the first column first), found in a fraction of the time on a million rows (``distinct_combinations``;
    no NaN: a missing value must be a number)."""
    first, inverse, counts = distinct_combinations(list(matrix.T))
    return matrix[first], inverse, counts


def distinct_combinations(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct combinations of values of ``columns`` (of one length, each of any dtype, no NaN), in order (the
    first column first): the first row of each, which each row has, and how many rows have each. Each row is coded
    as one integer, from the ranks of its values among its column's (small integers counted, not sorted), and the
    codes are counted where they are few enough, else sorted once."""
    rows = len(columns[0]) if columns else 0
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    code, size = np.zeros(rows, dtype=np.int64), 1
    for column in columns:
        ranks, distinct = _ranks(column)
        if size * distinct >= _MAX_CODE:  # the codes so far ranked in their turn: there are no more than rows
            _, code = np.unique(code, return_inverse=True)
            size = int(code.max()) + 1
        code = code * distinct + ranks
        size *= distinct
    if size <= _COUNTED * rows:
        counts = np.bincount(code, minlength=size)
        present = np.flatnonzero(counts)
        rank = np.zeros(size, dtype=np.int64)
        rank[present] = np.arange(len(present))
        inverse, counts = rank[code], counts[present]
    else:
        _, inverse, counts = np.unique(code, return_inverse=True, return_counts=True)
    first = np.empty(len(counts), dtype=np.int64)
    first[inverse[::-1]] = np.arange(rows - 1, -1, -1)  # the first row with each code
    return first, inverse, counts


# Row codes stay below this (a product of the columns' distinct counts); codes are counted rather than sorted while
# there are at most this many codes a row.
_MAX_CODE = 1 << 62
_COUNTED = 4


def _ranks(column: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's rank among the column's distinct values, and how many there are: small integers (and numbers of
    ten-thousandths) by counting them, other values by sorting."""
    if column.dtype.kind == "f" and len(column):
        # Scores are rounded to four places: as whole ten-thousandths (each back to itself) they are counted too.
        scaled = np.rint(column * 10_000)
        if (np.abs(scaled) < 2.0 ** 53).all() and np.array_equal(scaled / 10_000, column):
            return _ranks(scaled.astype(np.int64))
    if column.dtype.kind in "biu" and len(column):
        low, high = int(column.min()), int(column.max())
        if high - low <= _COUNTED * len(column):
            shifted = column.astype(np.int64) - low
            present = np.bincount(shifted, minlength=high - low + 1) > 0
            rank = np.cumsum(present) - 1
            return rank[shifted], int(present.sum())
    distinct, ranks = np.unique(column, return_inverse=True)
    return ranks.reshape(-1), len(distinct)


def values(name: str, raw: Iterable[Any]) -> list[Any]:
    """A column's values as records hold them: None for a missing value, a bool for yes/no."""
    if name in SCORES:
        return [None if v != v else float(v) for v in raw]  # NaN is the one value unequal to itself
    if name in YES_NO:
        return [None if v == MISSING else bool(v) for v in raw]
    if name == "level_diff":
        return [None if v == MISSING else int(v) for v in raw]
    if name == "stated_identity":
        return [bool(v) for v in raw]
    return [int(v) for v in raw]


@dataclass
class PairColumns:
    """The features of compared pairs, one row each; ``left`` and ``right`` are positions in ``keys``."""

    keys: tuple[str, ...]
    left: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    right: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    columns: dict[str, np.ndarray] = field(
        default_factory=lambda: {name: np.zeros(0, dtype=dtype) for name, dtype in DTYPES.items()})
    alignments: Alignments = field(default_factory=lambda: Alignments.of(()))
    _index: dict[str, int] = field(init=False, repr=False)
    _codes: np.ndarray | None = field(default=None, init=False, repr=False)  # pair codes, sorted, and their rows
    _order: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = {key: i for i, key in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.left)

    def position(self, key: str) -> int:
        return self._index[key]

    def pair(self, row: int) -> tuple[str, str]:
        return self.keys[self.left[row]], self.keys[self.right[row]]

    def extend_columns(self, left: np.ndarray, right: np.ndarray, columns: dict[str, np.ndarray],
                       alignments: Alignments) -> None:
        """Add rows given as columns, and their alignments."""
        start = len(self)

        def joined(here: np.ndarray, added: np.ndarray, dtype: Any) -> np.ndarray:
            added = np.asarray(added, dtype=dtype)
            return np.concatenate([here, added]) if start else added  # the first rows are not copied

        self.left, self.right = joined(self.left, left, np.int64), joined(self.right, right, np.int64)
        self.columns = {name: joined(self.columns[name], columns[name], dtype) for name, dtype in DTYPES.items()}
        self.alignments = self.alignments.extended(alignments)
        self._codes = self._order = None

    def row(self, left_key: str, right_key: str) -> int | None:
        """The row of a pair (older scheme first), or None when it was not compared."""
        found = int(self.rows([(left_key, right_key)])[0])
        return None if found == NO_ROW else found

    def key_order(self) -> np.ndarray:
        """The rows in the order of their pairs' keys (positions follow key order), sorted once until rows are
        added; ``rows`` looks pairs up in it."""
        if self._codes is None or self._order is None:
            codes = self.left * len(self.keys) + self.right
            self._order = np.argsort(codes, kind="stable")
            self._codes = codes[self._order]
        return self._order

    def rows(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """The rows of pairs (older scheme first), ``NO_ROW`` for a pair not compared: looked up at once."""
        if not len(self):
            return np.full(len(pairs), NO_ROW, dtype=np.int64)
        order = self.key_order()
        assert self._codes is not None
        index = self._index
        wanted = np.fromiter((index[a] * len(self.keys) + index[b] for a, b in pairs), dtype=np.int64, count=len(pairs))
        at = np.minimum(np.searchsorted(self._codes, wanted), len(self._codes) - 1)
        found: np.ndarray = np.where(self._codes[at] == wanted, order[at], NO_ROW)
        return found

    def column(self, name: str, rows: np.ndarray) -> list[Any]:
        """Column ``name`` at ``rows``, as records hold its values, read at once."""
        return values(name, self.columns[name][rows].tolist())


def aligned_columns(alignments: Alignments, rows: np.ndarray) -> tuple[list[int], list[str], list[str], list[float]]:
    """The alignments of ``rows`` as columns: how many criterion pairs each row has, then every pair's left key, right
    key and score, a row's after the row before's (no record of a pair is made)."""
    taken = alignments.arrow(rows)
    listed = cast(pa.StructArray, taken.flatten())
    counts: list[int] = np.diff(taken.offsets.to_numpy()).tolist()
    # Criterion keys recur in many alignments, and the map holds its criterion pairs: each key is one string.
    named: list[Any] = [listed.field(name).to_pylist() for name in ("left_key", "right_key")]
    left, right = ([sys.intern(key) for key in keys] for keys in named)
    scores: list[Any] = listed.field("score").to_pylist()
    return counts, left, right, scores
