"""The parse cache: ``extracted/<doc_id>/parsed/`` holds a document's last good records.

Keyed by the cache key of its inputs (the extraction, the manifest entry) and of the
parser's code and libraries (``pipeline.store.keys``), so an unchanged document is
not parsed again, and a document that fails a later run can still be published
from the records it last gave without unaccepted errors.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.schemas import DATASETS
from pipeline.parse import Conservation, ParseResult
from pipeline.store.entries import entries, read_entry, write_entry

FOLDER = "parsed"
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


def _read(entry: Path) -> Parsed | None:
    found = read_entry(entry, {field: DATASETS[name] for field, name in _DATASET_OF.items()})
    if found is None:
        return None
    records, meta = found
    return Parsed(ParseResult(**records), meta["sha256"], meta["profile"], meta["media_type"], meta["pages"],
                  Conservation(**meta["conservation"]), meta.get("pdf_producer"), meta.get("pdf_creator"))


def cached(folder: Path, key: str) -> Parsed | None:
    """The good parse stored under this cache key, or None."""
    return _read(folder / FOLDER / key)


def last_good(folder: Path) -> Parsed | None:
    """The most recent good parse of the document, whatever file it came from, or None."""
    kept = entries(folder / FOLDER)
    return _read(kept[-1]) if kept else None


def store(folder: Path, key: str, parsed: Parsed) -> None:
    """Keep a good parse as the document's last good one, under its cache key (written whole, then renamed in)."""
    # In parse order, not sorted: the corpus merge must see what a fresh parse gives.
    records = {field: (DATASETS[name], getattr(parsed.result, field)) for field, name in _DATASET_OF.items()}
    meta = {f.name: getattr(parsed, f.name) for f in dataclasses.fields(parsed) if f.name != "result"}
    meta["conservation"] = dataclasses.asdict(parsed.conservation)
    write_entry(folder / FOLDER, key, records, meta)
