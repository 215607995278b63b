"""Records to Arrow tables and back, sorted by each dataset's key; rows too many to hold as records, in batches."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

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


# Rows read or written at a time where a dataset is held in batches.
BATCH_ROWS = 65_536


def write_batches(batches: Iterable[pa.RecordBatch], schema: pa.Schema, path: Path) -> None:
    """Write Parquet as ``write_parquet`` does, a batch (one row group) at a time."""
    with pq.ParquetWriter(path, schema, compression="zstd", write_statistics=True) as writer:
        for batch in batches:
            writer.write_batch(batch)


@runtime_checkable
class Batched(Protocol):
    """A dataset's rows, in key order, held as columns rather than records: iterated as records, written whole."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Any]: ...

    def write(self, path: Path) -> None: ...


@dataclass(frozen=True)
class StoredRows:
    """A dataset's rows in one Parquet file written from batches, read a batch at a time."""

    dataset: Dataset
    path: Path

    def __len__(self) -> int:
        return int(pq.ParquetFile(self.path).metadata.num_rows)

    def __iter__(self) -> Iterator[Any]:
        for batch in pq.ParquetFile(self.path).iter_batches(BATCH_ROWS):
            yield from from_table(self.dataset, pa.Table.from_batches([batch]))

    def write(self, path: Path) -> None:
        shutil.copyfile(self.path, path)


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
