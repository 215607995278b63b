"""unit_map.sssom.tsv against the SSSOM required columns and header; case/ as CASE packages."""

from __future__ import annotations

import csv
import json
import uuid

import pyarrow.parquet as pq
import pytest

from pipeline.publish.case import NAMESPACE, case_packages
from pipeline.records import Document, Unit, UnitMapRow

# The SSSOM schema's required slots: of the mapping set, and of each mapping.
SET_REQUIRED = ("mapping_set_id", "license", "curie_map")
MAPPING_REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification")
SKOS = {"skos:exactMatch", "skos:closeMatch", "skos:narrowMatch", "skos:broadMatch"}


@pytest.fixture(scope="module")
def sssom(published):
    """(header, rows) of the published SSSOM file; header values are JSON scalars, which YAML reads as written."""
    lines = (published / "mappings" / "unit_map.sssom.tsv").read_text(encoding="utf-8").splitlines()
    header: dict = {}
    section = ""
    for line in (l[1:] for l in lines if l.startswith("#")):
        key, _, value = line.strip().partition(":")
        if line.startswith("  "):
            header[section][key] = json.loads(value)
        elif value.strip():
            header[key] = json.loads(value)
        else:
            section = key
            header[section] = {}
    rows = list(csv.DictReader([l for l in lines if not l.startswith("#")], delimiter="\t"))
    return header, rows


def test_sssom_header(sssom):
    header, _ = sssom
    assert all(header.get(k) for k in SET_REQUIRED)
    assert header["license"].startswith("https://")
    assert {"cg-legacy", "cg-4430", "skos", "semapv"} <= set(header["curie_map"])


def test_sssom_rows_are_the_unit_map_rows_that_name_a_new_unit(sssom, published):
    header, rows = sssom
    unit_map = pq.read_table(published / "mappings" / "unit_map.parquet").to_pylist()
    expected = {(r["from_key"], r["to_key"]) for r in unit_map if r["to_key"]}
    assert {(r["subject_id"], r["object_id"]) for r in rows} == expected
    for row in rows:
        assert all(row[k] for k in MAPPING_REQUIRED), row
        assert row["predicate_id"] in SKOS
        assert row["mapping_justification"].startswith("semapv:")
        for curie in (row["subject_id"], row["object_id"], row["predicate_id"], row["mapping_justification"]):
            assert curie.split(":", 1)[0] in header["curie_map"], curie
        assert 0.0 <= float(row["confidence"]) <= 1.0
    legacy_207 = next(r for r in rows if r["subject_id"] == "cg-legacy:207")
    assert legacy_207["object_id"] == "cg-4430:4430-303"


@pytest.fixture(scope="module")
def packages(published):
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((published / "mappings" / "case").glob("*.json"))}


def test_a_case_package_per_scheme_with_every_unit_outcome_and_criterion(packages, published):
    units = pq.read_table(published / "extracted" / "units.parquet").to_pylist()
    outcomes = pq.read_table(published / "extracted" / "outcomes.parquet").to_pylist()
    criteria = pq.read_table(published / "extracted" / "criteria.parquet").to_pylist()
    scheme_of = {u["unit_key"]: u["scheme"] for u in units}
    assert set(packages) == set(scheme_of.values())
    for scheme, package in packages.items():
        items = package["CFItems"]
        expected = (sum(s == scheme for s in scheme_of.values()) + sum(scheme_of[o["unit_key"]] == scheme for o in outcomes)
                    + sum(scheme_of[c["unit_key"]] == scheme for c in criteria))
        assert len(items) == expected
        ids = [i["identifier"] for i in items] + [a["identifier"] for a in package["CFAssociations"]]
        assert len(ids) == len(set(ids))
        children = {a["originNodeURI"]["identifier"] for a in package["CFAssociations"] if a["associationType"] == "isChildOf"}
        assert {i["identifier"] for i in items} <= children
        for key in ("identifier", "uri", "title", "lastChangeDateTime"):
            assert package["CFDocument"][key]


def test_case_ids_are_uuid5_of_the_keys_and_mappings_are_associations(packages):
    legacy = packages["cg-legacy"]
    unit_207 = str(uuid.uuid5(NAMESPACE, "unit:cg-legacy:207"))
    assert any(i["identifier"] == unit_207 and i["humanCodingScheme"] == "207" for i in legacy["CFItems"])
    unit_303 = str(uuid.uuid5(NAMESPACE, "unit:cg-4430:4430-303"))
    exact = [a for a in legacy["CFAssociations"] if a["associationType"] == "exactMatchOf"
             and a["originNodeURI"]["identifier"] == unit_207]
    assert [a["destinationNodeURI"]["identifier"] for a in exact] == [unit_303]
    # legacy 209 (telephone) splits into 4430-210 (incoming calls) and 4430-211 (making calls): related, not exact
    unit_209 = str(uuid.uuid5(NAMESPACE, "unit:cg-legacy:209"))
    related = {a["destinationNodeURI"]["identifier"] for a in legacy["CFAssociations"]
               if a["associationType"] == "isRelatedTo" and a["originNodeURI"]["identifier"] == unit_209}
    assert related == {str(uuid.uuid5(NAMESPACE, f"unit:cg-4430:4430-21{n}")) for n in (0, 1)}


def test_a_withdrawn_unit_is_replaced_by_its_successor():
    old = Unit("cg-4430:4430-999", "cg-4430", "4430-999", "Old unit", status="withdrawn", withdrawn_by="new-ed", doc_id="d")
    new = Unit("cg-4430:4430-998", "cg-4430", "4430-998", "New unit", doc_id="d")
    row = UnitMapRow(old.unit_key, "cg-4430", "4430-999", "Old unit", new.unit_key, "cg-4430", "4430-998", "New unit",
                     None, "equivalent", "skos:closeMatch", "1:1", 0.9, "title", "titles alike", None, None, "auto", None)
    doc = Document("d", "d.txt", "", "City & Guilds", "cg-4430", None, "d", None, (), None, "cg-qcf", "text/plain",
                   1, "ok", None, "x")
    (package,) = [json.loads(v) for v in case_packages([doc], [old, new], [], [], [row]).values()]
    kinds = {(a["associationType"], a["originNodeURI"]["title"], a["destinationNodeURI"]["title"])
             for a in package["CFAssociations"]}
    assert ("replacedBy", "Old unit", "New unit") in kinds
    assert ("isRelatedTo", "Old unit", "New unit") in kinds
