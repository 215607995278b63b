"""Property tests: whatever bytes or text a raw file holds, the pipeline gives records or issues, or its own error."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.errors import PipelineError
from pipeline.extract import extract_file
from pipeline.extract.guard import check_extraction, check_file
from pipeline.manifest import Entry
from pipeline.parse import ParseContext, ParseResult
from pipeline.parse.profiles import PROFILES, detect_profile, parse_lines
from tests.conftest import DATA

SAMPLES = {p.name: p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))}
FEW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read_and_parse(path: Path) -> ParseResult | PipelineError:
    """What the extract and parse stages make of one file: a result, or the pipeline's own error."""
    entry = Entry(doc_id="doc", path=path.name, publisher="City & Guilds", scheme="cg-4430", title="t")
    try:
        check_file(path, path.name)
        extraction = extract_file(path, entry.doc_id, path.name)
        check_extraction(extraction, path.name)
        profile = detect_profile(extraction.lines, path.name)
        return parse_lines(ParseContext(entry, extraction.lines), PROFILES[profile.name])
    except PipelineError as exc:
        assert str(exc).startswith(path.name), exc  # it names the file
        return exc


@FEW
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".pdf", ".txt", ".html"]))
def test_arbitrary_bytes(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"doc{suffix}"
    path.write_bytes(data)
    read_and_parse(path)


@FEW
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


@FEW
@given(name=st.sampled_from(sorted(SAMPLES)), how=st.sampled_from(["truncate", "shuffle", "replace"]),
       seed=st.integers(0, 2**32))
def test_mutated_handbooks(tmp_path_factory, name, how, seed):
    path = tmp_path_factory.mktemp("mutated") / name
    path.write_text(_mutate(SAMPLES[name], how, seed), encoding="utf-8")
    result = read_and_parse(path)
    if isinstance(result, ParseResult):  # records or issues: nothing vanished without a word
        assert any(getattr(result, f) for f in ("units", "qualifications", "issues", "criteria"))
