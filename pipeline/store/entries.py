"""Cache entries: a folder per key of record lists as Parquet (in their own order) and the rest as JSON.

An entry is written whole under a temporary name, its files flushed, then renamed in; the
other entries of its folder then go, so a stage keeps one entry per document (or per corpus).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.core.schemas import Dataset
from pipeline.store import atomic
from pipeline.store.tables import Batched, StoredRows, read_records, to_table, write_parquet

META = "meta.json"


def write_entry(root: Path, key: str, records: Mapping[str, tuple[Dataset, Sequence[object]]],
                meta: Mapping[str, Any]) -> None:
    """Keep one entry under ``root/key``: each named list of records in its dataset's schema, and ``meta``."""
    tmp = root / f".{key}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, (dataset, rows) in records.items():
        if isinstance(rows, Batched):
            rows.write(tmp / f"{name}.parquet")
        else:
            write_parquet(to_table(dataset, rows, sort=False), tmp / f"{name}.parquet")
    (tmp / META).write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
    for written in tmp.iterdir():
        atomic.fsync_path(written)
    final = root / key
    shutil.rmtree(final, ignore_errors=True)
    atomic.replace(tmp, final)
    for other in root.iterdir():
        if other.name != key:
            shutil.rmtree(other, ignore_errors=True) if other.is_dir() else other.unlink()


def read_entry(entry: Path, datasets: Mapping[str, Dataset], batched: Collection[str] = ()
               ) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The record lists and the meta of one entry, or None when it is absent or was never finished; the lists named
    in ``batched`` are read as they are used (``StoredRows``)."""
    if not (entry / META).exists():
        return None
    meta: dict[str, Any] = json.loads((entry / META).read_text(encoding="utf-8"))
    return {name: StoredRows(dataset, entry / f"{name}.parquet") if name in batched
            else read_records(dataset, entry / f"{name}.parquet") for name, dataset in datasets.items()}, meta


def entries(root: Path) -> list[Path]:
    """The finished entries of ``root``, oldest first."""
    found = [p for p in root.iterdir() if (p / META).exists()] if root.is_dir() else []
    return sorted(found, key=lambda p: p.stat().st_mtime_ns)
