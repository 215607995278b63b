"""Exceptions for unreadable inputs and usage errors; content problems are ``Issue`` rows instead."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, and the page and line when known."""

    path: str
    page: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.page is not None:
            parts.append(str(self.page))
        if self.line is not None:
            parts.append(str(self.line))
        return ":".join(parts)


class PipelineError(Exception):
    """Base of the pipeline's own errors; ``exit_code`` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class UsageError(PipelineError):
    """Bad command-line use or configuration."""

    exit_code = 2


class ManifestError(UsageError):
    """The raw manifest is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[PipelineError]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the manifest")

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class DocumentError(PipelineError):
    """A raw document could not be read at all."""
