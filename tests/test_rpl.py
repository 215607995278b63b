"""Golden RPL scenarios against the 4430-03 handbook's rules of combination, read from the handbook itself.

Its "Qualification structure" asks for a minimum credit value of 42; at least 22 credits
at level 3 (units at level 4 count too: "or above" is how QCF rules of combination read);
12 credits from the two mandatory units (4430-301 and 4430-302, 6 credits each, level 3);
and a further 30 credits with at least one unit from each optional group (Impression and
Image, Delivery, Handling Problems, Development and Improvement). Credits and levels below
come from its structure table. A candidate's 4430 units (credit transfer from another 4430
qualification) count as held; legacy units count only where they cover a unit whole.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pipeline.answers import query
from pipeline.answers import render as answers
from pipeline.cli import cli
from pipeline.core.errors import UsageError
from pipeline.runner import Paths

MANDATORY = ["4430-301", "4430-302"]  # 6 + 6 credits, level 3
# Legacy 207 covers 4430-303 (Impression and Image, level 3, 6 credits) whole, 303 covers 4430-304 (8),
# 304 covers 4430-305 (7).
DELIVERY, PROBLEMS, DEVELOPMENT = "4430-212", "4430-219", "4430-221"  # level 2: 5, 6 and 6 credits


@pytest.fixture(scope="module")
def paths(published):
    return Paths(published)


def verdicts(result) -> dict[tuple[str, str], tuple[bool, bool]]:
    """(kind, group) -> (met on credited, met once the gaps are filled)."""
    return {(r.kind, r.group): (r.met, r.met_with_pending) for r in result.rules}


def test_a_candidate_who_completes(paths):
    held = [*MANDATORY, "207", "303", DELIVERY, PROBLEMS, DEVELOPMENT]
    result = query.rpl(paths, held, "cg-4430-03")
    # 12 mandatory + 6 (303) + 8 (304) + 5 + 6 + 6 = 43 credits; optional 31; level 3 or above 12 + 14 = 26
    assert result.credits == 43 and result.pending == 0
    assert all(met for met, _ in verdicts(result).values())
    levels = {r.group: r.credited.credits for r in result.rules if r.kind == "level_min"}
    assert levels == {"Level 3": 26}
    assert result.complete
    assert answers.rpl_text(result).endswith("the qualification is complete")


def test_a_candidate_who_meets_the_mandatory_rule_only_once_gaps_are_filled(paths):
    result = query.rpl(paths, ["301", "302", "207", "303", DELIVERY, PROBLEMS, DEVELOPMENT], "cg-4430-03")
    gaps = {u.unit_key: len(u.still_to_show) for u in result.units if u.state == "gap"}
    assert gaps == {"cg-4430:4430-301": 6, "cg-4430:4430-302": 6}
    assert verdicts(result)[("mandatory", "Mandatory")] == (False, True)
    # 31 optional credits are credited; the 12 mandatory credits are pending
    assert (result.credits, result.pending) == (31, 12)
    assert not result.complete and result.complete_with_pending
    assert "the qualification is complete once the gaps are filled" in answers.rpl_text(result)


def test_the_legacy_mandatory_units_are_gaps_and_the_mandatory_rule_is_not_met(published):
    out = CliRunner().invoke(cli, ["--root", str(published), "-q", "rpl", "--held", "301", "--held", "302",
                                   "--target", "cg-4430-03", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    states = {u["unit_key"]: u["state"] for u in data["units"] if u["state"] != "open"}
    assert states == {"cg-4430:4430-301": "gap", "cg-4430:4430-302": "gap"}
    mandatory = [r for r in data["rules"] if r["kind"] == "mandatory"]
    assert mandatory and not any(r["met"] for r in mandatory) and all(r["met_with_pending"] for r in mandatory)
    (credits,) = [r for r in mandatory if r["min_credits"] is not None]
    assert (credits["credited"], credits["with_pending"]) == ({"credits": 0, "units": 0}, {"credits": 12, "units": 2})
    # the units that would meet it: the two mandatory units, both pending
    assert credits["candidates"] == [{"unit_key": "cg-4430:4430-301", "credits": 6, "state": "gap"},
                                     {"unit_key": "cg-4430:4430-302", "credits": 6, "state": "gap"}]


def test_a_candidate_blocked_by_the_level_rule(paths):
    # every optional unit at level 2: 5 + 5 (Impression and Image) + 5 + 5 (Delivery) + 6 + 6 = 32 credits
    held = [*MANDATORY, "4430-202", "4430-203", DELIVERY, "4430-213", PROBLEMS, DEVELOPMENT]
    result = query.rpl(paths, held, "cg-4430-03")
    assert result.credits == 44
    unmet = {key for key, (met, _) in verdicts(result).items() if not met}
    assert unmet == {("level_min", "Level 3")}
    (level,) = [r for r in result.rules if r.kind == "level_min"]
    assert (level.level, level.credited.credits, level.min_credits) == (3, 12, 22)
    # the units that would meet it are the open units at level 3 or 4: 16 optional units at level 3
    # (303-318) and 15 at level 4 (403-417 but for 401 and 402, which the table does not list)
    assert len(level.candidates) == 31 and all(c.state == "open" for c in level.candidates)
    assert {c.unit_key for c in level.candidates} >= {"cg-4430:4430-303", "cg-4430:4430-417"}
    assert not result.complete


def test_a_candidate_blocked_by_an_optional_group(paths):
    held = [*MANDATORY, "207", "303", "304", DELIVERY, PROBLEMS]
    result = query.rpl(paths, held, "cg-4430-03")
    # 12 + 6 + 8 + 7 + 5 + 6 = 44 credits, 33 at level 3, but nothing from Development and Improvement
    assert result.credits == 44
    unmet = {key for key, (met, _) in verdicts(result).items() if not met}
    assert unmet == {("group_min", "Development and Improvement")}
    (group,) = [r for r in result.rules if r.group == "Development and Improvement"]
    # its 20 units: 4430-221 to 227, 313 to 318 and 411 to 417
    assert len(group.candidates) == 20
    text = answers.rpl_text(result)
    assert "  Development and Improvement (group_min) (0/1 units): from cg-4430:4430-221 (6 credits, open)," in text


def test_outside_a_project_every_command_says_where_it_looked(tmp_path):
    said = (f"no project at {tmp_path} (looked for {tmp_path}/raw and {tmp_path}/extracted): "
            "run inside a project folder or give it with --root PATH")
    out = subprocess.run([sys.executable, "-m", "pipeline", "--root", str(tmp_path), "lookup", "207"],
                         capture_output=True, text=True)
    assert (out.returncode, out.stderr) == (2, f"error: {said}\n")
    for args in (["rpl", "--held", "207", "--target", "cg-4430-03"], ["sql", "SELECT 1"], ["diff", "a", "b"],
                 ["run"], ["extract"], ["parse"], ["match"], ["publish"]):
        result = CliRunner().invoke(cli, ["--root", str(tmp_path), *args])
        assert isinstance(result.exception, UsageError) and str(result.exception) == said, args


# --- the editions of tests/test_editions.py: the second (2012) withdraws 4430-311, the third (undated)
# withdraws 4430-212; legacy 309 maps to 4430-311 alone and legacy 210 to 4430-212 alone ------------------

SECOND, THIRD = "cg-4430-03-handbook-2012", "cg-4430-03-handbook-2014"


@pytest.fixture(scope="module")
def withdrawn(editions_project):
    return editions_project[0]


def test_a_unit_whose_only_successor_was_withdrawn_earns_no_credit(withdrawn):
    result = query.rpl(Paths(withdrawn), ["309", "210", "207"], "4430-03")
    assert [(w.held, w.successor, w.withdrawn_by, w.published) for w in result.withdrawn] == [
        ("cg-legacy:309", "cg-4430:4430-311", SECOND, "2012-01-01"),  # the manifest says "published = 2012"
        ("cg-legacy:210", "cg-4430:4430-212", THIRD, None)]
    assert not {"cg-4430:4430-311", "cg-4430:4430-212"} & {u.unit_key for u in result.units}
    assert result.credits == 6  # 207 still credits 4430-303
    text = answers.rpl_text(result)
    assert (f"  cg-legacy:309: no credit: its only successor cg-4430:4430-311 was withdrawn by {SECOND} "
            "(published 2012-01-01)") in text
    assert f"  cg-legacy:210: no credit: its only successor cg-4430:4430-212 was withdrawn by {THIRD}\n" in text
    markdown = answers.rpl_text(result, "markdown")
    assert f"- cg-legacy:309: no credit: its only successor cg-4430:4430-311 was withdrawn by {SECOND}" in markdown
    assert f"Editions used: cg-4430-03-handbook (2010-01-01), {SECOND} (2012-01-01), {THIRD} (undated)" in markdown


def test_lookup_marks_a_withdrawn_successor(withdrawn):
    text = CliRunner().invoke(cli, ["--root", str(withdrawn), "lookup", "cg-legacy:309"]).output
    assert f"cg-legacy:309 -> cg-4430:4430-311 [withdrawn by {SECOND}: no credit]  partial" in text
    own = CliRunner().invoke(cli, ["--root", str(withdrawn), "lookup", "4430-311"]).output
    assert own.splitlines()[0].endswith(f"[withdrawn by {SECOND}]")


def test_the_workbook_marks_a_withdrawn_successor(withdrawn):
    import openpyxl

    sheet = openpyxl.load_workbook(withdrawn / "mappings" / "unit_map.xlsx", read_only=True)["unit_map"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    (row,) = [dict(zip(header, r)) for r in rows[1:] if r[header.index("from_key")] == "cg-legacy:309"]
    assert (row["to_key"], row["to_status"]) == ("cg-4430:4430-311", "withdrawn")


def test_the_page_marks_a_withdrawn_successor_and_says_why_it_earns_nothing(withdrawn):
    from selenium.webdriver.common.by import By

    from tests.publish.test_lookup_page import browser

    session = browser()
    try:
        page = (withdrawn / "mappings" / "index.html").as_uri()
        session.get(f"{page}#unit=cg-legacy:309")
        mapping = session.find_element(By.CLASS_NAME, "mapping").text
        title = "Apply risk assessment to customer service"
        assert f"cg-4430:4430-311 {title} [withdrawn by {SECOND}: no credit]" in mapping
        session.get(f"{page}#rpl=cg-4430-03&held=cg-legacy:309")
        said = [p.text for p in session.find_elements(By.CSS_SELECTOR, "#rpl-result p.withdrawn")]
        assert said == [f"cg-legacy:309: no credit: its only successor cg-4430:4430-311 was withdrawn by {SECOND} "
                        "(published 2012-01-01)"]
        assert f"{SECOND} (2012-01-01)" in session.find_element(By.ID, "record").text
    finally:
        session.quit()


def test_maximum_rules_and_the_import_cap_of_the_legacy_structure(paths):
    """The legacy standards: "candidates must complete eight units for this award, two mandatory and six
    optional, ... at least one optional unit from each theme, the maximum number of units that can be
    imported from level 2 is three"; its level-2 units are 205, 206, 207, 211 and 212."""
    held = ["cg-legacy:" + code for code in ("301", "302", "205", "206", "207", "211", "303", "308", "311")]
    result = query.rpl(paths, held, "cg-legacy-l3")
    checks = {(r.kind, r.group): r for r in result.rules}
    cap = checks[("import_cap", "Imported from level 2")]
    assert (cap.level, cap.credited.units, cap.max_units, cap.met) == (2, 4, 3, False)
    assert [c.unit_key for c in cap.candidates] == ["cg-legacy:205", "cg-legacy:206", "cg-legacy:207", "cg-legacy:211"]
    total = checks[("units_min", "Total")]
    assert (total.credited.units, total.met) == (9, False)  # eight units, no more
    assert (checks[("group_min", "Optional")].credited.units, checks[("group_min", "Optional")].met) == (7, False)
    assert checks[("mandatory", "Mandatory")].met
    assert all(checks[("group_min", theme)].met for theme in
               ("Impression and Image", "Delivery", "Handling Problems", "Development and Improvement"))
    text = answers.rpl_text(result)
    assert "  Imported from level 2 (import_cap) (4 units, at most 3): over the limit with cg-legacy:205" in text
    assert "  Total (units_min) (9/8 units, 9 units, at most 8): over the limit with cg-legacy:301" in text
