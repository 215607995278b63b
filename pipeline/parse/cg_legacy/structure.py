"""The qualification, its rules of combination, the structure table and the list of units.

Rules come from the "Qualification structure" paragraph, written in words: "candidates
must complete eight units for this award, two mandatory and six optional, they must
complete at least one optional unit from each theme, the maximum number of units that
can be imported from level 2 is three". The table below it gives, per row, the QCA/SQA
unit reference, the City & Guilds unit number, the ICS unit number ("Unit 7") and the
title, wrapped over lines, under "Mandatory units" / "Optional units" rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.core.records import Line
from pipeline.core.text import clean, join_wrapped
from pipeline.parse import ParseContext
from pipeline.parse.cg_legacy.sections import Section
from pipeline.parse.cg_legacy.text import search_lines, unit_heading
from pipeline.parse.toolkit.furniture import printed_footer
from pipeline.parse.toolkit.rules import EACH, statements
from pipeline.parse.toolkit.unit_table import read_listing

# The title as the page footer prints it, page number last ("Level 3 N/SVQ in Customer
# Services 43"); the prose names it too, wrapped ("the Level 3 N/SVQ in" / "Customer Service.").
_NAME = re.compile(r"Level\s+(\d)\s+(?:N/S|N|S)VQ\s+in\s+[A-Z][A-Za-z ]*?")
_TITLE_IN_PROSE = re.compile(r"\b(Level\s+(\d)\s+(?:N/S|N|S)VQ\s+in\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)")
_STRUCTURE_LABEL = re.compile(r"^Qualification structure$", re.I)
_TABLE_HEADER = re.compile(r"\bunit ref\b", re.I)
_GROUP = re.compile(r"^(Mandatory|Optional)\b[\w ]*$", re.I)
_ROW = re.compile(r"^(?P<uan>[A-Z]/\d{3}/\d{4})\s+(?P<code>\d{3})\s+(?:Unit\s+(?P<ics>\d{1,3})\s+)?(?P<title>\S.*)$")
_MAPPING_LABEL = re.compile(r"^Mapping of old standards to new\b", re.I)
_MAPPING_ROW = re.compile(r"^(\d{3})\s+(\S.*)$")
# A wrapped table title is a short phrase; prose after a table ends in a full stop.
MAX_CONTINUATION_WORDS = 10

@dataclass(frozen=True)
class QualificationTitle:
    """The qualification the document is about, and the lines that name it."""

    title: str
    level: int
    line: Line
    footers: tuple[Line, ...]  # the printed footer lines, page furniture


@dataclass(frozen=True)
class RuleClause:
    """One clause of the structure paragraph.

    ``group`` is Total, Mandatory, Optional, each-theme (one rule per theme) or Imported from level N.
    """

    group: str
    min_units: int | None
    max_units: int | None
    text: str


@dataclass(frozen=True)
class Listing:
    """A unit named in a table: the structure table (with uan, ICS number, group) or the mapping list."""

    code: str
    title: str
    line: Line
    uan: str | None = None
    ics_unit: str | None = None
    group: str | None = None  # Mandatory / Optional


def find_title(lines: Sequence[Line]) -> QualificationTitle | None:
    """The qualification's title and level, from the printed footer or else the prose."""
    footers = [(line, m) for line in lines if (m := printed_footer(line.text, _NAME))]
    if footers:
        title, _ = Counter(clean(m.group(0)) for _, m in footers).most_common(1)[0]
        mine = [(l, m) for l, m in footers if clean(m.group(0)) == title]
        return QualificationTitle(title, int(mine[0][1].group(1)), mine[0][0], tuple(l for l, _ in mine))
    if found := search_lines(_TITLE_IN_PROSE, lines):
        match, spanned = found
        return QualificationTitle(clean(match.group(1)), int(match.group(2)), spanned[0], ())
    return None


def rule_clauses(paragraph: str) -> list[RuleClause]:
    """The rules of combination stated in the structure paragraph, clause by clause."""
    rules: list[RuleClause] = []
    for clause in (c.strip() for c in re.split(r"[,;.]\s", paragraph + " ")):
        rules += [RuleClause("each-theme" if s.group == EACH else s.group, s.min_units, s.max_units, clause)
                  for s in statements(clause)]
    return rules


def parse_rules(ctx: ParseContext, lines: Sequence[Line]) -> tuple[list[RuleClause], Line | None]:
    """The rules of the "Qualification structure" paragraph (its lines marked used), and its label line."""
    start = next((i for i, l in enumerate(lines) if _STRUCTURE_LABEL.match(clean(l.text))), None)
    if start is None:
        return [], None
    paragraph: list[Line] = []
    for line in lines[start + 1:]:
        text = clean(line.text)
        if _TABLE_HEADER.search(text) or _ROW.match(text) or _GROUP.match(text) or unit_heading(text):
            break
        paragraph.append(line)
    rules = rule_clauses(join_wrapped([l.text for l in paragraph]))
    if not rules:
        ctx.issue("rules-not-found", "no rule of combination read in the qualification structure", at=lines[start])
        return rules, lines[start]
    # Mark the lines the rules come from, not the sentence after them ("Please see appendix 3, ...").
    stated = next(n for n in range(1, len(paragraph) + 1)
                  if len(rule_clauses(join_wrapped([l.text for l in paragraph[:n]]))) == len(rules))
    ctx.use(lines[start], *paragraph[:stated])
    return rules, lines[start]


def _wraps(lines: Sequence[Line], index: int) -> bool:
    """A table's wrapped title is a short phrase; prose after a table ends in a full stop."""
    text = clean(lines[index].text)
    return len(text.split()) <= MAX_CONTINUATION_WORDS and not text.endswith(".")


def _group_heading(text: str, under: str | None) -> str | None:
    """"Mandatory units" -> Mandatory, "Optional units" -> Optional."""
    return text.split()[0].capitalize() if _GROUP.match(text) else None


def parse_structure_table(ctx: ParseContext, lines: Sequence[Line], section: Section) -> list[Listing]:
    """The rows of the structure table in the section holding it."""
    span = section.lines(lines)
    header = next((i for i, l in enumerate(span) if _TABLE_HEADER.search(clean(l.text))), None)
    if header is None:
        return []
    # Rows, wrapped titles, group headings, and (before the first row) the column headings:
    # "QCA/SQA unit ref.", "City &", "Guilds Unit", "number", ...
    rows, used = read_listing(span[header:], _ROW, _wraps, heading=_group_heading, open_start=True)
    ctx.use(*used)
    listings = []
    for listed in rows:
        code = listed.match.group("code")
        listings.append(Listing(code, listed.title(), listed.lines[0], listed.match.group("uan"),
                                listed.match.group("ics"), listed.heading))
        if listed.heading is None:
            ctx.issue("unit-group-missing", f"unit {code} is listed under no Mandatory/Optional heading",
                      at=listed.lines[0])
    return listings


def parse_mapping_list(ctx: ParseContext, lines: Sequence[Line], section: Section) -> list[Listing]:
    """The "Mapping of old standards to new" list: code and title per unit."""
    span = section.lines(lines)
    start = next((i for i, l in enumerate(span) if _MAPPING_LABEL.match(clean(l.text))), None)
    if start is None:
        return []
    rows, used = read_listing(span[start + 1:], _MAPPING_ROW, _wraps)
    ctx.use(*used)
    return [Listing(listed.match.group(1), listed.title(2), listed.lines[0]) for listed in rows]
