"""Render a text handbook as a realistic A4 PDF, so the PDF path is tested on the real corpus.

Each page that ``pipeline.extract.txt`` recovers from the text becomes one PDF page
(continued on the next PDF page only if it cannot fit even in a smaller type). The
words of every line are kept exactly; the render adds only a running header (the
document title) and a "Page N" footer on every page. Headings are set in bold, the
structure tables as ruled rows, and tabs as gaps, as a word processor would.

Renders are cached in ``tests/.renders/``, keyed by the SHA-256 of the source, of the
code that lays it out (this module and the text reader whose pages it follows) and of
the header, so the suite renders each handbook once, and again only when one changes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from pipeline.core.records import Line
from pipeline.core.text import normalise_space
from pipeline.extract import txt
from pipeline.extract.txt import read_text

RENDERS = Path(__file__).resolve().parent / ".renders"
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"), Path("/usr/share/fonts/TTF"))
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"

# Symbol/Wingdings glyphs that PDF extraction leaves as private-use code points
# (U+F0B7 bullets in the 4430 handbook, U+F050 ticks in its assessor table). The font
# has no glyph for them: they are drawn with a look-alike while the text layer keeps
# the original code point, exactly as in the PDFs the text files came from.
LOOK_ALIKES = {0xF0B7: 0x2022, 0xF0A7: 0x25AA, 0xF0D8: 0x27A2, 0xF050: 0x2713}
FALLBACK_GLYPH = 0x25A1

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 50.0
BODY_TOP = PAGE_HEIGHT - 62.0  # first baseline
BODY_BOTTOM = 46.0  # lowest baseline
HEADER_Y, FOOTER_Y = PAGE_HEIGHT - 34.0, 24.0
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
LEADING = 1.28  # line height as a multiple of the type size
# A crowded page is set in smaller type, down to 70 %, before it is continued overleaf.
SCALES = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7)

# Type sizes (points) per kind of line; the headings are set in bold.
SIZES = {"body": 9.0, "table": 8.5, "title": 12.0, "section": 11.0, "subhead": 9.5}
HEADINGS = ("title", "section", "subhead")

# Heading shapes. Unit and outcome headings wrap onto a lower-case continuation line.
_UNIT = re.compile(r"^Unit \d{3}\b")
_OUTCOME = re.compile(r"^Outcome \d+\b")
_APPENDIX = re.compile(r"^Appendix \d+\b")
_SECTION = re.compile(r"^(\d{1,2})(?:\.(\d{1,2}))? [A-Z][^.:;,]{2,55}$")
_ELEMENT = re.compile(r"^\d{3}\.\d{1,2} [A-Z]")
_QUESTION = re.compile(r"^[A-Z][^.?]{4,60}\?$")
_NAMED = {
    "assessment", "assessment criteria", "evidence requirements", "learning outcomes", "unit aim",
    "guided learning hours", "rationale", "what this unit is about", "customer service standards",
    "knowledge and understanding", "key words and phrases", "mandatory units", "optional units",
    "general information", "nvq units of competence", "qualification structure",
}
# Structure tables: a 4430 rules-of-combination row (code, title, level, credit, GLH)
# and a legacy QCA/SQA row (unit reference, City & Guilds number, ICS unit, title).
_QCF_ROW = re.compile(r"^(\d{4}-\d{3}) (.+) (\d) (\d{1,2}) (\d{1,3})$")
_QCA_ROW = re.compile(r"^([A-Z]/\d{3}/\d{4}) (\d{3}) (Unit \d{1,2}) (.+)$")
_QCF_COLUMNS = (52.0, 343.0, 33.0, 33.0, 34.0)
_QCA_COLUMNS = (70.0, 55.0, 55.0, 315.0)


@dataclass(frozen=True)
class Render:
    """A rendered handbook: the PDF, and which text page each PDF page lays out."""

    path: Path
    header: str
    source_pages: tuple[int, ...]

    @staticmethod
    def footer(pdf_page: int) -> str:
        """The footer line the render prints on a PDF page."""
        return f"Page {pdf_page}"


@dataclass(frozen=True)
class Block:
    """One source line as it will be set: its kind, and its table cells if it is a table row."""

    text: str
    kind: str
    cells: tuple[str, ...] = ()
    columns: tuple[float, ...] = ()
    gap_before: bool = False


@dataclass(frozen=True)
class Row:
    """One printed line: the text (or cells) at a type size, and the space above it."""

    block: Block
    text: str
    size: float
    space: float

    @property
    def font(self) -> str:
        return _font(self.block.kind)


def _font(kind: str) -> str:
    return BOLD if kind in HEADINGS else REGULAR


@cache
def register_fonts() -> None:
    """Register the TrueType faces, with look-alike glyphs for the private-use symbols."""
    for name, file in ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        path = next((d / file for d in FONT_DIRS if (d / file).exists()), None)
        if path is None:
            raise FileNotFoundError(f"{file} not found in {', '.join(map(str, FONT_DIRS))}")
        font = TTFont(name, str(path))
        glyphs, widths = font.face.charToGlyph, font.face.charWidths
        for private, visible in LOOK_ALIKES.items():
            glyphs[private], widths[private] = glyphs[visible], widths[visible]
        pdfmetrics.registerFont(font)


def _alias_missing(text: str) -> None:
    """Give every character the fonts lack the fallback glyph, keeping its code point."""
    for name in (REGULAR, BOLD):
        face = pdfmetrics.getFont(name).face
        for char in set(text):
            code = ord(char)
            if code not in face.charToGlyph and char not in "\t\n\r\f\xa0":
                face.charToGlyph[code] = face.charToGlyph[FALLBACK_GLYPH]
                face.charWidths[code] = face.charWidths[FALLBACK_GLYPH]


class _Classifier:
    """Decides how each line is set; keeps the section numbering seen so far."""

    def __init__(self) -> None:
        self.section = (0, 0)
        self.wrapping: str | None = None  # kind of a heading that may continue on the next line

    def kind(self, text: str) -> str:
        """The kind of one stripped, non-blank line: a heading level, a table row, or body."""
        wrapping, self.wrapping = self.wrapping, None
        if wrapping and text[0].islower() and len(text) <= 60:
            return wrapping  # "Unit 303 Deal with customers in writing or" / "electronically"
        if _UNIT.match(text):
            self.wrapping = "title"
            return "title"
        if _OUTCOME.match(text):
            self.wrapping = "subhead"
            return "subhead"
        if _APPENDIX.match(text) or self._next_section(text):
            return "section"
        flat = normalise_space(text)
        if _ELEMENT.match(flat) or _QUESTION.match(flat) or flat.lower() in _NAMED:
            return "subhead"
        if _QCF_ROW.match(flat) or _QCA_ROW.match(flat):
            return "table"
        return "body"

    def _next_section(self, text: str) -> bool:
        """Whether the line is the next numbered section heading ("4", "4.1", "4.2", "5")."""
        match = _SECTION.match(normalise_space(text))
        if not match:
            return False
        major, minor = int(match.group(1)), int(match.group(2) or 0)
        current, sub = self.section
        if (major == current + 1 and minor <= 1) or (major == current and minor == sub + 1):
            self.section = (major, minor)
            return True
        return False


def blocks_of(lines: list[Line], classifier: _Classifier) -> list[Block]:
    """The non-blank lines of one text page as blocks; a blank line leaves a gap."""
    blocks: list[Block] = []
    gap = False
    for line in lines:
        text = line.text.strip()
        if not text:
            gap = bool(blocks)
            continue
        kind = classifier.kind(text)
        cells: tuple[str, ...] = ()
        columns: tuple[float, ...] = ()
        if kind == "table":
            flat = normalise_space(text)
            match = _QCF_ROW.match(flat) or _QCA_ROW.match(flat)
            cells = match.groups()
            columns = _QCF_COLUMNS if len(cells) == 5 else _QCA_COLUMNS
        blocks.append(Block(text, kind, cells, columns, gap))
        gap = False
    return blocks


def _tab_gap(size: float) -> float:
    # Wider than pdfplumber's word gap (x_tolerance = 3 pt), so a tab still parts words.
    return max(0.6 * size, 4.0)


def text_width(text: str, font: str, size: float) -> float:
    """The printed width of a line whose tabs are set as fixed gaps."""
    parts = text.split("\t")
    return sum(pdfmetrics.stringWidth(p, font, size) for p in parts) + (len(parts) - 1) * _tab_gap(size)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break a line at spaces or tabs into pieces that fit ``width``; the words are unchanged."""
    pieces = re.findall(r"[ \t]*[^ \t]+", text)
    out: list[str] = []
    for piece in pieces:
        if out and text_width(out[-1] + piece, font, size) <= width:
            out[-1] += piece
        else:
            out.append(piece.lstrip(" \t") if out else piece)
    return out or [text]


