"""The document's sections: numbered chapters, appendices and unit bodies, as spans of lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.core.records import Line
from pipeline.core.text import clean
from pipeline.parse import ParseContext
from pipeline.parse.cg_legacy.text import unit_heading
from pipeline.parse.toolkit.chapters import chapter_heading, opens_chapter_in_body

_APPENDIX = re.compile(r"^Appendix\s+(\d{1,2})\b\s*(.*)$", re.I)


@dataclass(frozen=True)
class Section:
    """A span of the non-blank lines: ``kind`` is chapter, appendix or unit."""

    kind: str
    key: str  # chapter or appendix number, or unit code
    title: str
    start: int  # index of the heading line
    end: int  # index after the last line

    def lines(self, lines: Sequence[Line]) -> Sequence[Line]:
        """The section's lines, heading included."""
        return lines[self.start:self.end]


def _heading(lines: Sequence[Line], index: int, last_chapter: int, unit_start: int | None) -> tuple[str, str, str] | None:
    """(kind, key, title) when a line opens a section; in a unit body (from ``unit_start``) a chapter must open
    its page, not going on a list."""
    text = clean(lines[index].text)
    if match := _APPENDIX.match(text):
        return "appendix", match.group(1), match.group(2)
    if heading := unit_heading(text):
        return "unit", heading[0], heading[1]
    chapter = chapter_heading(text, last_chapter)
    if chapter and (unit_start is None or (last_chapter and opens_chapter_in_body(lines, index, unit_start))):
        return "chapter", str(chapter[0]), chapter[1]
    return None


def find_sections(lines: Sequence[Line]) -> list[Section]:
    """The sections in reading order; a heading repeated on the next page (a running header) opens none."""
    found: list[tuple[str, str, str, int]] = []
    last_chapter = 0
    unit_start: int | None = None  # where the unit body being read began
    for index in range(len(lines)):
        heading = _heading(lines, index, last_chapter, unit_start)
        if heading is None:
            continue
        kind, key, title = heading
        if found and found[-1][:2] == (kind, key):
            continue
        found.append((kind, key, title, index))
        if kind == "chapter":
            last_chapter = int(key)
        unit_start = index if kind == "unit" else None
    ends = [start for *_, start in found[1:]] + [len(lines)]
    return [Section(kind, key, title, start, end) for (kind, key, title, start), end in zip(found, ends)]


def set_aside_unmodelled(ctx: ParseContext, lines: Sequence[Line], sections: Sequence[Section]) -> None:
    """Report each chapter or appendix that yielded no record once, instead of line by line."""
    for section in sections:
        if section.kind == "unit":
            continue
        span = section.lines(lines)
        if any(ctx.is_used(line) for line in span):
            continue
        ctx.issue(
            "section-not-modelled",
            f"{section.kind.capitalize()} {section.key} ({section.title}) is not modelled: "
            f"{len(span)} line(s) set aside",
            at=span[0],
        )
        ctx.set_aside(*span)
