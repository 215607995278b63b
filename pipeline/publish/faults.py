"""A fault hook for the crash tests: ``HANDBOOKS_KILL_AT=N`` kills the process at its Nth output step.

Every write and rename of an output calls ``step``; the kill test runs the
pipeline once per step number and checks what is left published.
"""

from __future__ import annotations

import os
import signal

KILL_AT = "HANDBOOKS_KILL_AT"

_steps = 0


def step() -> None:
    """Count one write or rename; die here with SIGKILL if this is the step the hook names."""
    global _steps
    _steps += 1
    if os.environ.get(KILL_AT) == str(_steps):
        os.kill(os.getpid(), signal.SIGKILL)
