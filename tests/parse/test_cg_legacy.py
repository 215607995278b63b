"""City & Guilds legacy N/SVQ standards: golden rows from the Level 3 document, a Level 2 sample, rule cases.

Every expected value below was read off the document text
(raw/cg-level3-nsvq-customer-services-standards.txt) or off the hand-written sample
(tests/data/cg_legacy_level2_sample.txt), not copied from the parser's output.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from pipeline.core.manifest import Entry
from pipeline.core.records import Criterion, EvidenceRequirement, Outcome, Qualification, Rule, Unit, UnitMembership
from pipeline.extract import extract_file
from pipeline.parse import ParseContext, ParseResult, cg_legacy
from pipeline.parse.cg_legacy.sections import find_sections
from pipeline.parse.cg_legacy.structure import RuleClause, rule_clauses
from pipeline.parse.cg_legacy.text import nonblank, unit_heading
from pipeline.parse.cg_legacy.themes import ThemeEntry, assign_columns, column_levels, is_legend, parse_themes, theme_heading
from pipeline.parse.cg_legacy.units import part_label, standard_number, theme_of
from tests.conftest import DATA, RAW, manifest, parse_path, parsed, without_pages
from tests.pdf_render import render

DOC = "cg-nsvq-l3-standards"
QID = "cg-legacy-l3"
SAMPLE = DATA / "cg_legacy_level2_sample.txt"
SAMPLE_ID = "cg-legacy-level2-sample"
SAMPLE_ENTRY = Entry(SAMPLE_ID, SAMPLE.name, "City & Guilds", "cg-legacy",
                     "Level 2 N/SVQ in Customer Service (sample standards)")

FOUNDATIONS, IMPRESSION, DELIVERY = "Customer Service Foundations", "Impression and Image", "Delivery"
PROBLEMS, DEVELOPMENT = "Handling Problems", "Development and Improvement"


def key(code: str) -> str:
    return f"cg-legacy:{code}"


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return parsed(DOC)


def units_of(result: ParseResult) -> dict[str, Unit]:
    return {u.unit_code: u for u in result.units}


# --- the Level 3 document: qualification and structure --------------------------------

# Section 9's structure table, row by row: (unit, QCA/SQA ref, ICS unit, title as the table prints it).
TABLE = [
    ("301", "R/103/6284", "7", "Understand customer service to improve service delivery"),
    ("302", "Y/103/6285", "8", "Know the rules to follow when developing customer service"),
    ("205", "A/103/6277", "13", "Make customer service personal"),
    ("206", "F/103/6278", "14", "Go the extra mile in customer service"),
    ("207", "J/103/6279", "15", "Deal with customers in writing or using ICT"),
    ("303", "T/103/6312", "18", "Use customer service as a competitive tool"),
    ("304", "A/103/6313", "19", "Organise the promotion of services or products to customers"),
    ("211", "J/103/6282", "22", "Deliver customer services on your customers\u2019 premises"),
    ("212", "L/103/6283", "23", "Recognise diversity when delivering customer service"),
    ("305", "F/103/6314", "24", "Deliver customer service using service partnerships"),
    ("306", "Y/103/6318", "25", "Organise the delivery of reliable customer service"),
    ("307", "K/103/6792", "26", "Improve the customer relationship"),
    ("308", "D/103/6790", "32", "Monitor and solve customer service problems"),
    ("309", "D/103/6319", "33", "Apply risk assessment to customer service"),
    ("310", "Y/103/6321", "34", "Process customer service complaints"),
    ("311", "H/103/6791", "39", "Work with others to improve customer service"),
    ("312", "J/103/6329", "40", "Promote continuous improvement in customer service"),
    ("313", "J/103/6332", "41", "Develop your own and others\u2019 customer service skills"),
    ("314", "M/103/6339", "42", "Lead a team to improve customer service"),
    ("315", "R/103/6348", "43", "Gather, analyse and interpret customer feedback"),
]
BODIES = ["301", "302", "205", "206", "207", "303", "304", "211", "212"]
# Per bodied unit: performance criteria per element, and knowledge items (a, b, ...).
COUNTS = {
    "301": ([14, 6], 0),  # "contained in the Customer Service Standards above"
    "302": ([4, 7], 0),
    "205": ([7, 6], 7),
    "206": ([5, 5, 5], 7),
    "207": ([5, 7, 5], 8),
    "303": ([4, 8], 8),
    "304": ([4, 4, 4], 5),
    "211": ([9, 10], 4),
    "212": ([], 0),  # cut off after "What this unit is about"
}
# Theme of the units without a body, from Appendix 3's headings.
THEMES_FROM_APPENDIX = {
    "305": DELIVERY, "306": DELIVERY, "307": DELIVERY, "308": PROBLEMS, "309": PROBLEMS, "310": PROBLEMS,
    "311": DEVELOPMENT, "312": DEVELOPMENT, "313": DEVELOPMENT, "314": DEVELOPMENT, "315": DEVELOPMENT,
}


def test_qualification(result):
    assert result.qualifications == [
        Qualification(QID, "cg-legacy", "City & Guilds", "Level 3 N/SVQ in Customer Services", level=3,
                      doc_id=DOC, page=10)
    ]


def test_rules_of_combination(result):
    each_theme = "they must complete at least one optional unit from each theme"
    assert result.rules == [
        Rule(QID, "units_min", "Total", None, None, None, 8, 8, "candidates must complete eight units for this award"),
        Rule(QID, "mandatory", "Mandatory", None, None, None, 2, 2, "two mandatory and six optional"),
        Rule(QID, "group_min", "Optional", None, None, None, 6, 6, "two mandatory and six optional"),
        Rule(QID, "group_min", IMPRESSION, None, None, None, 1, None, each_theme),
        Rule(QID, "group_min", DELIVERY, None, None, None, 1, None, each_theme),
        Rule(QID, "group_min", PROBLEMS, None, None, None, 1, None, each_theme),
        Rule(QID, "group_min", DEVELOPMENT, None, None, None, 1, None, each_theme),
        Rule(QID, "import_cap", "Imported from level 2", 2, None, None, None, 3,
             "the maximum number of units that can be imported from level 2 is three"),
    ]


def test_memberships_follow_the_table_groups(result):
    assert result.memberships == [
        UnitMembership(QID, key(code), "Mandatory" if i < 2 else "Optional", i < 2) for i, (code, *_) in enumerate(TABLE)
    ]


@pytest.mark.parametrize("code, uan, ics, title", TABLE)
def test_structure_table_fields(result, code, uan, ics, title):
    unit = units_of(result)[code]
    assert (unit.uan, unit.ics_unit) == (uan, ics)
    if code != "211":  # the body's title wins, see test_unit_211
        assert unit.title == title


def test_units_with_bodies(result):
    assert sorted(u.unit_code for u in result.units if u.has_body) == sorted(BODIES)


@pytest.mark.parametrize("code", BODIES)
def test_element_and_criteria_counts(result, code):
    per_element, knowledge = COUNTS[code]
    outcomes = [o.outcome_no for o in result.outcomes if o.unit_key == key(code)]
    assert outcomes == [f"{code}.{n}" for n in range(1, len(per_element) + 1)]
    performance = Counter(c.outcome_no for c in result.criteria if c.unit_key == key(code) and c.kind == "performance")
    assert [performance[o] for o in outcomes] == per_element
    letters = [c.criterion_no for c in result.criteria if c.unit_key == key(code) and c.kind == "knowledge"]
    assert letters == [f"k.{chr(ord('a') + i)}" for i in range(knowledge)]


def test_totals(result):
    assert len(result.units) == 45
    assert len(result.outcomes) == 19
    assert Counter(c.kind for c in result.criteria) == {"performance": 119, "knowledge": 39}
    assert len(result.evidence) == 54


def test_unit_207_exactly(result):
    assert units_of(result)["207"] == Unit(
        key("207"), "cg-legacy", "207", "Deal with customers in writing or using ICT", level=2, uan="J/103/6279",
        ics_unit="15", theme=IMPRESSION, has_body=True, doc_id=DOC, page_start=28, page_end=31,
    )
    assert [o for o in result.outcomes if o.unit_key == key("207")] == [
        Outcome(key("207"), "207.1", "Use written or ICT communication effectively", DOC, 29),
        Outcome(key("207"), "207.2", "Plan and send an effective written or ICT communication", DOC, 29),
        Outcome(key("207"), "207.3", "Handle incoming written or ICT communications effectively", DOC, 29),
    ]


def test_unit_211_keeps_the_body_title(result):
    # The table says "customer services", the body and the mapping list "customer service".
    unit = units_of(result)["211"]
    assert unit.title == "Deliver customer service on your customers' premises"
    assert (unit.theme, unit.level, unit.page_start, unit.page_end) == (DELIVERY, 2, 41, 44)
    mismatches = [i for i in result.issues if i.code == "title-mismatch"]
    assert [(i.page, i.line) for i in mismatches] == [(10, 309)]


def test_unit_301_mandatory_foundation(result):
    assert units_of(result)["301"] == Unit(
        key("301"), "cg-legacy", "301", "Understand customer service to improve service delivery", level=3,
        uan="R/103/6284", ics_unit="7", theme=FOUNDATIONS, has_body=True, doc_id=DOC, page_start=12, page_end=15,
    )


def test_truncated_unit_212(result):
    unit = units_of(result)["212"]
    assert (unit.has_body, unit.theme, unit.title) == (True, DELIVERY, "Recognise diversity when delivering customer service")
    assert not [r for r in result.outcomes + result.criteria + result.evidence if r.unit_key == key("212")]
    truncated = [i for i in result.issues if i.code == "unit-body-truncated"]
    assert [(i.page, i.line, i.severity) for i in truncated] == [(45, 1603, "error")]
    assert "unit 212" in truncated[0].message


def test_structure_table_units_without_body(result):
    units = units_of(result)
    no_body = [code for code, *_ in TABLE if code not in BODIES]
    assert no_body == ["305", "306", "307", "308", "309", "310", "311", "312", "313", "314", "315"]
    for code in no_body:
        unit = units[code]
        assert (unit.has_body, unit.level, unit.theme, unit.page_start) == (False, 3, THEMES_FROM_APPENDIX[code], 10)
    missing = [i for i in result.issues if i.code == "unit-body-missing"]
    assert [i.message.split()[1] for i in missing] == no_body
    assert {(i.page, i.severity) for i in missing} == {(10, "warning")}


def test_criteria_either_side_of_a_page_break(result):
    criteria = {c.criterion_key: c for c in result.criteria}
    before, after = criteria[f"{key('301')}#301.2.4"], criteria[f"{key('301')}#301.2.5"]
    assert (before.text, before.page, before.outcome_no) == (
        "give examples of the essential features and benefits of your organisation\u2019s services or products that "
        "influence customer service delivery and satisfaction", 13, "301.2")
    assert (after.text, after.page) == (
        "describe how your organisation balances its needs with customer expectations and needs", 14)


def test_wrapped_criterion_and_knowledge_items(result):
    criteria = {c.criterion_key: c for c in result.criteria}
    assert criteria[f"{key('301')}#301.1.14"].text == (
        "explain the significance of continuous improvement within customer service and the way that change and the "
        "management of change are central to ongoing customer satisfaction")
    assert criteria[f"{key('207')}#k.a"] == Criterion(
        f"{key('207')}#k.a", key("207"), None, "k.a", "knowledge", "the importance of using clear and concise language",
        None, DOC, 30)
    assert criteria[f"{key('207')}#k.b"].text == (
        "the additional significance and potential risks involved in committing a communication to a permanent record format")


def test_evidence_requirements_of_207(result):
    evidence = [e for e in result.evidence if e.unit_key == key("207")]
    assert [e.number for e in evidence] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert all(e.page == 31 for e in evidence)
    assert [len(e.items) for e in evidence] == [0, 0, 0, 0, 4, 3, 3, 2]
    assert evidence[5] == EvidenceRequirement(
        key("207"), "6", "The style and tone of your communication must follow organisational guidelines and you must "
        "prove that you have taken account of:",
        ("your job role and position in your organisation", "the personal style and preferences of your customer",
         "the conventions of the medium of communication you are using."), DOC, 31)
    assert evidence[4].items == (
        "have routine expectations of your organisation\u2019s customer service",
        "have experienced difficulties when dealing with your organisation",
        "have made a specific request for information",
        "need to be informed of circumstances of which they are unaware.",
    )


def test_key_words_stay_out_of_criteria_and_are_not_left_over(result):
    texts = {c.text for c in result.criteria}
    assert not texts & {"operating equipment", "managing time", "the service offer", "communicating"}
    assert not [i for i in result.issues if i.code == "unparsed-text" and "Key words and phrases" in i.message]


def test_no_running_header_inside_any_text(result):
    texts = [c.text for c in result.criteria] + [o.title for o in result.outcomes]
    texts += [e.text for e in result.evidence] + [i for e in result.evidence for i in e.items]
    assert not [t for t in texts if "Unit 3" in t or "Unit 2" in t or "N/SVQ in" in t or "  " in t]


def test_issues(result):
    codes = Counter(i.code for i in result.issues if i.code != "unparsed-text")
    assert codes == {
        "unit-body-missing": 11, "unit-body-truncated": 1, "title-mismatch": 1,
        "mapping-lists-new-units": 1, "section-not-modelled": 9,
    }
    not_modelled = [i.message.split(" (")[0] for i in result.issues if i.code == "section-not-modelled"]
    assert not_modelled == [f"Chapter {n}" for n in range(1, 9)] + ["Appendix 2"]


# --- Appendix 3: the legacy units by level and theme ---------------------------------

# Read off the three columns of Appendix 3 (text lines 1874-2154).
APPENDIX_LEVELS = {
    2: {"101", "105", "201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212",
        "106", "213", "214", "215", "216"},
    3: {code for code, *_ in TABLE},
    4: {"301", "302", "303", "401", "402", "403", "404", "405", "309", "406", "314", "407", "408", "409",
        "410", "411"},
}


def _theme_cells(path: Path, entry: Entry) -> tuple[list[ThemeEntry], ParseContext]:
    lines = extract_file(path, entry.doc_id, path.name).lines
    ctx = ParseContext(entry, lines)
    body = nonblank(ctx.lines)
    return parse_themes(ctx, body, find_sections(body)), ctx


def test_appendix_3_units_per_level():
    cells, ctx = _theme_cells(RAW / manifest()[DOC].path, manifest()[DOC])
    for level, codes in APPENDIX_LEVELS.items():
        found = [c.code for c in cells if c.level == level]
        assert sorted(found) == sorted(codes), level
        assert len(found) == len(codes)  # no code twice in one column
    assert not ctx.issues


def test_appendix_3_cells_split_over_lines():
    cells, _ = _theme_cells(RAW / manifest()[DOC].path, manifest()[DOC])
    by = {(c.code, c.level): c for c in cells}
    # "303" alone at the end of a line, its title two lines further down (Level 4 column).
    assert (by["303", 4].title, by["303", 4].theme) == ("Use customer service as a competitive tool", "Impression and image")
    # Two cells on one line: "205  Make customer service personal  304  Organise the promotion of services".
    assert by["205", 2].title == "Make customer service personal"
    assert by["304", 3].title == "Organise the promotion of services or products to customers"
    assert (by["309", 3].theme, by["309", 4].theme) == ("Handling Problems", "Handling Problems")
    assert by["216", 2].title == "Develop personal performance through delivering customer service"
    assert by["411", 4].title == "Manage a customer service award programme"  # the colour key below is not its title


@pytest.mark.parametrize(
    "code, title, level, theme",
    [
        ("101", "Prepare yourself to deliver good customer service", 2, FOUNDATIONS),
        ("106", "Recognise and deal with customer queries, requests and problems", 2, PROBLEMS),
        ("201", "Give customers a positive impression of yourself and your organisation", 2, IMPRESSION),
        ("210", "Deliver reliable customer service", 2, DELIVERY),
        ("401", "Champion customer service", 4, IMPRESSION),
        ("402", "Maintain and develop a healthy and safe customer service environment", 4, DELIVERY),
        ("408", "Plan and organise the development of customer service staff", 4, DEVELOPMENT),
    ],
)
def test_appendix_only_units(result, code, title, level, theme):
    assert units_of(result)[code] == Unit(key(code), "cg-legacy", code, title, level=level, theme=theme,
                                          has_body=False, doc_id=DOC, page_start=units_of(result)[code].page_start)


@pytest.mark.parametrize("code, level", [("205", 2), ("303", 3), ("309", 3), ("314", 3), ("301", 3), ("212", 2)])
def test_a_unit_in_several_columns_is_one_unit_at_its_lowest_level(result, code, level):
    assert [u.level for u in result.units if u.unit_code == code] == [level]


def test_unit_codes_are_unique(result):
    codes = [u.unit_code for u in result.units]
    assert len(codes) == len(set(codes)) == len(APPENDIX_LEVELS[2] | APPENDIX_LEVELS[3] | APPENDIX_LEVELS[4])


# --- detection --------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", ["ics-nos-page", DOC, "ocr-03454-brochure", "cg-4430-catalogue", "cg-4430-03-handbook"])
def test_detect_scores_only_this_family_high(doc_id):
    entry = manifest()[doc_id]
    score = cg_legacy.detect(extract_file(RAW / entry.path, doc_id, entry.path).lines)
    assert score >= 0.9 if doc_id == DOC else score < 0.3


def test_sample_is_detected():
    assert cg_legacy.detect(extract_file(SAMPLE, SAMPLE_ID, SAMPLE.name).lines) >= 0.9


# --- a Level 2 document of the family the parser has never seen -----------------------


def test_sample_parses_to_exact_records():
    result = parse_path(SAMPLE, SAMPLE_ENTRY)
    q, s, d = "cg-legacy-l2", "cg-legacy", SAMPLE_ID
    assert result.qualifications == [
        Qualification(q, s, "City & Guilds", "Level 2 N/SVQ in Customer Service", level=2, doc_id=d, page=2)
    ]
    each_theme = "they must complete at least one optional unit from each theme"
    assert result.rules == [
        Rule(q, "units_min", "Total", None, None, None, 5, 5, "candidates must complete five units for this award"),
        Rule(q, "mandatory", "Mandatory", None, None, None, 2, 2, "two mandatory and three optional"),
        Rule(q, "group_min", "Optional", None, None, None, 3, 3, "two mandatory and three optional"),
        Rule(q, "group_min", PROBLEMS, None, None, None, 1, None, each_theme),
        Rule(q, "group_min", DELIVERY, None, None, None, 1, None, each_theme),
        Rule(q, "group_min", FOUNDATIONS, None, None, None, 1, None, each_theme),
        Rule(q, "import_cap", "Imported from level 1", 1, None, None, None, 1,
             "the maximum number of units that can be imported from level 1 is one"),
    ]
    assert result.memberships == [
        UnitMembership(q, key("221"), "Mandatory", True),
        UnitMembership(q, key("222"), "Mandatory", True),
        UnitMembership(q, key("223"), "Optional", False),
        UnitMembership(q, key("224"), "Optional", False),
        UnitMembership(q, key("105"), "Optional", False),
    ]
    u = lambda code, title, level, theme, body=False, start=2, end=None, uan=None, ics=None: Unit(  # noqa: E731
        key(code), s, code, title, level=level, uan=uan, ics_unit=ics, theme=theme, has_body=body, doc_id=d,
        page_start=start, page_end=end)
    assert result.units == [
        u("101", "Prepare yourself to deliver good customer service", 1, FOUNDATIONS, start=13),
        u("105", "Provide customer service within the rules", 1, FOUNDATIONS, uan="H/500/1005", ics="3"),
        u("106", "Recognise and deal with customer queries, requests and problems", 1, PROBLEMS, start=14),
        u("221", "Handle customer accounts with care", 2, FOUNDATIONS, True, 4, 8, "K/500/1001", "2"),
        u("222", "Give customers a positive impression of yourself", 2, FOUNDATIONS, uan="M/500/1002", ics="5"),
        u("223", "Resolve customer service problems", 2, PROBLEMS, True, 9, 12, "T/500/1003", "9"),
        u("224", "Deliver reliable customer service", 2, DELIVERY, uan="A/500/1004", ics="12"),
        u("301", "Understand customer service to improve service delivery", 3, FOUNDATIONS, start=14),
        u("305", "Deliver customer service using service partnerships", 3, DELIVERY, start=15),
        u("308", "Monitor and solve customer service problems", 3, PROBLEMS, start=15),
    ]
    assert result.outcomes == [
        Outcome(key("221"), "221.1", "Keep customer account records accurate", d, 5),
        Outcome(key("221"), "221.2", "Protect customer account information", d, 5),
        Outcome(key("223"), "223.1", "Spot customer service problems", d, 10),
        Outcome(key("223"), "223.2", "Pick the best solution to resolve customer service problems", d, 10),
    ]
    assert [(c.criterion_key, c.outcome_no, c.kind, c.text, c.page) for c in result.criteria] == [
        (f"{key('221')}#221.1.1", "221.1", "performance",
         "check the details of each account against the information your customer gives you", 5),
        (f"{key('221')}#221.1.2", "221.1", "performance",
         "correct mistakes in account records following your organisation\u2019s procedures", 5),
        (f"{key('221')}#221.1.3", "221.1", "performance", "record changes to the account promptly", 5),
        (f"{key('221')}#221.2.1", "221.2", "performance", "store account records securely", 5),
        # Runs from page 5 over the running header (wrapped over two lines) at the top of page 6.
        (f"{key('221')}#221.2.2", "221.2", "performance",
         "share account information only with people who are authorised to see it", 5),
        (f"{key('221')}#221.2.3", "221.2", "performance", "explain to your customer how their information is protected", 6),
        (f"{key('223')}#223.1.1", "223.1", "performance",
         "listen carefully to your customer about any problem they have raised", 10),
        (f"{key('223')}#223.1.2", "223.1", "performance", "ask your customer about the problem to check your understanding", 10),
        (f"{key('223')}#223.2.1", "223.2", "performance", "identify the options for resolving a customer service problem", 10),
        (f"{key('223')}#223.2.2", "223.2", "performance",
         "work with others to identify and confirm the options to resolve a customer service problem", 10),
        (f"{key('223')}#223.2.3", "223.2", "performance", "keep your customer informed of what is happening", 10),
        (f"{key('223')}#k.a", None, "knowledge", "organisational procedures for dealing with customer service problems", 11),
        (f"{key('223')}#k.b", None, "knowledge", "how to defuse potentially stressful situations", 11),
        # "a solution ..." continues item c: it is not a second item a.
        (f"{key('223')}#k.c", None, "knowledge",
         "how to negotiate with your customer when you need to find a solution that suits you both", 11),
    ]
    assert result.evidence == [
        EvidenceRequirement(key("221"), "1", "Your evidence should be collected when carrying out a real job, whether "
                            "paid or voluntary, and when dealing with real customers.", (), d, 7),
        # Item c comes after the printed footer and the running header of page 8.
        EvidenceRequirement(key("221"), "2", "Your evidence must include examples of accounts that:",
                            ("are held on paper", "are held on a computer system", "are shared with other departments."),
                            d, 7),
        EvidenceRequirement(key("221"), "3", "You must provide evidence of correcting a mistake in an account.", (), d, 8),
        EvidenceRequirement(key("223"), "1", "Your evidence must include examples of problems raised by your customer "
                            "and problems you have spotted yourself.", (), d, 12),
        EvidenceRequirement(key("223"), "2", "You must show that you have resolved problems:",
                            ("when the solution was within your own authority", "when you needed the help of a colleague."),
                            d, 12),
    ]
    assert [(i.code, i.page, i.line) for i in result.issues if i.code != "unparsed-text"] == [
        ("unit-body-missing", 2, 36),
        ("unit-body-missing", 2, 40),
        ("unit-body-missing", 2, 41),
        ("mapping-lists-new-units", 3, 51),
        ("section-not-modelled", 1, 1),
    ]


def test_sample_theme_columns():
    cells, ctx = _theme_cells(SAMPLE, SAMPLE_ENTRY)
    assert {lv: sorted(c.code for c in cells if c.level == lv) for lv in (1, 2, 3)} == {
        1: ["101", "105", "106"],
        2: ["105", "221", "222", "223", "224"],
        3: ["221", "223", "224", "301", "305", "308"],
    }
    assert not ctx.issues


@pytest.mark.parametrize("layout", ["lines", "grid"])
@pytest.mark.parametrize("source, entry", [(RAW / manifest()[DOC].path, manifest()[DOC]), (SAMPLE, SAMPLE_ENTRY)])
def test_pdf_render_gives_the_same_records(source, entry, layout):
    """Printed (no blank lines, lines stripped, running header and footer), the document reads the same, in the
    plain print and in the grid print (ruled structure table; elements and criteria, knowledge items in grids)."""
    pdf = render(source, entry.title, layout=layout).path
    assert without_pages(parse_path(pdf, entry)) == without_pages(parse_path(source, entry))


def test_a_grid_structure_table_repeats_its_header_row_over_a_page_break(tmp_path):
    """Set low on its page, the sample's ruled structure table runs onto the next page under its header row
    printed again; the header is read once and the records are the text's."""
    lines = SAMPLE.read_text("utf-8").split("\n")
    top = next(i for i, text in enumerate(lines) if text.startswith(" 2 The qualification structure"))
    lines[top + 1:top + 1] = ["Centres will find the qualification's units listed in the table below."] * 45
    source = tmp_path / SAMPLE.name
    source.write_text("\n".join(lines), "utf-8")
    printed = render(source, SAMPLE_ENTRY.title, layout="grid")
    with pdfplumber.open(printed.path) as pdf:
        heads = [n for n, page in enumerate(pdf.pages, 1) if "unit ref." in (page.extract_text() or "")]
    assert len(heads) == 2 and heads[1] == heads[0] + 1
    assert without_pages(parse_path(printed.path, SAMPLE_ENTRY)) == without_pages(parse_path(SAMPLE, SAMPLE_ENTRY))


