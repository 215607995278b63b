"""PDF handbooks through pdfplumber: one line per text line, with font, size and a bold flag."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from statistics import median

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.errors import DocumentError, Location
from pipeline.extract import Extraction
from pipeline.records import Issue, Line

# pdfminer writes "(cid:NN)" for a glyph whose font has no Unicode mapping: the
# character is unknowable, so it is dropped from the text and counted per page.
_CID = re.compile(r"\(cid:\d+\)")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


def _font_of(chars: list[dict]) -> tuple[str | None, float | None, bool | None]:
    """The dominant font of a line's characters, their median size and whether it is bold."""
    fonts = Counter(c.get("fontname") for c in chars if not c["text"].isspace())
    if not fonts:
        return None, None, None
    font = fonts.most_common(1)[0][0]
    # Subset fonts are named "ABCDEF+Arial-BoldMT"; the prefix says nothing about the face.
    name = font.split("+", 1)[-1] if font else None
    size = round(median(c["size"] for c in chars), 2)
    return name, size, bool(name and _BOLD_FONT.search(name))


def read_pdf(path: Path, doc_id: str, shown: str) -> Extraction:
    """Read a PDF into lines; ``line`` counts from 1 on each page."""
    lines: list[Line] = []
    issues: list[Issue] = []
    try:
        pdf = pdfplumber.open(path)
    except (PdfminerException, PDFSyntaxError, ValueError) as exc:
        raise DocumentError(f"not a readable PDF: {exc}", Location(shown)) from exc
    with pdf:
        for page in pdf.pages:
            # Fake bold is drawn by printing each glyph twice, slightly offset;
            # dedupe_chars keeps one, so "UUnniitt" reads "Unit".
            page_lines = page.dedupe_chars().extract_text_lines(strip=True, return_chars=True, expand_ligatures=True)
            unmapped = 0
            for number, found in enumerate(page_lines, start=1):
                text, count = _CID.subn("", found["text"])
                unmapped += count
                font, size, bold = _font_of(found["chars"])
                lines.append(Line(page=page.page_number, line=number, text=text, font=font, size=size, bold=bold))
            if unmapped:
                issues.append(
                    Issue(doc_id, page.page_number, None, "warning", "pdf-unmapped-glyph",
                          f"{unmapped} glyph(s) with no text mapping (cid) dropped on page {page.page_number}")
                )
        pages = len(pdf.pages)
    if pages and not any(line.text.strip() for line in lines):
        raise DocumentError("the PDF has no extractable text (scanned images?)", Location(shown))
    return Extraction("application/pdf", pages, tuple(lines), tuple(issues))
