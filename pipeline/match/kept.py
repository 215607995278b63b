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

The kept features are Parquet files of columns (``pipeline.match.pairs``), read
whole on a thread of their own while the run prepares its units (``Kept``), beside the lemmas of the
texts the run read (spaCy is asked only for new texts) and their content words with
the vocabulary they were settled against (a release reads the old texts' words from
there unless its new texts change them), in a folder named by the
match stage's code and libraries (``pipeline.match.cache.kept_folder``), so a
change to either starts afresh. The files are segments: a release writes only the
rows no segment holds yet, as a new segment, and all of its rows in one segment in
place of the others only once the rows no run reads any more pass a share of the
rows kept (or the segments a number): the rows a release leaves behind are rows of
profiles gone, never wrong ones.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, compress, pairwise
from operator import attrgetter, methodcaller
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.match.blocking import Texts, UnitTexts, numbered, numbered_objects, runs_hashed, stirred
from pipeline.match.features import Rarities
from pipeline.match.normalise import Lemmas, Settled
from pipeline.match.pairs import ALIGNED, DTYPES, HELD, Alignments, PairColumns
from pipeline.store import atomic
from pipeline.store.tables import BATCH_ROWS, write_batches

# The segments of kept pairs, in the order they were written: ``pairs-000001.parquet``, ``pairs-000002.parquet``...
SEGMENT = "pairs-{:06d}.parquet"
# Past this share of the rows kept that the run did not read (rows of profiles gone), or past this many segments, the
# kept pairs are written anew in one segment.
STALE_SHARE = 0.25
MAX_SEGMENTS = 8
# Separators of a profile's parts and items when it is hashed: control characters no text of a unit holds.
_FIELD, _ITEM = "\x1e", "\x1f"
LEMMAS = "lemmas.parquet"
# A text's content lemmas as one string, joined by a control character no text holds: a flat column reads and
# writes many times faster than a list of strings.
LEMMA_SCHEMA = pa.schema([("text", pa.string()), ("lemmas", pa.string())])
WORDS = "words.parquet"
# Each text's content words as their places in the vocabulary they were settled against, which the file's metadata
# holds (``pipeline.match.normalise.Settled``): read back as one list of words, each text's a slice of it.
WORDS_SCHEMA = pa.schema([("text", pa.string()), ("words", pa.list_(pa.int32()))])

_ARROW: dict[Any, pa.DataType] = {np.int8: pa.int8(), np.int16: pa.int16(), np.int32: pa.int32(), np.float64: pa.float64(),
          np.bool_: pa.bool_()}
_FIELDS: list[tuple[str, pa.DataType]] = [
    ("left_profile", pa.uint64()), ("right_profile", pa.uint64()),
    ("left_criteria_profile", pa.uint64()), ("right_criteria_profile", pa.uint64()),
    *[(name, _ARROW[dtype]) for name, dtype in DTYPES.items()],
    ("alignment", ALIGNED),
]
SCHEMA = pa.schema(_FIELDS)
T = TypeVar("T")


@dataclass(frozen=True)
class Hashes:
    """Each unit's profile hashes, by position: of everything a comparison reads of it (``profile``), and of the
    part its criterion alignment reads (``criteria``)."""

    profile: np.ndarray
    criteria: np.ndarray


