"""The grid reader: outcomes, criteria and knowledge set side by side in two or three columns.

A grid opens with its column headings on one line ("The learner will:   The learner
can:", and for a third column "Knowledge, understanding and skills"). Where text
extraction gives the columns interleaved line by line, each line is cut where its
words leave a gap of two spaces or more, and each piece goes to the column whose
heading starts nearest to its left; a column is then read down as one numbered list.
The first column holds the outcomes ("1 ..."), the second their criteria ("1.1 ..."),
a third the knowledge, understanding and skills, each entry beside the criterion it
starts level with.

A ruled grid read row by row and cell by cell (a PDF's ruled table, an HTML table)
gives each cell's paragraphs as whole lines, one cell after the next: the outcome,
its numbered criteria, then the knowledge column's entries. Its headings stand on
one line ("Learning outcomes Assessment criteria Knowledge, understanding and
skills") or one heading a line. There, an unnumbered line after a row's criteria is
a knowledge entry; the row's n-th entry is numbered after its outcome ("K1.2"), as
cells read one after another no longer show which criterion an entry starts level with.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.core.records import Line
from pipeline.core.text import clean
from pipeline.parse.toolkit.numbered import LEAD_INS, Item, Outcomes, numbered, read_items, read_outcomes

_GAP = re.compile(r"\S+(?: \S+)*")  # a run of words parted by single spaces
_HEADING = re.compile(r"^(?:the learner will:?|the learner can:?|learning outcomes?|assessment criteria|"
                      r"knowledge,? understanding and skills)$", re.I)
# The headings of a three-column grid read cell by cell: on one line, the knowledge column's last.
_CELL_HEADINGS = re.compile(r"^(?:(?:learning outcomes?|the learner will:?|assessment criteria|the learner can:?)\s+)*"
                            r"knowledge,? understanding and skills$", re.I)


@dataclass(frozen=True)
class Grid:
    """What a grid holds: its outcomes and criteria, the knowledge column's items, and the lines it used."""

    outcomes: Outcomes
    knowledge: list[Item]


def _pieces(text: str) -> list[tuple[int, str]]:
    """(start, words) of each run of words parted from the next by two spaces or more (tabs count as gaps)."""
    return [(m.start(), m.group()) for m in _GAP.finditer(text.replace("\t", "    "))]


def grid_headings(line: Line) -> list[int] | None:
    """The columns' starts, when a line is a grid's column headings (two or three, each one a heading)."""
    pieces = _pieces(line.text)
    if 2 <= len(pieces) <= 3 and all(_HEADING.match(words) for _, words in pieces):
        return [start for start, _ in pieces]
    return None


def _beside(criteria: Sequence[Line], knowledge: Sequence[Line]) -> list[Item]:
    """The knowledge column's entries, unnumbered: each starts on the row where a criterion starts, and is
    numbered after it ("1.1" -> "K1.1")."""
    opens = {c.line: found[0] for c in criteria if (found := numbered(c.text)) and "." in found[0]}
    items: list[Item] = []
    for piece in knowledge:
        if piece.line in opens or not items:
            items.append(Item(f"K{opens.get(piece.line, '1.1')}", [], [], opens.get(piece.line, "1.1").split(".")[0]))
        items[-1].parts.append(piece.text)
        items[-1].lines.append(piece)
    return items


def cell_headings(line: Line) -> bool:
    """Whether a line heads a three-column grid read cell by cell."""
    return bool(_CELL_HEADINGS.match(clean(line.text)))


def _read_cells(lines: Sequence[Line], stop: Callable[[str], bool]) -> Grid | None:
    """The three-column grid read cell by cell among ``lines``, or None when no line heads one."""
    at = next((k for k, line in enumerate(lines) if cell_headings(line)), None)
    if at is None:
        return None
    listed: list[Line] = []
    knowledge: list[Item] = []
    used = [lines[at]]
    outcome, criteria = None, 0  # the row's outcome, and how many criteria it has shown
    for line in lines[at + 1:]:
        text = clean(line.text)
        if stop(text):
            break
        if cell_headings(line) or LEAD_INS.match(text):
            used.append(line)  # restated at a page top
            continue
        if (found := numbered(text)) and "." not in found[0]:
            outcome, criteria = found[0], 0
        elif found:
            criteria += 1
        elif outcome is not None and criteria:
            row = sum(1 for item in knowledge if item.outcome == outcome)
            knowledge.append(Item(f"K{outcome}.{row + 1}", [text], [line], outcome))
            used.append(line)
            continue
        listed.append(line)
    outcomes = read_outcomes(listed)
    outcomes.used[:0] = used
    return Grid(outcomes, knowledge)


def read_grid(lines: Sequence[Line], stop: Callable[[str], bool] = lambda text: False) -> Grid | None:
    """The grid among ``lines``, or None when no line heads one."""
    starts: list[int] | None = None
    columns: list[list[Line]] = []
    used: list[Line] = []
    for line in lines:
        if (found := grid_headings(line)) is not None:
            if starts is None or len(found) == len(starts):
                starts = found  # the headings, or repeated at a page top
                columns = columns or [[] for _ in found]
                used.append(line)
            continue
        if starts is None:
            continue
        if stop(line.text.strip()):
            break
        for start, words in _pieces(line.text):
            if _HEADING.match(words):
                continue  # "The learner will:" under "Learning outcomes"
            column = max((k for k, s in enumerate(starts) if s <= start + 1), default=0)
            columns[column].append(dataclasses.replace(line, text=words))
        used.append(line)
    if starts is None:
        return _read_cells(lines, stop)
    outcomes, _ = read_items(columns[0])
    criteria, _ = read_items(columns[1])
    knowledge = _beside(columns[1], columns[2]) if len(columns) > 2 else []
    for criterion in criteria:
        criterion.outcome = criterion.number.split(".")[0]
    return Grid(Outcomes(outcomes, criteria, used), knowledge)
