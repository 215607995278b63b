"""Qualification prose shared by the brochure and catalogue parsers.

Wrapped paragraphs traced back to their lines (joined text, sentences), awarding-body
ids and title variants.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.core.records import Line
from pipeline.core.text import clean
from pipeline.parse import ParseContext

# A sentence runs to a full stop, question mark or colon followed by a space or the
# end, so a list introduction ("... from each of three groups:") is a sentence too.
_SPLIT_WORD = re.compile(r"[A-Za-z]-$")  # a word split at the line end, as join_wrapped reads it
_SENTENCE = re.compile(r"\S.*?(?:[.?:](?=\s|$)|$)", re.S)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a paragraph and the lines it was written on."""

    text: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Joined:
    """Lines joined into one text with single spaces, remembering where each line sits."""

    text: str
    spans: tuple[tuple[int, int, Line], ...]

    def lines_in(self, start: int, end: int) -> list[Line]:
        """The lines whose text overlaps ``text[start:end]``."""
        return [line for s, e, line in self.spans if s < end and e > start]


def join_lines(lines: Sequence[Line]) -> Joined:
    """``lines`` as one clean text (pieces joined by a space) with each line's offsets."""
    text = ""
    spans = []
    for line in lines:
        piece = clean(line.text)
        if not piece:
            continue
        if text:
            text += " "
        spans.append((len(text), len(text) + len(piece), line))
        text += piece
    return Joined(text, tuple(spans))


def sentences(lines: Sequence[Line]) -> list[Sentence]:
    """The sentences of a paragraph wrapped over ``lines``, each with the lines it spans."""
    pieces: list[str] = []
    size = 0
    spans: list[tuple[int, int, Line]] = []
    for line in lines:
        piece = clean(line.text)
        if not piece:
            continue
        start = size + 1 if pieces else 0
        # Joined as join_wrapped joins wrapped lines, one line at a time (never the whole text again).
        glue = "" if not pieces or (_SPLIT_WORD.search(pieces[-1]) and piece[0].islower()) else " "
        pieces.append(glue + piece)
        size += len(glue) + len(piece)
        spans.append((start, size, line))
    text = "".join(pieces)
    found = []
    for match in _SENTENCE.finditer(text):
        covered = tuple(line for start, end, line in spans if start < match.end() and end > match.start())
        found.append(Sentence(match.group().strip(), covered))
    return found


def body_prefix(publisher: str) -> str:
    """The short id of an awarding body, as qualification ids begin: "City & Guilds" -> "cg", "OCR" -> "ocr"."""
    words: list[str] = [w for w in re.findall(r"[A-Za-z]+", publisher) if w[0].isupper()]
    if len(words) == 1:
        return words[0].lower()
    return "".join(w[0] for w in words).lower()


def title_variant(ctx: ParseContext, qualification_id: str, title: str, variant: str, at: Line) -> None:
    """Report that a document also writes a qualification's title another way (the kept title is ``title``)."""
    if variant != title:
        ctx.issue(
            "title-variant",
            f"{qualification_id}: the title is also written {variant!r}; kept {title!r}",
            at=at,
        )
