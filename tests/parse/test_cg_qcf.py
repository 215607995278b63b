"""City & Guilds QCF handbooks: golden rows from the 4430-03 handbook, a Level 2 sample, rule cases.

Every expected value below was read off the handbook text (raw/cg-4430-03-level3-nvq-diploma-handbook.txt)
or off the hand-written sample (tests/data/cg_qcf_level2_sample.txt), not copied from the parser's output.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from pipeline.core.manifest import Entry
from pipeline.core.records import (
    Criterion,
    EvidenceRequirement,
    Line,
    Outcome,
    Qualification,
    Rule,
    Unit,
    UnitMembership,
)
from pipeline.extract import extract_file
from pipeline.parse import ParseContext, ParseResult, cg_qcf
from pipeline.parse.cg_qcf.structure import column_order, parse_group_heading
from pipeline.parse.cg_qcf.text import is_footer
from pipeline.parse.cg_qcf.units import nos_code_from
from pipeline.parse.profiles import PROFILES, parse_lines
from pipeline.parse.toolkit.unit_table import COLUMN_WORDS, read_row
from pipeline.parse.toolkit.values import read_accreditation, read_date
from tests.conftest import DATA, RAW, manifest, parse_path, parsed, without_pages
from tests.pdf_render import render

DOC = "cg-4430-03-handbook"
QID = "cg-4430-03"
SAMPLE = DATA / "cg_qcf_level2_sample.txt"
SAMPLE_ID = "cg-qcf-level2-sample"
SAMPLE_ENTRY = Entry(SAMPLE_ID, SAMPLE.name, "City & Guilds", "cg-7777", "Level 2 NVQ Certificate in Customer Service "
                     "(7777-02) sample handbook", qualification="cg-7777-02", format="cg-qcf")


def key(code: str) -> str:
    return f"cg-4430:4430-{code}"


# --- the 4430-03 handbook ------------------------------------------------------------

# The structure tables of section 1.1, row by row: (unit, title, NOS, level, credit, GLH, group).
MANDATORY = "Mandatory"
IMPRESSION, DELIVERY = "Impression and Image", "Delivery"
PROBLEMS, DEVELOPMENT = "Handling Problems", "Development and Improvement"
TABLE = [
    ("301", "Demonstrate understanding of customer service", "F3", 3, 6, 40, MANDATORY),
    ("302", "Demonstrate understanding of the rules that impact on improvements in customer service", "F4", 3, 6, 40, MANDATORY),
    ("202", "Communicate effectively with customers", "A3", 2, 5, 33, IMPRESSION),
    ("203", "Give customers a positive impression of yourself and your organisation", "A4", 2, 5, 33, IMPRESSION),
    ("204", "Promote additional services or products to customers", "A5", 2, 6, 40, IMPRESSION),
    ("205", "Process information about customers", "A6", 2, 5, 33, IMPRESSION),
    ("206", "Live up to the customer service promise", "A7", 2, 6, 40, IMPRESSION),
    ("207", "Make customer service personal", "A8", 2, 6, 40, IMPRESSION),
    ("208", "Go the extra mile in customer service", "A9", 2, 6, 40, IMPRESSION),
    ("209", "Deal with customers face to face", "A10", 2, 5, 33, IMPRESSION),
    ("210", "Deal with incoming telephone calls from customers", "A11", 2, 5, 33, IMPRESSION),
    ("211", "Make telephone calls to customers", "A12", 2, 6, 40, IMPRESSION),
    ("303", "Deal with customers in writing or electronically", "A13", 3, 6, 40, IMPRESSION),
    ("304", "Use customer service as a competitive tool", "A14", 3, 8, 53, IMPRESSION),
    ("305", "Organise the promotion of additional services or products to customers", "A15", 3, 7, 47, IMPRESSION),
    ("306", "Build a customer service knowledge set", "A16", 3, 7, 47, IMPRESSION),
    ("403", "Champion customer service", "A17", 4, 10, 67, IMPRESSION),
    ("404", "Make customer service environmentally friendly and sustainable", "A18", 4, 11, 73, IMPRESSION),
    ("212", "Deliver reliable customer service", "B2", 2, 5, 33, DELIVERY),
    ("213", "Deliver customer service on your customer\u2019s premises", "B3", 2, 5, 33, DELIVERY),
    ("214", "Recognise diversity when delivering customer service", "B4", 2, 5, 33, DELIVERY),
    ("215", "Deal with customers across a language divide", "B5", 2, 8, 53, DELIVERY),
    ("216", "Use questioning techniques when delivering customer service", "B6", 2, 4, 27, DELIVERY),
    ("217", "Deal with customers using bespoke software", "B7", 2, 5, 33, DELIVERY),
    ("218", "Maintain customer service through effective hand over", "B8", 2, 4, 27, DELIVERY),
    ("307", "Deliver customer service using service partnerships", "B9", 3, 6, 40, DELIVERY),
    ("308", "Organise the delivery of reliable customer service", "B10", 3, 6, 40, DELIVERY),
    ("309", "Improve the customer relationship", "B11", 3, 7, 47, DELIVERY),
    ("405", "Maintain and develop a healthy and safe customer service environment", "B12", 4, 8, 53, DELIVERY),
    ("406", "Plan, organise and control customer service operations", "B13", 4, 10, 67, DELIVERY),
    ("407", "Review the quality of customer service", "B14", 4, 8, 53, DELIVERY),
    ("408", "Build and maintain effective customer relations", "B15", 4, 8, 53, DELIVERY),
    ("409", "Deliver seamless customer service with a team", "B16", 4, 8, 53, DELIVERY),
    ("219", "Resolve customer service problems", "C3", 2, 6, 40, PROBLEMS),
    ("220", "Deliver customer service to difficult customers", "C4", 2, 6, 40, PROBLEMS),
    ("310", "Monitor and solve customer service problems", "C5", 3, 6, 40, PROBLEMS),
    ("311", "Apply risk assessment to customer service", "C6", 3, 10, 67, PROBLEMS),
    ("312", "Process customer service complaints", "C7", 3, 6, 40, PROBLEMS),
    ("410", "Handle referred customer complaints", "C8", 4, 10, 67, PROBLEMS),
    ("221", "Develop customer relationships", "D1", 2, 6, 40, DEVELOPMENT),
    ("222", "Support customer service improvements", "D2", 2, 5, 33, DEVELOPMENT),
    ("223", "Develop personal performance through delivering customer service", "D3", 2, 6, 40, DEVELOPMENT),
    ("224", "Support customers using on-line customer services", "D4", 2, 5, 33, DEVELOPMENT),
    ("225", "Buddy a colleague to develop their customer service skills", "D5", 2, 5, 33, DEVELOPMENT),
    ("226", "Develop your own customer service skills through self-study", "D6", 2, 6, 40, DEVELOPMENT),
    ("227", "Support customers using self-service technology", "D7", 2, 5, 33, DEVELOPMENT),
    ("313", "Work with others to improve customer service", "D8", 3, 8, 53, DEVELOPMENT),
    ("314", "Promote continuous improvement", "D9", 3, 7, 47, DEVELOPMENT),
    ("315", "Develop your own and others\u2019 customer service skills", "D10", 3, 8, 53, DEVELOPMENT),
    ("316", "Lead a team to improve customer service", "D11", 3, 7, 47, DEVELOPMENT),
    ("317", "Gather, analyse and interpret customer feedback", "D12", 3, 10, 67, DEVELOPMENT),
    ("318", "Monitor the quality of customer service transactions", "D13", 3, 7, 47, DEVELOPMENT),
    ("411", "Implement quality improvements to customer service", "D14", 4, 10, 67, DEVELOPMENT),
    ("412", "Plan and organise the development of customer service staff", "D15", 4, 9, 60, DEVELOPMENT),
    ("413", "Develop a customer service strategy for a part of an organisation", "D16", 4, 11, 73, DEVELOPMENT),
    ("414", "Manage a customer service award programme", "D17", 4, 7, 47, DEVELOPMENT),
    ("415", "Apply technology or other resources to improve customer service", "D18", 4, 11, 73, DEVELOPMENT),
    ("416", "Review and re-engineer customer service processes", "D19", 4, 11, 73, DEVELOPMENT),
    ("417", "Manage customer service performance", "D20", 4, 7, 47, DEVELOPMENT),
]
BODIES = [str(n) for n in range(301, 319)]

# Per unit body: criteria per learning outcome, counted in each "Outcome N" section.
CRITERIA = {
    "301": [3, 3, 19], "302": [3, 3, 11], "303": [5, 7, 5, 8], "304": [4, 8, 8], "305": [4, 4, 4, 5],
    "306": [8, 6, 8], "307": [6, 6, 6], "308": [3, 8, 4, 8], "309": [3, 6, 4, 4], "310": [7, 3, 4, 4],
    "311": [7, 5, 5], "312": [3, 8, 12], "313": [6, 2, 4, 5], "314": [4, 4, 5, 4], "315": [5, 3, 5, 9],
    "316": [5, 4, 3, 8], "317": [6, 5, 6, 10], "318": [5, 6, 5, 10],
}
# Per unit body: the number of evidence requirements.
EVIDENCE = {
    "301": 5, "302": 4, "303": 7, "304": 6, "305": 6, "306": 3, "307": 7, "308": 6, "309": 5,
    "310": 7, "311": 8, "312": 7, "313": 6, "314": 8, "315": 8, "316": 8, "317": 6, "318": 3,
}
# Unit body fields: (level, credits, glh, uan, nos) from "Level:", "Credit value:", "NDAQ number:",
# "It is recommended that N hours ..." and the "relates to" sentence.
BODY_FIELDS = {
    "301": (3, 6, 40, "K/601/1622", "F3"), "302": (3, 6, 40, "J/601/1627", "F4"),
    "303": (3, 6, 40, "R/601/1226", "A13"), "304": (3, 8, 53, "D/601/1228", "A14"),
    "305": (3, 7, 47, "D/601/1231", "A15"), "306": (3, 7, 47, "K/601/1233", "A16"),
    "307": (3, 6, 40, "H/601/1229", "B9"), "308": (3, 6, 40, "Y/601/1230", "B10"),
    "309": (3, 7, 47, "H/601/1232", "B11"), "310": (3, 6, 40, "J/601/1515", "C5"),
    "311": (3, 10, 67, "D/601/1519", "C6"), "312": (3, 6, 40, "D/601/1522", "C7"),
    "313": (3, 8, 53, "D/601/1553", "D8"), "314": (3, 7, 47, "H/601/1554", "D9"),
    "315": (3, 8, 53, "K/601/1555", "D10"), "316": (3, 7, 47, "H/601/1568", "D11"),
    "317": (3, 10, 67, "H/601/1571", "D12"), "318": (3, 7, 47, "T/601/1574", "D13"),
}


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return parsed(DOC)


def units_by_code(result: ParseResult) -> dict[str, Unit]:
    return {u.unit_code: u for u in result.units}


def criterion(result: ParseResult, unit: str, number: str) -> Criterion:
    return next(c for c in result.criteria if c.criterion_key == f"{key(unit)}#{number}")


def test_qualification(result):
    assert result.qualifications == [
        Qualification(QID, "cg-4430", "City & Guilds", "Level 3 NVQ Diploma in Customer Service", level=3,
                      accreditation_number="500/8818/X", credits_min=42, glh_min=279, glh_max=279, tqt=420,
                      last_registration=dt.date(2014, 7, 31), last_certification=dt.date(2017, 7, 31),
                      doc_id=DOC, page=1)
    ]


def test_rules_of_combination(result):
    further = "A further 30 credits must be achieved by completing a minimum of one unit from each Optional Group."
    assert result.rules == [
        Rule(QID, "total", "Overall", None, 42, None, None, None, "Minimum Credit Value: 42"),
        Rule(QID, "level_min", "Level 3", 3, 22, None, None, None, "A minimum of 22 credits must be at level 3"),
        Rule(QID, "mandatory", "Mandatory", None, 12, None, None, None,
             "The learner must achieve 12 credits from the Mandatory Units."),
        Rule(QID, "group_min", "Optional", None, 30, None, None, None, further),
        Rule(QID, "group_min", IMPRESSION, None, None, None, 1, None, further),
        Rule(QID, "group_min", DELIVERY, None, None, None, 1, None, further),
        Rule(QID, "group_min", PROBLEMS, None, None, None, 1, None, further),
        Rule(QID, "group_min", DEVELOPMENT, None, None, None, 1, None, further),
    ]


def test_every_structure_table_row_is_a_unit(result):
    assert len(TABLE) == 59
    assert [(u.unit_code, u.title, u.nos_code) for u in result.units] == [
        (f"4430-{code}", title, nos) for code, title, nos, *_ in TABLE
    ]
    by_code = units_by_code(result)
    for code, _, _, level, credits, glh, group in TABLE:
        unit = by_code[f"4430-{code}"]
        assert (unit.level, unit.credits, unit.glh) == (level, credits, glh), code
        assert unit.theme == (group if group != MANDATORY else "Customer Service Foundations"), code
        assert (unit.unit_key, unit.scheme, unit.doc_id) == (key(code), "cg-4430", DOC)


def test_memberships_follow_the_table_groups(result):
    assert result.memberships == [UnitMembership(QID, key(code), group, group == MANDATORY) for code, *_, group in TABLE]
    assert Counter(m.group for m in result.memberships) == {
        MANDATORY: 2, IMPRESSION: 16, DELIVERY: 15, PROBLEMS: 6, DEVELOPMENT: 20,
    }


@pytest.mark.parametrize(
    "code, title, nos, page",
    [
        # "4430-216 Use questioning techniques when delivering customer service 2 4 27" / " (B6)"
        ("4430-216", "Use questioning techniques when delivering customer service", "B6", 2),
        # "4430-302" alone, the title over two lines, "3 6 40" on a later line.
        ("4430-302", "Demonstrate understanding of the rules that impact on improvements in customer service", "F4", 16),
        # "(A18)" alone on the line before the numbers.
        ("4430-404", "Make customer service environmentally friendly and sustainable", "A18", 2),
        ("4430-415", "Apply technology or other resources to improve customer service", "D18", 3),
    ],
)
def test_wrapped_table_rows(result, code, title, nos, page):
    unit = units_by_code(result)[code]
    assert (unit.title, unit.nos_code, unit.page_start) == (title, nos, page)


def test_units_with_bodies_are_301_to_318(result):
    assert [u.unit_code for u in result.units if u.has_body] == [f"4430-{n}" for n in BODIES]


@pytest.mark.parametrize("code", BODIES)
def test_body_fields(result, code):
    unit = units_by_code(result)[f"4430-{code}"]
    assert (unit.level, unit.credits, unit.glh, unit.uan, unit.nos_code) == BODY_FIELDS[code]


def test_unit_303_exactly(result):
    assert units_by_code(result)["4430-303"] == Unit(
        key("303"), "cg-4430", "4430-303", "Deal with customers in writing or electronically", level=3, credits=6,
        glh=40, uan="R/601/1226", nos_code="A13", theme=IMPRESSION, has_body=True, doc_id=DOC,
        page_start=19, page_end=22,
    )


@pytest.mark.parametrize("code", BODIES)
def test_outcome_and_criteria_counts(result, code):
    outcomes = [o for o in result.outcomes if o.unit_key == key(code)]
    criteria = [c for c in result.criteria if c.unit_key == key(code)]
    assert [o.outcome_no for o in outcomes] == [str(n) for n in range(1, len(CRITERIA[code]) + 1)]
    assert [sum(c.outcome_no == o.outcome_no for c in criteria) for o in outcomes] == CRITERIA[code]
    numbers = [c.criterion_no for c in criteria]
    assert numbers == [f"{o}.{n}" for o, count in enumerate(CRITERIA[code], start=1) for n in range(1, count + 1)]
    assert all(c.kind == "assessment" and c.doc_id == DOC for c in criteria)


def test_totals(result):
    assert (len(result.units), len(result.outcomes), len(result.criteria), len(result.evidence)) == (59, 65, 371, 110)


def test_outcomes_of_unit_302_join_wrapped_titles(result):
    assert [o for o in result.outcomes if o.unit_key == key("302")] == [
        Outcome(key("302"), "1", "Demonstrate an understanding of the organisational rules and procedures that "
                "impact on customer service improvements", DOC, 17),
        Outcome(key("302"), "2", "Demonstrate an understanding of the legislation and external regulation that "
                "impact on customer service improvements", DOC, 17),
        Outcome(key("302"), "3", "Understand the rules that impact on improvements in customer service", DOC, 17),
    ]


@pytest.mark.parametrize(
    "unit, number, text, page",
    [
        # 3.8 ends page 14; " 3.9" opens page 15.
        ("301", "3.8", "describe why their organisation must limit the customer service it gives to balance "
         "customer satisfaction with organisational goals", 14),
        ("301", "3.9", "explain how to deal with different customer behaviours and personalities to achieve "
         "customer satisfaction", 15),
        # 3.3 ends page 20; " 3.4" opens page 21.
        ("303", "3.3", "identify all the options they have for responding to their customer and weigh up the "
         "benefits and drawbacks of each", 20),
        ("303", "3.4", "choose the option that is most likely to lead to customer satisfaction within the service "
         "offer", 21),
        # The printed footer "52 Level 3 NVQ Diploma in Customer Service (4430-03)" ends page 49 after 3.4;
        # 3.5 opens page 50.
        ("312", "3.4", "explain how to negotiate a solution with their customer that is acceptable to that customer "
         "and to the organisation", 49),
        ("312", "3.5", "explain the regulatory definition of a complaint in their sector and the regulatory "
         "requirements of how complaints should be handled and reported", 50),
        # Criterion text wrapped over three lines, and one kept with its capital as written.
        ("310", "4.3", "explain how the successful resolution of customer service problems contributes to customer "
         "loyalty with the external customer and improved working relationships with service partners or "
         "internal customers", 44),
        ("310", "4.1", "Describe organisational procedures and systems for dealing with customer service problems", 44),
        ("317", "4.10", "compare the advantages and disadvantages of collecting customer feedback through written "
         "questionnaires, by telephone, by interview, using focus groups or by internet or e-mail", 67),
    ],
)
def test_criteria_text_across_lines_and_pages(result, unit, number, text, page):
    found = criterion(result, unit, number)
    assert (found.text, found.page, found.outcome_no) == (text, page, number.split(".")[0])


def test_no_running_header_or_footer_inside_any_text(result):
    texts = [c.text for c in result.criteria] + [o.title for o in result.outcomes]
    texts += [e.text for e in result.evidence] + [i for e in result.evidence for i in e.items]
    assert not [t for t in texts if re.search(r"Unit \d{3}|\(4430-03\)|NVQ Diploma", t)]


def test_evidence_requirements(result):
    counts = Counter(e.unit_key for e in result.evidence)
    assert {code: counts[key(code)] for code in BODIES} == EVIDENCE
    by_number = {(e.unit_key, e.number): e for e in result.evidence}
    assert by_number[(key("303"), "5")] == EvidenceRequirement(
        key("303"), "5", "Your evidence must include examples of dealing with customers who:",
        ("have routine expectations of your organisation\u2019s customer service",
         "have experienced difficulties when dealing with your organisation",
         "have made a specific request for information",
         "need to be informed of circumstances of which they are unaware."),
        DOC, 21,
    )
    # Item "a" opens page 26, below its lead-in on page 25.
    assert by_number[(key("304"), "5")].items == ("direct competitors", "competitors offering substitute services or products.")
    # Items run on over a page break (" d your assessor" opens page 61).
    assert by_number[(key("315"), "6")].items == (
        "your manager", "your supervisor or team leader", "a colleague detailed to help you learn", "your assessor",
        "your mentor", "someone from your training or personnel department.",
    )
    # A lead-in without a colon: "8 The feedback you provide to team members may be" / "a formal or informal".
    assert by_number[(key("316"), "8")].items == ("formal or informal", "verbal or in writing.")
    # Requirement 1 runs over four lines; no item is read from "a not-for-profit" text.
    first = by_number[(key("301"), "1")]
    assert first.items == ()
    assert first.text.endswith("Simulation is not allowed for any evidence within this Unit.")
    # " 7 Your evidence must clearly show..." opens page 57 and is a requirement of its own.
    assert by_number[(key("314"), "7")].text == (
        "Your evidence must clearly show the part you have played in each step of the continuous improvement process.")


def test_issues(result):
    codes = Counter(i.code for i in result.issues)
    assert set(codes) == {"unit-body-missing", "unparsed-text"}
    missing = sorted(i.message.split()[1] for i in result.issues if i.code == "unit-body-missing")
    assert missing == sorted(f"4430-{code}" for code, *_ in TABLE if code not in BODIES)
    assert len(missing) == 41
    # The closing note of units 306 and 318 is not an evidence requirement.
    notes = [i for i in result.issues if i.code == "unparsed-text" and "no additional evidence requirements" in i.message]
    assert [i.page for i in notes] == [32, 70]


@pytest.mark.parametrize("doc_id", ["ics-nos-page", "cg-nsvq-l3-standards", "ocr-03454-brochure", "cg-4430-catalogue", DOC])
def test_detect_scores_only_this_family_high(doc_id):
    entry = manifest()[doc_id]
    lines = extract_file(RAW / entry.path, doc_id, entry.path).lines
    score = cg_qcf.detect(lines)
    assert score >= 0.9 if doc_id == DOC else score < 0.3


# --- a Level 2 handbook of the family the parser has never seen ------------------------


def k(number: int) -> str:
    """A unit key of the sample's scheme."""
    return f"cg-7777:7777-{number}"


