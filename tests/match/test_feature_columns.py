"""Many pairs' features at once, as columns: what ``compare`` gives each pair, to the bit."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.core.parallel import Engine
from pipeline.match.feature_columns import compare_all
from pipeline.match.features import prepare, rarities
from pipeline.match.pairs import DTYPES
from tests.conftest import parsed
from tests.match.factories import alignments_of
from tests.match.reference import as_columns, compare

OLD, NEW = "cg-nsvq-l3-standards", "cg-4430-03-handbook"


@pytest.fixture(scope="module")
def corpus():
    """Two real handbooks prepared for matching, and every old unit against every new one."""
    old, new = parsed(OLD), parsed(NEW)
    profiles = prepare(old.units + new.units, old.criteria + new.criteria, old.outcomes + new.outcomes)
    rarity = rarities(profiles)
    pairs = [(a.unit_key, b.unit_key) for a in old.units for b in new.units]
    return profiles, rarity, pairs, [compare(profiles[a], profiles[b], rarity) for a, b in pairs]


def test_every_column_and_alignment_is_what_compare_gives_each_pair(corpus):
    profiles, rarity, pairs, fresh = corpus
    columns, alignments = compare_all(pairs, profiles, rarity, Engine())
    expected, _ = as_columns(fresh)
    for name in DTYPES:
        np.testing.assert_array_equal(columns[name], expected[name], err_msg=name)  # NaN where NaN
    assert alignments_of(alignments, np.arange(len(pairs))) == [f.alignment for f in fresh]
    # The pairs cover what the columns can say: equal titles, bodies saying a title, aligned criteria.
    assert {f.title_score for f in fresh} >= {1.0, 0.0}
    assert any(f.body_score is None for f in fresh) and any(f.body_score == 1.0 for f in fresh)
    assert sum(bool(f.alignment) for f in fresh) > 10


def test_pairs_left_unmarked_keep_no_alignment_and_no_criteria_score(corpus):
    profiles, rarity, pairs, fresh = corpus
    marked = np.arange(len(pairs)) % 3 == 0
    columns, alignments = compare_all(pairs, profiles, rarity, Engine(), marked)
    expected, _ = as_columns(fresh)
    assert np.isnan(columns["criteria_score"][~marked]).all()
    np.testing.assert_array_equal(columns["criteria_score"][marked], expected["criteria_score"][marked])
    for name in DTYPES.keys() - {"criteria_score"}:
        np.testing.assert_array_equal(columns[name], expected[name], err_msg=name)
    found = alignments_of(alignments, np.arange(len(pairs)))
    assert found == [f.alignment if mark else () for f, mark in zip(fresh, marked.tolist())]
