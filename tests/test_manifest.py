"""The raw manifest: the real one loads; every bad line is reported at once, by line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from pipeline.core.errors import ManifestError
from pipeline.core.manifest import load_manifest
from tests.conftest import RAW

FORMATS = frozenset({"cg-qcf", "cg-legacy"})


def test_real_manifest_describes_the_five_handbooks():
    entries = load_manifest(RAW, FORMATS)
    assert [e.doc_id for e in entries] == [
        "ics-nos-page", "cg-nsvq-l3-standards", "ocr-03454-brochure", "cg-4430-catalogue", "cg-4430-03-handbook",
    ]
    assert all(e.listed for e in entries)
    handbook = entries[-1]
    assert handbook.scheme == "cg-4430"
    assert handbook.supersedes == ("cg-legacy",)
    assert handbook.published == dt.date(2010, 1, 1)
    assert entries[3].published == dt.date(2023, 8, 3)


def _raw(tmp_path: Path, manifest: str, files: tuple[str, ...] = ("a.txt", "b.txt")) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in files:
        (raw / name).write_text("Unit 1 Something\n", encoding="utf-8")
    (raw / "manifest.toml").write_text(manifest, encoding="utf-8")
    return raw


GOOD = """\
[[document]]
doc_id = "a"
path = "a.txt"
publisher = "P"
scheme = "s-a"
title = "A"
"""


def test_every_problem_is_reported_with_its_line(tmp_path):
    manifest = GOOD + """
[[document]]
doc_id = "a"
path = "missing.txt"
publisher = "P"
scheme = "s-b"
title = "B"
colour = "blue"

[[document]]
doc_id = "c"
path = "../outside.txt"
publisher = "P"
scheme = "s-c"
title = "C"
format = "no-such-family"
"""
    raw = _raw(tmp_path, manifest)
    with pytest.raises(ManifestError) as caught:
        load_manifest(raw, FORMATS)
    shown = str(raw / "manifest.toml")
    assert [str(p) for p in caught.value.problems] == [
        f"{shown}:9: duplicate doc_id 'a' (first on line 2)",
        f"{shown}:10: file not found: raw/missing.txt",
        f"{shown}:14: unknown key 'colour' (allowed: doc_id, path, publisher, scheme, title, qualification, published, "
        "supersedes, replaces, format, accept)",
        f"{shown}:18: path '../outside.txt' is outside raw/",
        f"{shown}:22: unknown format 'no-such-family' (known: cg-legacy, cg-qcf)",
    ]


def test_missing_keys_and_bad_toml(tmp_path):
    raw = _raw(tmp_path, '[[document]]\ndoc_id = "a"\npath = "a.txt"\n')
    with pytest.raises(ManifestError, match=r"manifest.toml:1: document is missing publisher, scheme, title"):
        load_manifest(raw, FORMATS)
    (raw / "manifest.toml").write_text('[[document]]\ndoc_id = "a\n', encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest.toml:2: not valid TOML"):
        load_manifest(raw, FORMATS)


def test_unlisted_file_is_processed_with_a_warning(tmp_path, caplog):
    raw = _raw(tmp_path, GOOD, files=("a.txt", "New Release.txt"))
    entries = load_manifest(raw, FORMATS)
    assert [(e.doc_id, e.listed, e.scheme) for e in entries] == [("a", True, "s-a"), ("new-release", False, None)]
    assert "raw/New Release.txt is not in the manifest" in caplog.text.replace(str(raw) + "/", "raw/")


@pytest.mark.parametrize("value, expected", [
    ("2010", dt.date(2010, 1, 1)), ("2014-09", dt.date(2014, 9, 1)), ("2023-08-03", dt.date(2023, 8, 3)),
])
def test_published_accepts_years_and_partial_dates(tmp_path, value, expected):
    raw = _raw(tmp_path, GOOD + f'published = "{value}"\n')
    assert load_manifest(raw, FORMATS)[0].published == expected


def test_published_rejects_other_values(tmp_path):
    raw = _raw(tmp_path, GOOD + 'published = "last spring"\n')
    with pytest.raises(ManifestError, match=r"manifest.toml:7: published must be a date or a year"):
        load_manifest(raw, FORMATS)


def test_copy_of_raw_is_independent(tmp_path):
    shutil.copytree(RAW, tmp_path / "raw")
    assert len(load_manifest(tmp_path / "raw", FORMATS)) == 5


def test_replaces_and_accept_are_read_and_checked(tmp_path):
    manifest = GOOD + """
