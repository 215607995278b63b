"""The corpus step: merge what each document says into one row per key.

Every document's own statement of a unit, outcome and criterion is kept as a
version. The current view follows the newest edition of each document (see
``pipeline.core.editions``): a unit named by several current documents (a structure
table here, a body there) becomes one unit, the body's document winning where they
disagree and other fields filled from the newest document that states them; a
unit that only superseded editions state is ``withdrawn``. Memberships and rules
of combination come from the newest editions only. Qualification facts keep every
document's value; the qualification row takes the most recent one. The NOS scheme
(the manifest's scheme of the NOS-family document) gets one unit per NOS code
named anywhere in the corpus.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pipeline.core import ids
from pipeline.core.editions import Editions, editions
from pipeline.core.manifest import Entry
from pipeline.core.records import Issue, Qualification, QualificationFact, Unit, UnitMembership, Versions
from pipeline.parse import ParseResult
from pipeline.parse.versions import all_versions

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
    versions: Versions = field(default_factory=Versions)


def _fact_text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


Recency = dict[str, tuple[dt.date, int, str]]  # doc_id -> a key that sorts documents oldest first
_Row = TypeVar("_Row")


def _rank(recency: Recency, doc_id: str) -> tuple[dt.date, int, str]:
    return recency.get(doc_id, (_UNDATED, -1, doc_id))


def merge_qualifications(
    records: Iterable[Qualification], editions: Editions
) -> tuple[list[Qualification], list[QualificationFact]]:
    """Every stated value as a fact; each qualification's fields from its newest document."""
    by_id: dict[str, list[Qualification]] = defaultdict(list)
    facts = []
    for q in records:
        by_id[q.qualification_id].append(q)
        for name in FACT_FIELDS:
            value = getattr(q, name)
            if value is not None and value != "":
                facts.append(QualificationFact(
                    q.qualification_id, name, _fact_text(value), q.doc_id, q.page, editions.published.get(q.doc_id)))
    merged = []
    for qid, stated in by_id.items():
        newest_first = sorted(stated, key=lambda q: _rank(editions.recency, q.doc_id), reverse=True)
        values: dict[str, Any] = {}  # fact field -> the newest value stated, read by field name
        for name in FACT_FIELDS:
            values[name] = next((getattr(q, name) for q in newest_first if getattr(q, name) not in (None, "")), None)
        source = newest_first[0]
        merged.append(Qualification(qualification_id=qid, doc_id=source.doc_id, page=source.page, **values))
    return merged, facts


def merge_units(records: Iterable[Unit], recency: Recency) -> tuple[list[Unit], list[Issue]]:
    """One unit per key: body document first, then newest; disagreements reported."""
    by_key: dict[str, list[Unit]] = defaultdict(list)
    for unit in records:
        by_key[unit.unit_key].append(unit)
    merged, issues = [], []
    for key, stated in by_key.items():
        ranked = sorted(stated, key=lambda u: (u.has_body, _rank(recency, u.doc_id)), reverse=True)
        base = ranked[0]
        values: dict[str, Any] = {}  # unit field -> the value kept, read by field name
        for name in UNIT_FIELDS:
            values[name] = next((getattr(u, name) for u in ranked if getattr(u, name) not in (None, "")), None)
            stated_values = {getattr(u, name) for u in ranked if getattr(u, name) not in (None, "")}
            if len(stated_values) > 1 and name != "title":
                issues.append(
                    Issue(base.doc_id, base.page_start, None, "warning", "unit-field-conflict",
                          f"{key}: documents disagree on {name} ({', '.join(sorted(map(str, stated_values)))}); "
                          f"kept {values[name]}")
                )
        merged.append(dataclasses.replace(base, **values, has_body=any(u.has_body for u in ranked)))
    return merged, issues


