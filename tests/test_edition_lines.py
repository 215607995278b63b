"""Which documents are editions of one another, and which is the newest (pipeline.core.editions)."""

from __future__ import annotations

import datetime as dt

from pipeline.core.editions import editions
from pipeline.core.manifest import Entry


def entry(doc_id: str, published: int | None = None, replaces: str | None = None, qualification: str | None = None) -> Entry:
    return Entry(doc_id=doc_id, path=f"{doc_id}.txt", publisher="P", scheme="s", title=doc_id,
                 published=dt.date(published, 1, 1) if published else None, replaces=replaces,
                 qualification=qualification)


def test_a_replaces_chain_makes_the_last_edition_newest_even_undated():
    line = editions([entry("a", 2010), entry("b", 2012, replaces="a"), entry("c", replaces="b")])
    assert line.newest == {"a": "c", "b": "c", "c": "c"}
    assert [line.following(d) for d in "ab"] == ["b", "c"]
    assert [line.is_superseded(d) for d in "abc"] == [True, True, False]


def test_documents_of_one_qualification_are_editions_ordered_by_date():
    line = editions([entry("later", 2015, qualification="q"), entry("earlier", 2010, qualification="q"),
                     entry("other", 2011, qualification="r")])
    assert line.newest == {"later": "later", "earlier": "later", "other": "other"}
    assert line.following("earlier") == "later"


def test_documents_without_a_link_are_each_their_own_newest_edition():
    line = editions([entry("page", 2023), entry("brochure")])
    assert not line.is_superseded("page") and not line.is_superseded("brochure")


def test_an_edition_is_never_older_than_the_one_it_replaces():
    # The second edition's own date is earlier than the first's: the chain decides.
    line = editions([entry("first", 2014), entry("second", 2012, replaces="first")])
    assert line.newest["first"] == "second"
    assert line.recency["second"] > line.recency["first"]
