"""The PDF reader on renders of the real handbooks, and on small PDFs that set pdfplumber's traps."""

from __future__ import annotations

import itertools
import os
import shutil
from collections import Counter
from pathlib import Path

import pdfplumber
import pyarrow.parquet as pq
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from pipeline import runner
from pipeline.core.errors import DocumentError
from pipeline.core.records import Line
from pipeline.extract import extract_file
from pipeline.extract.glyphs import SPACE_SHARE, Glyph
from pipeline.extract.lines import without_fake_bold
from tests.conftest import RAW, ROOT, manifest
from tests.extract.plumber_reader import plumber_lines
from tests.pdf_render import BOLD, REGULAR, register_fonts

DOC_IDS = sorted(doc_id for doc_id, entry in manifest().items() if entry.path.endswith(".txt"))


def _pages(lines: tuple[Line, ...]) -> dict[int, list[Line]]:
    return {page: list(group) for page, group in itertools.groupby(lines, key=lambda line: line.page)}


def _body(handbook) -> list[Line]:
    """The PDF lines less the running header and footer the render adds to every page."""
    body = []
    for page, lines in _pages(handbook.pdf.lines).items():
        if lines and lines[0].text == handbook.title:
            lines = lines[1:]
        if lines and lines[-1].text == handbook.render.footer(page):
            lines = lines[:-1]
        body.extend(lines)
    return body


def _words(lines) -> list[str]:
    # str.split() is the whitespace normalisation: tabs and no-break spaces part words
    # in the text files; the render sets them as gaps or spaces.
    return [word for line in lines for word in line.text.split()]


# --- the real handbooks, rendered -------------------------------------------------


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_every_word_survives_render_and_extraction(rendered, doc_id):
    handbook = rendered(doc_id)
    expected, found = _words(handbook.text.lines), _words(_body(handbook))
    missing, extra = Counter(expected) - Counter(found), Counter(found) - Counter(expected)
    assert (dict(missing), dict(extra)) == ({}, {})
    assert found == expected  # and in reading order, tables included


# Every eighth page: pdfplumber's per-character reading is slow, and a sample of
# each handbook covers its kinds of page (tables, headings, wrapped lines).
ORACLE_EVERY = 8


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_lines_are_those_pdfplumber_reads(rendered, doc_id):
    # The reader the pipeline used before PDFium, on the same pages: same lines,
    # fonts, sizes and bold flags.
    handbook = rendered(doc_id)
    sample = list(range(1, handbook.pdf.pages + 1, ORACLE_EVERY))
    ours = [line for line in handbook.pdf.lines if line.page in sample]
    assert ours == plumber_lines(handbook.render.path, sample)


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_every_page_has_the_running_header_and_footer(rendered, doc_id):
    handbook = rendered(doc_id)
    for page, lines in _pages(handbook.pdf.lines).items():
        assert (lines[0].text, lines[-1].text) == (handbook.title, f"Page {page}")


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_pages_follow_the_recovered_pages(rendered, doc_id):
    handbook = rendered(doc_id)
    source_pages = handbook.render.source_pages
    assert handbook.pdf.pages == len(source_pages) == len(_pages(handbook.pdf.lines))
    # Every recovered text page is rendered, in order; a crowded one may continue overleaf.
    assert sorted(set(source_pages)) == list(range(1, handbook.text.pages + 1))
    assert list(source_pages) == sorted(source_pages)
    # Each recovered page's words are exactly those of the PDF pages rendered from it.
    by_pdf_page = _pages(tuple(_body(handbook)))
    for text_page, text_lines in _pages(handbook.text.lines).items():
        pdf_lines = [line for n, page in enumerate(source_pages, 1) if page == text_page for line in by_pdf_page.get(n, [])]
        assert _words(pdf_lines) == _words(text_lines), f"text page {text_page}"


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_lines_carry_font_size_and_bold(rendered, doc_id):
    for line in rendered(doc_id).pdf.lines:
        assert line.font in (REGULAR, BOLD), line
        assert line.size is not None and 5 <= line.size <= 13, line
        assert line.bold is (line.font == BOLD), line
        assert line.text == line.text.strip() and line.text, line


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_line_numbers_restart_on_each_page(rendered, doc_id):
    for page, lines in _pages(rendered(doc_id).pdf.lines).items():
        assert [line.line for line in lines] == list(range(1, len(lines) + 1)), f"page {page}"


