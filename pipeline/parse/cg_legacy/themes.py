"""The themes appendix: the legacy units of each level, by theme, from a three-column table.

The table reads "Level 2   Level 3  Level 4", then per theme a heading repeated once per
column ("Delivery  Delivery  Delivery") and rows of "code  title" cells. The extraction
interleaves the columns row by row, left to right, and splits cells: a code may stand
alone with its title on the next lines ("211" / "Deliver customer service on your" /
"customers’ premises"), two cells may share a line ("205  Make customer service personal
304  Organise the promotion of services"), and an empty cell leaves nothing. What stays
true is the reading order, so each line's text continues the last code read, and the
columns are rebuilt from three facts: within a column codes rise down the page; the cells
of one row come left to right; and a unit is never offered below its own level, the
first digit of its code (a level 1 unit, 101, sits in the Level 2 column). Of the
assignments that respect these, the one with the fewest rows wins, then the one that
keeps units closest to their own level. A cell that fits nowhere is reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.core.records import Line
from pipeline.core.text import clean, join_wrapped
from pipeline.parse import ParseContext
from pipeline.parse.cg_legacy.sections import Section

_COLUMNS = re.compile(r"^Level\s+\d(?:\s+Level\s+\d)+$", re.I)
_CODE = re.compile(r"(?<!\S)(\d{3})(?!\S)")
# Cost of leaving a cell unplaced: more than any number of rows it could save.
UNPLACED = 1000


@dataclass(frozen=True)
class ThemeEntry:
    """One cell of the table: a unit offered at a level, within a theme."""

    code: str
    title: str
    level: int
    theme: str
    line: Line


@dataclass
class _Cell:
    code: str
    line_no: int  # position of its first line in the block: cells of one line share a row
    parts: list[str]
    lines: list[Line]


def column_levels(text: str) -> list[int]:
    """The levels of a "Level 2  Level 3  Level 4" column header, else []."""
    text = clean(text)
    return [int(n) for n in re.findall(r"\d", text)] if _COLUMNS.match(text) else []


def theme_heading(text: str, columns: int) -> str | None:
    """The theme of a heading repeated once per column ("Delivery  Delivery  Delivery" -> Delivery)."""
    words = clean(text).split()
    if not words or len(words) % columns:
        return None
    size = len(words) // columns
    chunks = {" ".join(words[i:i + size]).casefold() for i in range(0, len(words), size)}
    return " ".join(words[:size]) if len(chunks) == 1 and not _CODE.search(text) else None


def _singular(word: str) -> str:
    return word.casefold().removesuffix("s")


def is_legend(text: str, themes: Sequence[str]) -> bool:
    """Whether a line only names themes (the colour key under the table: "Problem handling  Development ...")."""
    vocabulary = {_singular(w): i for i, theme in enumerate(themes) for w in theme.split()}
    words = [_singular(w) for w in clean(text).split()]
    return bool(words) and all(w in vocabulary for w in words) and len({vocabulary[w] for w in words}) > 1


# State: the last code in each column, the column and line of the last placed cell.
_State = tuple[tuple[int, ...], int, int]
# Cost: (cells unplaced, rows, levels above own level, the columns so far, -1 for unplaced).
_Cost = tuple[int, int, int, tuple[int, ...]]


def _offer(states: dict[_State, _Cost], key: _State, cost: _Cost) -> None:
    """Keep ``cost`` for ``key`` when it is the cheapest seen."""
    if key not in states or cost < states[key]:
        states[key] = cost


def assign_columns(codes: Sequence[str], line_of: Sequence[int], levels: Sequence[int]) -> list[int | None]:
    """The column of each cell, read in order (None: fits nowhere); ``line_of`` numbers each cell's line."""
    states: dict[_State, _Cost] = {((0,) * len(levels), -1, -1): (0, 0, 0, ())}
    for code, line in zip(codes, line_of):
        number, own_level = int(code), int(code[0])
        following: dict[_State, _Cost] = {}
        for (lasts, column, last_line), (unplaced, rows, excess, path) in states.items():
            _offer(following, (lasts, column, last_line), (unplaced + UNPLACED, rows, excess, (*path, -1)))
            for j, level in enumerate(levels):
                if level < own_level or number <= lasts[j] or (line == last_line and j <= column):
                    continue
                new_row = int(j <= column)
                lasts_after = (*lasts[:j], number, *lasts[j + 1:])
                _offer(following, (lasts_after, j, line), (unplaced, rows + new_row, excess + level - own_level, (*path, j)))
        states = following
    return [None if j < 0 else j for j in min(states.values())[3]]


def _read_cells(lines: Sequence[Line]) -> tuple[list[_Cell], list[Line]]:
    """The cells of one theme block in reading order, and text found before any code."""
    cells: list[_Cell] = []
    orphans: list[Line] = []
    for line_no, line in enumerate(lines):
        text = clean(line.text)
        pieces = _CODE.split(text)  # [before, code, title, code, title, ...]
        if pieces[0].strip():
            if cells:
                cells[-1].parts.append(pieces[0])
                cells[-1].lines.append(line)
            else:
                orphans.append(line)
        for code, title in zip(pieces[1::2], pieces[2::2]):
            cells.append(_Cell(code, line_no, [title], [line]))
    return cells, orphans


def parse_themes(ctx: ParseContext, lines: Sequence[Line], sections: Sequence[Section]) -> list[ThemeEntry]:
    """The cells of the themes table, wherever an appendix holds a "Level N  Level N" header."""
    entries: list[ThemeEntry] = []
    for section in (s for s in sections if s.kind == "appendix"):
        span = section.lines(lines)
        header = next((i for i, l in enumerate(span) if column_levels(l.text)), None)
        if header is not None:
            entries += _parse_table(ctx, span[header:], column_levels(span[header].text))
    return entries


def _parse_table(ctx: ParseContext, span: Sequence[Line], levels: list[int]) -> list[ThemeEntry]:
    """The cells under each theme heading, from the column header to the colour key."""
    ctx.use(span[0])
    blocks: list[tuple[str, Line, list[Line]]] = []
    in_legend = False
    for line in span[1:]:
        if blocks and is_legend(line.text, [b[0] for b in blocks]):
            ctx.use(line)
            in_legend = True
        elif in_legend:
            break
        elif theme := theme_heading(line.text, len(levels)):
            blocks.append((theme, line, []))
        elif blocks:
            blocks[-1][2].append(line)
        # Lines before the first theme state each level's rule ("Seven units must be completed ..."): prose.
    entries: list[ThemeEntry] = []
    for theme, heading, block in blocks:
        ctx.use(heading)
        cells, orphans = _read_cells(block)
        for orphan in orphans:
            ctx.issue("theme-cell-unplaced", f"text under theme {theme} before any unit code: {clean(orphan.text)}",
                      at=orphan)
        columns = assign_columns([c.code for c in cells], [c.line_no for c in cells], levels)
        for cell, column in zip(cells, columns):
            title = join_wrapped(cell.parts)
            if column is None:
                ctx.issue("theme-cell-unplaced", f"unit {cell.code} ({title}) under theme {theme} fits no level column",
                          at=cell.lines[0])
                continue
            entries.append(ThemeEntry(cell.code, title, levels[column], theme, cell.lines[0]))
            ctx.use(*cell.lines)
    return entries
