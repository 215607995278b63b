"""The kinds of rules of combination and the units each counts, declared once for the parsers and the RPL engine.

A rule's ``kind`` names its scope; every bound stated on the row (``min_credits``,
``max_credits``, ``min_units``, ``max_units``) is checked against the units in that scope.
"""

from __future__ import annotations

# kind -> scope: which of a qualification's units a rule of that kind counts.
#   all             every unit of the qualification
#   mandatory       the mandatory units
#   group           the units of the rule's group (`Optional`: every unit that is not mandatory)
#   level_or_above  units at the rule's level or above (QCF "credits at level N or above")
#   at_level        units at exactly the rule's level ("units imported from level N")
KINDS: dict[str, str] = {
    "total": "all",
    "mandatory": "mandatory",
    "group_min": "group",
    "group_max": "group",
    "level_min": "level_or_above",
    "units_min": "all",
    "units_max": "all",
    "import_cap": "at_level",
}

# scope -> the condition a unit meets to count: (unit field, test, rule field), or None for every unit.
#   "true": the unit field is true; "has": the unit field (a list) holds the rule field, lowercased;
#   ">=" and "==": the unit field against the rule field (a unit without the field never counts).
SCOPES: dict[str, tuple[str, str, str | None] | None] = {
    "all": None,
    "mandatory": ("mandatory", "true", None),
    "group": ("groups", "has", "group"),
    "level_or_above": ("level", ">=", "level"),
    "at_level": ("level", "==", "level"),
}

# bound column -> (what it measures, how the achieved figure must compare with it)
BOUNDS: dict[str, tuple[str, str]] = {
    "min_credits": ("credits", ">="),
    "max_credits": ("credits", "<="),
    "min_units": ("units", ">="),
    "max_units": ("units", "<="),
}

# The group that gathers every unit that is not mandatory, as handbooks name it.
OPTIONAL_GROUP = "optional"


def member_groups(group: str, theme: str | None, mandatory: bool) -> list[str]:
    """The rule groups a unit counts in: its table group, its theme, and ``optional`` when not mandatory."""
    names = [group, theme or "", "" if mandatory else OPTIONAL_GROUP]
    return sorted({n.lower() for n in names if n})


def description() -> dict[str, object]:
    """The kinds, scopes and bounds as plain data, as the RPL engine (``pipeline/core/rpl_engine.js``) reads them."""
    return {"kinds": KINDS, "scopes": {k: list(v) if v else None for k, v in SCOPES.items()},
            "bounds": {k: list(v) for k, v in BOUNDS.items()}}

