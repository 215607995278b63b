"""The extraction cache: ``extracted/<doc_id>/`` holds a document's lines, keyed by its SHA-256 and the extractor."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.core.records import Issue, Line
from pipeline.core.schemas import schema_of
from pipeline.extract import STAGE, Extraction
from pipeline.store import atomic
from pipeline.store.keys import cache_key

LINES = "lines.parquet"
META = "extraction.json"


def cached(folder: Path, sha256: str) -> Extraction | None:
    """The cached extraction of a file with this SHA-256, or None when stale or absent."""
    meta_path = folder / META
    if not meta_path.exists() or not (folder / LINES).exists():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("key") != cache_key(STAGE, sha256):
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
    table = pa.Table.from_pydict(columns, schema=schema)
    atomic.write_with(folder / LINES, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
    meta = {
        "sha256": sha256,
        "key": cache_key(STAGE, sha256),
        "media_type": extraction.media_type,
        "pages": extraction.pages,
        "issues": [dataclasses.asdict(i) for i in extraction.issues],
        "pdf_producer": extraction.pdf_producer,
        "pdf_creator": extraction.pdf_creator,
    }
    atomic.write_bytes(folder / META, json.dumps(meta, indent=1, ensure_ascii=False).encode("utf-8"))
