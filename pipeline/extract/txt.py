"""Plain-text handbooks: lines as written, pages recovered from the text itself."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import DocumentError, Location
from pipeline.extract import Extraction
from pipeline.records import Issue, Line

# The text handbooks were extracted page by page and joined: each page's text begins
# with one space ("Unit 301 ..." at a page top reads " Unit 301 ..."). Table cells can
# look the same, so a page must also have at least this many lines (the shortest real
# pages, the end of a unit's evidence requirements, have about fifteen).
_PAGE_START = re.compile(r"^ \S")
MIN_PAGE_LINES = 12
_FOOTER = re.compile(r"^\S.*\S\s+\d{1,3}\s*$")


def decode(data: bytes, doc_id: str, shown: str) -> tuple[str, list[Issue]]:
    """UTF-8 text, or Windows-1252 with a warning; undecodable bytes are an error."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            line = data[: exc.start].count(b"\n") + 1
            raise DocumentError(f"not UTF-8 or Windows-1252 text: {exc.reason}", Location(shown, line=line)) from exc
        issue = Issue(doc_id, None, None, "warning", "text-not-utf8", f"{shown} is not UTF-8; read as Windows-1252")
        return text, [issue]


def page_starts(lines: list[str]) -> list[int]:
    """Indexes of the lines that begin a page (always including 0)."""
    if any("\f" in line for line in lines):
        return [0] + [i for i, line in enumerate(lines) if line.startswith("\f") and i > 0]
    starts = [0]
    for i in range(1, len(lines)):
        if _PAGE_START.match(lines[i]) and i - starts[-1] >= MIN_PAGE_LINES:
            starts.append(i)
    # A printed page footer ("Level 3 N/SVQ in Customer Services 43") set apart by
    # blank lines ends a page even where the next page lost its leading space.
    for i in range(2, len(lines) - 2):
        if _FOOTER.match(lines[i]) and not any(lines[j].strip() for j in (i - 2, i - 1, i + 1, i + 2)):
            following = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
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
