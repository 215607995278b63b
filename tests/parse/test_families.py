"""The newer families, each read from text, HTML and PDF and with a page break moved, against golden records.

The expectations are written from the fixtures in ``tests/data/families/`` (the
suite's own wording, in the layouts of the public documents of each family).
"""

from __future__ import annotations

import pytest

from pipeline.core.records import Line
from pipeline.parse.toolkit.numbered import read_outcomes
from pipeline.parse.toolkit.rules import rule_of, statements
from tests.parse.families import FAMILIES, entry, errors, parse_file, readings, records

FORMS = ("text", "html", "pdf", "moved")


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("families")


# --- (a) National Occupational Standards, UK NOS template ----------------------------------

NOS_PERFORMANCE = {
    "P1": "listen to the customer and repeat back the problem as you understand it",
    "P2": "spot a problem for the customer before it grows, where the signs are there",
    "P3": "look into the cause of the problem using the information and people available to you",
    "P4": "explain to the customer the choices for putting the problem right",
    "P5": "agree with the customer which choice to follow and by when",
    "P6": "carry out what you agreed, or pass the problem to a colleague who can",
    "P7": "keep the customer told of progress at the times you promised",
    "P8": "check with the customer that the problem has been put right",
}
NOS_KNOWLEDGE = {
    "K1": "the procedures your organisation follows when a customer raises a problem",
    "K2": "how to tell when a problem needs someone with more authority than you",
    "K3": "the ways of putting a problem right that you may offer without asking",
    "K4": "how to keep a record of a problem and what was done about it, and why this matters to the organisation",
    "K5": "how the problems customers raise can show where a service could improve",
}


@pytest.mark.parametrize("form", FORMS)
def test_nos_standard(tmp, form):
    family, result = readings("nos_resolve_problems", "nos-2013", None, tmp)[form]
    assert family == "uk-nos"
    [unit] = result.units
    assert (unit.unit_key, unit.unit_code, unit.title, unit.nos_code) == (
        "nos-2013:CFACSA13", "CFACSA13", "Resolve customer service problems", "A13")
    assert {c.criterion_no: c.text for c in result.criteria if c.kind == "performance"} == NOS_PERFORMANCE
    assert {c.criterion_no: c.text for c in result.criteria if c.kind == "knowledge"} == NOS_KNOWLEDGE
    assert all(c.outcome_no is None for c in result.criteria)
    assert [k.text for k in result.key_words] == ["problem solving", "complaints", "service recovery"]
    [not_modelled] = [i for i in result.issues if i.code == "fact-not-modelled"]
    assert "Developed by 'Institute of Customer Service'" in not_modelled.message
    assert "Date approved 'March 2013'" in not_modelled.message and "Suite 'Customer Service'" in not_modelled.message
    assert errors(result) == []


def test_nos_forms_agree(tmp):
    read = readings("nos_resolve_problems", "nos-2013", None, tmp)
    assert all(records(read[form][1]) == records(read["text"][1]) for form in FORMS)


# --- (b) the 4430 family's other handbooks: level-1 units, NDAQ numbers, the NOS link ------

L1_UNITS = {  # code: (title, level, credits, glh, NDAQ number, NOS unit, group)
    "4430-101": ("Follow the rules that govern customer service", 1, 6, 40, "K/502/8137", "F4", "Mandatory"),
    "4430-103": ("Help customers by giving them information", 1, 4, 30, "A/502/8142", "B2", "Delivery"),
    "4430-106": ("Pass on customer problems to the right person", 1, 3, 25, "M/502/8150", "C1", "Handling Problems"),
}


@pytest.mark.parametrize("form", FORMS)
def test_4430_level_1_handbook(tmp, form):
    family, result = readings("cg_4430_01_handbook", "cg-4430", None, tmp)[form]
    assert family == "cg-qcf"
    [qualification] = result.qualifications
    assert (qualification.qualification_id, qualification.level, qualification.accreditation_number,
            qualification.credits_min, qualification.glh_min) == ("cg-4430-01", 1, "501/1013/9", 13, 95)
    group = {m.unit_key: m.group for m in result.memberships}
    assert {u.unit_code: (u.title, u.level, u.credits, u.glh, u.uan, u.nos_code, group[u.unit_key])
            for u in result.units} == L1_UNITS
    assert {c.criterion_no for c in result.criteria if c.unit_key == "cg-4430:4430-103"} == {"1.1", "1.2", "1.3"}
    assert len(result.criteria) == 2 + 2 + 3 + 3
    assert [(r.kind, r.group, r.min_credits, r.min_units, r.level) for r in result.rules] == [
        ("total", "Overall", 13, None, None), ("level_min", "Level 1", 8, None, 1),
        ("mandatory", "Mandatory", 6, None, None), ("group_min", "Optional", 7, None, None),
        ("group_min", "Delivery", None, 1, None), ("group_min", "Handling Problems", None, 1, None)]
    assert errors(result) == []


