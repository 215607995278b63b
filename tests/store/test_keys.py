"""One cache key scheme: a stage's cache follows its own code and libraries, and nothing else."""

from __future__ import annotations

import json
import shutil
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest

from pipeline.extract import STAGE as EXTRACT
from pipeline.match.cache import STAGE as MATCH
from pipeline.parse import STAGE as PARSE
from pipeline.store.keys import PACKAGE, cache_key, fingerprint

STAGES = {"extract": EXTRACT, "parse": PARSE, "match": MATCH}


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the pipeline's code to edit."""
    copy = tmp_path / "pipeline"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def fingerprints(root: Path, version=installed_version) -> dict[str, str]:
    return {name: fingerprint(stage, root, version) for name, stage in STAGES.items()}


def test_a_copy_of_the_code_has_the_same_fingerprints(package):
    # Read afresh (a lambda bypasses the per-process cache of the installed code's fingerprints).
    assert fingerprints(package) == fingerprints(PACKAGE, lambda name: installed_version(name))


@pytest.mark.parametrize(("module", "changed"), [
    ("extract/txt.py", {"extract"}),
    ("parse/headings.py", {"parse"}),
    ("match/scoring.py", {"match"}),
    ("core/nlp.py", {"parse", "match"}),  # the one spaCy pipeline both stages use
    ("core/records.py", {"extract", "parse", "match"}),  # the core records every stage makes
])
def test_one_line_of_a_stage_invalidates_exactly_that_stage(package, module, changed):
    before = fingerprints(package)
    with (package / module).open("a", encoding="utf-8") as handle:
        handle.write("# one more line\n")
    after = fingerprints(package)
    assert {name for name in STAGES if before[name] != after[name]} == changed


def test_code_outside_the_stages_invalidates_none(package):
    before = fingerprints(package)
    (package / "cli.py").write_text((package / "cli.py").read_text(encoding="utf-8") + "# a new option\n", encoding="utf-8")
    assert fingerprints(package) == before


@pytest.mark.parametrize(("library", "changed"), [
    ("pypdfium2", {"extract"}),
    ("pdfplumber", {"extract"}),
    ("spacy-lookups-data", {"parse", "match"}),
    ("rapidfuzz", {"match"}),
    ("duckdb", set()),  # read only by the answers, which cache nothing
])
def test_another_library_version_invalidates_exactly_the_stages_using_it(package, library, changed):
    before = fingerprints(package)
    after = fingerprints(package, lambda name: "0.0.1" if name == library else installed_version(name))
    assert {name for name in STAGES if before[name] != after[name]} == changed


def test_a_key_follows_every_input_and_the_fingerprint():
    key = cache_key(PARSE, "sha-a", "entry")
    assert key == cache_key(PARSE, "sha-a", "entry")
    assert len({key, cache_key(PARSE, "sha-b", "entry"), cache_key(PARSE, "sha-a", "entry2"),
                cache_key(PARSE, "sha-a", "entry", stage_fingerprint="other")}) == 4


def test_an_extraction_cached_under_another_key_is_read_again(tmp_path):
    from pipeline.extract import Extraction
    from pipeline.extract.cache import META, cached, store

    store(tmp_path, "f" * 64, Extraction("text/plain", 1, ()))
    assert cached(tmp_path, "f" * 64) is not None
    meta = json.loads((tmp_path / META).read_text(encoding="utf-8"))
    meta["key"] = cache_key(EXTRACT, "f" * 64, stage_fingerprint="an older extractor")
    (tmp_path / META).write_text(json.dumps(meta), encoding="utf-8")
    assert cached(tmp_path, "f" * 64) is None