def profile_hashes(texts: UnitTexts, rarity: Rarities) -> Hashes:
    """The profile hashes of the units whose texts blocking read, in key order: 64 bits of everything a comparison
    reads of a unit and of its words' rarity, and 64 of its criteria (keys and words) and their words' criteria
    rarity.

    Words, titles, criteria, bodies, themes and codes recur across units: each is hashed once, a title or criterion
    by the hashes of its words (``runs_hashed``), a body (its words sorted) as one string. A unit's criteria hash
    mixes the weight of a word never seen, its criteria's keys and their texts, in order; its profile hash mixes the
    hashes of its parts, its criteria by their hash.
    """
    title, criteria = rarity.title, rarity.criteria
    ordered = texts.profiles
    parts = [
        *(_as_numbers(repr(code).encode() for code in codes.values)[codes.of] for codes in (texts.uan, texts.nos)),
        texts.level.view(np.uint64),  # a level by its bits
        np.fromiter(map(_UNIQUE, ordered), dtype=np.uint64, count=len(ordered)),
        _hashed(list(map(_THEME, ordered)), lambda theme: _ITEM.join(sorted(theme or ()))),
        # A body (words sorted) is one text, each read once: a unit's body is often the body of no other unit.
        _hashed(list(map(_BODY, ordered)), _ITEM.join, numbered_objects),
        _texts_hashed(texts.titles, lambda word: [word, title.weight(word), sorted(rarity.equivalences.get(word, ()))]),
    ]

    counts = texts.criteria_counts
    told = _texts_hashed(texts.criteria, lambda word: [word, criteria.weight(word)])
    with_criteria = np.flatnonzero(counts)
    unseen = _as_numbers([repr(criteria.unseen).encode()])
    # A unit with no criteria: no keys, and one run of no texts.
    aligned = np.full(len(ordered), _mixed(unseen, _as_numbers([b""]), runs_hashed(np.zeros(1, np.int64), told[:0])))
    listed = compress(texts.listed, counts)  # the criteria of the units with criteria
    aligned[with_criteria] = _mixed(unseen, _as_numbers(_FIELD.join(map(_KEY, own)).encode() for own in listed),
                                    runs_hashed(counts[with_criteria], told))
    del told
    return Hashes(_mixed(_as_numbers([repr(title.unseen).encode()]), *parts, aligned), aligned)


_KEY = attrgetter("criterion_key")
_UNIQUE = attrgetter("codes_unique")
_THEME, _BODY = attrgetter("theme_words"), attrgetter("body_words")
_HASHER, _DIGESTED = partial(hashlib.blake2b, digest_size=8), methodcaller("digest")


def _as_numbers(data: Iterable[bytes]) -> np.ndarray:
    """A 64-bit hash of each of ``data``: eight bytes of its BLAKE2b, read big-endian."""
    digests = map(_DIGESTED, map(_HASHER, data))  # no call of Python's own for each
    return np.frombuffer(b"".join(digests), dtype=">u8").astype(np.uint64)


def _hashed(items: list[T], text: Callable[[T], str],
            numbering: Callable[[list[T]], tuple[np.ndarray, list[T]]] = numbered) -> np.ndarray:
    """A 64-bit hash of ``text`` of each item, each distinct item (as ``numbering`` tells them apart) hashed once."""
    of, distinct = numbering(items)
    found: np.ndarray = _as_numbers(text(item).encode() for item in distinct)[of]
    return found


def _texts_hashed(texts: Texts, described: Callable[[str], object]) -> np.ndarray:
    """A 64-bit hash of each text's words in turn, each word by the hash of the JSON of ``described`` of it, each
    distinct text hashed once."""
    hashed = _as_numbers(json.dumps(described(word)).encode() for word in texts.words)
    found: np.ndarray = runs_hashed(texts.runs.lengths, hashed[texts.runs.values])[texts.of]
    return found


