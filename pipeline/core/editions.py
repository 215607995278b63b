"""Editions: which documents are releases of one another, and which release is the newest.

Documents are editions of one another when a ``replaces`` chain links them, or
when the manifest names the same ``qualification`` for them. Within such a line
the newest edition is the one no other edition replaces, the later ``published``
date deciding where the chain does not; an edition is never older than the one it
replaces, whatever its own date says.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from pipeline.core.manifest import Entry

_UNDATED = dt.date.min


@dataclass(frozen=True)
class Editions:
    """Each document's recency and the newest edition of its line."""

    recency: dict[str, tuple[dt.date, int, str]]  # sorts oldest first
    newest: dict[str, str]  # doc_id -> doc_id of the newest edition of its line
    next_edition: dict[str, str]  # doc_id -> the edition that followed it
    published: dict[str, dt.date | None]

    def is_superseded(self, doc_id: str) -> bool:
        """Whether a newer edition of this document is registered."""
        return self.newest.get(doc_id, doc_id) != doc_id

    def following(self, doc_id: str) -> str:
        """The edition that came after this one (the newest, where the line's order says nothing more)."""
        return self.next_edition.get(doc_id, self.newest.get(doc_id, doc_id))


def _date_and_depth(doc_id: str, by_id: dict[str, Entry]) -> tuple[dt.date, int]:
    """(effective date, editions before it): the latest date along its replaces chain, and the chain's length."""
    chain, current = [], by_id.get(doc_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = by_id.get(current.replaces) if current.replaces else None
    return max(e.published or _UNDATED for e in chain), len(chain) - 1


def editions(entries: list[Entry]) -> Editions:
    """The edition lines of the manifest's documents."""
    by_id = {e.doc_id: e for e in entries}
    parent = {e.doc_id: e.doc_id for e in entries}

    def find(doc_id: str) -> str:
        while parent[doc_id] != doc_id:
            parent[doc_id] = parent[parent[doc_id]]
            doc_id = parent[doc_id]
        return doc_id

    def join(a: str, b: str) -> None:
        ra, rb = sorted((find(a), find(b)))
        parent[rb] = ra

    first_of_qualification: dict[str, str] = {}
    for entry in entries:
        if entry.replaces in by_id:
            join(entry.doc_id, entry.replaces)
        if entry.qualification:
            join(entry.doc_id, first_of_qualification.setdefault(entry.qualification, entry.doc_id))
    recency = {}
    for entry in entries:
        date, depth = _date_and_depth(entry.doc_id, by_id)
        recency[entry.doc_id] = (date, depth, entry.doc_id)
    lines: dict[str, list[str]] = {}
    for entry in entries:
        lines.setdefault(find(entry.doc_id), []).append(entry.doc_id)
    replaced = {e.replaces for e in entries if e.replaces}
    newest: dict[str, str] = {}
    next_edition: dict[str, str] = {}
    for members in lines.values():
        heads = [d for d in members if d not in replaced] or members
        head = max(heads, key=recency.__getitem__)
        newest.update(dict.fromkeys(members, head))
        ordered = sorted(members, key=recency.__getitem__)
        next_edition.update(itertools.pairwise(ordered))
    # A replaces link names the following edition outright.
    next_edition.update({e.replaces: e.doc_id for e in entries if e.replaces in by_id})
    return Editions(recency, newest, next_edition, {e.doc_id: e.published for e in entries})
