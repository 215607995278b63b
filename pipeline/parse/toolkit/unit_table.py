"""The unit-table reader: rows of units whose columns are found from the values' shapes and the header.

A row opens with a unit's code (a sector code such as "CFACSA13", a unit number such as
"4430-301", or a unit reference number such as "R/506/2134"); it may carry a second
reference, then the title, then small whole numbers for credit, level and GLH, in the
order the header names them ("Credit Level GLH") or, without a header, the usual
order, level, credit, GLH (a level is 1 to 8, so a larger first figure is the credit).
A title that wraps goes on over the next lines until the numbers come, and may go on
after them where it wrapped past them; a NOS unit in parentheses ("(B6)") anywhere in
the row is the unit's NOS link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.core.records import Line
from pipeline.core.text import clean, join_wrapped
from pipeline.parse.toolkit.values import UNIT_REFERENCE

COLUMN_WORDS: tuple[str, ...] = ("level", "credit", "glh")
_CODE_SHAPE = r"(?:[A-Z]{2,}[A-Z0-9]*\d[A-Z0-9]*|\d{3,4}-\d{3}|[A-Z]/\d{3}/\d{4})"
_CODE = re.compile(rf"^{_CODE_SHAPE}$")
_LEADING_CODE = re.compile(rf"^{_CODE_SHAPE}\b")  # a code that punctuation, not a space, may end ("4430-201:")
# Three whole numbers standing alone: after the title, or inside a title wrapped past them.
_NUMBERS = re.compile(r"(?<!\S)(\d{1,3})\s+(\d{1,3})\s+(\d{1,3})(?!\S)")
NOS_IN_PARENS = re.compile(r"\(\s*([A-Z]\d{1,2})\s*\)")
# A row whose numbers have not come after this many lines is not a row we can read.
MAX_ROW_LINES = 4
MAX_LEVEL = 8  # QCF and RQF levels run from entry to 8


@dataclass(frozen=True)
class UnitRow:
    """One unit of a table: its code, its unit reference number and NOS unit if stated, title, level, credit
    and GLH."""

    code: str
    uan: str | None
    title: str
    level: int | None
    credits: int | None
    glh: int | None
    lines: tuple[Line, ...]
    nos: str | None = None


def column_order(header_text: str) -> tuple[str, ...] | None:
    """The order of the level / credit / GLH columns in a table's headings, if they name all three."""
    found = [w for w in (re.sub(r"s$", "", t.lower()) for t in header_text.split()) if w in COLUMN_WORDS]
    return tuple(found) if sorted(found) == sorted(COLUMN_WORDS) else None


def _cells(text: str) -> str:
    """A row's words, a pipe-ruled row's pipes dropped."""
    return " ".join(c.strip() for c in clean(text).strip("|").split("|") if c.strip())


def opens_row(text: str) -> bool:
    """Whether a line opens a unit row: its first word is a unit code."""
    words = _cells(text).split()
    return bool(words) and bool(_CODE.match(words[0])) and len(words) > 1


def _columns(values: tuple[int, int, int], order: tuple[str, ...] | None) -> dict[str, int]:
    """Credit, level and GLH in the header's order, else level, credit, GLH; a "level" past 8 is the credit."""
    fields = dict(zip(order or COLUMN_WORDS, values))
    if not 1 <= fields["level"] <= MAX_LEVEL and 1 <= fields["credit"] <= MAX_LEVEL:
        fields["level"], fields["credit"] = fields["credit"], fields["level"]
    return fields


def read_row(lines: Sequence[Line], order: tuple[str, ...] | None) -> UnitRow | None:
    """The unit a row's lines state, or None when its code or its numbers are not there."""
    text = join_wrapped([_cells(l.text) for l in lines])
    nos = NOS_IN_PARENS.search(text)
    text = clean(NOS_IN_PARENS.sub(" ", text))
    numbers = [*_NUMBERS.finditer(text)][-1:]
    if not numbers:
        return None
    text = clean(text[: numbers[0].start()] + " " + text[numbers[0].end():])
    if (lead := _LEADING_CODE.match(text)) is None:
        return None
    code, rest = lead.group(), text[lead.end():].strip()
    uan = code if UNIT_REFERENCE.fullmatch(code) else None
    if uan is None and (second := UNIT_REFERENCE.match(rest)):
        uan, rest = "/".join(second.groups()), rest[second.end():]
    values = tuple(int(v) for v in numbers[0].groups())
    fields = _columns(values, order)  # type: ignore[arg-type]
    return UnitRow(code, uan, clean(rest), fields["level"], fields["credit"], fields["glh"], tuple(lines),
                   nos.group(1) if nos else None)


def read_rows(lines: Sequence[Line], order: tuple[str, ...] | None) -> tuple[list[UnitRow], list[Line]]:
    """The unit rows among ``lines`` (a title wrapped over lines joined), and the lines that could not be read
    as a row although they open one."""
    rows: list[UnitRow] = []
    unread: list[Line] = []
    pending: list[Line] = []
    for line in lines:
        if opens_row(line.text):
            if pending:
                unread += pending
            pending = [line]
        elif pending:
            pending.append(line)
        else:
            continue
        if row := read_row(pending, order):
            rows.append(row)
            pending = []
        elif len(pending) >= MAX_ROW_LINES:
            unread.append(pending[0])
            pending = []
    return rows, unread + pending[:1]


@dataclass
class Listed:
    """A unit named in a list: the row pattern's match, the heading it stands under, and its lines."""

    match: re.Match[str]
    heading: Any
    lines: list[Line]

    def title(self, group: str | int = "title") -> str:
        """The title the row opens with, its wrapped lines joined."""
        return join_wrapped([self.match.group(group)] + [l.text for l in self.lines[1:]])


def read_listing(
    lines: Sequence[Line], row: re.Pattern[str], wraps: Callable[[Sequence[Line], int], bool], *,
    heading: Callable[[str, Any], Any] = lambda text, under: None, under: Any = None, open_start: bool = False,
) -> tuple[list[Listed], list[Line]]:
    """Units listed one a line (a code, then the title), under headings, their titles wrapped over lines.

    A line is a row (``row`` matches it), a heading (``heading(text, what the last heading named)``
    gives what it names), or, right after a row, that row's title wrapped (``wraps(lines, index)``);
    the list ends at the first line that is none of these once a row is read. With ``open_start``,
    lines before the first row (column headings) belong to the list. Returns the rows and the lines used.
    """
    rows: list[Listed] = []
    used: list[Line] = []
    in_row = False  # whether the line before was a row or its wrapped title
    for index, line in enumerate(lines):
        text = clean(line.text)
        if match := row.match(text):
            rows.append(Listed(match, under, [line]))
            in_row = True
        elif (named := heading(text, under)) is not None:
            under, in_row = named, False
        elif in_row and wraps(lines, index):
            rows[-1].lines.append(line)
        elif rows:
            break
        elif not open_start:
            continue
        used.append(line)
    return rows, used
