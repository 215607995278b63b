"""The pairs of one match run: compared (or kept from an earlier run), scored, and read as records where needed.

Pairs are held as columns (``pipeline.match.pairs``); their ``UnitMatch`` records
are built only for the rows the review and a person's decisions read (``read``), once,
and kept by pair in ``records``; the map reads its pairs' features, scores and decisions
from the columns (``pipeline.match.unit_map``). The successor links, families and
bridges read columns (``pipeline.match.candidates``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from pipeline.core.parallel import Engine
from pipeline.core.records import UnitMatch
from pipeline.match.candidates import sorted_rows
from pipeline.match.feature_columns import compare_all
from pipeline.match.features import Rarities, UnitProfile
from pipeline.match.kept import Hashes, Kept, Reads
from pipeline.match.pairs import DTYPES, FROM_ALIGNMENT, NO_ROW, Alignments, PairColumns
from pipeline.match.scoring import Scored, Scorer

# Pairs compared at a time: their records live only until they are columns.
CHUNK = 20_000

Pair = tuple[str, str]


@dataclass
class Compared:
    """The run's pairs as columns, their scores once a model is fitted, and the records read so far."""

    pairs: PairColumns
    profiles: dict[str, UnitProfile]
    rarity: Rarities
    engine: Engine
    hashes: Hashes  # each unit's profile hashes, by position
    compared: int = 0  # pairs compared in this run, not kept from an earlier one
    aligned: int = 0  # of those, the pairs whose criteria (both units listing some) were aligned in this run
    scorer: Scorer | None = None
    scored: Scored | None = None
    records: dict[Pair, UnitMatch] = field(default_factory=dict)
    reads: Reads = field(default_factory=Reads)  # what was read of the kept pairs, and the pairs kept nowhere
    # The row here of each kept row read whole (``NO_ROW`` for the others): a kept row asked for again is taken from
    # the columns, not read from its file again.
    taken: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def add(self, left: np.ndarray, right: np.ndarray, kept: Kept | None = None) -> None:
        """Add pairs (positions, older scheme first) not yet here: their features as ``kept`` keeps them, else
        compared now, their criteria aligned only where ``kept`` does not keep the alignment of the same two."""
        kept = kept or Kept.read(None)
        found = kept.found(left, right, self.hashes)
        out: dict[str, np.ndarray] = {name: np.zeros(len(left), dtype=dtype) for name, dtype in DTYPES.items()}
        # A pair whose alignment alone is kept is read whole too: its other columns are compared again below.
        read_at, rows = np.concatenate([found.at, found.aligned_at]), np.concatenate([found.rows, found.aligned_rows])
        here = self.taken[rows] if kept.segments and kept.segments == self.reads.segments else np.full_like(rows, NO_ROW)
        again = here != NO_ROW
        for name in DTYPES:
            out[name][read_at[again]] = self.pairs.columns[name][here[again]]
        aligned = [(read_at[~again], kept.read_rows(rows[~again], out, read_at[~again]))]
        if again.any():
            aligned.append((read_at[again], self.pairs.alignments.of_rows(here[again])))
        wanted = np.ones(len(left), dtype=bool)
        wanted[found.at] = False
        missing = np.flatnonzero(wanted)
        self.reads.note(kept, found.rows, wanted.copy())  # the pairs no kept row holds are kept anew
        wanted[found.aligned_at] = False  # what is left to align
        keys = self.pairs.keys
        for start in range(0, len(missing), CHUNK):
            part = missing[start:start + CHUNK]
            again = wanted[part]
            named = [(keys[a], keys[b]) for a, b in zip(left[part].tolist(), right[part].tolist())]
            part_columns, part_aligned = compare_all(named, self.profiles, self.rarity, self.engine, again)
            for name in DTYPES:
                taken = again if name in FROM_ALIGNMENT else slice(None)
                out[name][part[taken]] = part_columns[name][taken]
            aligned.append((part[again], part_aligned.of_rows(np.flatnonzero(again))))
        first = len(self.pairs)
        self.pairs.extend_columns(left, right, out, Alignments.placed(len(left), aligned))
        if kept.segments:
            if not len(self.taken):
                self.taken = np.full(len(kept), NO_ROW, dtype=np.int64)
            self.taken[found.rows] = first + found.at
        self.compared += len(missing)
        # Only a pair whose two units both list criteria has any to align.
        self.aligned += int(np.count_nonzero(wanted & (out["left_criteria"] > 0) & (out["right_criteria"] > 0)))
        if self.scorer is not None and self.scored is not None:
            self.scored = self.scored.extended(self.scorer.score_columns(self.pairs, np.arange(first, len(self.pairs))))

    def add_pairs(self, pairs: Sequence[Pair]) -> None:
        """Add pairs named by unit key (older scheme first) that are not here yet."""
        named = list(dict.fromkeys(pairs))
        new = [p for p, row in zip(named, self.pairs.rows(named).tolist()) if row == NO_ROW]
        if new:
            position = self.pairs.position
            self.add(np.array([position(a) for a, _ in new], dtype=np.int64),
                     np.array([position(b) for _, b in new], dtype=np.int64))
        self.read_pairs(pairs)

    def score(self, scorer: Scorer, patterns: np.ndarray, inverse: np.ndarray) -> Scored:
        """Score every pair with ``scorer`` (``patterns``: their distinct level patterns, each pair's at
        ``inverse``), and the pairs added later as they come."""
        self.scorer = scorer
        self.scored = scorer.score_patterns(self.pairs, np.arange(len(self.pairs)), patterns, inverse)
        return self.scored

    def read(self, rows: np.ndarray) -> None:
        """Build the records of ``rows`` (with their explanations) not read yet: each is built once."""
        assert self.scored is not None, "pairs are read once scored"
        new = np.array([row for row in rows.tolist() if self.pairs.pair(row) not in self.records], dtype=np.int64)
        self.records.update(((record.left_key, record.right_key), record)
                            for record in self.scored.records(self.pairs, new))

    def read_pairs(self, pairs: Sequence[Pair]) -> None:
        """Build the records of pairs named by unit key."""
        rows = self.pairs.rows(pairs)
        self.read(rows[rows != NO_ROW])

    def nearest(self, superseded: set[tuple[str, str]], olds: Iterable[str]) -> np.ndarray:
        """For each of ``olds`` (old units' keys), its candidate of a scheme that supersedes its own with the greatest
        score (then the greatest key): the rows, where ``superseded`` holds (old scheme, new scheme) pairs."""
        assert self.scored is not None
        wanted = np.zeros(len(self.pairs.keys), dtype=np.bool_)
        wanted[[self.pairs.position(key) for key in olds]] = True
        rows = np.flatnonzero(wanted[self.pairs.left])  # the pairs of the old units asked about alone are ranked
        left, right = self.pairs.left[rows], self.pairs.right[rows]
        # The schemes of the units of those pairs alone, as numbers.
        units = np.flatnonzero(np.bincount(np.concatenate([left, right]), minlength=len(wanted)))
        schemes = [self.profiles[self.pairs.keys[unit]].scheme for unit in units.tolist()]
        names = sorted(set(schemes))
        code = {s: i for i, s in enumerate(names)}
        of = np.zeros(len(wanted), dtype=np.int64)
        of[units] = [code[s] for s in schemes]
        allowed = np.array([code[a] * len(names) + code[b] for a, b in superseded if a in code and b in code],
                           dtype=np.int64)
        rows = rows[np.isin(of[left] * len(names) + of[right], allowed)]
        left, right = self.pairs.left[rows], self.pairs.right[rows]
        order = sorted_rows([left, self.scored.score[rows], right])
        ranked = rows[order]
        last = np.append(left[order][1:] != left[order][:-1], True) if len(ranked) else np.zeros(0, dtype=bool)
        nearest: np.ndarray = ranked[last]
        return nearest
