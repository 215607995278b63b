"""Numbered chapter headings ("9 The qualification structure", "6 Useful contacts"), shared by the handbook families.

Numbered lists ("1 Your evidence ...") look the same, so a heading carries the next
chapter number, is short, has no sentence punctuation, and where lists may stand
(inside unit bodies) also opens its page, goes on from chapters met before, and
does not go on a list the page before ended with ("1 Collect ...", a page break,
"2 Record ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.core.records import Line
from pipeline.core.text import clean

_CHAPTER = re.compile(r"^(\d{1,2})\s+([A-Z][^.;:]*)$")
_LIST_ITEM = re.compile(r"^(\d{1,2})\s")
MAX_HEADING_WORDS = 12


def chapter_heading(text: str, last_chapter: int) -> tuple[int, str] | None:
    """(number, title) when a line reads as the heading of the chapter after ``last_chapter``."""
    match = _CHAPTER.match(clean(text))
    if match and int(match.group(1)) == last_chapter + 1 and len(match.group(2).split()) <= MAX_HEADING_WORDS:
        return int(match.group(1)), match.group(2)
    return None


def opens_page(lines: Sequence[Line], index: int) -> bool:
    """Whether a line is the first of its page among ``lines`` (non-blank lines, furniture aside)."""
    return index == 0 or lines[index - 1].page != lines[index].page


def opens_chapter_in_body(lines: Sequence[Line], index: int, since: int) -> bool:
    """Where numbered lists stand, whether a chapter heading's line opens its page and does not go on the
    numbered list of the page before (looked for after index ``since``, where the section began)."""
    if not opens_page(lines, index):
        return False
    heading = _LIST_ITEM.match(clean(lines[index].text))
    assert heading is not None, "called on a chapter heading, which opens on its number"
    number = int(heading.group(1))
    before = index - 1
    while before > since and lines[before].page == lines[index - 1].page:
        if item := _LIST_ITEM.match(clean(lines[before].text)):
            return int(item.group(1)) != number - 1
        before -= 1
    return True


def chapter_starts(lines: Sequence[Line], in_body: Sequence[bool]) -> list[int]:
    """Indexes of the chapter headings; ``in_body[i]`` says a line stands where numbered lists do."""
    starts: list[int] = []
    last = 0
    for index, line in enumerate(lines):
        heading = chapter_heading(line.text, last)
        since = starts[-1] if starts else -1
        if heading and (not in_body[index] or (last and opens_chapter_in_body(lines, index, since))):
            starts.append(index)
            last = heading[0]
    return starts