@pytest.mark.parametrize(
    ("doc_id", "text", "bold"),
    [
        # 4430-03 handbook: unit heading and its wrapped end, outcome, section headings.
        ("cg-4430-03-handbook", "Unit 303 Deal with customers in writing or", True),
        ("cg-4430-03-handbook", "electronically", True),
        ("cg-4430-03-handbook", "Outcome 1: Use written or electronic communication effectively", True),
        ("cg-4430-03-handbook", "Assessment Criteria", True),
        ("cg-4430-03-handbook", "Evidence requirements", True),
        ("cg-4430-03-handbook", "Learning outcomes", True),
        ("cg-4430-03-handbook", "1.1 Qualification structure", True),
        ("cg-4430-03-handbook", "4.4 Recognition of prior learning (RPL)", True),
        ("cg-4430-03-handbook", "The learner can:", False),
        ("cg-4430-03-handbook", "1.3 use language that is clear and concise", False),
        ("cg-4430-03-handbook", "1 Use written or electronic communication effectively", False),
        # A structure table row: five ruled cells read back as one line, in order.
        ("cg-4430-03-handbook", "4430-303 Deal with customers in writing or electronically (A13) 3 6 40", False),
        # Legacy N/SVQ standards.
        ("cg-nsvq-l3-standards", "Unit 301 Understand customer service to improve", True),
        ("cg-nsvq-l3-standards", "9 The qualification structure and standards", True),
        ("cg-nsvq-l3-standards", "301.1 Use accepted customer service language and apply its principles", True),
        ("cg-nsvq-l3-standards", "Key words and phrases", True),
        ("cg-nsvq-l3-standards", "301.1.3 describe what effects the service offer may have on the service chain", False),
        ("cg-nsvq-l3-standards", "R/103/6284 301 Unit 7 Understand customer service to", False),
        ("cg-nsvq-l3-standards", "Level 3 N/SVQ in Customer Services 43", False),
        # OCR brochure.
        ("ocr-03454-brochure", "What is an NVQ?", True),
        ("ocr-03454-brochure", "F1 Communicating using customer service language", False),
    ],
)
def test_headings_are_bold_and_body_is_not(rendered, doc_id, text, bold):
    found = [line for line in _body(rendered(doc_id)) if line.text == text]
    assert found, f"no line reads {text!r}"
    assert {line.bold for line in found} == {bold}


def test_unit_heading_is_set_larger_than_its_page_body(rendered):
    lines = _body(rendered("cg-4430-03-handbook"))
    heading = next(line for line in lines if line.text == "Unit 303 Deal with customers in writing or")
    body = [line.size for line in lines if line.page == heading.page and not line.bold]
    assert body and heading.size > max(body)


# --- small PDFs with pdfplumber's traps ----------------------------------------------


def _canvas(path: Path) -> Canvas:
    register_fonts()
    return Canvas(str(path), pagesize=A4, invariant=1)


def test_fake_bold_reads_once(tmp_path):
    # Fake bold: the heading printed twice, 0.3 pt apart, as some handbook PDFs do.
    path = tmp_path / "fake-bold.pdf"
    canvas = _canvas(path)
    canvas.setFont(REGULAR, 12)
    for dx in (0.0, 0.3):
        canvas.drawString(72 + dx, 760, "Unit 301 Demonstrate understanding of customer service")
    canvas.setFont(REGULAR, 9)
    canvas.drawString(72, 740, "1.1 explain how their organisation builds a service offer")
    canvas.save()
    extraction = extract_file(path, "fake", path.name)
    assert [line.text for line in extraction.lines] == [
        "Unit 301 Demonstrate understanding of customer service",
        "1.1 explain how their organisation builds a service offer",
    ]
    assert extraction.issues == ()


def _offset_copies(path: Path) -> None:
    """A line printed three times over per row, offset across and around the 1 pt tolerance."""
    canvas = _canvas(path)
    canvas.setFont(REGULAR, 10)
    for n, (dx, dy) in enumerate([(0.3, 0), (0.99, 0), (1.0, 0), (1.5, 0), (0, 0.5), (0.3, 1.2), (0.6, 0.6)]):
        for k in range(3):
            canvas.drawString(72 + k * dx, 760 - 20 * n + k * dy, "Unit 301 customer service")
    canvas.save()


def test_offset_copies_read_once(tmp_path):
    # PDFium drops a text object that repeats the one before it nearby, even past
    # pdfplumber's 1 pt (which kept the 1.5 pt copies as "UUUnnniii...").
    path = tmp_path / "offsets.pdf"
    _offset_copies(path)
    assert [line.text for line in extract_file(path, "fake", path.name).lines] == ["Unit 301 customer service"] * 7


