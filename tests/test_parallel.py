"""Where the work runs does not change what is published: one process, a local pool, a Dask cluster."""

from __future__ import annotations

import os
import shutil

import pytest

from pipeline import runner
from pipeline.core.errors import PipelineError
from pipeline.core.parallel import Engine
from pipeline.extract.cache import cached
from tests.conftest import RAW, manifest
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


def test_a_dask_cluster_publishes_the_same_bytes_as_a_local_run(tmp_path_factory, one_worker):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, worker_dashboard_address=None) as cluster:
        on_cluster = _published(tmp_path_factory, "dask", Engine(scheduler=cluster.scheduler_address))
    assert sorted(on_cluster) == sorted(one_worker)
    assert [name for name in one_worker if on_cluster[name] != one_worker[name]] == []


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


def test_workers_below_one_are_refused():
    with pytest.raises(PipelineError, match="--workers must be at least 1, not 0"):
        Engine(workers=0)
