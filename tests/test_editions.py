"""Releases: three editions of the 4430-03 handbook registered in a row, each replacing the one before.

The second edition retitles 4430-208 (listed only in the structure table) and
4430-312 (with a body), withdraws 4430-311, adds 4430-319, rewords criterion 1.3 of
4430-303, renumbers outcome 3 of 4430-304 to 4, and raises the credit value of
4430-306 from 7 to 8. The third edition, which gives no publication date, retitles
4430-208 again and withdraws 4430-212. Every expectation below comes from those
edits and from reading the handbook.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests import editions
from tests.conftest import RAW

HANDBOOK = "cg-4430-03-level3-nvq-diploma-handbook.txt"
FIRST, SECOND, THIRD = "cg-4430-03-handbook", "cg-4430-03-handbook-2012", "cg-4430-03-handbook-2014"
K = "cg-4430:4430-"

TITLE_208 = "Go the extra mile in customer service"
TITLE_208_2 = "Exceed your customer\u2019s expectations"
TITLE_208_3 = "Go beyond what your customer expects"
TITLE_312 = "Process customer service complaints"
TITLE_312_2 = "Handle customer complaints from first contact to resolution"
ROW_311 = "4430-311 Apply risk assessment to customer service (C6) 3 10 67 \n"
ROW_312 = "4430-312 {} (C7) 3 6 40 \n"
ROW_319 = "4430-319 Manage customer service through social media (C9) 3 6 40 \n"
ROW_212 = "4430-212 Deliver reliable customer service (B2) 2 5 33 \n"
CRITERION_303 = "1.3 use language that is clear and concise"
CRITERION_303_2 = "1.3 use plain language that is clear, concise and free of jargon"
ROW_306 = "4430-306 Build a customer service knowledge set (A16) 3 7 47"


def second_edition(text: str) -> str:
    text = editions.retitle(text, TITLE_208, TITLE_208_2)
    text = editions.retitle(text, TITLE_312, TITLE_312_2)
    text = editions.withdraw(text, ROW_311, "311")
    text = editions.replace_row(text, ROW_312.format(TITLE_312_2), ROW_312.format(TITLE_312_2) + "\n" + ROW_319)
    text = editions.in_body(text, "303", CRITERION_303, CRITERION_303_2)
    text = editions.renumber_outcome(text, "304", 3, 4)
    text = editions.replace_row(text, ROW_306, ROW_306.replace(" 3 7 47", " 3 8 47"))
    return editions.in_body(text, "306", "Credit value:  7", "Credit value:  8")


def third_edition(text: str) -> str:
    text = editions.retitle(text, TITLE_208_2, TITLE_208_3)
    return editions.replace_row(text, ROW_212, "")


MANIFEST_EDITIONS = f"""
[[document]]
doc_id = "{SECOND}"
path = "{SECOND}.txt"
publisher = "City & Guilds"
scheme = "cg-4430"
qualification = "cg-4430-03"
title = "Level 3 NVQ Diploma in Customer Service (4430-03) qualification handbook, second edition"
published = 2012
supersedes = ["cg-legacy"]
replaces = "{FIRST}"

