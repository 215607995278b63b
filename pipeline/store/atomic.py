"""Atomic writes: a file is written whole under a temporary name, flushed with its folder, then renamed in.

A crash at any moment leaves either the old file or the new one, never a torn one, even
across a power cut: the data and the rename are both on disk before the call returns.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from pipeline.store import faults


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's contents to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace(tmp: Path, target: Path) -> None:
    """Rename a fully written ``tmp`` over ``target``, the data and the rename made durable."""
    fsync_path(tmp)
    faults.step()
    os.replace(tmp, target)
    fsync_path(target.parent)
    faults.step()


def write_with(target: Path, write: Callable[[Path], object]) -> None:
    """Let ``write`` fill a temporary file beside ``target``, then rename it in atomically."""
    tmp = target.with_name(f".{target.name}.tmp")
    write(tmp)
    replace(tmp, target)


def write_bytes(target: Path, content: bytes) -> None:
    """Write ``content`` to ``target`` atomically."""
    write_with(target, lambda tmp: tmp.write_bytes(content))
