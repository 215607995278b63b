"""Line-level wording shared by the City & Guilds legacy N/SVQ parsers: headings, numbers, titles."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pipeline.core.records import Line
from pipeline.core.text import clean
from pipeline.parse.toolkit.prose import join_lines

# "Unit NNN <title>": a unit body heading, also
# repeated as the running header at the top of the unit's later pages.
_UNIT_HEADING = re.compile(r"^Unit\s+(\d{3})\s+(\S.*)$")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def nonblank(lines: Iterable[Line]) -> list[Line]:
    """The lines with any text: blank lines carry no meaning (a PDF render has none)."""
    return [line for line in lines if clean(line.text)]


def unit_heading(text: str) -> tuple[str, str] | None:
    """(unit code, title start) of a "Unit NNN Title" heading line, else None."""
    match = _UNIT_HEADING.match(clean(text))
    return (match.group(1), match.group(2)) if match else None


def fold(text: str) -> str:
    """A title folded for comparison only: case, quote style and spacing ignored."""
    return clean(text).translate(_QUOTES).casefold()


def continues(known: str, start: str) -> bool:
    """Whether ``start`` is the beginning of ``known`` (compared folded), so more lines may follow."""
    return fold(known).startswith(fold(start))


def search_lines(pattern: re.Pattern[str], lines: Sequence[Line]) -> tuple[re.Match[str], list[Line]] | None:
    """The first match of ``pattern`` in the lines read as one prose text, with the lines it spans."""
    joined = join_lines(lines)
    match = pattern.search(joined.text)
    return (match, joined.lines_in(match.start(), match.end())) if match else None
