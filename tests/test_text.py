"""Properties of the shared text clean-up: whitespace, wrapped lines, bullets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.text import clean, count_of, join_wrapped, strip_bullet

# Text as the handbooks have it: letters, digits, punctuation, curly quotes, bullets,
# tabs, no-break spaces, and the private-use and control glyphs of PDF extraction.
_HANDBOOK_CHARS = "abcXYZ019 .,:;()/-\u2019\u2018\u201c\u201d\u2013\u00a3\u2022\t\n\u00a0\uf0b7\x00"
text = st.one_of(st.text(), st.text(alphabet=_HANDBOOK_CHARS))
# Text without control or private-use glyphs: every word of it must survive as written.
printable = st.text(st.characters(blacklist_categories=("Cc", "Co", "Cs")))
parts = st.lists(text, max_size=6)


@given(text)
def test_clean_is_idempotent(raw):
    assert clean(clean(raw)) == clean(raw)


@given(text)
def test_clean_leaves_single_spaces_and_no_edges(raw):
    cleaned = clean(raw)
    assert "  " not in cleaned and cleaned == cleaned.strip()
    assert not any(c.isspace() and c != " " for c in cleaned)


@given(printable)
def test_clean_keeps_every_word_as_written(raw):
    assert clean(raw).split() == raw.split()


@given(parts)
def test_join_wrapped_is_idempotent(pieces):
    joined = join_wrapped(pieces)
    assert join_wrapped([joined]) == joined
    assert joined == clean(joined)


@given(parts)
def test_join_wrapped_changes_only_spacing(pieces):
    joined = join_wrapped(pieces)
    assert "  " not in joined and joined == joined.strip()
    assert joined.replace(" ", "") == "".join(clean(p) for p in pieces).replace(" ", "")


@given(st.lists(printable, max_size=6))
def test_join_wrapped_keeps_the_words_unless_a_hyphen_ends_a_line(pieces):
    words = [word for piece in pieces for word in piece.split()]
    joined = join_wrapped(pieces)
    if not any(clean(p).endswith("-") for p in pieces):
        assert joined.split() == words


@given(parts, parts)
def test_join_wrapped_in_stages_equals_at_once(first, second):
    assert join_wrapped([join_wrapped(first), join_wrapped(second)]) == join_wrapped(first + second)


@pytest.mark.parametrize(
    ("pieces", "joined"),
    [
        (["explain how to deal with different customer behaviours and personalities to", "customer satisfaction  "],
         "explain how to deal with different customer behaviours and personalities to customer satisfaction"),
        (["at www.walled-", "garden.com."], "at www.walled-garden.com."),  # a word split at its own hyphen
        (["not-for-", "Profit"], "not-for- Profit"),  # a capital after the hyphen starts a new word
        (["Mandatory units -", "Customer Service Foundations"], "Mandatory units - Customer Service Foundations"),
        (["  ", "", "\uf0b7 ", "service"], "service"),
        (["the customer\u2019s", "\u201cservice offer\u201d"], "the customer\u2019s \u201cservice offer\u201d"),
    ],
)
def test_join_wrapped_cases(pieces, joined):
    assert join_wrapped(pieces) == joined


@given(st.sampled_from("\u2022\uf0b7\uf0a7\u25aa\u2013"), st.text())
def test_strip_bullet_removes_the_bullet_and_the_space_after(bullet, rest):
    assert strip_bullet(f"  {bullet}\t{rest}") == (True, rest.lstrip())


@pytest.mark.parametrize("line", ["301.1.1 explain", "a direct competitors", "", "Unit 303"])
def test_strip_bullet_leaves_other_lines(line):
    assert strip_bullet(line) == (False, line)


@pytest.mark.parametrize(
    "word, value", [("eight", 8), ("Three", 3), ("12", 12), ("twelve", 12), ("fifteen", 15), ("several", None), ("", None)]
)
def test_count_of_reads_counts_in_digits_or_words(word, value):
    assert count_of(word) == value
