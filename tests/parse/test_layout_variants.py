"""New layouts of the real handbooks: headings carried over page breaks, notes, interruptions.

Each variant is a raw handbook with lines inserted at a real position; its records
must equal the clean handbook's, and what was inserted must land in its own record,
in an issue, or be set aside as a repeated heading, never inside another record.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import RAW, manifest, parse_path, parsed, without_pages

from pipeline.extract import extract_file
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.profiles import detect_profile, parse_lines

LEGACY = "cg-nsvq-l3-standards"
QCF = "cg-4430-03-handbook"


def _variant(tmp_path: Path, doc_id: str, after: int, inserted: list[str]) -> tuple[ParseContext, ParseResult]:
    """Parse the raw handbook with ``inserted`` lines after its line ``after`` (1-based)."""
    entry = manifest()[doc_id]
    lines = (RAW / entry.path).read_text("utf-8").split("\n")
    path = tmp_path / entry.path
    path.write_text("\n".join(lines[:after] + inserted + lines[after:]), "utf-8")
    extraction = extract_file(path, doc_id, path.name)
    ctx = ParseContext(entry, extraction.lines)
    return ctx, parse_lines(ctx, detect_profile(extraction.lines, path.name))


def _set_aside(ctx: ParseContext, after: int, count: int) -> bool:
    """Whether the inserted lines are left out of what the family parser reads (page furniture)."""
    inserted = {line.line for line in ctx.all_lines if after < line.line <= after + count and line.text.strip()}
    return not inserted & {line.line for line in ctx.lines}


@pytest.mark.parametrize(
    ("doc_id", "after", "heading"),
    [
        # At the page break inside 207.2.3 ("plan the objective of your communication", line 1007).
        (LEGACY, 1007, " Customer Service standards (continued)"),
        # Inside knowledge item b of unit 207 ("b the additional significance ...", line 1040).
        (LEGACY, 1040, " Knowledge and understanding (continued)"),
        # Between two rows of the Impression and Image group of the structure table (line 109).
        (QCF, 109, " Optional Units - Impression and Image (continued) Level Credit"),
    ],
)
def test_a_continued_heading_is_set_aside(tmp_path, doc_id, after, heading):
    ctx, result = _variant(tmp_path, doc_id, after, ["", heading, ""])
    assert without_pages(result) == without_pages(parsed(doc_id))
    assert _set_aside(ctx, after, 3)
