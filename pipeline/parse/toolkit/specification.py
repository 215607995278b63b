"""Unit specifications of any publisher: a title, the overview fields, then outcomes and criteria.

The QCF and RQF rules fix what every unit specification states (title, level, credit
value, guided learning hours, unit reference number, numbered outcomes and criteria);
only the layout differs. A document may hold one unit or a bank of them: each opens
with its title ("Unit title: ...", "Title: ...", or a "Unit 204: ..." heading). The
records name the unit by the publisher's own number where it states one, else by its
unit reference number, which every record carries in ``uan`` for matching.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.core import ids
from pipeline.core.records import Criterion, Line, Outcome, Unit
from pipeline.core.text import clean, join_wrapped, without_continued
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.toolkit.fields import UNIT_FIELDS, Field, find_field, read_block
from pipeline.parse.toolkit.furniture import split_repeats
from pipeline.parse.toolkit.grid import cell_headings, grid_headings, read_grid
from pipeline.parse.toolkit.numbered import Item, Outcomes, read_outcomes
from pipeline.parse.toolkit.values import read_unit_reference

_TITLE_FIELD = re.compile(r"^(?:Unit title|Title of unit|Title)\s*:?\s*(?P<title>\S.*)?$", re.I)
_TITLE_ALONE = re.compile(r"^(?:Unit title|Title of unit|Title)\s*:?$", re.I)
# "Unit 204: Resolve customer complaints", "Unit 204 - ...", "Unit 4 Resolve ..."
_HEADING = re.compile(r"^Unit\s+(?P<number>\d{1,3}[A-Z]?)\s*[:.\-\u2013]?\s+(?P<title>[A-Z]\S.*)$")
# The publisher's own number for the unit: "Unit No: 204", "Unit number 204".
NUMBER_FIELD = Field(re.compile(r"^Unit (?:No\.?|number)\s*:?\s*(?=[A-Z]?\d{1,4}[A-Z]?\s*$)", re.I), ("number",),
                     lambda value: value.strip())
SPEC_FIELDS = (NUMBER_FIELD, *UNIT_FIELDS)
# Sections that follow a unit's outcomes and are prose, not criteria: reading the list ends there.
_AFTER_CRITERIA = re.compile(
    r"^(?:Additional information|Assessment (?:requirements?|guidance|strategy|methods?)|Guidance(?: for delivery)?|"
    r"Delivery guidance|Unit guidance|Evidence requirements|Support(?:ing)? (?:information|notes)|Amplification|"
    r"Indicative content|Details of the relationship|Resources|Unit aim|Unit purpose(?: and aim)?|Aim)\b.{0,40}$",
    re.I,
)


@dataclass(frozen=True)
class Spec:
    """One unit specification as read: its title, fields, outcomes and criteria, and its lines."""

    title: str
    fields: dict[str, Any]
    outcomes: Outcomes
    lines: tuple[Line, ...]
    knowledge: tuple[Item, ...] = ()  # a grid's third column
    furniture: tuple[Line, ...] = ()  # the title restated at page tops


def _title_at(lines: Sequence[Line], index: int) -> tuple[str, int] | None:
    """(title, lines it takes) when a unit's title opens at ``index``."""
    text = clean(lines[index].text)
    if (match := _TITLE_FIELD.match(text)) and match.group("title"):
        return clean(match.group("title")), 1
    if _TITLE_ALONE.match(text) and index + 1 < len(lines):
        return clean(lines[index + 1].text), 2
    if match := _HEADING.match(text):
        return clean(match.group("title")), 1
    return None


def _starts(lines: Sequence[Line]) -> list[int]:
    """Where each unit opens; a title restated at a page top (a running header) opens none."""
    starts: list[int] = []
    titles: set[str] = set()
    for index in range(len(lines)):
        found = _title_at(lines, index)
        title = without_continued(found[0])[1].casefold() if found else ""
        if title and title not in titles:
            starts.append(index)
            titles.add(title)
    return starts


def read_specs(lines: Sequence[Line], stop: Callable[[str], bool] = lambda text: False) -> list[Spec]:
    """Every unit specification of a document; a document with no title line is one unit titled by its first line."""
    lines = [l for l in lines if clean(l.text)]
    starts = _starts(lines) or ([0] if lines else [])
    specs = []
    for k, start in enumerate(starts):
        span = lines[start: starts[k + 1] if k + 1 < len(starts) else len(lines)]
        found = _title_at(span, 0)
        title, taken = found if found else (clean(span[0].text), 1)
        head, repeats = split_repeats(span[taken:], clean(span[0].text))
        fields, used = read_block(_before_outcomes(head), SPEC_FIELDS)
        if (heading := _HEADING.match(clean(span[0].text))) and "number" not in fields:
            fields["number"] = heading.group("number")
        fielded = {id(l) for l in used}
        rest = [l for l in head if id(l) not in fielded]
        ends = lambda text: bool(_AFTER_CRITERIA.match(text)) or stop(text)  # noqa: E731
        grid = read_grid(rest, ends)
        outcomes = grid.outcomes if grid else read_outcomes(rest, ends)
        outcomes.used[:0] = [*span[:taken], *used]
        specs.append(Spec(title, fields, outcomes, tuple(span), tuple(grid.knowledge) if grid else (), tuple(repeats)))
    return specs


