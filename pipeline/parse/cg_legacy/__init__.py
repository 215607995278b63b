"""City & Guilds legacy N/SVQ standards ("Level 3 N/SVQ in Customer Services"), scheme cg-legacy.

The document yields its qualification (title and level from its printed footer or prose;
the text states no City & Guilds qualification number, so the id is the manifest's
``qualification`` or else ``<scheme>-l<level>``, e.g. ``cg-legacy-l3``; its page is the
"Qualification structure" page), the rules of
combination and members of the structure table, the units of the structure table, of
the "Mapping of old standards to new" list (which names the document's own units, not
old ones) and of the themes appendix (legacy units of levels 2 to 4), and the unit
bodies: elements, performance criteria, knowledge items ("k.a") and evidence requirements.

Set aside: chapters and appendices that yield no record (the introduction, the key/core
skills grids) are reported once each as section-not-modelled. Left to unparsed-text:
the prose inside modelled sections, and each unit's "Key words and phrases", which no
dataset column holds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.core.records import Line, Qualification
from pipeline.core.text import clean
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.cg_legacy.merge import memberships, merge_units, rules
from pipeline.parse.cg_legacy.sections import find_sections, set_aside_unmodelled
from pipeline.parse.cg_legacy.structure import (
    find_title,
    parse_mapping_list,
    parse_rules,
    parse_structure_table,
)
from pipeline.parse.cg_legacy.text import nonblank
from pipeline.parse.cg_legacy.themes import parse_themes
from pipeline.parse.cg_legacy.units import parse_bodies

# The scheme of this family (DESIGN.md, Identifiers), for a document the manifest does not describe.
FAMILY_SCHEME = "cg-legacy"
FAMILY_BODY = "City & Guilds"

# Wording only this family uses; the score is the share of signs present.
_SIGNS = (
    re.compile(r"\bN/SVQ\b"),
    re.compile(r"^Key words and phrases$", re.I),
    re.compile(r"^Knowledge and understanding$", re.I),
    re.compile(r"\bsits within the .*Theme of\b", re.I),
    re.compile(r"^\d{3}\.\d{1,2}\.\d{1,2}\s+[a-z]"),  # performance criteria "207.1.1 operate ..."
    re.compile(r"^[A-Z]/\d{3}/\d{4}\s+\d{3}\s"),  # structure table rows "J/103/6279  207 ..."
)


def detect(lines: Sequence[Line]) -> float:
    """How strongly the wording says this is the family (0..1)."""
    texts = [clean(line.text) for line in lines]
    return sum(any(sign.search(t) for t in texts) for sign in _SIGNS) / len(_SIGNS)


def parse(ctx: ParseContext) -> ParseResult:
    """Records of one document of this family."""
    scheme = ctx.entry.scheme or FAMILY_SCHEME
    lines = nonblank(ctx.lines)
    title = find_title(lines)
    if title:
        # The printed footer ("Level 3 N/SVQ in Customer Services 43") is page furniture.
        ctx.furniture(*title.footers)
        lines = [line for line in lines if line not in title.footers]
    sections = find_sections(lines)
    chapters = [s for s in sections if s.kind != "unit"]
    table = [row for s in chapters for row in parse_structure_table(ctx, lines, s)]
    mapping = [row for s in chapters for row in parse_mapping_list(ctx, lines, s)]
    titles: dict[str, list[str]] = {}
    for row in table + mapping:
        titles.setdefault(row.code, []).append(row.title)
    bodies = parse_bodies(ctx, lines, sections, scheme, titles)
    cells = parse_themes(ctx, lines, sections)
    result = ParseResult()
    result.units = merge_units(ctx, scheme, title.level if title else None, table, mapping, bodies, cells)
    for body in bodies:
        result.outcomes += body.outcomes
        result.criteria += body.criteria
        result.evidence += body.evidence
        result.key_words += body.key_words
        result.notes += body.notes
    clauses, structure = parse_rules(ctx, lines)
    if title is None:
        ctx.issue("qualification-not-found", "no 'Level N N/SVQ in ...' title: no qualification, rules or memberships")
    else:
        qualification_id = ctx.entry.qualification or f"{scheme}-l{title.level}"
        result.qualifications = [Qualification(
            qualification_id, scheme, ctx.entry.publisher or FAMILY_BODY, title.title, title.level,
            doc_id=ctx.doc_id, page=(structure or title.line).page,
        )]
        result.rules = rules(qualification_id, clauses, result.units, table)
        result.memberships = memberships(qualification_id, scheme, table)
    set_aside_unmodelled(ctx, lines, sections)
    return result
