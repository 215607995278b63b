"""Where the pipeline reads and writes, under one project root (importing it loads nothing heavy)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.core.manifest import Entry


@dataclass(frozen=True)
class Paths:
    """Where the pipeline reads and writes, under one project root."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def extracted(self) -> Path:
        return self.root / "extracted"

    @property
    def mappings(self) -> Path:
        return self.root / "mappings"

    def shown(self, entry: Entry) -> str:
        """How a raw file is named in messages: relative to the project root."""
        return f"raw/{entry.path}"
