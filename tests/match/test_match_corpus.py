"""The match stage end to end on a small synthetic corpus: map, splits, families, overrides, review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.match import MatchResult, match_corpus
from tests.match.factories import criteria, entry, unit

ENTRIES = [
    entry("old-standards", "old"),
    entry("nos-page", "nos"),
    entry("new-handbook", "new", dt.date(2010, 1, 1), supersedes=("old",)),
]

WRITING = (
    "operate equipment used to communicate in writing efficiently",
    "use language that is clear and concise",
    "plan the objective of your communication",
    "format your communication following your organisation's guidelines",
)
OLD = [
    unit("old", "207", "Deal with customers in writing or using ICT", level=2, theme="Impression and image"),
    unit("old", "208", "Deal with customers face to face", level=2, theme="Impression and image"),
    unit("old", "209", "Deal with customers by telephone", level=2, theme="Impression and image"),
    unit("old", "303", "Use customer service as a competitive tool", level=3, theme="Impression and image"),
    unit("old", "205", "Make customer service personal", level=2, theme="Impression and image"),
    unit("old", "101", "Prepare yourself to deliver good customer service", level=2, theme="Foundations"),
]
NEW = [
    unit("new", "4-209", "Deal with customers face to face", level=2, nos_code="A10", theme="Impression and Image"),
    unit("new", "4-210", "Deal with incoming telephone calls from customers", level=2, nos_code="A11",
         theme="Impression and Image"),
    unit("new", "4-211", "Make telephone calls to customers", level=2, nos_code="A12", theme="Impression and Image"),
    # Unit numbers collide across schemes: new 303 is the writing unit, old 303 the competitive tool.
    unit("new", "4-207", "Make customer service personal", level=2, nos_code="A8", theme="Impression and Image"),
    unit("new", "4-215", "Deal with customers across a language divide", level=2, nos_code="B5", theme="Delivery"),
    unit("new", "4-303", "Deal with customers in writing or electronically", level=3, nos_code="A13",
         theme="Impression and Image"),
    unit("new", "4-304", "Use customer service as a competitive tool", level=3, nos_code="A14",
         theme="Impression and Image"),
    unit("new", "4-306", "Build a customer service knowledge set", level=3, nos_code="A16",
         theme="Impression and Image"),
]
NOS = [unit("nos", n.nos_code, n.title, nos_code=n.nos_code) for n in NEW]
UNITS = OLD + NEW + NOS
NEW_WRITING = next(u for u in NEW if u.unit_code == "4-303")
CRITERIA = criteria(OLD[0], *WRITING) + criteria(NEW_WRITING, *(t.replace("your", "their") for t in WRITING))


def run(tmp_path: Path, overrides: str = "") -> MatchResult:
    path = tmp_path / "overrides.csv"
    path.write_text("from_key,to_key,decision,note\n" + overrides, encoding="utf-8")
    return match_corpus(UNITS, CRITERIA, ENTRIES, path)


@pytest.fixture
def result(tmp_path: Path) -> MatchResult:
    return run(tmp_path)


def rows_of(result: MatchResult, from_key: str) -> list:
    return [r for r in result.unit_map if r.from_key == from_key]


def test_every_old_unit_is_listed(result: MatchResult):
    assert {r.from_key for r in result.unit_map} == {u.unit_key for u in OLD}
    assert all(r.from_scheme == "old" for r in result.unit_map)
    assert {r.to_scheme for r in result.unit_map if r.to_key} == {"new"}


def test_criteria_carry_a_renamed_unit(result: MatchResult):
    (row,) = rows_of(result, "old:207")
    assert (row.to_key, row.relation, row.predicate, row.cardinality) == ("new:4-303", "equivalent", "skos:exactMatch", "1:1")
    assert (row.method, row.criteria_covered, row.criteria_total, row.nos_code, row.status) == ("criteria", 4, 4, "A13", "auto")
    assert "4 of the new unit's 4 criteria have a counterpart" in row.justification
    assert {(c.from_criterion_key, c.to_criterion_key) for c in result.criterion_map} == {
        (f"old:207#1.{i}", f"new:4-303#1.{i}") for i in range(1, 5)}


def test_never_joined_on_bare_numbers(result: MatchResult):
    (row,) = rows_of(result, "old:303")
    assert row.to_key == "new:4-304"
    assert not any(r.to_key == "new:4-303" for r in rows_of(result, "old:303"))


def test_split_unit_is_two_partial_rows(result: MatchResult):
    rows = rows_of(result, "old:209")
    assert [(r.to_key, r.relation, r.predicate, r.cardinality) for r in rows] == [
        ("new:4-210", "partial", "skos:narrowMatch", "1:n"),
        ("new:4-211", "partial", "skos:narrowMatch", "1:n"),
    ]
    assert all(r.criteria_covered is None and r.criteria_total is None for r in rows)


def test_unit_without_successor_is_one_none_row(result: MatchResult):
    (row,) = rows_of(result, "old:101")
    assert (row.to_key, row.relation, row.predicate, row.cardinality, row.status) == (None, "none", "", "1:0", "auto")
    assert row.justification


def test_families_follow_nos_codes_and_the_map(result: MatchResult):
    family = {f.unit_key: f.family_id for f in result.families}
    assert family["old:207"] == family["new:4-303"] == family["nos:A13"] == "A13"
    assert family["old:208"] == "A10"
    # The split joins its parts: one family spans two NOS codes.
    assert family["old:209"] == family["new:4-210"] == family["new:4-211"] == "A11+A12"
    assert family["old:101"] == "old:101"
    assert len(family) == len(UNITS)


def test_review_lists_possible_pairs_most_uncertain_first(result: MatchResult):
    assert result.review and all(p.decision == "possible" for p in result.review)
    distances = [abs(p.score - 0.9) for p in result.review]
    assert distances == sorted(distances)


def test_summary_counts(result: MatchResult):
    s = result.summary
    assert s["pairs_scored"] == len(result.unit_matches) == s["comparisons"]
    assert s["comparisons"] + s["comparisons_saved"] == s["all_pairs"] == 6 * 8 + 6 * 8 + 8 * 8
    assert s["matches"] + s["possible"] + s["non_matches"] == s["pairs_scored"]
    assert s["map_rows"] == len(result.unit_map) and s["overrides_applied"] == 0


def test_every_scored_pair_explains_itself(result: MatchResult):
    for pair in result.unit_matches:
        assert pair.explanation.startswith("prior ") and f"-> {pair.score:.3f}" in pair.explanation
        assert pair.decision in {"match", "possible", "non-match"}


def test_overrides_confirm_and_reject(tmp_path: Path):
    result = run(tmp_path, "old:209,new:4-211,reject,handset calls are a new standard\n"
                           "old:101,new:4-306,confirm,checked by QA\n")
    telephone = {r.to_key: r for r in rows_of(result, "old:209")}
    assert (telephone["new:4-211"].status, telephone["new:4-211"].method, telephone["new:4-211"].relation) == (
        "rejected", "override", "none")
    assert telephone["new:4-211"].justification.startswith("Rejected by reviewer: handset calls are a new standard")
    # one successor left, but no criteria to compare: partial, and the row says why
    assert (telephone["new:4-210"].relation, telephone["new:4-210"].cardinality) == ("partial", "1:1")
    assert telephone["new:4-210"].justification.endswith("; partial: its criteria could not be compared")
    (confirmed,) = rows_of(result, "old:101")
    assert (confirmed.to_key, confirmed.status, confirmed.method, confirmed.confidence, confirmed.reviewer) == (
        "new:4-306", "confirmed", "override", 1.0, "overrides.csv:3")
    # The matcher's own verdict stays readable beside the person's.
    assert confirmed.justification.startswith("Confirmed by reviewer: checked by QA. Matcher: ")
    assert confirmed.justification.endswith("(non-match)")
    assert result.summary["overrides_applied"] == 2
    assert not any({p.left_key, p.right_key} == {"old:209", "new:4-211"} for p in result.review)


def test_override_naming_an_unknown_unit_is_an_issue(tmp_path: Path):
    result = run(tmp_path, "old:999,new:4-303,confirm,typo\n")
    (issue,) = result.issues
    assert (issue.doc_id, issue.code, issue.severity, issue.line) == ("overrides", "override-unknown-key", "warning", 2)
    assert "old:999" in issue.message
    assert result.summary["overrides_applied"] == 0


def test_bad_override_rows_and_header(tmp_path: Path):
    assert [i.code for i in run(tmp_path, "old:207,new:4-303,maybe,\n").issues] == ["override-bad-row"]
    path = tmp_path / "bad.csv"
    path.write_text("from,to\nold:207,new:4-303\n", encoding="utf-8")
    assert [i.code for i in match_corpus(UNITS, CRITERIA, ENTRIES, path).issues] == ["override-bad-header"]


def test_missing_overrides_file_is_no_decision(tmp_path: Path):
    result = match_corpus(UNITS, CRITERIA, ENTRIES, tmp_path / "absent.csv")
    assert result.issues == [] and result.summary["overrides_applied"] == 0


def test_progress_messages(tmp_path: Path):
    heard: list[str] = []
    match_corpus(UNITS, CRITERIA, ENTRIES, tmp_path / "absent.csv", progress=heard.append)
    assert heard[0].startswith("blocking kept")
    # Only old 207 and new 4-303 list criteria: theirs is the one pair with criteria to align.
    assert heard[1] == "compared 48 pairs, 1 of them with their criteria aligned anew; 0 kept from an earlier run"
    assert heard[2].startswith("model fitted by EM") and heard[3].startswith("scored")


def test_keeping_the_lemmas_fails_the_run_aloud(tmp_path: Path):
    # The kept lemmas and words are written beside the counting of the rarities: a write that fails still fails the run.
    taken = tmp_path / "kept"
    taken.write_text("a file where the kept folder should be", encoding="utf-8")
    with pytest.raises(NotADirectoryError):
        match_corpus(UNITS, CRITERIA, ENTRIES, tmp_path / "absent.csv", kept=taken / "stage")
