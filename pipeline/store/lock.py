"""One run at a time: an ``fcntl`` lock on ``extracted/.lock`` held while a command writes.

The kernel drops the lock when its process dies, however it dies, so a lock
left by a killed run never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pipeline.core.errors import PipelineError

LOCK_NAME = ".lock"


class Busy(PipelineError):
    """Another run holds the project and the caller asked not to wait."""


def _holder(handle: IO[str]) -> str:
    handle.seek(0)
    pid = handle.read().strip()
    return f"process {pid}" if pid else "another process"


@contextmanager
def hold(extracted: Path, wait: bool = True, on_wait: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """Hold the project's lock for the duration; wait for it (telling ``on_wait``) or raise ``Busy``."""
    extracted.mkdir(parents=True, exist_ok=True)
    path = extracted / LOCK_NAME
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            if not wait:
                raise Busy(f"another run ({holder}) is writing this project; not waiting (--no-wait)") from None
            on_wait(f"waiting for another run ({holder}) to finish...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
