"""Unit banks: unit after unit, each a header block, then its outcomes and criteria side by side in a grid.

Each unit opens with its title and header block (unit reference number, level, credit
value, guided learning hours); its grid sets "The learner will:" beside "The learner
can:", and OCR's 2014 units add a third column, "Knowledge, understanding and skills",
whose items are the unit's ``knowledge`` criteria. Text extraction gives the columns
interleaved line by line; the grid reader finds them from the gaps between words, and
reads a PDF's ruled grid or an HTML table cell by cell. The units are keyed by the
publisher's number, else by their unit reference number.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.core.records import Line
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.toolkit.specification import read_specs, signs, spec_records


def detect(lines: Sequence[Line]) -> float:
    """How strongly the document reads as a bank of unit specifications set in grids (0..1)."""
    found = signs(lines)
    if not found.grid or not found.units:
        return 0.0
    return 0.5 + min(found.fields, 4) * 0.1 + (0.1 if found.units > 1 else 0.0)


def parse(ctx: ParseContext) -> ParseResult:
    """Every unit of the bank, its outcomes, criteria and knowledge."""
    return spec_records(ctx, read_specs(ctx.lines))
