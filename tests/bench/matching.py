"""Matching at scale on the synthetic corpus: time, memory, blocking recall, recall against exhaustive comparison, and
a release that adds one handbook.

``make bench`` runs each of the two runs as ``python -m tests.bench.matching first|again UNITS KEPT RESULTS.json``,
in a process of its own, as a release runs: the peak memory each reports is the match stage's (with the corpus it
matches), not what the bench's other stages or the first run left behind."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import resource
import sys
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
from tests.bench.synthetic import SyntheticCorpus, synthetic_corpus
from tests.conftest import manifest, parsed

SCHEMES = 4
EXHAUSTIVE_UNITS = 5_000
# The handbook a release adds to the corpus, matched again with the first run's pairs kept.
ADDED_UNITS = 60
# The top title level of the matcher: titles that alone make a pair likely
# (comparisons.TITLE, ">= 0.80").
TITLE_EVIDENCE = 0.8


def _real():
    entries = list(manifest().values())
    corpus = build_corpus({e.doc_id: parsed(e.doc_id) for e in entries}, entries, "nos-2010")
    return corpus.units, corpus.criteria


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def match_at_scale(n_units: int, kept: Path, say: Callable[[str, str], None]) -> dict[str, float]:
    """The whole match stage on ``n_units`` synthetic units, its pairs kept in ``kept``: seconds, blocking recall
    and peak RSS."""
    units, criteria = _real()
    corpus = synthetic_corpus(units, criteria, n_units, SCHEMES)
    with Engine(default_workers()) as engine:
        start = time.perf_counter()
        result = match_corpus(corpus.units, corpus.criteria, corpus.entries, _no_overrides(kept), engine=engine,
                              kept=kept)
        seconds = time.perf_counter() - start
        peak = _peak_mb()
    scored = {(m.left_key, m.right_key): m.decision for m in result.unit_matches}
    recall = sum(p in scored for p in corpus.true_pairs) / len(corpus.true_pairs)
    matched = sum(scored.get(p) == "match" for p in corpus.true_pairs) / len(corpus.true_pairs)
    say(f"match {len(corpus.units)} units x {SCHEMES} schemes ({len(scored)} pairs scored)",
        f"{seconds:8.1f} s")
    say("  peak RSS", f"{peak:8.0f} MB  target <= 1000")
    say(f"  blocking recall on {len(corpus.true_pairs)} true pairs", f"{recall:8.4f}")
    say("  true pairs decided match", f"{matched:8.4f}")
    say(f"  blocking recall vs exhaustive titles, {EXHAUSTIVE_UNITS} units", f"{exhaustive_recall(units, criteria):8.4f}")
    return {"match_100k_seconds": seconds, "blocking_recall": recall, "match_peak_rss_mb_100k": peak}


def match_again(n_units: int, kept: Path, say: Callable[[str, str], None]) -> dict[str, float]:
    """The match stage on the same units with a 60-unit handbook added, the first run's pairs in ``kept``: seconds
    and peak RSS of a release."""
    units, criteria = _real()
    corpus = synthetic_corpus(units, criteria, n_units, SCHEMES)
    added = added_handbook(units, criteria, corpus)
    with Engine(default_workers()) as engine:
        start = time.perf_counter()
        again = match_corpus(corpus.units + added.units, corpus.criteria + added.criteria,
                             corpus.entries + added.entries, _no_overrides(kept), engine=engine, kept=kept)
        incremental = time.perf_counter() - start
        peak = _peak_mb()
    say(f"  again with a {ADDED_UNITS}-unit handbook added ({again.summary['pairs_compared']} pairs compared, "
        f"{again.summary['pairs_kept']} kept)", f"{incremental:8.1f} s  target <= 5")
    say("    its peak RSS", f"{peak:8.0f} MB  target <= 1000")
    return {"incremental_match_seconds": incremental, "incremental_match_peak_rss_mb": peak}


def _no_overrides(kept: Path) -> Path:
    """An overrides file with no decision, beside the kept folder."""
    path = kept.parent / "overrides.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("from_key,to_key,decision,note\n", encoding="utf-8")
    return path


def added_handbook(units, criteria, corpus: SyntheticCorpus) -> SyntheticCorpus:
    """A handbook of ``ADDED_UNITS`` units of a new scheme that supersedes the corpus's newest."""
    made = synthetic_corpus(units, criteria, ADDED_UNITS, 1, seed=7)
    newest = corpus.entries[-1]
    scheme = f"syn-{len(corpus.entries)}"

    def moved(key: str) -> str:
        return f"{scheme}:{key.split(':', 1)[1]}"

    return SyntheticCorpus(
        [dataclasses.replace(u, unit_key=moved(u.unit_key), scheme=scheme, doc_id=f"{scheme}-doc") for u in made.units],
        [dataclasses.replace(c, criterion_key=moved(c.criterion_key), unit_key=moved(c.unit_key),
                             doc_id=f"{scheme}-doc") for c in made.criteria],
        [dataclasses.replace(made.entries[0], doc_id=f"{scheme}-doc", path=f"{scheme}.txt", scheme=scheme,
                             qualification=scheme, published=dt.date(newest.published.year + 1, 1, 1),
                             supersedes=(newest.scheme,))],
        frozenset(),
    )


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


if __name__ == "__main__":
    from tests.bench.run import say

    step, units_wanted, kept_folder, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    measure = {"first": match_at_scale, "again": match_again}[step]
    out.write_text(json.dumps(measure(units_wanted, kept_folder, say)), encoding="utf-8")
