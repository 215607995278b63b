"""Kept pairs: a pair compared once is not compared again while neither unit's profile changes.

A pair's features are a function of its two units' *profiles as the matcher sees
them*: the unit's codes and level, its normalised title, theme, body and criteria
words, and what the corpus makes of those words (each word's rarity weight and the
words learned to stand in for it). ``profile_hashes`` hashes exactly that, so the
features of a pair whose two hashes were seen together before are the features a
new comparison would give, to the byte. A release that adds a handbook compares the
pairs that touch its units, and those of the few units whose words' weights moved
(weights move by steps: ``pipeline.match.normalise.stepped``); the model, scores,
families and the map are rebuilt from all the pairs. Features are kept, never
scores: a model fitted anew scores every pair anew.

The kept features are one Parquet file of columns (``pipeline.match.pairs``), beside
the lemmas of the texts the run read (spaCy is asked only for new texts), in a folder
named by the match stage's code and libraries (``pipeline.match.cache.kept_folder``),
so a change to either starts afresh.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.match.criteria import AlignedPair
from pipeline.match.features import Rarities, UnitProfile
from pipeline.match.normalise import Lemmas
from pipeline.match.pairs import DTYPES, PairColumns
from pipeline.store import atomic
from pipeline.store.tables import BATCH_ROWS, write_batches

FILE = "pairs.parquet"
# Separators of a profile's parts and items when it is hashed: control characters no text of a unit holds.
_FIELD, _ITEM = "\x1e", "\x1f"
LEMMAS = "lemmas.parquet"
LEMMA_SCHEMA = pa.schema([("text", pa.string()), ("lemmas", pa.list_(pa.string()))])

_ARROW: dict[Any, pa.DataType] = {np.int8: pa.int8(), np.int16: pa.int16(), np.int32: pa.int32(), np.float64: pa.float64(),
          np.bool_: pa.bool_()}
_ALIGNED = pa.list_(pa.struct([("left_key", pa.string()), ("right_key", pa.string()), ("score", pa.float64())]))
_FIELDS: list[tuple[str, pa.DataType]] = [
    ("left_profile", pa.uint64()), ("right_profile", pa.uint64()),
    *[(name, _ARROW[dtype]) for name, dtype in DTYPES.items()],
    ("alignment", _ALIGNED),
]
SCHEMA = pa.schema(_FIELDS)


def profile_hashes(profiles: dict[str, UnitProfile], rarity: Rarities) -> dict[str, int]:
    """For each unit key, a 64-bit hash of everything a comparison reads of the unit and of its words' rarity."""
    title, criteria = rarity.title, rarity.criteria
    # Words and criteria recur across units: each is written out once, when first met.
    title_words = _Described(lambda w: json.dumps([w, title.weight(w), sorted(rarity.equivalences.get(w, ()))]))
    criterion_words = _Described(lambda w: json.dumps([w, criteria.weight(w)]))
    criteria_texts = _Described(lambda words: _ITEM.join(map(criterion_words.__getitem__, words)))
    rarities = repr((title.unseen, criteria.unseen))

    def described(p: UnitProfile) -> str:
        u = p.unit
        return _FIELD.join([
            repr((u.uan, u.nos_code, u.level, p.codes_unique)), rarities, _ITEM.join(sorted(p.theme_words or ())),
            _ITEM.join(p.body_words),  # a comparison reads them as a set: two orders at worst compare a pair again
            _ITEM.join(map(title_words.__getitem__, p.title_words)),
            *[f"{c.criterion_key}={criteria_texts[c.words]}" for c in p.criteria],
        ])

    return {key: int.from_bytes(hashlib.blake2b(described(p).encode(), digest_size=8).digest(), "big")
            for key, p in profiles.items()}


class _Described(dict[Any, str]):
    """Descriptions by what they describe, each written (by ``describe``) when first asked for."""

    def __init__(self, describe: Callable[[Any], str]) -> None:
        super().__init__()
        self.describe = describe

    def __missing__(self, key: Any) -> str:
        self[key] = found = self.describe(key)
        return found


