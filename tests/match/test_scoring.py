"""Scores and their explanations come from the levels hit."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.core.records import UnitMatch
from pipeline.match.comparisons import COMPARISONS
from pipeline.match.model import Model
from pipeline.match.pairs import PairColumns
from pipeline.match.scoring import MATCH_THRESHOLD, POSSIBLE_THRESHOLD, Scorer, decide, probability
from tests.match.reference import Features, as_columns

# The comparisons' starting values, as a model before any data: the scoring is the same whatever fitted them.
SCORER = Scorer(Model(COMPARISONS, 0.05, 0, True, 0, 0))
PRIOR_WEIGHT = SCORER.model.prior_weight


def as_row(left_key: str, right_key: str, found: Features) -> PairColumns:
    """One pair as the match stage holds every pair: a row of columns."""
    pairs = PairColumns((left_key, right_key))
    columns, alignments = as_columns([found])
    pairs.extend_columns(np.array([0]), np.array([1]), columns, alignments)
    return pairs


def score_pair(left_key: str, right_key: str, found: Features) -> UnitMatch:
    """One pair scored as the match stage scores every pair."""
    pairs = as_row(left_key, right_key, found)
    (record,) = SCORER.score_columns(pairs, np.array([0])).records(pairs, np.array([0]))
    return record


def features(**values: object) -> Features:
    fields: dict[str, object] = {
        "uan_equal": None, "nos_equal": None, "title_score": None, "criteria_score": None, "level_diff": None,
        "theme_equal": None, "body_score": None, "title_shared": (), "alignment": (), "left_criteria": 0, "right_criteria": 0,
    }
    fields.update(values)
    return Features(**fields)


def test_explanation_lists_every_comparison_with_its_weight():
    pair = score_pair("old:1", "new:1", features(title_score=1.0, level_diff=0, theme_equal=True))
    parts = pair.explanation.split("; ")
    assert parts[0] == f"prior {PRIOR_WEIGHT:+.1f}"
    assert [p.split()[0] for p in parts[1:]] == [c.name for c in COMPARISONS]
    assert "title exact (1.00/-) +10.0" in pair.explanation
    assert "nos null +0.0" in pair.explanation
    assert "level same (0) +1.0" in pair.explanation


def test_score_is_the_probability_of_the_summed_weights():
    f = features(title_score=1.0, level_diff=0, theme_equal=True)
    total = PRIOR_WEIGHT + sum(c.level(getattr(f, c.feature)).weight for c in COMPARISONS)
    scored = score_pair("a:1", "b:1", f)
    assert scored.score == round(probability(total), 4)
    assert scored.match_weight == round(total, 4)


def test_a_stated_identifier_outranks_the_words():
    same = score_pair("a:1", "b:1", features(title_score=0.1, nos_equal=True, level_diff=2, stated_identity=True))
    assert same.decision == "match" and same.explanation.endswith("; match by the nos the documents state")
    assert score_pair("a:1", "b:1", features(title_score=0.1, uan_equal=True, stated_identity=True)).decision == "match"
    # A code that names several units of one scheme states no identity: the words decide.
    assert score_pair("a:1", "b:1", features(title_score=0.1, nos_equal=True, level_diff=2)).decision == "non-match"


@pytest.mark.parametrize(("values", "decision"), [
    ({"title_score": 1.0, "level_diff": 0, "theme_equal": True}, "match"),
    ({"nos_equal": True, "stated_identity": True}, "match"),
    ({"title_score": 0.5, "level_diff": 0, "theme_equal": True}, "possible"),
    ({"title_score": 0.2, "level_diff": 0, "theme_equal": True}, "non-match"),
    ({"title_score": 1.0, "nos_equal": False}, "non-match"),  # two different standards, same words
    ({"title_score": 0.19, "criteria_score": 0.67, "level_diff": 0, "theme_equal": True}, "match"),  # renamed, same criteria
    ({"title_score": 0.9, "criteria_score": 0.1, "level_diff": 0, "body_score": 0.3}, "non-match"),  # alike names, other content
    ({"title_score": 0.3, "body_score": 0.9, "level_diff": 0, "theme_equal": True}, "possible"),  # title said by the body
])
def test_decisions(values: dict, decision: str):
    assert score_pair("a:1", "b:1", features(**values)).decision == decision


@pytest.mark.parametrize(("score", "decision"), [
    (MATCH_THRESHOLD, "match"), (MATCH_THRESHOLD - 0.001, "possible"),
    (POSSIBLE_THRESHOLD, "possible"), (POSSIBLE_THRESHOLD - 0.001, "non-match"),
])
def test_thresholds(score: float, decision: str):
    assert decide(score) == decision


@pytest.mark.parametrize(("found", "method"), [
    ({"uan_equal": True, "title_score": 0.2}, "uan"),  # one unit reference names one unit, whoever offers it
    ({"nos_equal": True, "title_score": 0.5}, "nos"),
    ({"title_score": 0.9, "level_diff": 0}, "title"),
])
def test_the_method_names_the_strongest_evidence(found, method):
    from pipeline.match.justify import strongest_methods

    assert strongest_methods(as_row("a:1", "b:1", features(**found)), np.array([0])) == [method]
