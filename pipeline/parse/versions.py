"""Versions: every document's own statement of each unit, outcome and criterion, whatever other documents say."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict

from pipeline.core.records import Criterion, CriterionVersion, Outcome, OutcomeVersion, Unit, UnitVersion, Versions
from pipeline.parse import ParseResult


def content_sha256(unit: Unit, outcomes: list[Outcome], criteria: list[Criterion]) -> str:
    """SHA-256 of a unit's title, figures, outcomes and criteria as one document states them."""
    content = {
        "title": unit.title,
        "figures": [unit.level, unit.credits, unit.glh],
        "outcomes": sorted([o.outcome_no, o.title] for o in outcomes),
        "criteria": sorted([c.criterion_no, c.kind, c.outcome_no or "", c.text] for c in criteria),
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


def document_versions(result: ParseResult, doc_id: str, published: dt.date | None) -> Versions:
    """The versions one document states: each unit it names once, with its own outcomes and criteria."""
    outcomes: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in result.outcomes:
        outcomes[outcome.unit_key].append(outcome)
    criteria: dict[str, list[Criterion]] = defaultdict(list)
    for criterion in result.criteria:
        criteria[criterion.unit_key].append(criterion)
    out = Versions()
    seen: set[str] = set()
    for unit in result.units:
        if unit.unit_key in seen:
            continue
        seen.add(unit.unit_key)
        own_outcomes, own_criteria = outcomes.get(unit.unit_key, []), criteria.get(unit.unit_key, [])
        out.units.append(UnitVersion(
            unit_key=unit.unit_key, doc_id=doc_id, scheme=unit.scheme, unit_code=unit.unit_code, title=unit.title,
            level=unit.level, credits=unit.credits, glh=unit.glh, uan=unit.uan, nos_code=unit.nos_code,
            ics_unit=unit.ics_unit, theme=unit.theme, has_body=unit.has_body, published=published,
            content_sha256=content_sha256(unit, own_outcomes, own_criteria),
            page_start=unit.page_start, page_end=unit.page_end,
        ))
        out.outcomes += [OutcomeVersion(o.unit_key, o.outcome_no, doc_id, o.title) for o in own_outcomes]
        out.criteria += [CriterionVersion(c.criterion_key, doc_id, c.text, c.kind, c.outcome_no) for c in own_criteria]
    return out


def all_versions(results: dict[str, ParseResult], published: dict[str, dt.date | None]) -> Versions:
    """The versions of every document, in document order."""
    out = Versions()
    for doc_id in sorted(results):
        one = document_versions(results[doc_id], doc_id, published.get(doc_id))
        out.units += one.units
        out.outcomes += one.outcomes
        out.criteria += one.criteria
    return out
