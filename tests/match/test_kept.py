"""Kept pairs: a release compares only the pairs its change touches, and publishes what a full run publishes."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from pipeline import runner
from pipeline.core.parallel import Engine
from pipeline.match import MatchResult, kept, match_corpus
from pipeline.match import cache as match_cache
from pipeline.match.blocking import UnitTexts
from pipeline.match.compared import Compared
from pipeline.match.criteria import AlignedPair
from pipeline.match.features import prepare, rarities
from pipeline.match.kept import Hashes, Kept, profile_hashes
from pipeline.match.normalise import EXACT_COUNTS, STEPS_PER_DOUBLING, Lemmas, Settled, content_words, stepped
from pipeline.match.pairs import DTYPES, Alignments, PairColumns
from pipeline.parse.corpus import build_corpus
from tests.bench.synthetic import synthetic_corpus
from tests.conftest import manifest, parsed
from tests.match.factories import alignments_of, features_of, unit
from tests.match.factories import criteria as criteria_of
from tests.match.reference import Features, compare
from tests.test_editions import HANDBOOK, MANIFEST_EDITIONS, SECOND, THIRD, second_edition, third_edition
from tests.test_reliability import published as published_files


def test_an_edition_added_compares_only_its_pairs_and_publishes_what_a_full_run_does(published, editions_project,
                                                                                       tmp_path):
    # raw/ was run once (its pairs kept); the 2012 and 2014 editions are then added to it.
    root = tmp_path / "project"
    shutil.copytree(published, root, symlinks=True)
    first = (root / "raw" / HANDBOOK).read_text(encoding="utf-8")
    (root / "raw" / f"{SECOND}.txt").write_text(second_edition(first), encoding="utf-8")
    (root / "raw" / f"{THIRD}.txt").write_text(third_edition(second_edition(first)), encoding="utf-8")
    with open(root / "raw" / "manifest.toml", "a", encoding="utf-8") as manifest:
        manifest.write(MANIFEST_EDITIONS)
    paths = runner.Paths(root)
    assert len(Kept.read(match_cache.kept_folder(paths.extracted)))  # the first run kept its pairs

    summary = runner.run(paths).match_summary

    assert 0 < summary["pairs_compared"] < summary["comparisons"]
    assert summary["pairs_kept"] + summary["pairs_compared"] >= summary["comparisons"]
    full_run, _ = editions_project
    assert published_files(root) == published_files(full_run)


def test_a_run_with_nothing_changed_compares_no_pair_not_even_one_a_family_bridged(tmp_path):
    entries = list(manifest().values())
    real = build_corpus({e.doc_id: parsed(e.doc_id) for e in entries}, entries, "nos-2010")
    corpus = synthetic_corpus(real.units, real.criteria, n_units=1500, schemes=4, seed=11)
    folder, overrides = tmp_path / "kept" / "stage", tmp_path / "overrides.csv"  # no overrides file: none

    def run() -> tuple[MatchResult, list[str]]:
        heard: list[str] = []
        return match_corpus(corpus.units, corpus.criteria, corpus.entries, overrides, heard.append,
                            kept=folder), heard

    first, heard = run()
    # Families bridged pairs that blocking did not propose: they were compared after it.
    assert any("carried through families" in message for message in heard)
    assert first.summary["pairs_compared"] > first.summary["comparisons"]
    written = sorted(folder.glob("pairs-*.parquet"))
    assert [path.name for path in written] == [kept.SEGMENT.format(1)]
    again, _ = run()
    assert again.summary["pairs_compared"] == 0
    assert sorted(folder.glob("pairs-*.parquet")) == written  # nothing new to keep: no segment written
    assert again.summary["pairs_kept"] == first.summary["pairs_compared"]
    assert (again.unit_map, again.families) == (first.unit_map, first.families)


def test_counts_weigh_exactly_when_small_and_by_steps_past_that():
    assert [stepped(n) for n in range(EXACT_COUNTS + 1)] == list(range(EXACT_COUNTS + 1))
    doubled = 2 * EXACT_COUNTS
    step = 2 ** (1 / STEPS_PER_DOUBLING)
    assert stepped(doubled) == stepped(int(doubled * step)) == doubled < stepped(int(doubled * step) + 1)
    assert stepped(1000) == stepped(1001) <= 1000


def _hashes(units):
    profiles = prepare(units, [])
    keys = sorted(profiles)
    return dict(zip(keys, profile_hashes(UnitTexts.of(profiles), rarities(profiles)).profile.tolist()))


def _same(hashes: np.ndarray) -> Hashes:
    """Profile hashes whose criteria hashes are the profile hashes themselves."""
    return Hashes(hashes, hashes)


def test_a_unit_keeps_its_hash_while_the_weights_of_its_words_stay_and_loses_it_when_one_moves():
    telephone = unit("old", "1", "Answer telephone calls from customers", level=2)
    # Past EXACT_COUNTS distinct titles, so that one more leaves their count on the same step.
    others = [unit("old", str(n), f"Maintain premises area {n}", level=2) for n in range(2, EXACT_COUNTS + 8)]
    before = _hashes([telephone, *others])
    # Units that share none of its words, and leave the count of distinct titles on the same step.
    assert _hashes([telephone, *others, unit("new", "9", "Handle complaints", level=2)])[telephone.unit_key] \
        == before[telephone.unit_key]
    # Its own fields are part of it.
    assert _hashes([unit("old", "1", telephone.title, level=3), *others])[telephone.unit_key] \
        != before[telephone.unit_key]
    # "telephone" named by many more titles weighs less: its units are compared again.
    many = [unit("new", str(n), f"Telephone work {n}", level=2) for n in range(100, 120)]
    assert _hashes([telephone, *others, *many])[telephone.unit_key] != before[telephone.unit_key]


def test_a_units_hashes_follow_the_order_and_repeats_of_its_words_and_the_keys_and_words_of_its_criteria():
    owner = unit("old", "1", "Answer telephone calls promptly", level=2)
    profile = prepare([owner], criteria_of(owner, "Greet the caller politely", "Write down the caller's message"))[
        owner.unit_key]
    first, second = profile.criteria
    assert len(profile.title_words) > 2 and len(first.words) > 1
    variants = {
        "copy": profile,
        "title reversed": replace(profile, title_words=profile.title_words[::-1]),
        "title word repeated": replace(profile, title_words=(*profile.title_words, profile.title_words[0])),
        "criteria reversed": replace(profile, criteria=(second, first)),
        "criterion keyed anew": replace(profile, criteria=(replace(first, criterion_key="other"), second)),
        "body word dropped": replace(profile, body_words=profile.body_words[1:]),
        "code named": replace(profile, unit=replace(owner, nos_code="A13")),
        "codes not unique": replace(profile, codes_unique=False),
        # The same words in turn, the first criterion's last word moved to the second.
        "word moved across criteria": replace(profile, criteria=(
            replace(first, words=first.words[:-1]), replace(second, words=(first.words[-1], *second.words)))),
    }
    profiles = {"unit": profile, **variants}
    texts = UnitTexts.of(profiles)
    hashes = profile_hashes(texts, rarities(profiles))
    by_key = {key: (p, c) for key, p, c in zip(texts.keys, hashes.profile.tolist(), hashes.criteria.tolist())}
    own, own_criteria = by_key.pop("unit")
    assert by_key.pop("copy") == (own, own_criteria)
    assert all(p != own for p, _ in by_key.values()) and len({p for p, _ in by_key.values()}) == len(by_key)
    # The title is no part of what aligning criteria reads.
    assert by_key["title reversed"][1] == by_key["title word repeated"][1] == own_criteria
    assert by_key["body word dropped"][1] == by_key["code named"][1] == by_key["codes not unique"][1] == own_criteria
    assert {by_key[k][1] for k in ("criteria reversed", "criterion keyed anew", "word moved across criteria")} \
        .isdisjoint({own_criteria})


def test_texts_whose_lemmas_a_run_found_are_not_lemmatised_again():
    fresh = Lemmas()
    first = content_words(["Answering telephone calls", "Greeting visitors"], lemmas=fresh)
    assert set(fresh.used) == {"answering telephone calls", "greeting visitors"}
    assert content_words(["Answering telephone calls"], lemmas=Lemmas(dict(fresh.used)))[0] == first[0]
    # What the earlier run found is what the next one reads (here, a made-up lemma shows it is read).
    told = Lemmas({"answering telephone calls": ("respond", "telephone", "call")})
    assert content_words(["Answering telephone calls"], lemmas=told) == [("respond", "telephone", "call")]


def _kept_known(folder):
    """The lemmas ``folder`` keeps, by text."""
    lemmas = kept.kept_lemmas(folder)
    return lemmas.unread() if lemmas.unread is not None else lemmas.known


def test_the_lemmas_file_is_rewritten_only_when_the_texts_read_or_their_lemmas_change(tmp_path):
    folder = tmp_path / "kept" / "stage"
    texts = ["Answering telephone calls", "Greeting visitors"]
    first = Lemmas()
    content_words(texts, lemmas=first)
    kept.write_lemmas(folder, first)
    written = (folder / kept.LEMMAS).stat().st_ino  # a file written anew is renamed in: a new inode
    words = (folder / kept.WORDS).stat().st_ino
    same = kept.kept_lemmas(folder)
    content_words(list(reversed(texts)), lemmas=same)
    kept.write_lemmas(folder, same)
    assert (folder / kept.LEMMAS).stat().st_ino == written
    assert (folder / kept.WORDS).stat().st_ino == words
    # A text fewer: its words may be all the corpus had of a word, so the lemmas are read and the file drops it.
    fewer = kept.kept_lemmas(folder)
    content_words(texts[:1], lemmas=fewer)
    kept.write_lemmas(folder, fewer)
    assert (folder / kept.LEMMAS).stat().st_ino != written
    assert _kept_known(folder) == {"answering telephone calls": ("answer", "telephone", "call")}
    assert set(kept.kept_lemmas(folder).settled.words) == {"Answering telephone calls"}
    # A new text changing no old text's words: spaCy reads it alone, the lemmas file is not read, and the words
    # file keeps it.
    more = kept.kept_lemmas(folder)
    assert content_words([*texts, "Greeting visitors"], lemmas=more) == [
        ("answer", "telephone", "call"), ("greet", "visitor"), ("greet", "visitor")]
    assert more.unread is not None and more.asked == 0
    kept.write_lemmas(folder, more)
    assert set(_kept_known(folder)) == {"answering telephone calls"}
    assert set(kept.kept_lemmas(folder).settled.words) == set(texts)


# Texts of an earlier run, and a release's: the release's words, from the kept words, are those a run from nothing
# finds, whether the new texts change an old text's words or not.
RELEASES = {
    "nothing new": (["Support team work", "Adapt behavior"], []),
    "a new text of its own words": (["Support team work", "Adapt behavior"], ["Plan the handbook"]),
    "a compound that joins old words": (["Support team work", "Plan a hand over"], ["Check the handover"]),
    "a compound's plural": (["Support team work"], ["Value teamworks"]),
    "a compound of a new word": (["Support team work"], ["Use the workbook"]),
    "a spelling old words fold into": (["Adapt behavior", "Know the organization"], ["Good behaviour"]),
    "a spelling that folds into old words": (["Adapt behaviour"], ["Good behavior", "Colour the center"]),
    "a variant of a lemma": (["Organizing events"], ["Organising teams"]),
    "a text gone": (["Support team work", "Value teamwork"], None),
}


@pytest.mark.parametrize("name", list(RELEASES))
def test_kept_content_words_are_the_words_a_run_from_nothing_finds(tmp_path, name):
    old, new = RELEASES[name]
    folder = tmp_path / "kept" / "stage"
    first = Lemmas()
    content_words(old, lemmas=first)
    kept.write_lemmas(folder, first)
    texts = old[:1] if new is None else [*old, *new]
    release = kept.kept_lemmas(folder)
    assert content_words(texts, lemmas=release) == content_words(texts)
    kept.write_lemmas(folder, release)
    settled = kept.kept_lemmas(folder).settled
    assert settled.words == dict(zip(texts, content_words(texts)))
    again = kept.kept_lemmas(folder)
    assert content_words(texts, lemmas=again) == content_words(texts)
    assert again.unread is not None  # all settled: the lemmas are not read


def test_releases_one_after_another_keep_the_words_a_run_from_nothing_finds(tmp_path):
    # Each release adds texts of new words (moving the old words' places in the vocabulary) and writes back the rows
    # the file held with the texts it adds; the next release reads them as a run from nothing would find them.
    folder = tmp_path / "kept" / "stage"
    texts = ["Support team work", "Adapt behavior"]
    first = Lemmas()
    content_words(texts, lemmas=first)
    kept.write_lemmas(folder, first)
    for added in (["Plan the handbook"], ["Greet a visitor", "Answer calls"], ["Zone the area"]):
        texts = [*texts, *added]
        release = kept.kept_lemmas(folder)
        assert content_words(texts, lemmas=release) == content_words(texts)
        assert release.unread is not None and release.settles.added == tuple(sorted(added))  # settled on top
        kept.write_lemmas(folder, release)
        assert kept.kept_lemmas(folder).settled.words == dict(zip(texts, content_words(texts)))
    # The first run's texts in text order, then each release's in text order after them.
    assert pq.ParquetFile(folder / kept.WORDS).read().column("text").to_pylist() == [
        "Adapt behavior", "Support team work", "Plan the handbook", "Answer calls", "Greet a visitor", "Zone the area"]


def test_kept_content_words_are_settled_anew_only_when_new_texts_may_change_them(tmp_path):
    folder = tmp_path / "kept" / "stage"
    first = Lemmas()
    content_words(["Support team work", "Adapt behavior"], lemmas=first)
    kept.write_lemmas(folder, first)
    for texts, anew in ((["Plan the handbook"], False), (["Value teamwork"], True), (["Good behaviour"], True)):
        release = kept.kept_lemmas(folder)
        content_words(["Support team work", "Adapt behavior", *texts], lemmas=release)
        assert (release.unread is None) == anew, texts  # the lemmas read: every text's words settled anew


def test_kept_lemmas_leave_compounds_and_spellings_to_the_vocabulary_of_the_run(tmp_path):
    # The texts' lemmas are kept; what they join into or fold into is settled by each run's vocabulary.
    folder = tmp_path / "kept" / "stage"
    texts = ["Support team work", "Adapt behavior"]
    first = Lemmas()
    assert content_words(texts, lemmas=first) == [("support", "team", "work"), ("adapt", "behavior")]
    kept.write_lemmas(folder, first)
    release = kept.kept_lemmas(folder)
    assert content_words([*texts, "Value teamwork", "Good behaviour"], lemmas=release) == [
        ("support", "teamwork"), ("adapt", "behaviour"), ("value", "teamwork"), ("good", "behaviour")]
    # Texts that change nothing the old texts write leave their words as they were.
    assert content_words([*texts, "Plan the handbook"], lemmas=kept.kept_lemmas(folder))[:2] == [
        ("support", "team", "work"), ("adapt", "behavior")]


def test_kept_pairs_and_lemmas_written_a_batch_at_a_time_read_back_whole(tmp_path, monkeypatch):
    # Five pairs and three texts over batches of two: the middle batch's alignment must stay with its own rows.
    monkeypatch.setattr(kept, "BATCH_ROWS", 2)
    units = [unit("old", str(n), f"Title {n}") for n in range(6)]
    pairs = PairColumns(tuple(sorted(u.unit_key for u in units)))
    columns = {name: np.zeros(5, dtype=dtype) for name, dtype in DTYPES.items()}
    columns["title_score"] = np.linspace(0.1, 0.5, 5)
    aligned = [(), (AlignedPair("a", "b", 0.5),), (AlignedPair("c", "d", 0.75), AlignedPair("e", "f", 1.0)), (), ()]
    pairs.extend_columns(np.arange(5), np.arange(1, 6), columns, Alignments.of(aligned))
    folder = tmp_path / "kept" / "stage"  # writing it clears the folders beside it
    read_texts = {"greet visitors": ("greet", "visitor"), "answer calls": ("answer", "call"), "file": ("file",)}
    kept.write_kept(folder, pairs, _same(np.arange(10, 16, dtype=np.uint64)))
    settles = Settled(read_texts, frozenset({"greet", "visitors", "answer", "calls", "file"}),
                      frozenset({"greet", "visitors", "visitor", "answer", "calls", "call", "file"}))
    kept.write_lemmas(folder, Lemmas(used=read_texts, settles=settles))

    assert pq.ParquetFile(folder / kept.SEGMENT.format(1)).num_row_groups == 3
    read = Kept.read(folder)
    found = read.found(np.arange(5), np.arange(1, 6), _same(np.arange(10, 16, dtype=np.uint64)))
    assert found.at.tolist() == found.rows.tolist() == [0, 1, 2, 3, 4]
    rows = found.rows
    columns_read = {name: np.zeros(5, dtype=dtype) for name, dtype in DTYPES.items()}
    alignments = read.read_rows(rows, columns_read, np.arange(5))
    assert columns_read["title_score"].tolist() == columns["title_score"].tolist()
    assert alignments_of(alignments, np.arange(5)) == aligned
    assert _kept_known(folder) == read_texts
    assert kept.kept_lemmas(folder).settled == settles


def test_a_pair_is_found_at_the_first_row_holding_its_two_hashes_and_never_by_its_code_alone():
    # Rows 1 and 3 hold the same two hashes; row 2's code equals row 0's although its hashes differ.
    def colliding(left: int, right: int, other: int) -> int:
        """The right hash that gives ``other`` as left hash the code of the pair ``left``, ``right``."""
        code = np.array([left], dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) ^ np.uint64(right)
        return int((code ^ np.array([other], dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))[0])

    kept_left = np.array([7, 11, 9, 11, 5], dtype=np.uint64)
    kept_right = np.array([8, 12, colliding(7, 8, 9), 12, 6], dtype=np.uint64)
    assert len(set(kept._pair_code(kept_left, kept_right)[[0, 2]].tolist())) == 1
    asked_left = np.array([11, 9, 7, 5, 9, 3], dtype=np.uint64)
    asked_right = np.array([12, colliding(7, 8, 9), 8, 6, 8, 4], dtype=np.uint64)

    at, rows = kept._Sorted.of(kept_left, kept_right).found(asked_left, asked_right)

    # (9, 8) is kept nowhere, nor (3, 4); (11, 12) first at row 1.
    assert at.tolist() == [0, 1, 2, 3] and rows.tolist() == [1, 2, 0, 4]
    assert [len(found) for found in kept._Sorted.of(kept_left[:0], kept_right[:0]).found(asked_left, asked_right)] == [0, 0]
    # Among many more rows kept than pairs asked for (a release's bridged pairs), the same rows are found.
    filler = np.arange(1000, 1200, dtype=np.uint64)
    at, rows = kept._Sorted.of(np.concatenate([filler, kept_left]),
                               np.concatenate([filler, kept_right])).found(asked_left[:3], asked_right[:3])
    assert at.tolist() == [0, 1, 2] and rows.tolist() == [201, 202, 200]


def test_kept_rows_asked_for_out_of_order_come_back_in_that_order_from_their_row_groups(tmp_path, monkeypatch):
    # Seven pairs in row groups of three; rows asked for across the groups, out of order and one twice.
    monkeypatch.setattr(kept, "BATCH_ROWS", 3)
    pairs = PairColumns(tuple(f"u:{n}" for n in range(8)))
    columns = {name: np.zeros(7, dtype=dtype) for name, dtype in DTYPES.items()}
    columns["left_criteria"] = np.arange(7, dtype=np.int32) * 10
    columns["stated_identity"] = np.array([1, 0, 0, 1, 0, 0, 1], dtype=bool)
    aligned = [(AlignedPair(f"u:{n}#1", f"u:{n + 1}#1", n / 10),) * (n % 3) for n in range(7)]
    pairs.extend_columns(np.arange(7), np.arange(1, 8), columns, Alignments.of(aligned))
    folder = tmp_path / "kept" / "stage"
    kept.write_kept(folder, pairs, _same(np.arange(8, dtype=np.uint64)))

    asked = np.array([5, 0, 6, 2, 5])
    whole = pq.read_table(folder / kept.SEGMENT.format(1)).take(asked)  # what reading the whole file at once gives
    read = Kept.read(folder)
    # The first rows asked for come from the columns read whole, the next from their row groups: the same rows.
    for _ in ("read whole", "read by row group"):
        columns_read = {name: np.full(6, 7, dtype=dtype) for name, dtype in DTYPES.items()}
        alignments = read.read_rows(asked, columns_read, np.array([1, 2, 3, 4, 5]))
        assert columns_read["left_criteria"].tolist() == [7, 50, 0, 60, 20, 50]  # the first place is not theirs
        assert columns_read["stated_identity"].tolist() == [True, False, True, True, False, False]
        assert alignments_of(alignments, np.arange(5)) == [aligned[5], aligned[0], aligned[6], aligned[2], aligned[5]]
        assert {name: columns_read[name][1:].tolist() for name in DTYPES} == {name: whole[name].to_pylist()
                                                                              for name in DTYPES}
        assert alignments.arrow(np.arange(5)).to_pylist() == whole["alignment"].to_pylist()
    assert aligned[0] == aligned[6] == ()  # rows 0 and 6 align nothing


def test_kept_rows_written_again_among_rows_compared_now_keep_their_own_alignments(tmp_path, monkeypatch):
    # A release: the kept rows come back among new ones (placed by position), and are kept again, a row group
    # at a time, each row with its own alignment.
    monkeypatch.setattr(kept, "BATCH_ROWS", 2)
    first = PairColumns(tuple(f"u:{n}" for n in range(6)))
    columns = {name: np.zeros(3, dtype=dtype) for name, dtype in DTYPES.items()}
    old = [(AlignedPair("u:0#1", "u:3#1", 0.5),), (), (AlignedPair("u:2#1", "u:5#2", 0.875),)]
    first.extend_columns(np.arange(3), np.arange(3, 6), columns, Alignments.of(old))
    hashes = _same(np.arange(100, 106, dtype=np.uint64))
    kept.write_kept(tmp_path / "kept" / "first", first, hashes)

    before = Kept.read(tmp_path / "kept" / "first")
    found = before.found(np.array([2, 0, 1, 0]), np.array([5, 4, 5, 3]), hashes)
    assert found.at.tolist() == [0, 3] and found.rows.tolist() == [2, 0]
    fewer = before.found(np.array([0, 2]), np.array([4, 5]), hashes)  # fewer pairs asked for than kept
    assert fewer.at.tolist() == [1] and fewer.rows.tolist() == [2]
    found_at, rows = found.at, found.rows
    kept_aligned = before.read_rows(rows, {name: np.zeros(2, dtype=dtype) for name, dtype in DTYPES.items()},
                                    np.arange(2))
    new = (AlignedPair("u:0#2", "u:4#1", 0.625),)
    now = Alignments.placed(4, [(found_at, kept_aligned), (np.array([1, 2]), Alignments.of([new, ()]))])
    assert alignments_of(now, np.arange(4)) == [old[2], new, (), old[0]]

    again = PairColumns(first.keys)
    again.extend_columns(np.array([2, 0, 1, 0]), np.array([5, 4, 5, 3]),
                         {name: np.zeros(4, dtype=dtype) for name, dtype in DTYPES.items()}, now)
    kept.write_kept(tmp_path / "kept" / "again", again, hashes)
    written = Kept.read(tmp_path / "kept" / "again")
    columns = {name: np.zeros(4, dtype=dtype) for name, dtype in DTYPES.items()}
    assert alignments_of(written.read_rows(np.arange(4), columns, np.arange(4)), np.arange(4)) == [old[2], new, (), old[0]]


def test_a_release_keeps_its_new_pairs_as_a_segment_and_all_its_pairs_anew_once_a_quarter_are_stale(tmp_path,
                                                                                                      monkeypatch):
    # Four pairs kept; a release adds a fifth; a later one no longer has two of the five (its units changed).
    monkeypatch.setattr(kept, "BATCH_ROWS", 2)
    keys = tuple(f"u:{n}" for n in range(8))
    hashes = _same(np.arange(200, 208, dtype=np.uint64))
    scores = {(0, 4): 0.25, (1, 5): 0.5, (2, 6): 0.75, (3, 7): 1.0, (0, 7): 0.125}
    aligned = {(0, 4): (AlignedPair("u:0#1", "u:4#1", 0.5),), (0, 7): (AlignedPair("u:0#2", "u:7#1", 0.625),)}
    folder = tmp_path / "kept" / "stage"

    def run(pairs: list[tuple[int, int]]) -> tuple[PairColumns, list[int]]:
        """The run's pairs, those kept read from the folder and the others compared (here: made up), then kept; and
        the positions of those read."""
        held = PairColumns(keys)
        left, right = np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])
        read = Kept.read(folder)
        found = read.found(left, right, hashes)
        columns = {name: np.zeros(len(pairs), dtype=dtype) for name, dtype in DTYPES.items()}
        fresh = np.setdiff1d(np.arange(len(pairs)), found.at)
        columns["title_score"][fresh] = [scores[pairs[i]] for i in fresh.tolist()]
        alignments = Alignments.placed(len(pairs), [
            (found.at, read.read_rows(found.rows, columns, found.at)),
            (fresh, Alignments.of([aligned.get(pairs[i], ()) for i in fresh.tolist()]))])
        held.extend_columns(left, right, columns, alignments)
        reads = kept.Reads()
        reads.note(read, found.rows, np.isin(np.arange(len(pairs)), fresh))
        kept.write_kept(folder, held, hashes, reads)
        return held, found.at.tolist()

    def segments() -> dict[str, int]:
        return {path.name: pq.ParquetFile(path).metadata.num_rows for path in sorted(folder.glob("pairs-*.parquet"))}

    assert run([(0, 4), (1, 5), (2, 6), (3, 7)])[1] == []
    assert segments() == {kept.SEGMENT.format(1): 4}
    release, read = run([(0, 4), (1, 5), (2, 6), (3, 7), (0, 7)])
    assert read == [0, 1, 2, 3] and segments() == {kept.SEGMENT.format(1): 4, kept.SEGMENT.format(2): 1}
    later, read = run([(0, 4), (3, 7), (0, 7)])  # two of the five rows kept are stale: more than a quarter of them
    assert read == [0, 1, 2] and segments() == {kept.SEGMENT.format(3): 3}
    assert later.columns["title_score"].tolist() == [0.25, 1.0, 0.125]  # each read from its own segment
    assert alignments_of(later.alignments, np.arange(3)) == [aligned[0, 4], (), aligned[0, 7]]
    assert release.columns["title_score"].tolist() == [0.25, 0.5, 0.75, 1.0, 0.125]
    assert Kept.read(folder).found(np.array([1]), np.array([5]), hashes).at.tolist() == []  # left behind


def test_pairs_with_the_same_two_hashes_are_kept_once_and_found_there(tmp_path):
    # Units 1 and 2 have one profile (the same hash): the pairs (1, 4) and (2, 4) are one pair to the matcher.
    pairs = PairColumns(tuple(f"u:{n}" for n in range(6)))
    columns = {name: np.zeros(4, dtype=dtype) for name, dtype in DTYPES.items()}
    columns["title_score"] = np.array([0.25, 0.5, 0.5, 0.75])
    pairs.extend_columns(np.array([0, 1, 2, 1]), np.array([3, 4, 4, 5]), columns, Alignments.of([()] * 4))
    hashes = _same(np.array([30, 31, 31, 33, 34, 35], dtype=np.uint64))
    folder = tmp_path / "kept" / "stage"
    kept.write_kept(folder, pairs, hashes)

    assert pq.read_table(folder / kept.SEGMENT.format(1))["title_score"].to_pylist() == [0.25, 0.5, 0.75]
    found = Kept.read(folder).found(np.array([2, 0, 1, 1]), np.array([4, 3, 5, 4]), hashes)
    assert found.at.tolist() == [0, 1, 2, 3] and found.rows.tolist() == [1, 0, 2, 1]



def test_kept_rows_a_run_read_whole_are_taken_from_its_columns_when_asked_for_again(tmp_path, monkeypatch):
    # Units 1 and 2 have one profile: the pair (2, 4), asked for after (1, 4) was read, is the same kept row. Units 0
    # and 5 have the criteria hashes of 1 and 4 but profiles of their own: (0, 5) would take the alignment of that row.
    pairs = PairColumns(tuple(f"u:{n}" for n in range(6)))
    columns = {name: np.zeros(2, dtype=dtype) for name, dtype in DTYPES.items()}
    columns["title_score"], columns["criteria_score"] = np.array([0.25, 0.5]), np.array([0.0, 0.75])
    pairs.extend_columns(np.array([3, 1]), np.array([5, 4]), columns,
                         Alignments.of([(), (AlignedPair("u:1#1", "u:4#1", 0.75),)]))
    hashes = Hashes(np.array([30, 31, 31, 33, 34, 35], dtype=np.uint64),
                    np.array([41, 41, 41, 43, 44, 44], dtype=np.uint64))
    folder = tmp_path / "kept" / "stage"
    kept.write_kept(folder, pairs, hashes)

    read = Kept.read(folder)
    compared = Compared(PairColumns(pairs.keys), {}, None, Engine(), hashes)  # type: ignore[arg-type]
    compared.add(np.array([1]), np.array([4]), read)
    monkeypatch.setattr(kept, "_read_groups", lambda *args: pytest.fail("a kept row read twice"))
    compared.add(np.array([2]), np.array([4]), read)
    assert compared.pairs.columns["title_score"].tolist() == [0.5, 0.5]
    assert compared.pairs.columns["criteria_score"].tolist() == [0.75, 0.75]
    assert alignments_of(compared.pairs.alignments, np.arange(2)) == [(AlignedPair("u:1#1", "u:4#1", 0.75),)] * 2
    assert compared.reads.used.tolist() == [False, True]

    # The kept hashes are read once, however often pairs are looked up by them.
    assert read.found(np.array([0]), np.array([5]), hashes).aligned_rows.tolist() == [1]
    monkeypatch.setattr(kept.pq, "ParquetFile", lambda *args: pytest.fail("kept hashes read twice"))
    found = read.found(np.array([0, 2]), np.array([5, 4]), hashes)
    assert found.at.tolist() == [1] and found.aligned_at.tolist() == [0] and found.aligned_rows.tolist() == [1]

# A release that touches one pair: a visitor-reception unit of an old scheme and its counterpart in a new one, among
# units whose titles and criteria only set how common words are (counts stay on the step they were on).
RECEPTION = unit("old", "10", "Welcome visitors to the workplace", level=2)
SUCCESSOR = unit("new", "A1", "Welcome and direct visitors", level=2)
FILLERS = [unit("old", str(n), f"Tidy the stock room {n}", level=1) for n in range(20, 37)]
RECEPTION_CRITERIA = criteria_of(RECEPTION, "greet visitors politely on arrival", "check the identity of each visitor",
                                 "record visitor details in the signing-in book")
SUCCESSOR_CRITERIA = criteria_of(SUCCESSOR, "greet each visitor politely when they arrive", "confirm who the visitor is",
                                 "note the details of the visitor in the log")
FILLER_CRITERIA = [c for n, filler in enumerate(FILLERS) for c in criteria_of(filler, f"stack cartons on shelf {n}")]
BEFORE = [RECEPTION, SUCCESSOR, *FILLERS]


def _compare_the_pair(units, criteria, folder=None) -> Compared:
    """The reception pair added to a run's pairs, its features kept in ``folder`` where they are."""
    profiles = prepare(units, criteria)
    keys = tuple(sorted(profiles))
    rarity = rarities(profiles)
    compared = Compared(PairColumns(keys), profiles, rarity, Engine(), profile_hashes(UnitTexts.of(profiles), rarity))
    compared.add(np.array([keys.index(RECEPTION.unit_key)]), np.array([keys.index(SUCCESSOR.unit_key)]),
                 Kept.read(folder))
    return compared


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> tuple[Compared, Path]:
    """The pair compared from nothing, and the folder that keeps it."""
    compared = _compare_the_pair(BEFORE, RECEPTION_CRITERIA + SUCCESSOR_CRITERIA + FILLER_CRITERIA)
    folder = tmp_path_factory.mktemp("first") / "kept" / "stage"
    kept.write_kept(folder, compared.pairs, compared.hashes)
    return compared, folder


