"""Each old unit's nearest candidate, which the map quotes in the row of an old unit left without a successor."""

from __future__ import annotations

import numpy as np

from pipeline.core.parallel import Engine
from pipeline.match.compared import Compared
from pipeline.match.features import prepare, rarities
from pipeline.match.pairs import DTYPES, Alignments, PairColumns
from pipeline.match.scoring import Scored
from tests.match.factories import unit

# Three units of an old scheme, two of the scheme that supersedes it, and one of a scheme that supersedes nothing.
PAINT = unit("old", "1", "Paint interior walls")
PAPER = unit("old", "2", "Hang wallpaper")
TILE = unit("old", "3", "Lay floor tiles")
WALLS = unit("new", "A", "Prepare and paint walls")
FLOORS = unit("new", "B", "Finish floors")
SIDE = unit("side", "S", "Paint exterior walls")


def _compared(pairs: list[tuple[str, str, float]]) -> Compared:
    """The pairs given (old key, other key, score), in that order, compared and scored."""
    units = [PAINT, PAPER, TILE, WALLS, FLOORS, SIDE]
    profiles = prepare(units, [])
    keys = tuple(sorted(profiles))
    columns = PairColumns(keys)
    size = len(pairs)
    columns.extend_columns(np.array([keys.index(a) for a, _, _ in pairs]), np.array([keys.index(b) for _, b, _ in pairs]),
                           {name: np.zeros(size, dtype=dtype) for name, dtype in DTYPES.items()},
                           Alignments.of([()] * size))
    compared = Compared(columns, profiles, rarities(profiles), Engine(), hashes=None)  # type: ignore[arg-type]
    score = np.array([s for _, _, s in pairs])
    compared.scored = Scored(score, score, np.zeros(size, dtype=np.int8), np.zeros(size, dtype=np.int8),
                             scorer=None)  # type: ignore[arg-type]
    return compared


def test_the_nearest_candidate_is_found_for_the_old_units_asked_about_alone():
    compared = _compared([
        (PAINT.unit_key, WALLS.unit_key, 0.6),
        (PAINT.unit_key, FLOORS.unit_key, 0.2),
        (PAINT.unit_key, SIDE.unit_key, 0.9),  # a scheme that does not supersede the old one: never the nearest
        (PAPER.unit_key, WALLS.unit_key, 0.4),
        (TILE.unit_key, FLOORS.unit_key, 0.3),
        (TILE.unit_key, WALLS.unit_key, 0.3),  # a tie: the greater key wins
    ])
    rows = compared.nearest({("old", "new")}, [PAINT.unit_key, TILE.unit_key])
    assert sorted(compared.pairs.pair(row) for row in rows.tolist()) == [
        (PAINT.unit_key, WALLS.unit_key),
        (TILE.unit_key, max(FLOORS.unit_key, WALLS.unit_key)),
    ]
    assert compared.nearest({("old", "new")}, []).tolist() == []
