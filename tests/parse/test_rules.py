"""Typed rules of combination: every family in raw/ gives each rule a kind the rules engine knows."""

from __future__ import annotations

import pytest

from pipeline.core.rule_kinds import KINDS
from pipeline.parse.toolkit.rules import typed_rule
from tests.conftest import manifest, parsed


@pytest.mark.parametrize("doc_id", sorted(manifest()))
def test_every_rule_has_a_kind_the_engine_knows(doc_id):
    for rule in parsed(doc_id).rules:
        assert rule.kind in KINDS, rule
        assert (rule.level is not None) == (KINDS[rule.kind] in ("level_or_above", "at_level")), rule


@pytest.mark.parametrize("group, bounds, kind, level", [
    # the 4430-03 handbook: "Minimum Credit Value: 42", "A minimum of 22 credits must be at level 3"
    ("Overall", {"min_credits": 42}, "total", None),
    ("Level 3", {"min_credits": 22}, "level_min", 3),
    ("Level 2 or above", {"min_credits": 10}, "level_min", 2),
    # the legacy standards: "candidates must complete eight units", "... imported from level 2 is three"
    ("Total", {"min_units": 8, "max_units": 8}, "units_min", None),
    ("Total", {"max_units": 8}, "units_max", None),
    ("Imported from level 2", {"max_units": 3}, "import_cap", 2),
    ("Mandatory", {"min_credits": 12}, "mandatory", None),
    ("Delivery", {"min_units": 1}, "group_min", None),
    ("Delivery", {"max_credits": 12}, "group_max", None),
])
def test_the_kind_follows_the_group_and_bounds(group, bounds, kind, level):
    rule = typed_rule("q", group, "as written", **bounds)
    assert (rule.kind, rule.level, rule.group) == (kind, level, group)
