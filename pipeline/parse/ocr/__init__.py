"""OCR NVQ brochures: the qualification, its credit rules and the units listed by NOS code.

The brochure names its units by their National Occupational Standards code
("A2  Adapt your behaviour ..."), grouped under "Mandatory Units" and, for the
optional units, "Theme: ..." headings. Unit bodies are not in the brochure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.core.ids import unit_key
from pipeline.core.records import Line, Qualification, Rule, Unit, UnitMembership
from pipeline.core.text import clean
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.toolkit.prose import body_prefix, sentences, title_variant
from pipeline.parse.toolkit.rules import EACH, rule_of, statements
from pipeline.parse.toolkit.unit_table import Listed, read_listing

_OCR = re.compile(r"\bOCR\b")
_SCHEME_CODE = re.compile(r"\bScheme code:?\s*(\d{4,6})\b", re.I)
# The title as a line of its own; the cover heading leaves out the size word
# ("OCR Level 1 NVQ in Customer Service"), the unit list heading keeps it.
_TITLE = re.compile(r"^(?:OCR )?Level (\d+) NVQ (?:(?:Award|Certificate|Diploma) )?in [A-Z].*$")
_SIZED = re.compile(r" NVQ (?:Award|Certificate|Diploma) in ")
_LIST_HEADING = re.compile(r"\bunits of competence$", re.I)
_GROUP = re.compile(r"^(Mandatory|Optional) Units?$", re.I)
_THEME = re.compile(r"^Theme:\s*(\S.*)$", re.I)
_UNIT = re.compile(r"^([A-Z]\d{1,2})\s+(\S.*)$")

def detect(lines: Sequence[Line]) -> float:
    """How strongly the wording says this is an OCR NVQ brochure (0..1)."""
    texts = [clean(line.text) for line in lines]
    unit_lines = sum(1 for t in texts if _UNIT.match(t))
    score = 0.0
    score += 0.2 if any(_OCR.search(t) for t in texts) else 0.0
    score += 0.3 if any(_SCHEME_CODE.search(t) for t in texts) else 0.0
    score += 0.3 if unit_lines >= 3 else 0.0
    score += 0.1 if any(_THEME.match(t) for t in texts) else 0.0
    score += 0.1 if any(_GROUP.match(t) for t in texts) else 0.0
    return score


@dataclass(frozen=True)
class _Under:
    """The heading a unit is listed under: its group, whether the group is mandatory, and its theme."""

    group: str
    mandatory: bool
    theme: str | None


def parse(ctx: ParseContext) -> ParseResult:
    """The qualification, rules, units and memberships of one OCR NVQ brochure."""
    result = ParseResult()
    lines = [line for line in ctx.lines if clean(line.text)]
    coded = next(((l, m) for l in lines if (m := _SCHEME_CODE.search(clean(l.text)))), None)
    if coded is None or not ctx.entry.publisher:
        missing = "a scheme code" if coded is None else "a publisher in the manifest"
        ctx.issue("qualification-missing", f"the brochure has no {missing}: nothing parsed", severity="error")
        return result
    code_line, code_match = coded
    ctx.use(code_line)
    qualification_id = f"{body_prefix(ctx.entry.publisher)}-{code_match.group(1)}"
    if ctx.entry.qualification and ctx.entry.qualification != qualification_id:
        ctx.issue("qualification-id-mismatch",
                  f"the brochure's scheme code gives {qualification_id}, the manifest says {ctx.entry.qualification}",
                  at=code_line)
    scheme = ctx.entry.scheme or qualification_id

    start = next((i for i, l in enumerate(lines) if _GROUP.match(clean(l.text))), len(lines))
    if start == len(lines):
        ctx.issue("unit-list-missing", "no 'Mandatory Units' or 'Optional Units' heading: no units parsed",
                  severity="error")
    title, level = _title(ctx, lines, qualification_id)
    listed = _units(ctx, lines[start:])
    optional_themes = list(dict.fromkeys(u.heading.theme for u in listed if not u.heading.mandatory and u.heading.theme))
    credits, rules = _rules(ctx, _structure_lines(ctx, lines[:start]), qualification_id, optional_themes)

    result.qualifications.append(
        Qualification(qualification_id, scheme, ctx.entry.publisher, title, level=level, credits_min=credits,
                      doc_id=ctx.doc_id, page=code_line.page)
    )
    result.rules.extend(rules)
    for unit in listed:
        code, under = unit.match.group(1), unit.heading
        key = unit_key(scheme, code)
        result.units.append(
            Unit(key, scheme, code, unit.title(2), nos_code=code, theme=under.theme,
                 has_body=False, doc_id=ctx.doc_id, page_start=unit.lines[0].page, page_end=unit.lines[-1].page)
        )
        result.memberships.append(UnitMembership(qualification_id, key, under.group, under.mandatory))
    return result


def _title(ctx: ParseContext, lines: list[Line], qualification_id: str) -> tuple[str, int | None]:
    """The qualification title (the form with its size word, "Certificate") and its level."""
    found = [(l, m) for l in lines if (m := _TITLE.match(clean(l.text)))]
    if not found:
        ctx.issue("qualification-title-missing", f"{qualification_id}: no 'Level N NVQ ... in ...' title line",
                  severity="error")
        return qualification_id, None
    title_match = next((m for _, m in found if _SIZED.search(m.string)), found[0][1])
    title = title_match.string
    for other, match in found:
        ctx.use(other)
        title_variant(ctx, qualification_id, title, match.string, other)
    return title, int(title_match.group(1))


def _structure_lines(ctx: ParseContext, before: list[Line]) -> list[Line]:
    """The paragraph under the last question heading before the unit list ("What are the structures of these NVQs?")."""
    heading = max((i for i, l in enumerate(before) if clean(l.text).endswith("?")), default=-1)
    paragraph = []
    for line in before[heading + 1:]:
        text = clean(line.text)
        if _LIST_HEADING.search(text):
            ctx.use(line)  # "NVQ units of competence": the heading of the unit list
        elif not _TITLE.match(text):
            paragraph.append(line)
    return paragraph


def _rules(
    ctx: ParseContext, paragraph: list[Line], qualification_id: str, optional_themes: list[str]
) -> tuple[int | None, list[Rule]]:
    """The total credits and the rules of combination stated in the structure paragraph."""
    total = None
    rules: list[Rule] = []
    for sentence in sentences(paragraph):
        found: list[Rule] = []
        for said in statements(sentence.text):
            if said.group == "Overall":
                total = said.min_credits
            groups = ([_group_name(ctx, n, optional_themes, sentence.lines[0]) for n in said.numbered]
                      if said.group == EACH else [said.group])
            found.extend(rule_of(qualification_id, said, group, sentence.text) for group in groups)
        if found:
            ctx.use(*sentence.lines)
        rules.extend(found)
    shares = [r.min_credits for r in rules if r.group in ("Mandatory", "Optional") and r.min_credits is not None]
    if total is not None and len(shares) == 2 and sum(shares) != total:
        ctx.issue("credit-sum-mismatch",
                  f"{qualification_id}: mandatory and optional credits ({' + '.join(map(str, shares))}) "
                  f"do not make the total {total}",
                  at=paragraph[0])
    return total, rules


def _group_name(ctx: ParseContext, number: int, optional_themes: list[str], at: Line) -> str:
    """Optional group N is the N-th theme heading under "Optional Units", in the brochure's order."""
    if 1 <= number <= len(optional_themes):
        return optional_themes[number - 1]
    ctx.issue("rule-group-unknown", f"optional group {number} has no theme heading in the unit list", at=at)
    return f"Optional group {number}"


