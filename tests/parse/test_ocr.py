"""OCR NVQ brochures: golden rows from the Level 1 brochure (03454), a Level 2 sample, rule cases."""

from __future__ import annotations

import pytest

from pipeline.core.manifest import Entry
from pipeline.core.records import Line, Qualification, Rule, UnitMembership
from pipeline.extract import extract_file
from pipeline.parse import ParseContext, ParseResult, ocr
from pipeline.parse.profiles import PROFILES, parse_lines
from tests.conftest import DATA, RAW, manifest, parse_path, parsed, without_pages
from tests.pdf_render import render

DOC = "ocr-03454-brochure"
SAMPLE = DATA / "ocr_level2_sample.txt"
SAMPLE_ENTRY = Entry("ocr-level2-sample", SAMPLE.name, "OCR", "ocr-04578", "OCR Level 2 NVQ sample",
                     qualification="ocr-04578", format="ocr-nvq")

# Read off the brochure's "NVQ units of competence" list (26 units: F1-F2, A1-A12, B1-B8, C1-C4).
UNITS_03454 = [
    ("F1", "Communicating using customer service language", None),
    ("F2", "Follow the rules to deliver customer service", None),
    ("A1", "Maintain a positive and customer-friendly attitude", "Impression and Image"),
    ("A2", "Adapt your behaviour to give a good customer service impression", "Impression and Image"),
    ("A3", "Communicate effectively with customers", "Impression and Image"),
    ("A4", "Give customers a positive impression of yourself and your organisation", "Impression and Image"),
    ("A5", "Promote additional services or products to customers", "Impression and Image"),
    ("A6", "Process information about customers", "Impression and Image"),
    ("A7", "Live up to the customer service promise", "Impression and Image"),
    ("A8", "Make customer service personal", "Impression and Image"),
    ("A9", "Go the extra mile in customer service", "Impression and Image"),
    ("A10", "Deal with customers face to face", "Impression and Image"),
    ("A11", "Deal with incoming telephone calls from customers", "Impression and Image"),
    ("A12", "Make telephone calls to customers", "Impression and Image"),
    ("B1", "Do your job in a customer-friendly way", "Delivery"),
    ("B2", "Deliver reliable customer service", "Delivery"),
    ("B3", "Deliver customer service on your customer\u2019s premises", "Delivery"),
    ("B4", "Recognise diversity when delivering customer service", "Delivery"),
    ("B5", "Deal with customers across a language divide", "Delivery"),
    ("B6", "Use questioning techniques when delivering customer service", "Delivery"),
    ("B7", "Deal with customers using bespoke software", "Delivery"),
    ("B8", "Maintain customer service through effective hand over", "Delivery"),
    ("C1", "Recognise and deal with customer queries, requests and problems", "Handling Problems"),
    ("C2", "Take details of customer service problems", "Handling Problems"),
    ("C3", "Resolve customer service problems", "Handling Problems"),
    ("C4", "Deliver customer service to difficult customers", "Handling Problems"),
]
STRUCTURE_1 = ("To achieve a full OCR Level 1 NVQ Certificate in Customer Service, candidates must complete a "
               "total of 22 credits, 8 from the mandatory units, 14 from the optional units.")
STRUCTURE_2 = ("Candidates must select at least 1 unit from each optional group 1, 2 and 3 of which a minimum "
               "of 8 credits must be achieved at Level 1.")


def test_qualification():
    assert parsed(DOC).qualifications == [
        Qualification("ocr-03454", "ocr-03454", "OCR", "OCR Level 1 NVQ Certificate in Customer Service",
                      level=1, credits_min=22, doc_id=DOC, page=1)
    ]


def test_units_by_nos_code_with_wrapped_titles_joined():
    units = parsed(DOC).units
    assert [(u.unit_code, u.title, u.theme) for u in units] == UNITS_03454
    assert all(u.unit_key == f"ocr-03454:{u.unit_code}" and u.nos_code == u.unit_code for u in units)
    assert all(u.level is None and u.credits is None and not u.has_body for u in units)
    # The whole list is on the brochure's second text page.
    assert {(u.page_start, u.page_end) for u in units} == {(2, 2)}