[[document]]
doc_id = "b"
path = "b.txt"
publisher = "P"
scheme = "s-a"
title = "A, second edition"
replaces = "a"
accept = ["unit-body-truncated:212"]
"""
    entries = {e.doc_id: e for e in load_manifest(_raw(tmp_path, manifest), FORMATS)}
    assert entries["b"].replaces == "a" and entries["a"].replaces is None
    assert entries["b"].accept == ("unit-body-truncated:212",)


@pytest.mark.parametrize(
    ("replaces", "message"),
    [
        ('"nowhere"', "replaces names unknown doc_id 'nowhere'"),
        ('"b"', "replaces must be the doc_id of another document (the earlier edition)"),
    ],
)
def test_a_bad_replaces_is_named_by_its_line(tmp_path, replaces, message):
    manifest = GOOD + f"""
[[document]]
doc_id = "b"
path = "b.txt"
publisher = "P"
scheme = "s-a"
title = "B"
replaces = {replaces}
"""
    raw = _raw(tmp_path, manifest)
    with pytest.raises(ManifestError) as caught:
        load_manifest(raw, FORMATS)
    assert [str(p) for p in caught.value.problems] == [f"{raw / 'manifest.toml'}:14: {message}"]


def test_a_replaces_loop_is_an_error(tmp_path):
    manifest = GOOD.replace('title = "A"', 'title = "A"\nreplaces = "b"') + """
[[document]]
doc_id = "b"
path = "b.txt"
publisher = "P"
scheme = "s-a"
title = "B"
replaces = "a"
"""
    with pytest.raises(ManifestError) as caught:
        load_manifest(_raw(tmp_path, manifest), FORMATS)
    assert [p.message for p in caught.value.problems] == [
        "the replaces chain of 'a' loops back on itself", "the replaces chain of 'b' loops back on itself",
    ]


def test_publish_settings_default_to_valid_uris_and_are_read(tmp_path):
    from pipeline.core.manifest import Publishing, load_publishing

    raw = _raw(tmp_path, GOOD)
    assert load_publishing(raw) == Publishing()
    assert Publishing().base_uri.startswith("https://") and Publishing().license.startswith("https://")
    (raw / "manifest.toml").write_text('[publish]\nbase_uri = "https://data.example.ac.uk/units/"\n'
                                       'license = "https://creativecommons.org/licenses/by/4.0/"\n\n' + GOOD,
                                       encoding="utf-8")
    assert load_publishing(raw) == Publishing("https://data.example.ac.uk/units/",
                                              "https://creativecommons.org/licenses/by/4.0/")
    assert [e.doc_id for e in load_manifest(raw, FORMATS) if e.listed] == ["a"]  # the table is no document


def test_bad_publish_settings_are_reported_with_the_documents_problems(tmp_path):
    from pipeline.core.manifest import load_publishing

    manifest = """\
[publish]
base_uri = "urn:handbook-pipeline:"
license = "all rights reserved"
owner = "me"

""" + GOOD.replace('scheme = "s-a"', 'scheme = "S A"')
    raw = _raw(tmp_path, manifest)
    shown = str(raw / "manifest.toml")
    expected = [
        f"{shown}:2: base_uri must be an absolute http:// or https:// URI, not 'urn:handbook-pipeline:'",
        f"{shown}:3: license must be an absolute http:// or https:// URI, not 'all rights reserved'",
        f"{shown}:4: unknown publish setting 'owner' (allowed: base_uri, license)",
    ]
    with pytest.raises(ManifestError) as caught:
        load_publishing(raw)
    assert [str(p) for p in caught.value.problems] == expected
    with pytest.raises(ManifestError) as caught:
        load_manifest(raw, FORMATS)
    assert [str(p) for p in caught.value.problems] == [*expected, f"{shown}:10: scheme 'S A' must be a short lowercase id"]


@pytest.mark.parametrize("base_uri, message", [
    ("https://example.org/units", "base_uri must end with '/', not 'https://example.org/units'"),
    ("https://example.org/units#", "base_uri must end with '/', not 'https://example.org/units#'"),
    ("https:///units/", "base_uri must be an absolute http:// or https:// URI, not 'https:///units/'"),
    ("https://example.org/my units/", "base_uri must be an absolute http:// or https:// URI, not "
                                      "'https://example.org/my units/'"),
    ("http://[::1/", "base_uri must be an absolute http:// or https:// URI, not 'http://[::1/'"),
])
def test_a_base_uri_is_an_absolute_web_uri_ending_in_a_separator(tmp_path, base_uri, message):
    from pipeline.core.manifest import load_publishing

    raw = _raw(tmp_path, f'[publish]\nbase_uri = "{base_uri}"\n\n' + GOOD)
    with pytest.raises(ManifestError) as caught:
        load_publishing(raw)
    assert [(p.location.line, p.message) for p in caught.value.problems] == [(2, message)]


def test_settings_that_are_not_a_table_are_an_error(tmp_path):
    raw = _raw(tmp_path, 'publish = "https://example.org/"\n\n' + GOOD)
    with pytest.raises(ManifestError, match=r"manifest.toml: publish must be a \[publish\] table"):
        load_manifest(raw, FORMATS)