def rows_of(blocks: list[Block], scale: float) -> list[Row]:
    """Set blocks at a scale: wrap long lines, size each row so it fits the width."""
    rows = []
    for block in blocks:
        size = SIZES[block.kind] * scale
        space = 0.45 * SIZES["body"] * LEADING * scale if block.gap_before else 0.0
        if block.kind == "table":
            # A cell too narrow for its text sets the whole row smaller.
            widths = [pdfmetrics.stringWidth(cell, REGULAR, size) for cell in block.cells]
            size *= min([1.0] + [(col - 6) / width for col, width in zip(block.columns, widths) if width])
            rows.append(Row(block, block.text, size, space + 2.0 * scale))
            continue
        font = _font(block.kind)
        for n, piece in enumerate(_wrap(block.text, font, size, BODY_WIDTH)):
            # A single word wider than the page (a long URL) is set smaller rather than cut.
            fitted = min(size, size * BODY_WIDTH / max(text_width(piece, font, size), 1e-6))
            rows.append(Row(block, piece, fitted, space if n == 0 else 0.0))
    return rows


def _height(row: Row, first: bool) -> float:
    return (0.0 if first else row.space) + row.size * LEADING


def paginate(blocks: list[Block]) -> list[list[Row]]:
    """Lay one text page out on one PDF page, in smaller type if need be, else on several."""
    room = BODY_TOP - BODY_BOTTOM + SIZES["body"] * LEADING
    for scale in SCALES:
        rows = rows_of(blocks, scale)
        if sum(_height(r, i == 0) for i, r in enumerate(rows)) <= room:
            return [rows]
    pages: list[list[Row]] = [[]]
    used = 0.0
    for row in rows_of(blocks, 1.0):
        height = _height(row, not pages[-1])
        if pages[-1] and used + height > room:
            pages.append([])
            height = _height(row, True)
            used = 0.0
        pages[-1].append(row)
        used += height
    return pages