# --- numbering problems are issues, not lost records ---------------------------------


def test_numbering_gaps_and_duplicates(tmp_path):
    text = "\n".join([
        "Level 2 N/SVQ in Customer Service 3",
        "Unit 230 Keep records",
        "Customer Service standards",
        "230.1 Keep records",
        "230.1.1 file the record",
        "230.1.3 check the record",
        "230.1.3 check it again",
        "230.3 Share records",
        "230.3.1 share the record",
        "Knowledge and understanding",
        "a how to file",
        "c how to share",
        "Evidence requirements",
        "1 Your evidence must show:",
        "a filing",
        "3 Your evidence must be real.",
    ])
    path = tmp_path / "numbering.txt"
    path.write_text(text + "\n", encoding="utf-8")
    result = parse_path(path, SAMPLE_ENTRY)
    problems = [(i.code, i.line) for i in result.issues if i.code.startswith("numbering")]
    assert problems == [("numbering-gap", 6), ("numbering-duplicate", 7), ("numbering-gap", 8),
                        ("numbering-gap", 12), ("numbering-gap", 16)]
    assert [c.criterion_no for c in result.criteria] == ["230.1.1", "230.1.3", "230.3.1", "k.a", "k.c"]
    assert [(e.number, e.items) for e in result.evidence] == [("1", ("filing",)), ("3", ())]


