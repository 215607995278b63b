"""The kinds of rules of combination and the units each counts, declared once for the parsers, `rpl` and the page.

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

# bound column -> (what it measures, how the achieved figure must compare with it)
BOUNDS: dict[str, tuple[str, str]] = {
    "min_credits": ("credits", ">="),
    "max_credits": ("credits", "<="),
    "min_units": ("units", ">="),
    "max_units": ("units", "<="),
}

# The group that gathers every unit that is not mandatory, as handbooks name it.
OPTIONAL_GROUP = "optional"


def description() -> dict:
    """The kinds and bounds as plain data, for the page's evaluator."""
    return {"kinds": KINDS, "bounds": {k: list(v) for k, v in BOUNDS.items()}, "optional_group": OPTIONAL_GROUP}