def _as_a_fresh_comparison(compared: Compared) -> Features:
    """The pair's features as ``compared`` holds them, checked against comparing the two units now."""
    fresh = compare(compared.profiles[RECEPTION.unit_key], compared.profiles[SUCCESSOR.unit_key], compared.rarity)
    [held] = features_of(compared.pairs, np.arange(1), [fresh.title_shared])
    assert held == fresh
    return held


def test_a_release_moving_only_a_title_words_weight_takes_the_kept_alignment(first_run):
    first, folder = first_run
    # A unit without criteria whose title says "workplace" too: that word now weighs less among titles.
    added = unit("new", "A2", "Keep the workplace safe", level=2)
    again = _compare_the_pair([*BEFORE, added], RECEPTION_CRITERIA + SUCCESSOR_CRITERIA + FILLER_CRITERIA, folder)

    assert again.rarity.title.weight("workplace") < first.rarity.title.weight("workplace")
    at = [again.pairs.position(RECEPTION.unit_key), again.pairs.position(SUCCESSOR.unit_key)]
    was = [first.pairs.position(RECEPTION.unit_key), first.pairs.position(SUCCESSOR.unit_key)]
    assert again.hashes.criteria[at].tolist() == first.hashes.criteria[was].tolist()
    assert again.hashes.profile[at[0]] != first.hashes.profile[was[0]]
    assert (again.compared, again.aligned) == (1, 0)  # compared again, its criteria not aligned again
    held = _as_a_fresh_comparison(again)
    assert held.title_score != first.pairs.columns["title_score"][0]  # the kept title score was not taken
    assert held.alignment == alignments_of(first.pairs.alignments, np.arange(1))[0]
    # Greeting with greeting, recording details with noting them; checking identity is not confirming who it is.
    assert [(a.left_key, a.right_key) for a in held.alignment] == [("old:10#1.1", "new:A1#1.1"),
                                                                    ("old:10#1.3", "new:A1#1.3")]
    assert held.criteria_score == first.pairs.columns["criteria_score"][0]


def test_a_release_moving_a_criterion_words_weight_aligns_again(first_run):
    first, folder = first_run
    # One more criterion that records details: "record" and "detail" are now commoner among criteria.
    added = unit("new", "A2", "Sign for deliveries", level=2)
    said = criteria_of(added, "record the delivery details on the docket")
    again = _compare_the_pair([*BEFORE, added], RECEPTION_CRITERIA + SUCCESSOR_CRITERIA + FILLER_CRITERIA + said,
                              folder)

    assert again.rarity.criteria.unseen == first.rarity.criteria.unseen  # the criteria's count stayed on its step
    assert again.rarity.criteria.weight("record") < first.rarity.criteria.weight("record")
    assert (again.compared, again.aligned) == (1, 1)
    _as_a_fresh_comparison(again)


def test_a_reworded_criterion_aligns_again(first_run):
    _, folder = first_run
    reworded = criteria_of(SUCCESSOR, "greet each visitor politely when they arrive",
                           "confirm who the visitor has come to see", "note the details of the visitor in the log")
    again = _compare_the_pair(BEFORE, RECEPTION_CRITERIA + reworded + FILLER_CRITERIA, folder)

    assert (again.compared, again.aligned) == (1, 1)
    _as_a_fresh_comparison(again)
