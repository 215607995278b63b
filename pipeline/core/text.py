"""Text clean-up shared by every stage: whitespace, wrapped lines, bullets."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")
# Bullet glyphs the handbooks' PDF extractions leave at the start of list items:
# U+2022, U+F0B7 and U+F0A7 (Symbol/Wingdings private-use bullets), U+25AA, U+2013.
_BULLET = re.compile(r"^[\u2022\uf0b7\uf0a7\uf0d8\u25aa\u25cf\u2013\u2212\u00b7*]\s*")
# A heading repeated after a page break: "Knowledge and understanding (continued)",
# "Range (cont'd)", "Impression and Image (cont.) Level Credit".
_CONTINUED = re.compile(r"\s*[(\[]\s*(?:continued|cont'?d|cont\.?)\s*[)\]]", re.IGNORECASE)
# Characters that are not text: controls and private-use glyphs with no Unicode meaning.
_NON_TEXT = {"Cc", "Co", "Cs"}
# Handbooks write small counts as words ("three of the optional units").
_NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
         "fourteen", "fifteen"]
    )
}


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (tabs, no-break spaces) to one space and trim."""
    return _SPACE.sub(" ", text).strip()


def strip_glyphs(text: str) -> str:
    """Drop control and private-use characters (stray bullets, PDF symbol glyphs)."""
    return "".join(" " if unicodedata.category(c) in _NON_TEXT else c for c in text)


def strip_bullet(text: str) -> tuple[bool, str]:
    """(whether the line began with a bullet glyph, the text without it)."""
    stripped = text.lstrip()
    match = _BULLET.match(stripped)
    if match is None:
        return False, text
    return True, stripped[match.end():]


# Every family's detector and then the chosen parser clean the same line texts again
# (718,535 calls for 40k lines before this cache); remembered, each text is cleaned once.
@lru_cache(maxsize=1 << 17)
def clean(text: str) -> str:
    """Whitespace-normalised text without non-text glyphs; quotes and case kept as written."""
    return normalise_space(strip_glyphs(text))


def without_continued(text: str) -> tuple[bool, str]:
    """(whether a line marks itself as a continued heading, its clean text without the marker)."""
    stripped, marks = _CONTINUED.subn(" ", clean(text))
    return marks > 0, normalise_space(stripped)


def join_wrapped(parts: list[str]) -> str:
    """Join the pieces of a text wrapped over several lines into one clean string.

    A piece ending in a hyphen directly after a letter, followed by one starting in
    lower case, is a word split at the line end ("walled-" + "garden"): it is joined
    without a space, the hyphen kept, since the handbooks only break at real hyphens.
    """
    out = ""
    for part in (clean(p) for p in parts):
        if not part:
            continue
        if not out:
            out = part
        elif re.search(r"[A-Za-z]-$", out) and part[0].islower():
            out += part
        else:
            out += " " + part
    return out


def count_of(word: str) -> int | None:
    """The count a word writes, in digits or in words ("12" -> 12, "Three" -> 3); None if neither."""
    lowered = word.lower()
    return int(lowered) if lowered.isdigit() else _NUMBER_WORDS.get(lowered)
