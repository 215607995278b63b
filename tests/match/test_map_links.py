"""The map's links sought again once pairs are added (the pairs a bridge brings): anew only where an added pair
reaches, and the same links as when sought among all the pairs."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.match.candidates import MATCH, POSSIBLE, Candidates
from pipeline.match.overrides import Override
from pipeline.match.succession import Supersession
from pipeline.match.unit_map import Earlier, map_links
from tests.match.factories import unit

OLDS = [unit("old", str(n), f"Old unit {n}") for n in range(10)]
NEWS = [unit("new", str(n), f"New unit {n}") for n in range(10)]
UNITS = {u.unit_key: u for u in OLDS + NEWS}
KEYS = tuple(sorted(UNITS))
SUCCESSION = [Supersession("old", "new", "old-to-new", None)]


def _candidates(rows: list[tuple[int, int, float, float, int]]) -> Candidates:
    """Pairs (old unit, new unit, match weight, title score, decision), units by their place in OLDS and NEWS."""
    at = {key: i for i, key in enumerate(KEYS)}
    weight = np.array([w for _, _, w, _, _ in rows], dtype=np.float64)
    title = np.array([t for _, _, _, t, _ in rows], dtype=np.float64)
    return Candidates(KEYS, np.array([at[OLDS[o].unit_key] for o, _, _, _, _ in rows], dtype=np.int64),
                      np.array([at[NEWS[n].unit_key] for _, n, _, _, _ in rows], dtype=np.int64), weight,
                      1 / (1 + 2.0 ** -weight), title, np.zeros(len(rows)), title == 1.0,
                      np.array([d for _, _, _, _, d in rows], dtype=np.int8))


@pytest.mark.parametrize("seed", range(40))
def test_links_sought_again_where_added_pairs_reach_are_the_links_of_all_the_pairs(seed):
    rng = np.random.default_rng(seed)
    # Few units, few weights and titles: rivals, ties, splits and folds, and added pairs among the pairs there were.
    cells = rng.choice(len(OLDS) * len(NEWS), size=24, replace=False).tolist()
    rows = [(cell // len(NEWS), cell % len(NEWS), float(rng.choice([1.0, 2.0, 4.0, 8.0])),
             float(rng.choice([0.4, 0.7, 1.0])), int(rng.choice([MATCH, POSSIBLE]))) for cell in cells]
    kept = int(rng.integers(10, 24))
    confirmed = OLDS[int(rng.integers(len(OLDS)))].unit_key, NEWS[int(rng.integers(len(NEWS)))].unit_key
    overrides = {confirmed: Override(*confirmed, "confirm", "", 2)}
    before = _candidates(rows[:kept])
    earlier = map_links(UNITS, SUCCESSION, before, overrides)
    after = _candidates(rows)
    assert map_links(UNITS, SUCCESSION, after, overrides, None, Earlier(earlier, len(before))) == map_links(
        UNITS, SUCCESSION, after, overrides)


def test_links_no_added_pair_reaches_are_taken_as_they_were():
    # Old 0 and new 0 link; an added pair of old 1 and new 1 reaches neither.
    before = _candidates([(0, 0, 8.0, 0.7, MATCH)])
    earlier = map_links(UNITS, SUCCESSION, before, {})
    after = _candidates([(0, 0, 8.0, 0.7, MATCH), (1, 1, 4.0, 0.7, MATCH), (1, 0, 2.0, 0.4, MATCH)])
    found = map_links(UNITS, SUCCESSION, after, {}, None, Earlier(earlier, 1))
    # The added pair of old 1 and new 0 joins the two: both parts are linked anew, and old 1 links to new 1 alone.
    assert found[0].pairs == [(OLDS[0].unit_key, NEWS[0].unit_key), (OLDS[1].unit_key, NEWS[1].unit_key)]
    assert found == map_links(UNITS, SUCCESSION, after, {})
