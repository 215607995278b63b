"""The match cache: an unchanged corpus is not matched again; any change to its inputs matches afresh."""

from __future__ import annotations

import csv

import pipeline.match
from pipeline import runner
from tests.test_reliability import published, tiny_project


def test_an_unchanged_corpus_is_not_matched_again_and_a_changed_one_is(tmp_path, monkeypatch):
    paths = tiny_project(tmp_path)
    runner.run(paths)
    first = published(paths.root)
    calls = []
    real = pipeline.match.match_corpus
    monkeypatch.setattr(pipeline.match, "match_corpus", lambda *a, **k: calls.append(1) or real(*a, **k))

    runner.run(paths)
    assert calls == [] and published(paths.root) == first

    # A person's decision is an input: the next run matches again and applies it.
    overrides = paths.mappings / "overrides.csv"
    rows = csv.DictReader(first["mappings/unit_map.csv"].decode("utf-8-sig").splitlines())
    pair = next(r for r in rows if r["relation"] != "none")
    decision = f"{pair['from_key']},{pair['to_key']},reject,not the same\n"
    overrides.write_text(overrides.read_text(encoding="utf-8") + decision, encoding="utf-8")
    runner.run(paths)
    assert calls == [1]
    assert ",rejected," in published(paths.root)["mappings/unit_map.csv"].decode("utf-8-sig")