def test_4430_level_1_forms_agree(tmp):
    read = readings("cg_4430_01_handbook", "cg-4430", None, tmp)
    assert all(records(read[form][1]) == records(read["text"][1]) for form in FORMS)


# --- (c) an awarding body's unit page and (d) the regulator's unit page of the same unit ---

SHARED_OUTCOMES = {
    "1": "Understand how customer service problems are resolved",
    "2": "Be able to resolve customer service problems",
    "3": "Be able to learn from customer service problems",
}
SHARED_CRITERIA = {
    "1.1": "Describe the kinds of problem a customer may bring to an organisation",
    "1.2": "Explain how the organisation's procedures guide staff in resolving a problem",
    "1.3": "Describe the limits of their own authority when a problem needs to be put right",
    "2.1": "Find out the facts of a customer's problem, checking them with the customer",
    "2.2": "Offer the customer ways of resolving the problem that the organisation allows",
    "2.3": "Agree a way forward with the customer and keep to it",
    "2.4": "Tell the customer how things stand when the resolution takes longer than expected",
    "2.5": "Confirm with the customer that the problem has been resolved",
    "3.1": "Record what happened and what was done, as the organisation asks",
    "3.2": "Suggest a change to practice that would stop the same problem happening again",
}


@pytest.mark.parametrize("name, scheme, family, key", [
    ("ab_unit_page", "ab-2014", "unit-page", "ab-2014:204"),
    ("regulator_unit", "ofqual", "regulator-unit", "ofqual:R/506/2134"),
])
@pytest.mark.parametrize("form", FORMS)
def test_unit_pages(tmp, form, name, scheme, family, key):
    detected, result = readings(name, scheme, None, tmp)[form]
    assert detected == family
    [unit] = result.units
    # Both carry the unit reference number in uan: one unit, whoever publishes it.
    assert (unit.unit_key, unit.title, unit.level, unit.credits, unit.glh, unit.uan) == (
        key, "Resolve customer service problems", 2, 4, 30, "R/506/2134")
    assert {o.outcome_no: o.title for o in result.outcomes} == SHARED_OUTCOMES
    assert {c.criterion_no: c.text for c in result.criteria} == SHARED_CRITERIA
    assert {c.criterion_no: c.outcome_no for c in result.criteria} == {n: n.split(".")[0] for n in SHARED_CRITERIA}
    assert errors(result) == []


@pytest.mark.parametrize("name, scheme", [("ab_unit_page", "ab-2014"), ("regulator_unit", "ofqual")])
def test_unit_page_forms_agree(tmp, name, scheme):
    read = readings(name, scheme, None, tmp)
    assert all(records(read[form][1]) == records(read["text"][1]) for form in FORMS)


# --- (e) a qualification structure: rules in prose, group tables, furniture on every page ----

