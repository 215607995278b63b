"""City & Guilds QCF unit bodies: learning outcomes, assessment criteria and evidence requirements.

Numbered lists are read by their numbering, not by indentation or blank lines (a PDF
render has neither): an item starts where a line opens with the number that comes next,
and every other line continues the item before it, across page breaks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.core.records import Line
from pipeline.core.text import clean, count_of, join_wrapped
from pipeline.parse import ParseContext
from pipeline.parse.toolkit.furniture import repeated_lines
from pipeline.parse.toolkit.notes import note_label
from pipeline.parse.toolkit.prose import join_lines

OUTCOME_HEADING = re.compile(r"^(?:Learning )?Outcome\s+(\d+)\s*[:.\-\u2013]?\s*(.*)$", re.IGNORECASE)
DECLARED_COUNT = re.compile(r"There (?:are|is) (\w+) learning outcomes?\b", re.IGNORECASE)
LEARNER_WILL = re.compile(r"^The learner will:?$", re.IGNORECASE)
CRITERIA_HEADING = re.compile(r"^(?:Assessment Criteria|The learner can:?)$", re.IGNORECASE)
CRITERION = re.compile(r"^(\d+)\.(\d+)\.?\s+(\S.*)$")
NUMBERED = re.compile(r"^(\d{1,2})\.?\s+(\S.*)$")
LETTERED = re.compile(r"^([a-z])\s+(\S.*)$")
# The closing note of some units' evidence requirements, not a requirement itself.
NO_MORE_EVIDENCE = re.compile(r"^There (?:are|is) no (?:additional|further|other) evidence requirements?", re.IGNORECASE)
MAX_TITLE_LINES = 3
# How far below an "a" line a "b" line is looked for to tell a list from a line opening with the word "a".
ITEM_LOOKAHEAD = 10


@dataclass(frozen=True)
class OutcomeDraft:
    number: int
    title: str
    line: Line


@dataclass(frozen=True)
class CriterionDraft:
    outcome_no: int
    number: int
    text: str
    line: Line

    @property
    def criterion_no(self) -> str:
        return f"{self.outcome_no}.{self.number}"


@dataclass(frozen=True)
class NoteDraft:
    outcome_no: int
    kind: str
    text: str
    line: Line


@dataclass(frozen=True)
class EvidenceDraft:
    number: int
    text: str
    items: tuple[str, ...]
    line: Line


def read_outcome_list(ctx: ParseContext, lines: Sequence[Line]) -> tuple[int | None, Line | None, list[OutcomeDraft]]:
    """The "Learning outcomes" section: the declared count ("There are three learning outcomes")
    and the numbered list under "The learner will:"."""
    ctx.use(lines[0])
    declared: int | None = None
    declared_at: Line | None = None
    items: list[list[Line]] = []
    for line in lines[1:]:
        text = clean(line.text)
        numbered = NUMBERED.match(text)
        if declared_at is None and (m := DECLARED_COUNT.search(text)):
            declared, declared_at = count_of(m.group(1)), line
        elif LEARNER_WILL.match(text):
            pass
        elif numbered and int(numbered.group(1)) == len(items) + 1:
            items.append([line])
        elif items:
            items[-1].append(line)
        else:
            continue
        ctx.use(line)
    outcomes = [OutcomeDraft(n, _item_text(NUMBERED, part), part[0]) for n, part in enumerate(items, start=1)]
    return declared, declared_at, outcomes


def outcome_number(text: str) -> int | None:
    """The number of the outcome a line heads ("Outcome 2: ..." -> 2), else None."""
    heading = OUTCOME_HEADING.match(clean(text))
    return int(heading.group(1)) if heading else None


def read_outcome_section(
    ctx: ParseContext, lines: Sequence[Line]
) -> tuple[OutcomeDraft, list[CriterionDraft], list[NoteDraft]]:
    """An "Outcome N: title" section: the assessment criteria under it and the notes after them.

    The heading repeated at a page top (the section goes on after it) is set aside, so
    that it neither takes the rest of a criterion as a title nor opens a second outcome.
    """
    heading = OUTCOME_HEADING.match(clean(lines[0].text))
    assert heading is not None
    number = int(heading.group(1))
    title_lines = [lines[0]]
    for line in lines[1 : 1 + MAX_TITLE_LINES]:
        text = clean(line.text)
        if CRITERIA_HEADING.match(text) or CRITERION.match(text) or note_label(text):
            break
        title_lines.append(line)
    ctx.use(*title_lines)
    outcome = OutcomeDraft(number, join_wrapped([heading.group(2)] + [l.text for l in title_lines[1:]]), lines[0])
    heading_text = join_wrapped([l.text for l in title_lines])
    rest = list(lines[len(title_lines):])
    criteria: list[list[Line]] = []
    notes: list[tuple[tuple[str, str], list[Line]]] = []  # (kind, text on the label's line), the note's lines
    current: list[Line] | None = None  # the criterion or note that wrapped lines go on
    i = 0
    while i < len(rest):
        line, text = rest[i], clean(rest[i].text)
        if outcome_number(text) == number:
            repeat = repeated_lines(rest, i, heading_text) or 1
            ctx.furniture(*rest[i : i + repeat])
            i += repeat
            continue
        if CRITERIA_HEADING.match(text):
            ctx.use(line)  # also where a page repeats the criteria table's headings
        elif CRITERION.match(text):
            current = [line]
            criteria.append(current)
        elif label := note_label(text):
            current = [line]
            notes.append((label, current))
        elif current is not None:
            current.append(line)  # a criterion or note wrapped over lines (and pages)
        i += 1
    drafts = []
    for part in criteria:
        match = CRITERION.match(clean(part[0].text))
        assert match is not None
        drafts.append(CriterionDraft(int(match.group(1)), int(match.group(2)), _item_text(CRITERION, part), part[0]))
        ctx.use(*part)
    note_drafts = []
    for (kind, first), part in notes:
        note_drafts.append(NoteDraft(number, kind, join_wrapped([first] + [l.text for l in part[1:]]), part[0]))
        ctx.use(*part)
    return outcome, drafts, note_drafts


def read_evidence(ctx: ParseContext, lines: Sequence[Line]) -> list[EvidenceDraft]:
    """The numbered evidence requirements, each with its lettered items ("a", "b", ...)."""
    ctx.use(lines[0])
    body = list(lines[1:])
    requirements: list[tuple[list[Line], list[list[Line]]]] = []  # (lead lines, item lines)
    for i, line in enumerate(body):
        text = clean(line.text)
        if NO_MORE_EVIDENCE.match(text):
            break
        numbered = NUMBERED.match(text)
        lettered = LETTERED.match(text)
        if numbered and int(numbered.group(1)) == len(requirements) + 1:
            requirements.append(([line], []))
        elif requirements and lettered and _starts_item(lettered.group(1), requirements[-1], body, i):
            requirements[-1][1].append([line])
        elif requirements:
            lead, items = requirements[-1]
            (items[-1] if items else lead).append(line)
        else:
            continue
        ctx.use(line)
    drafts = []
    for number, (lead, items) in enumerate(requirements, start=1):
        item_texts = tuple(_item_text(LETTERED, item) for item in items)
        drafts.append(EvidenceDraft(number, _item_text(NUMBERED, lead), item_texts, lead[0]))
    return drafts


def _item_text(numbering: re.Pattern[str], lines: Sequence[Line]) -> str:
    """An item's text: its first line less the number (the pattern's last group), wrapped lines joined."""
    first = numbering.match(clean(lines[0].text))
    assert first is not None
    return join_wrapped([first.group(first.re.groups)] + [l.text for l in lines[1:]])


def _starts_item(letter: str, requirement: tuple[list[Line], list[list[Line]]], body: Sequence[Line], at: int) -> bool:
    """Whether a line opening with ``letter`` starts the requirement's next lettered item.

    Only the next letter counts. An "a" also needs a lead-in ending in a colon or a "b"
    line below it, since a wrapped sentence can open with the word "a".
    """
    lead, items = requirement
    if ord(letter) != ord("a") + len(items):
        return False
    if items:
        return True
    if join_lines(lead).text.endswith(":"):
        return True
    for line in body[at + 1 : at + 1 + ITEM_LOOKAHEAD]:
        text = clean(line.text)
        if (m := LETTERED.match(text)) and m.group(1) == "b":
            return True
        if NUMBERED.match(text) or NO_MORE_EVIDENCE.match(text):
            return False
    return False
