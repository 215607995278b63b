"""PDF handbooks through PDFium: one line per text line, with font, size and a bold flag.

A long PDF can be read in page ranges (one per worker) and the parts joined: a
range first lays out the page before it, so that a table continued from that page
reads its repeated header row once, as a whole-document read does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.core.errors import DocumentError, Location
from pipeline.core.records import Issue, Line
from pipeline.extract import Extraction
from pipeline.extract.glyphs import read_rulings, read_text
from pipeline.extract.layout import LaidOutPage, page_lines, ruled_tables
from pipeline.extract.lines import font_of
from pipeline.extract.wordsplit import check_word_split

MEDIA_TYPE = "application/pdf"


def read_pdf(path: Path, doc_id: str, shown: str) -> Extraction:
    """Read a PDF into lines; ``line`` counts from 1 on each page."""
    return join_parts([read_pdf_pages(path, doc_id, shown)], doc_id, shown)


def read_pdf_pages(path: Path, doc_id: str, shown: str, first: int = 0, stop: int | None = None) -> Extraction:
    """Read pages ``first`` to ``stop`` (0-based, ``stop`` excluded; None: to the end) into lines.

    The part's ``pages`` is the document's page count; ``join_parts`` makes the whole.
    """
    lines: list[Line] = []
    issues: list[Issue] = []
    pdf = _open(path, shown)
    try:
        producer, creator = (_metadata(pdf, key) for key in ("Producer", "Creator"))
        pages = len(pdf)
        stop = pages if stop is None else min(stop, pages)
        # The first row of the table the page before ended with.
        last_head = _table_head(_laid_out(pdf, first - 1, shown, None)[0]) if first > 0 else None
        for index in range(first, stop):
            number = index + 1
            laid_out, unmapped = _laid_out(pdf, index, shown, last_head)
            last_head = _table_head(laid_out)
            for line_no, found in enumerate(laid_out.lines, 1):
                font, size, bold = font_of(found.glyphs)
                lines.append(Line(page=number, line=line_no, text=found.text, font=font, size=size, bold=bold))
            if unmapped:
                issues.append(
                    Issue(doc_id, number, None, "warning", "pdf-unmapped-glyph",
                          f"{unmapped} glyph(s) with no text mapping (cid) dropped on page {number}")
                )
    finally:
        pdf.close()
    return Extraction(MEDIA_TYPE, pages, tuple(lines), tuple(issues), producer, creator)


def join_parts(parts: Sequence[Extraction], doc_id: str, shown: str) -> Extraction:
    """The whole document from its page ranges, in page order, with the word-split check run on the whole."""
    pages = parts[0].pages if parts else 0
    lines = tuple(line for part in parts for line in part.lines)
    if pages and not lines:
        raise DocumentError("the PDF has no extractable text (scanned images?)", Location(shown))
    issues = [issue for part in parts for issue in part.issues] + check_word_split(lines, doc_id)
    producer, creator = (parts[0].pdf_producer, parts[0].pdf_creator) if parts else (None, None)
    return Extraction(MEDIA_TYPE, pages, lines, tuple(issues), producer, creator)


def page_count(path: Path) -> int | None:
    """The page count from the PDF's page tree, without reading any page; None if PDFium cannot open it."""
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return None  # the reader explains what is wrong with it
    try:
        return len(document)
    finally:
        document.close()


def _metadata(pdf: pdfium.PdfDocument, key: str) -> str | None:
    """One entry of the PDF's document information (``Producer``, ``Creator``), None when it has none."""
    return pdf.get_metadata_value(key).strip("\x00 \t\r\n") or None


def _open(path: Path, shown: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise DocumentError(f"not a readable PDF: {exc}", Location(shown)) from exc


def _laid_out(pdf: pdfium.PdfDocument, index: int, shown: str, repeated_head: str | None) -> tuple[LaidOutPage, int]:
    """One page's lines and its count of glyphs with no text mapping; the page is closed at once, since PDFium
    keeps a parsed page until it is.

    The page is read in runs of text, each asked for its ends' boxes only, and again
    word by word where its layout needs the words' own boxes (``LaidOutPage.tangled``).
    """
    try:
        page = pdf[index]
        try:
            tables = ruled_tables(read_rulings(page))
            text = read_text(page, by_word=bool(tables))
            laid_out = page_lines(text, tables, repeated_head)
            if laid_out.tangled:
                text = read_text(page, by_word=True)
                laid_out = page_lines(text, tables, repeated_head)
        finally:
            page.close()
    except pdfium.PdfiumError as exc:
        raise DocumentError(f"unreadable page: {exc}", Location(shown, index + 1)) from exc
    return laid_out, text.unmapped


def _table_head(laid_out: LaidOutPage) -> str | None:
    return laid_out.table_heads[-1] if laid_out.table_heads else None