def test_sample_parses_to_exact_records():
    result = parse_path(SAMPLE, SAMPLE_ENTRY)
    q, s, d = "cg-7777-02", "cg-7777", SAMPLE_ID
    assert result.qualifications == [
        Qualification(q, s, "City & Guilds", "Level 2 NVQ Certificate in Customer Service", level=2,
                      accreditation_number="600/1234/5", credits_min=16, glh_min=110, glh_max=110, tqt=160,
                      last_registration=dt.date(2015, 12, 31), last_certification=dt.date(2018, 12, 31), doc_id=d, page=1)
    ]
    further = "A further 11 credits must be achieved by completing a minimum of one unit from each Optional Group."
    assert result.rules == [
        Rule(q, "total", "Overall", None, 16, None, None, None, "Minimum Credit Value: 16"),
        Rule(q, "level_min", "Level 2", 2, 10, None, None, None, "A minimum of 10 credits must be at level 2"),
        Rule(q, "mandatory", "Mandatory", None, 5, None, None, None,
             "The learner must achieve 5 credits from the Mandatory Units."),
        Rule(q, "group_min", "Optional", None, 11, None, None, None, further),
        Rule(q, "group_min", "Impression and Image", None, None, None, 1, None, further),
        Rule(q, "group_min", "Delivery", None, None, None, 1, None, further),
    ]
    assert result.units == [
        Unit(k(201), s, "7777-201", "Communicate using customer service language", 2, 5, 33, "F/601/4421", "F1",
             None, "Customer Service Foundations", has_body=True, doc_id=d, page_start=4, page_end=4),
        Unit(k(202), s, "7777-202", "Give customers a positive impression of yourself and your organisation", 2, 5, 33,
             None, "A4", None, "Impression and Image", has_body=False, doc_id=d, page_start=2, page_end=2),
        # The body's credit value (5) wins over the table's (4), with an issue.
        Unit(k(205), s, "7777-205", "Process information about customers", 2, 5, 27, "L/601/9876", "A6", None,
             "Impression and Image", has_body=True, doc_id=d, page_start=5, page_end=7),
        Unit(k(212), s, "7777-212", "Use questioning techniques when delivering customer service", 2, 4, 27, None,
             "B6", None, "Delivery", has_body=False, doc_id=d, page_start=2, page_end=2),
        Unit(k(214), s, "7777-214", "Recognise diversity when delivering customer service", 2, 5, 33, None, "B4",
             None, "Delivery", has_body=False, doc_id=d, page_start=3, page_end=3),
    ]
    assert result.memberships == [
        UnitMembership(q, k(201), "Mandatory", True),
        UnitMembership(q, k(202), "Impression and Image", False),
        UnitMembership(q, k(205), "Impression and Image", False),
        UnitMembership(q, k(212), "Delivery", False),
        UnitMembership(q, k(214), "Delivery", False),
    ]
    assert result.outcomes == [
        Outcome(k(201), "1", "Use customer service language when dealing with customers", d, 4),
        Outcome(k(201), "2", "Understand the language of customer service", d, 4),
        Outcome(k(205), "1", "Collect information about customers", d, 6),
        Outcome(k(205), "2", "Record and retrieve information about customers following organisational procedures", d, 6),
        Outcome(k(205), "3", "Know how to process information about customers", d, 7),
    ]
    assert [(c.criterion_key, c.text, c.page) for c in result.criteria] == [
        (f"{k(201)}#1.1", "use the words their organisation uses to describe its services or products", 4),
        (f"{k(201)}#1.2", "explain to customers the terms used in their organisation's service offer in a way that "
                          "the customer understands", 4),
        (f"{k(201)}#1.3", "check that the customer has understood what they have been told", 4),
        (f"{k(201)}#2.1", "explain what is meant by the service offer", 4),
        (f"{k(201)}#2.2", "describe the difference between customer expectations and customer needs", 4),
        (f"{k(201)}#2.3", "explain why it is important to use words that customers understand", 4),
        (f"{k(205)}#1.1", "identify the information they need to collect about their customers", 6),
        (f"{k(205)}#1.2", "ask customers for the information in a polite and friendly way", 6),
        (f"{k(205)}#1.3", "check that the information they have collected is accurate", 6),
        (f"{k(205)}#2.1", "record information about customers in the format their organisation requires", 6),
        # Runs from page 6 over the running header at the top of page 7.
        (f"{k(205)}#2.2", "store information about customers so that it can be found quickly by colleagues who are "
                          "entitled to see it and by nobody else", 6),
        (f"{k(205)}#2.3", "retrieve information about customers when it is needed", 7),
        (f"{k(205)}#3.1", "describe their organisation's procedures for recording information about customers", 7),
        (f"{k(205)}#3.2", "explain how data protection legislation affects the way they handle customer information", 7),
    ]
    assert result.evidence == [
        EvidenceRequirement(k(201), "1", "Your evidence should be collected when carrying out a real job, whether paid "
                            "or voluntary, and when dealing with real customers, whether internal or external to the "
                            "organisation.", (), d, 4),
        EvidenceRequirement(k(201), "2", "You must provide evidence that you have used customer service language with:",
                            ("customers", "colleagues in your own team", "colleagues in other parts of your organisation."),
                            d, 4),
        EvidenceRequirement(k(205), "1", "Your evidence should be collected when carrying out a real job, whether paid "
                            "or voluntary.", (), d, 7),
        EvidenceRequirement(k(205), "2", "You must provide evidence that you have dealt with information about customers "
                            "which was:", ("collected face to face", "collected by telephone or in writing."), d, 7),
    ]
    assert [(i.code, i.page, i.line) for i in result.issues if i.code != "unparsed-text"] == [
        ("unit-field-mismatch", 5, 158),
        ("unit-body-missing", 2, 54),
        ("unit-body-missing", 2, 68),
        ("unit-body-missing", 3, 71),
    ]


