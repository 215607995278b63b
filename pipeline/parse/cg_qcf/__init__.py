"""City & Guilds QCF qualification handbooks (qualification numbers like NNNN-03).

The family: a facts table ("City & Guilds qualification number 4430-03"), rules of
combination, a structure table of units by group ("NNNN-301 ... (F3) 3 6 40"), and unit
bodies ("Unit 301 ...", "Level:", "Credit value:", "NDAQ number:", learning outcomes with
assessment criteria "1.1", evidence requirements). The work is split by section:
``cg_qcf_facts`` (facts and rules), ``cg_qcf_structure`` (the table), ``cg_qcf_units`` and
``cg_qcf_outcomes`` (bodies), ``cg_qcf_records`` (records and the checks between them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.core.records import Line, Qualification
from pipeline.core.text import clean
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.cg_qcf.facts import Facts, read_facts, read_rules
from pipeline.parse.cg_qcf.records import unit_records
from pipeline.parse.cg_qcf.structure import code_prefix, read_structure
from pipeline.parse.cg_qcf.text import is_footer
from pipeline.parse.cg_qcf.units import body_spans, read_body

# The awarding body of the family: qualification ids are "cg-" + the C&G number ("cg-4430-03").
ID_PREFIX = "cg"

# Wording and shapes only this family combines; detect() scores the share present.
SIGNS = (
    re.compile(r"^City & Guilds qualification number\b", re.IGNORECASE),
    re.compile(r"^Qualification accreditation number\b", re.IGNORECASE),
    re.compile(r"^\d{4}-\d{3}\b"),
    re.compile(r"^Credit value\s*:", re.IGNORECASE),
    re.compile(r"^NDAQ number\s*:", re.IGNORECASE),
    re.compile(r"^Outcome \d+\s*:", re.IGNORECASE),
    re.compile(r"^The learner can:?$", re.IGNORECASE),
    re.compile(r"^There (?:are|is) \w+ learning outcomes?\b", re.IGNORECASE),
)


def detect(lines: Sequence[Line]) -> float:
    """How strongly the wording says this is a City & Guilds QCF handbook (0..1)."""
    texts = [clean(l.text) for l in lines]
    return sum(any(sign.search(t) for t in texts) for sign in SIGNS) / len(SIGNS)


def parse(ctx: ParseContext) -> ParseResult:
    """Qualification, rules, units, memberships, outcomes, criteria and evidence of one handbook."""
    lines = [l for l in ctx.lines if clean(l.text)]
    # Printed page footers left where a page break was lost ("52 Level 3 NVQ Diploma ... (4430-03)").
    footers = [l for l in lines if is_footer(l.text)]
    ctx.furniture(*footers)
    lines = [l for l in lines if not is_footer(l.text)]

    result = ParseResult()
    facts = read_facts(ctx, lines)
    rows = read_structure(ctx, lines)
    spans = body_spans(lines)
    prefix = code_prefix(rows) or (facts.number.split("-")[0] if facts.number else None)
    if prefix is None and spans:
        ctx.issue("unit-code-unknown", "no qualification number to prefix the unit numbers with", lines[spans[0][0]])
    scheme = ctx.entry.scheme or f"{ID_PREFIX}-{prefix or 'unknown'}"
    qualification_id = _qualification(ctx, facts, scheme, result)

    groups = list(dict.fromkeys(r.group for r in rows if not r.mandatory))
    before_units = lines[: spans[0][0]] if spans else lines
    if qualification_id is not None:
        result.rules.extend(read_rules(ctx, before_units, qualification_id, groups))
    bodies = [read_body(ctx, lines[start:end]) for start, end in spans]
    unit_records(ctx, result, rows, bodies, scheme, prefix, qualification_id)
    return result


def _qualification(ctx: ParseContext, facts: Facts, scheme: str, result: ParseResult) -> str | None:
    """The qualification record of what the facts table states; its id, or None without a number."""
    if facts.number is None or facts.title is None:
        ctx.issue("qualification-facts-missing", "no qualification title and number found", ctx.lines[0] if ctx.lines else None)
        return None
    qualification_id = f"{ID_PREFIX}-{facts.number}"
    if ctx.entry.qualification and ctx.entry.qualification != qualification_id:
        ctx.issue("qualification-id-mismatch", f"the manifest says {ctx.entry.qualification}, the handbook "
                  f"{qualification_id}", facts.at["number"])
    result.qualifications.append(Qualification(
        qualification_id=qualification_id,
        scheme=scheme,
        awarding_body=ctx.entry.publisher or facts.awarding_body or "",
        title=facts.title,
        level=facts.level,
        accreditation_number=facts.accreditation_number,
        credits_min=facts.credits_min,
        glh_min=facts.glh_min,
        glh_max=facts.glh_max,
        tqt=facts.tqt,
        last_registration=facts.last_registration,
        last_certification=facts.last_certification,
        doc_id=ctx.doc_id,
        page=facts.at["title"].page,
    ))
    return qualification_id
