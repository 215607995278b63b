"""The `handbooks` command end to end, as an operator runs it: exit codes, messages, outputs."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT, manifest

OUTPUTS = ("extracted", "mappings")


def handbooks(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "--root", str(root), "--quiet", *args],
        capture_output=True, text=True, timeout=600,
    )


def snapshot(root: Path) -> dict[str, bytes]:
    """Every published file (not the extraction cache), by path."""
    files = {}
    for folder in OUTPUTS:
        for path in sorted((root / folder).glob("*")):
            if path.is_file():
                files[f"{folder}/{path.name}"] = path.read_bytes()
    return files


def new_project(tmp: Path) -> Path:
    shutil.copytree(ROOT / "raw", tmp / "raw")
    (tmp / "extracted").mkdir()
    (tmp / "mappings").mkdir()
    shutil.copy(ROOT / "mappings" / "overrides.csv", tmp / "mappings" / "overrides.csv")
    return tmp


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = new_project(tmp_path_factory.mktemp("project"))
    first = handbooks(root, "run")
    assert first.returncode == 0, first.stderr
    return root, first


def test_run_publishes_the_five_handbooks(project):
    root, first = project
    documents = pq.read_table(root / "extracted" / "documents.parquet").to_pylist()
    expected = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "raw").glob("*.txt")
    }
    assert sorted((d["path"], d["sha256"]) for d in documents) == sorted(expected.items())
    errors = {i["doc_id"] for i in pq.read_table(root / "extracted" / "issues.parquet").to_pylist()
              if i["severity"] == "error"}
    assert {d["doc_id"]: d["status"] for d in documents} == {
        d["doc_id"]: "partial" if d["doc_id"] in errors else "ok" for d in documents
    }
    # the legacy standards are an extract whose last unit body is cut off
    assert errors == {"cg-nsvq-l3-standards"}
    assert "5 document(s) extracted" in first.stdout


def test_run_reports_per_document_counts_and_issues(project):
    root, first = project
    units = pq.read_table(root / "extracted" / "units.parquet").to_pylist()
    issues = pq.read_table(root / "extracted" / "issues.parquet").to_pylist()
    lines = {line.split()[0]: line for line in first.stdout.splitlines() if line.startswith("  ")}
    for doc_id in ("cg-4430-03-handbook", "cg-nsvq-l3-standards", "ocr-03454-brochure"):
        published = sum(u["doc_id"] == doc_id and u["scheme"] != "nos-2010" for u in units)
        warnings = sum(i["doc_id"] == doc_id and i["severity"] == "warning" for i in issues)
        assert f" {published} units," in lines[doc_id]
        assert f"{warnings} warning(s)" in lines[doc_id]
    assert " 59 units, " in lines["cg-4430-03-handbook"]  # its structure table's rows
    for doc_id, line in lines.items():
        if doc_id in manifest():
            assert re.search(r"; \d{1,3}\.\d% of its text in records, \d{1,3}\.\d% unaccounted$", line), line


def test_every_dataset_is_published_with_its_schema(project):
    from pipeline.core.schemas import DATASETS

    root, _ = project
    for dataset in DATASETS.values():
        table = pq.read_table(root / dataset.folder / dataset.filename)
        assert table.schema.remove_metadata() == dataset.schema, dataset.name
    assert (root / "mappings" / "unit_map.csv").exists()
    assert (root / "mappings" / "review.csv").exists()


def test_second_run_extracts_nothing_and_gives_identical_files(project):
    root, _ = project
    before = snapshot(root)
    second = handbooks(root, "run")
    assert second.returncode == 0, second.stderr
    assert "nothing to extract, all 5 documents unchanged" in second.stdout
    assert snapshot(root) == before


def test_forced_extraction_gives_identical_files(project):
    root, _ = project
    before = snapshot(root)
    forced = handbooks(root, "run", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "5 document(s) extracted" in forced.stdout
    assert snapshot(root) == before


def test_broken_manifest_exits_2_naming_lines_and_publishes_nothing(project, tmp_path):
    root = new_project(tmp_path)
    shutil.copytree(project[0] / "extracted", root / "extracted", dirs_exist_ok=True)
    shutil.copytree(project[0] / "mappings", root / "mappings", dirs_exist_ok=True)
    before = snapshot(root)
    manifest = root / "raw" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace('doc_id = "ocr-03454-brochure"', 'doc_id = "ics-nos-page"')
    text = text.replace('path = "cg-4430-customer-service-catalogue-page.txt"', 'path = "gone.txt"')
    text = text.replace('title = "Customer Service (4430) catalogue page"', 'titel = "Customer Service (4430) catalogue page"')
    manifest.write_text(text, encoding="utf-8")
    result = handbooks(root, "run")
    assert result.returncode == 2
    shown = f"{root}/raw/manifest.toml"
    lines = result.stderr.splitlines()
    duplicate = 'doc_id = "ics-nos-page"'
    first, second = _line(text, duplicate, 1), _line(text, duplicate, 2)
    gone = _line(text, 'path = "gone.txt"', 1)
    assert f"error: {shown}:{second}: duplicate doc_id 'ics-nos-page' (first on line {first})" in lines
    assert f"error: {shown}:{gone}: file not found: raw/gone.txt" in lines
    assert any(l.startswith(f"error: {shown}:{_line(text, 'titel =', 1)}: unknown key 'titel'") for l in lines)
    assert lines[-1] == "the manifest is invalid; nothing was published"
    assert snapshot(root) == before


def _line(text: str, start: str, occurrence: int) -> int:
    """The line number of the n-th line of ``text`` starting with ``start``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith(start)]
    return hits[occurrence - 1]


