"""The matcher on the real corpus: what a centre reads in the map, checked against the handbooks.

Expected rows come from reading raw/cg-level3-nsvq-customer-services-standards.txt
(legacy units, bodies, Appendix 3) beside raw/cg-4430-03-level3-nvq-diploma-handbook.txt
(structure table with NOS codes, bodies of units 301-318).
"""

from __future__ import annotations

import dataclasses
import importlib.util
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.core.schemas import DATASETS
from pipeline.match import MatchResult, match_corpus
from pipeline.parse.corpus import Corpus, build_corpus
from tests.conftest import ROOT, manifest, parsed

NOS_SCHEME = "nos-2010"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    entries = list(manifest().values())
    return build_corpus({e.doc_id: parsed(e.doc_id) for e in entries}, entries, NOS_SCHEME)


@pytest.fixture(scope="module")
def result(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> MatchResult:
    overrides = tmp_path_factory.mktemp("mappings") / "overrides.csv"
    overrides.write_text("from_key,to_key,decision,note\n", encoding="utf-8")
    return match_corpus(corpus.units, corpus.criteria, list(manifest().values()), Path(overrides))


def rows_from(result: MatchResult, code: str) -> list:
    return [r for r in result.unit_map if r.from_key == f"cg-legacy:{code}"]


def test_writing_unit_maps_to_its_renamed_successor(result: MatchResult):
    # Legacy 207 "Deal with customers in writing or using ICT" -> 4430-303 "... or electronically" (A13):
    # every performance criterion and knowledge item carried over.
    (row,) = rows_from(result, "207")
    assert (row.to_key, row.nos_code, row.relation, row.predicate, row.cardinality) == (
        "cg-4430:4430-303", "A13", "equivalent", "skos:exactMatch", "1:1")
    assert (row.criteria_covered, row.criteria_total, row.method, row.status) == (25, 25, "criteria", "auto")
    assert row.confidence > 0.95


def test_unit_numbers_are_never_joined(result: MatchResult):
    # Legacy 303 "Use customer service as a competitive tool" is 4430-304 (A14), not 4430-303.
    (row,) = rows_from(result, "303")
    assert (row.to_key, row.nos_code, row.relation) == ("cg-4430:4430-304", "A14", "equivalent")
    assert (row.criteria_covered, row.criteria_total) == (20, 20)
    assert [r.from_key for r in result.unit_map if r.to_key == "cg-4430:4430-303"] == ["cg-legacy:207"]


def test_telephone_unit_split_into_two_partial_rows(result: MatchResult):
    # Legacy 209 "Deal with customers by telephone" -> 4430-210 incoming calls (A11) and 4430-211 outgoing (A12).
    rows = rows_from(result, "209")
    assert [(r.to_key, r.nos_code, r.relation, r.predicate, r.cardinality) for r in rows] == [
        ("cg-4430:4430-210", "A11", "partial", "skos:narrowMatch", "1:n"),
        ("cg-4430:4430-211", "A12", "partial", "skos:narrowMatch", "1:n"),
    ]


@pytest.mark.parametrize(("old", "new"), [
    ("201", "4430-203"), ("208", "4430-209"), ("211", "4430-213"),  # same titles, other numbers
    ("301", "4430-301"), ("302", "4430-302"),  # renamed "Demonstrate understanding of ...": criteria decide
    ("304", "4430-305"), ("312", "4430-314"), ("410", "4430-409"),  # reworded titles
])
def test_successors_read_from_the_handbooks(result: MatchResult, old: str, new: str):
    assert [r.to_key for r in rows_from(result, old)] == [f"cg-4430:{new}"]


def test_every_legacy_unit_is_listed_and_the_foundation_units_have_no_successor(result: MatchResult):
    listed = Counter(r.from_key for r in result.unit_map)
    assert len(listed) == 45  # 101, 105, 106, 201-216, 301-315, 401-411
    for code in ("101", "105", "106"):  # level 2 foundations: the 4430-03 handbook lists no 1xx units
        (row,) = rows_from(result, code)
        assert (row.to_key, row.relation, row.cardinality) == (None, "none", "1:0")
    # equivalent only where every criterion of the 4430 unit has a counterpart (207, 303 and 304 state theirs
    # in full); the other legacy units have no body to compare, so their successors are partial
    assert Counter(r.relation for r in result.unit_map) == {"equivalent": 3, "partial": 40, "none": 3}


def test_a_none_row_says_what_pointed_away_and_is_not_sure_without_evidence(result: MatchResult):
    # 101 shares no NOS code, unit reference or rare word with any 4430 unit: nothing was compared.
    (unseen,) = rows_from(result, "101")
    assert unseen.confidence == 0.5
    assert unseen.justification.startswith("No evidence either way: no unit of cg-4430 shares")
    # 106 was compared, and its closest candidate scored low: that points away.
    (compared,) = rows_from(result, "106")
    assert compared.justification.startswith("No successor in cg-4430: closest candidate 4430-219")
    assert compared.confidence > 0.9


def test_every_map_row_says_whether_its_new_unit_is_current(result: MatchResult):
    assert {r.to_status for r in result.unit_map if r.to_key} == {"current"}
    assert {r.to_status for r in result.unit_map if not r.to_key} == {None}


def test_criteria_of_the_writing_unit_align_one_to_one(result: MatchResult):
    pairs = {(c.from_criterion_key.split("#")[1], c.to_criterion_key.split("#")[1])
             for c in result.criterion_map
             if c.from_criterion_key.startswith("cg-legacy:207#")}
    expected = (
        [(f"207.1.{i}", f"1.{i}") for i in range(1, 6)]
        + [(f"207.2.{i}", f"2.{i}") for i in range(1, 8)]
        + [(f"207.3.{i}", f"3.{i}") for i in range(1, 6)]
        + [(f"k.{letter}", f"4.{i}") for i, letter in enumerate("abcdefgh", start=1)]
    )
    assert pairs == set(expected)


def test_units_stating_one_nos_code_share_a_family(corpus: Corpus, result: MatchResult):
    family = {f.unit_key: f.family_id for f in result.families}
    families_of_code = defaultdict(set)
    for unit in corpus.units:
        if unit.nos_code:
            families_of_code[unit.nos_code].add(family[unit.unit_key])
    assert len(families_of_code) == 66  # F1-F4, A1-A18, B1-B16, C1-C8, D1-D20
    assert all(len(ids) == 1 for ids in families_of_code.values())
    assert family["ocr-03454:A8"] == family["cg-4430:4430-207"] == family["cg-legacy:205"] == "A8"
    assert family["ocr-03454:B3"] == family["cg-4430:4430-213"] == family["nos-2010:B3"] == "B3"
    assert family["cg-legacy:207"] == family["cg-4430:4430-303"] == "A13"
    assert family["cg-legacy:209"] == family["ocr-03454:A11"] == family["ocr-03454:A12"] == "A11+A12"


def test_one_unit_per_scheme_in_a_family_except_a_split(result: MatchResult):
    members = defaultdict(list)
    for f in result.families:
        members[f.family_id].append(f.unit_key.split(":")[0])
    crowded = {fid for fid, schemes in members.items() if max(Counter(schemes).values()) > 1}
    assert crowded == {"A11+A12"}
    assert len({f.unit_key for f in result.families}) == len(result.families)


def test_blocking_saves_most_comparisons(result: MatchResult):
    summary = result.summary
    assert summary["comparisons"] < summary["all_pairs"] / 10
    assert summary["comparisons"] + summary["comparisons_saved"] == summary["all_pairs"]


def test_evaluation_meets_the_target(corpus: Corpus, result: MatchResult, tmp_path: Path, capsys):
    """``make eval`` on these outputs, written as the pipeline publishes them."""
    spec = importlib.util.spec_from_file_location("evaluate", ROOT / "tests" / "eval" / "evaluate.py")
    evaluate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(evaluate)
    written = {"extracted": {"units": corpus.units},
               "mappings": {"unit_map": result.unit_map, "criterion_map": result.criterion_map,
                            "unit_matches": result.unit_matches}}
    for folder, datasets in written.items():
        (tmp_path / folder).mkdir()
        for name, rows in datasets.items():
            schema = DATASETS[name].schema
            table = pa.Table.from_pylist([dataclasses.asdict(r) for r in rows], schema=schema)
            pq.write_table(table, tmp_path / folder / f"{name}.parquet")
    assert evaluate.main(["--root", str(tmp_path), "--no-successor"]) == 0
    printed = capsys.readouterr().out
    assert "keeps 43 of 43 labelled true pairs" in printed
    assert "cg-legacy:207 -> cg-4430:4430-303: precision 1.000 recall 1.000" in printed
