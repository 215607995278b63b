"""Small synthetic records for matcher tests."""

from __future__ import annotations

import datetime as dt

from pipeline.core.ids import criterion_key, unit_key
from pipeline.core.manifest import Entry
from pipeline.core.records import Criterion, Unit


def unit(scheme: str, code: str, title: str, **fields: object) -> Unit:
    """A unit of ``scheme`` numbered ``code``."""
    return Unit(unit_key(scheme, code), scheme, code, title, **fields)


def criteria(owner: Unit, *texts: str, prefix: str = "1.") -> list[Criterion]:
    """Numbered criteria of a unit (``1.1``, ``1.2``, ...)."""
    return [
        Criterion(criterion_key(owner.unit_key, f"{prefix}{i}"), owner.unit_key, None, f"{prefix}{i}", "assessment",
                  text, None, "doc")
        for i, text in enumerate(texts, start=1)
    ]


def entry(doc_id: str, scheme: str, published: dt.date | None = None, supersedes: tuple[str, ...] = (),
          qualification: str | None = None) -> Entry:
    """A manifest entry for one document of ``scheme``."""
    return Entry(doc_id, f"{doc_id}.txt", "Publisher", scheme, doc_id, qualification=qualification,
                 published=published, supersedes=supersedes)
