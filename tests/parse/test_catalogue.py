"""City & Guilds catalogue pages: golden facts for 4430-01/02/03, a 4432 sample page, field cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pipeline.core.manifest import Entry
from pipeline.core.records import Line, Qualification, Rule
from pipeline.extract import extract_file
from pipeline.parse import ParseContext, ParseResult, catalogue
from pipeline.parse.profiles import PROFILES, parse_lines
from tests.conftest import DATA, RAW, manifest, parse_path, parsed, without_pages
from tests.pdf_render import render

DOC = "cg-4430-catalogue"
SAMPLE = DATA / "catalogue_4432_sample.txt"
SAMPLE_ENTRY = Entry("cg-4432-catalogue", SAMPLE.name, "City & Guilds", "cg-4432", "Contact Centre Operations (4432)",
                     format="cg-catalogue")

CORE_L1 = ("You complete two core units: Communicate using customer service language; "
           "Follow the rules to deliver customer service.")
GROUPS_3 = "You choose at least one unit from each of three groups:"
GROUPS_4 = "You choose at least one unit from each of four groups:"


def test_three_qualifications_with_every_fact():
    assert parsed(DOC).qualifications == [
        Qualification(
            "cg-4430-01", "cg-4430", "City & Guilds", "Level 1 NVQ Certificate in Customer Service", level=1,
            accreditation_number="500/9348/4", credits_min=22, glh_min=153, glh_max=173, tqt=220,
            last_registration=dt.date(2023, 12, 31), last_certification=dt.date(2025, 12, 31),
            fee_gbp=Decimal("66.00"), replaced_by=None, doc_id=DOC, page=1,
        ),
        Qualification(
            "cg-4430-02", "cg-4430", "City & Guilds", "Level 2 NVQ Certificate in Customer Service", level=2,
            accreditation_number="500/9341/1", credits_min=28, glh_min=192, glh_max=228, tqt=280,
            last_registration=dt.date(2026, 12, 31), last_certification=dt.date(2029, 12, 31),
            fee_gbp=Decimal("92.00"), replaced_by="cg-5530-02", doc_id=DOC, page=1,
        ),
        Qualification(
            "cg-4430-03", "cg-4430", "City & Guilds", "Level 3 NVQ Diploma in Customer Service", level=3,
            accreditation_number="500/8818/X", credits_min=42, glh_min=279, glh_max=329, tqt=420,
            last_registration=dt.date(2026, 12, 31), last_certification=dt.date(2029, 12, 31),
            fee_gbp=Decimal("128.00"), replaced_by="cg-5530-03", doc_id=DOC, page=1,
        ),
    ]


def test_heading_title_spelled_differently_is_reported():
    """The 4430-01 heading says "Customer Services", its detail block "Customer Service"; the block's is kept."""
    variants = [i for i in parsed(DOC).issues if i.code == "title-variant"]
    assert [(i.line, i.message) for i in variants] == [
        (146, "cg-4430-01: the title is also written 'Level 1 NVQ Certificate in Customer Services'; "
              "kept 'Level 1 NVQ Certificate in Customer Service'")
    ]


def test_rules_from_the_level_prose():
    rules = parsed(DOC).rules
    assert rules[:5] == [
        Rule("cg-4430-01", "mandatory", "Mandatory", None, None, None, 2, None, CORE_L1),
        Rule("cg-4430-01", "group_min", "Optional", None, 14, None, None, None,
             "You also take 14 credits' worth of optional units."),
        Rule("cg-4430-01", "group_min", "Impression and image", None, None, None, 1, None,
             f"{GROUPS_3} Impression and image group"),
        Rule("cg-4430-01", "group_min", "Delivery", None, None, None, 1, None, f"{GROUPS_3} Delivery group"),
        Rule("cg-4430-01", "group_min", "Handling problems", None, None, None, 1, None, f"{GROUPS_3} Handling problems group."),
    ]
    assert [(r.qualification_id, r.group, r.min_credits, r.min_units) for r in rules[5:]] == [
        ("cg-4430-02", "Mandatory", None, 2), ("cg-4430-02", "Optional", 20, None),
        ("cg-4430-02", "Impression and image", None, 1), ("cg-4430-02", "Delivery", None, 1),
        ("cg-4430-02", "Handling problems", None, 1), ("cg-4430-02", "Development and improvement", None, 1),
        ("cg-4430-03", "Mandatory", None, 2), ("cg-4430-03", "Optional", 30, None),
        ("cg-4430-03", "Impression and image", None, 1), ("cg-4430-03", "Delivery", None, 1),
        ("cg-4430-03", "Handling problems", None, 1), ("cg-4430-03", "Development and improvement", None, 1),
    ]
    assert rules[10].text == f"{GROUPS_4} Development and improvement group."
    assert rules[11].text == ("You complete two core units: Demonstrate understanding of customer service; Demonstrate "
                              "understanding of the rules that impact on improvements in customer service.")


def test_issues():
    issues = parsed(DOC).issues
    assert [(i.code, i.line) for i in issues if i.code not in ("unparsed-text", "title-variant")] == [
        ("fact-not-modelled", 152), ("fact-not-modelled", 156),  # Type, Key Stage of 4430-01
        ("fact-not-modelled", 228), ("fact-not-modelled", 232),
        ("fact-not-modelled", 303), ("fact-not-modelled", 307),
    ]
    assert parsed(DOC).units == [] and parsed(DOC).memberships == []