def test_sample_is_detected():
    lines = extract_file(SAMPLE, SAMPLE_ID, SAMPLE.name).lines
    assert cg_qcf.detect(lines) >= 0.9


@pytest.mark.parametrize("layout", ["lines", "grid"])
@pytest.mark.parametrize("source, entry", [(RAW / manifest()[DOC].path, manifest()[DOC]), (SAMPLE, SAMPLE_ENTRY)])
def test_pdf_render_gives_the_same_records(source, entry, layout):
    """Printed (no blank lines, lines stripped, running header and footer), the handbook reads the same,
    in the plain print and in the grid print (ruled structure table, outcomes and criteria in ruled grids)."""
    pdf = render(source, entry.title, layout=layout).path
    assert without_pages(parse_path(pdf, entry)) == without_pages(parse_path(source, entry))


# --- rule cases ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, code",
    [
        ("This unit directly relates to Unit A13 of the Customer Service NOS 2010.", "A13"),
        ("This unit directly relates to unit B9 of the Customer Service NOS.", "B9"),
        ("This unit directly relates to Unit C6 of the Customer Service NOS 2010 .", "C6"),
        ("This unit is directly related to NOS unit A6 of the Customer Service National Occupational Standards 2010.", "A6"),
        ("This unit relates to Units D10 and D11 of the Customer Service NOS.", "D10"),
        ("The unit relates directly to the NOS for Customer Service 2010, unit F1.", "F1"),
        ("This unit has been developed by the Institute of Customer Service.", None),
        ("This unit relates to the Customer Service NOS 2010. Unit A13 is similar.", None),
    ],
)
def test_nos_code_from_relates_to_sentences(sentence, code):
    assert nos_code_from(sentence) == code


