"""The match cache: a corpus matched before is not matched again.

The key (``pipeline.store.keys``) covers everything the match stage reads: the units
and criteria files, ``overrides.csv``, what the manifest says of each document
(schemes, dates, ``supersedes``), the matcher's own code and the versions of its
libraries, so that a change to any of them matches afresh. A result is kept as
Parquet (its record lists, in their order) and JSON (the rest), never as a pickle.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.core.manifest import Entry
from pipeline.match import MatchResult
from pipeline.core.schemas import DATASETS
from pipeline.store import atomic
from pipeline.store.keys import CORE, Stage, cache_key, file_sha256
from pipeline.store.tables import read_records, to_table, write_parquet

FOLDER = ".match"
META = "result.json"
# What a match depends on besides its inputs: this package's code, the spaCy pipeline and the scoring libraries.
STAGE = Stage("match", ("match", "core/nlp.py", *CORE), ("spacy", "spacy-lookups-data", "rapidfuzz", "numpy"))
# MatchResult field -> the dataset whose schema stores it; the other fields are kept as JSON.
_DATASET_OF = {
    "unit_matches": "unit_matches", "families": "families", "unit_map": "unit_map",
    "criterion_map": "criterion_map", "review": "unit_matches", "issues": "issues",
}


def match_key(inputs: Iterable[Path], entries: list[Entry]) -> str:
    """The cache key of the match stage's inputs, code and libraries."""
    read = [f"{path.name}:{file_sha256(path) if path.exists() else ''}" for path in inputs]
    described = [(e.doc_id, e.scheme, e.qualification, str(e.published), e.supersedes, e.replaces) for e in entries]
    return cache_key(STAGE, *read, json.dumps(described, default=list))


def cached(extracted: Path, key: str) -> MatchResult | None:
    """The match result stored under ``key``, or None."""
    entry = extracted / FOLDER / key
    if not (entry / META).exists():
        return None
    rest = json.loads((entry / META).read_text(encoding="utf-8"))
    fields: dict[str, Any] = {name: read_records(DATASETS[dataset], entry / f"{name}.parquet")
                              for name, dataset in _DATASET_OF.items()}
    return MatchResult(**fields, **rest)


def store(extracted: Path, key: str, result: MatchResult) -> None:
    """Keep one match result (the latest), written whole and renamed in."""
    root = extracted / FOLDER
    tmp = root / f".{key}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, dataset in _DATASET_OF.items():
        write_parquet(to_table(DATASETS[dataset], getattr(result, name), sort=False), tmp / f"{name}.parquet")
    rest = {f.name: getattr(result, f.name) for f in dataclasses.fields(result) if f.name not in _DATASET_OF}
    (tmp / META).write_text(json.dumps(rest, indent=1, ensure_ascii=False), encoding="utf-8")
    for written in tmp.iterdir():
        atomic.fsync_path(written)
    final = root / key
    shutil.rmtree(final, ignore_errors=True)
    atomic.replace(tmp, final)
    for other in root.iterdir():
        if other.name != key:
            shutil.rmtree(other, ignore_errors=True) if other.is_dir() else other.unlink()
