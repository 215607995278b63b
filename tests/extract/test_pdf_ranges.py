"""A PDF read in page ranges and joined gives the lines of a whole read, wherever the ranges break."""

from __future__ import annotations

import itertools

import pytest

from pipeline.core.errors import DocumentError
from pipeline.extract import extract_file
from pipeline.extract.pdf import join_parts, page_count, read_pdf_pages
from tests.conftest import RAW, manifest
from tests.pdf_render import render

DOC = "cg-4430-03-handbook"


@pytest.fixture(scope="module")
def grid():
    """The grid print of the 4430-03 handbook (its structure table runs onto a second page), read whole."""
    entry = manifest()[DOC]
    made = render(RAW / entry.path, entry.title, layout="grid")
    return made.path, extract_file(made.path, DOC, str(made.path))


def test_one_page_ranges_joined_are_the_whole_read(grid):
    # Every page boundary is a range boundary, the table's repeated header row among them.
    path, whole = grid
    pages = page_count(path)
    parts = [read_pdf_pages(path, DOC, str(path), n, n + 1) for n in range(pages)]
    assert [part.pages for part in parts] == [pages] * pages
    assert join_parts(parts, DOC, str(path)) == whole


@pytest.mark.parametrize("ranges", [2, 3, 7])
def test_uneven_ranges_joined_are_the_whole_read(grid, ranges):
    path, whole = grid
    pages = page_count(path)
    bounds = [pages * n // ranges for n in range(ranges + 1)]
    parts = [read_pdf_pages(path, DOC, str(path), first, stop) for first, stop in itertools.pairwise(bounds)]
    assert join_parts(parts, DOC, str(path)) == whole


def test_a_range_holds_only_its_pages(grid):
    path, whole = grid
    part = read_pdf_pages(path, DOC, str(path), 4, 6)
    assert {line.page for line in part.lines} == {5, 6}
    assert part.lines == tuple(line for line in whole.lines if line.page in (5, 6))


def test_joined_parts_with_no_text_are_a_document_error(grid):
    path, _whole = grid
    empty = read_pdf_pages(path, DOC, str(path), 3, 3)
    assert empty.lines == ()
    with pytest.raises(DocumentError, match="no extractable text"):
        join_parts([empty], DOC, "raw/scan.pdf")
