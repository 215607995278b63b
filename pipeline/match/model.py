"""The matcher's weights, estimated from the data: Fellegi–Sunter m and u by expectation maximisation.

As splink trains a model: ``u`` (how often each level happens to two unrelated
units) is counted on random cross-scheme pairs; then ``m`` (how often it happens
to one competence) and the share of matches among the candidate pairs are
estimated by EM over the candidate pairs, taken as the distinct patterns of levels they
land on with how many pairs land on each: exact, and never more rows than the product of the
comparisons' level counts, however many pairs there are.

- Random pairs are not all unrelated where a few standards recur in every scheme
  (one in seventy random pairs of ``raw/`` is the same standard), so at each step
  a random pair counts towards ``u`` only by its chance of not being a match.
- A sample cannot see a level rarer than one pair in its size, and strong
  agreement (an identical title) is far rarer than that among unrelated units of
  a large corpus; blocking, though, proposes nearly every pair that agrees that
  strongly. A level that fewer than ``MIN_SEEN`` random pairs reach has its u
  counted over the candidates instead (each by its chance of not being a
  match), against all cross-scheme pairs.
- The share of matches among the candidates is read back as the chance that two
  random units of different schemes match (the prior), as splink adjusts it for
  a blocking rule: blocking keeps nearly every match.
- The comparisons' own m and u are the starting values, and a weak prior
  (``PRIOR_PAIRS`` pseudo-pairs), so that a level no pair lands on keeps a
  finite weight.
- A comparison's levels run from the strongest agreement to the weakest, so
  their Bayes factors must not rise down the list: where EM's estimate does (a
  handful of pairs on a level), adjacent levels are pooled
  (pool-adjacent-violators), as an isotonic fit does.

Own code rather than splink on DuckDB: the comparisons' features (criterion
alignment, rarity-weighted word agreement) are computed in Python and are not SQL
expressions, so splink would only be handed the level of each pair, and EM over a
matrix of level indices is a few lines of numpy; splink would add a large
dependency for it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.match.comparisons import Comparison

# Random pairs counted for u: enough that a level one pair in a hundred lands on is seen.
RANDOM_PAIRS = 3000
# Below this many (weighted) random pairs on a level, the sample cannot measure its u.
MIN_SEEN = 10
# Random pairs drawn among the units one comparison can compare (criteria, a unit reference, a NOS code):
# aligning criteria costs about a millisecond a pair.
OWN_RANDOM_PAIRS = 500
SEED = 17
# Weight of the starting values, in pairs, in every estimate.
PRIOR_PAIRS = 2.0
MAX_ITERATIONS = 200
TOLERANCE = 1e-5
# The share of matches EM starts from.
START_MATCH_SHARE = 0.1
# Probabilities are kept to this many significant digits, so the same data gives the same bytes.
DIGITS = 8


@dataclass(frozen=True)
class Model:
    """The fitted comparisons (levels with their m and u), the prior match probability, and how it was fitted."""

    comparisons: tuple[Comparison, ...]
    prior: float
    iterations: int
    converged: bool
    pairs: int
    random_pairs: int

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1.0 - self.prior))

    def to_json(self) -> dict[str, object]:
        """The model as ``mappings/model.json`` holds it: each comparison's levels with m, u and Bayes factor."""
        return {
            "method": "Fellegi-Sunter; u from random cross-scheme pairs, m and the prior by expectation maximisation",
            "prior_match_probability": self.prior,
            "prior_weight": round(self.prior_weight, 6),
            "em_iterations": self.iterations,
            "em_converged": self.converged,
            "candidate_pairs": self.pairs,
            "random_pairs": self.random_pairs,
            "comparisons": [
                {
                    "name": c.name,
                    "feature": c.feature,
                    "levels": [
                        {"label": level.label, "m": level.m, "u": level.u,
                         "bayes_factor": None if level.is_null else round(2.0 ** level.weight, 6),
                         "weight": None if level.is_null else round(level.weight, 6)}
                        for level in c.levels
                    ],
                }
                for c in self.comparisons
            ],
        }


