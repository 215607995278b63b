"""The parse cache: ``extracted/<doc_id>/parsed/`` holds a document's last good records.

Keyed by the cache key of its inputs (the extraction, the manifest entry) and of the
parser's code and libraries (``pipeline.store.keys``), so an unchanged document is
not parsed again, and a document that fails a later run can still be published
from the records it last gave without unaccepted errors.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.schemas import DATASETS
from pipeline.parse import Conservation, ParseResult
from pipeline.store import atomic
from pipeline.store.tables import read_records, to_table, write_parquet

FOLDER = "parsed"
META = "parsed.json"
# ParseResult field -> the dataset whose schema stores it.
_DATASET_OF = {
    "qualifications": "qualifications", "rules": "rules", "units": "units", "memberships": "unit_memberships",
    "outcomes": "outcomes", "criteria": "criteria", "evidence": "evidence_requirements", "key_words": "key_words",
    "notes": "notes", "issues": "issues",
}


@dataclass(frozen=True)
class Parsed:
    """A cached parse: the records, and what the document row needs to describe them."""

    result: ParseResult
    sha256: str
    profile: str
    media_type: str
    pages: int
    conservation: Conservation
    pdf_producer: str | None = None
    pdf_creator: str | None = None


def _read(entry: Path) -> Parsed:
    meta = json.loads((entry / META).read_text(encoding="utf-8"))
    result = ParseResult(**{
        field: read_records(DATASETS[name], entry / f"{field}.parquet") for field, name in _DATASET_OF.items()
    })
    return Parsed(result, meta["sha256"], meta["profile"], meta["media_type"], meta["pages"],
                  Conservation(**meta["conservation"]), meta.get("pdf_producer"), meta.get("pdf_creator"))


def cached(folder: Path, key: str) -> Parsed | None:
    """The good parse stored under this cache key, or None."""
    entry = folder / FOLDER / key
    return _read(entry) if (entry / META).exists() else None


def last_good(folder: Path) -> Parsed | None:
    """The most recent good parse of the document, whatever file it came from, or None."""
    root = folder / FOLDER
    entries = [p for p in root.iterdir() if (p / META).exists()] if root.is_dir() else []
    return _read(max(entries, key=lambda p: p.stat().st_mtime_ns)) if entries else None


def store(folder: Path, key: str, parsed: Parsed) -> None:
    """Keep a good parse as the document's last good one, under its cache key (written whole, then renamed in)."""
    root = folder / FOLDER
    tmp = root / f".{key}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for field, name in _DATASET_OF.items():
        # In parse order, not sorted: the corpus merge must see what a fresh parse gives.
        write_parquet(to_table(DATASETS[name], getattr(parsed.result, field), sort=False), tmp / f"{field}.parquet")
    meta = {f.name: getattr(parsed, f.name) for f in dataclasses.fields(parsed) if f.name != "result"}
    meta["conservation"] = dataclasses.asdict(parsed.conservation)
    (tmp / META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    for written in tmp.iterdir():
        atomic.fsync_path(written)
    final = root / key
    shutil.rmtree(final, ignore_errors=True)
    atomic.replace(tmp, final)
    for other in root.iterdir():
        if other.name != final.name:
            shutil.rmtree(other, ignore_errors=True)
