"""Cache keys, one scheme for every stage: the SHA-256 of its inputs, its own code and its libraries' versions.

A stage's cache entry is reused only when all three are unchanged, so editing one line
of a stage, or installing another version of a library it uses, makes exactly that stage
(and the stages that read its output) work afresh. No version number is bumped by hand.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]

# The modules below every stage that shape what a stage produces: part of each stage's code.
CORE = ("core/records.py", "core/schemas.py", "core/text.py", "core/ids.py", "core/errors.py")


@dataclass(frozen=True)
class Stage:
    """What a stage's result depends on besides its inputs: its code (under ``pipeline/``) and libraries."""

    name: str
    code: tuple[str, ...]
    libraries: tuple[str, ...]


def _sources(stage: Stage, root: Path) -> list[Path]:
    """The Python files of the stage's code, in a fixed order."""
    files: list[Path] = []
    for name in stage.code:
        path = root / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def fingerprint(stage: Stage, root: Path = PACKAGE, version: Callable[[str], str] = installed_version) -> str:
    """The SHA-256 of the stage's own code and of the versions of the libraries it uses."""
    if root == PACKAGE and version is installed_version:
        return _installed_fingerprint(stage)
    return _fingerprint(stage, root, version)


@functools.cache
def _installed_fingerprint(stage: Stage) -> str:
    return _fingerprint(stage, PACKAGE, installed_version)


def _fingerprint(stage: Stage, root: Path, version: Callable[[str], str]) -> str:
    digest = hashlib.sha256(stage.name.encode() + b"\0")
    for path in _sources(stage, root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps({name: version(name) for name in stage.libraries}, sort_keys=True).encode())
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_key(stage: Stage, *inputs: str, stage_fingerprint: str | None = None) -> str:
    """The key of one cache entry of ``stage``: its fingerprint and the identities of its inputs."""
    digest = hashlib.sha256((stage_fingerprint or fingerprint(stage)).encode())
    for one in inputs:
        digest.update(b"\0" + one.encode())
    return digest.hexdigest()
