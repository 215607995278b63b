"""The match cache: a corpus matched before is not matched again.

The key is the SHA-256 of everything the match stage reads: the units and criteria
files, ``overrides.csv``, what the manifest says of each document (schemes, dates,
``supersedes``), and the matcher's own source, so that a change to any of them,
the code included, matches afresh.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.manifest import Entry

if TYPE_CHECKING:
    from pipeline.match import MatchResult

FOLDER = ".match"
# The modules whose code decides a match result.
_SOURCES = sorted(Path(__file__).parent.glob("*.py")) + [Path(__file__).parents[1] / n for n in ("nlp.py", "records.py")]


def match_key(inputs: Iterable[Path], entries: list[Entry]) -> str:
    """The SHA-256 of the match stage's inputs and code."""
    digest = hashlib.sha256()
    for path in [*inputs, *_SOURCES]:
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    described = [(e.doc_id, e.scheme, e.qualification, str(e.published), e.supersedes, e.replaces) for e in entries]
    digest.update(json.dumps(described, default=list).encode())
    return digest.hexdigest()


def cached(extracted: Path, key: str) -> MatchResult | None:
    """The match result stored under ``key``, or None."""
    path = extracted / FOLDER / f"{key}.pickle"
    if not path.exists():
        return None
    result: MatchResult = pickle.loads(path.read_bytes())
    return result


def store(extracted: Path, key: str, result: MatchResult) -> None:
    """Keep one match result (the latest), written whole and renamed in."""
    folder = extracted / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{key}.tmp"
    tmp.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, folder / f"{key}.pickle")
    for other in folder.iterdir():
        if other.name != f"{key}.pickle":
            other.unlink()
