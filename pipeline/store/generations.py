"""Published generations: a run's whole output set becomes visible with one atomic rename.

Each publication writes a complete generation, ``extracted/.generations/<n>/``
holding an ``extracted/`` and a ``mappings/`` folder, then points the symlink
``extracted/.generations/current`` at it with ``os.replace``. The paths analysts
use (``extracted/units.parquet``, ``mappings/unit_map.csv``) are fixed relative
symlinks through ``current``, so that one rename switches every file at once.
The previous generation is kept (a reader may still hold it open); older ones go.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from pipeline.store import faults
from pipeline.store.atomic import fsync_path

GENERATIONS = ".generations"
CURRENT = "current"
_PARTIAL = ".partial"


def store(extracted: Path) -> Path:
    """The folder holding every generation (under ``extracted/``, next to the datasets)."""
    return extracted / GENERATIONS


def current(extracted: Path) -> Path | None:
    """The real folder of the published generation, or None before the first publication."""
    pointer = store(extracted) / CURRENT
    return pointer.resolve() if pointer.is_symlink() and pointer.resolve().is_dir() else None


def published_dirs(folders: Sequence[Path]) -> dict[str, Path]:
    """Where each output folder's published files really are, resolved once so a reader sees one generation."""
    extracted = folders[0]
    generation = current(extracted)
    return {f.name: (generation / f.name if generation else f) for f in folders}


def _numbers(extracted: Path) -> list[int]:
    root = store(extracted)
    return sorted(int(p.name) for p in root.iterdir() if p.name.isdigit()) if root.is_dir() else []


def _link_or_copy(source: Path, target: Path) -> None:
    """Hard-link a file (or each file of a folder such as ``case/``) into a generation.

    Published files are replaced, never edited in place, so a link is as good as a copy.
    """
    if source.is_dir():
        shutil.copytree(source, target, copy_function=_link_file)
    else:
        _link_file(source, target)
    faults.step()


def _link_file(source: Path | str, target: Path | str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _symlink(target: str, link: Path) -> None:
    """Make ``link`` point at ``target``, atomically replacing whatever was there."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)  # a folder published before generations (case/): a link cannot be renamed over it
    tmp = link.with_name(f".{link.name.lstrip('.')}.link")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    faults.step()
    os.replace(tmp, link)
    fsync_path(link.parent)
    faults.step()


def _stable_target(folder: Path, extracted: Path, name: str) -> str:
    """The relative path a published name points at: through ``current``, never to a numbered generation."""
    return os.path.relpath(store(extracted) / CURRENT / folder.name / name, folder)


def _adopt_plain_files(folders: Sequence[Path], keep: frozenset[str]) -> None:
    """Turn outputs published as plain files (before generations) into a first generation, old bytes kept."""
    extracted = folders[0]
    plain = {f: [p for p in f.iterdir() if p.is_file() and not p.is_symlink() and not p.name.startswith(".")
                 and p.name not in keep] for f in folders}
    if current(extracted) or not any(plain.values()):
        return
    generation = store(extracted) / "0"
    for folder, files in plain.items():
        (generation / folder.name).mkdir(parents=True, exist_ok=True)
        for path in files:
            _link_or_copy(path, generation / folder.name / path.name)
    _symlink("0", store(extracted) / CURRENT)
    for folder, files in plain.items():
        for path in files:  # each link shows the same bytes as the file it replaces
            _symlink(_stable_target(folder, extracted, path.name), path)


def recover(folders: Sequence[Path]) -> None:
    """Remove what a killed publication left: half-built generations and stray temporary links."""
    root = store(folders[0])
    pointer = root / CURRENT
    if pointer.is_dir() and not pointer.is_symlink():
        # A copy of the project made by a tool that follows links: the pointer is no longer one.
        shutil.rmtree(pointer)
    for folder in (root, *folders):
        for path in folder.iterdir() if folder.is_dir() else ():
            if path.name.endswith(_PARTIAL):
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith(".") and path.name.endswith(".link") and path.is_symlink():
                path.unlink()


def _same_bytes(one: Path, other: Path) -> bool:
    """Whether two files, or two folders file for file, hold the same bytes."""
    if one.is_dir() != other.is_dir():
        return False
    if not one.is_dir():
        return one.stat().st_size == other.stat().st_size and one.read_bytes() == other.read_bytes()
    names = sorted(p.relative_to(one) for p in one.rglob("*"))
    return names == sorted(p.relative_to(other) for p in other.rglob("*")) and all(
        _same_bytes(one / name, other / name) for name in names if not (one / name).is_dir())


def unchanged(folders: Sequence[Path], staged: dict[Path, Path]) -> bool:
    """Whether publishing ``staged`` would change nothing: every staged file is already published, byte for byte."""
    extracted = folders[0]
    old = current(extracted)
    if old is None:
        return False
    for folder in folders:
        published = old / folder.name
        names = sorted(p.name for p in published.iterdir()) if published.is_dir() else []
        if any(not (folder / name).is_symlink() for name in names):  # a published path a person removed: relink
            return False
        source = staged.get(folder)
        for path in source.iterdir() if source and source.is_dir() else ():
            if not path.name.startswith(".") and not (
                    (published / path.name).exists() and _same_bytes(path, published / path.name)):
                return False
    return True


def publish(folders: Sequence[Path], staged: dict[Path, Path], keep: frozenset[str] = frozenset()) -> list[str]:
    """Publish a new generation: the current files of ``folders`` with each folder's staged files over them.

    ``staged`` maps an output folder to its staging folder; ``keep`` names files
    that stay plain files in their folder (a person's ``overrides.csv``).
    Returns the published names as ``<folder>/<file>``, none when the staged files
    are those already published: then no generation is written.
    """
    extracted = folders[0]
    recover(folders)
    _adopt_plain_files(folders, keep)
    if unchanged(folders, staged):
        return []
    old = current(extracted)
    number = (_numbers(extracted) or [0])[-1] + 1
    building = store(extracted) / f"{number}{_PARTIAL}"
    names: dict[Path, list[str]] = {}
    for folder in folders:
        target = building / folder.name
        target.mkdir(parents=True)
        source = staged.get(folder)
        fresh = sorted(p.name for p in source.iterdir() if not p.name.startswith(".")) if source and source.is_dir() else []
        kept = sorted(p.name for p in (old / folder.name).iterdir()) if old and (old / folder.name).is_dir() else []
        for name in kept:
            if name not in fresh and old is not None:
                _link_or_copy(old / folder.name / name, target / name)
        for name in fresh:
            if source is not None:
                _link_or_copy(source / name, target / name)
        names[folder] = sorted(set(kept) | set(fresh))
    os.replace(building, store(extracted) / str(number))
    fsync_path(store(extracted))
    faults.step()
    for folder, published in names.items():
        for name in published:  # a new name's link dangles until the switch: still the old set
            _symlink(_stable_target(folder, extracted, name), folder / name)
    _symlink(str(number), store(extracted) / CURRENT)  # the switch: every file changes here at once
    for folder, published in names.items():
        for link in folder.iterdir():
            if link.is_symlink() and link.name not in published and GENERATIONS in os.readlink(link):
                link.unlink()
                faults.step()
    for n in _numbers(extracted):
        if n not in (number, int(old.name) if old else None):
            shutil.rmtree(store(extracted) / str(n), ignore_errors=True)
    return [f"{folder.name}/{name}" for folder, published in names.items() for name in published]
