"""Where the heavy work (extracting and parsing documents, scoring pairs) runs: here, on a local
process pool, or on a Dask cluster.

Every engine maps one top-level function over a list and returns the results in
the order of the list, so a run's outputs do not depend on the engine or on how
many workers it has.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence, TypeVar

from pipeline.errors import PipelineError

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# Below this much work (in text bytes) a local pool costs more than it saves: each
# spawned worker first imports pandas, pyarrow and spaCy (~2 s of CPU), while the
# five handbooks of raw/ (236 kB of text) extract and parse in about a second.
MIN_POOL_BYTES = 500_000


@dataclass(frozen=True)
class Engine:
    """How to run the heavy work: ``workers`` local processes, or the Dask scheduler at ``scheduler``."""

    workers: int = 1
    scheduler: str | None = None
    min_pool_bytes: int = MIN_POOL_BYTES

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise PipelineError(f"--workers must be at least 1, not {self.workers}")

    def map(self, work: Callable[[T], R], items: Sequence[T], sizes: Sequence[int] | None = None) -> Iterator[R]:
        """``work`` of each item, in the order of ``items``; ``sizes`` (work per item, in text bytes) say if a pool pays."""
        if not items:
            return
        small = sizes is not None and sum(sizes) < self.min_pool_bytes
        if self.scheduler:
            yield from _dask_map(self.scheduler, work, items)
        elif self.workers == 1 or len(items) < 2 or small:
            yield from map(work, items)
        else:
            # spawn, not fork: a forked child would inherit the parent's threads
            # (pyarrow's pool, DuckDB) in whatever state they were in.
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(min(self.workers, len(items)), mp_context=context) as pool:
                yield from pool.map(work, items)


def _dask_map(scheduler: str, work: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
    from distributed import Client  # imported here: a local run never loads Dask

    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise PipelineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    with client:
        # pure=False: two documents with equal arguments are still two tasks.
        futures = client.map(work, list(items), pure=False)
        for future in futures:
            yield future.result()
