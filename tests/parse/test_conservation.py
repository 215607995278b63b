"""Conservation: every body line of a handbook lands in a record or in an unparsed-text issue."""

from __future__ import annotations

import re

import pytest

from pipeline.extract import extract_file
from pipeline.parse import ParseContext
from pipeline.parse.profiles import detect_profile, parse_lines
from pipeline.text import clean
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
    assert conservation.body_chars == sum(len(clean(line.text)) for line in body)
    assert conservation.body_chars - conservation.record_chars == sum(len(clean(body[i].text)) for i in left_over)
    assert 0 < conservation.share <= 1