def test_fake_bold_removal_keeps_what_pdfplumber_dedupe_chars_keeps(tmp_path):
    # Copies that are not consecutive text objects reach our own removal: it must
    # keep what pdfplumber's dedupe_chars keeps, given the same characters.
    path = tmp_path / "offsets.pdf"
    _offset_copies(path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        glyphs = [Glyph(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["fontname"], c["size"], SPACE_SHARE * c["size"])
                  for c in page.chars]
        kept = [(c["text"], c["x0"], c["top"]) for c in page.dedupe_chars().chars]
    assert len(kept) < len(glyphs)
    assert [(g.text, g.x0, g.top) for g in without_fake_bold(glyphs)] == kept


# A line with two ligature glyphs of a Type3 font: <01> maps to "ff", <02> to "ffi".
LIGATURE_LINE = b"/F1 12 Tf (di) Tj /F2 12 Tf <01> Tj /F1 12 Tf (erent and e) Tj /F2 12 Tf <02> Tj /F1 12 Tf (cient) Tj"
LIGATURE_MAP = b"<01> <00660066>\n<02> <006600660069>"


def test_a_glyph_mapped_to_several_letters_yields_them_all(tmp_path):
    path = tmp_path / "ligatures.pdf"
    _pdf_with_unmapped_glyphs(path, b"BT 72 760 Td " + LIGATURE_LINE + b" ET", LIGATURE_MAP)
    extraction = extract_file(path, "lig", path.name)
    assert [line.text for line in extraction.lines] == ["different and efficient"]
    assert extraction.issues == ()


def test_fake_bold_removal_keeps_both_letters_of_a_ligature(tmp_path):
    # The line printed twice, 0.4 pt apart: one copy goes, and each ligature keeps its
    # "ff" (PDFium gives both "f"s one box; they are one glyph, not a repeat).
    path = tmp_path / "ligatures-bold.pdf"
    _pdf_with_unmapped_glyphs(path, b"BT 72 760 Td " + LIGATURE_LINE + b" ET\nBT 72.4 760 Td " + LIGATURE_LINE + b" ET",
                              LIGATURE_MAP)
    assert [line.text for line in extract_file(path, "lig", path.name).lines] == ["different and efficient"]


def _set_words(path: Path, size: float, words: list[tuple[str, float]]) -> None:
    """One line of words, each drawn alone (no space glyphs) after the gap (points) given with it."""
    canvas = _canvas(path)
    canvas.setFont(REGULAR, size)
    x = 72.0
    for word, gap in words:
        x += gap
        canvas.drawString(x, 760, word)
        x += pdfmetrics.stringWidth(word, REGULAR, size)
    canvas.save()


@pytest.mark.parametrize(("size", "words", "text"), [
    # Chromium's print: a word gap of 2.99 pt in 13.33-point text, no space glyph.
    (13.33, [("the", 0), ("demands", 2.99), ("of", 2.99), ("performance", 2.99)], "the demands of performance"),
    # Small type: a gap of 1.2 pt is still more than half its space (0.95 pt).
    (6.0, [("if", 0), ("any", 1.2), ("damage", 1.2)], "if any damage"),
    # Kerning and rounding inside a word: glyphs a few hundredths of an em apart.
    (13.33, [("perfor", 0), ("mance", 0.4), ("office", 3.5)], "performance office"),
    # Glyphs that abut read as one word, whatever objects print them.
    (9.0, [("Unit", 0), ("301", 0)], "Unit301"),
])
def test_words_are_parted_by_the_fonts_space_not_a_fixed_distance(tmp_path, size, words, text):
    path = tmp_path / "gaps.pdf"
    _set_words(path, size, words)
    assert [line.text for line in extract_file(path, "gaps", path.name).lines] == [text]


def test_documents_record_the_pdfs_producer_and_creator(tmp_path):
    root = tmp_path / "project"
    for folder in ("raw", "extracted", "mappings"):
        (root / folder).mkdir(parents=True)
    shutil.copy(ROOT / "mappings" / "overrides.csv", root / "mappings")
    canvas = _canvas(root / "raw" / "structure.pdf")
    canvas.setProducer("Handbook Press 4.2")
    canvas.setCreator("Unit Writer 9")
    canvas.setFont(REGULAR, 10)
    for n, text in enumerate(["Level 2 NVQ Certificate in Customer Service (4430-02)",
                              "4430-201 Understand customer service 2 5 40"]):
        canvas.drawString(72, 760 - 14 * n, text)
    canvas.save()
    shutil.copy(RAW / manifest()["ics-nos-page"].path, root / "raw" / "nos.txt")
    (root / "raw" / "manifest.toml").write_text(
        '[[document]]\ndoc_id = "structure"\npath = "structure.pdf"\npublisher = "City & Guilds"\nscheme = "cg-4430"\n'
        'title = "Structure"\n\n[[document]]\ndoc_id = "nos"\npath = "nos.txt"\npublisher = "ICS"\nscheme = "nos-2010"\n'
        'title = "NOS"\n', encoding="utf-8")
    runner.run(runner.Paths(root))
    rows = pq.read_table(root / "extracted" / "documents.parquet").to_pylist()
    assert [(r["doc_id"], r["pdf_producer"], r["pdf_creator"]) for r in rows] == [
        ("nos", None, None), ("structure", "Handbook Press 4.2", "Unit Writer 9"),
    ]


def test_ligatures_read_as_letters(tmp_path):
    path = tmp_path / "ligatures.pdf"
    canvas = _canvas(path)
    canvas.setFont(REGULAR, 10)
    canvas.drawString(72, 760, "\ufb01nance and cash \ufb02ow")  # the ﬁ and ﬂ ligature glyphs
    canvas.save()
    assert [line.text for line in extract_file(path, "lig", path.name).lines] == ["finance and cash flow"]


UNMAPPED_BETWEEN_WORDS = (
    b"BT /F1 12 Tf 72 760 Td (Total ) Tj /F2 12 Tf <0102> Tj /F1 12 Tf ( units) Tj ET\n"
    b"BT /F1 12 Tf 72 730 Td (Level ) Tj /F2 12 Tf <01> Tj /F1 12 Tf ( 3) Tj ET"
)


def _pdf_with_unmapped_glyphs(path: Path, content: bytes = UNMAPPED_BETWEEN_WORDS, to_unicode: bytes = b"") -> None:
    """A PDF by hand: Helvetica text (font /F1) around glyphs of a Type3 font (/F2) with no Unicode mapping.

    The Type3 glyphs are named /box (no Unicode name) and the font has no ToUnicode
    map, so pdfminer can only report them as "(cid:1)", "(cid:2)"; unless ``to_unicode``
    gives the font one (the body of a ToUnicode CMap's ``bfchar`` list).
    """
    glyph = b"600 0 0 0 500 700 d1 0 0 500 700 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 600 700] /FontMatrix [0.001 0 0 0.001 0 0]"
        b" /CharProcs << /box 7 0 R >> /Encoding << /Type /Encoding /Differences [1 /box /box] >>"
        b" /FirstChar 1 /LastChar 2 /Widths [600 600] /Resources << >>" + (b" /ToUnicode 8 0 R >>" if to_unicode else b" >>"),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(glyph), glyph),
    ]
    if to_unicode:
        cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Hand-UCS def /CMapType 2 def\n"
                b"1 begincodespacerange <00> <FF> endcodespacerange\n%d beginbfchar\n%s\nendbfchar\n"
                b"endcmap CMapName currentdict /CMap defineresource pop end end" % (to_unicode.count(b"\n") + 1, to_unicode))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def test_unmapped_glyphs_are_dropped_and_counted(tmp_path):
    path = tmp_path / "cid.pdf"
    _pdf_with_unmapped_glyphs(path)
    extraction = extract_file(path, "cid", path.name)
    assert [line.text.split() for line in extraction.lines] == [["Total", "units"], ["Level", "3"]]
    assert not any("(cid:" in line.text for line in extraction.lines)
    [issue] = extraction.issues
    assert (issue.doc_id, issue.page, issue.severity, issue.code) == ("cid", 1, "warning", "pdf-unmapped-glyph")
    assert issue.message.startswith("3 glyph(s)")


