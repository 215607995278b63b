"""New layouts of the real handbooks: headings carried over page breaks, notes, interruptions.

Each variant is a raw handbook with lines inserted at a real position; its records
must equal the clean handbook's, and what was inserted must land in its own record,
in an issue, or be set aside as a repeated heading, never inside another record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest

from pipeline.core.records import Line, Note
from pipeline.extract import extract_file
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.profiles import detect_profile, parse_lines
from pipeline.parse.toolkit.swallowed import swallowed_text
from tests.conftest import RAW, manifest, parsed, without_pages

LEGACY = "cg-nsvq-l3-standards"
QCF = "cg-4430-03-handbook"


def _variant(tmp_path: Path, doc_id: str, after: int, inserted: list[str], *more: tuple[int, list[str]]
             ) -> tuple[ParseContext, ParseResult]:
    """Parse the raw handbook with ``inserted`` lines after its line ``after`` (1-based), and ``more`` so."""
    entry = manifest()[doc_id]
    lines = (RAW / entry.path).read_text("utf-8").split("\n")
    for at, texts in sorted([(after, inserted), *more], reverse=True):
        lines[at:at] = texts
    path = tmp_path / entry.path
    path.write_text("\n".join(lines), "utf-8")
    extraction = extract_file(path, doc_id, path.name)
    ctx = ParseContext(entry, extraction.lines)
    return ctx, parse_lines(ctx, detect_profile(extraction.lines, path.name))


@cache
def _lines(doc_id: str) -> tuple[Line, ...]:
    entry = manifest()[doc_id]
    return extract_file(RAW / entry.path, doc_id, entry.path).lines


def with_page(lines: Sequence[Line], at: int, texts: Sequence[str]) -> list[Line]:
    """``lines`` with a page holding ``texts`` (none: a blank page) before ``lines[at]``, breaking its page there."""
    page = lines[at - 1].page if at else 0
    split = 0 < at < len(lines) and lines[at].page == page
    moved = [dataclasses.replace(l, page=l.page + 1 + split) for l in lines[at:]]
    inserted = [Line(page + 1, 0, text) for text in texts]
    return [dataclasses.replace(l, line=n) for n, l in enumerate([*lines[:at], *inserted, *moved], start=1)]


def _parse(doc_id: str, lines: Sequence[Line]) -> tuple[ParseContext, ParseResult]:
    ctx = ParseContext(manifest()[doc_id], lines)
    return ctx, parse_lines(ctx, detect_profile(lines, doc_id))


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


@pytest.mark.parametrize(
    ("doc_id", "after", "inserted", "more", "expected"),
    [
        # After 207.1.5, the last criterion of element 207.1 (line 998).
        (LEGACY, 998, ["", "Range: letters, e-mail, text messages and faxes", ""], [],
         [Note("cg-legacy:207", "207.1", "range", "letters, e-mail, text messages and faxes", LEGACY)]),
        # After knowledge item h of unit 207 (line 1056), the last of its knowledge.
        (LEGACY, 1056, ["", "Note", "The items are assessed", "together.", ""], [],
         [Note("cg-legacy:207", None, "note", "The items are assessed together.", LEGACY)]),
        # After 1.5 and 2.7, the last criteria of outcomes 1 and 2 of unit 303 (lines 1224 and 1249).
        (QCF, 1224, ["", "Range", "written communication: letters and e-mails", ""],
         [(1249, ["", "Guidance: see the glossary", ""])],
         [Note("cg-4430:4430-303", "1", "range", "written communication: letters and e-mails", QCF),
          Note("cg-4430:4430-303", "2", "guidance", "see the glossary", QCF)]),
    ],
)
def test_a_note_after_the_criteria_is_its_own_record(tmp_path, doc_id, after, inserted, more, expected):
    _, result = _variant(tmp_path, doc_id, after, inserted, *more)
    records = without_pages(result)
    assert records.pop("notes") == expected
    clean = without_pages(parsed(doc_id))
    assert clean.pop("notes") == []
    assert records == clean


def test_an_outcome_heading_repeated_inside_a_criterion_is_set_aside(tmp_path):
    # In the middle of 1.2 of unit 303 (line 1216), as at the top of the next page.
    heading = " Outcome 1: Use written or electronic communication effectively"
    ctx, result = _variant(tmp_path, QCF, 1216, ["", heading, "", "Assessment Criteria", ""])
    assert without_pages(result) == without_pages(parsed(QCF))
    repeat = next(line for line in ctx.all_lines if line.text == heading)
    assert ctx.is_used(repeat)


def test_a_line_between_rows_does_not_end_the_structure_table(tmp_path):
    # Between rows 4430-206 and 4430-207 of the Impression and Image group (line 110).
    _ctx, result = _variant(tmp_path, QCF, 110, ["Rows continue on the next page.", ""])
    assert without_pages(result) == without_pages(parsed(QCF))
    [issue] = [i for i in result.issues if i.line == 111]
    assert issue.code == "unparsed-text" and "Rows continue on the next page." in issue.message


@pytest.mark.parametrize(
    ("doc_id", "before", "back_matter"),
    [
        # After the last requirement (3) of the last unit's evidence, before its closing note (line 4144).
        (QCF, 4144, [" 6 Useful contacts", "UK learners", "T: +44 (0)844 543 0033"]),
        # After requirement 7 of unit 211, the last complete unit, before unit 212 (line 1585);
        # the document's chapters run to "10 About the standards".
        (LEGACY, 1585, [" 11 Useful contacts", "UK learners", "T: +44 (0)844 543 0033"]),
    ],
)
def test_back_matter_after_the_last_unit_is_not_evidence(doc_id, before, back_matter):
    lines = _lines(doc_id)
    at = next(i for i, line in enumerate(lines) if line.line == before)
    _ctx, result = _parse(doc_id, with_page(lines, at, back_matter))
    assert without_pages(result) == without_pages(parsed(doc_id))
    # The chapter is reported (as unparsed text or an unmodelled section), not glued.
    assert any(i.code in ("unparsed-text", "section-not-modelled") and "Useful contacts" in i.message
               for i in result.issues)


@pytest.mark.parametrize(
    ("glued", "why"),
    [
        # What the parser made of the page break inside 207.2.3 before headings were set aside.
        ("plan the objective of your communication Customer Service standards (continued)", "a continued heading"),
        ("plan the objective of your communication 207.2.4 format your communication", "another item's number (207.2.4)"),
        ("plan the objective of your communication " + "and the back matter after it " * 12,
         "389 characters where its siblings have about"),
    ],
)
def test_a_criterion_that_swallowed_another_sections_words_is_an_error(glued, why):
    result = dataclasses.replace(parsed(LEGACY))
    result.criteria = [dataclasses.replace(c, text=glued) if c.criterion_key == "cg-legacy:207#207.2.3" else c
                       for c in result.criteria]
    [issue] = swallowed_text(LEGACY, result)
    assert (issue.severity, issue.code) == ("error", "text-swallowed")
    assert issue.message.startswith(f"cg-legacy:207#207.2.3 holds {why}")


def test_the_raw_handbooks_swallowed_nothing():
    assert all(swallowed_text(doc_id, parsed(doc_id)) == [] for doc_id in manifest())
