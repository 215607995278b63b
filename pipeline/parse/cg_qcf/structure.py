"""City & Guilds QCF handbooks: the qualification structure table (unit code, title, NOS, level, credit, GLH)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.core.records import Line
from pipeline.core.text import clean, without_continued
from pipeline.parse import ParseContext
from pipeline.parse.toolkit.unit_table import COLUMN_WORDS, NOS_IN_PARENS, column_order, read_row

ROW_CODE = re.compile(r"^(\d{4})-(\d{3})\b\s*(.*)$")
# "Mandatory Units -  Customer Service Foundations Level Credit": the group heading
# shares its line with the first column headings.
GROUP_HEADING = re.compile(r"^(Mandatory|Optional)\s+Units?\b\s*[-\u2013:]?\s*(.*)$", re.IGNORECASE)
_COLUMN_WORD = re.compile(r"^(?:level|credits?|credit value|glh)$", re.IGNORECASE)
# Column heading lines of the table: "City & Guilds" / "unit number" / "Level Credit" / "GLH".
_COLUMN_HEADER = re.compile(
    r"^(?:City & Guilds(?: unit number)?|unit (?:number|title)|title|"
    r"(?:(?:level|credits?|credit value|glh)\s*)+)$",
    re.IGNORECASE,
)
_ENDS_WITH_NOS = re.compile(r"\(\s*[A-Z]\d{1,2}\s*\)$")
MAX_GROUP_WORDS = 8
# A row whose numbers have not come after this many lines is not a row we can read.
MAX_ROW_LINES = 6
# How many lines that are not the table's may stand between two of its rows.
MAX_INTERRUPTION = 2


@dataclass(frozen=True)
class TableRow:
    """One unit row of the structure table."""

    code: str
    title: str
    nos_code: str | None
    level: int | None
    credits: int | None
    glh: int | None
    group: str
    theme: str | None
    mandatory: bool
    line: Line


@dataclass(frozen=True)
class Group:
    """A group heading of the table: its rule-of-combination name and its theme."""

    name: str
    theme: str | None
    mandatory: bool


def parse_group_heading(text: str) -> Group | None:
    """The group named by a heading line ("Optional Units - Delivery Level Credit"), if it is one.

    Mandatory units form the group "Mandatory" (the wording the rules of combination use,
    "12 credits from the Mandatory Units"); an optional group is named by its heading.
    The words after the dash name the NOS theme ("Customer Service Foundations").
    """
    # A heading repeated "(continued)" on the next page names the same group.
    match = GROUP_HEADING.match(without_continued(text)[1])
    if match is None:
        return None
    words = match.group(2).split()
    while words and _COLUMN_WORD.match(words[-1]):
        words.pop()
    # A sentence ("Optional units may be taken from any group.") is not a heading.
    if len(words) > MAX_GROUP_WORDS or (words and words[-1][-1] in ".:;,"):
        return None
    theme = " ".join(words) or None
    mandatory = match.group(1).lower() == "mandatory"
    return Group("Mandatory" if mandatory else theme or "Optional", theme, mandatory)


def read_structure(ctx: ParseContext, lines: Sequence[Line]) -> list[TableRow]:
    """Every unit row of the structure tables, with its group; the table lines are marked used."""
    rows: list[TableRow] = []
    group: Group | None = None
    order = COLUMN_WORDS
    headings = ""  # column headings seen since the last row
    pending: list[Line] = []  # the lines of the row being read

    def close_row() -> None:
        if not pending or group is None:
            pending.clear()
            return
        row = read_row(pending, order)
        if row is None:
            opened = ROW_CODE.match(clean(pending[0].text))
            code = f"{opened[1]}-{opened[2]}" if opened else clean(pending[0].text)
            ctx.issue("table-row-unreadable", f"structure-table row {code} has no level, credit and GLH", pending[0])
        else:
            rows.append(TableRow(row.code, row.title, row.nos, row.level, row.credits, row.glh,
                                 group.name, group.theme, group.mandatory, pending[0]))
            ctx.use(*pending)
        pending.clear()

    in_table = False
    for i, line in enumerate(lines):
        text = clean(line.text)
        heading = parse_group_heading(text)
        if heading is not None:
            close_row()
            if not in_table:
                # A table's column headings ("City & Guilds" / "unit number") stand above its first group heading.
                above = i
                while above > 0 and _COLUMN_HEADER.match(clean(lines[above - 1].text)):
                    above -= 1
                headings = " ".join(clean(l.text) for l in lines[above:i])
                ctx.use(*lines[above:i])
            in_table, group = True, heading
            headings += " " + text
            ctx.use(line)
        elif not in_table:
            continue
        elif _COLUMN_HEADER.match(text):
            close_row()
            headings += " " + text
            ctx.use(line)
        elif ROW_CODE.match(text):
            close_row()
            order = column_order(headings) or order
            headings = ""
            pending.append(line)
        elif pending and read_row(pending, order) is None and len(pending) < MAX_ROW_LINES:
            pending.append(line)  # the title wraps; the numbers come on a later line
        elif pending and _ENDS_WITH_NOS.search(text) and not NOS_IN_PARENS.search(" ".join(l.text for l in pending)):
            # The rest of a title after its numbers: "NNNN-NNN Use questioning techniques when
            # delivering customer service 2 4 27" with " (B6)" on the next line.
            pending.append(line)
        else:
            close_row()
            # A line between rows (a running header, a note) interrupts the table; it ends only
            # where no row, group heading or column heading follows soon after.
            in_table = any(_in_table(clean(l.text)) for l in lines[i + 1 : i + 1 + MAX_INTERRUPTION])
    close_row()
    return rows


def _in_table(text: str) -> bool:
    return bool(ROW_CODE.match(text) or parse_group_heading(text) or _COLUMN_HEADER.match(text))


def code_prefix(rows: Sequence[TableRow]) -> str | None:
    """The qualification number prefix the table's unit codes share ("NNNN" of "NNNN-301")."""
    prefixes = Counter(r.code.split("-")[0] for r in rows)
    return prefixes.most_common(1)[0][0] if prefixes else None
