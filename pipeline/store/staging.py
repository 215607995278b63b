"""Staged outputs: each stage writes into a staging folder; publish makes them visible at once.

A failed or killed run leaves the previous outputs whole: nothing is published
until every dataset of the run has been written and validated, and then the
whole set switches with one rename (``pipeline.store.generations``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.core.errors import PipelineError
from pipeline.core.schemas import DATASETS, Dataset
from pipeline.store import atomic, generations
from pipeline.store.tables import Batched, duplicate_keys, read_records, to_table, write_parquet

STAGING = ".staged"


def staging_dir(folder: Path) -> Path:
    return folder / STAGING


def stage(
    folder: Path, rows_by_dataset: Mapping[str, Sequence[object] | Batched],
    csv: Callable[[pa.Table], bytes] | None = None
) -> list[Path]:
    """Write datasets into ``folder/.staged``: Parquet, and the CSV that ``csv`` renders where the dataset has one;
    rows held in batches (``Batched``) write themselves."""
    target = staging_dir(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in rows_by_dataset.items():
        dataset = DATASETS[name]
        if isinstance(rows, Batched):  # too many to hold as records; in key order, one row per key, by its maker
            atomic.write_with(target / dataset.filename, rows.write)
            written.append(target / dataset.filename)
            continue
        dupes = duplicate_keys(dataset, rows)
        if dupes:
            raise PipelineError(f"{name}: {len(dupes)} duplicate key(s), first {dupes[0]}; nothing staged")
        table = to_table(dataset, rows)
        atomic.write_with(target / dataset.filename, partial(write_parquet, table))
        written.append(target / dataset.filename)
        if dataset.csv:
            if csv is None:
                raise PipelineError(f"{name} is published with a CSV, and no CSV writer was given")
            atomic.write_bytes(target / f"{dataset.name}.csv", csv(table))
    return written


def stage_file(folder: Path, name: str, content: bytes) -> None:
    """Stage a file that is not a dataset (a review list, a report); ``name`` may hold a subfolder (``case/x.json``)."""
    path = staging_dir(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(path, content)


def dataset_file(folder: Path, dataset: Dataset) -> Path:
    """The file a dataset is read from: the staged copy when there is one, else the published one."""
    for path in (staging_dir(folder) / dataset.filename, folder / dataset.filename):
        if path.exists():
            return path
    raise PipelineError(f"{dataset.name} has not been produced yet: run the stage that makes it", None)


def read_dataset(folder: Path, dataset: Dataset) -> list[Any]:
    """A dataset's records, from the staged copy when there is one, else the published one."""
    return read_records(dataset, dataset_file(folder, dataset))


def staged_names(folder: Path) -> list[str]:
    target = staging_dir(folder)
    return sorted(p.name for p in target.iterdir() if not p.name.startswith(".")) if target.is_dir() else []


def swap_in(folders: Sequence[Path], keep: frozenset[str] = frozenset()) -> list[str]:
    """Publish every staged file of ``folders`` as one new generation, then remove the staging folders.

    Returns the staged names (``<folder>/<file>``) now published, none when they
    were all published already (no generation is written); ``keep`` names files a
    person keeps in a folder, never moved into a generation.
    """
    staged = [f"{folder.name}/{name}" for folder in folders for name in staged_names(folder)]
    written = generations.publish(folders, {folder: staging_dir(folder) for folder in folders}, keep)
    discard(folders)
    return staged if written else []


def discard(folders: Sequence[Path]) -> None:
    """Drop whatever a failed run staged."""
    for folder in folders:
        shutil.rmtree(staging_dir(folder), ignore_errors=True)
