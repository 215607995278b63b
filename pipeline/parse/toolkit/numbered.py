"""The numbered-list reader: outcomes and criteria in any numbering, read by their numbers, not their layout.

An item starts where a line opens with the number that may come next ("1", "1.1",
"1.1.a", "P3", "K12"); every other line goes on the item before it, across page breaks.
A cell that numbers itself again (".1 Identify", "1.1 1.1 Identify") loses the repeat.
A row that carries an outcome and its first criterion ("1 Understand ... 1.1 Describe
...", or the same between the pipes of a table) opens both. Bullets under an outcome
are its criteria, numbered in their order. Lead-ins ("The learner will:", "Assessment
criteria") are read and set aside.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipeline.core.records import Line
from pipeline.core.text import clean, join_wrapped, strip_bullet

# "1", "1.", "1.1", "1.1.a", "P3", "K12" followed by the item's text; "LO1" and "AC1.1" name an outcome and
# a criterion so.
_NUMBERED = re.compile(r"^(?:AC|LO)?\s?(?P<number>[A-Z]?\d{1,3}(?:\.\d{1,3})*(?:\.[a-z])?)\.?\s+(?P<text>\S.*)$")
_OUTCOME_HEADING = re.compile(r"^(?:Learning )?outcome\s+(?P<number>\d{1,2})\s*[:.\-\u2013]?\s*(?P<text>.*)$", re.I)
# An outcome and its first criterion on one row: "1 Understand how ... 1.1 Describe ...".
_ROW = re.compile(r"^(?:LO)?\s?(?P<outcome>\d{1,2})\.?\s+(?P<title>\S.*?)\s+(?:AC)?\s?(?P<number>(?P=outcome)\.1)\.?\s+"
                  r"(?P<text>\S.*)$")
# A cell numbering itself again after its row's number: ".1 Identify", "1.1 Identify" after "1.1".
_SELF_NUMBER = re.compile(r"^(?:\.\d{1,3}|\d{1,3}(?:\.\d{1,3})+)\.?\s+")
LEAD_INS = re.compile(
    r"^(?:(?:learning )?outcomes?|(?:assessment )?criteria|the learner will:?|the learner can:?|"
    r"learning outcomes?\s*(?:\(?the learner will:?\)?)?\s*assessment criteria\s*(?:\(?the learner can:?\)?)?|"
    r"the learner will:?\s+the learner can:?|knowledge,? understanding and skills|you must be able to:?|"
    r"you need to know and understand:?)$",
    re.I,
)


@dataclass
class Item:
    """A numbered item and the lines it was written on."""

    number: str
    parts: list[str]
    lines: list[Line]
    outcome: str | None = None  # a criterion's outcome number

    @property
    def text(self) -> str:
        return join_wrapped(self.parts)


@dataclass
class Outcomes:
    """What a list of outcomes and criteria holds, and the lines it used."""

    outcomes: list[Item] = field(default_factory=list)
    criteria: list[Item] = field(default_factory=list)
    used: list[Line] = field(default_factory=list)


def _parts(number: str) -> tuple[str, tuple[int, ...]]:
    """("P", (3,)) for "P3"; ("", (1, 1, 1)) for "1.1.a"."""
    prefix = number[0] if number[0].isalpha() and number[:1].isupper() else ""
    pieces = number[len(prefix):].split(".")
    return prefix, tuple(int(p) if p.isdigit() else ord(p) - ord("a") + 1 for p in pieces)


def follows(previous: str | None, number: str) -> bool:
    """Whether ``number`` may come next after ``previous``: a first child, or the next at some depth."""
    prefix, parts = _parts(number)
    if previous is None:
        return parts[-1] == 1
    before_prefix, before = _parts(previous)
    if prefix != before_prefix:
        return False
    if parts == (*before, 1):
        return True
    # The next at some depth, then the first at each depth below it ("1.2" -> "2.1").
    return any(parts == before[:k] + (before[k] + 1,) + (1,) * (len(parts) - k - 1) for k in range(len(before)))


def numbered(text: str) -> tuple[str, str] | None:
    """(number, text) of a line that opens with a number, its self-numbering dropped."""
    match = _NUMBERED.match(clean(text))
    if match is None:
        return None
    return match.group("number"), _SELF_NUMBER.sub("", match.group("text"), count=1)


def read_items(lines: Sequence[Line], stop: Callable[[str], bool] = lambda text: False) -> tuple[list[Item], list[Line]]:
    """A flat numbered or bulleted list ("P1 ...", "1 ...", "\u2022 ..."): its items and the lines they used."""
    items: list[Item] = []
    used: list[Line] = []
    for line in lines:
        text = clean(line.text)
        if not text:
            continue
        if stop(text):
            break
        found = numbered(text)
        bullet, rest = strip_bullet(text)
        if found and follows(items[-1].number if items else None, found[0]):
            items.append(Item(found[0], [found[1]], [line]))
        elif bullet and rest:
            items.append(Item(str(len(items) + 1), [rest], [line]))
        elif items:
            items[-1].parts.append(text)
            items[-1].lines.append(line)
        else:
            continue
        used.append(line)
    return items, used


def read_outcomes(lines: Sequence[Line], stop: Callable[[str], bool] = lambda text: False) -> Outcomes:
    """Outcomes and their criteria from lines in any of the layouts above; after the first outcome, reading ends
    where ``stop`` says."""
    found = Outcomes()
    current: Item | None = None  # what a line that opens nothing goes on

    def outcome(number: str, title: str, line: Line) -> Item:
        item = Item(number, [title] if title else [], [line])
        found.outcomes.append(item)
        return item

    def criterion(number: str, text: str, line: Line, outcome_no: str) -> Item:
        item = Item(number, [text], [line], outcome_no)
        found.criteria.append(item)
        return item

    for line in lines:
        text = _without_pipes(clean(line.text))
        if not text:
            continue
        if stop(text) and found.outcomes:
            break
        last_outcome = found.outcomes[-1].number if found.outcomes else None
        last_criterion = found.criteria[-1].number if found.criteria and found.criteria[-1].outcome == last_outcome else None
        bullet, rest = strip_bullet(text)
        if LEAD_INS.match(text):
            pass
        elif (row := _ROW.match(text)) and _next_outcome(last_outcome, row.group("outcome")):
            outcome(row.group("outcome"), row.group("title"), line)
            current = criterion(row.group("number"), _SELF_NUMBER.sub("", row.group("text"), count=1), line,
                                row.group("outcome"))
        elif (heading := _OUTCOME_HEADING.match(text)) and _next_outcome(last_outcome, heading.group("number")):
            current = outcome(heading.group("number"), heading.group("text"), line)
        elif (item := numbered(text)) and "." not in item[0] and _next_outcome(last_outcome, item[0]):
            current = outcome(item[0], item[1], line)
        elif item and last_outcome and item[0].split(".")[0] == last_outcome and follows(
                last_criterion or last_outcome, item[0]) and item[0].count(".") == 1:
            current = criterion(item[0], item[1], line, last_outcome)
        elif bullet and rest and last_outcome:
            count = sum(1 for c in found.criteria if c.outcome == last_outcome)
            current = criterion(f"{last_outcome}.{count + 1}", rest, line, last_outcome)
        elif current is not None:
            current.parts.append(text)
            current.lines.append(line)
        else:
            continue
        found.used.append(line)
    return found


def _next_outcome(last: str | None, number: str) -> bool:
    return number.isdigit() and int(number) == (int(last) + 1 if last else 1)


def _without_pipes(text: str) -> str:
    """A table row written between pipes ("| 1 | Understand ... | 1.1 | Describe ... |") as its cells' words."""
    if "|" not in text:
        return text
    return " ".join(cell.strip() for cell in text.strip().strip("|").split("|") if cell.strip())
