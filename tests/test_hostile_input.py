"""Hostile input fails alone: deep nesting, huge tables, very long cells and mixed encodings never end a run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import runner
from pipeline.core.errors import PipelineError
from pipeline.core.manifest import Entry
from pipeline.extract import extract_file
from pipeline.parse import ParseContext
from pipeline.parse.profiles import PROFILES, parse_lines
from tests.conftest import RAW, ROOT

FEW = settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Far past Python's recursion limit (1000): a reader that recursed on depth would raise RecursionError.
DEEP = 20_000


def _every_family(path: Path) -> None:
    """Extract a file and parse it as every family: each gives records or issues, or the pipeline's own error."""
    entry = Entry(doc_id="doc", path=path.name, publisher="Some Body", scheme="s", title="t")
    try:
        extraction = extract_file(path, entry.doc_id, path.name)
    except PipelineError as exc:
        assert str(exc).startswith(path.name), exc
        return
    for profile in PROFILES.values():
        parse_lines(ParseContext(entry, extraction.lines), profile, path.name)


def _nested(tags: list[str], depth: int, text: str) -> str:
    opened = "".join(f"<{t}>" for t in (tags * depth)[:depth])
    closed = "".join(f"</{t}>" for t in reversed((tags * depth)[:depth]))
    return f"<html><body>{opened}{text}{closed}</body></html>"


def test_html_nested_far_past_the_recursion_limit_reads(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text(_nested(["div", "span", "b"], DEEP, "Unit 201 Give customers a positive impression"))
    extraction = extract_file(path, "deep", "deep.html")
    assert [l.text for l in extraction.lines] == ["Unit 201 Give customers a positive impression"]
    assert extraction.lines[0].bold  # the <b> around it


@FEW
@given(tags=st.lists(st.sampled_from(["div", "p", "table", "tr", "td", "li", "ul", "pre", "b", "section"]),
                     min_size=1, max_size=4),
       depth=st.integers(1000, 2500), text=st.text(min_size=1, max_size=200))
def test_deep_nesting_of_any_tags(tmp_path_factory, tags, depth, text):
    path = tmp_path_factory.mktemp("deep") / "doc.html"
    path.write_text(_nested(tags, depth, text.replace("<", " ")), encoding="utf-8", errors="surrogatepass")
    _every_family(path)


@FEW
@given(rows=st.integers(300, 1500), columns=st.integers(1, 12), suffix=st.sampled_from([".txt", ".html"]))
def test_huge_tables(tmp_path_factory, rows, columns, suffix):
    path = tmp_path_factory.mktemp("table") / f"doc{suffix}"
    cells = [[f"{r}.{c} cell" if c else f"4430-{r % 1000:03d}" for c in range(columns)] for r in range(rows)]
    if suffix == ".html":
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells)
        path.write_text(f"<html><body><table>{body}</table></body></html>")
    else:
        path.write_text("\n".join(" | ".join(row) for row in cells))
    _every_family(path)


@FEW
@given(length=st.integers(10_000, 100_000), word=st.sampled_from(["identify ", "1.1 ", "Unit 201 ", "x"]),
       suffix=st.sampled_from([".txt", ".html"]))