def test_unmapped_glyphs_leave_single_spaces(tmp_path):
    path = tmp_path / "cid.pdf"
    _pdf_with_unmapped_glyphs(path)
    assert [line.text for line in extract_file(path, "cid", path.name).lines] == ["Total units", "Level 3"]


def test_unmapped_glyphs_do_not_decide_the_font(tmp_path):
    # pdfplumber lists a "(cid:1)" char seven times, once per letter of its text.
    path = tmp_path / "cid.pdf"
    _pdf_with_unmapped_glyphs(path)
    assert {line.font for line in extract_file(path, "cid", path.name).lines} == {"Helvetica"}


def test_a_line_of_unmapped_glyphs_only_is_dropped_but_counted(tmp_path):
    path = tmp_path / "cid.pdf"
    _pdf_with_unmapped_glyphs(path, (
        b"BT /F1 12 Tf 72 760 Td (Unit 301) Tj ET\n"
        b"BT /F2 12 Tf 72 730 Td <010201> Tj ET\n"
        b"BT /F1 12 Tf 72 700 Td (Outcome 1) Tj ET"
    ))
    extraction = extract_file(path, "cid", path.name)
    assert [(line.line, line.text, line.font) for line in extraction.lines] == [
        (1, "Unit 301", "Helvetica"), (2, "Outcome 1", "Helvetica"),
    ]
    [issue] = extraction.issues
    assert issue.message.startswith("3 glyph(s)")


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(os.urandom(4096), id="random-bytes"),
        pytest.param(b"", id="empty"),
        pytest.param(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", id="truncated"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_a_document_error(tmp_path, content):
    path = tmp_path / "handbook.pdf"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as raised:
        extract_file(path, "broken", "raw/handbook.pdf")
    assert str(raised.value).startswith("raw/handbook.pdf: ")
