"""Where the heavy work (extracting and parsing documents, scoring pairs) runs: here, on a local
process pool, or on a Dask cluster.

Every engine maps one top-level function over a list and returns the results in
the order of the list, so a run's outputs do not depend on the engine or on how
many workers it has. Used as a context manager, an engine keeps its pool (or its
Dask client) open across maps: a run's workers start once and import the pipeline
and spaCy once, not once per stage.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures import as_completed as futures_completed
from typing import Any, TypeVar

from pipeline.core.errors import PipelineError

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# Below this much work (in text bytes) a local pool costs more than it saves: each
# spawned worker first imports pandas, pyarrow and spaCy (~2 s of CPU), while the
# five handbooks of raw/ (236 kB of text) extract and parse in about a second.
MIN_POOL_BYTES = 500_000


class Engine:
    """How to run the heavy work: ``workers`` local processes, or the Dask scheduler at ``scheduler``."""

    def __init__(self, workers: int = 1, scheduler: str | None = None, min_pool_bytes: int = MIN_POOL_BYTES):
        if workers < 1:
            raise PipelineError(f"--workers must be at least 1, not {workers}")
        self.workers, self.scheduler, self.min_pool_bytes = workers, scheduler, min_pool_bytes
        self._kept: Any = None  # the open pool or Dask client, while the engine is entered
        self._depth = 0  # how many ``with`` blocks hold the engine: a run's stages nest in the command's

    def __repr__(self) -> str:
        return f"Engine(workers={self.workers}, scheduler={self.scheduler!r})"

    def __enter__(self) -> Engine:
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._kept is not None:
            kept, self._kept = self._kept, None
            kept.shutdown(cancel_futures=True) if isinstance(kept, Executor) else kept.close()

    @property
    def parallel(self) -> bool:
        """Whether work can run in more than one place at once."""
        return bool(self.scheduler) or self.workers > 1

    def map(self, work: Callable[[T], R], items: Sequence[T], sizes: Sequence[int] | None = None) -> Iterator[R]:
        """``work`` of each item, in the order of ``items`` (see ``as_completed``)."""
        waiting: dict[int, R] = {}
        next_index = 0
        for index, result in self.as_completed(work, items, sizes):
            waiting[index] = result
            while next_index in waiting:
                yield waiting.pop(next_index)
                next_index += 1

    def as_completed(self, work: Callable[[T], R], items: Sequence[T],
                     sizes: Sequence[int] | None = None) -> Iterator[tuple[int, R]]:
        """(index, ``work`` of the item) as each finishes; ``sizes`` (work per item, in text bytes) say if a pool
        pays, and the largest items start first, so that no worker is left with a long one at the end."""
        if not items:
            return
        small = sizes is not None and sum(sizes) < self.min_pool_bytes
        if not self.scheduler and (self.workers == 1 or len(items) < 2 or small):
            yield from enumerate(map(work, items))
            return
        order = sorted(range(len(items)), key=lambda i: -sizes[i]) if sizes is not None else range(len(items))
        if not self._depth:  # outside ``with``: the pool lasts as long as this map
            with self._new(min(self.workers, len(items))) as place:
                yield from _finished(place, work, items, order)
            return
        if self._kept is None:
            self._kept = self._new(self.workers)
        yield from _finished(self._kept, work, items, order)

    def _new(self, workers: int) -> Any:
        """A Dask client for the scheduler, else a pool of ``workers`` processes."""
        if self.scheduler:
            return _dask_client(self.scheduler)
        # spawn, not fork: a forked child would inherit the parent's threads
        # (pyarrow's pool, DuckDB) in whatever state they were in.
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _finished(place: Any, work: Callable[[T], R], items: Sequence[T], order: Sequence[int]) -> Iterator[tuple[int, R]]:
    """Submit the items in ``order`` to a pool or Dask client; yield (index, result) as each finishes."""
    if isinstance(place, Executor):
        index = {place.submit(work, items[i]): i for i in order}
        finished = futures_completed(index)
    else:
        from distributed import as_completed as dask_completed

        # pure=False: two documents with equal arguments are still two tasks.
        index = dict(zip(place.map(work, [items[i] for i in order], pure=False), order))
        finished = dask_completed(list(index), loop=place.loop)
    try:
        for future in finished:
            yield index[future], future.result()
    finally:
        for future in index:
            future.cancel()


def _dask_client(scheduler: str) -> Any:
    from distributed import Client  # imported here: a local run never loads Dask

    try:
        return Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise PipelineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
