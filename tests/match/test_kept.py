"""Kept pairs: a release compares only the pairs its change touches, and publishes what a full run publishes."""

from __future__ import annotations

import shutil

from pipeline import runner
from pipeline.match import cache as match_cache
from pipeline.match.features import prepare, rarities
from pipeline.match.kept import Kept, profile_hashes
from pipeline.match.normalise import EXACT_COUNTS, STEPS_PER_DOUBLING, Lemmas, content_words, stepped
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
