"""Notes under a list of criteria ("Range", "Guidance", "Note"): their own records, never part of a criterion."""

from __future__ import annotations

import re

from pipeline.core.text import clean

# The label stands alone on its line or is followed by a colon or dash: a criterion's
# wrapped line may begin with the word ("range of customers"), never capitalised so.
_NOTE = re.compile(r"^(Range|Guidance|Notes?)(?:\s*[:\-\u2013]\s*(.*)|\s*)$")


def note_label(text: str) -> tuple[str, str] | None:
    """(kind: range, guidance or note; the text on the label's line) when a line opens a note."""
    match = _NOTE.match(clean(text))
    if match is None:
        return None
    return match.group(1).lower().rstrip("s"), match.group(2) or ""
