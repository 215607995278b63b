"""Normalisation for matching: case, apostrophes, plurals, possessives, lemmas, rarity."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.match.normalise import (
    STOPWORDS,
    Rarity,
    _vocabulary,
    compounds_joined,
    content_words,
    counterparts,
    spelling_folds,
    words_agree,
)
from tests.conftest import parsed


@pytest.mark.parametrize(("text", "words"), [
    ("Deal with customers by telephone", ("deal", "customer", "telephone")),
    # Apostrophes, straight and curly, and plurals fold into the noun.
    ("Deliver customer service on your customers\u2019 premises", ("deliver", "customer", "service", "customer", "premise")),
    ("Deliver customer service on your customer's premises", ("deliver", "customer", "service", "customer", "premise")),
    # "your" (legacy standards) and "their" (QCF units) are the same words once dropped.
    ("adapt your use of language to meet the individual needs of your customer",
     ("adapt", "use", "language", "meet", "individual", "need", "customer")),
    ("adapt their use of language to meet the individual needs of their customer",
     ("adapt", "use", "language", "meet", "individual", "need", "customer")),
    # Lemmas: "understanding" is "understand", "using" is "use".
    ("Demonstrate understanding of customer service", ("demonstrate", "understand", "customer", "service")),
    ("Deal with customers in writing or using ICT", ("deal", "customer", "write", "use", "ict")),
    # Words that carry meaning in titles are not stop words, unlike spaCy's list.
    ("Make telephone calls to customers", ("make", "telephone", "call", "customer")),
    ("", ()),
])
def test_content_words(text: str, words: tuple[str, ...]):
    assert content_words([text]) == [words]


@pytest.mark.parametrize(("a", "b", "agree"), [
    ("customer", "customer", True),
    ("deliver", "delivery", True),
    ("organise", "organisation", True),
    ("improve", "improvement", True),
    ("electronic", "electronically", True),
    ("make", "made", False),  # short words only agree when equal
    ("deal", "deliver", False),
    ("review", "evaluate", False),
    ("service", "seamless", False),
])
def test_words_agree(a: str, b: str, agree: bool):
    assert words_agree(a, b) is agree
    assert words_agree(b, a) is agree


def test_rarity_counts_distinct_texts_once():
    # Three schemes repeating one title word for word count as one text.
    texts = [("deal", "telephone")] * 3 + [("deal", "face")] + [("promote", "product")]
    rarity = Rarity.from_texts(texts)
    assert rarity.weight("telephone") == rarity.weight("face") == rarity.weight("promote")
    assert rarity.weight("deal") < rarity.weight("telephone")
    assert rarity.weight("never-seen") > rarity.weight("telephone")


def test_counterparts_are_words_agree_over_the_vocabulary():
    """The relation found once per corpus (words compared only within their stem) is ``words_agree`` itself."""
    texts = [c.text for c in parsed("cg-4430-03-handbook").criteria] + ["deliver delivery organise organisation"]
    vocabulary = sorted({w for words in content_words(texts) for w in words})
    expected = {w: frozenset(o for o in vocabulary if words_agree(w, o)) for w in vocabulary}
    assert counterparts(vocabulary) == expected
    assert expected["deliver"] == {"deliver", "delivery"}


def test_repeated_texts_get_the_words_of_each_alone():
    texts = ["Deal with customers by telephone", "Make telephone calls to customers", "Deal with customers by telephone"]
    assert content_words(texts) == [content_words([t])[0] for t in texts]


@pytest.mark.parametrize(("texts", "words"), [
    # A compound is one word where the corpus writes it as one word, with a hyphen or a space.
    (["Support customers using on-line services", "Use online tools"], [("support", "customer", "use", "online",
                                                                         "service"), ("use", "online", "tool")]),
    (["Maintain service through effective hand over", "Plan handovers"], [("maintain", "service", "effective",
                                                                            "handover"), ("plan", "handover")]),
    # Nowhere written as one word: the halves stay two words.
    (["Keep a customer-friendly attitude"], [("keep", "customer", "friendly", "attitude")]),
    # Two function words are no compound ("any one"), even where the corpus writes "anyone".
    (["Help any one customer", "anyone"], [("help", "customer"), ("anyone",)]),
])
def test_compounds_are_written_as_the_corpus_writes_them(texts: list[str], words: list[tuple[str, ...]]):
    assert content_words(texts) == words


@pytest.mark.parametrize(("text", "joined"), [
    ("on-line help", "online help"),
    ("on line help", "online help"),
    ("on\u2011line", "online"),
    # The plural is written as one word: so is the singular.
    ("a care r", "a carer"),
    # Read from the left: a word joined to the one before is not joined to the one after.
    ("hand over time", "handover time"),
    ("over time", "overtime"),
    # Only a hyphen or one space stands between a compound's halves; a hyphen alone is read as a space.
    ("on  line", "on  line"),
    ("on--line", "on--line"),
    ("on - line", "on - line"),
    ("-on line-", " online "),
    ("on-line2", "on line2"),
    # Two function words are no compound, though the corpus writes "anyone".
    ("any one", "any one"),
])
def test_compounds_join_two_words_the_corpus_writes_as_one(text: str, joined: str):
    known = frozenset({"online", "carers", "handover", "overtime", "anyone"})
    assert compounds_joined([text], known) == [joined]
    assert compounds_joined(["deal with it", text, text], known) == ["deal with it", joined, joined]


def _joined_pair_by_pair(text: str, known: frozenset[str]) -> str:
    """The rule read plainly: hyphens between letters (or a text's ends) as spaces, then each two words of letters
    with one space between, from the left, one word where ``known`` writes them so (or their plural) and they are
    not two function words; a word joined to the one before is not joined to the one after."""
    spaced = re.sub(r"(?<![^a-z0-9])[-\u2010\u2011](?![^a-z0-9])", " ", text)
    out, done = [], 0
    for match in re.finditer(r"(?<![a-z0-9])([a-z]+) (?=([a-z]+)(?![a-z0-9]))", spaced):
        first, second = match.groups()
        one = first + second
        if match.start() >= done and (one in known or one + "s" in known) and one not in STOPWORDS \
                and not (first in STOPWORDS and second in STOPWORDS):
            out += [spaced[done:match.start()], one]
            done = match.start() + len(first) + 1 + len(second)
    return "".join([*out, spaced[done:]])


# Halves of compounds ("on"+"line", "care"+"r" of "carers", "in"+"form"), function words, and what may stand
# between two words (one space most often).
_HALVES = ["on", "line", "hand", "over", "care", "r", "in", "form", "any", "one", "team", "customer", "s", "online", "2"]
_BETWEEN = [" ", " ", " ", "-", "\u2011", "", "  ", ", "]
_COMPOUNDS = ["online", "handover", "carers", "inform", "anyone", "teams", "customers", "overtime", "sonline"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(_BETWEEN), st.sampled_from(_HALVES)), max_size=8), max_size=6),
       st.frozensets(st.sampled_from(_COMPOUNDS)))
def test_compounds_joined_is_the_rule_read_pair_by_pair(pieces: list[list[tuple[str, str]]], known: frozenset[str]):
    texts = ["".join(between + word for between, word in text) for text in pieces]
    assert compounds_joined(texts, known) == [_joined_pair_by_pair(text, known) for text in texts]


def test_the_words_a_text_writes_are_its_runs_of_a_to_z():
    # Any other character ends a word: accented letters, a dotless i, a long s, digits, tabs and a lone surrogate.
    texts = ["caf\u00e9 au lait, na\u00efve", "x-ray 3d a1b2", "tab\tand\x0bform\x0cfeed", "\u0131stanbul \u017ftrasse",
             "lone \ud800 half", ""]
    assert _vocabulary(texts) == {"caf", "au", "lait", "na", "ve", "x", "ray", "d", "a", "b", "tab", "and", "form", "feed",
                                  "stanbul", "trasse", "lone", "half"}


def test_spelling_variants_fold_where_the_corpus_has_both():
    texts = ["your organization", "the organisation", "adapt behavior", "a good behaviour", "the size of it"]
    assert content_words(texts) == [("organisation",), ("organisation",), ("adapt", "behaviour"),
                                     ("good", "behaviour"), ("size",)]
    # Alone, a spelling stays as written: nothing to fold into.
    assert content_words(["your organization"]) == [("organization",)]


def test_spelling_folds_by_ending_only():
    assert spelling_folds(["organization", "organisation", "color", "colour", "size", "sise", "center", "centre"]) == {
        "color": "colour", "center": "centre", "organization": "organisation"}
