"""The corpus step: merge what each document says into one row per key.

A unit named by several documents (a structure table here, a body there) becomes
one unit: the body's document wins where they disagree, other fields are filled
from the newest document that states them. Qualification facts keep every
document's value; the qualification row takes the most recent one. The NOS scheme
(the manifest's scheme of the NOS-family document) gets one unit per NOS code
named anywhere in the corpus.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from pipeline import ids
from pipeline.manifest import Entry
from pipeline.parse import ParseResult
from pipeline.records import Issue, Qualification, QualificationFact, Unit, UnitMembership

# Fields of a Qualification that are facts a document states (not identity or provenance).
FACT_FIELDS = tuple(
    f.name for f in dataclasses.fields(Qualification) if f.name not in ("qualification_id", "doc_id", "page")
)
# Fields of a Unit that documents can disagree on.
UNIT_FIELDS = ("title", "level", "credits", "glh", "uan", "nos_code", "ics_unit", "theme")
_UNDATED = dt.date.min


@dataclass
class Corpus(ParseResult):
    """The merged records of all documents, one row per key, ready to publish, with every stated fact."""

    facts: list[QualificationFact] = field(default_factory=list)


def _fact_text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def merge_qualifications(
    records: Iterable[Qualification], dates: dict[str, dt.date | None]
) -> tuple[list[Qualification], list[QualificationFact]]:
    """Every stated value as a fact; each qualification's fields from its newest document."""
    by_id: dict[str, list[Qualification]] = defaultdict(list)
    facts = []
    for q in records:
        by_id[q.qualification_id].append(q)
        for name in FACT_FIELDS:
            value = getattr(q, name)
            if value is not None and value != "":
                facts.append(QualificationFact(q.qualification_id, name, _fact_text(value), q.doc_id, q.page, dates.get(q.doc_id)))
    merged = []
    for qid, stated in by_id.items():
        newest_first = sorted(stated, key=lambda q: (dates.get(q.doc_id) or _UNDATED, q.doc_id), reverse=True)
        values = {}
        for name in FACT_FIELDS:
            values[name] = next((getattr(q, name) for q in newest_first if getattr(q, name) not in (None, "")), None)
        source = newest_first[0]
        merged.append(Qualification(qualification_id=qid, doc_id=source.doc_id, page=source.page, **values))
    return merged, facts


def merge_units(records: Iterable[Unit], dates: dict[str, dt.date | None]) -> tuple[list[Unit], list[Issue]]:
    """One unit per key: body document first, then newest; disagreements reported."""
    by_key: dict[str, list[Unit]] = defaultdict(list)
    for unit in records:
        by_key[unit.unit_key].append(unit)
    merged, issues = [], []
    for key, stated in by_key.items():
        ranked = sorted(stated, key=lambda u: (u.has_body, dates.get(u.doc_id) or _UNDATED, u.doc_id), reverse=True)
        base = ranked[0]
        values = {}
        for name in UNIT_FIELDS:
            values[name] = next((getattr(u, name) for u in ranked if getattr(u, name) not in (None, "")), None)
            stated_values = {getattr(u, name) for u in ranked if getattr(u, name) not in (None, "")}
            if len(stated_values) > 1 and name != "title":
                issues.append(
                    Issue(base.doc_id, base.page_start, None, "warning", "unit-field-conflict",
                          f"{key}: documents disagree on {name} ({', '.join(sorted(map(str, stated_values)))}); kept {values[name]}")
                )
        merged.append(dataclasses.replace(base, **values, has_body=any(u.has_body for u in ranked)))
    return merged, issues


def nos_units(units: list[Unit], nos_scheme: str) -> list[Unit]:
    """One unit of the NOS scheme per NOS code named by any unit.

    Its title comes from a unit whose own code is the NOS code (a scheme that names
    units by NOS code states the standard's title), else from the newest unit naming it.
    """
    naming: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        if unit.nos_code and unit.scheme != nos_scheme:
            naming[unit.nos_code].append(unit)
    out = []
    for code, named_by in naming.items():
        ranked = sorted(named_by, key=lambda u: (u.unit_code == code, u.doc_id), reverse=True)
        source = ranked[0]
        theme = next((u.theme for u in ranked if u.theme), None)
        level = source.level if source.unit_code == code else None
        out.append(
            Unit(
                unit_key=ids.unit_key(nos_scheme, code), scheme=nos_scheme, unit_code=code, title=source.title,
                level=level, nos_code=code, theme=theme, has_body=False, doc_id=source.doc_id,
                page_start=source.page_start, page_end=source.page_start,
            )
        )
    return out


def _unique(rows: Iterable, key) -> list:
    seen, out = set(), []
    for row in rows:
        k = key(row)
        if k not in seen:
            seen.add(k)
            out.append(row)
    return out


def build_corpus(results: dict[str, ParseResult], entries: list[Entry], nos_scheme: str | None) -> Corpus:
    """Merge per-document parse results into the corpus."""
    dates = {e.doc_id: e.published for e in entries}
    everything = ParseResult()
    for doc_id in sorted(results):
        everything.extend(results[doc_id])
    corpus = Corpus(issues=list(everything.issues))
    corpus.qualifications, corpus.facts = merge_qualifications(everything.qualifications, dates)
    corpus.units, conflicts = merge_units(everything.units, dates)
    corpus.issues += conflicts
    if nos_scheme:
        corpus.units = [u for u in corpus.units if u.scheme != nos_scheme] + nos_units(corpus.units, nos_scheme)
    # Body content comes from the document the merged unit's body came from.
    body_doc = {u.unit_key: u.doc_id for u in corpus.units}
    corpus.outcomes = [o for o in everything.outcomes if body_doc.get(o.unit_key) == o.doc_id]
    corpus.criteria = [c for c in everything.criteria if body_doc.get(c.unit_key) == c.doc_id]
    corpus.evidence = [e for e in everything.evidence if body_doc.get(e.unit_key) == e.doc_id]
    corpus.key_words = [k for k in everything.key_words if body_doc.get(k.unit_key) == k.doc_id]
    corpus.notes = [n for n in everything.notes if body_doc.get(n.unit_key) == n.doc_id]
    corpus.memberships = _unique(everything.memberships, lambda m: (m.qualification_id, m.unit_key))
    spelling = _group_spelling(corpus.memberships, corpus.units)
    rules = [dataclasses.replace(r, group=spelling.get(r.group.casefold(), r.group)) for r in everything.rules]
    corpus.rules = _unique(rules, lambda r: (r.qualification_id, r.group, r.text))
    return corpus


def _group_spelling(memberships: list[UnitMembership], units: list[Unit]) -> dict[str, str]:
    """One spelling per group name, whatever its capitals ("Impression and image" -> "Impression and Image").

    The structure tables' groups come first, then the units' themes.
    """
    spelling: dict[str, str] = {}
    for name in [m.group for m in memberships] + [u.theme for u in units if u.theme]:
        spelling.setdefault(name.casefold(), name)
    return spelling
