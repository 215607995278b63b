"""Links carried through families: only to a new unit that the family's evidence singles out.

The families here are gathered by ``build_families`` from units made up for the test:
a reception standard (NOS R4) that an old unit matches by title, and a new scheme
whose units state R4 in varying numbers.
"""

from __future__ import annotations

from pipeline.core.records import Unit, UnitMatch
from pipeline.match.bridges import Bridge, family_bridges
from pipeline.match.families import build_families
from tests.match.factories import candidates, roster, unit

OLD = unit("old", "12", "Greet callers at the front desk")
STANDARD = unit("std", "R4", "Welcome visitors to the premises", nos_code="R4")
HOTEL = unit("new", "301", "Welcome guests arriving at a hotel", nos_code="R4")
WARD = unit("new", "302", "Welcome visitors to a hospital ward", nos_code="R4")
OFFICE = unit("new", "303", "Welcome visitors to an office building", nos_code="R4")


def matched(left: Unit, right: Unit, score: float) -> UnitMatch:
    """A scored pair decided ``match``."""
    return UnitMatch(left.unit_key, right.unit_key, None, None, 0.8, None, 0, None, None, 6.0, score, "match",
                     "made up for the test")


def bridges(units: list[Unit], pairs: list[UnitMatch], old: Unit = OLD) -> list[Bridge]:
    """The bridges of ``old`` into the new scheme, over the families its units and pairs gather."""
    matched = candidates(pairs).matched()
    listed = roster(units)
    return family_bridges(listed.places([old.unit_key]), {old.scheme: ["new"]}, listed,
                          build_families(listed, listed.ends([]), matched), matched, lambda steps: ["title"] * len(steps))


def family_of(units: list[Unit], pairs: list[UnitMatch]) -> set[str]:
    """The members of the old unit's family."""
    listed = roster(units)
    families = build_families(listed, listed.ends([]), candidates(pairs).matched()).rows
    (family_id,) = {f.family_id for f in families if f.unit_key == OLD.unit_key}
    return {f.unit_key for f in families if f.family_id == family_id}


def test_a_code_stated_by_several_new_units_bridges_to_none_of_them():
    units = [OLD, STANDARD, HOTEL, WARD, OFFICE]
    pairs = [matched(OLD, STANDARD, 0.95)]
    # One family holds the old unit, the standard and all three new units...
    assert family_of(units, pairs) == {u.unit_key for u in units}
    # ...but R4 does not say which of the three succeeds the old unit.
    assert bridges(units, pairs) == []


def test_of_several_new_units_sharing_a_code_only_the_one_a_member_matches_is_bridged():
    units = [OLD, STANDARD, HOTEL, WARD, OFFICE]
    pairs = [matched(OLD, STANDARD, 0.95), matched(STANDARD, WARD, 0.9)]
    (bridge,) = bridges(units, pairs)
    assert (bridge.old_key, bridge.new_key, bridge.confidence, bridge.method) == ("old:12", "new:302", 0.855, "title")
    assert bridge.reason == ("Same competence through family R4: 12 matches std:R4 \u2018Welcome visitors to the "
                             "premises\u2019 at 0.950, and R4 matches 302 at 0.900")


def test_a_code_naming_one_new_unit_bridges_to_it():
    units = [OLD, STANDARD, HOTEL]
    (bridge,) = bridges(units, [matched(OLD, STANDARD, 0.95)])
    assert (bridge.new_key, bridge.confidence, bridge.method) == ("new:301", 0.95, "title")
    assert bridge.reason.endswith("at 0.950, and 301 states NOS R4")


def test_without_a_path_only_the_family_s_one_unit_of_the_new_scheme_is_bridged():
    # The old unit states R4 itself and matches nothing: the code alone gathers the family.
    stating = unit("old", "13", "Receive callers in person", nos_code="R4")
    (bridge,) = bridges([stating, STANDARD, HOTEL], [], stating)
    assert (bridge.new_key, bridge.confidence, bridge.method) == ("new:301", 0.5, "nos")
    assert bridge.reason == "Same competence through family R4: 13 is grouped with it by NOS code R4"
    assert bridges([stating, STANDARD, HOTEL, WARD], [], stating) == []


def test_of_paths_that_tie_the_one_whose_reason_reads_last_is_taken():
    # Two members of the family state R4, as does the one new unit: both paths are the old unit's 0.95 match, then
    # the code. Their reasons differ first at the members' keys: "sector:R4" reads before "std:R4".
    sector = unit("sector", "R4", "Receive visitors at a front desk", nos_code="R4")
    (bridge,) = bridges([OLD, STANDARD, sector, WARD], [matched(OLD, STANDARD, 0.95), matched(OLD, sector, 0.95)])
    assert (bridge.new_key, bridge.confidence) == ("new:302", 0.95)
    assert "12 matches std:R4 \u2018Welcome visitors to the premises\u2019 at 0.950, and 302 states NOS R4" in bridge.reason


def test_where_one_member_s_key_begins_another_s_the_reasons_themselves_are_compared():
    # Keys made outside ``unit_key``: "std:R4" begins "std:R4\t1", yet its reason reads after the other's (a space
    # sorts after a tab), so the keys alone would choose wrongly.
    tabbed = Unit("std:R4\t1", "sector", "R4\t1", "Receive visitors at a front desk", nos_code="R4")
    (bridge,) = bridges([OLD, STANDARD, tabbed, WARD], [matched(OLD, STANDARD, 0.95), matched(OLD, tabbed, 0.95)])
    assert "12 matches std:R4 \u2018Welcome visitors to the premises\u2019" in bridge.reason
