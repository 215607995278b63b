"""Matching at scale on the synthetic corpus: time, blocking recall, and recall against exhaustive comparison."""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import numpy as np

from pipeline.core.parallel import Engine, default_workers
from pipeline.match import match_corpus
from pipeline.match.blocking import block
from pipeline.match.features import prepare, rarities
from pipeline.match.similarity import overlap_matrix
from pipeline.match.succession import scheme_rank
from pipeline.parse.corpus import build_corpus
from tests.bench.synthetic import synthetic_corpus
from tests.conftest import manifest, parsed

SCHEMES = 4
EXHAUSTIVE_UNITS = 5_000
# The top title level of the matcher: titles that alone make a pair likely
# (comparisons.TITLE, ">= 0.80").
TITLE_EVIDENCE = 0.8


def _real():
    entries = list(manifest().values())
    corpus = build_corpus({e.doc_id: parsed(e.doc_id) for e in entries}, entries, "nos-2010")
    return corpus.units, corpus.criteria


def match_at_scale(n_units: int, say: Callable[[str, str], None]) -> tuple[float, float]:
    """The whole match stage on ``n_units`` synthetic units; returns (seconds, blocking recall)."""
    units, criteria = _real()
    corpus = synthetic_corpus(units, criteria, n_units, SCHEMES)
    with tempfile.TemporaryDirectory() as tmp:
        overrides = Path(tmp) / "overrides.csv"
        overrides.write_text("from_key,to_key,decision,note\n", encoding="utf-8")
        start = time.perf_counter()
        result = match_corpus(corpus.units, corpus.criteria, corpus.entries, overrides,
                              engine=Engine(default_workers()))
        seconds = time.perf_counter() - start
    scored = {(m.left_key, m.right_key): m.decision for m in result.unit_matches}
    recall = sum(p in scored for p in corpus.true_pairs) / len(corpus.true_pairs)
    matched = sum(scored.get(p) == "match" for p in corpus.true_pairs) / len(corpus.true_pairs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"match {len(corpus.units)} units x {SCHEMES} schemes ({len(scored)} pairs scored)",
        f"{seconds:8.1f} s  (peak RSS {peak:.0f} MB)")
    say(f"  blocking recall on {len(corpus.true_pairs)} true pairs", f"{recall:8.4f}")
    say("  true pairs decided match", f"{matched:8.4f}")
    say(f"  blocking recall vs exhaustive titles, {EXHAUSTIVE_UNITS} units", f"{exhaustive_recall(units, criteria):8.4f}")
    return seconds, recall


def exhaustive_recall(units, criteria) -> float:
    """Of the pairs whose titles an exhaustive comparison scores as evidence, the share blocking proposes."""
    corpus = synthetic_corpus(units, criteria, EXHAUSTIVE_UNITS, SCHEMES, seed=1)
    profiles = prepare(corpus.units, corpus.criteria)
    rank = scheme_rank(corpus.entries, {u.scheme for u in corpus.units})
    proposed = set(block(profiles, rank.__getitem__).pairs)
    rarity = rarities(profiles).title
    by_scheme: dict[str, list] = {}
    for p in sorted(profiles.values(), key=lambda p: p.key):
        by_scheme.setdefault(p.scheme, []).append(p)
    wanted = found = 0
    for older, newer in combinations(sorted(by_scheme, key=rank.__getitem__), 2):
        left, right = by_scheme[older], by_scheme[newer]
        scores = overlap_matrix([p.title_words for p in left], [p.title_words for p in right], rarity)
        for i, j in zip(*np.nonzero(scores >= TITLE_EVIDENCE)):
            a, b = left[i], right[j]
            if a.unit.level is not None and b.unit.level is not None and abs(a.unit.level - b.unit.level) > 1:
                continue
            wanted += 1
            found += (a.key, b.key) in proposed
    return found / wanted if wanted else 1.0
