"""Fault points: every write and rename of an output calls ``step``, and a test may install a hook there.

Production installs none, so a step costs one comparison; the crash tests install one that kills
the process at its Nth step and check what is left published.
"""

from __future__ import annotations

from collections.abc import Callable

_hook: Callable[[], None] | None = None


def install(hook: Callable[[], None] | None) -> None:
    """Call ``hook`` at every later output step (``None`` removes it)."""
    global _hook
    _hook = hook


def step() -> None:
    """Mark one write or rename of an output: the installed hook, if any, runs here."""
    if _hook is not None:
        _hook()