# --- rule cases ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("207.1 Use written or ICT communication effectively",
         ("element", "207.1", "Use written or ICT communication effectively")),
        ("207.1.1 operate equipment used to communicate", ("criterion", "207.1.1", "operate equipment used to communicate")),
        (" 301.2.5 describe how your organisation balances ",
         ("criterion", "301.2.5", "describe how your organisation balances")),
        ("301.1.14 explain the significance", ("criterion", "301.1.14", "explain the significance")),
        ("207.1.1", None),  # a number with no text
        ("1 understand customer service language", None),  # a key word
        ("4430-301 Demonstrate", None),
        ("2.1 2.2 2.3 2.1a", None),
    ],
)
def test_standard_number(text, expected):
    assert standard_number(text) == expected


@pytest.mark.parametrize(
    "text, theme",
    [
        ("This unit sits within the Customer Service Theme of Impression and Image.   This Theme covers the", IMPRESSION),
        ("This Unit sits within the Customer Service Theme of Customer Service Foundations.  This Theme", FOUNDATIONS),
        ("This unit sits within the Customer Service Theme of Delivery. This Theme covers", DELIVERY),
        ("This unit sits within the Customer Service theme of Handling Problems.", PROBLEMS),
        ("This Theme covers the language and concepts of Customer Service", None),
    ],
)
def test_theme_of(text, theme):
    assert theme_of(text) == theme


