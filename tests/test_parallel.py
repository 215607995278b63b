"""Where the work runs does not change what is published: one process, a local pool, a Dask cluster."""

from __future__ import annotations

import pytest

from pipeline import runner
from pipeline.errors import PipelineError
from pipeline.parallel import Engine
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
    pooled = _published(tmp_path_factory, "pool", Engine(workers=2, min_pool_bytes=0))
    assert sorted(pooled) == sorted(one_worker)
    assert [name for name in one_worker if pooled[name] != one_worker[name]] == []


def test_a_dask_cluster_publishes_the_same_bytes_as_a_local_run(tmp_path_factory, one_worker):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, worker_dashboard_address=None) as cluster:
        on_cluster = _published(tmp_path_factory, "dask", Engine(scheduler=cluster.scheduler_address))
    assert sorted(on_cluster) == sorted(one_worker)
    assert [name for name in one_worker if on_cluster[name] != one_worker[name]] == []


def test_workers_below_one_are_refused():
    with pytest.raises(PipelineError, match="--workers must be at least 1, not 0"):
        Engine(workers=0)
