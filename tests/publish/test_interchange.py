"""unit_map.sssom.tsv read by the SSSOM reference tool (sssom-py); case/ against the CASE 1.1 package shapes."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import uuid

import pyarrow.parquet as pq
import pytest
import rdflib
import yaml
from click.testing import CliRunner, Result

from pipeline import runner
from pipeline.core.manifest import Publishing
from pipeline.core.paths import Paths
from pipeline.core.records import Document, Unit, UnitMapRow
from pipeline.publish.case import NAMESPACE, case_packages
from pipeline.publish.iris import curie, iri

# sssom 0.4 still uses pandas options that pandas 3 deprecates: its warnings are not ours to act on
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:sssom.util")

# The SSSOM schema's required slots: of the mapping set, and of each mapping.
SET_REQUIRED = ("mapping_set_id", "license", "curie_map")
MAPPING_REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification")
SKOS = {"skos:exactMatch", "skos:closeMatch", "skos:narrowMatch", "skos:broadMatch"}
BASE = Publishing().base_uri  # the published fixture's manifest has no [publish] table
OWL = rdflib.Namespace("http://www.w3.org/2002/07/owl#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")


def run_sssom(*args) -> Result:
    """One sssom command, run through its command line (in this process: the tool loads once)."""
    from sssom.cli import main  # imported here: the reference tool takes seconds to load

    return CliRunner().invoke(main, [str(a) for a in args])


def read_sssom(path) -> tuple[dict, list[dict]]:
    """(YAML header, rows) of an SSSOM TSV file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = yaml.safe_load("\n".join(line[1:] for line in lines if line.startswith("#")))
    return header, list(csv.DictReader([line for line in lines if not line.startswith("#")], delimiter="\t"))


def mapping(row: dict) -> tuple:
    """What a mapping states, as sssom-py writes it back (it drops empty columns and trims the confidence)."""
    return (row["subject_id"], row.get("predicate_modifier") or "", row["predicate_id"], row["object_id"],
            row["mapping_justification"], round(float(row["confidence"]), 4), row["subject_label"],
            row["object_label"], row["comment"])


@pytest.fixture(scope="module")
def sssom_file(published):
    return published / "mappings" / "unit_map.sssom.tsv"


@pytest.fixture(scope="module")
def sssom_runs(sssom_file, tmp_path_factory):
    """Each sssom command run once through its command line: name -> (click result, output file)."""
    out = tmp_path_factory.mktemp("sssom")
    # The set's own header as a metadata file, SSSOM's non-embedded form: without one, `sssom parse` first
    # builds the Bioregistry's extended prefix map (some 30 to 70 s of CPU in curies' duplicate check) and
    # then keeps only the prefixes the file uses, so the outcome is the same.
    metadata = out / "unit_map.sssom.yml"
    header, _ = read_sssom(sssom_file)
    metadata.write_text(yaml.safe_dump(header), encoding="utf-8")
    commands = {  # in order: the round trips read what the conversions wrote
        "parse": ["parse", sssom_file, "-m", metadata, "-o", out / "parsed.sssom.tsv"],
        "validate": ["validate", sssom_file],
        "validate parsed": ["validate", out / "parsed.sssom.tsv"],
        "json": ["convert", sssom_file, "-O", "json", "-o", out / "unit_map.json"],
        "rdf": ["convert", sssom_file, "-O", "rdf", "-o", out / "unit_map.ttl"],
        "json back": ["parse", out / "unit_map.json", "-I", "json", "-m", metadata, "-o", out / "from_json.sssom.tsv"],
        "rdf back": ["parse", out / "unit_map.ttl", "-I", "rdf", "-m", metadata, "-o", out / "from_rdf.sssom.tsv"],
    }
    return {name: (run_sssom(*args), args[-1]) for name, args in commands.items()}


def test_the_sssom_tool_parses_validates_and_converts_the_published_file(sssom_runs):
    for name, (result, _) in sssom_runs.items():
        assert result.exit_code == 0 and result.exception is None, (name, result.output, result.exception)