def _draw_text(canvas: Canvas, x: float, y: float, text: str, font: str, size: float) -> None:
    """Draw a line, setting each tab as a gap rather than a (glyph-less) character."""
    canvas.setFont(font, size)
    for n, part in enumerate(text.split("\t")):
        if n:
            x += _tab_gap(size)
        canvas.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, font, size)


def _draw_page(canvas: Canvas, rows: list[Row], header: str, number: int) -> None:
    size = 7.5 * min(1.0, BODY_WIDTH / pdfmetrics.stringWidth(header, REGULAR, 7.5))
    canvas.setFillGray(0.35)
    _draw_text(canvas, MARGIN_X, HEADER_Y, header, REGULAR, size)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, HEADER_Y - 5, PAGE_WIDTH - MARGIN_X, HEADER_Y - 5)
    footer = Render.footer(number)
    _draw_text(canvas, PAGE_WIDTH - MARGIN_X - text_width(footer, REGULAR, 8), FOOTER_Y, footer, REGULAR, 8)
    canvas.setFillGray(0)
    y = BODY_TOP + SIZES["body"] * LEADING
    for i, row in enumerate(rows):
        y -= _height(row, i == 0)
        if row.block.kind != "table":
            _draw_text(canvas, MARGIN_X, y, row.text, row.font, row.size)
            continue
        # A ruled table row: each cell boxed, its text one line inside.
        top, bottom = y + row.size * 1.0, y - row.size * 0.4
        x = MARGIN_X
        for cell, width in zip(row.block.cells, row.block.columns):
            canvas.rect(x, bottom, width, top - bottom)
            _draw_text(canvas, x + 3, y, cell, REGULAR, row.size)
            x += width


def render_pdf(source: Path, target: Path, header: str | None = None) -> Path:
    """Render a text handbook to ``target`` (header: the file name unless given); returns ``target``."""
    _render(source, target, header or source.stem)
    return target


def _render(source: Path, target: Path, header: str) -> tuple[int, ...]:
    """Render a text handbook to ``target``; returns the text page of each PDF page."""
    register_fonts()
    lines = list(read_text(source, "render", str(source)).lines)
    _alias_missing("".join(line.text for line in lines) + header)
    canvas = Canvas(str(target), pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(header)
    classifier = _Classifier()
    source_pages: list[int] = []
    for page, page_lines in itertools.groupby(lines, key=lambda line: line.page):
        for rows in paginate(blocks_of(list(page_lines), classifier)):
            source_pages.append(page)
            _draw_page(canvas, rows, header, len(source_pages))
            canvas.showPage()
    canvas.save()
    return tuple(source_pages)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render(source: Path, header: str, cache: Path = RENDERS, layout: str = "lines") -> Render:
    """The cached render of a text handbook (rendered now if the cache has none).

    ``layout`` is "lines" (this module's plain print) or "grid" (ruled tables and
    outcome grids, ``tests.pdf_render_grid``).
    """
    from tests import pdf_render_grid

    renderers = {"lines": _render, "grid": pdf_render_grid.render_grid}
    source_key = _sha256(source.read_bytes())
    code = Path(__file__).read_bytes() + Path(pdf_render_grid.__file__).read_bytes() + Path(txt.__file__).read_bytes()
    code_key = _sha256(code)[:12]
    key = f"{source_key}.{code_key}.{_sha256(f'{header}|{layout}'.encode())[:8]}"
    pdf, sidecar = cache / f"{key}.pdf", cache / f"{key}.json"
    if not (pdf.exists() and sidecar.exists()):
        cache.mkdir(parents=True, exist_ok=True)
        for stale in cache.glob(f"{source_key}.*"):
            if stale.name.split(".")[1] != code_key:  # laid out by code that has since changed
                stale.unlink(missing_ok=True)
        # Written under temporary names, then moved: a parallel or interrupted run
        # never leaves a half-written render behind.
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            pages = renderers[layout](source, Path(tmp) / "render.pdf", header)
            (Path(tmp) / "render.json").write_text(json.dumps({"source_pages": pages}))
            os.replace(Path(tmp) / "render.pdf", pdf)
            os.replace(Path(tmp) / "render.json", sidecar)
    pages = json.loads(sidecar.read_text())["source_pages"]
    return Render(pdf, header, tuple(pages))


if __name__ == "__main__":
    # python tests/pdf_render.py raw/some-handbook.txt out.pdf ["Running header"]
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    print(len(_render(src, out, sys.argv[3] if len(sys.argv) > 3 else src.stem)), "pages")
