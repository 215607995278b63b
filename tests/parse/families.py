"""The fixtures of the newer families, written for the suite, and the ways each is read: text, HTML, PDF, page breaks.

Each fixture is a text file in ``tests/data/families/`` ("\\f" breaks its pages). The
HTML form sets each line as a paragraph (a line between pipes as a table row, a grid as a
table); the PDF is the suite's render (a bank's grids as ruled tables); the variant moves one page break to another line.
"""

from __future__ import annotations

import dataclasses
import html
from functools import cache
from pathlib import Path

from pipeline.core.manifest import Entry
from pipeline.extract import extract_file
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.profiles import PROFILES, detect_profile, parse_lines
from tests.conftest import without_pages
from tests.pdf_render import render
from tests.pdf_render_grid import GRID_HEAD, split_grid

FAMILIES = Path(__file__).resolve().parent.parent / "data" / "families"


def entry(name: str, scheme: str, fmt: str | None = None) -> Entry:
    return Entry(doc_id=name.replace("_", "-"), path=f"{name}.txt", publisher="Some Body", scheme=scheme,
                 title=name.replace("_", " "), format=fmt)


def parse_file(path: Path, doc: Entry) -> tuple[str, ParseResult]:
    """(family detected or forced, records) of one file."""
    extraction = extract_file(path, doc.doc_id, path.name)
    profile = PROFILES[doc.format] if doc.format else detect_profile(extraction.lines, path.name)
    return profile.name, parse_lines(ParseContext(doc, extraction.lines), profile, path.name)


def _cell(tag: str, paragraphs: list[str]) -> str:
    """A table cell: its paragraphs parted by line breaks."""
    return f"<{tag}>" + "<br>".join(html.escape(p) for p in paragraphs) + f"</{tag}>"


def _grid_html(lines: list[str]) -> str:
    """A grid set in columns parted by gaps as an HTML table, one row per outcome."""
    head, rows = split_grid(lines)
    out = ["<table><tr>" + "".join(_cell("th", cell) for cell in head) + "</tr>"]
    out += ["<tr>" + "".join(_cell("td", cell) for cell in row) + "</tr>" for row in rows]
    return "\n".join(out) + "</table>"


def as_html(text: str) -> str:
    """The fixture as a web page: a paragraph per line, a table row per line between pipes, a grid's columns
    (parted by gaps under "Learning outcomes", to the page's end) as a table."""
    out = []
    lines = text.split("\n")
    for at, line in enumerate(lines):
        line = line.removeprefix("\f")
        if GRID_HEAD.match(line):
            end = next((k for k in range(at + 1, len(lines)) if lines[k].startswith("\f")), len(lines))
            out.append(_grid_html([line, *(row for row in lines[at + 1:end] if row.strip())]))
            del lines[at + 1:end]
        elif line.strip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            out.append("<table><tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr></table>")
        elif line.strip():
            out.append(f"<p>{html.escape(line)}</p>")
    return "<html><body>\n" + "\n".join(out) + "\n</body></html>"


def moved_break(text: str, offset: int) -> str:
    """The fixture with its first page break moved ``offset`` lines down (up when negative)."""
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("\f"))
    lines[at] = lines[at][1:]
    lines[at + offset] = "\f" + lines[at + offset]
    return "\n".join(lines)


ALL_FORMS = ("text", "html", "pdf", "moved")
# A bank's grids are printed as ruled tables.
LAYOUTS = {"unit_bank": "grid"}


@cache
def readings(name: str, scheme: str, fmt: str | None, tmp: Path, forms: tuple[str, ...] = ALL_FORMS
             ) -> dict[str, tuple[str, ParseResult]]:
    """The fixture read in ``forms``: as text, HTML, PDF and with a page break elsewhere."""
    doc = entry(name, scheme, fmt)
    source = FAMILIES / f"{name}.txt"
    text = source.read_text("utf-8")
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / f"{name}.html").write_text(as_html(text), "utf-8")
    (tmp / f"{name}.moved.txt").write_text(moved_break(text, 3), "utf-8")
    files = {"text": lambda: source, "html": lambda: tmp / f"{name}.html", "moved": lambda: tmp / f"{name}.moved.txt",
             "pdf": lambda: render(source, doc.title, layout=LAYOUTS.get(name, "lines")).path}
    return {form: parse_file(files[form](), doc) for form in forms}


def records(result: ParseResult) -> dict[str, list]:
    """The records, pages aside (a web page has one page; a render, its own)."""
    return without_pages(result)


def errors(result: ParseResult) -> list:
    return [dataclasses.astuple(i)[3:6] for i in result.issues if i.severity == "error"]
