"""Page furniture, the one detector: whatever a page repeats is set aside, never glued to the item before it.

Running headers, footers and page numbers that recur at a page edge; headings repeated
with "(continued)"; a heading restated at a page top (wrapped as that page wraps it);
printed footers naming the qualification with a page number, left inside a text where
the page break was lost.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from pipeline.core.records import Line
from pipeline.core.text import clean, without_continued

# A line is furniture when it recurs at the same edge of at least this share of pages.
MIN_SHARE = 0.4
MIN_PAGES = 3
# A printed footer: a page number, then the name of the document's qualification, or that name then the number.
_NUMBER_FIRST = re.compile(r"^\d{1,3}\s+(\S.*)$")
_NUMBER_LAST = re.compile(r"^(\S.*?)\s+\d{1,3}$")


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


def printed_footer(text: str, name: re.Pattern[str]) -> re.Match[str] | None:
    """The qualification ``name`` a printed footer states around its page number ("52 Level 3 NVQ ... (4430-03)",
    "Level 3 N/SVQ in Customer Services 43"), or None when the line is no such footer."""
    text = clean(text)
    for numbered in (_NUMBER_FIRST.match(text), _NUMBER_LAST.match(text)):
        if numbered and (named := name.fullmatch(numbered.group(1))):
            return named
    return None


def repeated_lines(lines: Sequence[Line], start: int, heading: str) -> int:
    """How many lines from ``start`` restate ``heading`` (wrapped as the page wraps it); 0 if they do not."""
    text = clean(lines[start].text)
    if not text or not (heading == text or heading.startswith(text + " ")):
        return 0
    taken = 1
    while text != heading and start + taken < len(lines):
        longer = text + " " + clean(lines[start + taken].text)
        if not (heading == longer or heading.startswith(longer + " ")):
            break
        text, taken = longer, taken + 1
    return taken


def split_repeats(lines: Sequence[Line], heading: str) -> tuple[list[Line], list[Line]]:
    """(``lines`` less the ``heading`` restated at page tops, the restating lines): a running header
    ("Unit 301 Demonstrate understanding of customer" / "service") recognised by its text, not its place."""
    kept: list[Line] = []
    repeats: list[Line] = []
    i = 0
    while i < len(lines):
        taken = repeated_lines(lines, i, heading)
        repeats += lines[i : i + taken]
        kept += lines[i : i + 1] if not taken else []
        i += taken or 1
    return kept, repeats