def nos_units(stated: list[Unit], nos_scheme: str, recency: Recency) -> list[Unit]:
    """One unit of the NOS scheme per NOS code named by any document's unit.

    Its title comes from a unit whose own code is the NOS code (a scheme that names
    units by NOS code states the standard's title), else from the earliest statement
    naming it, so that a later edition retitling its own unit leaves the standard's
    title alone.
    """
    naming: dict[str, list[Unit]] = defaultdict(list)
    for unit in stated:
        if unit.nos_code and unit.scheme != nos_scheme:
            naming[unit.nos_code].append(unit)
    out = []
    for code, named_by in naming.items():
        ranked = sorted(named_by, key=lambda u: (u.unit_code != code, _rank(recency, u.doc_id)))
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


def _unique(rows: Iterable[_Row], key: Callable[[_Row], Hashable]) -> list[_Row]:
    seen: set[Hashable] = set()
    out: list[_Row] = []
    for row in rows:
        k = key(row)
        if k not in seen:
            seen.add(k)
            out.append(row)
    return out


def _withdrawn(older: list[Unit], current_keys: set[str], editions: Editions) -> tuple[list[Unit], list[Issue]]:
    """Units only superseded editions state: their last statement, withdrawn by the edition that followed it."""
    gone = [u for u in older if u.unit_key not in current_keys]
    merged, conflicts = merge_units(gone, editions.recency)
    latest: dict[str, str] = {}  # unit key -> the newest document that states it
    for unit in gone:
        if unit.unit_key not in latest or _rank(editions.recency, unit.doc_id) > _rank(editions.recency, latest[unit.unit_key]):
            latest[unit.unit_key] = unit.doc_id
    return [
        dataclasses.replace(u, status="withdrawn", withdrawn_by=editions.following(latest[u.unit_key])) for u in merged
    ], conflicts


def _combined(results: dict[str, ParseResult]) -> ParseResult:
    everything = ParseResult()
    for doc_id in sorted(results):
        everything.extend(results[doc_id])
    return everything


def build_corpus(results: dict[str, ParseResult], entries: list[Entry], nos_scheme: str | None) -> Corpus:
    """Merge per-document parse results into the corpus: every version, and the current view."""
    line = editions(entries)
    everything = _combined(results)
    current = _combined({d: r for d, r in results.items() if not line.is_superseded(d)})
    older = _combined({d: r for d, r in results.items() if line.is_superseded(d)})
    corpus = Corpus(issues=list(everything.issues))
    corpus.versions = all_versions(results, line.published)
    corpus.qualifications, corpus.facts = merge_qualifications(everything.qualifications, line)
    units, conflicts = merge_units(current.units, line.recency)
    withdrawn, old_conflicts = _withdrawn(older.units, {u.unit_key for u in units}, line)
    corpus.units = units + withdrawn
    corpus.issues += conflicts + old_conflicts
    if nos_scheme:
        corpus.units = [u for u in corpus.units if u.scheme != nos_scheme] + nos_units(everything.units, nos_scheme, line.recency)
    # Body content comes from the document the merged unit's body came from.
    body_doc = {u.unit_key: u.doc_id for u in corpus.units}
    corpus.outcomes = [o for o in everything.outcomes if body_doc.get(o.unit_key) == o.doc_id]
    corpus.criteria = [c for c in everything.criteria if body_doc.get(c.unit_key) == c.doc_id]
    corpus.evidence = [e for e in everything.evidence if body_doc.get(e.unit_key) == e.doc_id]
    corpus.key_words = [k for k in everything.key_words if body_doc.get(k.unit_key) == k.doc_id]
    corpus.notes = [n for n in everything.notes if body_doc.get(n.unit_key) == n.doc_id]
    # Structure (memberships, rules of combination) comes from the newest editions only.
    corpus.memberships = _unique(current.memberships, lambda m: (m.qualification_id, m.unit_key))
    spelling = _group_spelling(corpus.memberships, corpus.units)
    rules = [dataclasses.replace(r, group=spelling.get(r.group.casefold(), r.group)) for r in current.rules]
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
