"""The newer families, each read from text, HTML and PDF and with a page break moved, against golden records.

The expectations are written from the fixtures in ``tests/data/families/`` (the
suite's own wording, in the layouts of the public documents of each family).
"""

from __future__ import annotations

import pytest

from tests.parse.families import errors, readings, records

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
