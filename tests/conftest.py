"""Shared fixtures: the real handbooks in raw/ and their manifest entries."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pytest

from pipeline.core.manifest import Entry, load_manifest
from pipeline.extract import extract_file
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.profiles import PROFILES, detect_profile, parse_lines

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
DATA = Path(__file__).resolve().parent / "data"


@cache
def manifest() -> dict[str, Entry]:
    """The real manifest, by doc_id."""
    return {e.doc_id: e for e in load_manifest(RAW, frozenset(PROFILES))}


def parse_path(path: Path, entry: Entry) -> ParseResult:
    """Extract and parse one file as the pipeline does."""
    extraction = extract_file(path, entry.doc_id, str(path))
    profile = PROFILES[entry.format] if entry.format else detect_profile(extraction.lines, str(path))
    return parse_lines(ParseContext(entry, extraction.lines), profile)


def without_pages(result: ParseResult) -> dict[str, list]:
    """The records of a parse (issues aside) with their page numbers blanked, to compare a PDF with its text."""
    pages = ("page", "page_start", "page_end")
    return {
        f.name: [dataclasses.replace(r, **{k: None for k in pages if hasattr(r, k)}) for r in getattr(result, f.name)]
        for f in dataclasses.fields(result)
        if f.name != "issues"
    }


@cache
def parsed(doc_id: str) -> ParseResult:
    """The parse of one real handbook in raw/, cached for the session."""
    entry = manifest()[doc_id]
    return parse_path(RAW / entry.path, entry)


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """A project folder on which `handbooks run` has published every output once; treat it as read-only."""
    import shutil
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("published")
    shutil.copytree(RAW, root / "raw")
    (root / "extracted").mkdir()
    (root / "mappings").mkdir()
    shutil.copy(ROOT / "mappings" / "overrides.csv", root / "mappings" / "overrides.csv")
    result = subprocess.run([sys.executable, "-m", "pipeline", "--root", str(root), "--quiet", "run"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="session")
def editions_project(tmp_path_factory):
    """raw/ plus two later editions of the 4430-03 handbook (``tests/test_editions.py``), run once; read-only."""
    from tests.test_editions import make_project

    return make_project(tmp_path_factory)
