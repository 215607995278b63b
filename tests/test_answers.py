"""lookup and rpl as a centre uses them: codes across schemes, credits against the rules, every output format."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest

from pipeline.answers import query
from pipeline.answers import render as answers
from pipeline.core.errors import UsageError
from pipeline.runner import Paths


@pytest.fixture(scope="module")
def paths(published):
    return Paths(published)


def handbooks(root, *args):
    """The command in this process (click's runner): output and exit code as an operator sees them."""
    from click.testing import CliRunner

    from pipeline.cli import cli

    return CliRunner().invoke(cli, ["--root", str(root), "--quiet", *args])


def test_a_bare_code_in_two_schemes_lists_both_and_says_so(paths):
    result = query.lookup(paths, "303")
    assert result["note"] == "303 names units in 2 schemes: cg-legacy:303, cg-4430:4430-303 (code 4430-303)"
    assert [u["unit_key"] for u in result["units"]] == ["cg-legacy:303", "cg-4430:4430-303"]
    text = answers.lookup_text(result)
    assert text.splitlines()[0] == result["note"]
    assert "\ncg-legacy:303  Use customer service as a competitive tool  (level 3)\n" in text
    assert "cg-legacy:303 -> cg-4430:4430-304  equivalent" in text


def test_lookup_of_nonsense_finds_no_unit(paths):
    with pytest.raises(UsageError, match=r"^no unit found for 'zz-nonsense-99'"):
        query.lookup(paths, "zz-nonsense-99")


def test_lookup_json_and_csv(published):
    out = handbooks(published, "lookup", "cg-legacy:209", "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    (unit,) = data["units"]
    assert [(m["to_key"], m["relation"], m["criteria_total"]) for m in unit["mappings"]] == [
        ("cg-4430:4430-210", "partial", None), ("cg-4430:4430-211", "partial", None)]
    text = handbooks(published, "lookup", "cg-legacy:209", "--csv").output
    assert text.startswith("\ufeff")  # the published CSVs' guard: a BOM for spreadsheets
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["to_key"] for r in rows] == ["cg-4430:4430-210", "cg-4430:4430-211"]
    assert rows[0]["looked_up"] == "cg-legacy:209"


def test_every_csv_is_written_by_the_formula_safe_writer(published):
    out = handbooks(published, "sql", "SELECT '=HYPERLINK(1)' AS formula, '1:1' AS cardinality, 3 AS n", "--csv")
    assert out.output == "\ufeffformula,cardinality,n\n'=HYPERLINK(1),'1:1,3\n"
    diff = handbooks(published, "diff", "cg-4430-03-handbook", "cg-4430-03-handbook", "--csv").output
    assert diff.startswith("\ufeffcategory,unit_key,")


def test_rpl_takes_bare_codes_and_counts_only_what_is_covered(paths):
    result = query.rpl(paths, ["207,cg-legacy:303", "209"], "cg-4430-03")
    assert result.resolved == (("207", "cg-legacy:207"), ("209", "cg-legacy:209"))
    states = {u.unit_key: u.state for u in result.units if u.state != "open"}
    # 207 and 303 give every criterion of 4430-303 and 4430-304 a counterpart; 4430-210 and 4430-211
    # have no body in the handbook, so 209's criteria cannot be compared with theirs
    assert states == {"cg-4430:4430-303": "credited", "cg-4430:4430-304": "credited",
                      "cg-4430:4430-210": "unverified", "cg-4430:4430-211": "unverified"}
    (unverified, _) = [u for u in result.units if u.state == "unverified"]
    assert unverified.reason == "criteria could not be compared: cg-4430:4430-210 states no criteria"
    # the handbook's structure table: 4430-303 is 6 credits, 4430-304 is 8, 4430-210 is 5 and 4430-211 is 6
    assert (result.credits, result.pending) == (14, 11)
    rules = {(r.kind, r.group): (r.credited.credits, r.credited.units, r.met) for r in result.rules}
    assert rules[("total", "Overall")] == (14, 2, False)
    assert rules[("level_min", "Level 3")] == (14, 2, False)
    assert rules[("group_min", "Impression and Image")] == (14, 2, True)
    assert rules[("mandatory", "Mandatory")] == (0, 0, False)
    assert not result.complete
    text = answers.rpl_text(result)
    assert "  unverified: criteria could not be compared: cg-4430:4430-210 states no criteria" in text
    assert "credits: 14 credited, 11 pending" in text
    assert "  Mandatory (mandatory): 0/12 credits  not met" in text


def test_rpl_on_a_held_unit_of_the_target_itself(paths):
    result = query.rpl(paths, ["4430-301"], "4430-03")
    (unit,) = [u for u in result.units if u.state != "open"]
    assert (unit.unit_key, unit.state, unit.mandatory) == ("cg-4430:4430-301", "credited", True)
    assert result.target == "cg-4430-03"


def test_rpl_refuses_ambiguous_and_unknown_codes_and_qualifications(paths):
    with pytest.raises(UsageError, match=r"A1 is a code in 2 schemes \(nos-2010:A1, ocr-03454:A1\): give the unit key"):
        query.rpl(paths, ["A1"], "cg-4430-03")
    with pytest.raises(UsageError, match=r"^unknown unit\(s\): 9999$"):
        query.rpl(paths, ["9999"], "cg-4430-03")
    with pytest.raises(UsageError, match=r"^unknown qualification '4430-09'; qualifications with units: "):
        query.rpl(paths, ["207"], "4430-09")


def test_rpl_markdown_is_a_record_to_file(paths):
    result = query.rpl(paths, ["207", "303", "301"], "cg-4430-03")
    markdown = answers.rpl_text(result, "markdown")
    lines = markdown.splitlines()
    assert lines[0] == "# Recognition of prior learning: Level 3 NVQ Diploma in Customer Service (cg-4430-03)"
    assert re.fullmatch(r"Date: \d{4}-\d{2}-\d{2}  ", lines[2])
    assert re.fullmatch(r"Published generation: \d+  ", lines[3])
    # the handbook (manifest: published 2010) and the legacy standards (undated) state the units used
    assert lines[4] == "Editions used: cg-4430-03-handbook (2010-01-01), cg-nsvq-l3-standards (undated)"
    for heading in ("## Units held", "## Units credited", "## Pending: gaps and unverified units",
                    "## Rules of combination"):
        assert f"\n{heading}\n" in markdown
    assert ("| cg-4430:4430-303 | Deal with customers in writing or electronically | Impression and Image | 6 | "
            "cg-legacy:207 (equivalent, criteria, auto) | 25/25 criteria covered |") in markdown
    assert "- cg-4430:4430-301 Demonstrate understanding of customer service (6 credits pending): gap: 19/25" in markdown
    assert "  - [ ] 1.1: communicate to customers their organisation\u2019s service offer" in markdown
    assert "| Mandatory | mandatory | 0/12 credits | 6 credits, 1 units | not met |" in markdown


def test_rpl_json_and_csv(published):
    out = handbooks(published, "rpl", "--held", "207,303", "--target", "cg-4430-03", "--json")
    data = json.loads(out.output)
    assert data["credits"] == 14 and data["held"] == ["cg-legacy:207", "cg-legacy:303"]
    assert data["generation"].isdigit()
    text = handbooks(published, "rpl", "--held", "207,303", "--target", "cg-4430-03", "--csv").output
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 59  # the structure table's units
    assert sum(r["state"] == "credited" for r in rows) == 2


@pytest.mark.parametrize("command", ["run", "extract", "parse", "match", "publish", "lookup", "rpl", "sql", "diff"])
def test_help_shows_an_example_and_the_exit_codes(command):
    from click.testing import CliRunner

    from pipeline.cli import cli

    out = CliRunner().invoke(cli, [command, "--help"]).output
    example = out.split("Examples:\n", 1)[1].splitlines()[0].split()
    assert example[0] == "handbooks" and command in example
    codes = out.split("Exit codes:\n", 1)[1].splitlines()
    assert codes[0].strip().startswith("0 ok")
    assert codes[-1].strip().startswith("2 ") and codes[-1].strip().endswith("no project at --root")


def test_each_command_lists_its_own_exit_codes():
    from click.testing import CliRunner

    from pipeline.cli import cli

    def codes(command):
        return CliRunner().invoke(cli, [command, "--help"]).output.split("Exit codes:\n", 1)[1]

    assert "  2 no such unit, no published datasets, or no project at --root" in codes("lookup")
    assert "1 some documents failed" in codes("run") and "1 some documents failed" not in codes("lookup")
    assert "2 an unknown or ambiguous unit or qualification" in codes("rpl")


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["rpl", "--help"], ["lookup", "--help"]])
def test_help_and_version_do_not_load_spacy(args):
    probe = (f"import sys\nfrom pipeline.cli import main\nsys.argv = ['handbooks', *{args!r}]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('spacy loaded' if 'spacy' in sys.modules else 'spacy not loaded')")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.stdout.rstrip().endswith("spacy not loaded"), out.stdout + out.stderr