@pytest.mark.parametrize(
    "row, expected",
    [
        ("4430-301 Demonstrate understanding of customer service (F3) 3 6 40",
         ("4430-301", "Demonstrate understanding of customer service", "F3", (3, 6, 40))),
        ("4430-216 Use questioning techniques when delivering customer service 2 4 27 (B6)",
         ("4430-216", "Use questioning techniques when delivering customer service", "B6", (2, 4, 27))),
        ("4430-302 Demonstrate understanding of the rules that impact on improvements in customer service (F4) 3 6 40",
         ("4430-302", "Demonstrate understanding of the rules that impact on improvements in customer service", "F4",
          (3, 6, 40))),
        ("4430-222 Support customer service improvements (D2)  2 5 33",
         ("4430-222", "Support customer service improvements", "D2", (2, 5, 33))),
        # Wrapped differently: the numbers before the end of the title.
        ("4430-216 Use questioning techniques 2 4 27 when delivering customer service (B6)",
         ("4430-216", "Use questioning techniques when delivering customer service", "B6", (2, 4, 27))),
        ("4430-404 Make customer service environmentally friendly and sustainable (A18)", None),
    ],
)
def test_read_row(row, expected):
    """A structure-table row through the toolkit's unit-table reader, numbers in level, credit, GLH order."""
    found = read_row([Line(1, 1, row)], COLUMN_WORDS)
    assert (found and (found.code, found.title, found.nos, (found.level, found.credits, found.glh))) == expected


