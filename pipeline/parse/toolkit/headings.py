"""Headings that come back as page furniture: a unit's or an outcome's heading repeated at a page top."""

from __future__ import annotations

from typing import Sequence

from pipeline.records import Line
from pipeline.text import clean


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