def test_memberships():
    memberships = parsed(DOC).memberships
    assert len(memberships) == 26
    assert memberships[0] == UnitMembership("ocr-03454", "ocr-03454:F1", "Mandatory", True)
    assert memberships[3] == UnitMembership("ocr-03454", "ocr-03454:A2", "Impression and Image", False)
    assert memberships[-1] == UnitMembership("ocr-03454", "ocr-03454:C4", "Handling Problems", False)
    assert sum(m.mandatory for m in memberships) == 2


def test_rules_from_the_structure_paragraph():
    assert parsed(DOC).rules == [
        Rule("ocr-03454", "total", "Overall", None, 22, None, None, None, STRUCTURE_1),
        Rule("ocr-03454", "mandatory", "Mandatory", None, 8, None, None, None, STRUCTURE_1),
        Rule("ocr-03454", "group_min", "Optional", None, 14, None, None, None, STRUCTURE_1),
        Rule("ocr-03454", "group_min", "Impression and Image", None, None, None, 1, None, STRUCTURE_2),
        Rule("ocr-03454", "group_min", "Delivery", None, None, None, 1, None, STRUCTURE_2),
        Rule("ocr-03454", "group_min", "Handling Problems", None, None, None, 1, None, STRUCTURE_2),
        Rule("ocr-03454", "level_min", "Level 1", 1, 8, None, None, None, STRUCTURE_2),
    ]


def test_issues_leave_only_narrative_unparsed():
    issues = parsed(DOC).issues
    assert [(i.code, i.line) for i in issues if i.code != "unparsed-text"] == [("title-variant", 19)]
    # Narrative before the structure heading, the audience/purpose pages, and everything after C4.
    assert [(i.page, i.line) for i in issues if i.code == "unparsed-text"] == [(1, 2), (2, 21), (3, 129)]


def test_level2_sample_parses_with_no_code_change():
    result = parse_path(SAMPLE, SAMPLE_ENTRY)
    assert result.qualifications == [
        Qualification("ocr-04578", "ocr-04578", "OCR", "OCR Level 2 NVQ Certificate in Customer Service",
                      level=2, credits_min=28, doc_id="ocr-level2-sample", page=1)
    ]
    assert [(u.unit_code, u.title, u.theme) for u in result.units] == [
        ("F3", "Develop customer relationships", None),
        ("F4", "Understand the rules and procedures that affect customer service", None),
        ("A13", "Make a good first impression with customers", "Impression and Image"),
        ("A14", "Deal with customers in writing or using ICT", "Impression and Image"),
        ("A15", "Build a positive image of your organisation with customers", "Impression and Image"),
        ("B9", "Deliver customer service using service partnerships", "Delivery"),
        ("B10", "Organise the delivery of reliable customer service", "Delivery"),
        ("C5", "Monitor and solve customer service problems", "Handling Problems"),
        ("C6", "Deal with customers who are angry or distressed", "Handling Problems"),
        ("D1", "Develop your own customer service skills", "Development and Improvement"),
        ("D2", "Support customer service improvements", "Development and Improvement"),
    ]
    assert [(r.group, r.min_credits, r.min_units) for r in result.rules] == [
        ("Overall", 28, None), ("Mandatory", 10, None), ("Optional", 18, None),
        ("Impression and Image", None, 1), ("Delivery", None, 1), ("Handling Problems", None, 1),
        ("Development and Improvement", None, 1), ("Level 2 or above", 18, None),
    ]
    assert [m.group for m in result.memberships][:3] == ["Mandatory", "Mandatory", "Impression and Image"]
    assert [i.code for i in result.issues if i.code != "unparsed-text"] == ["title-variant"]


@pytest.mark.parametrize("layout", ["lines", "grid"])
@pytest.mark.parametrize("source, entry", [(RAW / manifest()[DOC].path, manifest()[DOC]), (SAMPLE, SAMPLE_ENTRY)])
def test_pdf_render_gives_the_same_records(source, entry, layout):
    """Printed (no blank lines, lines stripped, running header and footer), the brochure reads the same,
    in the plain print and in the grid print (its units list a ruled table)."""
    pdf = render(source, entry.title, layout=layout).path
    assert without_pages(parse_path(pdf, entry)) == without_pages(parse_path(source, entry))


