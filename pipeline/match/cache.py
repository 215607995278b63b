"""The match cache: a corpus matched before is not matched again, nor a pair compared before (``kept_folder``).

The key (``pipeline.store.keys``) covers everything the match stage reads: the units
and criteria files, ``overrides.csv``, what the manifest says of each document
(schemes, dates, ``supersedes``), the matcher's own code and the versions of its
libraries, so that a change to any of them matches afresh. A result is kept as
Parquet (its record lists, in their order) and JSON (the rest), never as a pickle.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.core.manifest import Entry
from pipeline.core.schemas import DATASETS
from pipeline.match import MatchResult
from pipeline.store.entries import read_entry, write_entry
from pipeline.store.keys import CORE, Stage, cache_key, file_sha256, fingerprint

FOLDER = ".match"
KEPT = ".match-pairs"
# What a match depends on besides its inputs: this package's code, the spaCy pipeline and the scoring libraries.
STAGE = Stage("match", ("match", "core/nlp.py", *CORE), ("spacy", "spacy-lookups-data", "rapidfuzz", "numpy", "scipy"))
# MatchResult field -> the dataset whose schema stores it; the other fields are kept as JSON.
_DATASET_OF = {
    "unit_matches": "unit_matches", "families": "families", "unit_map": "unit_map",
    "criterion_map": "criterion_map", "review": "unit_matches", "issues": "issues",
}


def kept_folder(extracted: Path) -> Path:
    """Where the pairs compared before are kept (``pipeline.match.kept``): a folder named by the stage's code and
    libraries."""
    return extracted / KEPT / fingerprint(STAGE)[:16]


def match_key(inputs: Iterable[Path], entries: list[Entry]) -> str:
    """The cache key of the match stage's inputs, code and libraries."""
    read = [f"{path.name}:{file_sha256(path) if path.exists() else ''}" for path in inputs]
    described = [(e.doc_id, e.scheme, e.qualification, str(e.published), e.supersedes, e.replaces) for e in entries]
    return cache_key(STAGE, *read, json.dumps(described, default=list))


def cached(extracted: Path, key: str) -> MatchResult | None:
    """The match result stored under ``key``, or None."""
    found = read_entry(extracted / FOLDER / key, {name: DATASETS[dataset] for name, dataset in _DATASET_OF.items()},
                       batched={"unit_matches"})
    if found is None:
        return None
    records, rest = found
    fields: dict[str, Any] = {**records, **rest}
    return MatchResult(**fields)


def store(extracted: Path, key: str, result: MatchResult) -> None:
    """Keep one match result (the latest), written whole and renamed in."""
    records = {name: (DATASETS[dataset], getattr(result, name)) for name, dataset in _DATASET_OF.items()}
    rest = {f.name: getattr(result, f.name) for f in dataclasses.fields(result) if f.name not in _DATASET_OF}
    write_entry(extracted / FOLDER, key, records, rest)