@dataclass(frozen=True)
class Kept:
    """Pairs compared before: the profile hashes of each row's two units, its feature columns, its alignment."""

    table: pa.Table

    @classmethod
    def read(cls, folder: Path | None) -> Kept:
        """What ``folder`` keeps; nothing when it keeps nothing."""
        if folder is None or not (folder / FILE).exists():
            return cls(SCHEMA.empty_table())
        return cls(pq.read_table(folder / FILE, schema=SCHEMA))

    def found(self, left: np.ndarray, right: np.ndarray, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Of the pairs ``left``, ``right`` (units by position; ``hashes`` their profile hashes by position), which
        are kept: their positions among the given pairs, and their rows here."""
        if not self.table.num_rows or not len(left):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        kept_left = self.table.column("left_profile").to_numpy()
        kept_right = self.table.column("right_profile").to_numpy()
        codes = _pair_code(kept_left, kept_right)
        order = np.argsort(codes, kind="stable")
        wanted_left, wanted_right = hashes[left], hashes[right]
        at = np.minimum(np.searchsorted(codes[order], _pair_code(wanted_left, wanted_right)), len(order) - 1)
        rows = order[at]
        # Both hashes are compared: two pairs whose codes collide are never taken for each other.
        hit = (kept_left[rows] == wanted_left) & (kept_right[rows] == wanted_right)
        return np.flatnonzero(hit), rows[hit]

    def columns(self, rows: np.ndarray) -> tuple[dict[str, np.ndarray], dict[int, tuple[AlignedPair, ...]]]:
        """The feature columns of ``rows`` here, and their alignments by position among ``rows``."""
        columns = {name: self.table.column(name).to_numpy()[rows].astype(dtype) for name, dtype in DTYPES.items()}
        aligned = self.table.column("alignment")
        lengths = pc.list_value_length(aligned).to_numpy()[rows]
        present = np.flatnonzero(lengths > 0)
        taken = cast("pa.ListArray[Any]", aligned.take(pa.array(rows[present], type=pa.int64())).combine_chunks())
        listed = cast(pa.StructArray, taken.flatten())
        # Criterion keys recur in many alignments: each is made a string once.
        left, right = (cast("pa.DictionaryArray[Any, Any]", pc.dictionary_encode(listed.field(name)))
                       for name in ("left_key", "right_key"))
        left_keys, right_keys = left.dictionary.to_pylist(), right.dictionary.to_pylist()
        made = [AlignedPair(left_keys[a], right_keys[b], score) for a, b, score in
                zip(left.indices.to_numpy().tolist(), right.indices.to_numpy().tolist(),
                    listed.field("score").to_numpy().tolist())]
        ends = np.cumsum(lengths[present])
        return columns, {at: tuple(made[end - count:end]) for at, count, end in
                         zip(present.tolist(), lengths[present].tolist(), ends.tolist())}


def let_go() -> None:
    """Hand back to the system what Arrow's allocator still holds of tables read and let go (the kept pairs): it
    keeps freed memory for its next tables, which in the match stage come only at its end."""
    pa.default_memory_pool().release_unused()


def _pair_code(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """One 64-bit code for each pair of 64-bit profile hashes: equal pairs have equal codes."""
    code: np.ndarray = left * np.uint64(0x9E3779B97F4A7C15) ^ right  # wraps around, as a hash may
    return code


def _batches(pairs: PairColumns, hashes: np.ndarray) -> Iterator[pa.RecordBatch]:
    """The rows of ``pairs`` as kept, ``BATCH_ROWS`` at a time: only one batch's alignments are ever built."""
    for start in range(0, len(pairs), BATCH_ROWS):
        rows = range(start, min(start + BATCH_ROWS, len(pairs)))
        found = [pairs.alignments.get(row, ()) for row in rows]
        aligned = [a for one in found for a in one]
        values = pa.StructArray.from_arrays(
            [pa.array([a.left_key for a in aligned], pa.string()),
             pa.array([a.right_key for a in aligned], pa.string()),
             pa.array([a.score for a in aligned], pa.float64())], names=["left_key", "right_key", "score"])
        offsets = np.concatenate([[0], np.cumsum([len(one) for one in found])])
        part = slice(rows.start, rows.stop)
        yield pa.record_batch({
            "left_profile": pa.array(hashes[pairs.left[part]]), "right_profile": pa.array(hashes[pairs.right[part]]),
            **{name: pa.array(column[part]) for name, column in pairs.columns.items()},
            "alignment": pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values)}, schema=SCHEMA)


def _lemma_batches(lemmas: Lemmas) -> Iterator[pa.RecordBatch]:
    """The texts this run read with their lemmas, in text order, ``BATCH_ROWS`` at a time."""
    texts = sorted(lemmas.used)
    for start in range(0, len(texts), BATCH_ROWS):
        part = texts[start:start + BATCH_ROWS]
        yield pa.record_batch([pa.array(part, pa.string()),
                               pa.array([list(lemmas.used[t]) for t in part], pa.list_(pa.string()))],
                              schema=LEMMA_SCHEMA)


def kept_lemmas(folder: Path | None) -> Lemmas:
    """The lemmas of the texts the run before read, as ``folder`` keeps them; none when it keeps none."""
    if folder is None or not (folder / LEMMAS).exists():
        return Lemmas()
    lemmas = pq.read_table(folder / LEMMAS, schema=LEMMA_SCHEMA)
    texts: list[Any] = lemmas.column("text").to_pylist()
    listed: list[Any] = lemmas.column("lemmas").to_pylist()
    # Each spelling held once, as the lemmas spaCy finds in this run are (``Lemmas``).
    return Lemmas({text: tuple(map(sys.intern, words)) for text, words in zip(texts, listed)})


def write_lemmas(folder: Path, lemmas: Lemmas) -> None:
    """Keep the lemmas of the texts this run read, in place of those the folder held, the file renamed in whole.

    Written as soon as the texts are read, so that the run does not hold them to its end: a text's lemmas are
    the same whatever becomes of the run.
    """
    folder.mkdir(parents=True, exist_ok=True)
    atomic.write_with(folder / LEMMAS, lambda tmp: write_batches(_lemma_batches(lemmas), LEMMA_SCHEMA, tmp))


def write_kept(folder: Path, pairs: PairColumns, hashes: np.ndarray) -> None:
    """Keep ``pairs`` (this run's, ``hashes`` by unit position) in place of what the folder held, the file renamed
    in whole, and drop what other code or libraries kept beside the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    atomic.write_with(folder / FILE, lambda tmp: write_batches(_batches(pairs, hashes), SCHEMA, tmp))
    for other in folder.parent.iterdir():  # what other code or libraries kept can never be read again
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