def _mixed(*parts: np.ndarray) -> np.ndarray:
    """One 64-bit hash of the parts (64-bit hashes, one or one for each row), each stirred in in turn."""
    mixed = np.zeros(np.broadcast_shapes(*(part.shape for part in parts)), dtype=np.uint64)
    for part in parts:
        mixed = stirred(mixed ^ part)
    return mixed


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
    """Pairs compared before, read whole on a thread of their own from when the folder is opened (``read``): each
    row's two units' profile hashes and criteria hashes, each two sorted once for looking pairs up (``found``), and
    the rows' feature columns and alignments. The first rows asked for (``read_rows``, a run's blocked pairs) are
    taken from what was read whole, which is then let go; rows asked for later (the pairs families bridge) are read
    a row group at a time. Rows are numbered across the segments, in order."""

    segments: tuple[Path, ...]
    _whole: Callable[[], _Whole] = field(repr=False)  # what the segments hold, once read

    @classmethod
    def read(cls, folder: Path | None) -> Kept:
        """What ``folder`` keeps; nothing when it keeps nothing. Parquet and numpy let go of the interpreter while
        they work: the segments are read beside what the run does meanwhile (preparing its units)."""
        segments = _segments(folder)
        if not segments:
            empty = _Whole.read(())
            return cls(segments, lambda: empty)
        reader = ThreadPoolExecutor(1, thread_name_prefix="kept-pairs")
        whole = reader.submit(_Whole.read, segments)
        reader.shutdown(wait=False)  # the thread ends once the segments are read
        return cls(segments, whole.result)

    def __len__(self) -> int:
        """How many rows the segments hold."""
        return len(self._whole().profiles)

    def found(self, left: np.ndarray, right: np.ndarray, hashes: Hashes) -> Found:
        """Of the pairs ``left``, ``right`` (units by position; ``hashes`` their profile hashes by position), which
        are kept whole, and which of the others have their criterion alignment kept."""
        whole = self._whole()
        at, rows = whole.profiles.found(hashes.profile[left], hashes.profile[right])
        others = np.ones(len(left), dtype=bool)
        others[at] = False
        rest = np.flatnonzero(others)
        del others
        aligned_at, aligned_rows = whole.criteria.found(hashes.criteria[left[rest]], hashes.criteria[right[rest]])
        return Found(at, rows, rest[aligned_at], aligned_rows)

    def read_rows(self, rows: np.ndarray, columns: dict[str, np.ndarray], at: np.ndarray) -> Alignments:
        """Put the feature columns of ``rows`` here into ``columns`` at positions ``at``, and give their alignments,
        in the order of ``rows``: the first time from the columns read whole (then let go), later a row group read
        at a time, so that only the rows asked for are ever held whole."""
        if not self.segments or not len(rows):
            return Alignments.of([()] * len(rows))
        whole = self._whole()
        if whole.columns:
            for name, column in whole.columns.items():
                columns[name][at] = column[rows]
            whole.columns.clear()
            let_go()  # they were made on the reading thread, whose arena keeps their pages otherwise
            return whole.alignments.of_rows(rows)
        order = np.argsort(rows, kind="stable")
        ranked = rows[order]
        parts: list[tuple[np.ndarray, Alignments]] = []
        first = 0  # the first row of the segment, numbered across the segments
        for segment in self.segments:
            with pq.ParquetFile(segment) as file:
                sizes = [file.metadata.row_group(group).num_rows for group in range(file.num_row_groups)]
                starts = np.concatenate([[first], first + np.cumsum(sizes, dtype=np.int64)])
                first = int(starts[-1])
                parts += _read_groups(file, rows, order, ranked, starts, columns, at)
        return Alignments.placed(len(rows), parts)


@dataclass(frozen=True)
class _Whole:
    """What the kept segments hold, read whole: the rows' profile hashes and criteria hashes, each two sorted for
    lookups, their feature columns (until the rows are first read) and their alignments."""

    profiles: _Sorted
    criteria: _Sorted
    columns: dict[str, np.ndarray]
    alignments: Alignments

    @classmethod
    def read(cls, segments: tuple[Path, ...]) -> _Whole:
        """The segments' rows, one segment after the other, each read in one call: the thread takes the interpreter
        back a few times a segment, not at every row group, while the run's own work in Python waits for it."""
        files = [pq.ParquetFile(segment) for segment in segments]
        try:
            for segment, file in zip(segments, files):
                if not file.schema_arrow.equals(SCHEMA):
                    raise ValueError(f"{segment}: kept pairs not in the schema this code writes: {file.schema_arrow}")
            rows = sum(file.metadata.num_rows for file in files)
            hashes = {name: np.empty(rows, dtype=np.uint64) for name in SCHEMA.names[:4]}
            columns = {name: np.empty(rows, dtype=dtype) for name, dtype in DTYPES.items()}
            # The alignments are held to the end of the run, as those compared anew are (``HELD``).
            chunks: list[pa.ListArray[Any]] = []
            start = 0
            for file in files:
                read = file.read(use_threads=False)
                end = start + read.num_rows
                for name, column in chain(hashes.items(), columns.items()):
                    column[start:end] = read.column(name).to_numpy()
                chunks.append(cast("pa.ListArray[Any]", pa.concat_arrays(read.column("alignment").chunks,
                                                                         memory_pool=HELD)))
                del read
                start = end
        finally:
            for file in files:
                file.close()
        if segments:
            let_go()  # what Parquet held of the tables read
        return cls(_Sorted.of(hashes["left_profile"], hashes["right_profile"]),
                   _Sorted.of(hashes["left_criteria_profile"], hashes["right_criteria_profile"]), columns,
                   Alignments(tuple(chunks), np.arange(rows, dtype=np.int64)))


