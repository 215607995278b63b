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
# A space is about this share of the type size in text faces (Helvetica .28, DejaVu .32):
# the space of a font that maps none, or whose width PDFium cannot give.
SPACE_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class Glyph:
    """One printed glyph: its text, box (top-down page coordinates) and font.

    ``text`` is every character the glyph maps to (a ligature's "ff" or "ffi"); ``space``
    is the width of a space in its font at its size, and ``spaced`` says that PDFium
    found a word break before it (a space it generated where the PDF prints none).
    """

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    font: str | None
    size: float
    space: float
    spaced: bool = False


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


def _prototype(function, restype, *argtypes):
    """The same PDFium function called with other ctypes types: handles as plain addresses, which compare cheaply."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_text_object = _prototype(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_object_font = _prototype(pdfium_c.FPDFTextObj_GetFont, ctypes.c_void_p, ctypes.c_void_p)
_font_base_name = _prototype(pdfium_c.FPDFFont_GetBaseFontName, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_char_p,
                             ctypes.c_ulong)
_glyph_width = _prototype(pdfium_c.FPDFFont_GetGlyphWidth, ctypes.c_int, ctypes.c_void_p, ctypes.c_uint, ctypes.c_float,
                          ctypes.POINTER(ctypes.c_float))


class _Fonts:
    """Each font's name and its space's width at a size, looked up once per page."""

    def __init__(self) -> None:
        self.buffer = ctypes.create_string_buffer(256)
        self.width = ctypes.c_float()
        self.names: dict[int | None, str | None] = {}
        self.spaces: dict[tuple[int | None, float], float] = {}

    def name(self, font: int | None) -> str | None:
        """The font's base name, without a subset prefix."""
        if font not in self.names:
            found = _font_base_name(font, self.buffer, len(self.buffer)) if font else 0
            # Subset fonts are named "ABCDEF+Arial-BoldMT"; the prefix says nothing about the face.
            self.names[font] = (self.buffer.value.decode("utf-8", "replace").split("+", 1)[-1] or None) if found else None
        return self.names[font]

    def space(self, font: int | None, size: float) -> float:
        """The advance of the font's space at ``size`` (points), or an estimate from the size where it has none."""
        key = (font, size)
        if key not in self.spaces:
            # PDFium looks the space up through the font's Unicode map; a font without one
            # answers nothing, or a CID font's default width (a whole em, never a space).
            found = font and _glyph_width(font, _SPACE, size, ctypes.byref(self.width))
            width = self.width.value if found else 0.0
            self.spaces[key] = width if 0 < width < size else SPACE_SHARE * size
        return self.spaces[key]


def _glyphs(page: pdfium.PdfPage, height: float) -> tuple[list[Glyph], int]:
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        box = pdfium_c.FS_RECTF()
        x, y = ctypes.c_double(), ctypes.c_double()
        fonts = _Fonts()
        glyphs: list[Glyph] = []
        unmapped = 0
        current, font, size, space = None, None, 0.0, 0.0
        last_code, last_index = None, 0
        spaced = False
        for index in range(pdfium_c.FPDFText_CountChars(raw)):
            code = pdfium_c.FPDFText_GetUnicode(raw, index)
            if code in _NEWLINES:
                continue
            # PDFium adds a space where it sees a word break that the PDF prints no space for
            # (only spaces and line breaks are ever generated): evidence for the next glyph.
            if code == _SPACE and pdfium_c.FPDFText_IsGenerated(raw, index):
                spaced = True
                continue
            if pdfium_c.FPDFText_HasUnicodeMapError(raw, index):
                unmapped += 1  # a glyph whose font has no Unicode mapping: unknowable
                continue
            # Font and size are looked up once per text object, not once per glyph.
            text_object = _text_object(raw, index)
            if text_object != current:
                current, last_code = text_object, None
                handle = _object_font(text_object)
                font = fonts.name(handle)
                size = round(pdfium_c.FPDFText_GetFontSize(raw, index), 2)
                space = fonts.space(handle, size)
            # The loose box spans the advance width and the font's ascent and descent,
            # as pdfminer's character boxes do.
            pdfium_c.FPDFText_GetLooseCharBox(raw, index, box)
            char = "-" if code == _LINE_END_HYPHEN else chr(code)
            if code == last_code:
                # A glyph whose Unicode mapping is several characters (a ligature's "ff")
                # comes as one character each, all at the origin of the one glyph; they stay
                # one glyph, so the fake-bold filter cannot take its second "f" for a copy.
                # Only a repeated character needs the (costly) origins compared.
                pdfium_c.FPDFText_GetCharOrigin(raw, last_index, x, y)
                before = (x.value, y.value)
                pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y)
                if (x.value, y.value) == before:
                    last = glyphs[-1]
                    glyphs[-1] = Glyph(last.text + char, last.x0, max(last.x1, box.right), last.top, last.bottom,
                                       font, size, space, last.spaced)
                    last_index = index
                    continue
            last_code, last_index = code, index
            glyphs.append(Glyph(LIGATURES.get(char, char), box.left, box.right, height - box.top, height - box.bottom,
                                font, size, space, spaced))
            spaced = False
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
