"""Property tests: whatever a raw file holds, the pipeline gives records or issues, or its own error naming the file.

Beyond "no foreign exception": every non-blank line lands in a record, in page furniture or in an
``unparsed-text`` issue; a parse is a function of its input; issues point inside the document; and
bytes after a PDF's last end-of-file marker never change what is read.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.errors import PipelineError
from pipeline.core.manifest import Entry
from pipeline.core.text import clean
from pipeline.extract import extract_file
from pipeline.extract.guard import check_extraction, check_file
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.profiles import PROFILES, detect_profile, parse_lines
from tests.conftest import DATA
from tests.pdf_render import render_pdf

SAMPLES = {p.name: p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))}
MANY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_RUN = re.compile(r"^(\d+) line\(s\) not parsed")


def read_and_parse(path: Path) -> ParseResult | PipelineError:
    """What the extract and parse stages make of one file: a result, or the pipeline's own error.

    Whatever the input, the properties every outcome has are checked here.
    """
    entry = Entry(doc_id="doc", path=path.name, publisher="City & Guilds", scheme="cg-4430", title="t")
    try:
        check_file(path, path.name)
        extraction = extract_file(path, entry.doc_id, path.name)
        check_extraction(extraction, path.name)
        profile = detect_profile(extraction.lines, path.name)
        ctx = ParseContext(entry, extraction.lines)
        result = parse_lines(ctx, PROFILES[profile.name])
    except PipelineError as exc:
        assert str(exc).startswith(path.name), exc  # it names the file
        return exc
    # Every non-blank line is in a record or furniture (used), or in an unparsed-text run: none vanishes.
    body = [l for l in ctx.all_lines if clean(l.text)]
    reported = sum(int(_RUN.match(i.message).group(1)) for i in result.issues if i.code == "unparsed-text")
    assert sum(ctx.is_used(l) for l in body) + reported == len(body)
    # Every issue that names a page names one of the document's pages.
    assert all(i.page is None or 1 <= i.page <= extraction.pages for i in result.issues)
    # A parse is a function of its lines: a second one gives the same records.
    assert parse_lines(ParseContext(entry, extraction.lines), PROFILES[profile.name]) == result
    return result


@MANY
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".pdf", ".txt", ".html"]))
def test_arbitrary_bytes(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"doc{suffix}"
    path.write_bytes(data)
    read_and_parse(path)


@MANY
@given(text=st.text(max_size=3000))
def test_arbitrary_text(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("text") / "doc.txt"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    read_and_parse(path)


def _mutate(text: str, how: str, seed: int) -> str:
    rng = random.Random(seed)
    if how == "truncate":
        return text[: rng.randrange(len(text))]
    lines = text.splitlines(keepends=True)
    if how == "shuffle":  # lines shuffled within a window about a page long
        start = rng.randrange(len(lines))
        window = lines[start:start + 50]
        rng.shuffle(window)
        return "".join(lines[:start] + window + lines[start + 50:])
    chars = list(text)
    for _ in range(rng.randint(1, 200)):
        chars[rng.randrange(len(chars))] = rng.choice("0123456789.:-–•\t ABCxyz\u00a0\u2019\n")
    return "".join(chars)


@MANY
@given(name=st.sampled_from(sorted(SAMPLES)), how=st.sampled_from(["truncate", "shuffle", "replace"]),
       seed=st.integers(0, 2**32))
def test_mutated_handbooks(tmp_path_factory, name, how, seed):
    path = tmp_path_factory.mktemp("mutated") / name
    path.write_text(_mutate(SAMPLES[name], how, seed), encoding="utf-8")
    result = read_and_parse(path)
    if isinstance(result, ParseResult):  # records or issues: nothing vanished without a word
        assert any(getattr(result, f) for f in ("units", "qualifications", "issues", "criteria"))


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory) -> bytes:
    """A two-page handbook sample printed by the suite's renderer."""
    folder = tmp_path_factory.mktemp("pdf")
    return render_pdf(DATA / "ocr_level2_sample.txt", folder / "sample.pdf").read_bytes()


@MANY
@given(tail=st.binary(max_size=2000).filter(lambda b: b"xref" not in b and b"startxref" not in b and b"%%EOF" not in b))
def test_bytes_after_the_last_page_change_nothing(tmp_path_factory, small_pdf, tail):
    # Download tools and signing tools leave bytes after the end of a PDF; the file is read the same.
    folder = tmp_path_factory.mktemp("tail")
    (folder / "a.pdf").write_bytes(small_pdf)
    (folder / "b.pdf").write_bytes(small_pdf + b"\n%" + tail + b"\n%%EOF\n")
    assert extract_file(folder / "b.pdf", "doc", "b.pdf").lines == extract_file(folder / "a.pdf", "doc", "a.pdf").lines
