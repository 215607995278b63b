"""Ruled tables and outcome grids read from the PDF's geometry, on the grid print of the 4430-03 handbook."""

from __future__ import annotations

import pypdfium2
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from pipeline.extract import extract_file
from tests.conftest import RAW, manifest
from tests.pdf_render import REGULAR, register_fonts, render

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


# --- small ruled tables --------------------------------------------------------------


def _ruled(path, rows, widths):
    """A one-page PDF holding one ruled table; each cell a list of paragraphs."""
    register_fonts()
    style = ParagraphStyle("cell", fontName=REGULAR, fontSize=9, leading=11.5, spaceBefore=4)
    data = [[[Paragraph(text, style) for text in cell] for cell in row] for row in rows]
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build([table])
    return [line.text for line in extract_file(path, "table", path.name).lines]


def test_cells_read_row_by_row_and_cell_by_cell(tmp_path):
    lines = _ruled(tmp_path / "grid.pdf", [
        [["1 Use written or electronic communication effectively"], ["1.1 operate equipment", "1.2 use clear language"]],
        [["2 Plan a communication"], ["2.1 plan the objective of their communication"]],
    ], (150, 250))
    assert lines == [
        "1 Use written or electronic communication effectively",  # soft-wrapped in its cell, joined
        "1.1 operate equipment",
        "1.2 use clear language",
        "2 Plan a communication 2.1 plan the objective of their communication",  # one-line cells: one line
    ]


def test_a_short_line_before_a_paragraph_break_is_not_joined(tmp_path):
    # "unit number" would fit after "City & Guilds": the break is the writer's.
    lines = _ruled(tmp_path / "head.pdf", [[["City & Guilds", "unit number"], ["Level"]]], (120, 60))
    assert lines == ["City & Guilds", "unit number", "Level"]
