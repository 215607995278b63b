"""Where the work runs does not change what is published: one process, a local pool, a Dask cluster."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import runner
from pipeline.core.errors import PipelineError
from pipeline.core.manifest import Limits
from pipeline.core.parallel import Engine
from pipeline.core.records import Line
from pipeline.extract import Extraction
from pipeline.extract.cache import cached
from tests.conftest import DATA, RAW, manifest
from tests.pdf_render import render
from tests.test_cli import new_project, snapshot


def _published(tmp_path_factory, name: str, engine: Engine) -> dict[str, bytes]:
    root = new_project(tmp_path_factory.mktemp(name))
    runner.run(runner.Paths(root), engine=engine)
    return snapshot(root)


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory) -> dict[str, bytes]:
    return _published(tmp_path_factory, "one-worker", Engine(workers=1))


def test_a_local_pool_publishes_the_same_bytes_as_one_worker(tmp_path_factory, one_worker):
    # min_pool_bytes=0: the five handbooks are small enough that the pool would otherwise be skipped.
    with Engine(workers=2, min_pool_bytes=0) as engine:
        pooled = _published(tmp_path_factory, "pool", engine)
    assert sorted(pooled) == sorted(one_worker)
    assert [name for name in one_worker if pooled[name] != one_worker[name]] == []


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[str]:
    """A Dask cluster of two worker processes on loopback: its scheduler's address."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, worker_dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_a_dask_cluster_publishes_the_same_bytes_as_a_local_run(tmp_path_factory, one_worker, dask_cluster):
    on_cluster = _published(tmp_path_factory, "dask", Engine(scheduler=dask_cluster))
    assert sorted(on_cluster) == sorted(one_worker)
    assert [name for name in one_worker if on_cluster[name] != one_worker[name]] == []


def _crowded_pdf(path: Path, pages: int, glyphs: int) -> None:
    """A PDF of ``pages`` pages that all print one content stream of ``glyphs`` glyphs: slow to read, small to store."""
    row = b"(abcdefghij) Tj 0 -1 Td\n"
    stream = b"BT /F1 1 Tf 10 800 Td\n" + row * (glyphs // 10) + b"ET"
    kids = " ".join(f"{5 + n} 0 R" for n in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                b"/Contents 4 0 R >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def test_a_dask_run_document_past_the_time_limit_fails_alone(tmp_path, dask_cluster):
    root = tmp_path / "project"
    (root / "raw").mkdir(parents=True)
    shutil.copy(DATA / "cg_qcf_level2_sample.txt", root / "raw" / "small.txt")
    # Three million glyphs: far more than two seconds' reading, on any machine.
    _crowded_pdf(root / "raw" / "crowded.pdf", pages=150, glyphs=20_000)
    (root / "raw" / "manifest.toml").write_text(
        "[limits]\nmax_seconds = 2\n\n"
        '[[document]]\ndoc_id = "crowded"\npath = "crowded.pdf"\npublisher = "City & Guilds"\nscheme = "cg-qcf"\n'
        'title = "Crowded"\n\n'
        '[[document]]\ndoc_id = "small"\npath = "small.txt"\npublisher = "City & Guilds"\nscheme = "cg-qcf"\n'
        'title = "Small"\n',
        encoding="utf-8")
    paths = runner.Paths(root)
    crowded, small = runner.extract(paths, runner.manifest_entries(paths), engine=Engine(scheduler=dask_cluster))
    assert crowded.error == "raw/crowded.pdf: took longer than 2 s to read (limits.max_seconds in the manifest)"
    assert crowded.extraction is None and not crowded.extracted_now
    assert small.error is None and small.extraction is not None and small.extraction.lines


def test_an_entered_engine_keeps_its_workers_across_maps():
    with Engine(workers=2, min_pool_bytes=0) as engine:
        first = set(engine.map(_pid, range(8)))
        second = set(engine.map(_pid, range(8)))
    # A pool a map would start new processes each time; the engine's two serve both maps.
    assert os.getpid() not in first
    assert len(first | second) <= 2


def test_results_come_in_the_items_order_whatever_their_sizes():
    with Engine(workers=2, min_pool_bytes=0) as engine:
        assert list(engine.map(abs, [-1, -2, -3, -4], sizes=[1, 5, 2, 9])) == [1, 2, 3, 4]


def _pid(_: object) -> int:
    return os.getpid()


def test_a_long_pdf_read_in_page_ranges_by_the_pool_is_the_whole_read(tmp_path, monkeypatch):
    entry = manifest()["cg-4430-03-handbook"]
    made = render(RAW / entry.path, entry.title, layout="grid")
    root = tmp_path / "project"
    (root / "raw").mkdir(parents=True)
    shutil.copy(made.path, root / "raw" / "grid.pdf")
    (root / "raw" / "manifest.toml").write_text(
        '[[document]]\ndoc_id = "grid"\npath = "grid.pdf"\npublisher = "City & Guilds"\nscheme = "cg-4430"\n'
        'title = "Grid print"\n', encoding="utf-8")
    paths = runner.Paths(root)
    entries = runner.manifest_entries(paths)
    monkeypatch.setattr(runner, "PAGES_PER_TASK", 7)  # ranges break all through the document, tables too
    outcome = runner._cached_one(paths, False, runner.manifest_limits(paths), entries[0])
    assert len(runner._extract_tasks(paths, outcome, parallel=True)) > 3
    with Engine(workers=2, min_pool_bytes=0) as engine:
        [pooled] = runner.extract(paths, entries, engine=engine)
    assert pooled.error is None and pooled.extracted_now
    assert pooled.extraction == runner.extract(paths, entries, force=True)[0].extraction
    assert cached(paths.extracted / "grid", pooled.sha256) == pooled.extraction


def test_page_ranges_are_held_to_the_time_limit_together(tmp_path):
    # Two ranges of 4 s each: within a 6 s limit one at a time, past it as one document.
    entry = manifest()["cg-4430-03-handbook"]
    part = Extraction("application/pdf", 10, (Line(page=1, line=1, text="Unit 301", font=None, size=None, bold=None),))
    parts = {first: runner.DocumentOutcome(entry, "0" * 64, extraction=part, seconds=4.0) for first in (0, 5)}
    task = runner.ExtractTask(entry, "0" * 64, 1, first=5, stop=10, ranges=2)
    paths = runner.Paths(tmp_path)
    over = runner._joined(paths, Limits(max_seconds=6), task, parts)
    assert over.error == (f"raw/{entry.path}: took longer than 6 s to read (8.0 s over its 2 page ranges; "
                          "limits.max_seconds in the manifest)")
    assert over.extraction is None and not over.extracted_now
    within = runner._joined(paths, Limits(max_seconds=10), task, parts)
    assert within.error is None and within.extracted_now and within.extraction is not None


def test_workers_below_one_are_refused():
    with pytest.raises(PipelineError, match="--workers must be at least 1, not 0"):
        Engine(workers=0)
