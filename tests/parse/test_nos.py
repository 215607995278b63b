"""ICS NOS page: the five themes of the Customer Service NOS suite, and theme-list cases."""

from __future__ import annotations

import pytest

from pipeline.core.manifest import Entry
from pipeline.core.records import Line
from pipeline.extract import extract_file
from pipeline.parse import ParseContext, ParseResult, nos
from pipeline.parse.profiles import PROFILES, parse_lines
from tests.conftest import DATA, RAW, manifest, parsed
from tests.pdf_render import render

DOC = "ics-nos-page"
THEMES = ["Customer service foundations", "Impression and image", "Delivery", "Handling problems",
          "Development and improvement"]


def _lines(doc_id: str) -> tuple[Line, ...]:
    return extract_file(RAW / manifest()[doc_id].path, doc_id, doc_id).lines


def test_themes_of_the_suite():
    assert nos.themes(_lines(DOC)) == THEMES


def test_parse_yields_no_records_and_uses_the_theme_list():
    result = parsed(DOC)
    assert result == ParseResult(issues=result.issues)
    # Lines 10 ("... organised into five themes:") to 16 (the last theme) are used; the rest is narrative.
    assert [(i.code, i.line) for i in result.issues] == [("unparsed-text", 1), ("unparsed-text", 19)]


def test_pdf_render_gives_the_same_themes():
    entry = manifest()[DOC]
    pdf = render(RAW / entry.path, entry.title).path
    assert nos.themes(extract_file(pdf, DOC, str(pdf)).lines) == THEMES


# --- theme-list cases -----------------------------------------------------------------

ENTRY = Entry("nos-case", "case.txt", "Institute of Customer Service", "nos-2010", "case")


def _parse(texts: list[str]) -> tuple[list[str], list[str]]:
    lines = [Line(page=1, line=n, text=t) for n, t in enumerate(texts, start=1)]
    result = parse_lines(ParseContext(ENTRY, lines), PROFILES["ics-nos"])
    return nos.themes(lines), [i.code for i in result.issues]


@pytest.mark.parametrize(
    "texts, themes, codes",
    [
        # Printed, the introduction wraps: the count sits on the line before "themes:".
        (["The standards are organised into two", "themes:", "• Delivery", "• Handling problems."],
         ["Delivery", "Handling problems"], []),
        (["Organised into 3 themes:", "• One", "• Two"], ["One", "Two"], ["theme-count-mismatch"]),
        (["Grouped by themes:", "• One", "Narrative after the list."], ["One"], ["unparsed-text"]),
        (["The standards have no list of themes."], [], ["nos-themes-missing", "unparsed-text"]),
    ],
)
def test_theme_lists(texts, themes, codes):
    assert _parse(texts) == (themes, codes)


# --- detection ------------------------------------------------------------------------

@pytest.mark.parametrize("doc_id", sorted(manifest()))
def test_detect_only_the_nos_page(doc_id):
    score = nos.detect(_lines(doc_id))
    assert score >= 0.9 if doc_id == DOC else score < 0.3


@pytest.mark.parametrize("name", ["ocr_level2_sample.txt", "catalogue_4432_sample.txt"])
def test_detect_test_documents(name):
    assert nos.detect(extract_file(DATA / name, "x", name).lines) < 0.3
