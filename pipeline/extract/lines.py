"""Glyphs into text lines: fake bold removed, glyphs grouped by position, words parted by gaps."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from statistics import median
from typing import TypeVar

from pipeline.extract.glyphs import Glyph

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# White space other than the space: a word of it alone is no letters.
_OTHER_SPACE = re.compile(r"[^\S ]")
# Fake bold is drawn by printing each glyph twice, slightly offset: a glyph with the
# same text, font and size as another within this distance (points) is its duplicate.
DUPLICATE_TOLERANCE = 1.0
# Glyphs whose tops are this close (points) sit on one line: pdfplumber's default.
Y_TOLERANCE = 3.0

T = TypeVar("T")


def clusters(items: Sequence[T], key: Callable[[T], float], tolerance: float) -> list[list[T]]:
    """Items grouped by ``key``: a value within ``tolerance`` of the one below it joins its group.

    pdfplumber's ``cluster_objects``, as the handbooks were first read with: groups in
    the order of their values, items in their own order within a group.
    """
    group_of: dict[float, int] = {}
    group, last = -1, float("-inf")
    for value in sorted(set(map(key, items))):
        if value > last + tolerance:
            group += 1
        group_of[value], last = group, value
    grouped: dict[int, list[T]] = defaultdict(list)
    for item in items:
        grouped[group_of[key(item)]].append(item)
    return [grouped[g] for g in sorted(grouped)]
# A gap wider than this share of the font's space parts two words where the PDF prints
# no space glyph (Chromium's Skia writer, for one, prints none); where PDFium saw a word
# break there too (a space it generated), a gap of the narrower share is enough. Within
# a word, glyphs abut: kerning and rounding leave gaps of a few hundredths of an em.
WORD_GAP = 0.5
SPACED_WORD_GAP = 0.25


def parts_words(left: Glyph, right: Glyph) -> bool:
    """Whether the gap between two glyphs of a line, left to right, is a word space."""
    share = SPACED_WORD_GAP if right.spaced else WORD_GAP
    return right.x0 - left.x1 > share * max(left.space, right.space)


@dataclass(frozen=True)
class TextLine:
    """One line of glyph runs on a page, left to right (in a ruled table's cells, of words and printed spaces)."""

    glyphs: tuple[Glyph, ...]

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def x0(self) -> float:
        return min(g.x0 for g in self.glyphs)

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs)

    def overlapping(self) -> bool:
        """Whether a glyph run starts left of the last character of the run left of it: their words may interleave."""
        return any(right.x0 <= left.last_x0 for left, right in pairwise(self.glyphs))

    def first_word_width(self) -> float:
        """The printed width of the line's first word (of a line of words and printed spaces)."""
        last: Glyph | None = None
        for glyph in self.glyphs:
            if glyph.text.isspace() or (last is not None and parts_words(last, glyph)):
                break
            last = glyph
        return last.x1 - self.glyphs[0].x0 if last else 0.0

    @cached_property
    def text(self) -> str:
        """The glyphs' text, a space where a gap parts words, spaces collapsed."""
        last, *rest = self.glyphs
        parts: list[str] = [last.text]
        for glyph in rest:
            # A gap parts words (``parts_words``, inlined: it runs for every glyph); so does
            # a step down, where a wrapped line of a table cell was joined onto the line before it.
            gap = glyph.x0 - last.x1
            if (gap > 0 and gap > (SPACED_WORD_GAP if glyph.spaced else WORD_GAP) * (
                    last.space if last.space > glyph.space else glyph.space)) or glyph.top > last.top + Y_TOLERANCE:
                parts.append(" ")
            parts.append(glyph.text)
            last = glyph
        return " ".join("".join(parts).split())


def without_fake_bold(glyphs: list[Glyph]) -> list[Glyph]:
    """The glyphs less those that repeat another nearby (the topmost-leftmost copy is kept).

    The same clustering as pdfplumber's ``dedupe_chars``, so "UUnniitt" reads "Unit";
    it runs only on the kinds of glyph that have a copy within a point, which most
    pages have none of.
    """
    bands: dict[tuple[str, str | None, float, int], list[float]] = defaultdict(list)
    for glyph in glyphs:
        bands[glyph.text, glyph.font, glyph.size, int(glyph.top)].append(glyph.x0)
    doubled = set()
    for key, xs in bands.items():
        # A copy within a point sits in the same one-point band of tops or the next.
        below = bands.get((key[0], key[1], key[2], key[3] + 1))
        if below is None and len(xs) == 1:
            continue  # most runs: nothing like them nearby
        near = sorted(xs + (below or []))
        if any(b - a <= DUPLICATE_TOLERANCE for a, b in pairwise(near)):
            doubled.add(key[:3])
    if not doubled:
        return glyphs
    alike: dict[tuple[str, str | None, float], list[Glyph]] = defaultdict(list)
    for glyph in glyphs:
        if (glyph.text, glyph.font, glyph.size) in doubled:
            alike[glyph.text, glyph.font, glyph.size].append(glyph)
    duplicates: set[int] = set()
    for group in alike.values():
        for row in clusters(group, lambda g: g.top, DUPLICATE_TOLERANCE):
            for cluster in clusters(row, lambda g: g.x0, DUPLICATE_TOLERANCE):
                kept = min(cluster, key=lambda g: (g.top, g.x0))
                duplicates.update(id(g) for g in cluster if g is not kept)
    return [g for g in glyphs if id(g) not in duplicates]


def text_lines(glyphs: list[Glyph]) -> list[TextLine]:
    """Glyphs grouped into lines, top to bottom, each left to right; blank lines dropped."""
    lines = []
    for row in clusters(glyphs, lambda g: g.top, Y_TOLERANCE):
        row.sort(key=lambda g: g.x0)
        line = TextLine(tuple(row))
        if line.text:
            lines.append(line)
    return lines


def font_of(glyphs: tuple[Glyph, ...]) -> tuple[str | None, float | None, bool | None]:
    """The dominant font of a line's letters, their median size and whether it is bold (a run counts its letters)."""
    printed = [(g, count) for g in glyphs if (count := _letters(g.text))]
    if not printed:
        return None, None, None
    first = printed[0][0]
    if all(g.font == first.font and g.size == first.size for g, _ in printed):  # most lines
        return first.font, first.size, bool(first.font and _BOLD_FONT.search(first.font))
    letters: Counter[str | None] = Counter()
    for glyph, count in printed:
        letters[glyph.font] += count
    name = letters.most_common(1)[0][0]
    sizes = [g.size for g, _ in printed]
    size = sizes[0] if min(sizes) == max(sizes) else round(median(g.size for g, count in printed for _ in range(count)), 2)
    return name, size, bool(name and _BOLD_FONT.search(name))


def _letters(text: str) -> int:
    """The characters of a run's words, less its spaces and its words of white space alone."""
    if " " not in text:
        return 0 if text.isspace() else len(text)
    if not _OTHER_SPACE.search(text):
        return len(text) - text.count(" ")
    return sum(len(word) for word in text.split(" ") if word and not word.isspace())
