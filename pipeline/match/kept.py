"""Kept pairs: a pair compared once is not compared again while neither unit's profile changes.

A pair's features are a function of its two units' *profiles as the matcher sees
them*: the unit's codes and level, its normalised title, theme, body and criteria
words, and what the corpus makes of those words (each word's rarity weight and the
words learned to stand in for it). ``profile_hashes`` hashes exactly that, so the
features of a pair whose two hashes were seen together before are the features a
new comparison would give, to the byte. Each unit's criteria (their keys and words,
with each word's weight among criteria) are hashed apart too: they are all that
aligning criteria reads, and aligning is most of what a comparison costs. A pair
whose profiles moved but whose two criteria hashes were seen together takes its
alignment, and the criteria score it gives, from the kept row, and has the rest of
its features (titles, body, codes, level, theme) compared anew.

A release that adds a handbook aligns the criteria of the pairs that touch its
units, and of the few units whose criteria words' weights moved; the pairs of units
whose title words' weights moved have their titles compared again, their alignment
kept (weights move by steps: ``pipeline.match.normalise.stepped``). The model,
scores, families and the map are rebuilt from all the pairs. Features are kept,
never scores: a model fitted anew scores every pair anew.

The kept features are one Parquet file of columns (``pipeline.match.pairs``), read
back a row group at a time for the pairs still wanted, beside the lemmas of the
texts the run read (spaCy is asked only for new texts), in a folder named by the
match stage's code and libraries (``pipeline.match.cache.kept_folder``), so a
change to either starts afresh.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.match.features import Rarities, UnitProfile
from pipeline.match.normalise import Lemmas
from pipeline.match.pairs import ALIGNED, DTYPES, HELD, Alignments, PairColumns
from pipeline.store import atomic
from pipeline.store.tables import BATCH_ROWS, write_batches

FILE = "pairs.parquet"
# Separators of a profile's parts and items when it is hashed: control characters no text of a unit holds.
_FIELD, _ITEM = "\x1e", "\x1f"
LEMMAS = "lemmas.parquet"
# A text's content lemmas as one string, joined by a control character no text holds: a flat column reads and
# writes many times faster than a list of strings.
LEMMA_SCHEMA = pa.schema([("text", pa.string()), ("lemmas", pa.string())])

_ARROW: dict[Any, pa.DataType] = {np.int8: pa.int8(), np.int16: pa.int16(), np.int32: pa.int32(), np.float64: pa.float64(),
          np.bool_: pa.bool_()}
_FIELDS: list[tuple[str, pa.DataType]] = [
    ("left_profile", pa.uint64()), ("right_profile", pa.uint64()),
    ("left_criteria_profile", pa.uint64()), ("right_criteria_profile", pa.uint64()),
    *[(name, _ARROW[dtype]) for name, dtype in DTYPES.items()],
    ("alignment", ALIGNED),
]
SCHEMA = pa.schema(_FIELDS)


@dataclass(frozen=True)
class Hashes:
    """Each unit's profile hashes, by position: of everything a comparison reads of it (``profile``), and of the
    part its criterion alignment reads (``criteria``)."""

    profile: np.ndarray
    criteria: np.ndarray


def profile_hashes(profiles: dict[str, UnitProfile], rarity: Rarities, keys: Sequence[str]) -> Hashes:
    """The profile hashes of the units ``keys`` names, in that order: 64 bits of everything a comparison reads of a
    unit and of its words' rarity, and 64 of its criteria (keys and words) and their words' criteria rarity."""
    title, criteria = rarity.title, rarity.criteria
    # Words and criteria recur across units: each is written out once, when first met.
    title_words = _Described(lambda w: json.dumps([w, title.weight(w), sorted(rarity.equivalences.get(w, ()))]))
    criterion_words = _Described(lambda w: json.dumps([w, criteria.weight(w)]))
    criteria_texts = _Described(lambda words: _ITEM.join(map(criterion_words.__getitem__, words)))
    unseen, title_unseen = repr(criteria.unseen), repr(title.unseen)

    def hashed(described: str) -> bytes:
        return hashlib.blake2b(described.encode(), digest_size=8).digest()

    profile: list[bytes] = []
    aligned: list[bytes] = []
    for key in keys:
        p = profiles[key]
        u = p.unit
        own_criteria = hashed(_FIELD.join([unseen, *[f"{c.criterion_key}={criteria_texts[c.words]}"
                                                     for c in p.criteria]]))
        aligned.append(own_criteria)
        profile.append(hashed(_FIELD.join([
            repr((u.uan, u.nos_code, u.level, p.codes_unique)), title_unseen, _ITEM.join(sorted(p.theme_words or ())),
            _ITEM.join(p.body_words),  # a comparison reads them as a set: two orders at worst compare a pair again
            _ITEM.join(map(title_words.__getitem__, p.title_words)), own_criteria.hex(),  # the criteria by their hash
        ])))
    # Eight bytes a hash, read as one big-endian 64-bit number each.
    return Hashes(*(np.frombuffer(b"".join(found), dtype=">u8").astype(np.uint64) for found in (profile, aligned)))


class _Described(dict[Any, str]):
    """Descriptions by what they describe, each written (by ``describe``) when first asked for."""

    def __init__(self, describe: Callable[[Any], str]) -> None:
        super().__init__()
        self.describe = describe

    def __missing__(self, key: Any) -> str:
        self[key] = found = self.describe(key)
        return found


@dataclass(frozen=True)
class Found:
    """Of the pairs asked for, those kept whole (``at``, their positions among the pairs asked for, and ``rows``,
    their rows in the kept file), and of the others those whose criterion alignment is kept (``aligned_at``,
    ``aligned_rows``): the same two criteria compared before, their alignment the same to the byte."""

    at: np.ndarray
    rows: np.ndarray
    aligned_at: np.ndarray
    aligned_rows: np.ndarray


@dataclass(frozen=True)
class Kept:
    """Pairs compared before: the profile hashes of each row's two units, read at once; the hashes of their criteria
    read while the pairs not kept whole are looked up (``found``); the rows' feature columns and alignments, read a
    row group at a time for the rows asked for (``read_rows``)."""

    path: Path | None
    left: np.ndarray  # the profile hashes of each row's two units
    right: np.ndarray

    @classmethod
    def read(cls, folder: Path | None) -> Kept:
        """What ``folder`` keeps; nothing when it keeps nothing."""
        if folder is None or not (folder / FILE).exists():
            return cls(None, np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint64))
        with pq.ParquetFile(folder / FILE) as file:
            _check_schema(file, folder / FILE)
            hashes = file.read(columns=["left_profile", "right_profile"], use_threads=False)
        return cls(folder / FILE, hashes.column("left_profile").to_numpy(), hashes.column("right_profile").to_numpy())

    def found(self, left: np.ndarray, right: np.ndarray, hashes: Hashes) -> Found:
        """Of the pairs ``left``, ``right`` (units by position; ``hashes`` their profile hashes by position), which
        are kept whole, and which of the others have their criterion alignment kept."""
        at, rows = _found(self.left, self.right, hashes.profile[left], hashes.profile[right])
        others = np.ones(len(left), dtype=bool)
        others[at] = False
        rest = np.flatnonzero(others)
        del others
        if self.path is None or not len(rest):
            return Found(at, rows, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        with pq.ParquetFile(self.path) as file:  # not held beside the profile hashes: looked up once
            kept = file.read(columns=["left_criteria_profile", "right_criteria_profile"], use_threads=False)
        aligned_at, aligned_rows = _found(kept.column(0).to_numpy(), kept.column(1).to_numpy(),
                                          hashes.criteria[left[rest]], hashes.criteria[right[rest]])
        return Found(at, rows, rest[aligned_at], aligned_rows)

    def read_rows(self, rows: np.ndarray, columns: dict[str, np.ndarray], at: np.ndarray) -> Alignments:
        """Put the feature columns of ``rows`` here into ``columns`` at positions ``at``, and give their alignments,
        in the order of ``rows``: a row group read at a time, so that only the rows asked for are ever held whole."""
        if self.path is None or not len(rows):
            return Alignments.of([()] * len(rows))
        order = np.argsort(rows, kind="stable")
        ranked = rows[order]
        parts: list[tuple[np.ndarray, Alignments]] = []
        with pq.ParquetFile(self.path) as file:
            sizes = [file.metadata.row_group(group).num_rows for group in range(file.num_row_groups)]
            starts = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
            bounds = np.searchsorted(ranked, starts).tolist()  # the rows asked for in each group, as ranked
            for group in range(file.num_row_groups):
                among = order[bounds[group]:bounds[group + 1]]
                if not len(among):
                    continue
                read = file.read_row_group(group, columns=[*DTYPES, "alignment"], use_threads=False)
                wanted = pa.array(rows[among] - starts[group], pa.int64())
                for name, dtype in DTYPES.items():
                    columns[name][at[among]] = read.column(name).to_numpy()[wanted.to_numpy()].astype(dtype, copy=False)
                aligned = cast("pa.ListArray[Any]", pc.take(read.column("alignment").combine_chunks(), wanted,
                                                            memory_pool=HELD))
                parts.append((among, Alignments((aligned,), np.arange(len(among), dtype=np.int64))))
        return Alignments.placed(len(rows), parts)


def _found(kept_left: np.ndarray, kept_right: np.ndarray, left: np.ndarray, right: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Of the pairs of hashes ``left``, ``right``, those that a row of ``kept_left``, ``kept_right`` holds: their
    positions among the pairs given, and for each the first row that holds it.

    The rows kept are put in buckets by the leading bits of their pair code (a bucket for each row or two, the
    codes being hashes), sorted by code then row; a pair asked for is looked for among the rows of its bucket
    alone, a row of each at a time, nearly always one or two: no pair is searched for among a million rows.
    """
    if not len(kept_left) or not len(left):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    bits = max(1, (len(kept_left) - 1).bit_length())
    low = np.uint64((1 << bits) - 1)
    # Each row's code with its row number in the low bits: one sort (no argsort) orders them by code, then row.
    ranked = np.sort(_pair_code(kept_left, kept_right) & ~low | np.arange(len(kept_left), dtype=np.uint64))
    bucket = np.uint64(64 - bits)
    sizes = np.bincount((ranked >> bucket).astype(np.int64), minlength=1 << bits)
    ends = np.cumsum(sizes)
    rows = (ranked & low).astype(np.int64)
    del ranked
    asked = (_pair_code(left, right) >> bucket).astype(np.int64)
    first, size = ends[asked] - sizes[asked], sizes[asked]
    del asked, sizes, ends
    found = np.full(len(left), -1, dtype=np.int64)
    looking = np.flatnonzero(size)
    step = 0
    while len(looking):  # the rows of each bucket in turn: the first that holds the pair is its first row
        row = rows[first[looking] + step]
        # Both hashes are compared: two pairs whose codes collide are never taken for each other.
        hit = (kept_left[row] == left[looking]) & (kept_right[row] == right[looking])
        found[looking[hit]] = row[hit]
        step += 1
        looking = looking[~hit & (size[looking] > step)]
    at = np.flatnonzero(found >= 0)
    return at, found[at]


