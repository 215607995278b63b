"""PDF handbooks through PDFium: one line per text line, with font, size and a bold flag."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from pipeline.errors import DocumentError, Location
from pipeline.extract import Extraction
from pipeline.extract.glyphs import read_page
from pipeline.extract.layout import page_lines
from pipeline.extract.lines import font_of
from pipeline.records import Issue, Line


def read_pdf(path: Path, doc_id: str, shown: str) -> Extraction:
    """Read a PDF into lines; ``line`` counts from 1 on each page."""
    lines: list[Line] = []
    issues: list[Issue] = []
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise DocumentError(f"not a readable PDF: {exc}", Location(shown)) from exc
    try:
        pages = len(pdf)
        last_head: str | None = None  # the first row of the table the page before ended with
        for index in range(pages):
            number = index + 1
            try:
                page = pdf[index]
                try:
                    content = read_page(page)
                finally:
                    page.close()  # PDFium keeps a parsed page until it is closed
            except pdfium.PdfiumError as exc:
                raise DocumentError(f"unreadable page: {exc}", Location(shown, number)) from exc
            laid_out = page_lines(content, last_head)
            last_head = laid_out.table_heads[-1] if laid_out.table_heads else None
            for line_no, found in enumerate(laid_out.lines, 1):
                font, size, bold = font_of(found.glyphs)
                lines.append(Line(page=number, line=line_no, text=found.text, font=font, size=size, bold=bold))
            if content.unmapped:
                issues.append(
                    Issue(doc_id, number, None, "warning", "pdf-unmapped-glyph",
                          f"{content.unmapped} glyph(s) with no text mapping (cid) dropped on page {number}")
                )
    finally:
        pdf.close()
    if pages and not lines:
        raise DocumentError("the PDF has no extractable text (scanned images?)", Location(shown))
    return Extraction("application/pdf", pages, tuple(lines), tuple(issues))
