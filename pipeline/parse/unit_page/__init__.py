"""Unit pages of any awarding body: one unit, an overview block, then outcomes and criteria.

The overview gives the unit's title, Level, Unit No and/or Unit reference number,
Credits and Guided learning hours ("Label: value", or label and value on two lines
as a web page's definition list gives them). Outcomes and criteria follow as numbered
lists, headed outcomes with bulleted criteria, or tables; prose sections (aim,
guidance) are left to the unparsed-text report. All of it is the shared unit
specification reader; this family only says how such a page is recognised.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.core.records import Line
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.toolkit.specification import read_specs, signs, spec_records


def detect(lines: Sequence[Line]) -> float:
    """How strongly the document reads as one awarding body's unit page (0..1)."""
    found = signs(lines)
    if found.units > 1 or found.pipes or found.rows or found.grid:
        return 0.0  # a handbook or bank of units, or the regulator's table
    return min(found.fields, 4) * 0.15 + (0.2 if found.units else 0.0) + (0.2 if found.criteria >= 2 else 0.0)


def parse(ctx: ParseContext) -> ParseResult:
    """The unit, its outcomes and criteria."""
    return spec_records(ctx, read_specs(ctx.lines))
