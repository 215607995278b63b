"""Staged outputs: each stage writes into a staging folder; publish swaps them in at once.

A failed run leaves the previous outputs whole: nothing is renamed into place until
every dataset of the run has been written and validated.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Mapping, Sequence

from pipeline.errors import PipelineError
from pipeline.publish.tables import duplicate_keys, read_records, to_table, write_csv, write_parquet
from pipeline.schemas import DATASETS, Dataset

STAGING = ".staged"


def staging_dir(folder: Path) -> Path:
    return folder / STAGING


def stage(folder: Path, rows_by_dataset: Mapping[str, Sequence[object]]) -> list[Path]:
    """Write datasets into ``folder/.staged`` (Parquet, and CSV where the dataset has one)."""
    target = staging_dir(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in rows_by_dataset.items():
        dataset = DATASETS[name]
        dupes = duplicate_keys(dataset, rows)
        if dupes:
            raise PipelineError(f"{name}: {len(dupes)} duplicate key(s), first {dupes[0]}; nothing staged")
        table = to_table(dataset, rows)
        tmp = target / f".{dataset.filename}.tmp"
        write_parquet(table, tmp)
        os.replace(tmp, target / dataset.filename)
        written.append(target / dataset.filename)
        if dataset.csv:
            tmp = target / f".{dataset.name}.csv.tmp"
            write_csv(table, tmp)
            os.replace(tmp, target / f"{dataset.name}.csv")
    return written


def stage_file(folder: Path, name: str, content: bytes) -> None:
    """Stage a file that is not a dataset (a review list, a report); ``name`` may hold a subfolder (``case/x.json``)."""
    path = staging_dir(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


def read_dataset(folder: Path, dataset: Dataset) -> list:
    """A dataset's records, from the staged copy when there is one, else the published one."""
    for path in (staging_dir(folder) / dataset.filename, folder / dataset.filename):
        if path.exists():
            return read_records(dataset, path)
    raise PipelineError(f"{dataset.name} has not been produced yet: run the stage that makes it", None)


def staged_names(folder: Path) -> list[str]:
    target = staging_dir(folder)
    return sorted(p.name for p in target.iterdir() if not p.name.startswith(".")) if target.is_dir() else []


def swap_in(folders: Sequence[Path]) -> list[str]:
    """Move every staged file of ``folders`` into place, then remove the staging folders."""
    moved = []
    for folder in folders:
        for name in staged_names(folder):
            if (staging_dir(folder) / name).is_dir() and (folder / name).is_dir():
                shutil.rmtree(folder / name)  # a staged folder (case/) replaces the published one whole
            os.replace(staging_dir(folder) / name, folder / name)
            moved.append(f"{folder.name}/{name}")
    for folder in folders:
        shutil.rmtree(staging_dir(folder), ignore_errors=True)
    return moved


def discard(folders: Sequence[Path]) -> None:
    """Drop whatever a failed run staged."""
    for folder in folders:
        shutil.rmtree(staging_dir(folder), ignore_errors=True)
