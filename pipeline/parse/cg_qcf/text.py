"""Text helpers of the City & Guilds QCF parser: page footers and sentences."""

from __future__ import annotations

import re

from pipeline.parse.toolkit.furniture import printed_footer

# A printed page footer left inside the text where a page break was lost:
# "52 Level 3 NVQ Diploma in Customer Service (4430-03)" or "... (4430-03) 57".
_NAME = re.compile(r"\S.*\(\d{4}-\d{2}\)")


def is_footer(text: str) -> bool:
    """Whether a line is a page footer naming the qualification and a page number."""
    return printed_footer(text, _NAME) is not None


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The (start, end) of the sentence of ``text`` that holds ``text[start:end]``."""
    before = text.rfind(". ", 0, start)
    after = text.find(".", end)
    return (before + 2 if before >= 0 else 0), (after + 1 if after >= 0 else len(text))
