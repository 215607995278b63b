"""The "grid" print layout of a handbook: ruled tables where the plain render sets lines.

As most unit specifications are printed. A QCF handbook: the structure table is a
ruled table per group, its header row repeated on every page it runs onto
(reportlab ``Table(repeatRows=1)``), and each unit's outcomes and criteria sit in a
two-column ruled grid, one row per outcome: the outcome heading on the left, its
assessment criteria on the right. A legacy N/SVQ standards document: the structure
table (QCA/SQA reference, City & Guilds number, ICS unit, title; a spanning row per
group) is one ruled table, its header row repeated likewise, and each unit's
standards a two-column grid, one row per element: the element on the left, its
numbered performance criteria on the right (a page that opens with criteria of the
element before leaves the left cell empty), and its knowledge items a grid of
letter and item. An OCR brochure: its units list is a ruled table of code and title
under spanning group and theme rows. A unit bank's grid, set in columns parted by
gaps, is a ruled table of two or three columns, one row per outcome, each criterion
and knowledge entry a paragraph of its cell. Cells wrap their text to the column.
Everything else is set as the plain render sets it, one text page per PDF page
(continued overleaf when it does not fit), with the same running header and
"Page N" footer. The words of every line are kept exactly.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph, Spacer, Table, TableStyle

from pipeline.core.text import normalise_space
from pipeline.extract.txt import read_text
from tests import pdf_render as plain

_ROW_START = re.compile(r"^\d{4}-\d{3}\b")
_ROW_NUMBERS = re.compile(r"^(.*?)\s*\b(\d)\s+(\d{1,2})\s+(\d{1,3})$")
_TABLE_START = "City & Guilds"
_COLUMN_WORDS = re.compile(r"^(.*?)\s*((?:\b(?:Level|Credit|GLH)\s*)+)$")
# A legacy structure table: its column headings, rows, group rows and the standards' numbering.
_QCA_HEAD = re.compile(r"\bunit ref\b", re.I)
_QCA_HEADINGS = re.compile(r"^(.*?\bref\.?)\s+(.*?\bnumber)\s+(.*?\bnumber)\s+(\S.*)$")
_QCA_ROW = re.compile(r"^([A-Z]/\d{3}/\d{4})\s+(\d{3})\s+(Unit \d{1,3})\s+(\S.*)$")
_QCA_GROUP = re.compile(r"^[A-Z][a-z]+ units$")
_ELEMENT = re.compile(r"^\d{3}\.\d{1,2}\s")
_CRITERION = re.compile(r"^\d{3}\.\d{1,2}\.\d{1,2}\s")
_LETTERED = re.compile(r"^([a-z])\s+(\S.*)$")
_KNOWLEDGE = "knowledge and understanding"
# An OCR units list: group and theme rows over rows of unit code and title.
_LIST_GROUP = re.compile(r"^(?:[A-Z][a-z]+ Units|Theme:.*)$")
_LIST_ROW = re.compile(r"^([A-Z]\d{1,2})\s+(\S.*)$")
# A unit bank's grid: columns parted by gaps under their headings, outcomes and criteria opening rows and paragraphs.
GRID_HEAD = re.compile(r"^Learning outcomes {2,}\S")
_GAP_PIECE = re.compile(r"\S+(?: \S+)*")
_GRID_OUTCOME = re.compile(r"^\d{1,2} ")
_GRID_CRITERION = re.compile(r"^\d{1,2}\.\d{1,2} ")
# The last words of a title wrapped over lines ("distressed", "and problems").
MAX_WRAPPED_WORDS = 5
# Column widths (points) of the structure table and of the outcome grid.
STRUCTURE_COLUMNS = (90.0, 270.0, 45.0, 45.0, 45.0)
QCA_COLUMNS = (75.0, 60.0, 55.0, plain.BODY_WIDTH - 190.0)
LETTER_COLUMNS = (22.0, plain.BODY_WIDTH - 22.0)
LIST_COLUMNS = (40.0, plain.BODY_WIDTH - 40.0)
GRID_COLUMNS = (0.4 * plain.BODY_WIDTH, 0.6 * plain.BODY_WIDTH)
# Tables are set in a larger type than the plain render's, so that they run across
# pages and their header rows repeat.
TABLE_SCALE = 1.1


def _style(kind: str, scale: float = 1.0, font: str | None = None, space: float = 0.0) -> ParagraphStyle:
    size = plain.SIZES[kind] * scale
    return ParagraphStyle(kind, fontName=font or plain._font(kind), fontSize=size, leading=size * plain.LEADING,
                          spaceBefore=space * size)


STYLES = {kind: _style(kind) for kind in plain.SIZES}
# Paragraphs in a cell are set apart by a little space, as in print.
CELL_STYLE = _style("table", TABLE_SCALE, space=0.4)
HEAD_STYLE = _style("table", TABLE_SCALE, plain.BOLD, space=0.4)
RULED = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
])


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(normalise_space(text.replace("\t", " "))), style)


class _SourcePage(Flowable):
    """Marks where a text page begins, so each PDF page knows the text page it lays out."""

    def __init__(self, page: int, state: dict) -> None:
        super().__init__()
        self.page, self.state = page, state
        self.width = self.height = 0

    def draw(self) -> None:
        self.state["page"] = self.page


def _structure_table(lines: list[str]) -> Table | None:
    """A group of the structure table (its heading lines, then its rows) as a ruled table."""
    first_row = next((i for i, text in enumerate(lines) if _ROW_START.match(text)), None)
    heading = _COLUMN_WORDS.match(normalise_space(" ".join(lines[2:first_row]))) if first_row else None
    if heading is None or first_row < 3:
        return None
    rows, pending = [], []
    for text in lines[first_row:]:
        if _ROW_START.match(text) and pending:
            rows.append(pending)
            pending = []
        pending.append(text)
    rows.append(pending)
    data = [[[_para(lines[0], HEAD_STYLE), _para(lines[1], HEAD_STYLE)], _para(heading.group(1), HEAD_STYLE),
             *(_para(word, HEAD_STYLE) for word in heading.group(2).split())]]
    for row in rows:
        code, _, rest = normalise_space(" ".join(row)).partition(" ")
        # "Use questioning ... service 2 4 27" / "(B6)": a NOS code set after the numbers.
        tail = re.search(r"\s(\([A-Z]\d{1,2}\))$", rest)
        numbers = _ROW_NUMBERS.match(rest[: tail.start()] if tail else rest)
        if numbers is None:
            return None
        title = numbers.group(1) + (" " + tail.group(1) if tail else "")
        data.append([_para(code, CELL_STYLE), _para(title, CELL_STYLE), *(_para(n, CELL_STYLE) for n in numbers.groups()[1:])])
    table = Table(data, colWidths=STRUCTURE_COLUMNS, repeatRows=1, hAlign="LEFT")
    table.setStyle(RULED)
    return table


def _outcome_grid(rows: list[tuple[list[str], list[str]]]) -> Table:
    """Outcomes (heading lines, then the lines under them) as a two-column ruled grid."""
    data = []
    for heading, body in rows:
        left = [_para(text, HEAD_STYLE) for text in heading]
        right = [_para(text, HEAD_STYLE if text.strip().lower() == "assessment criteria" else CELL_STYLE) for text in body]
        data.append([left, right])
    table = Table(data, colWidths=GRID_COLUMNS, hAlign="LEFT")
    table.setStyle(RULED)
    return table


def _qca_end(texts: list[str], start: int) -> int:
    """The index after the last line of the legacy structure table whose headings begin at ``start``."""
    end = start + 1
    while end < len(texts) and not (_QCA_ROW.match(texts[end]) or _QCA_GROUP.match(texts[end])):
        end += 1
    # Rows, group rows, and the lower-case lines of wrapped titles.
    while end < len(texts) and (_QCA_ROW.match(texts[end]) or _QCA_GROUP.match(texts[end]) or texts[end][0].islower()):
        end += 1
    return end


def _qca_table(lines: list[str]) -> Table | None:
    """A legacy structure table (its heading lines, then group rows and rows) as one ruled table."""
    first = next((i for i, text in enumerate(lines) if _QCA_ROW.match(text) or _QCA_GROUP.match(text)), None)
    headings = _QCA_HEADINGS.match(normalise_space(" ".join(lines[:first]))) if first else None
    if headings is None:
        return None
    rows: list[list[str]] = []
    for text in lines[first:]:
        if _QCA_GROUP.match(text):
            rows.append([text])
        elif match := _QCA_ROW.match(text):
            rows.append(list(match.groups()))
        else:  # a wrapped title, set on in its cell
            rows[-1][-1] += " " + text
    data = [[_para(heading, HEAD_STYLE) for heading in headings.groups()]]
    data += [[_para(row[0], HEAD_STYLE), "", "", ""] if len(row) == 1 else [_para(cell, CELL_STYLE) for cell in row]
             for row in rows]
    # A group row spans the table.
    spans = [("SPAN", (0, r), (-1, r)) for r, row in enumerate(rows, 1) if len(row) == 1]
    table = Table(data, colWidths=QCA_COLUMNS, repeatRows=1, hAlign="LEFT")
    table.setStyle(RULED)
    table.setStyle(TableStyle(spans))
    return table


def _units_list(texts: list[str], i: int) -> tuple[Table, int]:
    """A units list from its first group row at ``i`` as a ruled table, and the index after it."""
    rows: list[list[str]] = []
    while i < len(texts):
        text = texts[i]
        if _LIST_GROUP.match(text):
            rows.append([text])
        elif match := _LIST_ROW.match(text):
            rows.append(list(match.groups()))
        elif len(rows[-1]) == 2 and len(text.split()) <= MAX_WRAPPED_WORDS:
            rows[-1][-1] += " " + text
        else:
            break
        i += 1
    data = [[_para(row[0], HEAD_STYLE), ""] if len(row) == 1 else [_para(cell, CELL_STYLE) for cell in row] for row in rows]
    table = Table(data, colWidths=LIST_COLUMNS, hAlign="LEFT")
    table.setStyle(RULED)
    # A group or theme row spans the table.
    table.setStyle(TableStyle([("SPAN", (0, r), (-1, r)) for r, row in enumerate(rows) if len(row) == 1]))
    return table, i


def _element_rows(texts: list[str], kinds: list[str], i: int) -> tuple[list[tuple[list[str], list[str]]], int]:
    """Elements (heading lines, then their criteria's lines) from ``i`` on, and the index after them.

    Criteria that open a page continue the element before: their heading is left empty.
    """
    rows = []
    while i < len(texts) and (_ELEMENT.match(texts[i]) or _CRITERION.match(texts[i])):
        heading = []
        if _ELEMENT.match(texts[i]):
            heading.append(texts[i])
            i += 1
            while i < len(texts) and kinds[i] == "body" and not (_CRITERION.match(texts[i]) or _ELEMENT.match(texts[i])):
                heading.append(texts[i])
                i += 1
        body = []
        while i < len(texts) and kinds[i] not in plain.HEADINGS and not _ELEMENT.match(texts[i]):
            body.append(texts[i])
            i += 1
        rows.append((heading, body))
    return rows, i


def _knowledge_grid(texts: list[str], kinds: list[str], i: int) -> tuple[Table, int]:
    """Knowledge items from ``i`` on as a ruled grid of letter and item, and the index after them.

    A line opens an item only with the next letter: "a solution that suits you both"
    after item c continues it.
    """
    items: list[list[str]] = []
    while i < len(texts) and kinds[i] == "body":
        lettered = _LETTERED.match(texts[i])
        if lettered and ord(lettered.group(1)) == ord("a") + len(items):
            items.append([lettered.group(1), lettered.group(2)])
        else:
            items[-1][1] += " " + texts[i]
        i += 1
    table = Table([[_para(letter, CELL_STYLE), _para(item, CELL_STYLE)] for letter, item in items],
                  colWidths=LETTER_COLUMNS, hAlign="LEFT")
    table.setStyle(RULED)
    return table, i


def _structure_end(texts: list[str], start: int) -> int:
    """The index after the last line of the structure group whose heading begins at ``start``."""
    end = start + 1
    while end < len(texts) and not _ROW_START.match(texts[end]):
        end += 1
    while end < len(texts) and _ROW_START.match(texts[end]):
        row = texts[end]
        end += 1
        while end < len(texts) and not _ROW_START.match(texts[end]) and (
            not _ROW_NUMBERS.match(normalise_space(row)) or texts[end].startswith("(")
        ):
            row += " " + texts[end]
            end += 1
    return end


def _carry_tables_over(pages: list[list[str]]) -> None:
    """Move the rows that continue a page's last structure group at the next page's top onto that page.

    Where the text breaks a table across pages, the print runs one table on, over the
    page break, with its header row repeated.
    """
    for page, following in itertools.pairwise(pages):
        texts = [text.strip() for text in page + following]
        starts = [i for i, text in enumerate(texts[:len(page)]) if text == _TABLE_START]
        if not starts or not following or _structure_end(texts[:len(page)], starts[-1]) < len(page):
            continue
        moved = _structure_end(texts, starts[-1]) - len(page)
        page += following[:moved]
        del following[:moved]


def split_grid(lines: list[str]) -> tuple[list[list[str]], list[list[list[str]]]]:
    """A grid set in columns parted by gaps (from its headings' first line) as its header cells and its rows.

    Each column starts where its heading does. A row is an outcome: its cells are each
    column's paragraphs. An outcome ("1 ...") opens a row, a criterion ("1.1 ...") a
    paragraph of the second column, and a third column's entry a paragraph where it
    begins level with a criterion; other lines go on the paragraph above them.
    """
    starts = [match.start() for match in _GAP_PIECE.finditer(lines[0])]

    def cells(text: str) -> list[str]:
        text = text.expandtabs(4)
        return [text[a:b].strip() for a, b in zip(starts, [*starts[1:], None])]

    head: list[list[str]] = [[cell] for cell in cells(lines[0])]
    rows: list[list[list[str]]] = []
    for text in lines[1:]:
        parts = cells(text)
        if not rows and not _GRID_OUTCOME.match(parts[0]):
            for cell, part in zip(head, parts):
                cell += [part] if part else []
            continue
        if _GRID_OUTCOME.match(parts[0]):
            rows.append([[] for _ in starts])
        for column, part in enumerate(parts):
            opens = _GRID_OUTCOME.match(part) if column == 0 else _GRID_CRITERION.match(parts[1])
            if part and (opens or not rows[-1][column]):
                rows[-1][column].append(part)
            elif part:
                rows[-1][column][-1] += " " + part
    return head, rows


def _grid_table(lines: list[str]) -> Table:
    """A grid set in columns parted by gaps as a ruled table, one row per outcome, its header row repeated."""
    head, rows = split_grid(lines)
    width = plain.BODY_WIDTH / len(head)
    data = [[[_para(text, HEAD_STYLE) for text in cell] for cell in head]]
    data += [[[_para(text, CELL_STYLE) for text in cell] for cell in row] for row in rows]
    table = Table(data, colWidths=[width] * len(head), repeatRows=1, hAlign="LEFT")
    table.setStyle(RULED)
    return table


def _page_story(raw: list[str], classifier) -> list[Flowable]:
    """One text page as flowables: structure groups and outcome runs as tables, other lines as paragraphs."""
    story: list[Flowable] = []
    texts = [text.strip() for text in raw]
    kinds = [classifier.kind(text) for text in texts]
    i = 0
    knowledge = False  # under a "Knowledge and understanding" heading
    while i < len(texts):
        text, kind = texts[i], kinds[i]
        if kind in plain.HEADINGS:
            knowledge = text.lower() == _KNOWLEDGE
        if knowledge and kind == "body" and (lettered := _LETTERED.match(text)) and lettered.group(1) == "a":
            table, i = _knowledge_grid(texts, kinds, i)
            story += [Spacer(1, 4), table]
            continue
        if GRID_HEAD.match(raw[i]):  # a grid runs to its page's end
            story += [Spacer(1, 4), _grid_table(raw[i:])]
            break
        if text == _TABLE_START:
            end = _structure_end(texts, i)
            table = _structure_table(texts[i:end])
            if table is not None:
                story += [Spacer(1, 4), table]
                i = end
                continue
        if _QCA_HEAD.search(text):
            end = _qca_end(texts, i)
            table = _qca_table(texts[i:end])
            if table is not None:
                story += [Spacer(1, 4), table]
                i = end
                continue
        if _LIST_GROUP.match(text) and i + 1 < len(texts) and _LIST_ROW.match(texts[i + 1]):
            table, i = _units_list(texts, i)
            story += [Spacer(1, 4), table]
            continue
        if _ELEMENT.match(text) or _CRITERION.match(text):
            rows, i = _element_rows(texts, kinds, i)
            story += [Spacer(1, 4), _outcome_grid(rows)]
            continue
        if text.startswith("Outcome ") and kind == "subhead":
            rows = []
            while i < len(texts) and texts[i].startswith("Outcome ") and kinds[i] == "subhead":
                heading = [texts[i]]
                i += 1
                while i < len(texts) and kinds[i] == "subhead" and texts[i][0].islower():
                    heading.append(texts[i])
                    i += 1
                body = []
                while i < len(texts) and not (kinds[i] in plain.HEADINGS and texts[i].lower() != "assessment criteria"):
                    body.append(texts[i])
                    i += 1
                rows.append((heading, body))
            story += [Spacer(1, 4), _outcome_grid(rows)]
            continue
        story.append(_para(text, STYLES[kind]))
        i += 1
    return story


def render_grid(source: Path, target: Path, header: str) -> tuple[int, ...]:
    """Render a text handbook in the grid layout to ``target``; returns the text page of each PDF page."""
    plain.register_fonts()
    lines = list(read_text(source, "render", str(source)).lines)
    plain._alias_missing("".join(line.text for line in lines) + header)
    state: dict = {"page": 1}
    source_pages: list[int] = []

    def furniture(canvas, doc) -> None:
        number = canvas.getPageNumber()
        canvas.saveState()
        size = 7.5 * min(1.0, plain.BODY_WIDTH / plain.pdfmetrics.stringWidth(header, plain.REGULAR, 7.5))
        canvas.setFillGray(0.35)
        plain._draw_text(canvas, plain.MARGIN_X, plain.HEADER_Y, header, plain.REGULAR, size)
        canvas.setLineWidth(0.5)
        canvas.line(plain.MARGIN_X, plain.HEADER_Y - 5, plain.PAGE_WIDTH - plain.MARGIN_X, plain.HEADER_Y - 5)
        footer = plain.Render.footer(number)
        plain._draw_text(canvas, plain.PAGE_WIDTH - plain.MARGIN_X - plain.text_width(footer, plain.REGULAR, 8),
                         plain.FOOTER_Y, footer, plain.REGULAR, 8)
        canvas.restoreState()

    def page_end(canvas, doc) -> None:
        source_pages.append(state["page"])

    frame = Frame(plain.MARGIN_X, plain.BODY_BOTTOM - 6, plain.BODY_WIDTH, plain.BODY_TOP - plain.BODY_BOTTOM + 18,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(str(target), pagesize=plain.A4, invariant=1, pageCompression=1, title=header)
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=furniture, onPageEnd=page_end)])
    classifier = plain._Classifier()
    story: list[Flowable] = []
    pages = [[l.text.rstrip() for l in group if l.text.strip()] for _, group in itertools.groupby(lines, key=lambda l: l.page)]
    _carry_tables_over(pages)
    for page, texts in enumerate(pages, 1):
        if story:
            story.append(PageBreak())
        story.append(_SourcePage(page, state))
        story += _page_story(texts, classifier)
    doc.build(story)
    return tuple(source_pages)
