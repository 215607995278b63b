"""Records to Arrow tables and back, sorted by each dataset's key."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.core.schemas import Dataset


def to_table(dataset: Dataset, rows: Iterable[object], sort: bool = True) -> pa.Table:
    """An Arrow table of ``rows`` with the dataset's schema, sorted by its key (or in their order)."""
    schema = dataset.schema
    rows = list(rows)
    columns = {name: [getattr(row, name) for row in rows] for name in schema.names}
    table = pa.Table.from_pydict(columns, schema=schema)
    if sort and table.num_rows:
        table = table.sort_by([(k, "ascending") for k in dataset.key])
    return table


def from_table(dataset: Dataset, table: pa.Table) -> list[Any]:
    """The records of a table read back (list columns become tuples)."""
    names = [f.name for f in dataclasses.fields(dataset.record)]
    out = []
    for row in table.select(names).to_pylist():
        out.append(dataset.record(**{k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}))
    return out


def read_records(dataset: Dataset, path: Path) -> list[Any]:
    """The records of one Parquet file of ``dataset``."""
    return from_table(dataset, pq.read_table(path, schema=dataset.schema))


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write zstd-compressed Parquet, without timestamps, so equal inputs give equal bytes."""
    pq.write_table(table, path, compression="zstd", write_statistics=True)


def duplicate_keys(dataset: Dataset, rows: Sequence[object]) -> list[tuple[object, ...]]:
    """Keys that occur more than once among ``rows``."""
    seen: set[tuple[object, ...]] = set()
    dupes = []
    for row in rows:
        key = tuple(getattr(row, k) for k in dataset.key)
        if key in seen:
            dupes.append(key)
        seen.add(key)
    return dupes
