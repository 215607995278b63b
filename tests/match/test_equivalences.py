"""Word equivalences are learned from titles the documents themselves link, never written by hand."""

from __future__ import annotations

from pipeline.match.equivalences import learned_equivalences
from pipeline.match.features import prepare, rarities
from pipeline.match.normalise import content_words
from pipeline.match.similarity import weighted_overlap
from tests.match.factories import unit

# Two schemes title the same standards (same NOS codes) with "set" where the other says "base", twice.
LINKED = [
    unit("a", "1", "Build a customer service knowledge set", nos_code="N1"),
    unit("b", "1", "Build a customer service knowledge base", nos_code="N1"),
    unit("a", "2", "Keep a product data set", nos_code="N2"),
    unit("b", "2", "Keep a product data base", nos_code="N2"),
    unit("a", "3", "Greet visitors", nos_code="N3"),
    unit("b", "3", "Welcome visitors", nos_code="N3"),
]


def titled(units):
    return list(zip(units, content_words([u.title for u in units])))


def test_a_word_pair_recurring_across_linked_titles_is_learned():
    assert learned_equivalences(titled(LINKED)) == {"base": frozenset({"set"}), "set": frozenset({"base"})}


def test_a_rewording_seen_once_teaches_nothing():
    assert learned_equivalences(titled(LINKED[:2] + LINKED[4:])) == {}


def test_units_without_a_stated_link_teach_nothing():
    unlinked = [unit(u.scheme, u.unit_code, u.title) for u in LINKED]
    assert learned_equivalences(titled(unlinked)) == {}


def test_learned_words_agree_when_titles_are_compared():
    other = [unit("c", "9", "Build a knowledge base for customer service"), unit("d", "9", "Build a knowledge set")]
    profiles = prepare(LINKED + other, [])
    rarity = rarities(profiles)
    assert rarity.equivalences == {"base": frozenset({"set"}), "set": frozenset({"base"})}
    with_learned = weighted_overlap(profiles["c:9"].title_words, profiles["d:9"].title_words, rarity.title)
    without = weighted_overlap(profiles["c:9"].title_words, profiles["d:9"].title_words,
                               rarities(prepare([unit(u.scheme, u.unit_code, u.title) for u in LINKED] + other, [])).title)
    assert with_learned > without
