"""The regulator's unit pages: the overview fields, then one table row per criterion.

The table reads "| 1 | outcome | 1.1 | criterion |" then "| 1.2 | criterion |" (a web
page gives the same cells without the pipes); a criterion cell that numbers itself
again ("| 1.1 | .1 Identify ... |") loses the repeat. The unit is keyed by its unit
reference number, which the regulator issues. All of it is the shared unit
specification reader; this family only says how such a page is recognised.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.core.records import Line
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.toolkit.specification import read_specs, signs, spec_records


def detect(lines: Sequence[Line]) -> float:
    """How strongly the document reads as the regulator's unit page (0..1)."""
    found = signs(lines)
    if found.units > 1 or not found.rows:
        return 0.0
    return 0.4 + min(found.fields, 4) * 0.1 + (0.2 if found.pipes else 0.0)


def parse(ctx: ParseContext) -> ParseResult:
    """The unit, its outcomes and criteria."""
    return spec_records(ctx, read_specs(ctx.lines))
