"""The one spaCy pipeline: a blank English tokenizer with the lookup lemmatizer.

Trained models cannot be downloaded here, so the pipeline is ``spacy.blank("en")``
with the lemma tables of ``spacy-lookups-data``. Without a tagger, a command verb is
recognised as a first word whose lemma is in the lookups' index of English verbs.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.lookups import load_lookups


@lru_cache(maxsize=1)
def nlp() -> spacy.language.Language:
    """The shared pipeline (tokenizer + lookup lemmatizer), built once per process."""
    pipeline = spacy.blank("en")
    pipeline.add_pipe("lemmatizer", config={"mode": "lookup"})
    pipeline.initialize()
    return pipeline


@lru_cache(maxsize=1)
def _verbs() -> frozenset[str]:
    index = load_lookups("en", ["lemma_index"]).get_table("lemma_index")
    return frozenset(index["verb"])


def lemmas(text: str) -> list[str]:
    """Lower-case lemmas of the word tokens of ``text`` (punctuation and spaces dropped)."""
    return [t.lemma_.lower() for t in nlp()(text) if t.is_alpha or t.like_num]


def lemma_lists(texts: list[str]) -> list[list[str]]:
    """``lemmas`` for many texts at once, through ``nlp.pipe``."""
    return [[t.lemma_.lower() for t in doc if t.is_alpha or t.like_num] for doc in nlp().pipe(texts)]


def command_verb(text: str) -> str | None:
    """The lemmatised command verb a criterion opens with ("explains" -> "explain"), if any."""
    for token in nlp()(text):
        if token.is_punct or token.is_space:
            continue
        lemma = token.lemma_.lower()
        return lemma if lemma in _verbs() else None
    return None


def command_verbs(texts: list[str]) -> list[str | None]:
    """``command_verb`` for many texts at once."""
    verbs = _verbs()
    out: list[str | None] = []
    for doc in nlp().pipe(texts):
        first = next((t for t in doc if not (t.is_punct or t.is_space)), None)
        lemma = first.lemma_.lower() if first is not None else None
        out.append(lemma if lemma in verbs else None)
    return out