[[document]]
doc_id = "{THIRD}"
path = "{THIRD}.txt"
publisher = "City & Guilds"
scheme = "cg-4430"
qualification = "cg-4430-03"
title = "Level 3 NVQ Diploma in Customer Service (4430-03) qualification handbook, third edition"
supersedes = ["cg-legacy"]
replaces = "{SECOND}"
"""


def make_project(tmp_path_factory) -> tuple:
    """raw/ plus the second and third editions, run once through `handbooks run`: (root, its output)."""
    root = tmp_path_factory.mktemp("editions")
    shutil.copytree(RAW, root / "raw")
    (root / "mappings").mkdir()
    shutil.copy(RAW.parent / "mappings" / "overrides.csv", root / "mappings" / "overrides.csv")
    first = (RAW / HANDBOOK).read_text(encoding="utf-8")
    second = second_edition(first)
    (root / "raw" / f"{SECOND}.txt").write_text(second, encoding="utf-8")
    (root / "raw" / f"{THIRD}.txt").write_text(third_edition(second), encoding="utf-8")
    with open(root / "raw" / "manifest.toml", "a", encoding="utf-8") as manifest:
        manifest.write(MANIFEST_EDITIONS)
    run = subprocess.run([sys.executable, "-m", "pipeline", "-q", "--root", str(root), "run"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return root, run.stdout


@pytest.fixture(scope="module")
def project(editions_project):
    return editions_project


def rows(root, folder: str, name: str) -> list[dict]:
    return pq.read_table(root / folder / f"{name}.parquet").to_pylist()


def units(root) -> dict[str, dict]:
    return {u["unit_key"]: u for u in rows(root, "extracted", "units")}


def diff(root, *args: str):
    result = CliRunner().invoke(cli, ["--root", str(root), "diff", *args])
    assert result.exit_code == 0, result.output
    return result.output


def diff_json(root, old: str, new: str) -> dict:
    return json.loads(diff(root, old, new, "--json"))


# --- the run summary ---------------------------------------------------------


def test_each_edition_counts_what_it_states_and_says_what_it_replaced(project):
    _, out = project
    lines = out.splitlines()
    first = next(i for i, l in enumerate(lines) if l.split()[:1] == [FIRST])
    assert "59 units, 59 NOS units, 65 outcomes, 371 criteria" in lines[first]
    second = next(i for i, l in enumerate(lines) if l.split()[:1] == [SECOND])
    # 59 units less 4430-311 (C6), plus 4430-319 (C9).
    assert "59 units, 59 NOS units" in lines[second]
    assert lines[second + 1].split() == (
        f"replaces {FIRST}: 53 kept, 2 retitled, 3 changed, 1 added, 1 removed".split())
    third = next(i for i, l in enumerate(lines) if l.split()[:1] == [THIRD])
    assert "58 units, 58 NOS units" in lines[third]
    assert lines[third + 1].split() == f"replaces {SECOND}: 57 kept, 1 retitled, 0 changed, 0 added, 1 removed".split()


# --- the current view ----------------------------------------------------------


def test_current_view_follows_the_third_edition(project):
    root, _ = project
    current = units(root)
    assert current[f"{K}208"]["title"] == TITLE_208_3
    assert current[f"{K}208"]["doc_id"] == THIRD
    assert current[f"{K}312"]["title"] == TITLE_312_2
    assert (current[f"{K}312"]["doc_id"], current[f"{K}312"]["has_body"]) == (THIRD, True)
    assert current[f"{K}306"]["credits"] == 8
    assert current[f"{K}319"]["status"] == "current"
    assert {k for k, u in current.items() if u["status"] == "withdrawn"} == {f"{K}311", f"{K}212"}


def test_a_dropped_unit_is_withdrawn_by_the_edition_that_dropped_it(project):
    root, _ = project
    current = units(root)
    assert (current[f"{K}311"]["status"], current[f"{K}311"]["withdrawn_by"]) == ("withdrawn", SECOND)
    assert (current[f"{K}212"]["status"], current[f"{K}212"]["withdrawn_by"]) == ("withdrawn", THIRD)
    # Its last statement is kept: the first edition's, with its body.
    assert (current[f"{K}311"]["title"], current[f"{K}311"]["doc_id"]) == ("Apply risk assessment to customer service", FIRST)
    assert all(u["withdrawn_by"] is None for u in current.values() if u["status"] == "current")


def test_bodies_come_from_the_newest_edition(project):
    root, _ = project
    criteria = {c["criterion_key"]: c for c in rows(root, "extracted", "criteria")}
    assert criteria[f"{K}303#1.3"]["text"] == CRITERION_303_2[4:]
    assert criteria[f"{K}303#1.3"]["doc_id"] == THIRD
    outcomes = {(o["unit_key"], o["outcome_no"]) for o in rows(root, "extracted", "outcomes")}
    assert {n for k, n in outcomes if k == f"{K}304"} == {"1", "2", "4"}
    numbers_304 = sorted(c["criterion_no"] for c in criteria.values() if c["unit_key"] == f"{K}304")
    assert numbers_304 == [f"1.{i}" for i in range(1, 5)] + [f"2.{i}" for i in range(1, 9)] + [f"4.{i}" for i in range(1, 9)]
    assert {c["outcome_no"] for c in criteria.values() if c["unit_key"] == f"{K}304"} == {"1", "2", "4"}


def test_memberships_come_from_the_newest_edition_only(project):
    root, _ = project
    members = {m["unit_key"]: m for m in rows(root, "extracted", "unit_memberships") if m["qualification_id"] == "cg-4430-03"}
    assert len(members) == 58
    assert f"{K}311" not in members and f"{K}212" not in members
    assert members[f"{K}319"]["group"] == members[f"{K}312"]["group"]
    assert members[f"{K}319"]["mandatory"] is False


# --- versions -------------------------------------------------------------------


def test_unit_versions_hold_every_edition_as_it_states_each_unit(project):
    root, _ = project
    versions = rows(root, "extracted", "unit_versions")
    per_doc = {d: sum(v["doc_id"] == d for v in versions) for d in (FIRST, SECOND, THIRD)}
    assert per_doc == {FIRST: 59, SECOND: 59, THIRD: 58}
    titles = {v["doc_id"]: v["title"] for v in versions if v["unit_key"] == f"{K}208"}
    assert titles == {FIRST: TITLE_208, SECOND: TITLE_208_2, THIRD: TITLE_208_3}
    credits = {v["doc_id"]: v["credits"] for v in versions if v["unit_key"] == f"{K}306"}
    assert credits == {FIRST: 7, SECOND: 8, THIRD: 8}
    hashes = {v["doc_id"]: v["content_sha256"] for v in versions if v["unit_key"] == f"{K}305"}
    assert hashes[FIRST] == hashes[SECOND] == hashes[THIRD]
    changed = {v["doc_id"]: v["content_sha256"] for v in versions if v["unit_key"] == f"{K}303"}
    assert changed[FIRST] != changed[SECOND] == changed[THIRD]
    assert {v["published"] is None for v in versions if v["doc_id"] == THIRD} == {True}


def test_criterion_versions_keep_the_old_wording(project):
    root, _ = project
    versions = {(c["criterion_key"], c["doc_id"]): c for c in rows(root, "extracted", "criterion_versions")}
    assert versions[(f"{K}303#1.3", FIRST)]["text"] == CRITERION_303[4:]
    assert versions[(f"{K}303#1.3", SECOND)]["text"] == CRITERION_303_2[4:]
    assert (f"{K}304#3.1", FIRST) in versions and (f"{K}304#3.1", SECOND) not in versions
    assert versions[(f"{K}304#4.1", SECOND)]["outcome_no"] == "4"
    assert sum(k == FIRST for _, k in versions) == 371


# --- handbooks diff ----------------------------------------------------------------


def test_diff_json_lists_each_edit(project):
    root, _ = project
    changes = diff_json(root, FIRST, SECOND)
    assert sorted(changes) == ["added", "changed", "kept", "new_doc", "old_doc", "removed", "retitled"]
    assert len(changes["kept"]) == 53
    assert [(r["unit_key"], r["old_title"], r["new_title"]) for r in changes["retitled"]] == [
        (f"{K}208", TITLE_208, TITLE_208_2), (f"{K}312", TITLE_312, TITLE_312_2)]
    assert [r["unit_key"] for r in changes["removed"]] == [f"{K}311"]
    assert [r["unit_key"] for r in changes["added"]] == [f"{K}319"]
    changed = {c["unit_key"]: c for c in changes["changed"]}
    assert sorted(changed) == [f"{K}303", f"{K}304", f"{K}306"]
    assert changed[f"{K}303"]["criteria_reworded"] == ["1.3"]
    assert changed[f"{K}303"]["wording"] == [
        {"criterion_no": "1.3", "old_text": CRITERION_303[4:], "new_text": CRITERION_303_2[4:]}]
    assert changed[f"{K}304"]["outcomes_renumbered"] == [{"old": "3", "new": "4"}]
    assert changed[f"{K}304"]["criteria_renumbered"] == [{"old": f"3.{i}", "new": f"4.{i}"} for i in range(1, 9)]
    assert changed[f"{K}304"]["criteria_added"] == changed[f"{K}304"]["criteria_removed"] == []
    assert changed[f"{K}306"]["fields"] == {"credits": {"old": 7, "new": 8}}
    assert changed[f"{K}306"]["criteria_reworded"] == []


def test_readable_diff_shows_old_and_new_wording_side_by_side(project):
    root, _ = project
    out = diff(root, FIRST, SECOND)
    assert out.splitlines()[0] == f"{FIRST} -> {SECOND}: 53 kept, 2 retitled, 3 changed, 1 added, 1 removed"
    reworded = out.splitlines().index("    criterion 1.3 reworded:")
    row = out.splitlines()[reworded + 1]
    left, right = row.split(" | ")
    assert left.strip().startswith("old: use language that is clear") and right.startswith("new: use plain language")
    assert "    credits: 7 -> 8" in out.splitlines()
    assert "    outcome 3 is now 4 (same title)" in out.splitlines()
    lines = out.splitlines()
    assert lines[lines.index("retitled:") + 1:lines.index("retitled:") + 3] == [
        f"  {K}208", f"    {'old: ' + TITLE_208:<48} | new: {TITLE_208_2}"]
    assert lines[lines.index("added:") + 1] == f"  {K}319  Manage customer service through social media"
    assert lines[lines.index("removed:") + 1] == f"  {K}311  Apply risk assessment to customer service"


@pytest.mark.parametrize("doc", [FIRST, SECOND])
def test_a_document_diffed_against_itself_reports_nothing_changed(project, doc):
    root, _ = project
    changes = diff_json(root, doc, doc)
    assert (len(changes["kept"]), changes["retitled"], changes["changed"], changes["added"], changes["removed"]) == (
        59, [], [], [], [])
    assert diff(root, doc, doc).splitlines()[-1] == "nothing changed"


def test_diff_of_an_unknown_document_is_a_usage_error(project):
    root, _ = project
    result = CliRunner().invoke(cli, ["--root", str(root), "diff", FIRST, "no-such-edition"])
    assert result.exit_code != 0
    assert "unknown document 'no-such-edition'" in str(result.exception)


# --- mappings that survive editions ----------------------------------------------------


def mapped(root) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows(root, "mappings", "unit_map"):
        out.setdefault(row["from_key"], []).append(row)
    return out


def test_a_retitled_unit_keeps_its_legacy_predecessor_through_the_family(project):
    root, _ = project
    (row,) = mapped(root)["cg-legacy:206"]
    assert (row["to_key"], row["relation"], row["to_title"], row["to_status"]) == (
        f"{K}208", "partial", TITLE_208_3, "current")  # legacy 206 states no criteria to compare
    # The legacy title matches the standard A9 (as a scheme naming units by NOS code states it),
    # and 4430-208 states NOS A9.
    assert row["justification"].startswith("Same competence through family A9: 206 matches ")
    assert "4430-208 states NOS A9" in row["justification"]
    families = {f["unit_key"]: f["family_id"] for f in rows(root, "mappings", "families")}
    assert families["cg-legacy:206"] == families[f"{K}208"] == "A9"


def test_a_unit_keeping_its_code_and_nos_code_keeps_its_identity(project):
    root, _ = project
    (row,) = mapped(root)["cg-legacy:310"]
    assert (row["to_key"], row["relation"], row["to_status"]) == (f"{K}312", "partial", "current")
    nos = units(root)["nos-2010:C7"]
    # The standard keeps the title it was first named by, whatever a later edition calls its own unit.
    assert nos["title"] == TITLE_312


def test_a_mapping_to_a_withdrawn_unit_stays_and_says_so(project):
    root, _ = project
    (row,) = mapped(root)["cg-legacy:309"]
    assert (row["to_key"], row["relation"], row["to_status"]) == (f"{K}311", "partial", "withdrawn")


def test_every_legacy_unit_maps_as_the_labelled_pairs_say(project):
    """The hand-labelled legacy -> 4430 pairs (tests/eval) still hold across three editions."""
    root, _ = project
    with open(RAW.parent / "tests" / "eval" / "unit_pairs.csv", encoding="utf-8") as labels:
        expected = {(r["from_key"], r["to_key"] or None, r["relation"]) for r in csv.DictReader(labels)}
    published = {(r["from_key"], r["to_key"], r["relation"]) for rows_ in mapped(root).values() for r in rows_}
    assert published == expected


def test_diff_csv_has_one_row_per_unit(project):
    root, _ = project
    text = diff(root, FIRST, SECOND, "--csv")
    assert text.startswith("\ufeff")  # the one CSV writer: a BOM for spreadsheets
    table = list(csv.DictReader(text.lstrip("\ufeff").splitlines()))
    assert len(table) == 59 + 1  # the units of the first edition, and the one added
    by_key = {r["unit_key"]: r for r in table}
    assert by_key[f"{K}306"]["category"] == "changed" and by_key[f"{K}306"]["fields"] == "credits 7 -> 8"
    assert by_key[f"{K}304"]["criteria_renumbered"].split()[0] == "3.1->4.1"
    assert (by_key[f"{K}319"]["category"], by_key[f"{K}319"]["old_title"]) == ("added", "")