def level_indexes(comparisons: Sequence[Comparison], rows: Sequence[Sequence[object]]) -> np.ndarray:
    """The level each row (feature values in comparison order) lands on, per comparison (0: null)."""
    out = np.zeros((len(rows), len(comparisons)), dtype=np.int64)
    for j, comparison in enumerate(comparisons):
        seen: dict[tuple[type, object], int] = {}  # typed: True and 1.0 land on different levels
        column = [seen[(type(v), v)] if (type(v), v) in seen else seen.setdefault((type(v), v), comparison.index(v))
                  for v in (row[j] for row in rows)]
        out[:, j] = column
    return out


def _starting(comparison: Comparison, side: str) -> np.ndarray:
    values = [getattr(level, side) or 0.0 for level in comparison.levels]
    return np.array(values, dtype=np.float64)


def _counted(indexes: np.ndarray, weights: np.ndarray, size: int, start: np.ndarray) -> np.ndarray:
    """Weighted share of rows on each non-null level, pulled towards ``start`` by ``PRIOR_PAIRS``."""
    counts = np.bincount(indexes, weights=weights, minlength=size).astype(np.float64)
    counts[0] = 0.0
    shares: np.ndarray = (counts + PRIOR_PAIRS * start) / (counts.sum() + PRIOR_PAIRS * start[1:].sum())
    shares[0] = 0.0
    return shares


def _match_chance(gamma: np.ndarray, ms: list[np.ndarray], us: list[np.ndarray], prior: float) -> np.ndarray:
    """Each pair's chance of being a match under the model (the null level counting for nothing)."""
    odds = np.full(len(gamma), math.log(prior) - math.log1p(-prior))
    for j in range(gamma.shape[1]):
        levels = gamma[:, j]
        present = levels > 0
        odds[present] += np.log(ms[j][levels[present]]) - np.log(us[j][levels[present]])
    chance: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(odds, -700, 700)))
    return chance


def _unmatched(samples: list[np.ndarray], candidates: np.ndarray, unmatched: np.ndarray, all_pairs: int,
               ms: list[np.ndarray], us: list[np.ndarray], prior: float,
               comparisons: Sequence[Comparison]) -> list[np.ndarray]:
    """u: each comparison's level shares among random pairs, each pair weighed by its chance of not being a
    match; for a level too few random pairs reach, its share among the candidates over all pairs."""
    out = []
    chances: dict[int, np.ndarray] = {}  # comparisons that share a sample weigh its pairs once
    for j, c in enumerate(comparisons):
        gamma = samples[j]
        if id(gamma) not in chances:
            chances[id(gamma)] = 1.0 - _match_chance(gamma, ms, us, prior) if len(gamma) else np.zeros(0)
        weights = chances[id(gamma)]
        levels = np.bincount(gamma[:, j], weights=weights, minlength=len(c.levels)).astype(np.float64)
        reached = levels[1:].sum()
        sampled = levels / reached if reached else np.zeros(len(c.levels))
        # How many of all cross-scheme pairs this comparison reaches (not null), as the sample says.
        reaching = all_pairs * (float((gamma[:, j] > 0).mean()) if len(gamma) else 1.0)
        counted = np.bincount(candidates[:, j], weights=unmatched, minlength=len(c.levels)) / max(reaching, 1.0)
        u = np.maximum(np.where(levels >= MIN_SEEN, sampled, counted), 0.5 / max(reaching, 1.0))
        u[0] = 0.0
        out.append(u / u[1:].sum())
    return out