@pytest.mark.parametrize(
    "heading, expected",
    [
        ("Mandatory Units -  Customer Service Foundations Level Credit", ("Mandatory", "Customer Service Foundations", True)),
        ("Optional Units - Impression and Image Level Credit", ("Impression and Image", "Impression and Image", False)),
        ("Optional Units -  Handling Problems Level Credit GLH", ("Handling Problems", "Handling Problems", False)),
        ("Optional Units", ("Optional", None, False)),
        ("Mandatory Units", ("Mandatory", None, True)),
        ("The learner must achieve 12 credits from the Mandatory Units.", None),
        ("Optional units may be taken from any group.", None),
    ],
)
def test_group_heading(heading, expected):
    group = parse_group_heading(heading)
    assert (None if group is None else (group.name, group.theme, group.mandatory)) == expected


@pytest.mark.parametrize(
    "headings, order",
    [
        ("Mandatory Units - X Level Credit GLH", ("level", "credit", "glh")),
        ("City & Guilds unit number Optional Units - Y GLH Credits Level", ("glh", "credit", "level")),
        ("Optional Units - Y Level Credit", None),
    ],
)
def test_column_order(headings, order):
    assert column_order(headings) == order




@pytest.mark.parametrize(
    "text, footer",
    [
        ("52 Level 3 NVQ Diploma in Customer Service (4430-03) ", True),
        ("Level 3 NVQ Diploma in Customer Service (4430-03) 57 ", True),
        ("Level 2 NVQ Certificate in Customer Service (7777-02) 9", True),
        ("Centres approved to offer the qualification Level 3 NVQ in Customer Service (4543-03) will be given", False),
        ("3.5 explain the regulatory definition of a complaint", False),
    ],
)
def test_is_footer(text, footer):
    assert is_footer(text) is footer


