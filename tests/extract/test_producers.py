"""The producer matrix: a slice of each handbook family, printed by five PDF producers, reads as its text twin.

Each slice is a text file of some of a raw handbook's pages (the twin); its records
are parsed from the text and from every print, and compared field by field (page
numbers aside: the prints paginate their own way). The prints carry their producers'
own furniture: Chromium's date, title, file URL and "n/N", reportlab's running header
and "Page N".
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from pipeline.extract import extract_file
from pipeline.parse import ParseContext
from pipeline.parse.profiles import detect_profile, parse_lines
from tests.conftest import RAW, manifest, without_pages
from tests.pdf_producers import PRODUCERS, print_all, slice_text

# Text pages of each family's handbook: the chapters before the units (the legacy
# parser needs their numbering whole), the structure tables, and units whose bodies
# hold the words producers part wrongly ("of", "if", "ff", "fi", knowledge item "f").
SLICES: dict[str, list[int] | None] = {
    "cg-4430-03-handbook": [1, 2, 3, 4, 19, 20, 21, 22],  # qualification, structure table, unit 303
    "cg-nsvq-l3-standards": [*range(1, 12), 28, 29, 30, 31],  # chapters 1-10, unit 207 with its k.a-k.h
    "ocr-03454-brochure": None,
    "cg-4430-catalogue": None,
    "ics-nos-page": None,  # no records: its furniture and prose must not make any
}


# How each producer names itself in the PDF's metadata (Producer).
PRODUCER_NAMES = {"reportlab": "ReportLab", "chromium": "Skia/PDF", "weasyprint": "WeasyPrint",
                  "ghostscript": "GPL Ghostscript", "libreoffice": "LibreOffice"}


@pytest.fixture(scope="session")
def printed(tmp_path_factory):
    """Every slice printed by every producer, once per session: (doc_id, producer) -> PDF."""
    folder = tmp_path_factory.mktemp("producers")
    twins = {doc_id: (slice_text(RAW / manifest()[doc_id].path, pages, folder / f"{doc_id}.txt"),
                      manifest()[doc_id].title) for doc_id, pages in SLICES.items()}
    return print_all(twins, folder)


@cache
def _records(path, doc_id):
    """The extraction of one file and its records, page numbers blanked, as the pipeline reads it (family detected
    from the file's own words), once per session."""
    entry = manifest()[doc_id]
    extraction = extract_file(path, doc_id, str(path))
    profile = detect_profile(extraction.lines, str(path))
    return extraction, without_pages(parse_lines(ParseContext(entry, extraction.lines), profile))


@pytest.mark.parametrize(("doc_id", "units", "criteria"), [
    ("cg-4430-03-handbook", 59, 25),  # the structure table's 59 units; unit 303's 25 assessment criteria
    ("cg-nsvq-l3-standards", 20, 25),  # 20 units in the table; unit 207's 17 performance criteria and k.a-k.h
    ("ocr-03454-brochure", 26, 0),  # the brochure's 26 units, listed without criteria
])
def test_the_slices_hold_units_and_criteria(printed, doc_id, units, criteria):
    twin = printed[doc_id, "reportlab"].with_name(f"{doc_id}.txt")
    _, records = _records(twin, doc_id)
    assert (len(records["units"]), len(records["criteria"])) == (units, criteria)


@pytest.mark.parametrize("doc_id", sorted(SLICES))
def test_every_producer_gives_the_text_twins_records(printed, doc_id):
    twin = printed[doc_id, "reportlab"].with_name(f"{doc_id}.txt")
    _, expected = _records(twin, doc_id)
    for producer in PRODUCERS:
        extraction, found = _records(printed[doc_id, producer], doc_id)
        for dataset, rows in expected.items():
            assert found[dataset] == rows, f"{producer}: {dataset}"
        assert extraction.pdf_producer.startswith(PRODUCER_NAMES[producer]), extraction.pdf_producer
        # The brochure's own text has words split apart on its fourth page ("a nd", "ca n"):
        # every print of it is reported, and no print of any other handbook is.
        split = [issue for issue in extraction.issues if issue.code == "pdf-words-split"]
        assert len(split) == (doc_id == "ocr-03454-brochure"), f"{producer}: {split}"


def test_chromiums_prints_carry_its_header_and_footer(printed):
    # The furniture the parsers must set aside: the date and title above, the file URL and "n/N" below.
    doc_id = "cg-4430-03-handbook"
    extraction, _ = _records(printed[doc_id, "chromium"], doc_id)
    pages = {}
    for line in extraction.lines:
        pages.setdefault(line.page, []).append(line.text)
    url = printed[doc_id, "chromium"].with_name(f"{doc_id}.html").as_uri()
    title = manifest()[doc_id].title
    assert len(pages) == extraction.pages > 1
    for page, texts in pages.items():
        assert re.fullmatch(rf"\d{{1,2}}/\d{{1,2}}/\d{{2}}, \d{{1,2}}:\d{{2}} [AP]M {re.escape(title)}", texts[0]), texts[0]
        assert texts[-1] == f"{url} {page}/{extraction.pages}"
