"""Old and new from the manifest: supersedes and published."""

from __future__ import annotations

import datetime as dt

from pipeline.match.succession import Supersession, scheme_rank, supersessions
from tests.match.factories import entry

ENTRIES = [
    entry("legacy-standards", "legacy"),
    entry("nos-page", "nos"),
    entry("new-handbook", "new", dt.date(2010, 1, 1), supersedes=("legacy",)),
    entry("new-catalogue", "new", dt.date(2023, 8, 3)),
]


def test_supersessions_from_the_manifest():
    assert supersessions(ENTRIES, {"legacy", "nos", "new"}) == [
        Supersession("legacy", "new", "new-handbook", dt.date(2010, 1, 1))]


def test_superseded_qualification_reads_as_its_scheme():
    entries = [
        entry("new-handbook", "new", dt.date(2010, 1, 1), supersedes=("legacy",), qualification="new-03"),
        entry("legacy-standards", "legacy"),
        entry("newest-handbook", "newest", dt.date(2014, 9, 1), supersedes=("new-03",)),
    ]
    found = supersessions(entries, {"legacy", "new", "newest"})
    assert [(s.old_scheme, s.new_scheme) for s in found] == [("legacy", "new"), ("new", "newest")]
    rank = scheme_rank(entries, {"legacy", "new", "newest"})
    assert rank == {"legacy": 0, "new": 1, "newest": 2}


def test_schemes_not_present_are_ignored():
    assert supersessions(ENTRIES, {"new", "nos"}) == []


def test_rank_puts_the_superseded_scheme_first():
    rank = scheme_rank(ENTRIES, {"legacy", "nos", "new"})
    assert rank["legacy"] < rank["new"]
    assert sorted(rank.values()) == [0, 1, 2]
