"""New editions of a raw handbook, made by editing its text the way an awarding body reissues it.

Each edit states what it changes by reading the handbook (a structure-table row, a
unit's body between its running headers) and fails loudly when the text it edits is
not there, so a test can never pass on an edit that did nothing.
"""

from __future__ import annotations

import re


def _count(text: str, old: str) -> int:
    found = text.count(old)
    assert found, f"not in the handbook: {old!r}"
    return found


def retitle(text: str, old_title: str, new_title: str) -> str:
    """Every statement of a title (structure table, unit heading, running headers) reads the new one."""
    _count(text, old_title)
    return text.replace(old_title, new_title)


def body_span(text: str, number: str) -> tuple[int, int]:
    """Where unit ``number``'s body runs: from its first running header to the next unit's."""
    start = re.search(rf"^ Unit {number} ", text, re.M)
    assert start, f"no body for unit {number}"
    following = re.compile(rf"^ Unit (?!{number}\b)\d{{3}} |^Appendix", re.M)
    end = following.search(text, start.end())
    return start.start(), end.start() if end else len(text)


def in_body(text: str, number: str, old: str, new: str, pattern: bool = False, count: int = 0) -> str:
    """Replace ``old`` (a regex when ``pattern``) with ``new`` inside one unit's body only."""
    start, end = body_span(text, number)
    body = text[start:end]
    edited = re.sub(old, new, body, count=count, flags=re.M) if pattern else body.replace(old, new)
    assert edited != body, f"unit {number}: nothing matched {old!r}"
    return text[:start] + edited + text[end:]


def replace_row(text: str, row: str, new_row: str) -> str:
    """Replace one structure-table row (as printed, on its own line)."""
    assert _count(text, row) == 1, f"row printed more than once: {row!r}"
    return text.replace(row, new_row)


def withdraw(text: str, row: str, number: str) -> str:
    """Drop a unit: its structure-table row and its body."""
    text = replace_row(text, row, "")
    start, end = body_span(text, number)
    return text[:start] + text[end:]


def renumber_outcome(text: str, number: str, old_no: int, new_no: int) -> str:
    """Give a unit's outcome a new number: its entry in the outcomes list, its heading and its criteria."""
    text = in_body(text, number, rf"^{old_no} (?=[A-Z])", f"{new_no} ", pattern=True, count=1)
    text = in_body(text, number, f"Outcome {old_no}:", f"Outcome {new_no}:")
    # A criterion number may follow the stray leading space of a page's first line.
    return in_body(text, number, rf"^( ?){old_no}\.(\d+) ", rf"\g<1>{new_no}.\2 ", pattern=True)
