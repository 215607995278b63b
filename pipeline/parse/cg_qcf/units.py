"""City & Guilds QCF handbooks: unit bodies, from the "Unit 301 ..." heading to the next unit.

A body opens with its heading and fields ("Level: 3", "Credit value: 6", "NDAQ number:
K/601/1622"), then headed sections: unit aim, learning outcomes, guided learning hours,
the relationship to the NOS, support, assessment, one "Outcome N:" section per learning
outcome with its assessment criteria, and the evidence requirements.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from pipeline.core.records import Line
from pipeline.core.text import clean, join_wrapped
from pipeline.parse import ParseContext
from pipeline.parse.cg_qcf.outcomes import (
    OUTCOME_HEADING,
    CriterionDraft,
    EvidenceDraft,
    NoteDraft,
    OutcomeDraft,
    outcome_number,
    read_evidence,
    read_outcome_list,
    read_outcome_section,
)
from pipeline.parse.cg_qcf.text import sentence_around
from pipeline.parse.toolkit.chapters import chapter_starts
from pipeline.parse.toolkit.fields import UNIT_FIELDS, find_field, read_field
from pipeline.parse.toolkit.furniture import split_repeats
from pipeline.parse.toolkit.prose import join_lines

HEADING = re.compile(r"^Unit\s+(\d{3})\b\s*(.*)$")
# What ends the last unit: the appendices that follow the units.
END_OF_UNITS = re.compile(r"^Appendix\s+\d+\b", re.IGNORECASE)
# A heading is confirmed as a unit's by a field line this close below it.
FIELD_WINDOW = 5
MAX_TITLE_LINES = 3

SECTIONS = (
    ("aim", re.compile(r"^Unit aim\b", re.IGNORECASE)),
    ("outcomes", re.compile(r"^Learning outcomes:?$", re.IGNORECASE)),
    ("glh", re.compile(r"^Guided learning hours:?$", re.IGNORECASE)),
    ("nos", re.compile(r"^Details of the relationship\b", re.IGNORECASE)),
    ("support", re.compile(r"^Support of the unit\b", re.IGNORECASE)),
    ("assessment", re.compile(r"^Assessment:?$", re.IGNORECASE)),
    ("outcome", OUTCOME_HEADING),
    ("evidence", re.compile(r"^Evidence requirements:?$", re.IGNORECASE)),
)
_RELATES = re.compile(r"\brelate[sd]?\s+(?:directly\s+)?to\b", re.IGNORECASE)
_NOS_CODE = re.compile(r"\b([A-Z]\d{1,2})\b")
_HOURS = re.compile(r"\b(\d+)\s+(?:guided learning\s+)?hours\b", re.IGNORECASE)
T = TypeVar("T")


@dataclass
class BodyDraft:
    """What one unit body states, before it becomes records."""

    number: str
    title: str
    heading: Line
    last: Line
    level: int | None = None
    credits: int | None = None
    uan: str | None = None
    glh: int | None = None
    nos_code: str | None = None
    declared_outcomes: int | None = None
    declared_at: Line | None = None
    listed_outcomes: list[OutcomeDraft] = field(default_factory=list)
    outcomes: list[OutcomeDraft] = field(default_factory=list)
    criteria: list[list[CriterionDraft]] = field(default_factory=list)  # one list per outcome section
    evidence: list[EvidenceDraft] = field(default_factory=list)
    notes: list[NoteDraft] = field(default_factory=list)


def locate_nos_code(text: str) -> tuple[str, int, int] | None:
    """The NOS unit code a "relates to" sentence names, with where the sentence says it."""
    relates = _RELATES.search(text)
    if relates is None:
        return None
    _, end = sentence_around(text, relates.start(), relates.end())
    code = _NOS_CODE.search(text, relates.end(), end)
    return (code.group(1), relates.start(), code.end()) if code else None


def nos_code_from(text: str) -> str | None:
    """The NOS unit of "This unit directly relates to Unit A13 of the Customer Service NOS 2010"."""
    found = locate_nos_code(text)
    return found[0] if found else None


def locate_hours(text: str) -> tuple[int, int, int] | None:
    """The hours of "It is recommended that 40 hours should be allocated for this unit", with where."""
    match = _HOURS.search(text)
    return (int(match.group(1)), match.start(), match.end()) if match else None


def section_kind(text: str) -> str | None:
    """The kind of body section a line heads, if it is a section heading."""
    text = clean(text)
    return next((kind for kind, pattern in SECTIONS if pattern.match(text)), None)


def _is_field(text: str) -> bool:
    return find_field(text, UNIT_FIELDS) is not None


def body_spans(lines: Sequence[Line]) -> list[tuple[int, int]]:
    """(start, end) indexes of each unit body: a "Unit NNN" heading with unit fields just below it."""
    starts: list[int] = []
    open_number = None
    for i, line in enumerate(lines):
        match = HEADING.match(clean(line.text))
        if match and match.group(1) != open_number and any(_is_field(l.text) for l in lines[i + 1 : i + 1 + FIELD_WINDOW]):
            starts.append(i)
            open_number = match.group(1)
    # Back matter ends the last body: an appendix, or the next numbered chapter ("6 Useful contacts").
    chapters = set(chapter_starts(lines, [bool(starts) and i >= starts[0] for i in range(len(lines))]))
    spans = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        end = next((j for j in range(start + 1, end) if j in chapters or END_OF_UNITS.match(clean(lines[j].text))), end)
        spans.append((start, end))
    return spans


def read_body(ctx: ParseContext, lines: Sequence[Line]) -> BodyDraft:
    """One unit body: fields, learning outcomes, criteria and evidence requirements."""
    match = HEADING.match(clean(lines[0].text))
    assert match is not None
    title_lines = [lines[0]]
    while (
        len(title_lines) < len(lines)
        and len(title_lines) <= MAX_TITLE_LINES
        and not _is_field(lines[len(title_lines)].text)
        and section_kind(lines[len(title_lines)].text) is None
    ):
        title_lines.append(lines[len(title_lines)])
    ctx.use(*title_lines)
    title = join_wrapped([match.group(2)] + [l.text for l in title_lines[1:]])
    body = BodyDraft(match.group(1), title, lines[0], lines[-1])
    rest, repeats = split_repeats(lines[len(title_lines):], clean(f"Unit {body.number} {title}"))
    ctx.furniture(*repeats)  # the unit's running header at later page tops
    for kind, section in _sections(rest):
        if kind == "head":
            _read_fields(ctx, body, section)
        elif kind == "outcomes":
            body.declared_outcomes, body.declared_at, body.listed_outcomes = read_outcome_list(ctx, section)
        elif kind == "glh":
            body.glh = _read_sentence(ctx, section, locate_hours)
        elif kind == "nos":
            body.nos_code = _read_sentence(ctx, section, locate_nos_code)
        elif kind == "outcome":
            outcome, criteria, notes = read_outcome_section(ctx, section)
            body.outcomes.append(outcome)
            body.criteria.append(criteria)
            body.notes.extend(notes)
        elif kind == "evidence":
            body.evidence.extend(read_evidence(ctx, section))
        # aim, support and assessment are prose: left for the unparsed-text report.
    return body


def _sections(lines: Sequence[Line]) -> list[tuple[str, list[Line]]]:
    """The body's lines cut at each section heading; what precedes the first heading is "head".

    An outcome's heading repeated at a page top stays in that outcome's section.
    """
    sections: list[tuple[str, list[Line]]] = [("head", [])]
    for line in lines:
        kind = section_kind(line.text)
        repeated = kind == "outcome" and sections[-1][0] == "outcome" and (
            outcome_number(line.text) == outcome_number(sections[-1][1][0].text)
        )
        if kind is not None and not repeated:
            sections.append((kind, []))
        sections[-1][1].append(line)
    return sections


def _read_fields(ctx: ParseContext, body: BodyDraft, lines: Sequence[Line]) -> None:
    for line in lines:
        if values := read_field(line.text, UNIT_FIELDS):
            for name, value in values.items():
                setattr(body, name, value)
            ctx.use(line)


def _read_sentence(ctx: ParseContext, lines: Sequence[Line], locate: Callable[[str], tuple[T, int, int] | None]) -> T | None:
    """The value ``locate`` finds under a section heading (with where the text states it);
    the heading and the value's sentence are marked used."""
    joined = join_lines(lines[1:])
    found = locate(joined.text)
    if found is None:
        ctx.issue("unit-field-unreadable", f"no value found under {clean(lines[0].text)!r}", lines[0])
        return None
    value, start, end = found
    ctx.use(lines[0], *joined.lines_in(*sentence_around(joined.text, start, end)))
    return value
