"""Page furniture: running headers, footers and page numbers that repeat page after page."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Sequence

from pipeline.records import Line
from pipeline.text import clean

_PAGE_NUMBER = re.compile(r"^(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?$", re.IGNORECASE)
# A line is furniture when it recurs at the same edge of at least this share of pages.
MIN_SHARE = 0.4
MIN_PAGES = 3


def _shape(text: str) -> str:
    """A line with its digits masked, so "Handbook 12" and "Handbook 13" compare equal."""
    return re.sub(r"\d+", "#", clean(text)).lower()


def find_furniture(lines: Sequence[Line]) -> set[int]:
    """Indexes (into ``lines``) of page numbers and of header/footer lines repeated across pages."""
    pages: dict[int, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        if clean(line.text):
            pages[line.page].append(index)
    found: set[int] = set()
    for indexes in pages.values():
        for edge in (indexes[:1], indexes[-1:]):
            if edge and _PAGE_NUMBER.match(clean(lines[edge[0]].text)):
                found.add(edge[0])
    if len(pages) < MIN_PAGES:
        return found
    for position in (0, -1):
        edges = [indexes[position] for indexes in pages.values() if indexes]
        shapes = Counter(_shape(lines[i].text) for i in edges)
        for i in edges:
            shape = _shape(lines[i].text)
            if shapes[shape] >= max(MIN_PAGES, MIN_SHARE * len(pages)) and i not in found:
                found.add(i)
    return found