def _check_schema(file: pq.ParquetFile, path: Path) -> None:
    """Fail, naming the file, when what it keeps is not in the kept pairs' schema."""
    if not file.schema_arrow.equals(SCHEMA):
        raise ValueError(f"{path}: kept pairs not in the schema this code writes: {file.schema_arrow}")


def let_go() -> None:
    """Hand back to the system what Arrow's allocator still holds of tables read and let go (the kept pairs): it
    keeps freed memory for its next tables, which in the match stage come only at its end."""
    pa.default_memory_pool().release_unused()


def _pair_code(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """One 64-bit code for each pair of 64-bit profile hashes: equal pairs have equal codes."""
    code: np.ndarray = left * np.uint64(0x9E3779B97F4A7C15) ^ right  # wraps around, as a hash may
    return code


def _batches(pairs: PairColumns, hashes: Hashes) -> Iterator[pa.RecordBatch]:
    """The rows of ``pairs`` as kept, ``BATCH_ROWS`` at a time (a row group each)."""
    for start in range(0, len(pairs), BATCH_ROWS):
        part = slice(start, min(start + BATCH_ROWS, len(pairs)))
        left, right = pairs.left[part], pairs.right[part]
        yield pa.record_batch({
            "left_profile": pa.array(hashes.profile[left]), "right_profile": pa.array(hashes.profile[right]),
            "left_criteria_profile": pa.array(hashes.criteria[left]),
            "right_criteria_profile": pa.array(hashes.criteria[right]),
            **{name: pa.array(column[part]) for name, column in pairs.columns.items()},
            "alignment": pairs.alignments.arrow(np.arange(part.start, part.stop))}, schema=SCHEMA)


def _lemma_batches(lemmas: Lemmas) -> Iterator[pa.RecordBatch]:
    """The texts this run read with their content lemmas, in text order, ``BATCH_ROWS`` at a time."""
    texts = sorted(lemmas.used)
    for start in range(0, len(texts), BATCH_ROWS):
        part = texts[start:start + BATCH_ROWS]
        yield pa.record_batch([pa.array(part, pa.string()),
                               pa.array([_ITEM.join(lemmas.used[t]) for t in part], pa.string())],
                              schema=LEMMA_SCHEMA)


def kept_lemmas(folder: Path | None) -> Lemmas:
    """The content lemmas of the texts the run before read, as ``folder`` keeps them; none when it keeps none."""
    if folder is None or not (folder / LEMMAS).exists():
        return Lemmas()
    lemmas = pq.read_table(folder / LEMMAS)
    if not lemmas.schema.equals(LEMMA_SCHEMA):
        raise ValueError(f"{folder / LEMMAS}: kept lemmas not in the schema this code writes: {lemmas.schema}")
    texts: list[Any] = lemmas.column("text").to_pylist()
    joined: list[Any] = lemmas.column("lemmas").to_pylist()
    del lemmas
    # Each spelling held once, as the lemmas spaCy finds in this run are (``Lemmas``).
    intern = sys.intern
    return Lemmas(dict(zip(texts, [tuple(map(intern, words.split(_ITEM))) if words else () for words in joined])))


def write_lemmas(folder: Path, lemmas: Lemmas) -> None:
    """Keep the lemmas of the texts this run read, in place of those the folder held, the file renamed in whole;
    left as it is when they are the texts and lemmas it holds.

    Written as soon as the texts are read, so that the run does not hold them to its end: a text's lemmas are
    the same whatever becomes of the run.
    """
    if not lemmas.changed and (folder / LEMMAS).exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    atomic.write_with(folder / LEMMAS, lambda tmp: write_batches(_lemma_batches(lemmas), LEMMA_SCHEMA, tmp))


def write_kept(folder: Path, pairs: PairColumns, hashes: Hashes) -> None:
    """Keep ``pairs`` (this run's, ``hashes`` by unit position) in place of what the folder held, the file renamed
    in whole, and drop what other code or libraries kept beside the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    atomic.write_with(folder / FILE, lambda tmp: write_batches(_batches(pairs, hashes), SCHEMA, tmp))
    let_go()  # the batches written: the map's records come next
    for other in folder.parent.iterdir():  # what other code or libraries kept can never be read again
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
