"""The text reader: pages recovered from the real handbooks, form feeds, encodings, line numbers."""

from __future__ import annotations

from functools import cache

import pytest

from pipeline.core.errors import DocumentError
from pipeline.extract import Extraction, extract_file
from pipeline.extract.txt import read_text
from tests.conftest import RAW, manifest, parse_path, without_pages

QCF = "cg-4430-03-level3-nvq-diploma-handbook.txt"
LEGACY = "cg-level3-nsvq-customer-services-standards.txt"
OCR = "ocr-03454-level1-nvq-customer-service.txt"


@cache
def _read(name: str) -> Extraction:
    return read_text(RAW / name, name, name)


def _page_of(name: str, line_no: int) -> int:
    line = _read(name).lines[line_no - 1]
    assert line.line == line_no
    return line.page


# (file, line, whether the line begins a new page), read off the files: each page of the
# text handbooks begins with a line indented by one space.
BOUNDARIES = [
    (QCF, 1, True),  # " 1 Introduction to the qualification"
    (QCF, 50, True),  # " 1.1 Qualification structure"
    (QCF, 929, True),  # " 3.9 explain how to deal with different customer behaviours ..."
    (QCF, 928, False),  # "satisfaction with organisational goals", end of the page before
    (QCF, 1137, True),  # " Unit 303 Deal with customers in writing or"
    (QCF, 1138, False),  # "electronically", the heading's second line
    (LEGACY, 407, True),  # " Unit 301 Understand customer service to improve"
    # The footer "Level 3 N/SVQ in Customer Services 43" (line 1420) ends a page whose
    # successor lost its leading space: "Unit 211 Deliver customer service ..." (1426).
    (LEGACY, 1420, False),
    (LEGACY, 1426, True),
    # " St Peter's Street" is a cell of the address table, 11 lines into page 2.
    (LEGACY, 56, False),
    (OCR, 21, True),  # " Who are these NVQs for?" after the 20-line cover
    # Even pages print the page number first: the footer "52 Level 3 NVQ Diploma in Customer
    # Service (4430-03)" (2910) ends a page whose successor lost its leading space.
    (QCF, 2912, True),  # "3.5 explain the regulatory definition of a complaint ..."
    # One blank line after the footer "... (4430-03) 57" (3236) is enough.
    (QCF, 3238, True),  # "Unit 314 Promote continuous improvement"
    # A unit heading begins a page even after a page of five lines (evidence items 7 and 8).
    (QCF, 3350, True),  # " 7 Your evidence must clearly show ..."
    (QCF, 3355, True),  # " Unit 315 Develop your own and others' customer"
    (LEGACY, 1298, True),  # " It is also about monitoring ...": a page of four lines
    (LEGACY, 1302, True),  # " Unit 304 Organise the promotion of services or"
    # " ICS unit" and " Unit title" are header cells of the structure table on the page of
    # "9 The qualification structure" (270), as are the indented cells of Appendix 3's table.
    (LEGACY, 270, True),
    (LEGACY, 284, False),
    (LEGACY, 287, False),
    (LEGACY, 1874, True),  # " Appendix 3 Customer Service themes"
    (LEGACY, 1891, False),  # " Eight units must be completed ...", the Level 3 column's head
    (LEGACY, 1915, False),  # " 302  Know the rules ...", the Level 4 cell of the row of 1912
    # Not footers: a table row "208  Deal with customers face to face" (1974), a field "Level:  3" (807).
    (LEGACY, 1976, False),
    (QCF, 809, False),
]


@pytest.mark.parametrize(("name", "line_no", "starts_page"), BOUNDARIES)
def test_page_boundaries_of_the_real_handbooks(name, line_no, starts_page):
    if line_no == 1:
        assert _page_of(name, 1) == 1
        return
    assert _page_of(name, line_no) - _page_of(name, line_no - 1) == (1 if starts_page else 0)


def test_footer_and_blank_lines_stay_on_the_page_they_end():
    assert {_page_of(LEGACY, n) for n in range(1419, 1426)} == {_page_of(LEGACY, 1426) - 1}


@pytest.mark.parametrize("name", ["cg-4430-customer-service-catalogue-page.txt", "ics-customer-service-nos-page.txt"])
def test_a_web_page_is_one_page(name):
    extraction = _read(name)
    assert extraction.pages == 1 and {line.page for line in extraction.lines} == {1}


@pytest.mark.parametrize("doc_id", sorted(manifest()))
def test_lines_are_the_files_lines_numbered_as_in_the_file(doc_id):
    path = RAW / manifest()[doc_id].path
    file_lines = path.read_text(encoding="utf-8").split("\n")
    if file_lines[-1] == "":
        file_lines.pop()  # the newline that ends the last line opens no new one
    extraction = extract_file(path, doc_id, str(path))
    assert [(line.line, line.text) for line in extraction.lines] == list(enumerate(file_lines, start=1))
    pages = [line.page for line in extraction.lines]
    assert pages == sorted(pages) and pages[0] == 1 and extraction.pages == pages[-1]
    assert extraction.issues == ()


