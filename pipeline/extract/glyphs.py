"""The glyphs and ruling lines of one PDF page, read through PDFium (pypdfium2)."""

from __future__ import annotations

import ctypes
import math
import operator
import re
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# pdfplumber's table of ligature glyphs, so "ﬁnance" reads "finance" as it did there.
from pdfplumber.utils.text import LIGATURES

_SPACE = 0x20
# PDFium reports a hyphen that ends a line as U+0002 (one character's Unicode) or U+FFFE
# (the page's text); it is printed as "-".
_LINE_END_HYPHENS = (0x02, 0xFFFE)
# A stroke that strays less than this (points) from the horizontal or vertical is straight.
_STRAIGHT = 0.5
# PDFium's loose boxes of tall glyphs ("l", "f") reach a hair above the others' on one
# baseline (about a thousandth of an em); a raised or lowered word moves by a third of one.
# Ends of a run whose tops or bottoms differ by more than this share of the type size are
# not on one baseline.
BASELINE_SHARE = 0.05
# A space is about this share of the type size in text faces (Helvetica .28, DejaVu .32):
# the space of a font that maps none, or whose width PDFium cannot give.
SPACE_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class Glyph:
    """A run of printed glyphs of one font and size on one line: its text, box (top-down page coordinates) and font.

    ``text`` is every character the run maps to: one word or printed space where the
    page is read word by word, else the words and printed spaces of one text object
    up to a word break that PDFium generated (a ligature's "ff" or "ffi" is two or
    three letters). ``space`` is the width of a space in its font at its size, and
    ``spaced`` says that PDFium found a word break before it (a space it generated
    where the PDF prints none). ``last_x0`` is the left of its last character, which
    no word of the run starts right of.
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
    last_x0: float = -math.inf


@dataclass(frozen=True, slots=True)
class Ruling:
    """A horizontal or vertical stroke: a ruled line, or one edge of a drawn box."""

    horizontal: bool
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class PageText:
    """What one page prints as text: its glyph runs in content order, whether they were read word by word, and the
    count of unmapped glyphs it dropped."""

    glyphs: tuple[Glyph, ...]
    by_word: bool
    unmapped: int


def _prototype(function: Any, restype: Any, *argtypes: Any) -> Any:
    """The same PDFium function called with other ctypes types: handles as plain addresses, which compare cheaply."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value or 0)


