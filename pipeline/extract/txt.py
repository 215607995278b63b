"""Plain-text handbooks: lines as written, pages recovered from the text itself."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import charset_normalizer

from pipeline.core.errors import DocumentError, Location
from pipeline.core.records import Issue, Line
from pipeline.extract import Extraction

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


# Encodings a text handbook may come in. Latin-1 is read as Windows-1252, its superset
# for every printable character (they differ only on the C1 control codes 0x80-0x9F).
_ENCODINGS = ["utf_8", "utf_16", "cp1252"]
_NAMES = {"utf_8": "UTF-8", "utf_16": "UTF-16", "cp1252": "Windows-1252"}


def decode(data: bytes, doc_id: str, shown: str) -> tuple[str, list[Issue]]:
    """The text of a file in UTF-8 (BOM or not), UTF-16 with a BOM, Windows-1252 or Latin-1.

    charset-normalizer picks the encoding (and honours a BOM); a non-Unicode encoding is
    read with a warning, bytes no candidate can read are an error at their line, and a
    file with no text at all is an error too.
    """
    best = charset_normalizer.from_bytes(data, cp_isolation=_ENCODINGS).best()
    if best is None:
        raise DocumentError("not UTF-8, UTF-16, Windows-1252 or Latin-1 text", Location(shown, line=_bad_line(data)))
    text = str(best)
    if not text.strip():
        raise DocumentError("empty file", Location(shown))
    issues = []
    if not best.encoding.startswith("utf"):
        name = _NAMES.get(best.encoding, best.encoding)
        issues.append(Issue(doc_id, None, None, "warning", "text-not-utf8", f"{shown} is not UTF-8; read as {name}"))
    return text, issues


def _bad_line(data: bytes) -> int:
    """The line of the first byte Windows-1252 cannot read (a UTF-8 error may be a valid "é" earlier)."""
    try:
        data.decode("cp1252")
    except UnicodeDecodeError as exc:
        return data[: exc.start].count(b"\n") + 1
    return 1


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
