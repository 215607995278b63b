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
# A stroke that strays less than this (points) from the horizontal or vertical is straight.
_STRAIGHT = 0.5


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
    """A horizontal or vertical stroke: a ruled line, or one edge of a drawn box."""

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
    """The straight horizontal and vertical strokes of the page's paths (lines, box edges)."""
    rulings: list[Ruling] = []
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    for path in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        if not pdfium_c.FPDFPageObj_GetMatrix(path.raw, matrix):
            continue
        points: list[tuple[float, float]] = []  # the current subpath, in page coordinates
        for index in range(pdfium_c.FPDFPath_CountSegments(path.raw)):
            segment = pdfium_c.FPDFPath_GetPathSegment(path.raw, index)
            pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
            point = (matrix.a * x.value + matrix.c * y.value + matrix.e,
                     height - (matrix.b * x.value + matrix.d * y.value + matrix.f))
            kind = pdfium_c.FPDFPathSegment_GetType(segment)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not points:
                points = [point]
                continue
            if kind == pdfium_c.FPDF_SEGMENT_LINETO:
                rulings += _straight(points[-1], point)
            points.append(point)
            if pdfium_c.FPDFPathSegment_GetClose(segment):
                rulings += _straight(point, points[0])
    return rulings


def _straight(start: tuple[float, float], end: tuple[float, float]) -> list[Ruling]:
    """The stroke from ``start`` to ``end`` as a ruling, if it is horizontal or vertical."""
    (x0, y0), (x1, y1) = sorted((start, end))
    if abs(y1 - y0) <= _STRAIGHT and x1 - x0 > _STRAIGHT:
        return [Ruling(True, x0, x1, min(y0, y1), max(y0, y1))]
    if abs(x1 - x0) <= _STRAIGHT and abs(y1 - y0) > _STRAIGHT:
        return [Ruling(False, x0, x1, min(y0, y1), max(y0, y1))]
    return []


def read_page(page: pdfium.PdfPage) -> PageContent:
    """The glyphs and rulings of one page."""
    height = page.get_height()
    glyphs, unmapped = _glyphs(page, height)
    return PageContent(tuple(glyphs), tuple(_rulings(page, height)), unmapped)