def test_very_long_cells(tmp_path_factory, length, word, suffix):
    path = tmp_path_factory.mktemp("long") / f"doc{suffix}"
    cell = (word * (length // len(word) + 1))[:length]
    text = f"Unit 201 A title\nLevel: 2\n{cell}\n" if suffix == ".txt" else f"<table><tr><td>{cell}</td></tr></table>"
    path.write_text(text)
    _every_family(path)


@FEW
@given(pieces=st.lists(st.tuples(st.text(max_size=80), st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16-le"])),
                       min_size=2, max_size=12),
       suffix=st.sampled_from([".txt", ".html"]))
def test_mixed_encodings(tmp_path_factory, pieces, suffix):
    path = tmp_path_factory.mktemp("mixed") / f"doc{suffix}"
    path.write_bytes(b"\n".join(text.encode(encoding, errors="replace") for text, encoding in pieces))
    _every_family(path)


def _project(root: Path, extra: str) -> runner.Paths:
    """The five raw/ handbooks with ``extra`` manifest tables beside them."""
    shutil.copytree(RAW, root / "raw")
    with (root / "raw" / "manifest.toml").open("a", encoding="utf-8") as manifest:
        manifest.write(extra)
    (root / "extracted").mkdir()
    (root / "mappings").mkdir()
    shutil.copy(ROOT / "mappings" / "overrides.csv", root / "mappings" / "overrides.csv")
    return runner.Paths(root)


def _issues(root: Path, doc_id: str) -> list[dict]:
    return [i for i in pq.read_table(root / "extracted" / "issues.parquet").to_pylist() if i["doc_id"] == doc_id]


def _rows(root: Path, dataset: str, doc_ids: set[str]) -> list[dict]:
    """The rows the documents state (the NOS scheme's units come from the failed NOS page: left out)."""
    rows = pq.read_table(root / "extracted" / f"{dataset}.parquet").to_pylist()
    return [r for r in rows if r["doc_id"] in doc_ids and r.get("scheme") != "nos-2010"]


def test_hostile_documents_fail_alone_and_the_rest_publish(tmp_path, monkeypatch, published):
    paths = _project(tmp_path, """
[[document]]
doc_id = "hostile-deep"
publisher = "Some Body"
scheme = "hostile-deep"
title = "A hostile file"
path = "deep.html"
format = "cg-qcf"

[[document]]
doc_id = "hostile-fault"
publisher = "Some Body"
scheme = "hostile-fault"
title = "A hostile file"
path = "fault.txt"
format = "ics-nos"

[[document]]
doc_id = "hostile-empty"
publisher = "Some Body"
scheme = "hostile-empty"
title = "A hostile file"
path = "empty-of-records.txt"
format = "cg-qcf"
""")
    (tmp_path / "raw" / "deep.html").write_text(_nested(["div"], 50_000, "deep text"))
    (tmp_path / "raw" / "fault.txt").write_text("The standards are organised into two themes:\n* One\n* Two\n")
    (tmp_path / "raw" / "empty-of-records.txt").write_text("A letter to centres.\nIt states no unit of any kind.\n")

    def fault(ctx):  # a reader's own bug, met only on this document
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(PROFILES["ics-nos"].module, "parse", fault)
    report = runner.run(paths)
    outcome = {o.entry.doc_id: o for o in report.documents}
    # The NOS page shares the faulty family, so it fails too; the other four publish what they publish alone.
    others = {o.entry.doc_id for o in report.documents if o.entry.path in {p.name for p in RAW.iterdir()}}
    others -= {"ics-nos-page"}
    assert len(others) == 4
    for dataset in ("units", "outcomes", "criteria", "qualifications", "issues"):
        assert _rows(tmp_path, dataset, others) == _rows(published, dataset, others), dataset
    assert outcome["ics-nos-page"].error and outcome["ics-nos-page"].error.startswith("raw/ics-customer-service-nos")
    assert [(i["code"], i["severity"]) for i in _issues(tmp_path, "hostile-fault")] == [("internal-error", "error")]
    assert _issues(tmp_path, "hostile-fault")[0]["message"] == (
        "raw/fault.txt: internal error while parsing: RecursionError: maximum recursion depth exceeded")
    deep = [i for i in _issues(tmp_path, "hostile-deep") if i["severity"] == "error"]
    assert [i["code"] for i in deep] == ["no-records"]
    assert deep[0]["message"].startswith("raw/deep.html: the cg-qcf family read no unit")
    empty = [i for i in _issues(tmp_path, "hostile-empty") if i["code"] == "no-records"]
    assert len(empty) == 1 and "raw/empty-of-records.txt" in empty[0]["message"] and "cg-qcf" in empty[0]["message"]
    assert report.published
