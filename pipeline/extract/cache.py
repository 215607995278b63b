"""The extraction cache: ``extracted/<doc_id>/`` holds a document's lines, keyed by SHA-256."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.extract import EXTRACTOR_VERSION, Extraction
from pipeline.records import Issue, Line
from pipeline.schemas import schema_of

LINES = "lines.parquet"
META = "extraction.json"


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cached(folder: Path, sha256: str) -> Extraction | None:
    """The cached extraction of a file with this SHA-256, or None when stale or absent."""
    meta_path = folder / META
    if not meta_path.exists() or not (folder / LINES).exists():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("sha256") != sha256 or meta.get("extractor_version") != EXTRACTOR_VERSION:
        return None
    rows = pq.read_table(folder / LINES).to_pylist()
    return Extraction(
        media_type=meta["media_type"],
        pages=meta["pages"],
        lines=tuple(Line(**row) for row in rows),
        issues=tuple(Issue(**issue) for issue in meta["issues"]),
        pdf_producer=meta["pdf_producer"],
        pdf_creator=meta["pdf_creator"],
    )


def store(folder: Path, sha256: str, extraction: Extraction) -> None:
    """Cache an extraction (lines as Parquet, the rest as JSON), each file written atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    schema = schema_of(Line)
    columns = {name: [getattr(line, name) for line in extraction.lines] for name in schema.names}
    tmp = folder / f".{LINES}.tmp"
    pq.write_table(pa.Table.from_pydict(columns, schema=schema), tmp, compression="zstd")
    os.replace(tmp, folder / LINES)
    meta = {
        "sha256": sha256,
        "extractor_version": EXTRACTOR_VERSION,
        "media_type": extraction.media_type,
        "pages": extraction.pages,
        "issues": [
            dataclasses.asdict(i) for i in extraction.issues
        ],
        "pdf_producer": extraction.pdf_producer,
        "pdf_creator": extraction.pdf_creator,
    }
    tmp = folder / f".{META}.tmp"
    tmp.write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / META)
