"""The comparison features of many pairs at once, as columns (``pipeline.match.pairs``): what ``compare`` gives
each pair, to the bit, without a record for any of them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np

from pipeline.core.parallel import Engine
from pipeline.match.criteria import AlignedPair, Criteria, CriterionText, align, criteria_score
from pipeline.match.features import Rarities, UnitProfile, same_theme
from pipeline.match.normalise import Rarity
from pipeline.match.pairs import DTYPES, MISSING, Alignments
from pipeline.match.similarity import title_and_body

# Pairs per task when criteria alignment is spread over processes: about 0.3 s of work,
# so that shipping the units' criteria costs little beside aligning them.
PAIRS_PER_TASK = 500
# Aligning two units' criteria costs about 0.6 ms, what parsing 120 bytes of text costs:
# the unit in which the engine judges whether a pool is worth starting.
PAIR_WORK = 160

Pair = tuple[str, str]


def align_chunk(rarity: Rarity, chunk: tuple[tuple[Pair, ...], dict[str, tuple[CriterionText, ...]]]
                ) -> list[tuple[AlignedPair, ...]]:
    """``align`` of each pair of a chunk, from the criteria of the chunk's units (one worker's task)."""
    pairs, criteria = chunk
    ready = {key: Criteria.of(own, rarity) for key, own in criteria.items()}  # each unit's once, for all its pairs
    return [align(ready[a], ready[b], rarity) for a, b in pairs]


def compare_all(pairs: Sequence[Pair], profiles: dict[str, UnitProfile], rarity: Rarities, engine: Engine,
                align: np.ndarray | None = None) -> tuple[dict[str, np.ndarray], Alignments]:
    """The feature columns of every pair, in the order of ``pairs``, and their criterion alignments, spread over
    ``engine``: of every pair, or of the pairs ``align`` marks (the others have no alignment and an empty criteria
    score)."""
    units = _Units(pairs, profiles)
    counts = np.array([len(p.criteria) for p in units.profiles], dtype=np.int32)
    aligned = (counts[units.left] > 0) & (counts[units.right] > 0)
    # Aligning criteria is most of the work, and only the pairs whose units both list
    # criteria need it: those go to the engine in chunks (with only their criteria), while
    # this process compares every pair's titles, codes, levels and themes.
    both = np.flatnonzero(aligned if align is None else aligned & align).tolist()
    chunks = []
    for start in range(0, len(both), PAIRS_PER_TASK):
        part = tuple(pairs[i] for i in both[start:start + PAIRS_PER_TASK])
        chunks.append((part, {k: profiles[k].criteria for pair in part for k in pair}))
    found = engine.as_completed(partial(align_chunk, rarity.criteria), chunks,
                                [len(part) * PAIR_WORK for part, _ in chunks])
    listed: list[tuple[AlignedPair, ...]] = [()] * len(pairs)
    columns: dict[str, np.ndarray] = {}
    for index, alignments in found:
        for at, alignment in zip(both[index * PAIRS_PER_TASK:], alignments):
            listed[at] = alignment
        columns = columns or units.columns(rarity.title)  # while the other chunks are aligned
    columns = columns or units.columns(rarity.title)
    # Without an alignment a pair's criteria score is 0 where both units list criteria.
    score = np.where(aligned if align is None else aligned & align, 0.0, np.nan)
    score[both] = [round(criteria_score(listed[i], int(counts[units.left[i]]), int(counts[units.right[i]])) or 0.0, 4)
                   for i in both]
    columns.update(criteria_score=score, left_criteria=counts[units.left], right_criteria=counts[units.right])
    return {name: columns[name] for name in DTYPES}, Alignments.of(listed)


class _Units:
    """The units of pairs, each numbered once (``left``, ``right``: each pair's two), with their profiles."""

    def __init__(self, pairs: Sequence[Pair], profiles: dict[str, UnitProfile]) -> None:
        index: dict[str, int] = {}
        self.left = np.fromiter((index.setdefault(a, len(index)) for a, _ in pairs), dtype=np.int64, count=len(pairs))
        self.right = np.fromiter((index.setdefault(b, len(index)) for _, b in pairs), dtype=np.int64, count=len(pairs))
        self.profiles = [profiles[key] for key in index]

    def columns(self, rarity: Rarity) -> dict[str, np.ndarray]:
        """Every feature column but the criteria's: the units' own values looked up once each."""
        units, left, right = self.profiles, self.left, self.right
        title, left_within, right_within = title_and_body([p.title_words for p in units],
                                                          [p.body_words for p in units], left, right, rarity)
        uan, nos = (_codes([getattr(p.unit, name) for p in units]) for name in ("uan", "nos_code"))
        uan_equal, nos_equal = _equal(uan, left, right), _equal(nos, left, right)
        level = np.array([MISSING if p.unit.level is None else p.unit.level for p in units], dtype=np.int64)
        themes = {theme: i for i, theme in enumerate(dict.fromkeys(p.theme_words for p in units))}
        theme = np.array([themes[p.theme_words] for p in units], dtype=np.int64)
        unique = np.array([p.codes_unique for p in units], dtype=bool)
        return {
            "uan_equal": uan_equal,
            "nos_equal": nos_equal,
            "title_score": _scores(title),
            "level_diff": np.where((level[left] == MISSING) | (level[right] == MISSING), MISSING,
                                   np.abs(level[left] - level[right])).astype(DTYPES["level_diff"]),
            "theme_equal": _themes(list(themes), theme[left], theme[right]),
            # The better of the two directions.
            "body_score": _scores([b if a is None else a if b is None or a >= b else b
                                   for a, b in zip(left_within, right_within)]),
            "stated_identity": ((uan_equal == 1) | (nos_equal == 1)) & unique[left] & unique[right],
        }


def _codes(values: list[str | None]) -> np.ndarray:
    """Each unit's code as a number, the same for codes equal but for case and surrounding space; ``MISSING`` where
    it states none."""
    numbered: dict[str, int] = {}
    return np.array([numbered.setdefault(v.strip().casefold(), len(numbered)) if v else MISSING for v in values],
                    dtype=np.int64)


def _equal(codes: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Whether the two units of each pair state the same code: 1, 0, or ``MISSING`` where either states none."""
    found = np.where((codes[left] == MISSING) | (codes[right] == MISSING), MISSING, codes[left] == codes[right])
    return found.astype(DTYPES["uan_equal"])


def _themes(themes: list[frozenset[str] | None], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``same_theme`` of each pair's two themes (by number), each two themes met compared once."""
    code = left * len(themes) + right
    distinct, inverse = np.unique(code, return_inverse=True)
    same = [same_theme(themes[c // len(themes)], themes[c % len(themes)]) for c in distinct.tolist()]
    return np.array([MISSING if s is None else int(s) for s in same], dtype=DTYPES["theme_equal"])[inverse.reshape(-1)]


def _scores(values: Sequence[float | None]) -> np.ndarray:
    """Scores rounded as features hold them, NaN where there is none."""
    return np.array([np.nan if v is None else round(v, 4) for v in values], dtype=np.float64)