STRUCTURE_UNITS = {  # code: (Ofqual reference, title, level, credit, GLH, group, mandatory)
    "CFACSA1": ("R/506/1853", "Understand the principles of customer service delivery", 3, 5, 35, "Group A", True),
    "CFACSA6": ("D/506/1855", "Understand how to manage customer service", 3, 6, 42, "Group A", True),
    "CFACSA13": ("R/506/2134", "Resolve customer service problems", 2, 4, 30, "Group A", True),
    "CFACSA15": ("H/506/1856", "Develop and sustain customer relationships as a customer service practitioner",
                 3, 4, 30, "Group A", True),
    "CFACSB2": ("K/506/1857", "Deliver customer service in a changing organisation", 3, 5, 35, "Group B", False),
    "CFACSB5": ("M/506/1858", "Promote additional products or services to customers", 2, 4, 27, "Group B", False),
    "CFACSB9": ("T/506/1859", "Improve customer service through quality processes", 3, 6, 40, "Group B", False),
    "CFACSC3": ("K/506/1860", "Monitor and solve customer service problems", 3, 6, 40, "Group C", False),
    "CFACSC7": ("M/506/1861", "Handle customer complaints as a team leader", 4, 5, 35, "Group C", False),
    "CFACSD1": ("T/506/1862", "Use social media to deliver customer service", 3, 3, 20, "Group D", False),
    "CFACSD4": ("A/506/1863", "Work with others to improve customer service", 2, 2, 15, "Group D", False),
}
# Each rule as the fixture words it: (kind, group, level, min credits, max credits, the sentence).
STRUCTURE_RULES = [
    ("total", "Overall", None, 55, None, "Learners must achieve a minimum of 55 credits to gain this qualification."),
    ("mandatory", "Mandatory", None, 19, None, "They must achieve 19 credits from the mandatory units in Group A."),
    ("group_min", "Group B", None, 10, 30, "A minimum of 10 credits and a maximum of 30 credits must come from Group B."),
    ("group_min", "Group C", None, 6, None, "A minimum of 6 credits must come from Group C."),
    ("group_max", "Group D", None, None, 8, "A maximum of 8 credits may come from Group D."),
    ("level_min", "Level 3 or above", 3, 35, None, "At least 35 credits must be achieved at level 3 or above."),
]


@pytest.mark.parametrize("form", FORMS)
def test_qualification_structure(tmp, form):
    family, result = readings("qualification_structure", "cs-2014", None, tmp)[form]
    assert family == "qualification-structure"
    [qualification] = result.qualifications
    assert (qualification.title, qualification.level, qualification.accreditation_number, qualification.credits_min) == (
        "Level 3 Diploma in Customer Service", 3, "601/1234/7", 55)
    member = {m.unit_key: (m.group, m.mandatory) for m in result.memberships}
    assert {u.unit_code: (u.uan, u.title, u.level, u.credits, u.glh, *member[u.unit_key]) for u in result.units} \
        == STRUCTURE_UNITS
    assert [(r.kind, r.group, r.level, r.min_credits, r.max_credits, r.text) for r in result.rules] == STRUCTURE_RULES
    assert errors(result) == []
    # Only the "Rules of combination" heading is left over: no furniture, header or row is.
    assert [i.message for i in result.issues if i.code == "unparsed-text"] == [
        "1 line(s) not parsed into any record: Rules of combination"]


def test_qualification_structure_forms_agree(tmp):
    read = readings("qualification_structure", "cs-2014", None, tmp)
    assert all(records(read[form][1]) == records(read["text"][1]) for form in FORMS)


# --- (f) a unit bank: header blocks, then grids of two and three columns interleaved line by line ---

BANK_CRITERIA = {
    ("F/506/1901", "1.1"): ("1", "assessment", "Describe the ways a message can be passed to a customer"),
    ("F/506/1901", "1.2"): ("1", "assessment", "Explain why the way of communicating should suit the customer"),
    ("F/506/1901", "2.1"): ("2", "assessment", "Choose a way of communicating that suits the customer"),
    ("F/506/1901", "2.2"): ("2", "assessment", "Check that the customer has understood"),
    ("J/506/1902", "1.1"): ("1", "assessment", "Outline the stages of the organisation's complaints procedure"),
    ("J/506/1902", "1.2"): ("1", "assessment", "State who has the authority to settle a complaint"),
    ("J/506/1902", "2.1"): ("2", "assessment", "Acknowledge the complaint and thank the customer for raising it"),
    ("J/506/1902", "2.2"): ("2", "assessment", "Keep the customer informed until the complaint is settled"),
    ("J/506/1902", "K1.1"): ("1", "knowledge", "How a complaint moves from one stage to the next"),
    ("J/506/1902", "K1.2"): ("1", "knowledge", "Who may decide what is offered to a customer"),
    ("J/506/1902", "K2.1"): ("2", "knowledge", "How to show that a complaint is taken seriously"),
    ("J/506/1902", "K2.2"): ("2", "knowledge", "What the organisation promises about response times"),
}


