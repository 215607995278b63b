"""The glyphs and ruling lines of one PDF page, read through PDFium (pypdfium2)."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# pdfplumber's table of ligature glyphs, so "ﬁnance" reads "finance" as it did there.
from pdfplumber.utils.text import LIGATURES

_NEWLINES = {0x0A, 0x0D}
_SPACE = 0x20
# PDFium reports a hyphen that ends a line as U+0002; it is printed as "-".
_LINE_END_HYPHEN = 0x02
# A path this thin (points) in one direction is a ruling line, not a shape.
RULING_THICKNESS = 2.0


@dataclass(frozen=True, slots=True)
class Glyph:
    """One printed character: its text, box (top-down page coordinates) and font."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    font: str | None
    size: float


@dataclass(frozen=True, slots=True)
class Ruling:
    """A horizontal or vertical ruling line (a thin path, or one edge of a drawn box)."""

    horizontal: bool
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class PageContent:
    """What one page prints: its glyphs in content order, its rulings, and the unmapped glyphs it dropped."""

    glyphs: tuple[Glyph, ...]
    rulings: tuple[Ruling, ...]
    unmapped: int


def _font_name(text_object, buffer: ctypes.Array) -> str | None:
    font = pdfium_c.FPDFTextObj_GetFont(text_object)
    if not font or not pdfium_c.FPDFFont_GetBaseFontName(font, buffer, len(buffer)):
        return None
    # Subset fonts are named "ABCDEF+Arial-BoldMT"; the prefix says nothing about the face.
    return buffer.value.decode("utf-8", "replace").split("+", 1)[-1] or None


def _glyphs(page: pdfium.PdfPage, height: float) -> tuple[list[Glyph], int]:
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        box = pdfium_c.FS_RECTF()
        buffer = ctypes.create_string_buffer(256)
        glyphs: list[Glyph] = []
        unmapped = 0
        current, font, size = None, None, 0.0
        for index in range(pdfium_c.FPDFText_CountChars(raw)):
            code = pdfium_c.FPDFText_GetUnicode(raw, index)
            if code in _NEWLINES:
                continue
            # PDFium adds spaces of its own; words are parted by positions instead, as
            # pdfplumber did (only spaces and line breaks are ever generated).
            if code == _SPACE and pdfium_c.FPDFText_IsGenerated(raw, index):
                continue
            if pdfium_c.FPDFText_HasUnicodeMapError(raw, index):
                unmapped += 1  # a glyph whose font has no Unicode mapping: unknowable
                continue
            # Font and size are looked up once per text object, not once per glyph.
            text_object = pdfium_c.FPDFText_GetTextObject(raw, index)
            address = ctypes.cast(text_object, ctypes.c_void_p).value
            if address != current:
                current = address
                font = _font_name(text_object, buffer)
                size = round(pdfium_c.FPDFText_GetFontSize(raw, index), 2)
            # The loose box spans the advance width and the font's ascent and descent,
            # as pdfminer's character boxes do.
            pdfium_c.FPDFText_GetLooseCharBox(raw, index, box)
            char = "-" if code == _LINE_END_HYPHEN else chr(code)
            glyphs.append(Glyph(LIGATURES.get(char, char), box.left, box.right, height - box.top, height - box.bottom, font, size))
        return glyphs, unmapped
    finally:
        textpage.close()


def _rulings(page: pdfium.PdfPage, height: float) -> list[Ruling]:
    rulings: list[Ruling] = []
    for path in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        left, bottom, right, top = path.get_bounds()
        x0, x1, y0, y1 = left, right, height - top, height - bottom
        if y1 - y0 <= RULING_THICKNESS and x1 - x0 > RULING_THICKNESS:
            rulings.append(Ruling(True, x0, x1, y0, y1))
        elif x1 - x0 <= RULING_THICKNESS and y1 - y0 > RULING_THICKNESS:
            rulings.append(Ruling(False, x0, x1, y0, y1))
        elif x1 - x0 > RULING_THICKNESS and y1 - y0 > RULING_THICKNESS:
            # A drawn box (a ruled cell): its four edges are rulings.
            rulings += [
                Ruling(True, x0, x1, y0, y0), Ruling(True, x0, x1, y1, y1),
                Ruling(False, x0, x0, y0, y1), Ruling(False, x1, x1, y0, y1),
            ]
    return rulings


def read_page(page: pdfium.PdfPage) -> PageContent:
    """The glyphs and rulings of one page."""
    height = page.get_height()
    glyphs, unmapped = _glyphs(page, height)
    return PageContent(tuple(glyphs), tuple(_rulings(page, height)), unmapped)