def test_fact_values():
    assert read_accreditation("500/ 8818/X") == "500/8818/X"
    assert read_date("31/07/2014") == dt.date(2014, 7, 31)
    assert read_date("31/02/2014") is None
    assert read_date("July 2014") is None


# --- small documents: checks between table and bodies -----------------------------------

CASE_ENTRY = Entry("cg-qcf-case", "case.txt", "City & Guilds", "cg-9999", "case", qualification="cg-9999-01")
FACTS = [
    "Qualification title and level Level 1 NVQ Award in Testing",
    "GLH 20-30",
    "City & Guilds qualification number 9999-01",
    "Minimum Credit Value: 4",
]
TABLE_LINES = ["Mandatory Units - Foundations Level Credit GLH", "9999-101 Do the first thing (F1) 1 2 10",
               "Optional Units - Extras Level Credit GLH", "9999-102 Do the second thing (A1) 1 2 10"]


def body(number: str, title: str, outcomes: list[str], criteria: list[str], evidence: list[str],
         declared: str = "two", credits: str = "2") -> list[str]:
    return [
        f"Unit {number} {title}", "Level: 1", f"Credit value: {credits}", "NDAQ number: A/123/4567",
        "Learning outcomes", f"There are {declared} learning outcomes to this unit.", "The learner will:",
        *[f"{n} {o}" for n, o in enumerate(outcomes, start=1)],
        "Guided learning hours", "It is recommended that 10 hours should be allocated for this unit.",
        "Details of the relationship between the unit and relevant national occupational standards",
        "This unit directly relates to Unit F1 of the Customer Service NOS 2010.",
        *criteria, "Evidence requirements", *evidence,
    ]


