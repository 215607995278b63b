"""Title similarity: rarity-weighted Dice over content words."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pipeline.match.normalise import Rarity, content_words
from pipeline.match.similarity import (
    containment,
    overlap_and_shared,
    overlap_matrix,
    shared_words,
    shared_words_each,
    title_and_body,
    weighted_overlap,
)
from tests.conftest import parsed

TITLES = [
    "Deal with customers by telephone",
    "Deal with incoming telephone calls from customers",
    "Make telephone calls to customers",
    "Make customer service personal",
    "Deal with customers face to face",
    "Deliver reliable customer service",
    "Organise the delivery of reliable customer service",
    "Resolve customer service problems",
    "Process customer service complaints",
    "Deal with customers across a language divide",
    "Deal with customers using bespoke software",
]
WORDS = dict(zip(TITLES, content_words(TITLES)))
RARITY = Rarity.from_texts(WORDS.values())


def similarity(a: str, b: str) -> float | None:
    return weighted_overlap(WORDS.get(a) or tuple(content_words([a])[0]), WORDS.get(b) or tuple(content_words([b])[0]), RARITY)


def test_identical_titles_score_one():
    assert similarity(TITLES[0], TITLES[0]) == 1.0
    assert similarity("Deal with customers by telephone", "Deal with the customer by telephone") == 1.0


def test_symmetric():
    assert similarity(TITLES[0], TITLES[1]) == similarity(TITLES[1], TITLES[0])


def test_rare_shared_word_outweighs_common_ones():
    # Sharing "telephone" (three titles) says more than sharing "deal with customers" (five).
    telephone = similarity("Deal with customers by telephone", "Make telephone calls to customers")
    deal = similarity("Deal with customers by telephone", "Deal with customers face to face")
    assert telephone > deal


def test_longer_spelling_agrees():
    assert similarity("Deliver reliable customer service", "Organise the delivery of reliable customer service") > 0.6


@pytest.mark.parametrize(("a", "b"), [
    ("Resolve customer service problems", "Process customer service complaints"),
    ("Deal with customers face to face", "Make telephone calls to customers"),
])
def test_unrelated_titles_score_low(a: str, b: str):
    assert similarity(a, b) < 0.4


def test_empty_title_has_no_score():
    assert weighted_overlap((), ("deal",), RARITY) is None


def test_shared_words_rarest_first():
    assert shared_words(WORDS[TITLES[0]], WORDS[TITLES[1]], RARITY) == ("telephone", "deal", "customer")


def test_overlap_matrix_is_weighted_overlap_of_every_pair():
    """The matrix the criteria alignment uses gives exactly the pairwise scores, on real criteria."""
    old = [c.text for c in parsed("cg-nsvq-l3-standards").criteria if c.unit_key.endswith(":207")]
    new = [c.text for c in parsed("cg-4430-03-handbook").criteria if c.unit_key.endswith("-303")]
    left, right = content_words(old), [*content_words(new), ()]
    rarity = Rarity.from_texts(left + right)
    matrix = overlap_matrix(left, right, rarity)
    assert matrix.shape == (len(left), len(right))
    pairwise = [[weighted_overlap(a, b, rarity) or 0.0 for b in right] for a in left]
    np.testing.assert_allclose(matrix, pairwise, rtol=0, atol=1e-12)
    assert (matrix > 0).any() and (matrix[:, -1] == 0).all()


def test_corpus_counterparts_score_as_words_compared_pair_by_pair():
    """Scores from the counterparts found once for the corpus equal those found for each pair alone."""
    unknown = dataclasses.replace(RARITY, counterparts={})
    for a in TITLES:
        for b in [*TITLES, "Deliver customer service on the telephone"]:
            words = WORDS.get(b) or content_words([b])[0]
            assert overlap_and_shared(WORDS[a], words, RARITY) == overlap_and_shared(WORDS[a], words, unknown)


@pytest.mark.parametrize("known", [True, False])
def test_titles_and_bodies_of_many_pairs_at_once_are_the_pairwise_scores_to_the_bit(known: bool):
    """Units of every title (an empty one too) with every body (an empty one too), every unit against every other;
    with a rarity that does not know some words, each pair finds their counterparts itself."""
    bodies = [*content_words(["customers calling to complain about a delivery", "an incoming telephone call",
                              "dealing with customer complaints"]), ()]
    titles, said = zip(*[(title, body) for title in [*WORDS.values(), ()] for body in bodies])
    rarity = RARITY if known else Rarity.from_texts(list(WORDS.values())[:4])
    left, right = np.divmod(np.arange(len(titles) ** 2), len(titles))
    overlap, left_within, right_within = title_and_body(titles, said, left, right, rarity)
    assert overlap == [weighted_overlap(titles[a], titles[b], rarity) for a, b in zip(left, right)]
    assert left_within == [containment(titles[a], said[b], rarity) for a, b in zip(left, right)]
    assert right_within == [containment(titles[b], said[a], rarity) for a, b in zip(left, right)]
    assert None in overlap and 1.0 in overlap and None in left_within and 0 < max(filter(None, left_within)) < 1


@pytest.mark.parametrize("known", [True, False])
def test_shared_words_of_many_pairs_at_once_are_each_pairs(known: bool):
    """Every title (an empty one, one repeating a word, one with a longer spelling too) with every other: the words
    each two share, rarest first, as pair by pair; with a rarity that does not know some words, as each pair finds
    their counterparts itself."""
    titles = [*WORDS.values(), (), ("telephone", "telephone", "customer"), *content_words(["Telephoning customers"])]
    rarity = RARITY if known else Rarity.from_texts(list(WORDS.values())[:4])
    lefts, rights = zip(*[(a, b) for a in titles for b in titles])
    found = shared_words_each(lefts, rights, rarity)
    assert found == [shared_words(a, b, rarity) for a, b in zip(lefts, rights)]
    assert () in found and shared_words_each([], [], rarity) == []
    assert shared_words_each([WORDS[TITLES[0]]], [WORDS[TITLES[1]]], RARITY) == [("telephone", "deal", "customer")]