def test_form_feeds_break_pages(tmp_path):
    path = tmp_path / "feeds.txt"
    path.write_text("Unit 1 First\n 1.1 indented, but not a page start\n\fUnit 2 Second\n\n\fUnit 3 Third\n", "utf-8")
    extraction = read_text(path, "feeds", path.name)
    assert [(line.page, line.line, line.text) for line in extraction.lines] == [
        (1, 1, "Unit 1 First"),
        (1, 2, " 1.1 indented, but not a page start"),
        (2, 3, "Unit 2 Second"),
        (2, 4, ""),
        (3, 5, "Unit 3 Third"),
    ]
    assert extraction.pages == 3


def test_windows_line_ends_are_one_line_each(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Outcome 1: Plan\r\n1.1 plan the work\r\n")
    lines = read_text(path, "crlf", path.name).lines
    assert [(line.line, line.text) for line in lines] == [(1, "Outcome 1: Plan"), (2, "1.1 plan the work")]


def test_utf8_is_read_without_issue(tmp_path):
    path = tmp_path / "utf8.txt"
    path.write_text("the customer\u2019s \u201cservice offer\u201d \u2013 \u00a3150\n", "utf-8")
    extraction = read_text(path, "utf8", path.name)
    assert extraction.lines[0].text == "the customer\u2019s \u201cservice offer\u201d \u2013 \u00a3150"
    assert extraction.issues == ()


def test_windows_1252_is_read_with_a_warning(tmp_path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes("the customer\u2019s \u201cservice offer\u201d \u2013 \u00a3150\n".encode("cp1252"))
    extraction = read_text(path, "legacy", "raw/cp1252.txt")
    assert extraction.lines[0].text == "the customer\u2019s \u201cservice offer\u201d \u2013 \u00a3150"
    [issue] = extraction.issues
    assert (issue.doc_id, issue.severity, issue.code) == ("legacy", "warning", "text-not-utf8")
    assert "raw/cp1252.txt" in issue.message


def test_undecodable_bytes_are_a_document_error_at_their_line(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(b"Unit 301\nbyte \x81 undefined in Windows-1252 \xff\n")
    with pytest.raises(DocumentError) as raised:
        read_text(path, "broken", "raw/broken.txt")
    assert str(raised.value).startswith("raw/broken.txt:2: ")


def test_undecodable_bytes_are_located_at_the_undecodable_byte(tmp_path):
    # The UTF-8 error is the Windows-1252 "é" on line 1; the byte neither can read is on line 3.
    path = tmp_path / "broken.txt"
    path.write_bytes(b"caf\xe9\nUnit 301\nbyte \x81 here\n")
    with pytest.raises(DocumentError) as raised:
        read_text(path, "broken", "raw/broken.txt")
    assert str(raised.value).startswith("raw/broken.txt:3: ")


def test_an_empty_or_blank_file_says_so(tmp_path):
    for name, data in (("empty.txt", b""), ("blank.txt", b"  \n\t\n\n"), ("bom.txt", "\ufeff \n".encode("utf-8"))):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(DocumentError) as raised:
            read_text(path, "empty", f"raw/{name}")
        assert str(raised.value) == f"raw/{name}: empty file"


# The UTF-16 files carry a BOM (Python's "utf-16" writes one in the machine's order).
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1252", "latin-1"]
TEXT_DOCS = ["cg-nsvq-l3-standards", "ocr-03454-brochure", "cg-4430-03-handbook", "cg-4430-catalogue"]


def _writes(encoding: str, char: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _encoded(text: str, encoding: str) -> bytes:
    bom = "\ufeff".encode(encoding) if encoding in ("utf-16-le", "utf-16-be") else b""
    return bom + text.encode(encoding)


@pytest.mark.parametrize("doc_id", TEXT_DOCS)
def test_each_encoding_parses_as_its_utf8_twin(tmp_path, doc_id):
    entry = manifest()[doc_id]
    text = (RAW / entry.path).read_text("utf-8")
    for encoding in ENCODINGS:
        # The twin holds what the encoding can write: a Latin-1 handbook has no curly quotes,
        # so they become the middle dot U+00B7, which Latin-1 and Windows-1252 both write.
        twin_text = "".join(c if _writes(encoding, c) else "\u00b7" for c in text)
        twin, encoded = tmp_path / f"twin-{encoding}.txt", tmp_path / f"{encoding}.txt"
        twin.write_text(twin_text, "utf-8")
        encoded.write_bytes(_encoded(twin_text, encoding))
        expected = read_text(twin, doc_id, twin.name)
        got = read_text(encoded, doc_id, encoded.name)
        assert got.lines == expected.lines, encoding
        unicode = encoding.startswith("utf")
        assert [i.code for i in got.issues] == ([] if unicode else ["text-not-utf8"]), encoding
        # Equal lines are equal records; one parse shows it end to end.
        if encoding == "utf-16-le" and doc_id == "cg-4430-03-handbook":
            assert without_pages(parse_path(encoded, entry)) == without_pages(parse_path(twin, entry))
