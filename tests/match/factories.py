"""Small synthetic records for matcher tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import islice

import numpy as np

from pipeline.core.ids import criterion_key, unit_key
from pipeline.core.manifest import Entry
from pipeline.core.records import Criterion, Unit, UnitMatch
from pipeline.match.candidates import Candidates, Roster
from pipeline.match.criteria import AlignedPair
from pipeline.match.pairs import DTYPES, Alignments, PairColumns, aligned_columns
from pipeline.match.scoring import DECISIONS
from tests.match.reference import Features


def unit(scheme: str, code: str, title: str, **fields: object) -> Unit:
    """A unit of ``scheme`` numbered ``code``."""
    return Unit(unit_key(scheme, code), scheme, code, title, **fields)


def criteria(owner: Unit, *texts: str, prefix: str = "1.") -> list[Criterion]:
    """Numbered criteria of a unit (``1.1``, ``1.2``, ...)."""
    return [
        Criterion(criterion_key(owner.unit_key, f"{prefix}{i}"), owner.unit_key, None, f"{prefix}{i}", "assessment",
                  text, None, "doc")
        for i, text in enumerate(texts, start=1)
    ]


def entry(doc_id: str, scheme: str, published: dt.date | None = None, supersedes: tuple[str, ...] = (),
          qualification: str | None = None) -> Entry:
    """A manifest entry for one document of ``scheme``."""
    return Entry(doc_id, f"{doc_id}.txt", "Publisher", scheme, doc_id, qualification=qualification,
                 published=published, supersedes=supersedes)


def candidates(pairs: Sequence[UnitMatch]) -> Candidates:
    """Scored pairs as the columns the successor links, families and bridges read."""
    keys = tuple(sorted({k for p in pairs for k in (p.left_key, p.right_key)}))
    at = {key: i for i, key in enumerate(keys)}

    def column(values: list[object], dtype: object) -> np.ndarray:
        return np.array(values, dtype=dtype)

    return Candidates(
        keys,
        column([at[p.left_key] for p in pairs], np.int64),
        column([at[p.right_key] for p in pairs], np.int64),
        column([p.match_weight for p in pairs], np.float64),
        column([p.score for p in pairs], np.float64),
        column([p.title_score or 0.0 for p in pairs], np.float64),
        column([p.criteria_score or 0.0 for p in pairs], np.float64),
        column([bool(p.uan_equal or p.nos_equal or p.title_score == 1.0) for p in pairs], np.bool_),
        column([DECISIONS.index(p.decision) for p in pairs], np.int8),
    )


def alignments_of(alignments: Alignments, rows: np.ndarray) -> list[tuple[AlignedPair, ...]]:
    """The alignments of ``rows`` as records, read back through the columns the map reads (``aligned_columns``)."""
    counts, left, right, scores = aligned_columns(alignments, rows)
    made = iter(list(map(AlignedPair, left, right, scores)))
    return [tuple(islice(made, count)) for count in counts]


def features_of(pairs: PairColumns, rows: np.ndarray, title_shared: Sequence[tuple[str, ...]]) -> list[Features]:
    """The features of ``rows`` of ``pairs`` as records, read back from the columns; ``title_shared`` (one for each
    row) is not kept in columns."""
    column = {name: pairs.column(name, rows) for name in DTYPES}
    return [Features(**{name: column[name][i] for name in DTYPES}, title_shared=shared, alignment=alignment)
            for i, (shared, alignment) in enumerate(zip(title_shared, alignments_of(pairs.alignments, rows),
                                                        strict=True))]


def roster(units: Sequence[Unit]) -> Roster:
    """The roster of ``units``."""
    return Roster.of({u.unit_key: u for u in units})
