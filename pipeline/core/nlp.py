"""The one spaCy pipeline: a blank English tokenizer with the lookup lemmatizer.

Trained models cannot be downloaded here, so the pipeline is ``spacy.blank("en")``
with the lemma tables of ``spacy-lookups-data``. Without a tagger, a command verb is
recognised as a first word whose lemma is in the lookups' index of English verbs.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import spacy
    from spacy.tokens import Doc, Token


@lru_cache(maxsize=1)
def nlp() -> spacy.language.Language:
    """The shared pipeline (tokenizer + lookup lemmatizer), built once per process.

    spaCy is imported here, on first use: a run whose documents and matches are all
    cached never loads it.
    """
    import spacy

    pipeline = spacy.blank("en")
    pipeline.add_pipe("lemmatizer", config={"mode": "lookup"})
    pipeline.initialize()
    return pipeline


@lru_cache(maxsize=1)
def _word_classes() -> tuple[frozenset[str], frozenset[str]]:
    """The lookups' index of English verbs and of adverbs."""
    from spacy.lookups import load_lookups

    index = load_lookups("en", ["lemma_index"]).get_table("lemma_index")
    return frozenset(index["verb"]), frozenset(index["adv"])


def warm() -> None:
    """Load the pipeline and its word lists now: processes forked from this one then share them."""
    command_verbs(["explain"])


def _docs(texts: list[str]) -> Iterator[Doc]:
    """The texts through the pipeline, lower-cased first: the lemma tables are keyed in lower case."""
    return nlp().pipe(text.lower() for text in texts)


def lemmas(text: str) -> list[str]:
    """Lower-case lemmas of the word tokens of ``text`` (punctuation and spaces dropped)."""
    return lemma_lists([text])[0]


def lemma_lists(texts: list[str]) -> list[list[str]]:
    """``lemmas`` for many texts at once: each distinct word (the characters between two spaces) through the
    pipeline once, and only the texts with a word it splits ("cannot", "skills,") through it whole.

    The tokenizer splits a text at its spaces, then tokenizes each word alone (caching it by word): a text whose
    words are one token each is those tokens in turn. A corpus writes a few thousand words over a hundred thousand
    texts. A word of several tokens may take part in a special case spanning words: its text goes whole.
    """
    split = [text.lower().split() for text in texts]  # the lemma tables are keyed in lower case
    words = list(dict.fromkeys(chain.from_iterable(split)))
    alone = {word: (len(doc) == 1, _word_lemmas(doc)) for word, doc in zip(words, nlp().pipe(words))}
    found: list[list[str] | None] = []
    for parts in split:
        each = list(map(alone.__getitem__, parts))
        found.append([lemma for _, lemmas in each for lemma in lemmas] if all(one for one, _ in each) else None)
    whole = map(_word_lemmas, _docs([text for text, lemmas in zip(texts, found) if lemmas is None]))
    return [next(whole) if lemmas is None else lemmas for lemmas in found]


def _word_lemmas(doc: Doc) -> list[str]:
    """The lemmas of a document's words and numbers, punctuation and spaces dropped."""
    return [t.lemma_ for t in doc if t.is_alpha or t.like_num]


def command_verb(text: str) -> str | None:
    """The lemmatised command verb a criterion opens with ("explains" -> "explain"), if any."""
    return command_verbs([text])[0]


def command_verbs(texts: list[str]) -> list[str | None]:
    """``command_verb`` for many texts at once.

    Leading adverbs are passed over ("consistently meet" -> "meet") and a prefix
    joined by a hyphen is part of the verb ("re-direct" -> "redirect").
    """
    return [_first_verb([t for t in doc if not (t.is_punct and t.text != "-") and not t.is_space])
            for doc in _docs(texts)]


def _first_verb(tokens: list[Token]) -> str | None:
    verbs, adverbs = _word_classes()
    index = 0
    lemma: str
    while index < len(tokens):
        token = tokens[index]
        if token.text == "-":
            index += 1
            continue
        if index + 2 < len(tokens) and tokens[index + 1].text == "-" and token.is_alpha:
            joined = (token.text + tokens[index + 2].text).lower()
            lemma = nlp()(joined)[0].lemma_
            if lemma in verbs:
                return lemma
        lemma = token.lemma_
        if lemma in verbs:
            return lemma
        if lemma not in adverbs:
            return None
        index += 1
    return None
