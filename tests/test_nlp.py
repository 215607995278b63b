"""Command verbs and lemmas through the real spaCy pipeline (blank English + lookup lemmatizer)."""

from __future__ import annotations

import pytest

from pipeline.core.nlp import command_verb, command_verbs, lemma_lists, lemmas, nlp
from tests.conftest import parsed


@pytest.mark.parametrize(
    "text, verb",
    [
        ("explain the importance of customer service", "explain"),
        ("Describes how customers form expectations", "describe"),
        ("consistently meet their customers’ expectations", "meet"),
        ("regularly check the progress of colleagues", "check"),
        ("re-direct customers to other service providers", "redirect"),
        ("co-operate with others to improve customer service", "cooperate"),
        ("your organisation’s service offer", None),
        ("how customers form expectations", None),
        ("", None),
    ],
)
def test_command_verb(text, verb):
    assert command_verb(text) == verb


def test_command_verbs_agree_with_one_at_a_time():
    texts = ["identify ways", "quickly locate information", "the service offer"]
    assert command_verbs(texts) == [command_verb(t) for t in texts]


def test_lemmas_fold_plurals_and_tenses():
    assert lemmas("Customers' expectations were met") == ["customer", "expectation", "be", "meet"]


def test_every_assessment_criterion_of_the_handbook_has_a_verb():
    criteria = [c for c in parsed("cg-4430-03-handbook").criteria if c.kind == "assessment"]
    assert criteria and not [c.text for c in criteria if c.verb is None]


def test_lemmas_of_many_texts_are_those_of_each_text_through_the_whole_pipeline():
    # Words of one token each are lemmatised once for all the texts; a word the tokenizer splits (a special case,
    # punctuation), or spaces of other kinds, leave the text to be read whole.
    texts = ["Greeting visitors", "greeting Visitors", "Visitors cannot wait", "greet the visitors, then leave",
             "visitors  greeted\tin the\nfoyer", "(e.g. visitors) greeted", "", "10 visitors"]
    alone = [[t.lemma_ for t in nlp()(text.lower()) if t.is_alpha or t.like_num] for text in texts]
    assert lemma_lists(texts) == alone
    assert alone[0] == alone[1] == ["greet", "visitor"] and alone[2] == ["visitor", "can", "not", "wait"]
