"""Merging what several documents say: one unit per key, facts kept per source."""

from __future__ import annotations

import datetime as dt

from pipeline.core.manifest import Entry
from pipeline.core.records import Criterion, Qualification, Rule, Unit, UnitMembership
from pipeline.parse import ParseResult
from pipeline.parse.corpus import build_corpus


def entry(doc_id: str, published: dt.date | None) -> Entry:
    return Entry(doc_id=doc_id, path=f"{doc_id}.txt", publisher="P", scheme="s", title=doc_id, published=published)


ENTRIES = [entry("old-handbook", dt.date(2010, 1, 1)), entry("new-page", dt.date(2023, 8, 3)), entry("brochure", None)]


def test_unit_fields_merge_with_the_body_winning():
    table = Unit("cg:1-303", "cg", "1-303", "Deal with customers in writing", level=3, credits=6, glh=40, nos_code="A13",
                 doc_id="new-page")
    body = Unit("cg:1-303", "cg", "1-303", "Deal with customers in writing or electronically", level=3, credits=7,
                uan="R/601/1226", has_body=True, doc_id="old-handbook", page_start=20)
    criterion = Criterion("cg:1-303#1.1", "cg:1-303", "1", "1.1", "assessment", "operate equipment", None, "old-handbook")
    corpus = build_corpus(
        {"new-page": ParseResult(units=[table]), "old-handbook": ParseResult(units=[body], criteria=[criterion])},
        ENTRIES, None,
    )
    (merged,) = corpus.units
    assert (merged.title, merged.credits, merged.glh, merged.uan, merged.nos_code, merged.has_body, merged.doc_id) == (
        "Deal with customers in writing or electronically", 7, 40, "R/601/1226", "A13", True, "old-handbook")
    assert [i.code for i in corpus.issues] == ["unit-field-conflict"]
    assert "credits (6, 7); kept 7" in corpus.issues[0].message
    assert corpus.criteria == [criterion]


def test_table_only_unit_takes_the_newest_listing():
    older = Unit("cg:9", "cg", "9", "Old title", level=2, doc_id="old-handbook")
    newer = Unit("cg:9", "cg", "9", "New title", doc_id="new-page")
    results = {"old-handbook": ParseResult(units=[older]), "new-page": ParseResult(units=[newer])}
    (merged,) = build_corpus(results, ENTRIES, None).units
    assert (merged.title, merged.level, merged.doc_id, merged.has_body) == ("New title", 2, "new-page", False)


def test_qualification_facts_keep_every_source_and_the_row_the_newest():
    handbook = Qualification("q-1", "s", "P", "Level 3 NVQ Diploma", level=3, glh_min=279,
                             last_registration=dt.date(2014, 7, 31), doc_id="old-handbook", page=1)
    page = Qualification("q-1", "s", "P", "Level 3 NVQ Diploma", last_registration=dt.date(2026, 12, 31),
                         glh_min=279, glh_max=329, doc_id="new-page", page=1)
    results = {"old-handbook": ParseResult(qualifications=[handbook]), "new-page": ParseResult(qualifications=[page])}
    corpus = build_corpus(results, ENTRIES, None)
    (merged,) = corpus.qualifications
    assert (merged.last_registration, merged.glh_max, merged.level, merged.doc_id) == (dt.date(2026, 12, 31), 329, 3, "new-page")
    registrations = sorted((f.doc_id, f.value, f.document_date) for f in corpus.facts if f.field == "last_registration")
    assert registrations == [("new-page", "2026-12-31", dt.date(2023, 8, 3)), ("old-handbook", "2014-07-31", dt.date(2010, 1, 1))]


def test_nos_scheme_gets_one_unit_per_code_titled_by_the_scheme_that_names_units_by_code():
    units = [
        Unit("ocr:A13", "ocr", "A13", "Deal with customers in writing or electronically", level=3, nos_code="A13",
             theme="Impression and Image", doc_id="brochure"),
        Unit("cg:1-303", "cg", "1-303", "Deal with customers electronically", nos_code="A13", doc_id="new-page"),
        Unit("cg:1-304", "cg", "1-304", "Use customer service as a tool", nos_code="A14", doc_id="new-page"),
    ]
    corpus = build_corpus({"brochure": ParseResult(units=units[:1]), "new-page": ParseResult(units=units[1:])}, ENTRIES, "nos")
    nos = sorted((u.unit_key, u.title, u.theme, u.level) for u in corpus.units if u.scheme == "nos")
    assert nos == [
        ("nos:A13", "Deal with customers in writing or electronically", "Impression and Image", 3),
        ("nos:A14", "Use customer service as a tool", None, None),
    ]


def test_rule_groups_take_the_structure_tables_spelling():
    handbook = ParseResult(
        units=[Unit("s:1-201", "s", "1-201", "A unit", doc_id="old-handbook")],
        memberships=[UnitMembership("q", "s:1-201", "Impression and Image", False)],
        rules=[Rule("q", "group_min", "Impression and Image", None, None, None, 1, None, "one from each group")],
    )
    page = ParseResult(rules=[
        Rule("q", "group_min", "Impression and image", None, None, None, 1, None, "one from each group"),
        Rule("q", "group_min", "Impression and image", None, None, None, 1, None, "at least one unit from each of four groups"),
        Rule("q", "group_min", "Optional", None, 30, None, None, None, "30 credits of optional units"),
    ])
    corpus = build_corpus({"old-handbook": handbook, "new-page": page}, ENTRIES, None)
    assert sorted((r.group, r.text) for r in corpus.rules) == [
        ("Impression and Image", "at least one unit from each of four groups"),
        ("Impression and Image", "one from each group"),
        ("Optional", "30 credits of optional units"),
    ]