CRITERIA_OK = ["Outcome 1: First", "Assessment Criteria", "The learner can:", "1.1 do a", "1.2 do b",
               "Outcome 2: Second", "Assessment Criteria", "The learner can:", "2.1 do c"]


def parse_case(texts: list[str]) -> ParseResult:
    lines = [Line(page=1 + n // 40, line=n, text=t) for n, t in enumerate(texts, start=1)]
    return parse_lines(ParseContext(CASE_ENTRY, lines), PROFILES["cg-qcf"])


def codes(result: ParseResult) -> list[str]:
    return [i.code for i in result.issues if i.code != "unparsed-text"]


def test_case_clean_document():
    result = parse_case(FACTS + TABLE_LINES + body("101", "Do the first thing", ["First", "Second"], CRITERIA_OK, ["1 Show it."]))
    assert codes(result) == ["unit-body-missing"]
    (q,) = result.qualifications
    assert (q.qualification_id, q.glh_min, q.glh_max, q.level) == ("cg-9999-01", 20, 30, 1)
    assert [c.criterion_key for c in result.criteria] == ["cg-9999:9999-101#1.1", "cg-9999:9999-101#1.2", "cg-9999:9999-101#2.1"]
    assert [i.code for i in result.issues if i.code == "unparsed-text"] == []


@pytest.mark.parametrize(
    "criteria, expected",
    [
        (["Outcome 1: First", "1.1 do a", "1.3 do c", "Outcome 2: Second", "2.1 do d"], ["numbering-gap"]),
        (["Outcome 1: First", "1.1 do a", "1.1 do a again", "Outcome 2: Second", "2.1 do d"], ["numbering-duplicate"]),
        (["Outcome 1: First", "1.1 do a", "Outcome 2: Second", "1.2 do b"], ["numbering-mismatch", "numbering-gap"]),
        (["Outcome 1: First", "1.1 do a", "Outcome 3: Third", "3.1 do b"], ["numbering-gap", "outcome-count-mismatch"]),
        (["Outcome 1: First", "1.1 do a", "Outcome 2: Second"], ["outcome-without-criteria"]),
    ],
)
def test_case_numbering(criteria, expected):
    result = parse_case(FACTS + TABLE_LINES + body("101", "Do the first thing", ["First", "Second"], criteria, ["1 Show it."]))
    assert codes(result) == [*expected, "unit-body-missing"]
    keys = [c.criterion_key for c in result.criteria]
    assert len(keys) == len(set(keys))


def test_case_body_checks_against_the_table():
    texts = FACTS + TABLE_LINES
    texts += body("101", "Do the first thing", ["First", "Second"], CRITERIA_OK, ["1 Show it."], declared="three", credits="3")
    texts += body("103", "Do a third thing", ["First", "Second"], CRITERIA_OK, ["1 Show it."])
    texts += body("102", "Do the second thing", ["First", "Second"], CRITERIA_OK, [])
    result = parse_case(texts)
    assert [(i.code, i.message) for i in result.issues if i.code != "unparsed-text"] == [
        ("unit-field-mismatch", "9999-101 credits: table 2, body 3"),
        ("outcome-count-mismatch", "9999-101 declares 3 learning outcomes, 2 found"),
        ("unit-not-listed", "unit 9999-103 has a body but the structure table does not list it"),
        ("unit-field-mismatch", "9999-102 nos_code: table A1, body F1"),
        ("unit-body-truncated", "9999-102 has no evidence requirements"),
    ]
    assert [(u.unit_code, u.credits, u.nos_code, u.has_body) for u in result.units] == [
        ("9999-101", 3, "F1", True), ("9999-102", 2, "F1", True), ("9999-103", 2, "F1", True),
    ]


@pytest.mark.parametrize(
    "evidence, expected",
    [
        # A lead-in ending with a colon: lettered items.
        (["1 Show it to:", "a customers", "b colleagues."], [("Show it to:", ("customers", "colleagues."))]),
        # No colon, but a "b" follows: still items.
        (["1 The feedback may be", "a formal or informal", "b verbal or in writing."],
         [("The feedback may be", ("formal or informal", "verbal or in writing."))]),
        # A wrapped line opening with the word "a" is not an item.
        (["1 Show it over", "a sufficient period of time.", "2 Show it again."],
         [("Show it over a sufficient period of time.", ()), ("Show it again.", ())]),
        # A number that is not the next one continues the requirement.
        (["1 Keep records for", "3 years at least."], [("Keep records for 3 years at least.", ())]),
    ],
)
def test_case_evidence_items(evidence, expected):
    result = parse_case(FACTS + TABLE_LINES + body("101", "Do the first thing", ["First", "Second"], CRITERIA_OK, evidence))
    assert [(e.text, e.items) for e in result.evidence] == expected


def test_case_tables_split_by_prose_are_all_read():
    tables = ["City & Guilds", "unit number", TABLE_LINES[0], TABLE_LINES[1],
              "The optional units follow on the next page.",
              "Unit number", TABLE_LINES[2], "9999-102", "Do the second", "thing (A1)", "1 2 10"]
    result = parse_case(FACTS + tables + body("101", "Do the first thing", ["First", "Second"], CRITERIA_OK, ["1 Show it."]))
    assert [(m.unit_key, m.group, m.mandatory) for m in result.memberships] == [
        ("cg-9999:9999-101", "Mandatory", True), ("cg-9999:9999-102", "Extras", False),
    ]
    assert [u.title for u in result.units] == ["Do the first thing", "Do the second thing"]
    unparsed = [i.message for i in result.issues if i.code == "unparsed-text"]
    assert len(unparsed) == 1 and "The optional units follow" in unparsed[0]


def test_case_running_header_is_set_aside_wherever_it_stands():
    criteria = ["Outcome 1: First", "1.1 do a thing that runs on", "Unit 101 Do the first", "thing",
                "over the header", "Outcome 2: Second", "2.1 do c"]
    result = parse_case(FACTS + TABLE_LINES + body("101", "Do the first thing", ["First", "Second"], criteria, ["1 Show it."]))
    assert [c.text for c in result.criteria] == ["do a thing that runs on over the header", "do c"]
    assert [i for i in result.issues if i.code == "unparsed-text"] == []
