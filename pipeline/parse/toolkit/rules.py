"""One typed rule of combination from what a family's rules reader found: its group, bounds and sentence."""

from __future__ import annotations

import re

from pipeline.records import Rule

# The group names the rules readers give ("Overall", "Mandatory", "Level 3 or above", "Imported from level 2").
_WHOLE = {"overall", "total"}
_AT_LEVEL = re.compile(r"^level (\d+)\b", re.IGNORECASE)
_IMPORTED = re.compile(r"^imported from level (\d+)$", re.IGNORECASE)


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
