"""Scores and their explanations come from the levels hit."""

from __future__ import annotations

import pytest

from pipeline.match.comparisons import COMPARISONS
from pipeline.match.features import Features
from pipeline.match.scoring import MATCH_THRESHOLD, POSSIBLE_THRESHOLD, PRIOR_WEIGHT, decide, probability, score_pair


def features(**values: object) -> Features:
    fields = {"uan_equal": None, "nos_equal": None, "title_score": None, "criteria_score": None, "level_diff": None,
              "theme_equal": None, "title_shared": (), "alignment": (), "left_criteria": 0, "right_criteria": 0}
    fields.update(values)
    return Features(**fields)


def test_explanation_lists_every_comparison_with_its_weight():
    pair = score_pair("old:1", "new:1", features(title_score=1.0, level_diff=0, theme_equal=True))
    parts = pair.explanation.split("; ")
    assert parts[0] == f"prior {PRIOR_WEIGHT:+.1f}"
    assert [p.split()[0] for p in parts[1:]] == [c.name for c in COMPARISONS]
    assert "title exact (1.00) +10.0" in pair.explanation
    assert "nos null +0.0" in pair.explanation
    assert "level same (0) +1.0" in pair.explanation


def test_score_is_the_probability_of_the_summed_weights():
    f = features(title_score=1.0, level_diff=0, theme_equal=True)
    total = PRIOR_WEIGHT + sum(c.level(getattr(f, c.feature)).weight for c in COMPARISONS)
    assert score_pair("a:1", "b:1", f).score == round(probability(total), 4)


@pytest.mark.parametrize(("values", "decision"), [
    ({"title_score": 1.0, "level_diff": 0, "theme_equal": True}, "match"),
    ({"nos_equal": True}, "match"),
    ({"title_score": 0.5, "level_diff": 0, "theme_equal": True}, "possible"),
    ({"title_score": 0.2, "level_diff": 0, "theme_equal": True}, "non-match"),
    ({"title_score": 1.0, "nos_equal": False}, "non-match"),  # two different standards, same words
    ({"title_score": 0.19, "criteria_score": 0.67, "level_diff": 0, "theme_equal": True}, "match"),  # renamed, same criteria
    ({"title_score": 0.9, "criteria_score": 0.1, "level_diff": 0}, "non-match"),  # alike names, different content
])
def test_decisions(values: dict, decision: str):
    assert score_pair("a:1", "b:1", features(**values)).decision == decision


@pytest.mark.parametrize(("score", "decision"), [
    (MATCH_THRESHOLD, "match"), (MATCH_THRESHOLD - 0.001, "possible"),
    (POSSIBLE_THRESHOLD, "possible"), (POSSIBLE_THRESHOLD - 0.001, "non-match"),
])
def test_thresholds(score: float, decision: str):
    assert decide(score) == decision
