"""Compared pairs as columns: a million pairs' features in arrays, a pair's records built only when read.

At 100,000 units blocking proposes over a million pairs; a ``Features`` and a
``UnitMatch`` object for each would take gigabytes, columns take about fifty bytes
a pair. The map's rows and the review read few of them (the links, each old unit's
nearest candidate, the pairs decided ``possible``, the pairs a person named):
``Features`` and ``UnitMatch`` are built for those alone
(``pipeline.match.scoring.Scored``). A pair's position is its row; units are
named by their position in ``keys`` (unit keys in sorted order).

A yes/no column holds 1, 0 or ``MISSING`` (-1), as does the level gap; a score
column holds NaN where the feature has no value. Criterion alignments, which
few pairs have, are kept by row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipeline.match.criteria import AlignedPair
from pipeline.match.features import Features

MISSING = -1

# Column -> its dtype; yes/no and the level gap are integers with MISSING, scores floats with NaN.
YES_NO = ("uan_equal", "nos_equal", "theme_equal")
SCORES = ("title_score", "criteria_score", "body_score")
COUNTS = ("left_criteria", "right_criteria")
DTYPES: dict[str, Any] = {
    **dict.fromkeys(YES_NO, np.int8), **dict.fromkeys(SCORES, np.float64), "level_diff": np.int16,
    **dict.fromkeys(COUNTS, np.int32), "stated_identity": np.bool_,
}


def distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(matrix, axis=0, return_inverse=True, return_counts=True)``, by one sort of the columns: the
    same distinct rows in the same order (the first column first), found in a fraction of the time on a million
    rows (no NaN: a missing value must be a number)."""
    if not len(matrix):
        return matrix, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.lexsort(matrix.T[::-1])
    ranked = matrix[order]
    starts = np.append(True, (ranked[1:] != ranked[:-1]).any(axis=1))
    group = np.cumsum(starts) - 1
    inverse = np.empty(len(matrix), dtype=np.int64)
    inverse[order] = group
    return ranked[starts], inverse, np.bincount(group)


def _column(name: str, values: Iterable[Any]) -> np.ndarray:
    """One feature's values as a column."""
    if name in SCORES:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if name in YES_NO or name == "level_diff":
        return np.array([MISSING if v is None else int(v) for v in values], dtype=DTYPES[name])
    return np.array(list(values), dtype=DTYPES[name])


def value(name: str, raw: Any) -> object:
    """A column's value as the record holds it: None for a missing value, a bool for yes/no."""
    if name in SCORES:
        return None if raw != raw else float(raw)  # NaN is the one value unequal to itself
    if name in YES_NO:
        return None if raw == MISSING else bool(raw)
    if name == "level_diff":
        return None if raw == MISSING else int(raw)
    if name == "stated_identity":
        return bool(raw)
    return int(raw)


@dataclass
class PairColumns:
    """The features of compared pairs, one row each; ``left`` and ``right`` are positions in ``keys``."""

    keys: tuple[str, ...]
    left: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    right: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    columns: dict[str, np.ndarray] = field(
        default_factory=lambda: {name: np.zeros(0, dtype=dtype) for name, dtype in DTYPES.items()})
    alignments: dict[int, tuple[AlignedPair, ...]] = field(default_factory=dict)
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
                       alignments: dict[int, tuple[AlignedPair, ...]]) -> None:
        """Add rows given as columns; ``alignments`` by their row among the added."""
        start = len(self)

        def joined(here: np.ndarray, added: np.ndarray, dtype: Any) -> np.ndarray:
            added = np.asarray(added, dtype=dtype)
            return np.concatenate([here, added]) if start else added  # the first rows are not copied

        self.left, self.right = joined(self.left, left, np.int64), joined(self.right, right, np.int64)
        self.columns = {name: joined(self.columns[name], columns[name], dtype) for name, dtype in DTYPES.items()}
        self.alignments.update({start + i: a for i, a in alignments.items()})
        self._codes = None

    def row(self, left_key: str, right_key: str) -> int | None:
        """The row of a pair (older scheme first), or None when it was not compared."""
        if self._codes is None or self._order is None:
            codes = self.left * len(self.keys) + self.right
            self._order = np.argsort(codes, kind="stable")
            self._codes = codes[self._order]
        code = self._index[left_key] * len(self.keys) + self._index[right_key]
        at = int(np.searchsorted(self._codes, code))
        return int(self._order[at]) if at < len(self._codes) and self._codes[at] == code else None

    def features(self, row: int, title_shared: tuple[str, ...]) -> Features:
        """The features of one row as a record; ``title_shared`` is not kept in columns (``features.shared_title``)."""
        found = {name: value(name, self.columns[name][row]) for name in DTYPES}
        return Features(**found, title_shared=title_shared, alignment=self.alignments.get(row, ()))  # type: ignore[arg-type]


def as_columns(features: Sequence[Features]) -> tuple[dict[str, np.ndarray], dict[int, tuple[AlignedPair, ...]]]:
    """The feature columns of ``features``, and their alignments by position."""
    return ({name: _column(name, (getattr(f, name) for f in features)) for name in DTYPES},
            {i: f.alignment for i, f in enumerate(features) if f.alignment})