_text_object = _prototype(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_object_font = _prototype(pdfium_c.FPDFTextObj_GetFont, ctypes.c_void_p, ctypes.c_void_p)
_font_base_name = _prototype(pdfium_c.FPDFFont_GetBaseFontName, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_char_p,
                             ctypes.c_ulong)
_get_text = _prototype(pdfium_c.FPDFText_GetText, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                       ctypes.c_char_p)
_get_unicode = _prototype(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, ctypes.c_void_p, ctypes.c_int)
_map_error = _prototype(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
_font_size = _prototype(pdfium_c.FPDFText_GetFontSize, ctypes.c_double, ctypes.c_void_p, ctypes.c_int)
_loose_box = _prototype(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
_glyph_width = _prototype(pdfium_c.FPDFFont_GetGlyphWidth, ctypes.c_int, ctypes.c_void_p, ctypes.c_uint, ctypes.c_float,
                          ctypes.POINTER(ctypes.c_float))

_count_objects = _prototype(pdfium_c.FPDFPage_CountObjects, ctypes.c_int, ctypes.c_void_p)
_page_object = _prototype(pdfium_c.FPDFPage_GetObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_count_form_objects = _prototype(pdfium_c.FPDFFormObj_CountObjects, ctypes.c_int, ctypes.c_void_p)
_form_object = _prototype(pdfium_c.FPDFFormObj_GetObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong)
_object_type = _prototype(pdfium_c.FPDFPageObj_GetType, ctypes.c_int, ctypes.c_void_p)
_object_matrix = _prototype(pdfium_c.FPDFPageObj_GetMatrix, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_count_segments = _prototype(pdfium_c.FPDFPath_CountSegments, ctypes.c_int, ctypes.c_void_p)
_path_segment = _prototype(pdfium_c.FPDFPath_GetPathSegment, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_segment_point = _prototype(pdfium_c.FPDFPathSegment_GetPoint, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p,
                            ctypes.c_void_p)
_segment_type = _prototype(pdfium_c.FPDFPathSegment_GetType, ctypes.c_int, ctypes.c_void_p)
_segment_close = _prototype(pdfium_c.FPDFPathSegment_GetClose, ctypes.c_int, ctypes.c_void_p)


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


# A word or a printed space of a run.
_WORD = re.compile(r"[^ ]+| ")
# A space of the page's text, printed or generated.
_SPACES = re.compile(" ")
# A line of the page's text: PDFium ends each with a line break.
_LINE = re.compile(r"[^\r\n]+")
# Ligature glyphs read as their letters, and a line-end hyphen as "-".
_READABLE = str.maketrans({**{ord(k): v for k, v in LIGATURES.items()}, **dict.fromkeys(_LINE_END_HYPHENS, "-")})


class _TextPage:
    """One page's characters through PDFium: their text at once, and a character's box or text object on demand."""

    def __init__(self, raw: Any, fonts: _Fonts) -> None:
        self.raw = ctypes.cast(raw, ctypes.c_void_p).value
        self.fonts = fonts
        self.box = pdfium_c.FS_RECTF()
        self.box_ref = ctypes.addressof(self.box)
        self.objects: dict[int, tuple[str | None, float, float, int]] = {}  # text object -> font, size, space, font handle
        self.mapped: dict[int, set[str]] = {}  # font handle -> the characters it maps
        self.unmappable: dict[int, set[str]] = {}  # font handle -> the characters it maps to no text

    def text(self, count: int) -> str:
        """Every character of the page, one per index (PDFium's generated spaces and line breaks too)."""
        buffer = ctypes.create_string_buffer(2 * (count + 1))
        written = _get_text(self.raw, 0, count, buffer) - 1  # less the terminating NUL
        text = buffer.raw[:2 * max(written, 0)].decode("utf-16-le", "replace")
        if len(text) == count:
            return text
        # The page's text leaves out glyphs with no Unicode mapping, and a character outside the Basic
        # Multilingual Plane takes two UTF-16 units: one character at a time, then.
        return "".join(chr(_get_unicode(self.raw, index)) for index in range(count))

    def font(self, text_object: int, index: int) -> tuple[str | None, float, float, int]:
        """The font name, size, space width and font handle of a text object, looked up once each."""
        found = self.objects.get(text_object)
        if found is None:
            handle = _object_font(text_object) or 0
            size = round(_font_size(self.raw, index), 2)
            found = self.objects[text_object] = (self.fonts.name(handle), size, self.fonts.space(handle, size), handle)
        return found

    def unmapped(self, handle: int, text: str, first: int) -> list[int]:
        """The indexes of the characters of ``text`` (from index ``first``) whose glyphs the font maps to no text;
        PDFium is asked once per font and character, at its first place."""
        known = self.mapped.setdefault(handle, set())
        if known.issuperset(text):
            return []
        unknowable = self.unmappable.setdefault(handle, set())
        for char in set(text) - known - unknowable:
            (unknowable if _map_error(self.raw, first + text.index(char)) else known).add(char)
        if unknowable.isdisjoint(text):
            return []
        return [index for index, char in enumerate(text, first) if char in unknowable]

    def runs(self, start: int, stop: int, first: int) -> list[tuple[int, int, int]]:
        """Characters ``start`` to ``stop`` as (first, stop, text object) runs, ``first`` the text object of
        ``start``: a text object's characters are consecutive, so only a run's ends are asked for theirs, and a
        boundary is found by halving."""
        last = first if stop - start == 1 else _text_object(self.raw, stop - 1)
        runs = []
        while first != last:
            low, high = start, stop - 1  # low is in ``first``'s object, high is not
            while high - low > 1:
                middle = (low + high) // 2
                if _text_object(self.raw, middle) == first:
                    low = middle
                else:
                    high = middle
            runs.append((start, high, first))
            start, first = high, _text_object(self.raw, high)
        runs.append((start, stop, first))
        return runs

    def edges(self, first: int, last: int) -> tuple[float, float, float, float, float]:
        """The left of character ``first``'s loose box, the right of ``last``'s, their top and bottom, and the left
        of ``last``'s (PDF coordinates). The loose box spans the advance width and the font's ascent and descent,
        as pdfminer's character boxes do."""
        box = self.box
        _loose_box(self.raw, last, self.box_ref)
        last_x0, right = box.left, box.right
        if first != last:
            _loose_box(self.raw, first, self.box_ref)
        return box.left, right, box.top, box.bottom, last_x0


class _Runs:
    """The glyph runs of one page in content order, collected as its text is walked line by line."""

    def __init__(self, chars: _TextPage, text: str, height: float, by_word: bool) -> None:
        self.chars, self.text, self.height, self.by_word = chars, text, height, by_word
        self.glyphs: list[Glyph] = []
        self.unmapped = 0
        self.spaced = False  # PDFium found a word break before the next glyph

    def stretch(self, start: int, stop: int) -> None:
        """Characters ``start`` to ``stop`` of one line, with no space that PDFium generated among them, as runs of
        one text object each, less the glyphs with no Unicode mapping."""
        chars, text = self.chars, self.text
        for first, end, text_object in chars.runs(start, stop, _text_object(chars.raw, start)):
            font, size, space, handle = chars.font(text_object, first)
            # A glyph whose font has no Unicode mapping is unknowable: dropped, and counted.
            cut = chars.unmapped(handle, text[first:end], first)
            self.unmapped += len(cut)
            for a, b in zip([first - 1, *cut], [*cut, end]) if cut else ((first - 1, end),):
                if b > a + 1:
                    self.run(a + 1, b, font, size, space)

    def run(self, start: int, stop: int, font: str | None, size: float, space: float) -> None:
        """Characters ``start`` to ``stop`` of one text object as one glyph, asking PDFium for its ends' boxes only.

        Read word by word instead (each word and printed space a glyph with its own box)
        where the page is read so, or where the run's ends do not share a baseline (a
        raised word in it) or the run goes leftwards.
        """
        chars, text, height, glyphs = self.chars, self.text, self.height, self.glyphs
        raw, box, box_ref = chars.raw, chars.box, chars.box_ref
        if not self.by_word:
            _loose_box(raw, stop - 1, box_ref)
            last_x0, right, top, bottom = box.left, box.right, box.top, box.bottom
            if stop - start > 1:
                _loose_box(raw, start, box_ref)
            tolerance = BASELINE_SHARE * size
            if abs(box.top - top) <= tolerance and abs(box.bottom - bottom) <= tolerance and last_x0 >= box.left:
                glyphs.append(Glyph(text[start:stop].translate(_READABLE), box.left, right, height - box.top,
                                    height - box.bottom, font, size, space, self.spaced, last_x0))
                self.spaced = False
                return
        for word in _WORD.finditer(text, start, stop):
            x0, x1, top, bottom, last_x0 = chars.edges(word.start(), word.end() - 1)
            glyphs.append(Glyph(word.group().translate(_READABLE), x0, x1, height - top, height - bottom,
                                font, size, space, self.spaced, last_x0))
            self.spaced = False


def read_text(page: pdfium.PdfPage, by_word: bool) -> PageText:
    """The page's text as glyph runs, or ``by_word`` as its words and printed spaces.

    A run is what one text object prints on one line up to a space that PDFium
    generated (where the PDF prints none: a word gap that ``lines`` weighs by its
    width), so a line of text costs PDFium a call for each space and two for each run.
    """
    textpage = page.get_textpage()
    try:
        chars = _TextPage(textpage.raw, _Fonts())
        text = chars.text(pdfium_c.FPDFText_CountChars(textpage.raw))
        runs = _Runs(chars, text, page.get_height(), by_word)
        # A character of no text object is one PDFium generated: a space where the PDF prints none parts runs.
        raw = chars.raw
        spaces = [space.start() for space in _SPACES.finditer(text)]
        generated = compress(spaces, map(operator.not_, map(_text_object, repeat(raw), spaces)))
        cut = next(generated, len(text))
        for line in _LINE.finditer(text):
            start, stop = line.span()
            while cut < stop:
                if cut > start:
                    runs.stretch(start, cut)
                runs.spaced, start, cut = True, cut + 1, next(generated, len(text))
            if stop > start:
                runs.stretch(start, stop)
        return PageText(tuple(runs.glyphs), by_word, runs.unmapped)
    finally:
        textpage.close()


def _paths(page: Any) -> list[int]:
    """The path objects of a page, and of the forms (XObjects) it draws, though not of forms within those."""
    paths = []
    handle = ctypes.cast(page, ctypes.c_void_p).value
    for index in range(_count_objects(handle)):
        found = _page_object(handle, index)
        kind = _object_type(found)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths.append(found)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            children = (_form_object(found, child) for child in range(_count_form_objects(found)))
            paths += [child for child in children if _object_type(child) == pdfium_c.FPDF_PAGEOBJ_PATH]
    return paths


def _rulings(page: pdfium.PdfPage, height: float) -> list[Ruling]:
    """The straight horizontal and vertical strokes of the page's paths (lines, box edges)."""
    rulings: list[Ruling] = []
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    matrix_ref, x_ref, y_ref = ctypes.addressof(matrix), ctypes.addressof(x), ctypes.addressof(y)
    for path in _paths(page.raw):
        if not _object_matrix(path, matrix_ref):
            continue
        points: list[tuple[float, float]] = []  # the current subpath, in page coordinates
        for index in range(_count_segments(path)):
            segment = _path_segment(path, index)
            _segment_point(segment, x_ref, y_ref)
            point = (matrix.a * x.value + matrix.c * y.value + matrix.e,
                     height - (matrix.b * x.value + matrix.d * y.value + matrix.f))
            kind = _segment_type(segment)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not points:
                points = [point]
                continue
            if kind == pdfium_c.FPDF_SEGMENT_LINETO:
                rulings += _straight(points[-1], point)
            points.append(point)
            if _segment_close(segment):
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


def read_rulings(page: pdfium.PdfPage) -> tuple[Ruling, ...]:
    """The page's rulings: the straight horizontal and vertical strokes of its paths."""
    return tuple(_rulings(page, page.get_height()))
