"""Parse stage: a format profile turns one document's lines into records and issues.

Every family parser works through a ``ParseContext``: it marks the lines it used,
reports what it could not place, and returns a ``ParseResult``. Lines no record
used end up in ``issues.parquet`` as ``unparsed-text`` runs, so nothing is lost
silently.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterable

from pipeline.manifest import Entry
from pipeline.parse.toolkit.furniture import find_furniture
from pipeline.records import (
    Criterion,
    EvidenceRequirement,
    Issue,
    KeyWord,
    Line,
    Note,
    Outcome,
    Qualification,
    Rule,
    Unit,
    UnitMembership,
)
from pipeline.text import clean

PARSER_VERSION = "5"


@dataclass
class ParseResult:
    """Everything one document yielded."""

    qualifications: list[Qualification] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    memberships: list[UnitMembership] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    evidence: list[EvidenceRequirement] = field(default_factory=list)
    key_words: list[KeyWord] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def extend(self, other: ParseResult) -> None:
        """Append another result's records to this one."""
        for f in dataclasses.fields(self):
            getattr(self, f.name).extend(getattr(other, f.name))


@dataclass(frozen=True)
class Conservation:
    """Where a document's body text went: characters of its non-blank lines, page furniture aside."""

    body_chars: int
    record_chars: int

    @property
    def share(self) -> float:
        """The share of body text that landed in records (the rest is in ``unparsed-text`` issues)."""
        return self.record_chars / self.body_chars if self.body_chars else 1.0


class ParseContext:
    """One document being parsed: its manifest entry, its lines, and the lines used so far."""

    def __init__(self, entry: Entry, lines: Iterable[Line]):
        self.entry = entry
        self.doc_id = entry.doc_id
        self.all_lines: tuple[Line, ...] = tuple(lines)
        furniture = find_furniture(self.all_lines)
        # What the family parser reads: the document less its repeated page furniture.
        self.lines: tuple[Line, ...] = tuple(l for i, l in enumerate(self.all_lines) if i not in furniture)
        self.issues: list[Issue] = []
        self._used: set[int] = {id(self.all_lines[i]) for i in furniture}

    def use(self, *lines: Line) -> None:
        """Mark lines as landed in a record (or deliberately set aside as page furniture)."""
        for line in lines:
            self._used.add(id(line))

    def is_used(self, line: Line) -> bool:
        return id(line) in self._used

    def issue(self, code: str, message: str, at: Line | None = None, severity: str = "warning",
              unit: str | None = None) -> None:
        """Report a content problem at a line (stable ``code``, readable ``message``, the ``unit`` code it concerns)."""
        self.issues.append(
            Issue(self.doc_id, at.page if at else None, at.line if at else None, severity, code, message, unit)
        )

    def conservation(self) -> Conservation:
        """The body text counted from the lines themselves: used by a record, or left over."""
        sizes = [(len(clean(line.text)), self.is_used(line)) for line in self.lines]
        return Conservation(sum(n for n, _ in sizes), sum(n for n, used in sizes if used))

    def leftovers(self) -> list[Issue]:
        """One ``unparsed-text`` warning per run of consecutive non-blank lines no record used."""
        issues = []
        run: list[Line] = []

        def flush() -> None:
            if run:
                preview = " / ".join(l.text.strip() for l in run[:2])[:160]
                issues.append(
                    Issue(self.doc_id, run[0].page, run[0].line, "warning", "unparsed-text",
                          f"{len(run)} line(s) not parsed into any record: {preview}")
                )
                run.clear()

        for line in self.all_lines:
            if not clean(line.text):
                continue
            if self.is_used(line):
                flush()
            else:
                run.append(line)
        flush()
        return issues
