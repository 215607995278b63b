"""lookup and rpl as a centre uses them: codes across schemes, credits against the rules, every output format."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from pipeline import answers, query
from pipeline.errors import UsageError
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
    with pytest.raises(UsageError, match="^no unit found for 'zz-nonsense-99'"):
        query.lookup(paths, "zz-nonsense-99")


def test_lookup_json_and_csv(published):
    out = handbooks(published, "lookup", "cg-legacy:209", "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    (unit,) = data["units"]
    assert [(m["to_key"], m["relation"], m["criteria_total"]) for m in unit["mappings"]] == [
        ("cg-4430:4430-210", "partial", None), ("cg-4430:4430-211", "partial", None)]
    rows = list(csv.DictReader(io.StringIO(handbooks(published, "lookup", "cg-legacy:209", "--csv").output)))
    assert [r["to_key"] for r in rows] == ["cg-4430:4430-210", "cg-4430:4430-211"]
    assert rows[0]["looked_up"] == "cg-legacy:209"


def test_rpl_takes_bare_codes_and_counts_credits_against_the_rules(paths):
    result = query.rpl(paths, ["207", "cg-legacy:303", "209"], "cg-4430-03")
    assert result.resolved == (("207", "cg-legacy:207"), ("209", "cg-legacy:209"))
    states = {u.unit_key: u.state for u in result.units if u.credited_by}
    assert states == {"cg-4430:4430-303": "credited", "cg-4430:4430-304": "credited",
                      "cg-4430:4430-210": "partly credited", "cg-4430:4430-211": "partly credited"}
    # the handbook's structure table: 4430-303 is 6 credits, 4430-304 is 8, both level 3, in Impression and Image
    assert result.credits == 14 and result.credits_min == 42
    rules = {r.group: (r.credits, r.units, r.met) for r in result.rules}
    assert rules["Overall"] == (14, 2, False)
    assert rules["Level 3"] == (14, 2, False)
    assert rules["Impression and Image"] == (14, 2, True)
    assert rules["Mandatory"] == (0, 0, False)
    assert not result.complete
    text = answers.rpl_text(result)
    assert "  partly credited by cg-legacy:209 (partial): criteria not compared" in text
    assert "0/0" not in text
    assert "credits: 14 of 42 needed" in text
    assert "  Mandatory: 0/12 credits, 0/2 units  not met" in text


def test_rpl_on_a_held_unit_of_the_target_itself(paths):
    result = query.rpl(paths, ["4430-301"], "cg-4430-03")
    (unit,) = [u for u in result.units if u.credited_by]
    assert (unit.unit_key, unit.state, unit.mandatory) == ("cg-4430:4430-301", "credited", True)


def test_rpl_refuses_ambiguous_and_unknown_codes(paths):
    with pytest.raises(UsageError, match=r"A1 is a code in 2 schemes \(nos-2010:A1, ocr-03454:A1\): give the unit key"):
        query.rpl(paths, ["A1"], "cg-4430-03")
    with pytest.raises(UsageError, match=r"^unknown unit\(s\): 9999$"):
        query.rpl(paths, ["9999"], "cg-4430-03")


def test_rpl_markdown_json_and_csv(paths):
    result = query.rpl(paths, ["207", "303"], "cg-4430-03")
    markdown = answers.rpl_text(result, "markdown")
    assert markdown.startswith("# Recognition of prior learning: Level 3 NVQ Diploma in Customer Service (cg-4430-03)")
    for heading in ("## Units held", "## Units credited", "## Criteria still to show", "## Rules of combination"):
        assert f"\n{heading}\n" in markdown
    assert "| cg-4430:4430-303 | Deal with customers in writing or electronically | Impression and Image | 6 |" in markdown
    data = json.loads(answers.rpl_text(result, "json"))
    assert data["credits"] == 14 and data["held"] == ["cg-legacy:207", "cg-legacy:303"]
    rows = list(csv.DictReader(io.StringIO(answers.rpl_text(result, "csv"))))
    assert len(rows) == 59  # the structure table's units
    assert sum(r["state"] == "credited" for r in rows) == 2


@pytest.mark.parametrize("command", ["run", "extract", "parse", "match", "publish", "lookup", "rpl", "sql", "diff"])
def test_help_shows_an_example_and_the_exit_codes(command):
    from click.testing import CliRunner

    from pipeline.cli import cli

    out = CliRunner().invoke(cli, [command, "--help"]).output
    example = out.split("Examples:\n", 1)[1].splitlines()[0].split()
    assert example[0] == "handbooks" and command in example
    assert "Exit codes: 0 ok; 1 some documents failed" in out


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["rpl", "--help"], ["lookup", "--help"]])
def test_help_and_version_do_not_load_spacy(args):
    probe = ("import sys\nfrom pipeline.cli import main\nsys.argv = ['handbooks', *%r]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\nprint('spacy loaded' if 'spacy' in sys.modules else 'spacy not loaded')" % args)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.stdout.rstrip().endswith("spacy not loaded"), out.stdout + out.stderr
