"""Kept pairs: a release compares only the pairs its change touches, and publishes what a full run publishes."""

from __future__ import annotations

import shutil

import numpy as np

from pipeline import runner
from pipeline.match import MatchResult, kept, match_corpus
from pipeline.match import cache as match_cache
from pipeline.match.criteria import AlignedPair
from pipeline.match.features import prepare, rarities
from pipeline.match.kept import Kept, profile_hashes
from pipeline.match.normalise import EXACT_COUNTS, STEPS_PER_DOUBLING, Lemmas, content_words, stepped
from pipeline.match.pairs import DTYPES, PairColumns
from pipeline.parse.corpus import build_corpus
from tests.bench.synthetic import synthetic_corpus
from tests.conftest import manifest, parsed
from tests.match.factories import unit
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
    assert Kept.read(match_cache.kept_folder(paths.extracted)).table.num_rows  # the first run kept its pairs

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
    again, _ = run()
    assert again.summary["pairs_compared"] == 0
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
    return profile_hashes(profiles, rarities(profiles))


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


def test_texts_whose_lemmas_a_run_found_are_not_lemmatised_again():
    fresh = Lemmas()
    first = content_words(["Answering telephone calls", "Greeting visitors"], lemmas=fresh)
    assert set(fresh.used) == {"answering telephone calls", "greeting visitors"}
    assert content_words(["Answering telephone calls"], lemmas=Lemmas(dict(fresh.used)))[0] == first[0]
    # What the earlier run found is what the next one reads (here, a made-up lemma shows it is read).
    told = Lemmas({"answering telephone calls": ("respond", "telephone", "call")})
    assert content_words(["Answering telephone calls"], lemmas=told) == [("respond", "telephone", "call")]


def test_kept_pairs_and_lemmas_written_a_batch_at_a_time_read_back_whole(tmp_path, monkeypatch):
    # Five pairs and three texts over batches of two: the middle batch's alignment must stay with its own rows.
    monkeypatch.setattr(kept, "BATCH_ROWS", 2)
    units = [unit("old", str(n), f"Title {n}") for n in range(6)]
    pairs = PairColumns(tuple(sorted(u.unit_key for u in units)))
    columns = {name: np.zeros(5, dtype=dtype) for name, dtype in DTYPES.items()}
    columns["title_score"] = np.linspace(0.1, 0.5, 5)
    aligned = {1: (AlignedPair("a", "b", 0.5),), 2: (AlignedPair("c", "d", 0.75), AlignedPair("e", "f", 1.0))}
    pairs.extend_columns(np.arange(5), np.arange(1, 6), columns, aligned)
    folder = tmp_path / "kept" / "stage"  # writing it clears the folders beside it
    read_texts = {"greet visitors": ("greet", "visitor"), "answer calls": ("answer", "call"), "file": ("file",)}
    kept.write_kept(folder, pairs, np.arange(10, 16, dtype=np.uint64))
    kept.write_lemmas(folder, Lemmas(used=read_texts))

    read = Kept.read(folder)
    found_at, rows = read.found(np.arange(5), np.arange(1, 6), np.arange(10, 16, dtype=np.uint64))
    assert found_at.tolist() == rows.tolist() == [0, 1, 2, 3, 4]
    columns_read, alignments = read.columns(rows)
    assert columns_read["title_score"].tolist() == columns["title_score"].tolist()
    assert alignments == aligned
    assert kept.kept_lemmas(folder).known == read_texts
