"""Kept pairs: a pair compared once is not compared again while neither unit's profile changes.

A pair's features are a function of its two units' *profiles as the matcher sees
them*: the unit's codes and level, its normalised title, theme, body and criteria
words, and what the corpus makes of those words (each word's rarity weight and the
words learned to stand in for it). ``profile_hashes`` hashes exactly that, so the
features of a pair whose two hashes were seen together before are the features a
new comparison would give, to the byte. A release that adds a handbook compares the
pairs that touch its units, and those of the few units whose words' weights moved
(weights move by steps: ``pipeline.match.normalise.stepped``); the model, scores,
families and the map are rebuilt from all the pairs.

The kept features live in one Parquet file in a folder named by the match stage's
code and libraries (``pipeline.match.cache.kept_folder``), so a change to either
starts afresh.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.match.criteria import AlignedPair
from pipeline.match.features import Features, Rarities, UnitProfile
from pipeline.store import atomic

FILE = "pairs.parquet"

_ALIGNED = pa.struct([("left_key", pa.string()), ("right_key", pa.string()), ("score", pa.float64())])
_FIELDS: list[tuple[str, pa.DataType]] = [
    ("left_profile", pa.string()), ("right_profile", pa.string()),
    ("uan_equal", pa.bool_()), ("nos_equal", pa.bool_()), ("title_score", pa.float64()),
    ("criteria_score", pa.float64()), ("level_diff", pa.int64()), ("theme_equal", pa.bool_()),
    ("body_score", pa.float64()), ("title_shared", pa.list_(pa.string())), ("alignment", pa.list_(_ALIGNED)),
    ("left_criteria", pa.int64()), ("right_criteria", pa.int64()), ("stated_identity", pa.bool_()),
]
SCHEMA = pa.schema(_FIELDS)
_SCALARS = ("uan_equal", "nos_equal", "title_score", "criteria_score", "level_diff", "theme_equal", "body_score",
            "left_criteria", "right_criteria", "stated_identity")

ProfilePair = tuple[str, str]


def profile_hashes(profiles: dict[str, UnitProfile], rarity: Rarities) -> dict[str, str]:
    """For each unit key, the hash of everything a comparison reads of the unit and of its words' rarity."""
    title, criteria = rarity.title, rarity.criteria

    def described(p: UnitProfile) -> str:
        u = p.unit
        return json.dumps([
            u.uan, u.nos_code, u.level, p.codes_unique, sorted(p.theme_words or ()),
            [(w, title.weight(w), sorted(rarity.equivalences.get(w, ()))) for w in p.title_words],
            sorted(p.body_words), title.unseen, criteria.unseen,
            [(c.criterion_key, [(w, criteria.weight(w)) for w in c.words]) for c in p.criteria],
        ], separators=(",", ":"))

    return {key: hashlib.blake2b(described(p).encode(), digest_size=16).hexdigest() for key, p in profiles.items()}


def read_kept(folder: Path | None) -> dict[ProfilePair, Features]:
    """The kept features by (left profile hash, right profile hash); none when the folder has none."""
    path = folder / FILE if folder else None
    if path is None or not path.exists():
        return {}
    table = pq.read_table(path, schema=SCHEMA)
    columns: dict[str, list[Any]] = {name: table.column(name).to_pylist() for name in SCHEMA.names}
    kept: dict[ProfilePair, Features] = {}
    for i, (left, right) in enumerate(zip(columns["left_profile"], columns["right_profile"])):
        kept[(left, right)] = Features(
            **{name: columns[name][i] for name in _SCALARS},
            title_shared=tuple(columns["title_shared"][i]),
            alignment=tuple(AlignedPair(**a) for a in columns["alignment"][i]),
        )
    return kept


def write_kept(folder: Path, found: dict[ProfilePair, Features]) -> None:
    """Keep ``found`` (this run's pairs) in place of what the folder held, written whole and renamed in."""
    ordered = sorted(found)
    columns: dict[str, list[object]] = {
        "left_profile": [left for left, _ in ordered], "right_profile": [right for _, right in ordered],
        **{name: [getattr(found[k], name) for k in ordered] for name in _SCALARS},
        "title_shared": [list(found[k].title_shared) for k in ordered],
        "alignment": [[{"left_key": a.left_key, "right_key": a.right_key, "score": a.score}
                       for a in found[k].alignment] for k in ordered],
    }
    folder.mkdir(parents=True, exist_ok=True)
    atomic.write_with(folder / FILE, lambda tmp: pq.write_table(pa.table(columns, schema=SCHEMA), tmp))
    for other in folder.parent.iterdir():  # what other code or libraries kept can never be read again
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)


def split_kept(pairs: Sequence[tuple[str, str]], hashes: dict[str, str], kept: dict[ProfilePair, Features]
               ) -> tuple[dict[tuple[str, str], Features], list[tuple[str, str]]]:
    """The features of ``pairs`` that ``kept`` holds, and the pairs it does not, in their order."""
    found: dict[tuple[str, str], Features] = {}
    missing: list[tuple[str, str]] = []
    for pair in pairs:
        hit = kept.get((hashes[pair[0]], hashes[pair[1]]))
        if hit is None:
            missing.append(pair)
        else:
            found[pair] = hit
    return found, missing
