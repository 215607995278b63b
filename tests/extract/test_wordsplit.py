"""The word-split check: a PDF whose words look glued or split is reported, naming its pages."""

from __future__ import annotations

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline.core.records import Line
from pipeline.extract import extract_file
from pipeline.extract.wordsplit import check_word_split
from tests.pdf_render import REGULAR, register_fonts

# Pages of plain prose, in our own words, that share their vocabulary.
PROSE = [
    "the learner can explain how the needs of other customers are met",
    "a record of any damage is kept if the customer asks for one",
    "the assessor checks the evidence of performance in the workplace",
    "each unit lists what the learner must show and what they must know",
    "the centre keeps a copy of the evidence for the external verifier",
    "if any customer needs help the learner asks a colleague for it",
]


def _lines(pages: dict[int, list[str]]) -> list[Line]:
    return [Line(page, n, text) for page, texts in pages.items() for n, text in enumerate(texts, 1)]


def test_clean_pages_raise_nothing():
    assert check_word_split(_lines(dict.fromkeys((1, 2, 3), PROSE)), "doc") == []


@pytest.mark.parametrize("misread", [
    # Words run together after "of" and "if", as when a producer prints no space glyphs.
    ["the learner can explain how the needs ofother customers are met",
     "a record ofany damage is kept ifthe customer asks for one",
     "the assessor checks the evidence ofperformance in the workplace"],
    # Whole lines read as one word each.
    [text.replace(" ", "") for text in (PROSE[0], PROSE[2], PROSE[3])],
    # Words parted inside.
    ["the assessor checks the evi dence of perfor mance in the work place", *PROSE[1:3]],
])
def test_a_misread_page_is_named_in_one_warning(misread):
    pages = {1: PROSE, 2: PROSE, 3: misread + PROSE[3:], 4: PROSE}
    [issue] = check_word_split(_lines(pages), "doc")
    assert (issue.doc_id, issue.page, issue.line, issue.severity, issue.code) == ("doc", 3, None, "warning",
                                                                                   "pdf-words-split")
    assert "on page(s) 3 " in issue.message


def test_one_glued_compound_on_a_page_is_not_enough():
    # "feedback", "without": two words that are one word of English; a page has a few at most.
    pages = {1: PROSE, 2: [*PROSE, "customer feed back is kept"], 3: [*PROSE[:3], "the learner works without help"]}
    assert check_word_split(_lines(pages), "doc") == []


def test_a_single_page_has_nothing_to_compare_with():
    assert check_word_split(_lines({1: ["ofother ifany ofperformance ofthe"]}), "doc") == []


def test_a_pdf_with_glued_words_on_a_page_is_reported(tmp_path):
    register_fonts()
    path = tmp_path / "glued.pdf"
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    for page in range(1, 5):
        canvas.setFont(REGULAR, 10)
        texts = PROSE if page != 2 else [text.replace("of ", "of").replace("if ", "if") for text in PROSE]
        for n, text in enumerate(texts):
            canvas.drawString(72, 760 - 14 * n, text)
        canvas.showPage()
    canvas.save()
    issues = extract_file(path, "glued", path.name).issues
    assert [(i.code, i.page) for i in issues] == [("pdf-words-split", 2)]
    assert "'ifany'" in issues[0].message
