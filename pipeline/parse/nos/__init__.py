"""ICS web page on the Customer Service National Occupational Standards: the themes of the NOS suite.

The page names no individual standard, so it yields no records of its own: the
corpus step reads the suite's themes through ``themes()`` (the NOS scheme's units
come from the NOS codes other documents name). ``parse`` marks the theme list as
used and reports a page whose list it cannot find.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.core.records import Line
from pipeline.core.text import clean, count_of, strip_bullet
from pipeline.parse import ParseContext, ParseResult

_NOS = re.compile(r"\bNational Occupational Standards \(NOS\)|\bNOS\b")
_SUITE = re.compile(r"\bsuite of (?:[\w ]+ )?(?:NOS|National Occupational Standards)\b", re.I)
# "The standards are organised into five themes:" and a bulleted list; in a printed
# page the introduction may wrap, leaving "themes:" alone at the start of a line.
_INTRO = re.compile(r"\bthemes:$", re.I)
_STATED = re.compile(r"\b(\w+) themes:$", re.I)


@dataclass(frozen=True)
class ThemeList:
    """The sentence that introduces the themes, the bulleted themes, and how many it says there are."""

    intro: tuple[Line, ...]
    items: tuple[Line, ...]
    stated: int | None

    @property
    def names(self) -> list[str]:
        return [strip_bullet(clean(line.text))[1].rstrip(". ") for line in self.items]


def find_themes(lines: Sequence[Line]) -> ThemeList | None:
    """The first bulleted list introduced by "... themes:", if the page has one."""
    written = [line for line in lines if clean(line.text)]
    for index, line in enumerate(written):
        if not _INTRO.search(clean(line.text)):
            continue
        # The count ("five themes:") may sit at the end of the line before.
        intro = (line,) if _STATED.search(clean(line.text)) or index == 0 else (written[index - 1], line)
        stated = _STATED.search(" ".join(clean(l.text) for l in intro))
        items = []
        for item in written[index + 1:]:
            if not strip_bullet(clean(item.text))[0]:
                break
            items.append(item)
        if items:
            return ThemeList(intro, tuple(items), count_of(stated.group(1)) if stated else None)
    return None


def themes(lines: Sequence[Line]) -> list[str]:
    """The themes the NOS suite is organised into, as the page writes them, in its order."""
    found = find_themes(lines)
    return found.names if found else []


def detect(lines: Sequence[Line]) -> float:
    """How strongly the wording says this is a page about the NOS suite (0..1)."""
    texts = [clean(line.text) for line in lines]
    score = 0.6 if find_themes(lines) else 0.0
    score += 0.3 if any(_SUITE.search(t) for t in texts) else 0.0
    score += 0.1 if any(_NOS.search(t) for t in texts) else 0.0
    return score


def parse(ctx: ParseContext) -> ParseResult:
    """No records: the theme list is marked used for ``themes()``; a missing or miscounted list is an issue."""
    found = find_themes(ctx.lines)
    if found is None:
        ctx.issue("nos-themes-missing", "no bulleted list introduced by '... themes:' on the NOS page",
                  severity="error")
        return ParseResult()
    ctx.use(*found.intro, *found.items)
    if found.stated is not None and found.stated != len(found.items):
        ctx.issue("theme-count-mismatch",
                  f"the page announces {found.stated} themes and lists {len(found.items)}", at=found.intro[-1])
    return ParseResult()
