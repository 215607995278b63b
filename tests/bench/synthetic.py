"""A synthetic unit corpus at any size, made from the real units, with its true pairs known.

Each synthetic *competence* is a real unit (title, level, NOS code, criteria)
made distinct by two words drawn from the real criteria's vocabulary, as a sector
or context would ("... for premises hazard"). Each of ``schemes`` schemes states
the competence once, reworded as a successor standard would: a title word dropped
or a word added, a criterion left out, the level moved by one, the NOS code not
always stated. Some competences appear in one scheme only, so not every unit has a
partner. The true pairs are the versions of one competence in two schemes.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from pipeline.core.manifest import Entry
from pipeline.core.records import Criterion, Unit

_WORD = re.compile(r"[a-z]{5,}")
# Share of competences stated by a single scheme (units with no true partner).
SINGLE_SCHEME_SHARE = 0.1


@dataclass(frozen=True)
class SyntheticCorpus:
    """Units and criteria of several schemes, the manifest entries ordering them, and the true pairs."""

    units: list[Unit]
    criteria: list[Criterion]
    entries: list[Entry]
    true_pairs: frozenset[tuple[str, str]]  # (older scheme's unit key, newer scheme's unit key)


def synthetic_corpus(units: list[Unit], criteria: list[Criterion], n_units: int, schemes: int,
                     seed: int = 0) -> SyntheticCorpus:
    """About ``n_units`` units across ``schemes`` schemes, resampled and reworded from ``units``."""
    rng = random.Random(seed)
    by_unit: dict[str, list[str]] = defaultdict(list)
    for c in criteria:
        by_unit[c.unit_key].append(c.text)
    bases = sorted((u for u in units if u.title), key=lambda u: u.unit_key)
    vocabulary = sorted({w for c in criteria for w in _WORD.findall(c.text.lower())})
    names = [f"syn-{s}" for s in range(schemes)]
    out_units: list[Unit] = []
    out_criteria: list[Criterion] = []
    versions: list[list[str]] = []
    competence = 0
    while len(out_units) < n_units:
        base = rng.choice(bases)
        context = rng.sample(vocabulary, 2)
        stated = [rng.randrange(schemes)] if rng.random() < SINGLE_SCHEME_SHARE else range(schemes)
        keys = []
        for s in stated:
            unit = _version(rng, base, context, names[s], f"{s + 1}{competence:06d}")
            out_units.append(unit)
            out_criteria += _criteria(rng, unit, by_unit[base.unit_key], context)
            keys.append(unit.unit_key)
        versions.append(keys)
        competence += 1
    entries = [
        Entry(f"{name}-doc", f"{name}.txt", "Synthetic", name, None, published=dt.date(2000 + s, 1, 1),
              supersedes=(names[s - 1],) if s else ())
        for s, name in enumerate(names)
    ]
    # Keys within a competence are listed in scheme order, so each pair is (older, newer).
    true_pairs = frozenset(pair for keys in versions for pair in combinations(keys, 2))
    return SyntheticCorpus(out_units, out_criteria, entries, true_pairs)


def _version(rng: random.Random, base: Unit, context: list[str], scheme: str, code: str) -> Unit:
    words = base.title.split()
    if len(words) > 3 and rng.random() < 0.3:
        del words[rng.randrange(len(words))]
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words) + 1), rng.choice(("effective", "professional", "customer")))
    level = base.level
    if level is not None and rng.random() < 0.1:
        level = max(1, level + rng.choice((-1, 1)))
    nos = base.nos_code if rng.random() < 0.5 else None
    return Unit(unit_key=f"{scheme}:{code}", scheme=scheme, unit_code=code,
                title=f"{' '.join(words)} for {' '.join(context)}", level=level, nos_code=nos,
                has_body=True, doc_id=f"{scheme}-doc")


def _criteria(rng: random.Random, unit: Unit, texts: list[str], context: list[str]) -> list[Criterion]:
    kept = [t for t in texts if rng.random() < 0.85]
    return [
        Criterion(f"{unit.unit_key}#{n}", unit.unit_key, None, str(n), "assessment",
                  f"{text} {context[n % 2]}" if n % 3 == 0 else text, None, unit.doc_id)
        for n, text in enumerate(kept, start=1)
    ]
