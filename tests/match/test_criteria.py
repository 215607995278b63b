"""Criterion alignment: greedy best-first one-to-one pairs above a floor."""

from __future__ import annotations

import numpy as np

from pipeline.match import criteria as criteria_module
from pipeline.match.criteria import ALIGN_MIN, CriterionText, align, criteria_score, similarity_matrix
from pipeline.match.normalise import Rarity, content_words

OLD = {
    "207.1.3": "use language that is clear and concise",
    "207.2.3": "plan the objective of your communication",
    "k.a": "the importance of using clear and concise language",
    "k.h": "the risks associated with the confidentiality of written or ICT communications",
}
NEW = {
    "1.3": "use language that is clear and concise",
    "2.3": "plan the objective of their communication",
    "4.1": "explain the importance of using clear and concise language",
    "4.8": "explain the risks associated with the confidentiality of written or electronic communications",
    "5.1": "describe the health and safety procedures of their organisation",
}


def texts(unit: str, criteria: dict[str, str]) -> list[CriterionText]:
    words = content_words(list(criteria.values()))
    return [CriterionText(f"{unit}#{n}", w) for n, w in zip(criteria, words)]


LEFT, RIGHT = texts("old:1", OLD), texts("new:1", NEW)
RARITY = Rarity.from_texts(c.words for c in LEFT + RIGHT)


def test_alignment_pairs_each_criterion_with_its_counterpart():
    pairs = align(LEFT, RIGHT, RARITY)
    assert [(p.left_key, p.right_key) for p in pairs] == [
        ("old:1#207.1.3", "new:1#1.3"),
        ("old:1#207.2.3", "new:1#2.3"),
        ("old:1#k.a", "new:1#4.1"),
        ("old:1#k.h", "new:1#4.8"),
    ]
    assert all(p.score >= ALIGN_MIN for p in pairs)


def test_one_to_one_even_when_one_criterion_is_best_for_two():
    # "use clear and concise language" is close to both 1.3 and 4.1; each is used once.
    pairs = align(LEFT[:1] + LEFT[2:3], RIGHT[:1], RARITY)
    assert len(pairs) == 1
    assert pairs[0].left_key == "old:1#207.1.3"


def test_unrelated_criteria_stay_unaligned():
    scores = similarity_matrix(LEFT, RIGHT[4:], RARITY)
    assert (scores < ALIGN_MIN).all()
    assert align(LEFT, RIGHT[4:], RARITY) == ()


def test_no_criteria_no_alignment():
    assert align([], RIGHT, RARITY) == ()
    assert criteria_score((), 0, 5) is None


def test_criteria_score_is_weighted_dice():
    pairs = align(LEFT, RIGHT, RARITY)
    assert criteria_score(pairs, 4, 5) == sum(p.score for p in pairs) * 2 / 9


def test_assignment_is_exact_where_best_first_would_strand_a_criterion(monkeypatch):
    # Old 1 fits new 1 best (0.9) and new 2 well (0.8); old 2 fits only new 1 (0.7). Taking the best pair
    # first would leave old 2 with nothing above the floor; the assignment pairs both.
    left = [CriterionText("old:1#1", ("a",)), CriterionText("old:1#2", ("b",))]
    right = [CriterionText("new:1#1", ("c",)), CriterionText("new:1#2", ("d",))]
    scores = np.array([[0.9, 0.8], [0.7, 0.2]])
    monkeypatch.setattr(criteria_module, "similarity_matrix", lambda *args: scores)
    assert [(p.left_key, p.right_key, p.score) for p in align(left, right, RARITY)] == [
        ("old:1#1", "new:1#2", 0.8), ("old:1#2", "new:1#1", 0.7)]


def test_similarity_worked_out_only_where_it_can_reach_the_floor_is_the_same_there():
    # Pairs that share every word, some words, none, words that only agree by spelling, and texts whose words do
    # not split back into themselves (a space inside a word, an empty word): the bound must hold for each.
    extra = [CriterionText("odd#1", ("clear language", "concise")), CriterionText("odd#2", ("", "language")),
             CriterionText("odd#3", ("communications", "plan")), CriterionText("odd#4", ())]
    left, right = LEFT + extra[:2], RIGHT + extra[2:]
    full = similarity_matrix(left, right, RARITY)
    for floor in (0.1, 0.3, ALIGN_MIN, 0.7, 0.9):
        reached = similarity_matrix(left, right, RARITY, floor)
        assert np.array_equal(reached[full >= floor], full[full >= floor])
        assert (reached[full < floor] < floor).all()
    # Far from the floor, the pairs are not worked out: their similarity is left at 0.
    assert (similarity_matrix(LEFT, RIGHT[4:], RARITY, ALIGN_MIN) == 0).all()
