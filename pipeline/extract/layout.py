"""Reading order of a page from its geometry: ruled tables become cells, the rest stays lines.

Ruled tables are found as pdfplumber's table finder finds them (its "lines"
strategy: rulings snapped, joined, intersected into cells), from the strokes
PDFium reports. A table is read row by row and, in a row, cell by cell, left to
right: the lines of a wrapped cell stay together instead of interleaving with its
neighbours', and a run of one-line cells ("4430-303 | Deal with ... | 3 | 6 | 40")
reads as one line. Within a cell, a line that ends only because the next line's
first word would not fit (the next set at the paragraph's leading) is joined with
it: a soft wrap. So a cell reads as written, whatever its column's width, a
two-column outcome grid reads as its outcome heading, then that outcome's
criteria, and a structure table as one row after another, as the
line model reads the same content printed without rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pdfplumber.table import T_intersections, cells_to_tables, edges_to_intersections, merge_edges

from pipeline.extract.glyphs import SPACE_SHARE, Glyph, PageText, Ruling
from pipeline.extract.lines import TextLine, text_lines, without_fake_bold

# pdfplumber's default table settings: rulings this close (points) are one ruling,
# and touch where they come this close.
SNAP_TOLERANCE = 3.0
JOIN_TOLERANCE = 3.0
INTERSECTION_TOLERANCE = 3.0

Box = tuple[float, float, float, float]  # x0, top, x1, bottom
Point = tuple[float, float]  # x, top


@dataclass(frozen=True)
class LaidOutPage:
    """A page's lines in reading order, and the first row of each table on it, as read.

    ``tangled`` says that the page, read in runs of text, needs to be read word by
    word: a table's cells may part a run, and runs that overlap on a line may
    interleave their words.
    """

    lines: tuple[TextLine, ...]
    table_heads: tuple[str, ...]
    tangled: bool = False


def _edge(ruling: Ruling) -> dict[str, float | str]:
    return {
        "x0": ruling.x0, "x1": ruling.x1, "top": ruling.top, "bottom": ruling.bottom,
        "width": ruling.x1 - ruling.x0, "height": ruling.bottom - ruling.top,
        "orientation": "h" if ruling.horizontal else "v", "object_type": "line",
    }


def _cells(intersections: T_intersections) -> list[Box]:
    """The smallest cells the intersections of rulings describe: pdfplumber's ``intersections_to_cells``, with each
    point's edges made a set once rather than for every pair of points it compares."""
    points = sorted(intersections)
    vertical = {p: {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in intersections[p]["v"]} for p in points}
    horizontal = {p: {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in intersections[p]["h"]} for p in points}
    columns: dict[float, list[Point]] = defaultdict(list)  # the points of each vertical, top to bottom
    rows: dict[float, list[Point]] = defaultdict(list)  # of each horizontal, left to right
    for point in points:
        columns[point[0]].append(point)
        rows[point[1]].append(point)

    def connects(p1: Point, p2: Point) -> bool:
        return bool((p1[0] == p2[0] and not vertical[p1].isdisjoint(vertical[p2]))
                    or (p1[1] == p2[1] and not horizontal[p1].isdisjoint(horizontal[p2])))

    def smallest(point: Point) -> Box | None:
        """The cell whose top-left corner is ``point``: the first point below and the first right of it that edges
        join to it and to a fourth corner."""
        column, row = columns[point[0]], rows[point[1]]
        for below in column[column.index(point) + 1:]:
            if connects(point, below):
                for right in row[row.index(point) + 1:]:
                    corner = (right[0], below[1])
                    if (connects(point, right) and corner in intersections and connects(corner, right)
                            and connects(corner, below)):
                        return point[0], point[1], corner[0], corner[1]
        return None

    return [cell for cell in map(smallest, points) if cell]


def ruled_tables(rulings: tuple[Ruling, ...]) -> list[list[list[Box]]]:
    """The ruled tables of a page, top to bottom, each as its rows of cells, left to right."""
    if not any(r.horizontal for r in rulings) or all(r.horizontal for r in rulings):
        return []
    edges = merge_edges([_edge(r) for r in rulings], SNAP_TOLERANCE, SNAP_TOLERANCE, JOIN_TOLERANCE, JOIN_TOLERANCE)
    intersections = edges_to_intersections(edges, INTERSECTION_TOLERANCE, INTERSECTION_TOLERANCE)
    tables = []
    for cells in cells_to_tables(_cells(intersections)):
        rows: dict[float, list[Box]] = {}
        for cell in cells:
            rows.setdefault(cell[1], []).append(cell)
        tables.append([sorted(row) for _, row in sorted(rows.items())])
    return sorted(tables, key=lambda table: table[0][0][1])


