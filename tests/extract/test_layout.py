"""Ruled tables and outcome grids read from the PDF's geometry, on the grid print of the 4430-03 handbook."""

from __future__ import annotations

import pypdfium2
import pytest
from tests.conftest import RAW, manifest
from tests.pdf_render import render

from pipeline.extract import extract_file

DOC = "cg-4430-03-handbook"


@pytest.fixture(scope="module")
def grid():
    entry = manifest()[DOC]
    made = render(RAW / entry.path, entry.title, layout="grid")
    return made, [line.text for line in extract_file(made.path, DOC, str(made.path)).lines]


def test_an_outcome_row_reads_heading_then_its_criteria(grid):
    _, lines = grid
    start = lines.index("Outcome 1: Use written or electronic communication effectively")
    # The left cell, then the right cell; the criteria's own wrapped lines are kept as printed.
    assert lines[start : start + 6] == [
        "Outcome 1: Use written or electronic communication effectively",
        "Assessment Criteria",
        "The learner can:",
        "1.1 operate equipment used to communicate in writing or electronically efficiently and",
        "effectively",
        "1.2 ensure that the period of time between exchanges in writing or electronically represents",
    ]


def test_a_cell_reads_its_paragraphs_not_its_printed_lines(grid):
    # The heading is two lines in the text handbook, set as two paragraphs in a cell
    # so narrow that they print as three lines: soft wraps are joined, the break kept.
    _, lines = grid
    start = lines.index("Outcome 1: Demonstrate an understanding of the organisational rules and")
    assert lines[start + 1 : start + 3] == ["procedures that impact on customer service improvements", "Assessment Criteria"]


def test_a_structure_row_with_a_wrapped_title_reads_as_one_line(grid):
    _, lines = grid
    assert "4430-305 Organise the promotion of additional services or products to customers (A15) 3 7 47" in lines
    assert "4430-216 Use questioning techniques when delivering customer service (B6) 2 4 27" in lines


def test_a_header_row_repeated_overleaf_is_read_once(grid):
    made, lines = grid
    with pypdfium2.PdfDocument(made.path) as pdf:
        printed = sum(pdf[i].get_textpage().get_text_range().count("unit number") for i in range(len(pdf)))
    # Five groups (Mandatory and four optional), one of them running onto a second page.
    assert printed == 6
    assert lines.count("unit number") == 5
    assert [line for line in lines if line.endswith("Level Credit GLH")] == [
        "Mandatory Units - Customer Service Foundations Level Credit GLH",
        "Optional Units - Impression and Image Level Credit GLH",
        "Optional Units - Delivery Level Credit GLH",
        "Optional Units - Handling Problems Level Credit GLH",
        "Optional Units - Development and Improvement Level Credit GLH",
    ]