@pytest.mark.parametrize(
    "text, expected",
    [
        (" Unit 207 Deal with customers in writing or using ICT ", ("207", "Deal with customers in writing or using ICT")),
        ("Unit 301 Understand customer service to improve", ("301", "Understand customer service to improve")),
        ("R/103/6284  301  Unit 7  Understand customer service to", None),
        ("Unit 7 Understand customer service", None),  # an ICS unit number, not a City & Guilds one
        ("Unit 207", None),
    ],
)
def test_unit_heading(text, expected):
    assert unit_heading(text) == expected


@pytest.mark.parametrize(
    "text, label",
    [
        ("Rationale ", "Rationale"),
        ("Customer Service standards", "standards"),
        ("Knowledge and understanding", "Knowledge and understanding"),
        ("Key words and phrases", "Key words and phrases"),
        ("Evidence requirements", "Evidence requirements"),
        ("What this unit is about", "What this unit is about"),
        ("Availability of standards", None),
        ("Customer Service standards and assessment requirements", None),
        ("standards", None),
    ],
)
def test_part_label(text, label):
    assert part_label(text) == label


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        (
            "candidates must complete eight units for this award, two mandatory and six optional, they must complete "
            "at least one optional unit from each theme, the maximum number of units that can be imported from level 2 is three.",
            [
                RuleClause("Total", 8, 8, "candidates must complete eight units for this award"),
                RuleClause("Mandatory", 2, 2, "two mandatory and six optional"),
                RuleClause("Optional", 6, 6, "two mandatory and six optional"),
                RuleClause("each-theme", 1, None, "they must complete at least one optional unit from each theme"),
                RuleClause("Imported from level 2", None, 3,
                           "the maximum number of units that can be imported from level 2 is three"),
            ],
        ),
        ("Candidates must complete 7 units; 3 mandatory and 4 optional.",
         [RuleClause("Total", 7, 7, "Candidates must complete 7 units"),
          RuleClause("Mandatory", 3, 3, "3 mandatory and 4 optional"),
          RuleClause("Optional", 4, 4, "3 mandatory and 4 optional")]),
        ("Please see appendix 3, which outlines the themes and progression routes for this award.", []),
        ("candidates must complete several units", []),
    ],
)
def test_rule_clauses(paragraph, expected):
    assert rule_clauses(paragraph) == expected