# --- rule cases on small documents ---------------------------------------------------

ENTRY = Entry("ocr-case", "case.txt", "OCR", "ocr-01234", "case", qualification="ocr-01234")
UNIT_LIST = ["Mandatory Units", "F1 Do one thing", "Optional Units", "Theme: First", "A1 Do another",
             "Theme: Second", "B1 Do a third"]


def _parse(texts: list[str], entry: Entry = ENTRY) -> tuple[ParseResult, list[str]]:
    lines = [Line(page=1, line=n, text=t) for n, t in enumerate(texts, start=1)]
    ctx = ParseContext(entry, lines)
    result = parse_lines(ctx, PROFILES["ocr-nvq"])
    return result, [i.code for i in result.issues]


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        (["candidates must complete a total of 12 credits, 4 from the mandatory units, 8 from the optional units."],
         [("Overall", 12, None), ("Mandatory", 4, None), ("Optional", 8, None)]),
        (["Candidates must select at least 2 units from each optional group 1 and 2."],
         [("First", None, 2), ("Second", None, 2)]),
        (["Candidates must select at least 1 unit from each optional group 2", "of which a minimum of 6 credits",
          "must be achieved at Level 2 or higher."],
         [("Second", None, 1), ("Level 2 or higher", 6, None)]),
        (["This paragraph states no rule."], []),
    ],
)
def test_structure_sentences(paragraph, expected):
    result, _ = _parse(["Scheme code 01234", "What are the structures?", *paragraph, *UNIT_LIST])
    assert [(r.group, r.min_credits, r.min_units) for r in result.rules] == expected


@pytest.mark.parametrize(
    "listing, titles",
    [
        # A wrapped title goes on in lower case, or is followed by another unit or heading.
        (["A1 Deal with customers in writing or", "electronically", "A2 Two"],
         ["Deal with customers in writing or electronically", "Two"]),
        (["A1 Deal with customers in writing or using", "ICT", "Theme: Next", "B1 Three"],
         ["Deal with customers in writing or using ICT", "Three"]),
        # After the last unit only a lower-case line continues it: a new heading ends the list.
        (["A1 One", "Who is involved in the delivery", "of these NVQs?"], ["One"]),
        (["A1 Deal with customers across a language", "divide", "Who is involved?"],
         ["Deal with customers across a language divide"]),
    ],
)
def test_unit_list_wrapping(listing, titles):
    result, _ = _parse(["Scheme code 01234", "Optional Units", "Theme: Impression", *listing])
    assert [u.title for u in result.units] == titles


def test_duplicate_code_is_reported_once_listed():
    result, codes = _parse(["Scheme code 01234", "Optional Units", "A1 One", "A1 One again"])
    assert [u.title for u in result.units] == ["One"]
    assert "numbering-duplicate" in codes


def test_scheme_code_disagreeing_with_the_manifest_is_reported():
    _, codes = _parse(["Scheme code 09999", *UNIT_LIST])
    assert "qualification-id-mismatch" in codes


def test_credit_shares_not_adding_up_are_reported():
    paragraph = "a total of 20 credits, 8 from the mandatory units, 14 from the optional units."
    _, codes = _parse(["Scheme code 01234", paragraph, *UNIT_LIST])
    assert "credit-sum-mismatch" in codes


def test_brochure_without_scheme_code_is_an_error():
    result, codes = _parse(UNIT_LIST)
    assert result.units == [] and "qualification-missing" in codes


# --- detection ------------------------------------------------------------------------

@pytest.mark.parametrize("doc_id", sorted(manifest()))
def test_detect_only_the_brochure(doc_id):
    lines = extract_file(RAW / manifest()[doc_id].path, doc_id, doc_id).lines
    score = ocr.detect(lines)
    assert score >= 0.9 if doc_id == DOC else score < 0.3


@pytest.mark.parametrize("name, high", [("ocr_level2_sample.txt", True), ("catalogue_4432_sample.txt", False)])
def test_detect_test_documents(name, high):
    score = ocr.detect(extract_file(DATA / name, "x", name).lines)
    assert score >= 0.9 if high else score < 0.3
