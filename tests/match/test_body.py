"""A unit's title against the other unit's outcome titles and criteria, both ways."""

from __future__ import annotations

from pipeline.core.records import Outcome
from pipeline.match.features import compare, prepare, rarities
from pipeline.match.normalise import Rarity
from pipeline.match.similarity import containment
from tests.match.factories import criteria, unit

OLD = unit("old", "9", "Go the extra mile for the people you serve", level=2)
NEW = unit("new", "8", "Exceed customer expectations", level=2)
OTHER = unit("new", "7", "Keep the premises tidy", level=2)
BODY = criteria(OLD, "find out what the customer expects", "do more than the customer expected when it helps",
                "recognise when expectations can be exceeded") + criteria(OTHER, "sweep the floor")
OUTCOMES = [Outcome(OLD.unit_key, "2", "Exceed what customers expect", "doc")]


def test_containment_weighs_the_title_words_the_other_text_has():
    rarity = Rarity.from_texts([("exceed", "customer"), ("customer",), ("customer", "tidy")])
    assert containment(("exceed", "customer"), frozenset({"exceed", "customer", "floor"}), rarity) == 1.0
    assert 0 < containment(("exceed", "customer"), frozenset({"customer"}), rarity) < 0.5
    assert containment(("exceed",), frozenset(), rarity) is None


def test_a_renamed_successor_is_said_by_its_predecessors_body():
    profiles = prepare([OLD, NEW, OTHER], BODY, OUTCOMES)
    rarity = rarities(profiles)
    renamed = compare(profiles["old:9"], profiles["new:8"], rarity)
    assert renamed.title_score == 0.0
    assert renamed.body_score == 1.0  # exceed, customer, expectation: all in the old unit's body
    unrelated = compare(profiles["old:9"], profiles["new:7"], rarity)
    assert unrelated.body_score < 0.5


def test_no_body_on_either_side_is_no_score():
    profiles = prepare([NEW, unit("old", "1", "Exceed customer expectations")], [])
    assert compare(profiles["old:1"], profiles["new:8"], rarities(profiles)).body_score is None
