"""National Occupational Standards in the UK NOS template: one standard per document.

The standard opens with its URN and title ("CFACSA13" / "Resolve customer service
problems"), an overview in prose, the performance criteria under "You must be able
to:" ("P1 ..."), the knowledge and understanding under "You need to know and
understand:" ("K1 ..."), and a table of fields: URN, Original URN, Developed by,
Version, Date approved, Suite, Keywords and others. The standard is one unit of the
manifest's scheme, coded by its URN; its Original URN, the code the standards body
gave it before (the code other documents name it by), is the unit's ``nos_code``.
Criteria are ``performance`` (P1...) and ``knowledge`` (K1...); keywords are
``key_words``. The fields no dataset holds (developer, version, approval date,
suite) are reported once per standard as ``fact-not-modelled``; the overview is prose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.core import ids
from pipeline.core.records import Criterion, KeyWord, Line, Unit
from pipeline.core.text import clean
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.toolkit.fields import Field, read_block
from pipeline.parse.toolkit.furniture import split_repeats
from pipeline.parse.toolkit.numbered import read_items

_URN_SHAPE = r"[A-Z][A-Z0-9]{2,11}"
# The lead-ins, with what a side column of labels may put before them on the same line ("Performance criteria
# You must be able to:", "Knowledge and You need to know and understand:").
_PC_LEAD = re.compile(r"^(?:[A-Z][\w ]{0,40}\s)?You must be able to:?$", re.I)
_KU_LEAD = re.compile(r"^(?:[A-Z][\w ]{0,40}\s)?You need to know and understand:?$", re.I)
# Without a "URN" field, the standard's code heads its first page or every page ("CFACSA13").
_URN_ALONE = re.compile(r"^(?P<urn>[A-Z]{3,}[A-Z0-9]*\d[A-Z0-9]*)\b")
_SECTION = re.compile(r"^(?:Overview|Performance criteria|Knowledge and understanding|Additional information|"
                      r"Scope/range|Values|Behaviours|Skills|Glossary|Links to other NOS|External links)$", re.I)


def _text(value: str) -> str | None:
    return clean(value) or None


def _label(words: str, shape: str = r"\S") -> re.Pattern[str]:
    return re.compile(rf"^{words}\s*[:|]?\s*(?={shape})", re.I)


FIELDS = (
    Field(_label("URN", rf"{_URN_SHAPE}\s*$"), ("urn",), _text),
    Field(_label("Original URN"), ("original_urn",), _text),
    Field(_label("Developed by"), ("developed_by",), _text),
    Field(_label(r"Version(?: number)?"), ("version",), _text),
    Field(_label("Date approved"), ("approved",), _text),
    Field(_label("Indicative review date"), ("review",), _text),
    Field(_label("Validity"), ("validity",), _text),
    Field(_label("Status"), ("status",), _text),
    Field(_label("Originating organisation"), ("originator",), _text),
    Field(_label("Relevant occupations"), ("occupations",), _text),
    Field(_label("Suite"), ("suite",), _text),
    Field(_label("Key ?words"), ("keywords",), _text),
)
# The fields no dataset column holds, named as the template names them.
NOT_MODELLED = {"developed_by": "Developed by", "version": "Version", "approved": "Date approved",
                "review": "Indicative review date", "validity": "Validity", "status": "Status",
                "originator": "Originating organisation", "occupations": "Relevant occupations", "suite": "Suite"}
_SIGNS = (
    re.compile(r"^URN\b"), re.compile(r"^Original URN\b", re.I), _PC_LEAD, _KU_LEAD,
    re.compile(r"^Developed by\b", re.I), re.compile(r"^Key ?words\b", re.I), re.compile(r"^Suite\b", re.I),
)


def detect(lines: Sequence[Line]) -> float:
    """How strongly the wording says this is a standard in the UK NOS template (0..1)."""
    texts = [clean(line.text) for line in lines]
    return sum(any(sign.search(t) for t in texts) for sign in _SIGNS) / len(_SIGNS)


def parse(ctx: ParseContext) -> ParseResult:
    """The standard as one unit, its performance criteria and knowledge, and its keywords."""
    result = ParseResult()
    lines = [line for line in ctx.lines if clean(line.text)]
    pc = next((i for i, l in enumerate(lines) if _PC_LEAD.match(clean(l.text))), None)
    ku = next((i for i, l in enumerate(lines) if _KU_LEAD.match(clean(l.text))), None)
    if pc is None or ku is None:
        missing = "'You must be able to:'" if pc is None else "'You need to know and understand:'"
        ctx.issue("nos-section-missing", f"no {missing} list: the standard's criteria cannot be read", severity="error")
        return result
    fields, used = read_block(lines[ku:], FIELDS, value_words=40)
    fielded = {id(l) for l in used}
    footer_start = next((i for i, l in enumerate(lines) if id(l) in fielded), len(lines))
    ctx.use(*used)
    urn = fields.get("urn") or _urn_heading(lines[:pc])
    if urn is None:
        ctx.issue("nos-urn-missing", "the standard states no URN", severity="error")
        return result
    title_line = _title(lines[:pc], urn)
    title = clean(title_line.text) if title_line else urn
    if title.startswith(urn + " "):
        title = title[len(urn) + 1:]
    # The standard's running header ("CFACSA13 Resolve customer service problems") at later page tops.
    body, repeats = split_repeats(lines[pc:footer_start], f"{urn} {title}")
    ctx.furniture(*repeats)
    pc, ku = 0, next(i for i, l in enumerate(body) if _KU_LEAD.match(clean(l.text)))
    scheme = ctx.entry.scheme or "nos"
    key = ids.unit_key(scheme, urn)
    ctx.use(*[l for l in lines if clean(l.text) in (urn, title, f"{urn} {title}") or _SECTION.match(clean(l.text))])
    performance, pc_used = read_items(body[pc + 1:ku], _stops)
    knowledge, ku_used = read_items(body[ku + 1:], _stops)
    ctx.use(body[pc], body[ku], *pc_used, *ku_used)
    result.units.append(Unit(key, scheme, urn, title, nos_code=fields.get("original_urn"), has_body=True,
                             doc_id=ctx.doc_id, page_start=lines[0].page, page_end=lines[-1].page))
    for kind, items in (("performance", performance), ("knowledge", knowledge)):
        for item in items:
            number = item.number if item.number[0].isalpha() else f"{kind[0].upper()}{item.number}"
            result.criteria.append(Criterion(ids.criterion_key(key, number), key, None, number, kind, item.text,
                                             None, ctx.doc_id, item.lines[0].page))
    words = [w.strip() for w in re.split(r"[;,]", fields.get("keywords") or "") if w.strip()]
    result.key_words.extend(KeyWord(key, n, w, ctx.doc_id, used[-1].page) for n, w in enumerate(words, start=1))
    stated = [f"{NOT_MODELLED[name]} {fields[name]!r}" for name in NOT_MODELLED if name in fields]
    if stated:
        ctx.issue("fact-not-modelled", f"{urn}: no column holds {', '.join(stated)}", used[0], unit=urn)
    return result


def _urn_heading(head: Sequence[Line]) -> str | None:
    """The code a line above the criteria opens with, where no "URN" field states it."""
    return next((m.group("urn") for line in head if (m := _URN_ALONE.match(clean(line.text)))), None)


def _title(head: Sequence[Line], urn: str) -> Line | None:
    """The title line: after the URN (on its line or the next), before the overview."""
    for i, line in enumerate(head):
        text = clean(line.text)
        if text.startswith(urn + " ") and len(text) > len(urn) + 1:
            return line
        if text == urn and i + 1 < len(head) and not _SECTION.match(clean(head[i + 1].text)):
            return head[i + 1]
    return None


def _stops(text: str) -> bool:
    """A section heading ends a list of criteria."""
    return bool(_SECTION.match(text) or _PC_LEAD.match(text) or _KU_LEAD.match(text))
