"""Reliability: a kill at any step, two runs at once, or a bad file never costs published data."""

from __future__ import annotations

import csv
import itertools
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline import runner
from pipeline.answers import query
from pipeline.cli import cli
from pipeline.core.errors import DocumentError, Location, ManifestError
from pipeline.store import faults, lock
from tests.conftest import DATA, ROOT

# Two small handbooks of two families, one superseding the other's scheme.
MANIFEST = """\
[[document]]
doc_id = "cg-qcf-l2"
path = "cg_qcf_level2_sample.txt"
publisher = "City & Guilds"
scheme = "cg-4430"
title = "Level 2 NVQ Certificate in Customer Service"
published = 2010
supersedes = ["cg-legacy"]

[[document]]
doc_id = "cg-legacy-l2"
path = "cg_legacy_level2_sample.txt"
publisher = "City & Guilds"
scheme = "cg-legacy"
title = "Level 2 N/SVQ in Customer Service"
"""


def tiny_project(root: Path) -> runner.Paths:
    (root / "raw").mkdir(parents=True)
    for name in ("cg_qcf_level2_sample.txt", "cg_legacy_level2_sample.txt"):
        shutil.copy(DATA / name, root / "raw" / name)
    (root / "raw" / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (root / "extracted").mkdir()
    (root / "mappings").mkdir()
    shutil.copy(ROOT / "mappings" / "overrides.csv", root / "mappings" / "overrides.csv")
    return runner.Paths(root)


def published(root: Path) -> dict[str, bytes]:
    """Every published file, read through the paths analysts use."""
    return {f"{folder}/{p.name}": p.read_bytes() for folder in ("extracted", "mappings")
            for p in sorted((root / folder).glob("*")) if p.is_file() and not p.name.startswith(".")}


def records(root: Path, name: str) -> list[dict]:
    return pq.read_table(root / "extracted" / f"{name}.parquet").to_pylist()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[runner.Paths, dict[str, bytes]]:
    """A published tiny project, and its published files."""
    paths = tiny_project(tmp_path_factory.mktemp("tiny"))
    report = runner.run(paths)
    assert not report.failed and not report.unaccepted
    return paths, published(paths.root)


def fresh(tiny, tmp_path: Path) -> runner.Paths:
    """A copy of the published tiny project (links kept as links)."""
    shutil.copytree(tiny[0].root, tmp_path / "p", symlinks=True)
    return runner.Paths(tmp_path / "p")


def _killed_at(step: int, action) -> bool:
    """Run ``action`` in a forked child told to SIGKILL itself at its ``step``-th output step."""
    pid = os.fork()
    if pid == 0:  # the child: count steps from zero, die at the named one
        steps = itertools.count(1)
        faults.install(lambda: next(steps) == step and os.kill(os.getpid(), signal.SIGKILL))
        try:
            action()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def test_a_kill_at_any_step_leaves_the_old_set_or_the_new_one(tiny, tmp_path):
    old_paths = fresh(tiny, tmp_path / "old")
    old = tiny[1]
    # New input: the legacy handbook leaves the manifest, so every dataset changes.
    manifest = old_paths.raw / "manifest.toml"
    manifest.write_text(MANIFEST.split("\n\n[[document]]")[0] + "\n", encoding="utf-8")
    runner.parse(old_paths, runner.manifest_entries(old_paths))
    runner.match(old_paths, runner.manifest_entries(old_paths))
    staged = tmp_path / "staged"
    shutil.copytree(old_paths.root, staged, symlinks=True)
    runner.publish(old_paths)
    new = published(old_paths.root)
    assert new != old and set(new) == set(old)

    killed_at = []
    for step in range(1, 200):
        paths = runner.Paths(tmp_path / f"kill{step}")
        shutil.copytree(staged, paths.root, symlinks=True)
        if not _killed_at(step, lambda paths=paths: runner.publish(paths)):
            break
        killed_at.append(step)
        seen = published(paths.root)
        assert seen in (old, new), f"mixed set after a kill at publish step {step}"
        with query.connect(paths) as con:  # and readable as one generation
            assert con.execute("SELECT count(*) FROM documents").fetchone()[0] in (1, 2)
        runner.publish(paths)  # the next publication recovers what the kill left
        assert published(paths.root) == new
        shutil.rmtree(paths.root)
    assert len(killed_at) > 20, killed_at  # every link, rename and switch was a kill point

    # Killed while staging (its first write and a later one): nothing published changes, and the next run is whole.
    for step in (1, 9):
        paths = fresh(tiny, tmp_path / f"run{step}")
        assert _killed_at(step, lambda paths=paths: runner.run(paths))
        assert published(paths.root) == old
        runner.run(paths)
        assert published(paths.root) == old


def test_generations_keep_the_previous_one_and_clean_older(tiny, tmp_path):
    paths = fresh(tiny, tmp_path)
    manifest = paths.raw / "manifest.toml"
    for text in (MANIFEST.split("\n\n[[document]]")[0] + "\n", MANIFEST, MANIFEST.split("\n\n[[document]]")[0] + "\n",
                 MANIFEST):  # each run changes the published set: a new generation each time
        manifest.write_text(text, encoding="utf-8")
        runner.run(paths)
    store = paths.extracted / ".generations"
    numbers = sorted(int(p.name) for p in store.iterdir() if p.name.isdigit())
    assert len(numbers) == 2 and os.readlink(store / "current") == str(numbers[-1])
    assert published(paths.root) == tiny[1]
    assert (paths.mappings / "overrides.csv").is_file() and not (paths.mappings / "overrides.csv").is_symlink()


def test_two_runs_and_a_forced_run_give_identical_files(tiny, tmp_path):
    paths = fresh(tiny, tmp_path)
    runner.run(paths)
    assert published(paths.root) == tiny[1]
    runner.run(paths, force=True)
    assert published(paths.root) == tiny[1]


def _handbooks(root: Path, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "--root", str(root), "-q", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_a_second_run_refuses_with_no_wait_or_waits_for_the_lock(tiny, tmp_path):
    paths = fresh(tiny, tmp_path)
    with lock.hold(paths.extracted):
        refused = _handbooks(paths.root, "--no-wait", "publish")
        _, err = refused.communicate(timeout=120)
        assert refused.returncode == 1
        assert err.strip() == f"error: another run (process {os.getpid()}) is writing this project; not waiting (--no-wait)"

    # flock locks belong to an open file, so a second holder in this process waits like another process would.
    said, events = [], []

    def second_run():
        with lock.hold(paths.extracted, on_wait=said.append):
            events.append("second")

    with lock.hold(paths.extracted):
        waiting = threading.Thread(target=second_run)
        waiting.start()
        waiting.join(timeout=0.5)
        assert waiting.is_alive() and events == []
        events.append("first done")
    waiting.join(timeout=30)
    assert events == ["first done", "second"]
    assert said == [f"waiting for another run (process {os.getpid()}) to finish..."]


def test_a_lock_left_by_a_killed_run_does_not_block(tmp_path):
    holder = subprocess.run([sys.executable, "-c", "import os, signal, sys; from pathlib import Path; "
                             "from pipeline.store import lock\nwith lock.hold(Path(sys.argv[1])): "
                             "os.kill(os.getpid(), signal.SIGKILL)", str(tmp_path)])
    assert holder.returncode == -signal.SIGKILL
    with lock.hold(tmp_path, wait=False):
        pass


def test_errors_fail_the_run_unless_the_manifest_accepts_them(tiny, tmp_path):
    paths = fresh(tiny, tmp_path)
    # Cut the level 2 legacy sample off inside its last unit body: a truncated-body error.
    text = (paths.raw / "cg_legacy_level2_sample.txt").read_text(encoding="utf-8")
    cut = text.rindex("Knowledge and understanding")
    (paths.raw / "cg_legacy_level2_sample.txt").write_text(text[:cut], encoding="utf-8")
    shutil.rmtree(paths.extracted / "cg-legacy-l2" / "parsed")  # no last good records: published partial
    result = CliRunner().invoke(cli, ["--root", str(paths.root), "-q", "run"])
    assert result.exit_code == 1
    errors = [i for i in records(paths.root, "issues") if i["severity"] == "error"]
    assert [(i["code"], i["accepted"]) for i in errors] == [("unit-body-truncated", False)]
    assert "cg-legacy-l2: 1 error(s) not accepted in the manifest:\n  raw/cg_legacy_level2_sample.txt:" in result.stderr
    assert f": unit-body-truncated: {errors[0]['message']}" in result.stderr

    unit = errors[0]["unit_code"]
    manifest = paths.raw / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + f'accept = ["unit-body-truncated:{unit}"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(paths.root), "-q", "run"])
    assert result.exit_code == 0, result.output
    assert [i["accepted"] for i in records(paths.root, "issues") if i["severity"] == "error"] == [True]
    assert {d["doc_id"]: d["status"] for d in records(paths.root, "documents")}["cg-legacy-l2"] == "partial"


def test_a_failing_document_keeps_its_last_good_records_as_stale(tiny, tmp_path):
    paths = fresh(tiny, tmp_path)
    before = [u for u in records(paths.root, "units") if u["doc_id"] == "cg-legacy-l2"]
    (paths.raw / "cg_legacy_level2_sample.txt").write_bytes(b"")
    report = runner.run(paths)
    assert [d.entry.doc_id for d in report.failed] == ["cg-legacy-l2"]
    document = {d["doc_id"]: d for d in records(paths.root, "documents")}["cg-legacy-l2"]
    assert document["status"] == "stale"
    assert document["error"].startswith("raw/cg_legacy_level2_sample.txt: the file is empty; its last good records")
    assert [u for u in records(paths.root, "units") if u["doc_id"] == "cg-legacy-l2"] == before

    # Removed from the manifest and raw/: its cache and its records go, and the report says so.
    (paths.raw / "cg_legacy_level2_sample.txt").unlink()
    (paths.raw / "manifest.toml").write_text(MANIFEST.split("\n\n[[document]]")[0] + "\n", encoding="utf-8")
    report = runner.run(paths)
    assert report.removed == ["cg-legacy-l2"] and not (paths.extracted / "cg-legacy-l2").exists()
    assert {u["doc_id"] for u in records(paths.root, "units")} == {"cg-qcf-l2"}


def test_an_unchanged_document_is_not_parsed_again(tiny, tmp_path, monkeypatch):
    paths = fresh(tiny, tmp_path)
    parsed = []
    original = runner._parse_one
    monkeypatch.setattr(runner, "_parse_one", lambda *a: parsed.append(a[-1].entry.doc_id) or original(*a))
    runner.run(paths)
    assert parsed == []
    (paths.raw / "cg_qcf_level2_sample.txt").write_text(
        (paths.raw / "cg_qcf_level2_sample.txt").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    runner.run(paths)
    assert parsed == ["cg-qcf-l2"]


def test_match_after_run_and_an_ignored_override_named_with_row_and_reason(tiny, tmp_path):
    paths = fresh(tiny, tmp_path)
    known = next(u["unit_key"] for u in records(paths.root, "units") if u["scheme"] == "cg-4430")
    with (paths.mappings / "overrides.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["cg-legacy:999", known, "confirm", "checked"])
    def invoke(*args):
        return CliRunner().invoke(cli, ["--root", str(paths.root), "-q", *args])
    result = invoke("run")
    assert result.exit_code == 0, result.output
    assert (f"    ignored mappings/overrides.csv:2: confirm cg-legacy:999 -> {known} not applied: "
            "no unit cg-legacy:999 in units.parquet") in result.output.splitlines()
    issues = records(paths.root, "issues")
    for _ in range(2):
        result = invoke("match")
        assert result.exit_code == 0, result.output
        assert invoke("publish").exit_code == 0
        assert records(paths.root, "issues") == issues


def test_extract_summary_counts_a_file_that_failed(tiny, tmp_path):
    paths = fresh(tiny, tmp_path)
    (paths.raw / "random.pdf").write_bytes(os.urandom(2048))
    result = CliRunner().invoke(cli, ["--root", str(paths.root), "-q", "extract"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "extract: 0 document(s) extracted, 2 unchanged (cached), 1 could not be read"


def test_a_run_connects_no_socket(tiny, tmp_path):
    paths = fresh(tiny, tmp_path)
    (paths.raw / "cg_qcf_level2_sample.txt").write_text("changed\n" + (paths.raw / "cg_qcf_level2_sample.txt")
                                                       .read_text(encoding="utf-8"), encoding="utf-8")
    # Binding is left alone: urllib3 (imported by spaCy) probes for IPv6 by binding ::1 at import.
    guard = ("import socket, runpy, sys\n"
             "def refuse(*a, **k): raise SystemExit('a socket was opened')\n"
             "socket.socket.connect = socket.socket.connect_ex = socket.socket.sendto = refuse\n"
             "socket.create_connection = socket.getaddrinfo = refuse\n"
             "sys.argv = ['handbooks', '--root', sys.argv[1], '-q', 'run', '--force']\n"
             "runpy.run_module('pipeline', run_name='__main__')\n")
    result = subprocess.run([sys.executable, "-c", guard, str(paths.root)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "socket" not in result.stderr


def test_a_raw_symlink_pointing_outside_is_refused(tiny, tmp_path):
    paths = fresh(tiny, tmp_path)
    outside = tmp_path / "secret.txt"
    outside.write_text("not part of the project", encoding="utf-8")
    (paths.raw / "link.txt").symlink_to(outside)
    manifest = paths.raw / "manifest.toml"
    manifest.write_text(MANIFEST + '\n[[document]]\ndoc_id = "link"\npath = "link.txt"\npublisher = "x"\n'
                        'scheme = "x"\ntitle = "x"\n', encoding="utf-8")
    with pytest.raises(ManifestError) as raised:
        runner.run(paths)
    assert [p.message for p in raised.value.problems] == ["path 'link.txt' is outside raw/"]
    manifest.write_text(MANIFEST, encoding="utf-8")  # not listed, it is refused all the same
    with pytest.raises(ManifestError) as raised:
        runner.run(paths)
    assert [p.message for p in raised.value.problems] == ["raw/link.txt links to a file outside raw/: refused"]


def test_bad_files_beside_the_five_handbooks_fail_alone_with_reasons(tmp_path):
    from tests.test_cli import new_project
    from tests.test_reliability_files import write_bad_files

    paths = runner.Paths(new_project(tmp_path))
    reasons = write_bad_files(paths.raw)
    report = runner.run(paths)
    documents = {d["doc_id"]: d for d in records(paths.root, "documents")}
    assert {d.entry.doc_id for d in report.failed} == set(reasons)
    assert {k: d["status"] for k, d in documents.items() if k not in reasons} == {
        "ics-nos-page": "ok", "cg-nsvq-l3-standards": "partial", "ocr-03454-brochure": "ok",
        "cg-4430-catalogue": "ok", "cg-4430-03-handbook": "ok"}
    assert not report.unaccepted
    for doc_id, reason in reasons.items():
        assert documents[doc_id]["status"] == "failed"
        assert documents[doc_id]["error"] == f"raw/{doc_id}{reason}", doc_id


def _measures(path: Path) -> dict[str, float]:
    """What each limit measures of one file: size in MB, pages, the most characters on a page."""
    from collections import Counter

    from pipeline.extract import extract_file

    extraction = extract_file(path, "d", path.name)
    chars = Counter()
    for line in extraction.lines:
        chars[line.page] += len(line.text)
    return {"max_file_mb": path.stat().st_size / 1e6, "max_pages": extraction.pages, "max_page_chars": max(chars.values())}


@pytest.mark.parametrize("key", ["max_file_mb", "max_pages", "max_page_chars"])
def test_a_document_past_a_limit_fails_alone(tiny, tmp_path, key):
    paths = fresh(tiny, tmp_path)
    entries = {e.doc_id: e for e in runner.manifest_entries(paths)}
    measured = {doc_id: _measures(paths.raw / e.path)[key] for doc_id, e in entries.items()}
    big, small = sorted(measured, key=measured.get, reverse=True)
    assert measured[big] > measured[small]
    limit = (measured[big] + measured[small]) / 2
    shutil.rmtree(paths.extracted / big / "parsed")  # no last good records to fall back on
    manifest = paths.raw / "manifest.toml"
    manifest.write_text(f"[limits]\n{key} = {limit if key == 'max_file_mb' else int(limit)}\n\n" + MANIFEST,
                        encoding="utf-8")
    report = runner.run(paths)
    (failed,) = report.failed
    assert failed.entry.doc_id == big, failed.error
    assert failed.error.startswith(f"raw/{entries[big].path}") and failed.error.endswith(f"(limits.{key} in the manifest)")
    assert {d["doc_id"]: d["status"] for d in records(paths.root, "documents")} == {big: "failed", small: "ok"}


def test_the_time_limit_stops_a_slow_document(tmp_path):
    from pipeline.extract.guard import TimeLimit, within

    with pytest.raises(TimeLimit, match=r"raw/x.pdf: took longer than 0.05 s to parse \(limits.max_seconds"):
        within(0.05, "raw/x.pdf", "parse", time.sleep, 30)


def test_work_within_the_limit_gives_its_answer_or_raises_its_error():
    from pipeline.extract.guard import within

    assert within(30, "raw/x.pdf", "read", sorted, [3, 1, 2]) == [1, 2, 3]
    with pytest.raises(DocumentError, match=r"^raw/x.pdf:4: unreadable page$"):
        within(30, "raw/x.pdf", "read", _fails, "raw/x.pdf")


def _fails(shown: str) -> None:
    raise DocumentError("unreadable page", Location(shown, 4))


def test_a_child_that_dies_fails_its_document_with_how_it_ended():
    from pipeline.extract.guard import within

    with pytest.raises(DocumentError, match=r"raw/x.pdf: the work to read it stopped without an answer \(killed by signal 9\)"):
        within(30, "raw/x.pdf", "read", _dies)


def _dies() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as a crash in the PDF library would end it


def test_bad_limits_are_manifest_errors(tmp_path):
    from pipeline.core.manifest import load_limits

    (tmp_path / "manifest.toml").write_text("[limits]\nmax_pages = 1.5\nmax_files = 3\n\n" + MANIFEST, encoding="utf-8")
    with pytest.raises(ManifestError) as raised:
        load_limits(tmp_path)
    assert [(p.location.line, p.message) for p in raised.value.problems] == [
        (2, "max_pages must be a positive whole number"),
        (3, "unknown limit 'max_files' (allowed: max_file_mb, max_pages, max_page_chars, max_seconds)"),
    ]


def test_a_project_copied_through_its_links_publishes_again(tiny, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(tiny[0].root, root)  # links followed: every published file, and `current`, become copies
    paths = runner.Paths(root)
    runner.run(paths)
    assert published(root) == tiny[1]
    assert (paths.extracted / ".generations" / "current").is_symlink()


def test_a_document_raising_new_errors_keeps_its_last_good_records(tiny, tmp_path):
    paths = fresh(tiny, tmp_path)
    before = [u for u in records(paths.root, "units") if u["doc_id"] == "cg-legacy-l2"]
    text = (paths.raw / "cg_legacy_level2_sample.txt").read_text(encoding="utf-8")
    (paths.raw / "cg_legacy_level2_sample.txt").write_text(text[:text.rindex("Knowledge and understanding")],
                                                          encoding="utf-8")
    report = runner.run(paths)
    (stale,) = report.failed
    assert stale.stale and stale.errors[0].code == "unit-body-truncated"
    document = {d["doc_id"]: d for d in records(paths.root, "documents")}["cg-legacy-l2"]
    assert document["status"] == "stale"
    assert document["error"].startswith("1 error(s) not accepted, first unit-body-truncated: ")
    assert [u for u in records(paths.root, "units") if u["doc_id"] == "cg-legacy-l2"] == before


def test_a_run_with_nothing_changed_writes_no_generation(tiny, tmp_path):
    paths = fresh(tiny, tmp_path)
    generations = paths.extracted / ".generations"
    before = sorted(p.name for p in generations.iterdir())
    result = CliRunner().invoke(cli, ["--root", str(paths.root), "-q", "run"])
    assert result.exit_code == 0, result.output
    assert "publish: nothing changed; no new generation written" in result.output
    assert sorted(p.name for p in generations.iterdir()) == before
    assert published(paths.root) == tiny[1]
    # One changed input, and the next run publishes a new generation again.
    (paths.mappings / "overrides.csv").write_text("from_key,to_key,decision,note\n", encoding="utf-8")
    manifest = paths.raw / "manifest.toml"
    manifest.write_text(MANIFEST.split("\n\n[[document]]")[0] + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(paths.root), "-q", "run"])
    assert "file(s) in extracted/ and mappings/" in result.output
    assert sorted(p.name for p in generations.iterdir()) != before


def test_a_published_path_a_person_removed_is_linked_again(tiny, tmp_path):
    paths = fresh(tiny, tmp_path)
    (paths.extracted / "units.parquet").unlink()
    result = CliRunner().invoke(cli, ["--root", str(paths.root), "-q", "run"])
    assert result.exit_code == 0 and "file(s) in extracted/ and mappings/" in result.output
    assert published(paths.root) == tiny[1]
