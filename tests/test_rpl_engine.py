"""The rules engine on a small qualification of our own: every kind of rule, every bound, on credited and pending."""

from __future__ import annotations

import pytest

from pipeline.answers.rpl import Inputs, evaluate
from pipeline.core.rule_kinds import KINDS, member_groups

# A made-up qualification: two mandatory units at level 3, an optional group "Service" with a level-2 and a
# level-4 unit, and an optional group "Sales" with one level-2 unit.
UNITS = [  # key, group, mandatory, level, credits
    ("n:m1", "Mandatory", True, 3, 6),
    ("n:m2", "Mandatory", True, 3, 4),
    ("n:s2", "Service", False, 2, 5),
    ("n:s4", "Service", False, 4, 9),
    ("n:x2", "Sales", False, 2, 3),
]
MEMBERS = [{"unit_key": k, "title": k, "group": g, "mandatory": m, "level": lv, "credits": c,
            "groups": member_groups(g, None, m)} for k, g, m, lv, c in UNITS]
# old unit o:1 covers n:s4 whole (its one criterion); o:2 covers one of n:m1's two criteria (a gap)
MAPPINGS = [
    {"from_key": "o:1", "to_key": "n:s4", "relation": "partial", "method": "criteria", "status": "auto",
     "criteria_total": 1, "to_status": "current", "justification": "j"},
    {"from_key": "o:2", "to_key": "n:m1", "relation": "partial", "method": "criteria", "status": "auto",
     "criteria_total": 2, "to_status": "current", "justification": "j"},
]
CRITERIA = [{"criterion_key": f"{u}#{n}", "unit_key": u, "criterion_no": n, "text": f"do {n}"}
            for u, n in (("n:s4", "1"), ("n:m1", "1"), ("n:m1", "2"))]
PAIRS = [{"from_criterion_key": "o:1#1", "to_criterion_key": "n:s4#1"},
         {"from_criterion_key": "o:2#1", "to_criterion_key": "n:m1#1"}]


def rule(kind, group="", level=None, min_credits=None, max_credits=None, min_units=None, max_units=None):
    return {"kind": kind, "group": group, "level": level, "min_credits": min_credits, "max_credits": max_credits,
            "min_units": min_units, "max_units": max_units, "text": "as written"}


def check(held: list[str], r: dict):
    inputs = Inputs(MEMBERS, MAPPINGS, CRITERIA, PAIRS, [r], {}, {})
    units, (result,), _, _ = evaluate(inputs, held)
    return {u.unit_key: u.state for u in units}, result


def test_states():
    states, _ = check(["o:1", "o:2", "n:x2"], rule("total", min_credits=1))
    assert states == {"n:m1": "gap", "n:m2": "open", "n:s2": "open", "n:s4": "credited", "n:x2": "credited"}


# held o:1, o:2 and n:x2: credited n:s4 (9, level 4, Service) and n:x2 (3, level 2, Sales); n:m1 (6) pending
CASES = [
    (rule("total", min_credits=12), (12, 2), (18, 3), True, True, []),
    (rule("total", min_credits=13), (12, 2), (18, 3), False, True, ["n:m1", "n:m2", "n:s2"]),
    (rule("mandatory", min_credits=10), (0, 0), (6, 1), False, False, ["n:m1", "n:m2"]),
    (rule("mandatory", min_units=1), (0, 0), (6, 1), False, True, ["n:m1", "n:m2"]),
    (rule("group_min", "Service", min_units=2), (9, 1), (9, 1), False, False, ["n:s2"]),
    (rule("group_min", "Optional", min_credits=12), (12, 2), (12, 2), True, True, []),
    (rule("group_max", "Optional", max_credits=10), (12, 2), (12, 2), False, False, ["n:s4", "n:x2"]),
    (rule("level_min", "Level 3", level=3, min_credits=9), (9, 1), (15, 2), True, True, []),
    (rule("level_min", "Level 3", level=3, min_credits=10), (9, 1), (15, 2), False, True, ["n:m1", "n:m2"]),
    (rule("units_min", min_units=3), (12, 2), (18, 3), False, True, ["n:m1", "n:m2", "n:s2"]),
    (rule("units_max", max_units=2), (12, 2), (18, 3), True, False, []),
    (rule("import_cap", "Imported from level 2", level=2, max_units=0), (3, 1), (3, 1), False, False, ["n:x2"]),
]


@pytest.mark.parametrize("r, credited, pending, met, met_with_pending, candidates", CASES)
def test_every_kind(r, credited, pending, met, met_with_pending, candidates):
    _, result = check(["o:1", "o:2", "n:x2"], r)
    assert ((result.credited.credits, result.credited.units), (result.with_pending.credits, result.with_pending.units)) \
        == (credited, pending)
    assert (result.met, result.met_with_pending) == (met, met_with_pending)
    assert [c.unit_key for c in result.candidates] == candidates


def test_the_cases_cover_every_kind():
    assert {case[0]["kind"] for case in CASES} == set(KINDS)


def test_a_group_no_unit_belongs_to_is_not_evaluated():
    _, result = check(["n:x2"], rule("group_min", "Nowhere", min_units=1))
    assert (result.evaluated, result.met, result.candidates) == (False, False, ())


def test_a_confirmed_mapping_credits_without_coverage():
    confirmed = [dict(MAPPINGS[1], status="confirmed")]
    units, _, _, _ = evaluate(Inputs(MEMBERS, confirmed, CRITERIA, PAIRS, [], {}, {}), ["o:2"])
    assert {u.unit_key: u.state for u in units}["n:m1"] == "credited"
