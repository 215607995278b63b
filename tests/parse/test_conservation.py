"""Conservation: every body line of a handbook lands in a record or in an unparsed-text issue."""

from __future__ import annotations

import re

import pytest

from pipeline.core.text import clean
from pipeline.extract import extract_file
from pipeline.parse import ParseContext
from pipeline.parse.profiles import detect_profile, parse_lines
from tests.conftest import RAW, manifest


@pytest.mark.parametrize("doc_id", sorted(manifest()))
def test_body_text_not_in_records_is_exactly_the_unparsed_text_issues(doc_id):
    entry = manifest()[doc_id]
    extraction = extract_file(RAW / entry.path, doc_id, entry.path)
    ctx = ParseContext(entry, extraction.lines)
    result = parse_lines(ctx, detect_profile(extraction.lines, entry.path))
    # Each unparsed-text issue names its first line and how many non-blank lines its run holds.
    body = [line for line in ctx.lines if clean(line.text)]
    position = {(line.page, line.line): i for i, line in enumerate(body)}
    left_over = set()
    for issue in result.issues:
        if issue.code == "unparsed-text":
            count = int(re.match(r"(\d+) line", issue.message).group(1))
            start = position[(issue.page, issue.line)]
            left_over.update(range(start, start + count))
    conservation = ctx.conservation()
    everything = sum(len(clean(line.text)) for line in ctx.all_lines)
    assert conservation.body_chars + conservation.furniture_chars == everything
    assert conservation.unaccounted_chars == sum(len(clean(body[i].text)) for i in left_over)
    assert 0 < conservation.share <= 1
    assert abs(sum(conservation.shares().values()) - 1) < 1e-5


# The split each raw/ handbook's text measures today, to a tenth of a per cent: (in records, set aside by
# name, furniture, unaccounted). The legacy standards set aside their introduction and the key/core skills
# grids by name (one section-not-modelled issue each); the web pages and the brochure are mostly prose no
# dataset holds, so most of their text is unaccounted, and said so.
SHARES = {
    "cg-4430-03-handbook": (0.697, 0.0, 0.009, 0.294),
    "cg-4430-catalogue": (0.254, 0.0, 0.0, 0.746),
    "cg-nsvq-l3-standards": (0.581, 0.263, 0.013, 0.143),
    "ics-nos-page": (0.209, 0.0, 0.0, 0.791),
    "ocr-03454-brochure": (0.145, 0.0, 0.0, 0.855),
}


def test_each_document_splits_its_text_four_ways(published):
    import pyarrow.parquet as pq

    rows = pq.read_table(published / "extracted" / "documents.parquet").to_pylist()
    names = ("share_in_records", "share_set_aside", "share_furniture", "share_unaccounted")
    measured = {r["doc_id"]: tuple(round(r[n], 3) for n in names) for r in rows}
    assert measured == SHARES
