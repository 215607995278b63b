"""City & Guilds QCF handbooks: the qualification's facts (title, number, GLH, dates) and its rules of combination."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.core.records import Line, Rule
from pipeline.core.text import clean
from pipeline.parse import ParseContext
from pipeline.parse.toolkit.prose import join_lines
from pipeline.parse.toolkit.rules import EACH, rule_of, statements
from pipeline.parse.toolkit.values import read_accreditation, read_date, read_range

# The labelled rows of the handbook's first table ("GLH 279", "Last registration date 31/07/2014").
TITLE = re.compile(r"^Qualification title(?: and level)?\s*:?\s*(.*)$", re.IGNORECASE)
NUMBER = re.compile(r"^(.+?)\s+qualification number\s*:?\s*(\d{4}-\d{2})$", re.IGNORECASE)
ACCREDITATION = re.compile(r"^Qualification accreditation number\s*:?\s*(.+)$", re.IGNORECASE)
GLH = re.compile(r"^(?:GLH|Guided learning hours)\s*:?\s*(\d+(?:\s*(?:-|\u2013|to)\s*\d+)?)$", re.IGNORECASE)
TQT = re.compile(r"^(?:TQT|Total qualification time)\s*:?\s*(\d+)$", re.IGNORECASE)
LAST_REGISTRATION = re.compile(r"^Last registration date\s*:?\s*(\S+)$", re.IGNORECASE)
LAST_CERTIFICATION = re.compile(r"^Last certification date\s*:?\s*(\S+)$", re.IGNORECASE)
MIN_CREDITS = re.compile(r"^Minimum credit value\s*:?\s*(\d+)$", re.IGNORECASE)
# The TQT table: "Title and level GLH TQT" then "Level 3 NVQ Diploma in Customer Service 279 420".
TQT_HEADER = re.compile(r"^Title(?: and level)?\s+GLH\s+TQT$", re.IGNORECASE)
TQT_ROW = re.compile(r"^(.*\S)\s+(\d+)\s+(\d+)$")
_LEVEL = re.compile(r"\bLevel (\d)\b", re.IGNORECASE)

@dataclass
class Facts:
    """What the handbook states about its qualification, with the line each fact came from."""

    title: str | None = None
    number: str | None = None
    awarding_body: str | None = None
    level: int | None = None
    accreditation_number: str | None = None
    glh_min: int | None = None
    glh_max: int | None = None
    tqt: int | None = None
    last_registration: dt.date | None = None
    last_certification: dt.date | None = None
    credits_min: int | None = None
    at: dict[str, Line] = field(default_factory=dict)


def read_facts(ctx: ParseContext, lines: Sequence[Line]) -> Facts:
    """The labelled facts of the qualification (the first statement of each wins)."""
    facts = Facts()

    def found(name: str, line: Line, *extra: Line) -> bool:
        if name in facts.at:
            return False
        facts.at[name] = line
        ctx.use(line, *extra)
        return True

    for i, line in enumerate(lines):
        text = clean(line.text)
        if (m := TITLE.match(text)) and "title" not in facts.at:
            # The value may stand on the label's line or, where the cell wrapped, on the next.
            value_line = line if m.group(1) or i + 1 == len(lines) else lines[i + 1]
            facts.title = clean(m.group(1)) or clean(value_line.text)
            found("title", line, value_line)
            level = _LEVEL.search(facts.title)
            facts.level = int(level.group(1)) if level else None
        elif (m := NUMBER.match(text)) and found("number", line):
            facts.awarding_body, facts.number = clean(m.group(1)), m.group(2)
        elif (m := ACCREDITATION.match(text)) and found("accreditation_number", line):
            facts.accreditation_number = read_accreditation(m.group(1))
            if facts.accreditation_number is None:
                ctx.issue("fact-unreadable", f"accreditation number {m.group(1)!r} is not nnn/nnnn/n", line)
        elif (m := GLH.match(text)) and found("glh", line):
            glh = read_range(m.group(1))
            assert glh is not None, "GLH matches only a figure or a range"
            facts.glh_min, facts.glh_max = glh
        elif (m := TQT.match(text)) and found("tqt", line):
            facts.tqt = int(m.group(1))
        elif (m := LAST_REGISTRATION.match(text)) and found("last_registration", line):
            facts.last_registration = _date_or_issue(ctx, m.group(1), line)
        elif (m := LAST_CERTIFICATION.match(text)) and found("last_certification", line):
            facts.last_certification = _date_or_issue(ctx, m.group(1), line)
        elif (m := MIN_CREDITS.match(text)) and "credits_min" not in facts.at:
            facts.at["credits_min"] = line  # marked used with its rule
            facts.credits_min = int(m.group(1))
        elif TQT_HEADER.match(text) and i + 1 < len(lines):
            _check_tqt_table(ctx, facts, line, lines[i + 1])
    return facts


def _date_or_issue(ctx: ParseContext, value: str, line: Line) -> dt.date | None:
    date = read_date(value)
    if date is None:
        ctx.issue("fact-unreadable", f"{value!r} is not a dd/mm/yyyy date", line)
    return date


def _check_tqt_table(ctx: ParseContext, facts: Facts, header: Line, row: Line) -> None:
    """The TQT table repeats the GLH and TQT: take them where missing, report where they differ."""
    match = TQT_ROW.match(clean(row.text))
    # The table may list several qualifications: only this one's row is read.
    if match is None or (facts.title and clean(match.group(1)).lower() != facts.title.lower()):
        return
    glh, tqt = int(match.group(2)), int(match.group(3))
    for name, stated in (("glh_min", glh), ("tqt", tqt)):
        known = getattr(facts, name)
        if known is None:
            setattr(facts, name, stated)
        elif known != stated:
            ctx.issue("fact-mismatch", f"{name} is {known} above but {stated} in the TQT table", row)
    if facts.glh_max is None:
        facts.glh_max = facts.glh_min
    ctx.use(header, row)


def read_rules(
    ctx: ParseContext, lines: Sequence[Line], qualification_id: str, optional_groups: Sequence[str]
) -> list[Rule]:
    """Rules of combination from the words that state them; one rule per optional group where the
    handbook asks for units "from each Optional Group"."""
    joined = join_lines([l for l in lines if not ctx.is_used(l)])
    rules: list[Rule] = []
    for said in statements(joined.text):
        text = joined.text[said.start:said.end]
        spanned = joined.lines_in(said.start, said.end)
        ctx.use(*spanned)
        if said.group != EACH:
            rules.append(rule_of(qualification_id, said, said.group, text))
            continue
        if not optional_groups:
            ctx.issue("rule-groups-missing", "a rule asks for units from each optional group but the "
                      "structure table names none", spanned[0])
        rules.extend(rule_of(qualification_id, said, group, text) for group in optional_groups)
    return rules
