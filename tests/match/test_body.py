"""A unit's title against the other unit's outcome titles and criteria, both ways."""

from __future__ import annotations

from pipeline.core.records import Outcome
from pipeline.match.features import prepare, rarities
from pipeline.match.normalise import Rarity
from pipeline.match.similarity import containment
from tests.match.factories import criteria, unit
from tests.match.reference import compare

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


def test_each_profile_holds_its_own_criteria_and_the_distinct_words_of_its_body():
    # Given out of key order, and with the criteria of two units interleaved.
    profiles = prepare([OTHER, NEW, OLD], [BODY[3], *BODY[:3]], OUTCOMES)
    assert list(profiles) == ["new:7", "new:8", "old:9"]
    assert [c.criterion_key for c in profiles["old:9"].criteria] == [c.criterion_key for c in BODY[:3]]
    assert profiles["new:7"].body_words == ("floor", "sweep")
    assert profiles["new:8"].criteria == () and profiles["new:8"].body_words == ()
    old = profiles["old:9"].body_words
    # The outcome title's words are in the body too, each word once, in order.
    assert {"exceed", "expect", "customer", "floor"} - set(old) == {"floor"} and list(old) == sorted(set(old))


def test_a_code_that_two_units_of_one_scheme_state_states_neither_ones_identity():
    units = [unit("old", "1", "Greet visitors", nos_code="CS1"), unit("old", "2", "Greet guests", nos_code=" cs1 "),
             unit("old", "3", "File records", nos_code="CS2", uan="A/1"), unit("new", "1", "Greet visitors", nos_code="CS1"),
             unit("new", "2", "File records", uan="a/1"), unit("new", "3", "Sort mail", uan="A/1"),
             unit("new", "4", "Sort post")]
    unique = {key: profile.codes_unique for key, profile in prepare(units, []).items()}
    # CS1 twice in "old" (case and spaces aside), once in "new"; A/1 once in "old", twice in "new".
    assert unique == {"old:1": False, "old:2": False, "old:3": True, "new:1": True, "new:2": False, "new:3": False,
                      "new:4": True}