def test_sample_page_parses_with_no_code_change():
    """Another suite, levels 2 and 4, printed shape: no blank lines, glosses wrapped onto the next line."""
    result = parse_path(SAMPLE, SAMPLE_ENTRY)
    doc = SAMPLE_ENTRY.doc_id
    assert result.qualifications == [
        Qualification(
            "cg-4432-02", "cg-4432", "City & Guilds", "Level 2 NVQ Certificate in Contact Centre Operations", level=2,
            accreditation_number="600/1234/5", credits_min=25, glh_min=150, glh_max=150, tqt=250,
            last_registration=dt.date(2027, 3, 31), last_certification=dt.date(2029, 3, 31),
            fee_gbp=Decimal("1050.00"), doc_id=doc, page=1,
        ),
        Qualification(
            "cg-4432-04", "cg-4432", "City & Guilds", "Level 4 NVQ Diploma in Contact Centre Management", level=4,
            accreditation_number="600/5678/X", credits_min=40, glh_min=200, glh_max=240,
            last_registration=dt.date(2025, 9, 30), last_certification=dt.date(2027, 9, 30),
            fee_gbp=Decimal("210.00"), replaced_by="cg-4433-04", doc_id=doc, page=1,
        ),
    ]
    assert [(r.qualification_id, r.group, r.min_credits, r.min_units) for r in result.rules] == [
        ("cg-4432-02", "Mandatory", None, 3), ("cg-4432-02", "Optional", 12, None),
        ("cg-4432-02", "Delivery", None, 2), ("cg-4432-02", "Handling problems", None, 2),
        ("cg-4432-04", "Mandatory", None, 1),
    ]
    assert result.rules[2].text == "You choose at least two units from each of two groups: Delivery group"
    assert [(i.code, i.line) for i in result.issues if i.code != "unparsed-text"] == [
        ("fact-not-modelled", 23), ("fact-not-modelled", 43)
    ]
    # Wrapped glosses belong to their fact: no unparsed run starts inside a block.
    assert [i.line for i in result.issues if i.code == "unparsed-text"] == [1, 6, 15, 32, 47]


def test_pdf_render_gives_the_same_records():
    entry = manifest()[DOC]
    text = parse_path(RAW / entry.path, entry)
    pdf = parse_path(render(RAW / entry.path, entry.title).path, entry)
    assert without_pages(pdf) == without_pages(text)


# --- field and rule cases on small pages ---------------------------------------------

ENTRY = Entry("case", "case.txt", "City & Guilds", "cg-1234", "case")


def _parse(texts: list[str]) -> tuple[ParseResult, list[str]]:
    lines = [Line(page=1, line=n, text=t) for n, t in enumerate(texts, start=1)]
    result = parse_lines(ParseContext(ENTRY, lines), PROFILES["cg-catalogue"])
    return result, [i.code for i in result.issues]


@pytest.mark.parametrize(
    "fact, expected",
    [
        ("• Accreditation No: 500/ 8818/X gloss", {"accreditation_number": "500/8818/X"}),
        ("• Credits: 37 gloss", {"credits_min": 37}),
        ("• Guided Learning Hours: 90 – 110 gloss", {"glh_min": 90, "glh_max": 110}),
        ("• Guided Learning Hours: 75", {"glh_min": 75, "glh_max": 75}),
        ("• Total Qualification Time: 300 The total", {"tqt": 300}),
        ("Last Registration Date: 1 September 2024 Supportive services: x", {"last_registration": dt.date(2024, 9, 1)}),
        ("• Last Certification: 05/04/2026 gloss", {"last_certification": dt.date(2026, 4, 5)}),
        ("• Qualification fees in the UK: £2,400.50 Our typical price", {"fee_gbp": Decimal("2400.50")}),
        ("Replacement qualification (9999-01 (May 2020))", {"replaced_by": "cg-9999-01"}),
    ],
)
def test_fact_values(fact, expected):
    result, codes = _parse(["Level 2 Award in Testing (1234-02)", "Level 2 Award in Testing", fact])
    (qualification,) = result.qualifications
    assert {k: getattr(qualification, k) for k in expected} == expected
    assert qualification.qualification_id == "cg-1234-02" and qualification.level == 2
    assert "unparsed-text" not in codes


def test_unreadable_fact_is_reported():
    result, codes = _parse(["Level 2 Award in Testing (1234-02)", "• Credits: Data unavailable"])
    assert result.qualifications[0].credits_min is None
    assert "fact-unreadable" in codes


def test_list_shorter_than_announced_is_reported():
    result, codes = _parse(["Level 2", "You complete three core units:", "• One", "• Two",
                            "Level 2 Award in Testing (1234-02)"])
    assert [(r.group, r.min_units) for r in result.rules] == [("Mandatory", 3)]
    assert "rule-count-mismatch" in codes


def test_rules_for_a_level_with_no_qualification_are_reported():
    _, codes = _parse(["Level 5", "You also take 9 credits' worth of optional units.",
                       "Level 2 Award in Testing (1234-02)"])
    assert "rule-without-qualification" in codes


# --- detection ------------------------------------------------------------------------

@pytest.mark.parametrize("doc_id", sorted(manifest()))
def test_detect_only_the_catalogue(doc_id):
    score = catalogue.detect(extract_file(RAW / manifest()[doc_id].path, doc_id, doc_id).lines)
    assert score >= 0.9 if doc_id == DOC else score < 0.3


@pytest.mark.parametrize("name, high", [("catalogue_4432_sample.txt", True), ("ocr_level2_sample.txt", False)])
def test_detect_test_documents(name, high):
    score = catalogue.detect(extract_file(DATA / name, "x", name).lines)
    assert score >= 0.8 if high else score < 0.3
