"""The one rules reader: rules of combination as documents word them, read into one typed record.

``statements`` finds every rule a text states, with where it states it; a family
decides how much of its text each rule row quotes (the sentence, the clause or the
words themselves) and names the groups an "each group" rule stands for. ``typed_rule``
gives the row its ``kind`` from the group it constrains and the bounds it states.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.core.records import Rule
from pipeline.core.text import count_of

# The group names the wordings give ("Overall", "Mandatory", "Level 3 or above", "Imported from level 2").
_WHOLE = {"overall", "total"}
_AT_LEVEL = re.compile(r"^level (\d+)\b", re.IGNORECASE)
_IMPORTED = re.compile(r"^imported from level (\d+)$", re.IGNORECASE)
# The group of a rule that stands for every optional group ("at least one unit from each optional group").
EACH = "each"


@dataclass(frozen=True)
class Statement:
    """A rule a text states: the group it constrains (``EACH``: every group a list or table names), its bounds,
    and the span of the text that states it. ``numbered`` are the groups it names by number ("groups 1, 2 and 3");
    ``listed`` says it introduces the list after it ("... from each of three groups:")."""

    group: str
    start: int
    end: int
    min_credits: int | None = None
    max_credits: int | None = None
    min_units: int | None = None
    max_units: int | None = None
    numbered: tuple[int, ...] = ()
    listed: bool = False
    stated_count: int | None = None  # how many items the list it introduces should hold


# How a wording's match reads into the statements it makes.
_Reader = Callable[[re.Match[str]], list[Statement]]


def _level(match: re.Match[str]) -> str:
    """"Level 3", "Level 3 or above", "Level 3 or higher": the group as the document words it."""
    return f"Level {match.group('level')}{(match.group('above') or '').lower()}"


def _credits(group: str | Callable[[re.Match[str]], str]) -> _Reader:
    """A wording whose first number is the minimum credits of ``group``."""
    def read(m: re.Match[str]) -> list[Statement]:
        name = group(m) if callable(group) else group
        return [Statement(name, m.start(), m.end(), min_credits=int(m.group("n")))]
    return read


def _units(group: str, *, exact: bool = False) -> _Reader:
    """A wording whose count (a word or digits) is the minimum units of ``group``; ``exact``: the maximum too."""
    def read(m: re.Match[str]) -> list[Statement]:
        n = count_of(m.group("n"))
        if n is None:
            return []
        listed = m.group(0).endswith(":")
        return [Statement(group, m.start(), m.end(), min_units=n, max_units=n if exact else None, listed=listed)]
    return read


def _split(m: re.Match[str]) -> list[Statement]:
    """"two mandatory and six optional": exactly so many of each."""
    a, b = count_of(m.group("a")), count_of(m.group("b"))
    if a is None or b is None:
        return []
    return [Statement("Mandatory", m.start(), m.end(), min_units=a, max_units=a),
            Statement("Optional", m.start(), m.end(), min_units=b, max_units=b)]


def _each(m: re.Match[str]) -> list[Statement]:
    """"at least one unit from each optional group 1, 2 and 3", "... from each of three groups:"."""
    numbered = tuple(int(n) for n in re.findall(r"\d+", m.group("numbers") or ""))
    stated = count_of(m.group("count")) if m.group("count") else None
    return [Statement(EACH, m.start(), m.end(), min_units=count_of(m.group("n")), numbered=numbered,
                      listed=m.group(0).endswith(":"), stated_count=stated)]


def _further(m: re.Match[str]) -> list[Statement]:
    """"A further 30 credits must be achieved by completing a minimum of one unit from each Optional Group."""
    found = [Statement("Optional", m.start(), m.end(), min_credits=int(m.group("n")))]
    if each := re.search(r"minimum of (\w+) units? from each optional group", m.group(0), re.IGNORECASE):
        found.append(Statement(EACH, m.start(), m.end(), min_units=count_of(each.group(1))))
    return found


def _group_bounds(m: re.Match[str]) -> list[Statement]:
    """"A minimum of 10 credits and a maximum of 20 credits must come from Group B": a named group's bounds."""
    found = m.groupdict()
    low, high = found.get("n"), found.get("max")
    group = "Group " + m.group("group").split()[1]
    return [Statement(group, m.start(), m.end(), min_credits=int(low) if low else None,
                      max_credits=int(high) if high else None)]


def _imported(m: re.Match[str]) -> list[Statement]:
    n = count_of(m.group("n"))
    return [] if n is None else [Statement(f"Imported from level {m.group('level')}", m.start(), m.end(), max_units=n)]


