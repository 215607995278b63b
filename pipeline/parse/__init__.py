"""Parse stage: a format profile turns one document's lines into records and issues.

Every family parser works through a ``ParseContext``: it marks the lines it used,
reports what it could not place, and returns a ``ParseResult``. Lines no record
used end up in ``issues.parquet`` as ``unparsed-text`` runs, so nothing is lost
silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.core.manifest import Entry
from pipeline.core.records import (
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
from pipeline.core.text import clean
from pipeline.parse.toolkit.furniture import find_furniture
from pipeline.store.keys import CORE, Stage

# What a parse depends on besides its document: this package's code, the one spaCy pipeline and its lookups.
STAGE = Stage("parse", ("parse", "core/nlp.py", *CORE), ("spacy", "spacy-lookups-data"))


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
    """Where a document's text went, in characters of its non-blank lines: into records, set aside by name (a
    chapter deliberately not modelled), page furniture, or unaccounted (reported as ``unparsed-text``)."""

    body_chars: int  # every non-blank line but the page furniture
    record_chars: int
    set_aside_chars: int = 0
    furniture_chars: int = 0

    @property
    def unaccounted_chars(self) -> int:
        return self.body_chars - self.record_chars - self.set_aside_chars

    @property
    def share(self) -> float:
        """The share of body text that landed in records."""
        return self.record_chars / self.body_chars if self.body_chars else 1.0

    def shares(self) -> dict[str, float]:
        """The four shares of all the document's text (they sum to 1): in records, set aside, furniture, unaccounted."""
        total = self.body_chars + self.furniture_chars
        parts = {"share_in_records": self.record_chars, "share_set_aside": self.set_aside_chars,
                 "share_furniture": self.furniture_chars, "share_unaccounted": self.unaccounted_chars}
        return {name: round(chars / total, 6) if total else 0.0 for name, chars in parts.items()}


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
        # Lines used other than by a record: "furniture", or "set aside" (a chapter not modelled).
        self._aside: dict[int, str] = {id(self.all_lines[i]): "furniture" for i in furniture}

    def use(self, *lines: Line) -> None:
        """Mark lines as landed in a record."""
        for line in lines:
            self._used.add(id(line))

    def furniture(self, *lines: Line) -> None:
        """Mark lines as page furniture a family found (a printed footer, a heading restated at a page top)."""
        self.use(*lines)
        self._aside.update((id(line), "furniture") for line in lines)

    def set_aside(self, *lines: Line) -> None:
        """Mark lines as set aside by name: a chapter deliberately not modelled, reported as such."""
        self.use(*lines)
        self._aside.update((id(line), "set aside") for line in lines)

    def is_used(self, line: Line) -> bool:
        return id(line) in self._used

    def issue(self, code: str, message: str, at: Line | None = None, severity: str = "warning",
              unit: str | None = None) -> None:
        """Report a content problem at a line (stable ``code``, readable ``message``, the ``unit`` code it concerns)."""
        self.issues.append(
            Issue(self.doc_id, at.page if at else None, at.line if at else None, severity, code, message, unit)
        )

    def conservation(self) -> Conservation:
        """The text counted from the lines themselves: in a record, set aside, furniture, or left over."""
        chars = {"record": 0, "set aside": 0, "furniture": 0, "left": 0}
        for line in self.all_lines:
            kind = self._aside.get(id(line)) or ("record" if self.is_used(line) else "left")
            chars[kind] += len(clean(line.text))
        body = chars["record"] + chars["set aside"] + chars["left"]
        return Conservation(body, chars["record"], chars["set aside"], chars["furniture"])

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