def _before_outcomes(lines: Sequence[Line]) -> list[Line]:
    """The lines where the overview fields stand: up to the first outcome (fields never follow the criteria)."""
    out = []
    for line in lines:
        text = clean(line.text)
        if re.match(r"^(?:\|\s*)?1\.?\s+\S|^(?:Learning )?outcome 1\b", text, re.I) and not find_field(text, SPEC_FIELDS):
            break
        out.append(line)
    return out


def spec_records(ctx: ParseContext, specs: Sequence[Spec], kind: str = "assessment") -> ParseResult:
    """Units, outcomes and criteria of the specifications, each unit keyed by its own number or reference."""
    result = ParseResult()
    scheme = ctx.entry.scheme or ctx.doc_id
    for spec in specs:
        ctx.use(*spec.outcomes.used)
        ctx.furniture(*spec.furniture)
        uan = spec.fields.get("uan") or read_unit_reference(spec.title)
        code = spec.fields.get("number") or uan
        if code is None:
            ctx.issue("unit-code-unknown", f"{spec.title!r} states no unit number or unit reference number",
                      spec.lines[0], severity="error")
            continue
        key = ids.unit_key(scheme, code)
        result.units.append(Unit(
            key, scheme, code, spec.title, spec.fields.get("level"), spec.fields.get("credits"), spec.fields.get("glh"),
            uan, has_body=True, doc_id=ctx.doc_id, page_start=spec.lines[0].page, page_end=spec.lines[-1].page,
        ))
        for item in spec.outcomes.outcomes:
            result.outcomes.append(Outcome(key, item.number, item.text, ctx.doc_id, item.lines[0].page))
        seen: set[str] = set()
        for item in spec.outcomes.criteria:
            if item.number in seen:
                ctx.issue("numbering-duplicate", f"{code} criterion {item.number} appears twice", item.lines[0])
                continue
            seen.add(item.number)
            result.criteria.append(Criterion(ids.criterion_key(key, item.number), key, item.outcome, item.number, kind,
                                             join_wrapped(item.parts), None, ctx.doc_id, item.lines[0].page))
        for item in spec.knowledge:
            result.criteria.append(Criterion(ids.criterion_key(key, item.number), key, item.outcome, item.number,
                                             "knowledge", item.text, None, ctx.doc_id, item.lines[0].page))
        if not spec.outcomes.criteria:
            ctx.issue("unit-without-criteria", f"{code} ({spec.title}) has no assessment criteria", spec.lines[0],
                      severity="error", unit=code)
    return result


@dataclass(frozen=True)
class Signs:
    """What a document shows of a unit specification, for the families' ``detect``: how many overview fields,
    units (titles), criteria ("1.1"), rows carrying an outcome and its first criterion, rows between pipes,
    and whether a line heads a grid (its columns parted by gaps, "The learner will:   The learner can:", or its
    three headings read cell by cell)."""

    fields: int
    units: int
    criteria: int
    rows: int
    pipes: int
    grid: bool


_CRITERION = re.compile(r"^\d{1,2}\.\d{1,2}\.?\s+\S")


def signs(lines: Sequence[Line]) -> Signs:
    """The signs of unit specifications in ``lines``."""
    lines = [l for l in lines if clean(l.text)]
    fields, _ = read_block(lines, SPEC_FIELDS)
    texts = [_plain(l.text) for l in lines]
    rows = sum(1 for t in texts if re.match(r"^(\d{1,2})\.?\s+\S.*?\s\1\.1\.?\s+\S", t))
    return Signs(
        fields=len(fields), units=len(_starts(lines)), criteria=sum(1 for t in texts if _CRITERION.match(t)),
        rows=rows, pipes=sum(1 for l in lines if clean(l.text).startswith("|")),
        grid=any(grid_headings(l) or cell_headings(l) for l in lines),
    )


def _plain(text: str) -> str:
    """A line's words, a table row's pipes dropped."""
    return " ".join(cell.strip() for cell in clean(text).strip("|").split("|") if cell.strip())
