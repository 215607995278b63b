"""The newer families published together: one unit reference, stated by three families, is one family of units."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq

from pipeline import runner
from tests.conftest import ROOT
from tests.parse.families import FAMILIES

MANIFEST = """\
[[document]]
doc_id = "ab-unit-204"
path = "ab_unit_page.txt"
publisher = "Some Awarding Body"
scheme = "ab-2014"
title = "Unit 204: Resolve customer service problems"
published = 2014

[[document]]
doc_id = "regulator-r5062134"
path = "regulator_unit.txt"
publisher = "The Regulator"
scheme = "ofqual"
title = "Unit R/506/2134"
published = 2014

[[document]]
doc_id = "cs-l3-structure"
path = "qualification_structure.txt"
publisher = "A Sector Body"
scheme = "cs-2014"
qualification = "cs-l3-diploma"
title = "Structure of the Level 3 Diploma in Customer Service"
published = 2014
"""


def test_one_unit_reference_is_one_family(tmp_path):
    (tmp_path / "raw").mkdir()
    for name in ("ab_unit_page", "regulator_unit", "qualification_structure"):
        shutil.copy(FAMILIES / f"{name}.txt", tmp_path / "raw" / f"{name}.txt")
    (tmp_path / "raw" / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "extracted").mkdir()
    (tmp_path / "mappings").mkdir()
    shutil.copy(ROOT / "mappings" / "overrides.csv", tmp_path / "mappings" / "overrides.csv")
    report = runner.run(runner.Paths(tmp_path))
    assert {o.entry.doc_id: o.profile for o in report.documents} == {
        "ab-unit-204": "unit-page", "regulator-r5062134": "regulator-unit", "cs-l3-structure": "qualification-structure"}
    assert not report.failed and not report.unaccepted
    units = pq.read_table(tmp_path / "extracted" / "units.parquet").to_pylist()
    stated = {u["unit_key"] for u in units if u["uan"] == "R/506/2134"}
    assert stated == {"ab-2014:204", "ofqual:R/506/2134", "cs-2014:CFACSA13"}
    family = {r["unit_key"]: r["family_id"] for r in pq.read_table(tmp_path / "mappings" / "families.parquet").to_pylist()}
    assert len({family[key] for key in stated}) == 1
    rules = pq.read_table(tmp_path / "extracted" / "rules.parquet").to_pylist()
    assert {(r["kind"], r["group"]) for r in rules} == {
        ("total", "Overall"), ("mandatory", "Mandatory"), ("group_min", "Group B"), ("group_min", "Group C"),
        ("group_max", "Group D"), ("level_min", "Level 3 or above")}
