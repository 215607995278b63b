"""Page furniture: running headers, footers and page numbers that repeat page after page."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Sequence

from pipeline.records import Line
from pipeline.text import clean, without_continued

# A line is furniture when it recurs at the same edge of at least this share of pages.
MIN_SHARE = 0.4
MIN_PAGES = 3


def _shape(text: str) -> str:
    """A line with its digits masked, so "Handbook 12" and "Handbook 13" compare equal."""
    return re.sub(r"\d+", "#", clean(text)).lower()


def find_furniture(lines: Sequence[Line]) -> set[int]:
    """Indexes (into ``lines``) of page furniture: repeated headers and footers, and continued headings."""
    return _edges(lines) | _continued_headings(lines)


def _continued_headings(lines: Sequence[Line]) -> set[int]:
    """Lines that repeat an earlier line with a "(continued)" mark: a heading carried over a page break.

    The earlier line may go on with column headings the repeat leaves out ("Optional
    Units - Delivery Level Credit" repeated as "Optional Units - Delivery (continued)").
    """
    seen: list[str] = []
    found = set()
    for index, line in enumerate(lines):
        marked, stem = without_continued(line.text)
        stem = stem.casefold()
        if marked and stem and any(s == stem or s.startswith(stem + " ") for s in seen):
            found.add(index)
        elif text := clean(line.text).casefold():
            seen.append(text)
    return found


def _edges(lines: Sequence[Line]) -> set[int]:
    """Header and footer lines (page numbers too) repeated at the same edge across pages."""
    pages: dict[int, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        if clean(line.text):
            pages[line.page].append(index)
    found: set[int] = set()
    if len(pages) < MIN_PAGES:
        return found
    for position in (0, -1):
        edges = [indexes[position] for indexes in pages.values() if indexes]
        shapes = Counter(_shape(lines[i].text) for i in edges)
        for i in edges:
            if shapes[_shape(lines[i].text)] >= max(MIN_PAGES, MIN_SHARE * len(pages)):
                found.add(i)
    return found