def test_the_sssom_header_names_the_set_by_its_iri_and_declares_every_prefix(sssom_file):
    header, rows = read_sssom(sssom_file)
    assert all(header.get(k) for k in SET_REQUIRED)
    assert header["mapping_set_id"] == f"{BASE}mappings/unit_map.sssom.tsv"
    assert header["license"] == "https://w3id.org/sssom/license/all-rights-reserved"
    assert header["curie_map"]["cg_legacy"] == f"{BASE}scheme/cg-legacy/"
    assert header["curie_map"]["cg_4430"] == f"{BASE}scheme/cg-4430/"
    assert {"skos", "semapv"} <= set(header["curie_map"])
    for row in rows:
        for column in ("subject_id", "object_id", "predicate_id", "mapping_justification"):
            assert row[column].split(":", 1)[0] in header["curie_map"], row[column]


def test_sssom_rows_are_the_unit_map_rows_that_name_a_new_unit(sssom_file, published):
    _, rows = read_sssom(sssom_file)
    unit_map = pq.read_table(published / "mappings" / "unit_map.parquet").to_pylist()
    expected = [(curie(r["from_key"]), curie(r["to_key"])) for r in unit_map if r["to_key"]]
    assert sorted((r["subject_id"], r["object_id"]) for r in rows) == sorted(expected)
    for row in rows:
        assert all(row[k] for k in MAPPING_REQUIRED), row
        assert row["predicate_id"] in SKOS
        assert row["mapping_justification"].startswith("semapv:")
        assert 0.0 <= float(row["confidence"]) <= 1.0
    legacy_207 = next(r for r in rows if r["subject_id"] == "cg_legacy:207")
    assert legacy_207["object_id"] == "cg_4430:4430-303"


@pytest.mark.parametrize("name", ["parse", "json back", "rdf back"])
def test_every_row_survives_parsing_and_the_round_trips(sssom_runs, sssom_file, name):
    header, rows = read_sssom(sssom_file)
    again, again_rows = read_sssom(sssom_runs[name][1])
    assert sorted(map(mapping, again_rows)) == sorted(map(mapping, rows))
    assert again["mapping_set_id"] == header["mapping_set_id"] and again["license"] == header["license"]
    # the scheme prefixes are kept (sssom-py drops a prefix it does not read as one, such as cg-legacy)
    assert {k: v for k, v in again["curie_map"].items() if k in header["curie_map"]} == header["curie_map"]


def test_json_holds_every_mapping(sssom_runs, sssom_file):
    _, rows = read_sssom(sssom_file)
    document = json.loads(sssom_runs["json"][1].read_text(encoding="utf-8"))
    assert document["mapping_set_id"] == f"{BASE}mappings/unit_map.sssom.tsv"
    assert sorted(map(mapping, document["mappings"])) == sorted(map(mapping, rows))


@pytest.fixture(scope="module")
def packages(published):
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((published / "mappings" / "case").glob("*.json"))}


def test_rdf_names_units_by_the_iris_of_the_case_package(sssom_runs, published, packages):
    graph = rdflib.Graph().parse(sssom_runs["rdf"][1], format="turtle")
    mapping_set = rdflib.URIRef(f"{BASE}mappings/unit_map.sssom.tsv")
    assert (mapping_set, DCTERMS.license, rdflib.URIRef(Publishing().license)) in graph
    pairs = {(str(graph.value(axiom, OWL.annotatedSource)), str(graph.value(axiom, OWL.annotatedTarget)))
             for axiom in graph.subjects(rdflib.RDF.type, OWL.Axiom)}
    unit_map = pq.read_table(published / "mappings" / "unit_map.parquet").to_pylist()
    assert pairs == {(iri(BASE, r["from_key"]), iri(BASE, r["to_key"])) for r in unit_map if r["to_key"]}
    case_uris = {item["uri"] for package in packages.values() for item in package["CFItems"]}
    assert {uri for pair in pairs for uri in pair} <= case_uris
    assert f"{BASE}scheme/cg-legacy/207" in case_uris