_NUMBER = r"(?P<n>\w+)"
# Each wording and how it reads; statements of one group whose words overlap are the same rule said once.
WORDINGS: tuple[tuple[re.Pattern[str], _Reader], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), read) for pattern, read in (
        (r"Minimum credit value\s*:?\s*(?P<n>\d+)", _credits("Overall")),
        (r"\btotal of (?P<n>\d+) credits", _credits("Overall")),
        (r"\bminimum of (?P<n>\d+) credits (?:to|in order to) (?:gain|achieve|be awarded)\b", _credits("Overall")),
        (r"\b(?:must|to) achieve (?:a )?(?:minimum|total) of (?P<n>\d+) credits\b(?! (?:from|at|must|in)\b)",
         _credits("Overall")),
        (r"(?:\bA )?(?:minimum of|at least) (?P<n>\d+) credits must be (?:achieved )?at "
         r"level (?P<level>\d)(?P<above> or (?:above|higher))?\.?", _credits(_level)),
        (r"(?:The learner|Learners|Candidates) must achieve (?P<n>\d+) credits from the Mandatory Units?\.?",
         _credits("Mandatory")),
        (r"\b(?P<n>\d+) (?:credits )?from the (?P<group>mandatory|optional) units",
         _credits(lambda m: m.group("group").capitalize())),
        (r"A further (?P<n>\d+) credits must be achieved\b[^.]{0,200}\.?", _further),
        (r"\b(?:(?:a )?(?:minimum of|at least) )?(?P<n>\d+) credits(?: and (?:a )?maximum of (?P<max>\d+) credits)? "
         r"(?:(?:must|should|are to) (?:come|be (?:achieved|taken|chosen)) )?from (?:optional )?(?P<group>group \w+)",
         _group_bounds),
        (r"\b(?:a )?maximum of (?P<max>\d+) credits (?:may|can|must) (?:come|be (?:achieved|taken|chosen)) from "
         r"(?P<group>group \w+)", _group_bounds),
        (r"\btake (?P<n>\d+) credits['\u2019]? worth of optional units\b", _credits("Optional")),
        (rf"\bcomplete {_NUMBER} core units?:$", _units("Mandatory")),
        (rf"\bat least {_NUMBER} units? from each (?:optional group (?P<numbers>(?:\d+(?:,\s*|\s+and\s+|\s+or\s+)?)+)"
         rf"|of (?P<count>\w+) groups:$)", _each),
        (rf"\bat least {_NUMBER} optional units? from each theme\b", _units(EACH)),
        (r"\b(?P<a>\w+) mandatory and (?P<b>\w+) optional\b", _split),
        (rf"\bimported from level (?P<level>\d) is {_NUMBER}\b", _imported),
        (rf"\bcomplete {_NUMBER} units\b", _units("Total", exact=True)),
    )
)


def statements(text: str) -> list[Statement]:
    """Every rule ``text`` states, in the order it states them."""
    found = [s for pattern, read in WORDINGS for m in pattern.finditer(text) for s in read(m)]
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[Statement] = []
    for s in found:
        if not any(k.group == s.group and k.start < s.end and s.start < k.end for k in kept):
            kept.append(s)
    return kept


def typed_rule(
    qualification_id: str, group: str, text: str, *, min_credits: int | None = None, max_credits: int | None = None,
    min_units: int | None = None, max_units: int | None = None,
) -> Rule:
    """The rule with its ``kind`` (and ``level``) read from the group it constrains and the bounds it states."""
    name, level = group.lower(), None
    if name in _WHOLE:
        credits = min_credits is not None or max_credits is not None
        kind = "total" if credits else "units_min" if min_units is not None else "units_max"
    elif name == "mandatory":
        kind = "mandatory"
    elif match := _IMPORTED.match(group):
        kind, level = "import_cap", int(match.group(1))
    elif match := _AT_LEVEL.match(group):
        kind, level = "level_min", int(match.group(1))
    else:
        kind = "group_min" if min_credits is not None or min_units is not None else "group_max"
    return Rule(qualification_id, kind, group, level, min_credits, max_credits, min_units, max_units, text)


def rule_of(qualification_id: str, statement: Statement, group: str, text: str) -> Rule:
    """The typed rule a statement gives for ``group`` (its own, or one an "each" statement stands for)."""
    return typed_rule(qualification_id, group, text, min_credits=statement.min_credits,
                      max_credits=statement.max_credits, min_units=statement.min_units, max_units=statement.max_units)
