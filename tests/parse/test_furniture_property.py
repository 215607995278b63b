"""Property: page furniture, a repeated heading or a blank page inserted at any line boundary changes no record."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.records import Line
from pipeline.extract import extract_file
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.profiles import PROFILES, parse_lines
from tests.conftest import without_pages
from tests.parse.test_cg_qcf import SAMPLE, SAMPLE_ENTRY

HEADER = "Level 2 NVQ Certificate in Customer Service (7777-02)"


def _footer(page: int) -> str:
    return f"City & Guilds {page}"


def _with_furniture(lines: Sequence[Line]) -> list[Line]:
    """Each page with the running header on top and a numbered footer below, renumbered."""
    out: list[Line] = []
    for i, line in enumerate(lines):
        if i == 0 or line.page != lines[i - 1].page:
            if i:
                out.append(Line(lines[i - 1].page, 0, _footer(lines[i - 1].page)))
            out.append(Line(line.page, 0, HEADER))
        out.append(line)
    out.append(Line(lines[-1].page, 0, _footer(lines[-1].page)))
    return [dataclasses.replace(l, line=n) for n, l in enumerate(out, start=1)]


def _break_page(lines: Sequence[Line], at: int, blank: bool) -> list[Line]:
    """``lines`` broken into two pages before ``lines[at]`` (an empty page between if ``blank``), furniture added."""
    pages = [l.page for l in lines]
    shift = 2 if blank else 1
    broken = [dataclasses.replace(l, page=p + shift * (i >= at)) for i, (l, p) in enumerate(zip(lines, pages))]
    return _with_furniture(broken)


def _parse(lines: Sequence[Line]) -> ParseResult:
    ctx = ParseContext(SAMPLE_ENTRY, lines)
    result = parse_lines(ctx, PROFILES["cg-qcf"])
    # What was inserted is set aside before the family parser reads the document.
    read = {line.text for line in ctx.lines}
    assert not any(text == HEADER or re.fullmatch(r"City & Guilds \d+", text) or "(continued)" in text for text in read)
    return result


@cache
def _clean() -> tuple[tuple[Line, ...], dict]:
    lines = extract_file(SAMPLE, SAMPLE_ENTRY.doc_id, SAMPLE.name).lines
    return lines, without_pages(_parse(lines))


def test_the_sample_with_furniture_on_every_page_parses_as_without():
    lines, records = _clean()
    assert without_pages(_parse(_with_furniture(lines))) == records


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), kind=st.sampled_from(["page break", "blank page", "continued heading"]))
def test_an_insertion_at_any_line_boundary_changes_no_record(data, kind):
    lines, records = _clean()
    at = data.draw(st.integers(1, len(lines) - 1), label="line boundary")
    if kind == "continued heading":
        earlier = [l.text.strip() for l in lines[:at] if l.text.strip()]
        repeated = data.draw(st.sampled_from(earlier), label="repeated line")
        inserted = Line(lines[at].page, 0, f"{repeated} (continued)")
        variant = _with_furniture([*lines[:at], inserted, *lines[at:]])
    else:
        variant = _break_page(lines, at, blank=kind == "blank page")
    assert without_pages(_parse(variant)) == records


def test_a_page_break_inside_a_numbered_list_changes_no_record():
    # "1 Collect information ...", a page break, "2 Record and retrieve ...": item 2 opens a page as a
    # chapter heading does, and the list must still go on (hypothesis found it at a page top).
    lines, records = _clean()
    items = [at for at in range(1, len(lines)) if re.match(r"^([2-9]) \S", lines[at].text)]
    assert len(items) >= 4
    for at in items:
        assert without_pages(_parse(_break_page(lines, at, blank=False))) == records, lines[at].text
