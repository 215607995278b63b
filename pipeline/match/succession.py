"""Which scheme is old and which new, from the manifest's ``supersedes`` and ``published``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline.core.manifest import Entry


@dataclass(frozen=True)
class Supersession:
    """A newer scheme replacing an older one, as a manifest entry declares."""

    old_scheme: str
    new_scheme: str
    doc_id: str
    published: dt.date | None


def supersessions(entries: list[Entry], schemes: set[str]) -> list[Supersession]:
    """Every (old scheme, new scheme) the manifest declares among the schemes present, oldest first.

    ``supersedes`` may also name a qualification id; it is read as the scheme of the
    entry that carries that qualification.
    """
    by_qualification = {e.qualification: e.scheme for e in entries if e.qualification and e.scheme}
    found: dict[tuple[str, str], Supersession] = {}
    for entry in sorted(entries, key=lambda e: (e.published or dt.date.max, e.doc_id)):
        if not entry.scheme or entry.scheme not in schemes:
            continue
        for name in entry.supersedes:
            old = name if name in schemes else by_qualification.get(name)
            if old and old != entry.scheme and (old, entry.scheme) not in found:
                found[(old, entry.scheme)] = Supersession(old, entry.scheme, entry.doc_id, entry.published)
    return list(found.values())


def scheme_rank(entries: list[Entry], schemes: set[str]) -> dict[str, int]:
    """Schemes ordered old to new: a superseded scheme before its successor, then by first publication."""
    first_published: dict[str, dt.date] = {}
    for entry in entries:
        if entry.scheme and entry.published:
            first_published[entry.scheme] = min(first_published.get(entry.scheme, entry.published), entry.published)
    edges = supersessions(entries, schemes)
    remaining = set(schemes)
    order: list[str] = []
    while remaining:
        # Kahn's algorithm: take a scheme that no remaining scheme is older than.
        free = [s for s in remaining if not any(e.new_scheme == s and e.old_scheme in remaining for e in edges)]
        if not free:  # a supersession cycle in the manifest: fall back to dates for the rest
            free = list(remaining)
        nxt = min(free, key=lambda s: (first_published.get(s, dt.date.max), s))
        order.append(nxt)
        remaining.discard(nxt)
    return {scheme: rank for rank, scheme in enumerate(order)}