def test_unreadable_document_fails_alone_with_exit_1(tmp_path):
    root = new_project(tmp_path)
    (root / "raw" / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    result = handbooks(root, "run")
    assert result.returncode == 1
    assert "1 document(s) failed; the others were published" in result.stderr
    documents = {d["doc_id"]: d for d in pq.read_table(root / "extracted" / "documents.parquet").to_pylist()}
    assert documents["broken"]["status"] == "failed"
    assert documents["broken"]["error"].startswith("raw/broken.pdf: not a readable PDF")
    assert "failed" not in {d["status"] for k, d in documents.items() if k != "broken"}


@pytest.mark.parametrize("command", ["run", "extract", "parse", "match", "publish", "lookup", "rpl", "sql", "diff"])
def test_every_command_has_help(command):
    result = subprocess.run([sys.executable, "-m", "pipeline", command, "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert f"Usage: python -m pipeline {command}" in result.stdout or "Usage:" in result.stdout
    summary = result.stdout.split("\n\n")[1].strip()
    assert len(summary) > 20


def test_usage_error_exits_2(project):
    root, _ = project
    result = handbooks(root, "rpl", "--held", "cg-legacy:207")
    assert result.returncode == 2
    assert "Missing option '--target'" in result.stderr
    unknown = handbooks(root, "rpl", "--held", "cg-legacy:nope", "--target", "cg-4430-03")
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "error: unknown unit(s): cg-legacy:nope"


def test_sql_over_the_datasets(project):
    root, _ = project
    result = handbooks(root, "sql", "SELECT count(*) AS n FROM documents", "--csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["\ufeffn", "5"]
    bad = handbooks(root, "sql", "SELEKT 1")
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: SQL error:")


def test_unit_map_csv_reads_right_in_a_spreadsheet(project):
    root, _ = project
    with (root / "mappings" / "unit_map.csv").open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    covered = [r for r in rows if r["criteria_total"]]
    assert covered, "some mapped pairs carry criteria coverage"
    for row in covered:  # whole numbers, not "25.0"
        assert row["criteria_covered"].isdigit() and row["criteria_total"].isdigit(), row
    assert {r["relation"] for r in rows} <= {"equivalent", "partial", "none"}


def test_a_reviewed_pair_copied_into_overrides_is_applied_and_reported(project, tmp_path):
    root = new_project(tmp_path)
    shutil.copytree(project[0] / "extracted", root / "extracted", dirs_exist_ok=True)
    with (project[0] / "mappings" / "review.csv").open(newline="", encoding="utf-8-sig") as handle:
        review = list(csv.reader(handle))
    assert review[0][:4] == ["from_key", "to_key", "decision", "note"]
    first = review[1][:4]
    first[2:] = ["reject", "checked against both handbooks"]
    with (root / "mappings" / "overrides.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(first)
    before = (root / "mappings" / "overrides.csv").read_bytes()
    result = handbooks(root, "run")
    assert result.returncode == 0, result.stderr
    assert "overrides: 1 applied, 0 ignored" in result.stdout
    assert (root / "mappings" / "overrides.csv").read_bytes() == before
    matches = {(m["left_key"], m["right_key"]): m for m in pq.read_table(root / "mappings" / "unit_matches.parquet").to_pylist()}
    assert matches[tuple(first[:2])]["decision"] == "non-match"
    with (root / "mappings" / "review.csv").open(newline="", encoding="utf-8-sig") as handle:
        assert [r[:2] for r in csv.reader(handle)].count(first[:2]) == 0


def test_lookup_and_rpl_answer_a_centre(project):
    root, _ = project
    lookup = handbooks(root, "lookup", "A13")
    assert lookup.returncode == 0, lookup.stderr
    assert lookup.stdout.startswith("A13 names units in 2 schemes: nos-2010:A13, cg-4430:4430-303 (NOS A13)\n")
    assert "\ncg-4430:4430-303  Deal with customers in writing or electronically" in lookup.stdout
    assert "cg-legacy:207" in lookup.stdout
    rpl = handbooks(root, "rpl", "--held", "cg-legacy:207", "--held", "cg-legacy:303", "--target", "cg-4430-03")
    assert rpl.returncode == 0, rpl.stderr
    blocks = rpl.stdout.split("\n\n")
    assert blocks[1].splitlines() == [
        "cg-4430:4430-303  Deal with customers in writing or electronically  [Impression and Image]  6 credits",
        "  credited by cg-legacy:207 (equivalent, criteria, auto): 25/25 criteria covered",
    ]
    assert "cg-4430:4430-304  Use customer service as a competitive tool" in blocks[2]
    assert "units: 2 credited, 0 gap, 0 unverified, of 59 units of cg-4430-03" in rpl.stdout