def _cell_of(glyph: Glyph, middle_y: float, table: list[list[Box]]) -> tuple[int, int] | None:
    """The (row, cell) of a table that holds the glyph's middle (``middle_y`` down, within the table's rows), if
    any."""
    middle_x = (glyph.x0 + glyph.x1) / 2
    for r, row in enumerate(table):
        if row[0][1] <= middle_y <= row[0][3]:
            for c, box in enumerate(row):
                if box[0] <= middle_x <= box[2]:
                    return r, c
    return None


# Lines of one paragraph are set at most this many type sizes apart (top to top).
LEADING_SHARE = 1.35


def _unwrapped(lines: list[TextLine], box: Box) -> list[TextLine]:
    """A cell's lines with its soft wraps joined.

    A line is wrapped when the next follows at the paragraph's leading and its first
    word would not have fitted after it.
    """
    if len(lines) < 2:
        return lines
    padding = min(line.x0 for line in lines) - box[0]  # cells are padded alike left and right
    right = box[2] - padding
    out = [lines[0]]
    for line in lines[1:]:
        size = max(g.size for g in out[-1].glyphs)
        last = TextLine(tuple(g for g in out[-1].glyphs if g.top >= out[-1].glyphs[-1].top - 1))
        # Wrapped lines follow at the type's leading; a wider step starts a new paragraph.
        follows = line.top - last.top <= LEADING_SHARE * size
        if follows and last.x1 + SPACE_SHARE * size + line.first_word_width() > right:
            out[-1] = TextLine(out[-1].glyphs + line.glyphs)
        else:
            out.append(line)
    return out


def _row_lines(cells: list[list[TextLine]]) -> list[TextLine]:
    """A table row's lines: cell by cell, a run of one-line cells joined into one line."""
    out: list[TextLine] = []
    run: list[Glyph] = []
    for lines in cells:
        if len(lines) == 1:
            run += lines[0].glyphs
            continue
        if run:
            out.append(TextLine(tuple(run)))
            run = []
        out += lines
    if run:
        out.append(TextLine(tuple(run)))
    return out


def page_lines(text: PageText, tables: list[list[list[Box]]], repeated_head: str | None = None) -> LaidOutPage:
    """The page's lines in reading order: text outside its ``tables`` (``ruled_tables``) by position, each table
    row by row.

    A first table whose first row reads ``repeated_head`` (the first row of the table
    the page before ended with) continues that table: its header row, printed again
    on each page, is read once.
    """
    if tables and not text.by_word:
        return LaidOutPage((), (), tangled=True)
    glyphs = without_fake_bold(list(text.glyphs))
    if not tables:
        lines = text_lines(glyphs)
        return LaidOutPage(tuple(lines), (), not text.by_word and any(line.overlapping() for line in lines))
    in_cells: list[dict[tuple[int, int], list[Glyph]]] = [{} for _ in tables]
    free: list[Glyph] = []
    spans = [(table[0][0][1], table[-1][0][3]) for table in tables]  # each table's top and bottom
    for glyph in glyphs:
        middle_y = (glyph.top + glyph.bottom) / 2
        for t, (top, bottom) in enumerate(spans):
            if top <= middle_y <= bottom and (cell := _cell_of(glyph, middle_y, tables[t])) is not None:
                in_cells[t].setdefault(cell, []).append(glyph)
                break
        else:
            free.append(glyph)
    blocks: list[tuple[float, list[TextLine]]] = []  # (top, lines), sorted into reading order below
    heads: list[str] = []
    for t, table in enumerate(tables):
        rows = []
        for r, row in enumerate(table):
            cells = [_unwrapped(text_lines(in_cells[t][r, c]), box) for c, box in enumerate(row) if (r, c) in in_cells[t]]
            rows.append(_row_lines(cells))
        rows = [row for row in rows if row]
        if not rows:
            continue
        heads.append(" ".join(line.text for line in rows[0]))
        if not blocks and t == 0 and heads[0] == repeated_head:
            rows = rows[1:]
        blocks.append((table[0][0][1], [line for row in rows for line in row]))
    blocks += [(line.top, [line]) for line in text_lines(free)]
    blocks.sort(key=lambda block: block[0])
    return LaidOutPage(tuple(line for _, lines in blocks for line in lines), tuple(heads))