def test_the_publish_table_of_the_manifest_names_what_is_published(published, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(published, root)  # links followed; the caches make the run a short one
    manifest = root / "raw" / "manifest.toml"
    manifest.write_text('[publish]\nbase_uri = "https://units.example.ac.uk/v1/"\n'
                        'license = "https://creativecommons.org/licenses/by/4.0/"\n\n'
                        + manifest.read_text(encoding="utf-8"), encoding="utf-8")
    runner.run(Paths(root))
    source = root / "mappings" / "unit_map.sssom.tsv"
    header, _ = read_sssom(source)
    assert header["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert header["curie_map"]["cg_legacy"] == "https://units.example.ac.uk/v1/scheme/cg-legacy/"
    result = run_sssom("convert", source, "-O", "rdf", "-o", tmp_path / "out.ttl")
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(tmp_path / "out.ttl", format="turtle")
    mapping_set = rdflib.URIRef("https://units.example.ac.uk/v1/mappings/unit_map.sssom.tsv")
    assert (mapping_set, DCTERMS.license, rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph
    sources = {str(graph.value(axiom, OWL.annotatedSource)) for axiom in graph.subjects(rdflib.RDF.type, OWL.Axiom)}
    assert "https://units.example.ac.uk/v1/scheme/cg-legacy/207" in sources
    package = json.loads((root / "mappings" / "case" / "cg-legacy.json").read_text(encoding="utf-8"))
    assert package["CFDocument"]["uri"] == "https://units.example.ac.uk/v1/scheme/cg-legacy/"
    assert {i["uri"] for i in package["CFItems"]} >= {"https://units.example.ac.uk/v1/scheme/cg-legacy/207",
                                                      "https://units.example.ac.uk/v1/scheme/cg-legacy/207#207.1.1"}


# CASE 1.1 (1EdTech), the package shapes of GET /CFPackages/{id}: required properties, and every property
# allowed (the spec's JSON schema closes these objects). Inside a package, items and associations leave out
# CFDocumentURI and the document leaves out CFPackageURI: the package itself says which document they belong to.
CASE_REQUIRED = {
    "CFDocument": {"identifier", "uri", "creator", "title", "lastChangeDateTime"},
    "CFItem": {"identifier", "uri", "fullStatement", "lastChangeDateTime"},
    "CFAssociation": {"identifier", "uri", "associationType", "originNodeURI", "destinationNodeURI",
                      "lastChangeDateTime"},
}
CASE_ALLOWED = {
    "CFPackage": {"CFDocument", "CFItems", "CFAssociations", "CFDefinitions", "CFRubrics", "extensions"},
    "CFDocument": CASE_REQUIRED["CFDocument"] | {
        "frameworkType", "caseVersion", "officialSourceURL", "publisher", "description", "subject", "subjectURI",
        "language", "version", "adoptionStatus", "statusStartDate", "statusEndDate", "licenseURI", "notes",
        "extensions"},
    "CFItem": CASE_REQUIRED["CFItem"] | {
        "alternativeLabel", "CFItemType", "humanCodingScheme", "listEnumeration", "abbreviatedStatement",
        "conceptKeywords", "conceptKeywordsURI", "notes", "subject", "subjectURI", "language", "educationLevel",
        "CFItemTypeURI", "licenseURI", "statusStartDate", "statusEndDate", "extensions"},
    "CFAssociation": CASE_REQUIRED["CFAssociation"] | {
        "sequenceNumber", "CFAssociationGroupingURI", "notes", "extensions"},
}
ASSOCIATION_TYPES = {"isChildOf", "isPeerOf", "isPartOf", "exactMatchOf", "precedes", "isRelatedTo", "replacedBy",
                     "exemplar", "hasSkillLevel", "isTranslationOf"}


def _is_case_object(kind: str, value: dict) -> bool:
    """Whether ``value`` has every required property of ``kind``, each set, and no other."""
    return CASE_REQUIRED[kind] <= {k for k, v in value.items() if v not in (None, "")} and set(value) <= CASE_ALLOWED[kind]


def _is_link(value: dict) -> bool:
    """A LinkURI: title, identifier (a UUID) and an absolute uri."""
    return set(value) == {"title", "identifier", "uri"} and str(uuid.UUID(value["identifier"])) == value["identifier"] \
        and value["uri"].startswith(("https://", "http://"))


def test_each_case_file_is_a_cfpackage_of_case_1_1_objects(packages):
    assert packages
    for scheme, package in packages.items():
        assert set(package) <= CASE_ALLOWED["CFPackage"] and "CFDocument" in package
        document = package["CFDocument"]
        assert _is_case_object("CFDocument", document), document
        assert document["caseVersion"] == "1.1" and document["uri"] == f"{BASE}scheme/{scheme}/"
        for item in package["CFItems"]:
            assert _is_case_object("CFItem", item), item
        for association in package["CFAssociations"]:
            assert _is_case_object("CFAssociation", association), association
            assert association["associationType"] in ASSOCIATION_TYPES
            assert _is_link(association["originNodeURI"]) and _is_link(association["destinationNodeURI"])
        for value in [document, *package["CFItems"], *package["CFAssociations"]]:
            assert str(uuid.UUID(value["identifier"])) == value["identifier"]
            assert dt.datetime.fromisoformat(value["lastChangeDateTime"]).tzinfo is not None
    assert packages["cg-legacy"]["CFDocument"]["creator"] == "City & Guilds"


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
        uris = [i["uri"] for i in items] + [a["uri"] for a in package["CFAssociations"]]
        assert len(uris) == len(set(uris)) and all(u.startswith(BASE) for u in uris)
        children = {a["originNodeURI"]["identifier"] for a in package["CFAssociations"] if a["associationType"] == "isChildOf"}
        assert {i["identifier"] for i in items} <= children
    uris = {i["uri"] for p in packages.values() for i in p["CFItems"]}
    assert {iri(BASE, u["unit_key"]) for u in units} | {iri(BASE, c["criterion_key"]) for c in criteria} <= uris
    # the legacy standards' criterion 207.1.1, under its unit's IRI
    assert f"{BASE}scheme/cg-legacy/207#207.1.1" in uris


def test_case_ids_are_uuid5_of_the_keys_and_mappings_are_associations(packages):
    legacy = packages["cg-legacy"]
    unit_207 = str(uuid.uuid5(NAMESPACE, "unit:cg-legacy:207"))
    assert any(i["identifier"] == unit_207 and i["humanCodingScheme"] == "207" for i in legacy["CFItems"])
    unit_303 = str(uuid.uuid5(NAMESPACE, "unit:cg-4430:4430-303"))
    exact = [a for a in legacy["CFAssociations"] if a["associationType"] == "exactMatchOf"
             and a["originNodeURI"]["identifier"] == unit_207]
    assert [a["destinationNodeURI"]["identifier"] for a in exact] == [unit_303]
    assert exact[0]["destinationNodeURI"]["uri"] == f"{BASE}scheme/cg-4430/4430-303"
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
    settings = Publishing("https://units.example.ac.uk/v1/")
    (package,) = [json.loads(v) for v in case_packages([doc], [old, new], [], [], [row], settings).values()]
    kinds = {(a["associationType"], a["originNodeURI"]["uri"], a["destinationNodeURI"]["uri"])
             for a in package["CFAssociations"]}
    old_iri, new_iri = (f"https://units.example.ac.uk/v1/scheme/cg-4430/4430-99{n}" for n in (9, 8))
    assert ("replacedBy", old_iri, new_iri) in kinds
    assert ("isRelatedTo", old_iri, new_iri) in kinds