def monotone(m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """m adjusted so that m/u does not rise from one non-null level to the next (adjacent violators pooled)."""
    blocks: list[list[float]] = []  # [m, u, first level, last level]
    for i in range(1, len(m)):
        blocks.append([float(m[i]), float(u[i]), float(i), float(i)])
        while len(blocks) > 1 and blocks[-1][0] * blocks[-2][1] > blocks[-2][0] * blocks[-1][1]:
            popped = blocks.pop()
            blocks[-1] = [blocks[-1][0] + popped[0], blocks[-1][1] + popped[1], blocks[-1][2], popped[3]]
    out = m.copy()
    for block_m, block_u, first, last in blocks:
        out[int(first):int(last) + 1] = u[int(first):int(last) + 1] * (block_m / block_u)
    return out


def fit(comparisons: Sequence[Comparison], candidates: tuple[np.ndarray, np.ndarray],
        random: Sequence[Sequence[object]], all_pairs: int,
        own_random: Mapping[str, Sequence[Sequence[object]]] | None = None) -> Model:
    """The comparisons with m and u estimated from ``candidates`` (the distinct level patterns of the candidate
    pairs, one row each with levels in comparison order, and how many pairs land on each: EM over these counts is
    EM over the pairs) and
    ``random`` (feature values of random pairs), and the prior over ``all_pairs`` cross-scheme pairs.

    ``own_random`` gives a comparison (by name) its own random pairs, drawn among the units it can compare
    (criteria are compared only where both units list some: a few of all random pairs).
    """
    gamma, counts = candidates[0], candidates[1].astype(np.float64)
    total = float(counts.sum())
    random_gamma = level_indexes(comparisons, random)
    samples = [level_indexes(comparisons, (own_random or {})[c.name]) if c.name in (own_random or {})
               else random_gamma for c in comparisons]
    ms = [_counted(np.zeros(0, dtype=np.int64), np.zeros(0), len(c.levels), _starting(c, "m")) for c in comparisons]
    us = [_counted(np.zeros(0, dtype=np.int64), np.zeros(0), len(c.levels), _starting(c, "u")) for c in comparisons]
    share = START_MATCH_SHARE
    match = np.full(len(gamma), share)
    scale = total / all_pairs if all_pairs else 0.0  # candidates' match share -> random pairs'
    iterations, converged = 0, not total
    while total and iterations < MAX_ITERATIONS:
        iterations += 1
        us = _unmatched(samples, gamma, (1.0 - match) * counts, all_pairs, ms, us, max(share * scale, 1e-9),
                        comparisons)
        match = _match_chance(gamma, ms, us, share)  # E step
        # M step: m from the candidates weighed by their chance of being a match.
        new_ms = [monotone(_counted(gamma[:, j], match * counts, len(c.levels), _starting(c, "m")), us[j])
                  for j, c in enumerate(comparisons)]
        new_share = float(np.clip((match * counts).sum() / total, 1e-6, 1 - 1e-6))
        change = max([abs(new_share - share)] + [float(np.abs(a - b).max()) for a, b in zip(new_ms, ms)])
        ms, share = new_ms, new_share
        if change < TOLERANCE:
            converged = True
            break
    ms = [monotone(m, u) for m, u in zip(ms, us)]
    fitted = tuple(
        dataclasses.replace(c, levels=tuple(
            level if level.is_null else dataclasses.replace(level, m=_kept(m[i]), u=_kept(u[i]))
            for i, level in enumerate(c.levels)))
        for c, m, u in zip(comparisons, ms, us)
    )
    prior = min(share * scale, 1 - 1e-6) if all_pairs else START_MATCH_SHARE
    return Model(fitted, _kept(max(prior, 1e-12)), iterations, converged, int(total), len(random))


def _kept(value: float) -> float:
    """A probability to ``DIGITS`` significant digits, never 0 (its weight must stay finite)."""
    return max(float(f"{float(value):.{DIGITS}g}"), 1e-300)


def random_pairs(keys_by_scheme: dict[str, list[str]], count: int = RANDOM_PAIRS) -> list[tuple[str, str]]:
    """Up to ``count`` distinct pairs of units of two different schemes, drawn with a fixed seed."""
    schemes = sorted(s for s, keys in keys_by_scheme.items() if keys)
    keys = [k for s in schemes for k in sorted(keys_by_scheme[s])]
    scheme_of = np.repeat(np.arange(len(schemes)), [len(keys_by_scheme[s]) for s in schemes])
    if len(schemes) < 2:
        return []
    rng = np.random.default_rng(SEED)
    found: dict[tuple[int, int], None] = {}
    for _ in range(20):  # a few rounds: draws within one scheme or repeated are dropped
        a = rng.integers(0, len(keys), size=2 * count)
        b = rng.integers(0, len(keys), size=2 * count)
        for i, j in zip(a.tolist(), b.tolist()):
            if scheme_of[i] != scheme_of[j]:
                found.setdefault((min(i, j), max(i, j)), None)
                if len(found) == count:
                    return [(keys[i], keys[j]) for i, j in found]
    return [(keys[i], keys[j]) for i, j in found]
