"""Qualification structures of a sector body or awarding body: rules of combination in prose, then unit tables.

The document names the qualification ("Level 3 Diploma in Customer Service") and its
accreditation number, states its rules in sentences (the credits overall, from the
mandatory group, a group's minimum and maximum, credits at level N or above), then lists
the units group by group ("Group B - Optional units") in tables whose rows give a
sector code, the unit reference number, title, credit, level and GLH. Rules go through
the one rules reader, rows through the unit-table reader; page furniture is set aside
before either sees the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.core import ids
from pipeline.core.records import Line, Qualification, Rule, Unit, UnitMembership
from pipeline.core.text import clean, without_continued
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.toolkit.fields import Field, read_block
from pipeline.parse.toolkit.prose import sentences
from pipeline.parse.toolkit.rules import EACH, rule_of, statements
from pipeline.parse.toolkit.unit_table import column_order, opens_row, read_rows
from pipeline.parse.toolkit.values import read_accreditation

_TITLE = re.compile(r"\bLevel (?P<level>\d) (?:[A-Z]\w+ )*(?:Award|Certificate|Diploma|Extended Diploma) in [A-Z][\w ]*\w")
_GROUP = re.compile(r"^(?P<name>Group [A-Z0-9]{1,2})\b\s*[-\u2013:]?\s*(?P<rest>[^.]*)$", re.I)
_HEADER_WORDS = re.compile(r"\b(?:credits?|level|glh|title|ref(?:erence)?|code)\b", re.I)
MAX_HEADING_WORDS = 6
FIELDS = (Field(re.compile(r"^(?:Ofqual )?(?:Qualification (?:accreditation |reference )?number|QAN)\s*:?\s*", re.I),
                ("accreditation_number",), read_accreditation),)


def _group(text: str) -> tuple[str, bool] | None:
    """(group name, mandatory) of a group heading ("Group A - Mandatory units")."""
    match = _GROUP.match(without_continued(text)[1])
    if match is None or len(match.group("rest").split()) > 8:
        return None
    return match.group("name").title(), "mandatory" in match.group("rest").lower()


def _header(text: str) -> bool:
    """Whether a line is a table's column headings ("Sector code Unit ref Title Credit Level GLH")."""
    return len(_HEADER_WORDS.findall(text)) >= 3 and not any(ch.isdigit() for ch in text)


def _heading(text: str) -> bool:
    """A short line without a sentence's ending: a heading between paragraphs, never part of a rule."""
    return len(text.split()) <= MAX_HEADING_WORDS and not text.endswith((".", ":", ";", ","))


def detect(lines: Sequence[Line]) -> float:
    """How strongly the document reads as a qualification structure (0..1)."""
    texts = [clean(l.text) for l in lines if clean(l.text)]
    groups = {g[0] for t in texts if (g := _group(t))}
    score = 0.35 if len(groups) >= 2 else 0.0
    score += 0.2 if any(_header(t) for t in texts) else 0.0
    score += 0.25 if sum(1 for t in texts if opens_row(t)) >= 3 else 0.0
    score += 0.2 if any(statements(t) for t in texts) else 0.0
    return score


def parse(ctx: ParseContext) -> ParseResult:
    """The qualification, its rules, units and memberships."""
    result = ParseResult()
    lines = [l for l in ctx.lines if clean(l.text)]
    first_group = next((i for i, l in enumerate(lines) if _group(clean(l.text))), len(lines))
    titled = next(((l, m) for l in lines if (m := _TITLE.search(clean(l.text)))), None)
    if titled is None:
        ctx.issue("qualification-title-missing", "no 'Level N ... in ...' title: no qualification", severity="error")
        return result
    title_line, title_match = titled
    qualification_id = ctx.entry.qualification or ctx.doc_id
    scheme = ctx.entry.scheme or ctx.doc_id
    facts, used = read_block(lines[:first_group], FIELDS)
    ctx.use(title_line, *used)
    headers = [l for l in lines if _header(clean(l.text))]
    ctx.use(*headers)
    order = next((o for l in headers if (o := column_order(clean(l.text)))), None)
    aside = {id(l) for l in (title_line, *used, *headers)}
    prose = [l for l in lines[:first_group] if id(l) not in aside]
    rules = _rules(ctx, [l for l in prose if not _heading(clean(l.text))], qualification_id)
    total = next((r.min_credits for r in rules if r.kind == "total"), None)
    result.qualifications.append(Qualification(
        qualification_id, scheme, ctx.entry.publisher or "", title_match.group(), int(title_match.group("level")),
        accreditation_number=facts.get("accreditation_number"), credits_min=total, doc_id=ctx.doc_id,
        page=title_line.page,
    ))
    result.rules.extend(rules)
    _tables(ctx, lines[first_group:], scheme, qualification_id, order, result)
    return result


def _rules(ctx: ParseContext, prose: list[Line], qualification_id: str) -> list[Rule]:
    """The rules the sentences state; an "each group" rule needs the groups named, which a structure does not."""
    rules: list[Rule] = []
    for sentence in sentences(prose):
        said = [s for s in statements(sentence.text) if s.group != EACH]
        if said:
            ctx.use(*sentence.lines)
        rules.extend(rule_of(qualification_id, s, s.group, sentence.text) for s in said)
    return rules


def _tables(ctx: ParseContext, lines: Sequence[Line], scheme: str, qualification_id: str,
            order: tuple[str, ...] | None, result: ParseResult) -> None:
    """The units of every group's table, with their memberships."""
    group: tuple[str, bool] | None = None
    section: list[Line] = []

    def close() -> None:
        if group is None:
            return
        rows, unread = read_rows(section, order)
        for line in unread:
            ctx.issue("table-row-unreadable", f"a row of {group[0]} has no credit, level and GLH", line)
        for row in rows:
            ctx.use(*row.lines)
            key = ids.unit_key(scheme, row.code)
            if any(u.unit_key == key for u in result.units):
                ctx.issue("unit-listed-twice", f"{row.code} is listed again in {group[0]}", row.lines[0])
                continue
            result.units.append(Unit(key, scheme, row.code, row.title, row.level, row.credits, row.glh, row.uan,
                                     doc_id=ctx.doc_id, page_start=row.lines[0].page, page_end=row.lines[-1].page))
            result.memberships.append(UnitMembership(qualification_id, key, group[0], group[1]))

    for line in lines:
        text = clean(line.text)
        if (heading := _group(text)) is not None:
            close()
            ctx.use(line)
            if heading != group:
                group, section = heading, []
            else:
                section = []  # the same group's heading carried over a page break
        elif _header(text):
            order = column_order(text) or order
            ctx.use(line)
        else:
            section.append(line)
    close()
