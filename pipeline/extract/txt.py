"""Plain-text handbooks: lines as written, pages recovered from the text itself."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from pipeline.errors import DocumentError, Location
from pipeline.extract import Extraction
from pipeline.records import Issue, Line

# The text handbooks were extracted page by page and joined: each page's text begins
# with one space ("Unit 301 ..." at a page top reads " Unit 301 ..."). Table cells can
# look the same, so a page must also have at least this many lines (the shortest real
# pages have about fifteen) unless a unit heading ends it early: a unit always begins a
# new page, and the last page of the unit before may hold only a few lines.
_PAGE_TOP = re.compile(r"^ \S")
_UNIT_TOP = re.compile(r"^ Unit \d+\b")
MIN_PAGE_LINES = 12
# A printed footer: a run of words with the page number first or last, as on facing
# pages ("52 Level 3 NVQ Diploma ...", "... (4430-03) 57"). Single spaces only: a double
# space parts table cells ("208  Deal with customers face to face").
_FOOTER = re.compile(r"^(?:\d{1,3}(?: \S+)+|(?:\S+ )+\d{1,3}) *$")


def decode(data: bytes, doc_id: str, shown: str) -> tuple[str, list[Issue]]:
    """UTF-8 text, or Windows-1252 with a warning; undecodable bytes are an error."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            # Located at the byte Windows-1252 cannot read: the UTF-8 error may be a valid "é" earlier.
            line = data[: exc.start].count(b"\n") + 1
            raise DocumentError(f"not UTF-8 or Windows-1252 text: {exc.reason}", Location(shown, line=line)) from exc
        issue = Issue(doc_id, None, None, "warning", "text-not-utf8", f"{shown} is not UTF-8; read as Windows-1252")
        return text, [issue]


def _cells(lines: list[str], tops: list[int]) -> set[int]:
    """The indented lines among ``tops`` that are table cells, not page tops.

    The cells after the first of a table row are indented too (" ICS unit", " Unit
    title"), and set off by a blank line where a page top mostly follows the page
    before directly: two such lines closer together than a page is long are cells.
    """
    spaced = [i for i in tops if not lines[i - 1].strip()]
    return {i for a, b in pairwise(spaced) if b - a < MIN_PAGE_LINES for i in (a, b)}


def _after_footer(lines: list[str], i: int) -> int | None:
    """The line after a printed footer at ``i`` (blank lines before it, one after), if it is one."""
    if not _FOOTER.match(lines[i]) or any(lines[j].strip() for j in (i - 2, i - 1, i + 1)):
        return None
    return next((j for j in range(i + 2, len(lines)) if lines[j].strip()), None)


def page_starts(lines: list[str]) -> list[int]:
    """Indexes of the lines that begin a page (always including 0)."""
    if any("\f" in line for line in lines):
        return [0] + [i for i, line in enumerate(lines) if line.startswith("\f") and i > 0]
    tops = [i for i in range(1, len(lines)) if _PAGE_TOP.match(lines[i])]
    cells = _cells(lines, [i for i in tops if not _UNIT_TOP.match(lines[i])])
    starts = [0]
    for i in tops:
        if _UNIT_TOP.match(lines[i]) or (i not in cells and i - starts[-1] >= MIN_PAGE_LINES):
            starts.append(i)
    # A footer ends a page even where the next page lost its leading space.
    for i in range(2, len(lines) - 1):
        following = _after_footer(lines, i)
        if following is not None and all(abs(following - s) >= MIN_PAGE_LINES for s in starts):
            starts.append(following)
    return sorted(starts)


def read_text(path: Path, doc_id: str, shown: str) -> Extraction:
    """Read a text handbook into lines; ``line`` is the file's own line number."""
    text, issues = decode(path.read_bytes(), doc_id, shown)
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    starts = page_starts(raw_lines)
    lines = []
    page = 0
    for index, raw in enumerate(raw_lines):
        if page < len(starts) and index == starts[page]:
            page += 1
        lines.append(Line(page=page, line=index + 1, text=raw.replace("\f", "")))
    return Extraction("text/plain", max(page, 1), tuple(lines), tuple(issues))
