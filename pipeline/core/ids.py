"""Identifiers: unit keys and criterion keys (see DESIGN.md, Identifiers)."""

from __future__ import annotations

import re
from collections.abc import Callable

_SCHEME = re.compile(r"[a-z][a-z0-9-]*")


def _builds(build: Callable[[str, str], str], *parts: str) -> bool:
    """Whether ``build`` accepts the parts: a key splits only into what would build it."""
    try:
        build(*parts)
    except ValueError:
        return False
    return True


def unit_key(scheme: str, unit_code: str) -> str:
    """``<scheme>:<unit_code>``, e.g. ``cg-legacy:101``."""
    if not _SCHEME.fullmatch(scheme):
        raise ValueError(f"not a scheme id: {scheme!r}")
    if not unit_code or ":" in unit_code or "#" in unit_code:
        raise ValueError(f"not a unit code: {unit_code!r}")
    return f"{scheme}:{unit_code}"


def split_unit_key(key: str) -> tuple[str, str]:
    """The (scheme, unit_code) of a unit key; refuses what ``unit_key`` would not build."""
    scheme, sep, code = key.partition(":")
    if not sep or not _builds(unit_key, scheme, code):
        raise ValueError(f"not a unit key: {key!r}")
    return scheme, code


def criterion_key(unit_key_: str, criterion_no: str) -> str:
    """``<unit_key>#<criterion_no>``, e.g. ``cg-legacy:207#k.a``."""
    split_unit_key(unit_key_)
    if not criterion_no or "#" in criterion_no:
        raise ValueError(f"not a criterion number: {criterion_no!r}")
    return f"{unit_key_}#{criterion_no}"


def split_criterion_key(key: str) -> tuple[str, str]:
    """The (unit_key, criterion_no) of a criterion key; refuses what ``criterion_key`` would not build."""
    unit, sep, number = key.rpartition("#")
    if not sep or not _builds(criterion_key, unit, number):
        raise ValueError(f"not a criterion key: {key!r}")
    return unit, number