@pytest.mark.parametrize(
    "text, levels",
    [("Level 2   Level 3  Level 4 ", [2, 3, 4]), ("Level 1 Level 2", [1, 2]), ("Level 3 N/SVQ in Customer Services", [])],
)
def test_column_levels(text, levels):
    assert column_levels(text) == levels


@pytest.mark.parametrize(
    "text, theme",
    [
        ("Foundations  Foundations  Foundations ", "Foundations"),
        ("Impression and image  Impression and image  Impression and image ", "Impression and image"),
        ("Development and Improvement  Development and Improvement  Development and Improvement", DEVELOPMENT),
        ("Impression and image  Impression and image", None),  # two columns of three
        ("Apply risk assessment to customer service", None),
        ("303 303 303", None),
    ],
)
def test_theme_heading(text, theme):
    assert theme_heading(text, 3) == theme


@pytest.mark.parametrize(
    "text, legend",
    [
        ("  Foundations    Impression and image    Delivery ", True),
        ("  Problem handling    Development and Improvement ", True),  # "Problem handling" for "Handling Problems"
        ("Delivery", False),  # one theme: may end a title
        ("Customer Service", False),
        ("improve service delivery", False),
    ],
)
def test_is_legend(text, legend):
    themes = ["Foundations", "Impression and image", "Delivery", "Handling Problems", "Development and Improvement"]
    assert is_legend(text, themes) == legend


