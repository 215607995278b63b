"""The pdfplumber reader the pipeline used before PDFium: the oracle the new reader is checked against.

It reads pages with pdfplumber's per-character objects and ``extract_text_lines``,
so it is slow; tests run it on a sample of pages.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from statistics import median

import pdfplumber
from pdfplumber.utils import cluster_objects

from pipeline.core.records import Line

# pdfminer writes "(cid:NN)" for a glyph whose font has no Unicode mapping: the
# character is unknowable, so it is dropped from the text and counted per page.
_CID = re.compile(r"\(cid:\d+\)")
_SPACES = re.compile(r" {2,}")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# Fake bold is drawn by printing each glyph twice, slightly offset: a char with the
# same text, font and size as another within this distance (points) is its duplicate.
_DUPLICATE_TOLERANCE = 1


def _fake_bold_duplicates(chars: list[dict]) -> set[int]:
    """The ids of the chars that repeat another nearby (the first, topmost-leftmost, is kept).

    The same clustering as pdfplumber's ``dedupe_chars``, whose final reordering by
    ``list.index`` is quadratic in a page's chars; here nothing needs reordering.
    """
    alike: dict[tuple, list[dict]] = defaultdict(list)
    for char in chars:
        alike[char["upright"], char["text"], char["fontname"], char["size"]].append(char)
    duplicates: set[int] = set()
    for group in alike.values():
        for row in cluster_objects(group, "doctop", _DUPLICATE_TOLERANCE):
            for cluster in cluster_objects(row, "x0", _DUPLICATE_TOLERANCE):
                kept = min(cluster, key=lambda char: (char["doctop"], char["x0"]))
                duplicates.update(id(char) for char in cluster if char is not kept)
    return duplicates


def _without_fake_bold(page: pdfplumber.page.Page) -> pdfplumber.page.Page:
    """The page less the duplicate chars of fake bold, so "UUnniitt" reads "Unit"."""
    duplicates = _fake_bold_duplicates(page.chars)
    return page.filter(lambda obj: id(obj) not in duplicates)


def _font_of(chars: list[dict]) -> tuple[str | None, float | None, bool | None]:
    """The dominant font of a line's glyphs, their median size and whether it is bold.

    pdfplumber lists a char once per letter of its text ("(cid:1)" seven times), so
    each char is counted once; unmapped (cid) glyphs say nothing about the line's font.
    """
    unique = {id(c): c for c in chars}.values()
    glyphs = [c for c in unique if not c["text"].isspace() and not _CID.fullmatch(c["text"])]
    if not glyphs:
        return None, None, None
    font = Counter(c.get("fontname") for c in glyphs).most_common(1)[0][0]
    # Subset fonts are named "ABCDEF+Arial-BoldMT"; the prefix says nothing about the face.
    name = font.split("+", 1)[-1] if font else None
    size = round(median(c["size"] for c in glyphs), 2)
    return name, size, bool(name and _BOLD_FONT.search(name))


def plumber_lines(path: Path, pages: list[int]) -> list[Line]:
    """The lines of the given pages (1-based) as pdfplumber reads them."""
    lines: list[Line] = []
    with pdfplumber.open(path, pages=pages) as pdf:
        for page in pdf.pages:
            number = 0
            for found in _without_fake_bold(page).extract_text_lines(strip=True, return_chars=True, expand_ligatures=True):
                text = _SPACES.sub(" ", _CID.sub("", found["text"])).strip()
                if not text:
                    continue
                number += 1
                font, size, bold = _font_of(found["chars"])
                lines.append(Line(page=page.page_number, line=number, text=text, font=font, size=size, bold=bold))
            page.close()
    return lines
