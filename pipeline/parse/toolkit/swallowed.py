"""Criteria and titles that swallowed another section's words: error-level issues, never silent."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict

from pipeline.core.records import Issue
from pipeline.core.text import without_continued
from pipeline.parse import ParseResult

# Another item's number inside a text ("... the service offer 1.3 use language ..."),
# or a heading carried over a page break.
_NUMBERED_ITEM = re.compile(r"(?<![\w.])\d{1,3}\.\d{1,2}(?:\.\d{1,2})?\s+[a-z]")
# A text this many times its siblings' median length (and past MIN_SWALLOWED characters) ran on.
MAX_LENGTH_RATIO = 4
MIN_SWALLOWED = 200


def _why(text: str, sibling_median: float) -> str | None:
    if without_continued(text)[0]:
        return "a continued heading"
    if match := _NUMBERED_ITEM.search(text):
        return f"another item's number ({match.group().split()[0]})"
    if len(text) > max(MAX_LENGTH_RATIO * sibling_median, MIN_SWALLOWED):
        return f"{len(text)} characters where its siblings have about {sibling_median:.0f}"
    return None


def swallowed_text(doc_id: str, result: ParseResult) -> list[Issue]:
    """One ``text-swallowed`` error per criterion or outcome title holding words of another section."""
    siblings: dict[tuple[str, str], list[int]] = defaultdict(list)
    for c in result.criteria:
        siblings[(c.unit_key, c.kind)].append(len(c.text))
    titles: dict[str, list[int]] = defaultdict(list)
    for o in result.outcomes:
        titles[o.unit_key].append(len(o.title))
    issues = []
    for c in result.criteria:
        if why := _why(c.text, statistics.median(siblings[(c.unit_key, c.kind)])):
            issues.append(Issue(doc_id, c.page, None, "error", "text-swallowed", f"{c.criterion_key} holds {why}"))
    for o in result.outcomes:
        if why := _why(o.title, statistics.median(titles[o.unit_key])):
            issues.append(Issue(doc_id, o.page, None, "error", "text-swallowed",
                                f"the title of {o.unit_key} outcome {o.outcome_no} holds {why}"))
    return issues