@dataclass(frozen=True)
class _Sorted:
    """Rows' pairs of 64-bit hashes sorted once by pair code (``_pair_code``), each code with its row in its low
    ``bits``, and the two hashes in that order: a pair is looked up by a search, never a sort of the rows."""

    bits: int
    ranked: np.ndarray
    left: np.ndarray
    right: np.ndarray

    @classmethod
    def of(cls, left: np.ndarray, right: np.ndarray) -> _Sorted:
        """The rows ``left``, ``right`` (their two hashes) sorted."""
        bits = _bits(len(left))
        low = np.uint64((1 << bits) - 1)
        ranked = np.sort(_pair_code(left, right) & ~low | np.arange(len(left), dtype=np.uint64))
        rows = (ranked & low).astype(np.int64)
        return cls(bits, ranked, left[rows], right[rows])

    def __len__(self) -> int:
        return len(self.ranked)

    def found(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Of the pairs of hashes ``left``, ``right``, those that a row holds: their positions among the pairs given,
        and for each the first row that holds it.

        The pairs asked for are sorted by code too (one sort: each code with its place in its low bits), and their
        codes searched for in order, without the low bits of either side. A pair asked for is then tried at each row
        with its code in turn, from the first: two pairs whose codes collide are never taken for each other, and of
        the rows holding one pair the first is found (they share their code, and are in row order).
        """
        if not len(self.ranked) or not len(left):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        bits = _bits(len(left))
        low, shift = np.uint64((1 << bits) - 1), np.uint64(max(bits, self.bits))
        ranked = np.sort(_pair_code(left, right) & ~low | np.arange(len(left), dtype=np.uint64))
        looking, asked = (ranked & low).astype(np.int64), ranked >> shift
        del ranked
        at = np.searchsorted(self.ranked, asked << shift)  # the first row whose code is the one asked for, if any
        wanted_left, wanted_right = left[looking], right[looking]
        found = np.full(len(left), -1, dtype=np.int64)
        last = len(self.ranked) - 1
        while len(looking):
            same = (at <= last) & (self.ranked[np.minimum(at, last)] >> shift == asked)
            looking, at, asked = looking[same], at[same], asked[same]
            wanted_left, wanted_right = wanted_left[same], wanted_right[same]
            hit = (self.left[at] == wanted_left) & (self.right[at] == wanted_right)
            found[looking[hit]] = (self.ranked[at[hit]] & np.uint64((1 << self.bits) - 1)).astype(np.int64)
            miss = ~hit
            looking, at, asked = looking[miss], at[miss] + 1, asked[miss]
            wanted_left, wanted_right = wanted_left[miss], wanted_right[miss]
        positions = np.flatnonzero(found >= 0)
        return positions, found[positions]


def _bits(rows: int) -> int:
    """The low bits that number ``rows`` places."""
    return max(1, (rows - 1).bit_length())


def _read_groups(file: pq.ParquetFile, rows: np.ndarray, order: np.ndarray, ranked: np.ndarray, starts: np.ndarray,
                 columns: dict[str, np.ndarray], at: np.ndarray) -> list[tuple[np.ndarray, Alignments]]:
    """``Kept.read_rows`` of one segment, whose row groups start at ``starts`` (numbered across the segments): the
    feature columns put in place, the alignments of each group's rows with their positions among ``rows``."""
    parts: list[tuple[np.ndarray, Alignments]] = []
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
    return parts


def _segments(folder: Path | None) -> tuple[Path, ...]:
    """The segments of kept pairs ``folder`` holds, in the order they were written; none without a folder."""
    if folder is None or not folder.is_dir():
        return ()
    return tuple(sorted(folder.glob(SEGMENT.format(0).replace("0" * 6, "[0-9]" * 6))))


def let_go() -> None:
    """Hand back to the system what Arrow's allocator still holds of tables read and let go (the kept pairs): it
    keeps freed memory for its next tables, which in the match stage come only at its end. And what the C allocator
    holds of arrays freed (``_trimmed``): the kept pairs' columns, read on a thread of their own, were made in that
    thread's arena, whose freed pages it keeps otherwise."""
    pa.default_memory_pool().release_unused()
    _trimmed()


def _trim() -> Callable[[], object]:
    """glibc's ``malloc_trim(0)``, which hands back the free pages of every arena; nothing where there is none."""
    try:
        return partial(ctypes.CDLL(None).malloc_trim, 0)
    except (OSError, AttributeError):
        return lambda: None


_trimmed = _trim()


def _pair_code(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """One 64-bit code for each pair of 64-bit profile hashes: equal pairs have equal codes, and every bit of both
    hashes moves the code's leading bits (which the lookups sort and bucket by)."""
    code: np.ndarray = left * np.uint64(0x9E3779B97F4A7C15) ^ right  # wraps around, as a hash may
    code ^= code >> np.uint64(31)
    code *= np.uint64(0xBF58476D1CE4E5B9)
    code ^= code >> np.uint64(29)
    return code


def _distinct(pairs: PairColumns, hashes: Hashes, rows: np.ndarray) -> np.ndarray:
    """Of ``rows`` of ``pairs``, in their order, the first of each two profile hashes: a pair whose two hashes an
    earlier row has is that row to the byte, and is kept once (a synthetic corpus repeats a fifth of its pairs)."""
    if not len(rows):
        return rows
    left, right = hashes.profile[pairs.left[rows]], hashes.profile[pairs.right[rows]]
    bits = max(1, (len(rows) - 1).bit_length())
    low = np.uint64((1 << bits) - 1)
    # Each row's code with its place in the low bits: one sort orders them by code, then place.
    ranked = np.sort(_pair_code(left, right) & ~low | np.arange(len(rows), dtype=np.uint64))
    places = (ranked & low).astype(np.int64)
    starts = np.ones(len(rows), dtype=bool)  # the first of the places that share a code
    starts[1:] = (ranked[1:] >> np.uint64(bits)) != (ranked[:-1] >> np.uint64(bits))
    del ranked
    first = places[np.maximum.accumulate(np.where(starts, np.arange(len(rows)), 0))]
    # A place whose hashes differ from those of the first with its code (codes collide) is kept too.
    kept = starts | (left[places] != left[first]) | (right[places] != right[first])
    distinct: np.ndarray = rows[np.sort(places[kept])]
    return distinct


def _batches(pairs: PairColumns, hashes: Hashes, rows: np.ndarray) -> Iterator[pa.RecordBatch]:
    """``rows`` of ``pairs`` as kept, ``BATCH_ROWS`` at a time (a row group each)."""
    for start in range(0, len(rows), BATCH_ROWS):
        part = rows[start:start + BATCH_ROWS]
        left, right = pairs.left[part], pairs.right[part]
        yield pa.record_batch({
            "left_profile": pa.array(hashes.profile[left]), "right_profile": pa.array(hashes.profile[right]),
            "left_criteria_profile": pa.array(hashes.criteria[left]),
            "right_criteria_profile": pa.array(hashes.criteria[right]),
            **{name: pa.array(column[part]) for name, column in pairs.columns.items()},
            "alignment": pairs.alignments.arrow(part)}, schema=SCHEMA)


def _lemma_batches(lemmas: Lemmas) -> Iterator[pa.RecordBatch]:
    """The texts this run read with their content lemmas, in text order, ``BATCH_ROWS`` at a time."""
    texts = sorted(lemmas.used)
    for start in range(0, len(texts), BATCH_ROWS):
        part = texts[start:start + BATCH_ROWS]
        yield pa.record_batch([pa.array(part, pa.string()),
                               pa.array([_ITEM.join(lemmas.used[t]) for t in part], pa.string())],
                              schema=LEMMA_SCHEMA)


def _read_lemmas(path: Path) -> dict[str, tuple[str, ...]]:
    """The texts ``_lemma_batches`` wrote, with their content lemmas."""
    lemmas = _read_whole(path)
    if not lemmas.schema.equals(LEMMA_SCHEMA):
        raise ValueError(f"{path}: kept lemmas not in the schema this code writes: {lemmas.schema}")
    texts: list[Any] = lemmas.column("text").to_pylist()
    joined: list[Any] = lemmas.column("lemmas").to_pylist()
    del lemmas
    # Each spelling held once, as the lemmas spaCy finds in this run are (``Lemmas``).
    intern = sys.intern
    return dict(zip(texts, [tuple(map(intern, words.split(_ITEM))) if words else () for words in joined]))


def _word_batches(settled: Settled) -> Iterator[pa.RecordBatch]:
    """Each text with its content words as their places in the sorted vocabulary, ``BATCH_ROWS`` at a time: in text
    order, or when they grew from words a file held, that file's rows first, their places moved to this vocabulary,
    and the texts added after them in text order."""
    place = {word: i for i, word in enumerate(sorted(settled.known))}
    earlier = settled.earlier
    if earlier is None or not isinstance(earlier.stored, pa.Table):
        yield from _texts_batches(settled, sorted(settled.words), place)
        return
    moved = pa.array([place[word] for word in sorted(earlier.known)], pa.int32())  # by place in the file's vocabulary
    for batch in earlier.stored.to_batches():
        words = cast("pa.ListArray[Any]", batch.column(1))
        yield pa.record_batch([batch.column(0), pa.ListArray.from_arrays(pc.subtract(words.offsets, words.offsets[0]),
                                                                        pc.take(moved, words.flatten()))],
                              schema=WORDS_SCHEMA)
    yield from _texts_batches(settled, sorted(settled.added), place)


def _texts_batches(settled: Settled, texts: list[str], place: dict[str, int]) -> Iterator[pa.RecordBatch]:
    """``texts`` with their content words as their ``place``s, ``BATCH_ROWS`` at a time."""
    for start in range(0, len(texts), BATCH_ROWS):
        part = texts[start:start + BATCH_ROWS]
        words = list(map(settled.words.__getitem__, part))
        ends = np.cumsum(np.fromiter(map(len, words), dtype=np.int32, count=len(words)), dtype=np.int32)
        places = np.fromiter(map(place.__getitem__, chain.from_iterable(words)), dtype=np.int32, count=int(ends[-1]))
        yield pa.record_batch([pa.array(part, pa.string()),
                               pa.ListArray.from_arrays(pa.array(np.concatenate([[0], ends]), pa.int32()),
                                                        pa.array(places, pa.int32()), type=WORDS_SCHEMA.field(1).type)],
                              schema=WORDS_SCHEMA)


def _read_words(path: Path) -> Settled:
    """The content words ``_word_batches`` wrote, with the vocabulary they were settled against."""
    table = _read_whole(path)
    if not table.schema.remove_metadata().equals(WORDS_SCHEMA):
        raise ValueError(f"{path}: kept content words not in the schema this code writes: {table.schema}")
    written, known = ([sys.intern(word) for word in table.schema.metadata[key].decode().split(_ITEM) if word]
                      for key in (b"written", b"known"))
    texts: list[Any] = table.column("text").to_pylist()
    words = cast("pa.ListArray[Any]", table.column("words").combine_chunks())
    # Each text's words, taken from one list of the vocabulary's words: each spelling is held once.
    flat = np.array(known, dtype=object)[words.values.to_numpy()].tolist()
    ends = words.offsets.to_numpy().tolist()
    # The table is held with them: a release writes it back with the texts it adds.
    return Settled(dict(zip(texts, [tuple(flat[start:end]) for start, end in pairwise(ends)])),
                   frozenset(written), frozenset(known), stored=table)


def _read_whole(path: Path) -> pa.Table:
    """A kept file's table, read whole: by ``ParquetFile``, since ``pq.read_table`` first imports pyarrow's datasets
    module, a tenth of a second that nothing else in the match stage needs."""
    with pq.ParquetFile(path) as file:
        return file.read()


def kept_lemmas(folder: Path | None) -> Lemmas:
    """The content words of the texts the run before read, with the vocabulary they were settled against, and their
    lemmas (read only if asked for), as ``folder`` keeps them; none when it keeps none."""
    if folder is None:
        return Lemmas()
    settled = _read_words(folder / WORDS) if (folder / WORDS).exists() else None
    if not (folder / LEMMAS).exists():
        return Lemmas(settled=settled)
    return Lemmas(settled=settled, unread=lambda: _read_lemmas(folder / LEMMAS))


def write_lemmas(folder: Path, lemmas: Lemmas) -> None:
    """Keep the lemmas of the texts this run read, in place of those the folder held, the file renamed in whole;
    left as it is when they are the texts and lemmas it holds, or when this run read none. Keep this run's content
    words, with the vocabulary they were settled against, when they are not those the folder holds.

    Written as soon as the texts are read, so that the run does not hold them to its end: a text's lemmas are
    the same whatever becomes of the run.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if lemmas.unread is None and (lemmas.changed or not (folder / LEMMAS).exists()):
        atomic.write_with(folder / LEMMAS, lambda tmp: write_batches(_lemma_batches(lemmas), LEMMA_SCHEMA, tmp))
    settles = lemmas.settles
    if settles is not None and settles is not lemmas.settled:
        # The vocabulary is in the same file as the words settled against it: the two are replaced together.
        schema = WORDS_SCHEMA.with_metadata({"written": _ITEM.join(sorted(settles.written)),
                                             "known": _ITEM.join(sorted(settles.known))})
        atomic.write_with(folder / WORDS, lambda tmp: write_batches(_word_batches(settles), schema, tmp))


@dataclass
class Reads:
    """What a run read of the kept segments: which of their rows its pairs were read from, and which of its pairs no
    kept row holds (what ``write_kept`` adds)."""

    segments: tuple[Path, ...] = ()
    used: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # by row, numbered across the segments
    fresh: list[np.ndarray] = field(default_factory=list)  # whether each pair is kept nowhere, the pairs added in turn

    def note(self, kept: Kept, rows: np.ndarray, fresh: np.ndarray) -> None:
        """Pairs added, ``fresh`` saying of each whether no kept row holds it: ``kept``'s ``rows`` were read."""
        if kept.segments:
            if not len(self.used):
                self.segments, self.used = kept.segments, np.zeros(len(kept), dtype=bool)
            assert kept.segments == self.segments, "the kept segments changed during the run"
            self.used[rows] = True
        self.fresh.append(fresh)


def write_kept(folder: Path, pairs: PairColumns, hashes: Hashes, reads: Reads | None = None) -> None:
    """Keep ``pairs`` (this run's, ``hashes`` by unit position; ``reads`` what the run read of the folder): the
    pairs no segment holds as a new segment, or all of them in one segment in place of the others once too many of
    the rows kept are not the run's (``STALE_SHARE``) or the segments too many; each segment renamed in whole. What
    other code or libraries kept beside the folder is dropped."""
    folder.mkdir(parents=True, exist_ok=True)
    reads = reads or Reads(fresh=[np.ones(len(pairs), dtype=bool)])
    segments = _segments(folder)
    fresh = np.flatnonzero(np.concatenate(reads.fresh)) if reads.fresh else np.zeros(0, dtype=np.int64)
    stale = len(reads.used) - int(np.count_nonzero(reads.used))
    whole = (segments != reads.segments or len(segments) >= MAX_SEGMENTS
             or stale > STALE_SHARE * (len(reads.used) + len(fresh)))
    # The last of pairs with the same two hashes: the pairs added last (those families bridged) stay together at the
    # end, so that the next run reads them from a row group or two.
    rows = _distinct(pairs, hashes, (np.arange(len(pairs)) if whole else fresh)[::-1])[::-1]
    if len(rows) or not segments:
        number = int(segments[-1].stem.rsplit("-", 1)[1]) + 1 if segments else 1
        atomic.write_with(folder / SEGMENT.format(number),
                          lambda tmp: write_batches(_batches(pairs, hashes, rows), SCHEMA, tmp))
    if whole:
        for segment in segments:  # every pair is in the segment written
            segment.unlink()
    let_go()  # the batches written: the map's records come next
    for other in folder.parent.iterdir():  # what other code or libraries kept can never be read again
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