@pytest.mark.parametrize(
    "codes, lines, levels, columns",
    [
        # Appendix 3, Handling Problems: 106 | 308 | 309, then 213 | 309 | 406, then - | 310 | -.
        (["106", "308", "309", "213", "309", "406", "310"], [1, 2, 3, 4, 5, 6, 7], [2, 3, 4], [0, 1, 2, 0, 1, 2, 1]),
        # Foundations: the same unit in two columns of one row.
        (["101", "301", "301", "105", "302", "302"], [1, 2, 3, 4, 5, 6], [2, 3, 4], [0, 1, 2, 0, 1, 2]),
        # Two cells on one line share a row, left to right.
        (["205", "304"], [1, 1], [2, 3, 4], [0, 1]),
        # A unit above every column's level fits nowhere.
        (["201", "501"], [1, 2], [2, 3, 4], [0, None]),
        # Codes rise down a column: a lower code after a higher one goes to another column.
        (["310", "305"], [1, 2], [3, 4], [0, 1]),
    ],
)
def test_assign_columns(codes, lines, levels, columns):
    assert assign_columns(codes, lines, levels) == columns


# Read from the handbook: each body's "Key words and phrases" list.
KEY_WORD_COUNTS = {"205": 7, "206": 9, "207": 9, "211": 8, "301": 8, "302": 11, "303": 9, "304": 6}


def test_key_words_of_every_body(result):
    counts: dict[str, int] = {}
    for k in result.key_words:
        code = k.unit_key.split(":")[1]
        counts[code] = counts.get(code, 0) + 1
    assert counts == KEY_WORD_COUNTS
    writing = [(k.number, k.text, k.page) for k in result.key_words if k.unit_key == "cg-legacy:207"]
    assert writing == [
        (1, "operating equipment", 30), (2, "managing time", 30), (3, "using clear and concise language", 30),
        (4, "recognising style and tone of language", 30), (5, "anticipate expectations", 30),
        (6, "establishing a rapport", 30), (7, "summarising key points", 30),
        (8, "identifying and choosing between options", 30), (9, "summarising outcomes", 30),
    ]

