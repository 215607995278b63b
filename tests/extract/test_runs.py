"""A page read in runs of text (what one text object prints on one line, its ends' boxes asked of PDFium), and
word by word where the layout needs the words' own boxes."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
from pdfplumber.table import edges_to_intersections, intersections_to_cells, merge_edges
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline.extract import extract_file
from pipeline.extract.glyphs import Glyph, read_rulings, read_text
from pipeline.extract.layout import _cells, _edge
from tests.conftest import RAW, manifest
from tests.pdf_render import REGULAR, register_fonts, render


def _canvas(path: Path) -> Canvas:
    register_fonts()
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    canvas.setFont(REGULAR, 10)
    return canvas


def _read(path: Path, by_word: bool) -> tuple[Glyph, ...]:
    with pypdfium2.PdfDocument(path) as pdf:
        return read_text(pdf[0], by_word).glyphs


def test_a_line_of_one_text_object_is_one_run_spanning_its_words(tmp_path):
    # "l" stands a hair taller than "r" in PDFium's loose boxes: the run's ends still share a baseline.
    path = tmp_path / "line.pdf"
    canvas = _canvas(path)
    canvas.drawString(72, 760, "list the needs of each customer")
    canvas.save()
    (run,) = _read(path, by_word=False)
    words = _read(path, by_word=True)
    assert run.text == "list the needs of each customer"
    assert [g.text for g in words] == ["list", " ", "the", " ", "needs", " ", "of", " ", "each", " ", "customer"]
    assert (run.x0, run.x1, run.top, run.bottom) == (words[0].x0, words[-1].x1, words[0].top, words[0].bottom)
    assert words[-1].x0 < run.last_x0 < run.x1
    assert [line.text for line in extract_file(path, "line", path.name).lines] == ["list the needs of each customer"]


def test_a_space_pdfium_generates_parts_runs_and_marks_the_next(tmp_path):
    # One text object moved on by 30 points between its words: no space is printed, PDFium generates one.
    path = tmp_path / "moved.pdf"
    canvas = _canvas(path)
    text = canvas.beginText(72, 760)
    text.setFont(REGULAR, 12)
    text.textOut("the")
    text.moveCursor(30, 0)
    text.textOut("demands")
    canvas.drawText(text)
    canvas.save()
    assert [(g.text, g.spaced) for g in _read(path, by_word=False)] == [("the", False), ("demands", True)]
    assert [line.text for line in extract_file(path, "moved", path.name).lines] == ["the demands"]


def test_runs_that_overlap_on_a_line_are_read_word_by_word(tmp_path):
    # A word printed into the gap of another text object's line: read in runs, "east" would follow "south".
    path = tmp_path / "overlap.pdf"
    canvas = _canvas(path)
    canvas.drawString(72, 760, "north" + " " * 20 + "south")
    canvas.drawString(110, 760, "east")
    canvas.save()
    assert [g.text for g in _read(path, by_word=False)] == ["north south", "east"]
    assert [line.text for line in extract_file(path, "overlap", path.name).lines] == ["north east south"]


def test_a_run_off_one_baseline_is_read_word_by_word(tmp_path):
    # A slanted line: each word stands higher than the one before, more than a line's tolerance apart.
    path = tmp_path / "slanted.pdf"
    canvas = _canvas(path)
    canvas.translate(72, 700)
    canvas.rotate(30)
    canvas.drawString(0, 0, "one two three")
    canvas.save()
    assert [g.text for g in _read(path, by_word=False)] == ["one", " ", "two", " ", "three"]
    assert [line.text for line in extract_file(path, "slanted", path.name).lines] == ["three", "two", "one"]


def test_table_cells_are_pdfplumbers_on_every_ruled_page_of_the_grid_print():
    entry = manifest()["cg-4430-03-handbook"]
    made = render(RAW / entry.path, entry.title, layout="grid")
    compared = 0
    with pypdfium2.PdfDocument(made.path) as pdf:
        for index in range(len(pdf)):
            rulings = read_rulings(pdf[index])
            if not any(r.horizontal for r in rulings) or all(r.horizontal for r in rulings):
                continue
            edges = merge_edges([_edge(r) for r in rulings], 3, 3, 3, 3)
            intersections = edges_to_intersections(edges, 3, 3)
            assert _cells(intersections) == intersections_to_cells(intersections), f"page {index + 1}"
            compared += 1
    assert compared >= 10
