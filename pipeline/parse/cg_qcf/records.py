"""City & Guilds QCF handbooks: structure-table rows and unit bodies turned into records, checked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from pipeline.core import ids
from pipeline.core.records import Criterion, EvidenceRequirement, Line, Note, Outcome, Unit, UnitMembership
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.cg_qcf.outcomes import CriterionDraft, OutcomeDraft
from pipeline.parse.cg_qcf.structure import TableRow
from pipeline.parse.cg_qcf.units import BodyDraft

T = TypeVar("T")


def _same_title(a: str, b: str) -> bool:
    """Titles equal but for case, spacing, quote glyphs and a closing full stop."""

    def norm(t: str) -> str:
        return re.sub(r"\s+", " ", t.replace("\u2019", "'").replace("\u2018", "'")).strip(" .").casefold()

    return norm(a) == norm(b)


def unit_records(
    ctx: ParseContext,
    result: ParseResult,
    rows: Sequence[TableRow],
    bodies: Sequence[BodyDraft],
    scheme: str,
    prefix: str | None,
    qualification_id: str | None,
) -> None:
    """Units, memberships, outcomes, criteria and evidence requirements into ``result``, with the
    checks between table and bodies: bodies missing or unlisted, fields that disagree, numbering."""
    units: dict[str, Unit] = {}
    members: dict[str, UnitMembership] = {}
    listed_at: dict[str, Line] = {}
    for row in rows:
        key = ids.unit_key(scheme, row.code)
        if key in units:
            ctx.issue("unit-listed-twice", f"{row.code} is listed again in group {row.group!r}", row.line)
            continue
        units[key] = Unit(
            key, scheme, row.code, row.title, row.level, row.credits, row.glh, None, row.nos_code, None,
            row.theme, has_body=False, doc_id=ctx.doc_id, page_start=row.line.page, page_end=row.line.page,
        )
        listed_at[key] = row.line
        if qualification_id is not None:
            members[key] = UnitMembership(qualification_id, key, row.group, row.mandatory)
    with_body: set[str] = set()
    for body in bodies:
        code = f"{prefix}-{body.number}" if prefix else body.number
        key = ids.unit_key(scheme, code)
        if key in with_body:
            ctx.issue("unit-body-duplicate", f"a second body for unit {code} is ignored", body.heading)
            continue
        with_body.add(key)
        listed = units.get(key)
        if listed is None:
            ctx.issue("unit-not-listed", f"unit {code} has a body but the structure table does not list it", body.heading)
        else:
            _compare(ctx, code, listed, body)
        units[key] = _merged(key, scheme, code, body, listed, ctx.doc_id)
        _body_records(ctx, result, key, code, body)
    for key, line in listed_at.items():
        if key not in with_body:
            ctx.issue("unit-body-missing", f"unit {units[key].unit_code} is listed but the handbook has no body for it", line)
    result.units.extend(units.values())
    result.memberships.extend(members.values())


def _merged(key: str, scheme: str, code: str, body: BodyDraft, listed: Unit | None, doc_id: str) -> Unit:
    """The unit as its body states it, the table filling what the body leaves out."""
    table = listed or Unit(key, scheme, code, body.title)
    return Unit(
        key, scheme, code, body.title, _either(body.level, table.level), _either(body.credits, table.credits),
        _either(body.glh, table.glh), body.uan, _either(body.nos_code, table.nos_code), None, table.theme,
        has_body=True, doc_id=doc_id, page_start=body.heading.page, page_end=body.last.page,
    )


def _either(value: T | None, fallback: T | None) -> T | None:
    return value if value is not None else fallback


def _compare(ctx: ParseContext, code: str, listed: Unit, body: BodyDraft) -> None:
    """Report every field the table and the body state differently (the body's value is kept)."""
    if not _same_title(listed.title, body.title):
        ctx.issue("unit-field-mismatch", f"{code} title: table {listed.title!r}, body {body.title!r}", body.heading)
    for name, table_value, body_value in (
        ("level", listed.level, body.level),
        ("credits", listed.credits, body.credits),
        ("glh", listed.glh, body.glh),
        ("nos_code", listed.nos_code, body.nos_code),
    ):
        if table_value is not None and body_value is not None and table_value != body_value:
            ctx.issue("unit-field-mismatch", f"{code} {name}: table {table_value}, body {body_value}", body.heading)


def _body_records(ctx: ParseContext, result: ParseResult, key: str, code: str, body: BodyDraft) -> None:
    """Outcomes, criteria and evidence requirements of one body, with their numbering checked."""
    listed: dict[int, OutcomeDraft] = {}
    headed: dict[int, OutcomeDraft] = {}
    for found, drafts in ((listed, body.listed_outcomes), (headed, body.outcomes)):
        for draft in drafts:
            found.setdefault(draft.number, draft)
    _check_sequence(ctx, code, "outcome", [(str(o.number), o.number, o.line) for o in body.outcomes])
    for number in sorted(listed.keys() | headed.keys()):
        outcome: OutcomeDraft = headed.get(number) or listed[number]
        if number in listed and number in headed and not _same_title(listed[number].title, headed[number].title):
            ctx.issue("outcome-title-mismatch", f"{code} outcome {number}: listed as {listed[number].title!r}, "
                      f"headed {headed[number].title!r}", headed[number].line)
        result.outcomes.append(Outcome(key, str(number), outcome.title, ctx.doc_id, outcome.line.page))
    outcome_count = len(listed.keys() | headed.keys())
    if body.declared_outcomes is not None and body.declared_outcomes != outcome_count:
        ctx.issue("outcome-count-mismatch", f"{code} declares {body.declared_outcomes} learning outcomes, "
                  f"{outcome_count} found", body.declared_at)
    emitted: set[str] = set()
    for outcome, criteria in zip(body.outcomes, body.criteria):
        if not criteria:
            ctx.issue("outcome-without-criteria", f"{code} outcome {outcome.number} has no assessment criteria", outcome.line)
        _check_criteria(ctx, code, outcome, criteria)
        for c in criteria:
            # A number met twice was reported above (a duplicate, or one under the wrong outcome):
            # the first keeps the key.
            if c.criterion_no in emitted:
                continue
            emitted.add(c.criterion_no)
            result.criteria.append(Criterion(
                ids.criterion_key(key, c.criterion_no), key, str(c.outcome_no), c.criterion_no, "assessment",
                c.text, None, ctx.doc_id, c.line.page,
            ))
    if not body.outcomes or not body.evidence:
        missing = "learning outcomes" if not body.outcomes else "evidence requirements"
        ctx.issue("unit-body-truncated", f"{code} has no {missing}", body.last, severity="error", unit=code)
    for e in body.evidence:
        result.evidence.append(EvidenceRequirement(key, str(e.number), e.text, e.items, ctx.doc_id, e.line.page))
    for n in body.notes:
        result.notes.append(Note(key, str(n.outcome_no), n.kind, n.text, ctx.doc_id, n.line.page))


def _check_criteria(ctx: ParseContext, code: str, outcome: OutcomeDraft, criteria: Sequence[CriterionDraft]) -> None:
    for c in criteria:
        if c.outcome_no != outcome.number:
            ctx.issue("numbering-mismatch", f"{code} criterion {c.criterion_no} stands under outcome {outcome.number}", c.line)
    _check_sequence(ctx, code, "criterion", [(c.criterion_no, c.number, c.line) for c in criteria])


def _check_sequence(ctx: ParseContext, code: str, what: str, numbered: Sequence[tuple[str, int, Line]]) -> None:
    """Numbers that should run 1, 2, 3...: report repeats and gaps."""
    seen: set[int] = set()
    previous = 0
    for label, number, line in numbered:
        if number in seen:
            ctx.issue("numbering-duplicate", f"{code} {what} {label} appears twice", line)
        elif number != previous + 1:
            ctx.issue("numbering-gap", f"{code} {what} {label} follows number {previous}", line)
        seen.add(number)
        previous = max(previous, number)