def _units(ctx: ParseContext, lines: list[Line]) -> list[Listed]:
    """The units listed under the group and theme headings, titles wrapped over lines joined."""
    rows, used = read_listing(lines, _UNIT, _wraps, heading=_heading, under=_Under("", False, None))
    ctx.use(*used)
    listed: list[Listed] = []
    for row in rows:
        if any(u.match.group(1) == row.match.group(1) for u in listed):
            ctx.issue("numbering-duplicate", f"unit {row.match.group(1)} is listed again; the first listing is kept",
                      at=row.lines[0])
        else:
            listed.append(row)
    return listed


def _heading(text: str, under: _Under) -> _Under | None:
    """What a group heading ("Optional Units") or a theme heading ("Theme: Delivery") names."""
    if match := _GROUP.match(text):
        return _Under(match.group(1).capitalize(), match.group(1).lower() == "mandatory", None)
    if match := _THEME.match(text):
        return _Under(match.group(1), under.mandatory, match.group(1))
    return None


def _wraps(lines: Sequence[Line], index: int) -> bool:
    """A wrapped title goes on in lower case ("... good customer service" + "impression"), or is followed by
    another unit or heading of the list."""
    return clean(lines[index].text)[:1].islower() or _next_is_listed(lines, index)


def _next_is_listed(lines: Sequence[Line], index: int) -> bool:
    """Whether the line after ``index`` is a unit or a heading of the list."""
    if index + 1 >= len(lines):
        return False
    text = clean(lines[index + 1].text)
    return bool(_UNIT.match(text) or _GROUP.match(text) or _THEME.match(text))