@pytest.mark.parametrize("form", FORMS)
def test_unit_bank(tmp, form):
    """Two- and three-column grids: interleaved in the text, ruled tables in the PDF, tables in HTML."""
    family, result = readings("unit_bank", "ocr-2014", None, tmp)[form]
    assert family == "unit-bank"
    assert [(u.unit_code, u.title, u.level, u.credits, u.glh) for u in result.units] == [
        ("F/506/1901", "Communicate effectively with customers", 2, 3, 20),
        ("J/506/1902", "Support customers who have complaints", 3, 4, 28)]
    assert [(o.unit_key.split(":")[1], o.outcome_no, o.title) for o in result.outcomes] == [
        ("F/506/1901", "1", "Understand how to communicate with customers"),
        ("F/506/1901", "2", "Be able to communicate with customers"),
        ("J/506/1902", "1", "Know the complaints procedure"),
        ("J/506/1902", "2", "Be able to support customers who make complaints")]
    assert {(c.unit_key.split(":")[1], c.criterion_no): (c.outcome_no, c.kind, c.text)
            for c in result.criteria} == BANK_CRITERIA
    assert errors(result) == [] and not [i for i in result.issues if i.code == "unparsed-text"]


def test_unit_bank_forms_agree(tmp):
    read = readings("unit_bank", "ocr-2014", None, tmp)
    assert all(records(read[form][1]) == records(read["text"][1]) for form in FORMS)


# --- other wordings of the same layouts ----------------------------------------------------------

def test_nos_with_side_labels_and_no_urn_field(tmp_path):
    """A standard whose side column of labels shares the lead-ins' lines, and whose code only heads its page."""
    text = (FAMILIES / "nos_resolve_problems.txt").read_text("utf-8")
    text = text.replace("Performance criteria\nYou must be able to:", "Performance criteria You must be able to:")
    text = text.replace("Knowledge and understanding\nYou need to know and understand:",
                        "Knowledge and You need to know and understand:\nunderstanding")
    text = text.replace("URN CFACSA13\n", "")
    path = tmp_path / "nos.txt"
    path.write_text(text, "utf-8")
    family, result = parse_file(path, entry("nos_resolve_problems", "nos-2013"))
    assert family == "uk-nos"
    assert [(u.unit_code, u.title, u.nos_code) for u in result.units] == [
        ("CFACSA13", "Resolve customer service problems", "A13")]
    assert {c.criterion_no for c in result.criteria} == {*NOS_PERFORMANCE, *NOS_KNOWLEDGE}


def test_outcomes_and_criteria_named_lo_and_ac():
    lines = [Line(1, n, t) for n, t in enumerate([
        "LO1 Understand how customer service problems are resolved",
        "AC1.1 Describe the kinds of problem a customer may bring to an organisation",
        "AC1.2 Explain how the organisation's procedures guide staff in resolving a problem",
        "LO2 Be able to resolve customer service problems",
        "AC2.1 Find out the facts of a customer's problem, checking them with the customer"], start=1)]
    found = read_outcomes(lines)
    assert [(o.number, o.text) for o in found.outcomes] == [("1", SHARED_OUTCOMES["1"]), ("2", SHARED_OUTCOMES["2"])]
    assert [(c.outcome, c.number, c.text) for c in found.criteria] == [
        ("1", "1.1", SHARED_CRITERIA["1.1"]), ("1", "1.2", SHARED_CRITERIA["1.2"]), ("2", "2.1", SHARED_CRITERIA["2.1"])]


@pytest.mark.parametrize("sentence, expected", [
    # credits overall, then each group's share, in one sentence
    ("Learners must achieve a minimum of 58 credits: 27 credits from Group A and a minimum of 31 credits from "
     "Group B.", [("total", "Overall", 58, None), ("group_min", "Group A", 27, None), ("group_min", "Group B", 31, None)]),
    ("At least 6 credits from optional group C.", [("group_min", "Group C", 6, None)]),
    ("Learners must achieve a minimum of 55 credits to gain this qualification.", [("total", "Overall", 55, None)]),
])
def test_structure_rules_in_other_words(sentence, expected):
    assert [(r.kind, r.group, r.min_credits, r.max_credits)
            for r in (rule_of("q", s, s.group, sentence) for s in statements(sentence))] == expected
