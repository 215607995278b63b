"""Recognition of prior learning: what held units credit in a target qualification, against its rules of combination.

A unit of the target is *credited* when it is held, when the held units together give
each of its criteria a counterpart, or when a held unit maps to it as ``equivalent``
(whole coverage or stated identity) or ``confirmed`` by a person. Otherwise a mapped
unit is a *gap* (its credits pending, the criteria to evidence listed) or
*unverified* (criteria could not be compared). A held unit whose only successor was
withdrawn earns nothing, and the edition that withdrew it is named. Every rule of
``rules.parquet`` is evaluated by its kind (``pipeline.core.rule_kinds``) on the credited
units and on the credited plus pending ones.

The evaluation is written once, in JavaScript: ``pipeline/core/rpl_engine.js``, which the lookup
page inlines and ``pipeline.core.rpl_engine`` runs in QuickJS. Here: resolving what was typed, reading the
published rows through DuckDB into the engine's plain input, and typing its answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipeline.core import rpl_engine
from pipeline.core.errors import UsageError
from pipeline.core.rule_kinds import BOUNDS, member_groups

# A row as DuckDB or the engine's JSON gives it: column name to value.
Row = dict[str, Any]

CREDITED, GAP, UNVERIFIED, OPEN = "credited", "gap", "unverified", "open"


@dataclass(frozen=True)
class Criterion:
    criterion_no: str
    text: str


@dataclass(frozen=True)
class Evidence:
    """A held unit behind a target unit, and the mapping row that links them."""

    unit_key: str
    relation: str  # held / equivalent / partial
    method: str
    status: str  # held / auto / confirmed
    justification: str


@dataclass(frozen=True)
class TargetUnit:
    """One unit of the target qualification and what the held units do for it."""

    unit_key: str
    title: str
    group: str
    mandatory: bool
    level: int | None
    credits: int | None
    state: str  # credited / gap / unverified / open
    evidence: tuple[Evidence, ...]
    criteria_total: int | None  # None: no criteria were compared
    criteria_covered: int | None
    still_to_show: tuple[Criterion, ...]
    reason: str | None  # why a unit is unverified

    @property
    def coverage(self) -> str:
        if self.criteria_total is None:
            return "criteria not compared"
        return f"{self.criteria_covered}/{self.criteria_total} criteria covered"


@dataclass(frozen=True)
class Achieved:
    credits: int
    units: int


@dataclass(frozen=True)
class Candidate:
    """A unit that would move an unmet rule towards being met (or, for a maximum, that exceeds it)."""

    unit_key: str
    credits: int | None
    state: str


@dataclass(frozen=True)
class RuleCheck:
    """One rule of combination, evaluated on the credited units and on credited plus pending."""

    kind: str
    group: str
    level: int | None
    min_credits: int | None
    max_credits: int | None
    min_units: int | None
    max_units: int | None
    text: str
    evaluated: bool  # False: the rule's scope names no unit of the qualification
    credited: Achieved
    with_pending: Achieved
    met: bool
    met_with_pending: bool
    candidates: tuple[Candidate, ...]

    @property
    def over(self) -> bool:
        """True when the credited units pass one of the rule's maximums: the engine then names credited units."""
        return any(c.state == CREDITED for c in self.candidates)

    @property
    def needs(self) -> str:
        """What the rule asks against what the credited units achieve, e.g. ``0/12 credits, 0/2 units``."""
        parts = []
        for bound, (measure, op) in BOUNDS.items():
            value = getattr(self, bound)
            if value is not None:
                achieved = getattr(self.credited, measure)
                parts.append(f"{achieved}/{value} {measure}" if op == ">="
                             else f"{achieved} {measure}, at most {value}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Withdrawal:
    """A held unit that earns no credit: its only successor was withdrawn."""

    held: str
    successor: str
    withdrawn_by: str | None
    published: str | None


@dataclass(frozen=True)
class RplResult:
    target: str
    target_title: str
    held: tuple[str, ...]
    resolved: tuple[tuple[str, str], ...]  # (as typed, unit key) where a bare code was read as a key
    units: tuple[TargetUnit, ...]
    rules: tuple[RuleCheck, ...] = field(default=())
    withdrawn: tuple[Withdrawal, ...] = field(default=())
    unmapped: tuple[str, ...] = field(default=())  # held units that map to no unit of the target
    editions: tuple[tuple[str, str | None], ...] = field(default=())  # (doc_id, published) of the documents used
    credits: int = 0  # of the credited units
    pending: int = 0  # of the gap and unverified units
    complete: bool = False  # every rule evaluated is met on the credited units
    complete_with_pending: bool = False  # ... on the credited plus pending units
    generation: str | None = None  # the published generation the answer was read from


def resolve_held(con: duckdb.DuckDBPyConnection, held: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Unit keys for what was typed (commas separate units): a key as it is, a bare code where one unit has it."""
    items = [part.strip() for item in held for part in item.split(",") if part.strip()]
    keys, resolved, unknown, ambiguous = [], [], [], []
    for item in items:
        if con.execute("SELECT 1 FROM units WHERE unit_key = ?", [item]).fetchone():
            keys.append(item)
            continue
        hits = [k for (k,) in con.execute("SELECT unit_key FROM units WHERE unit_code = ? ORDER BY 1",
                                          [item]).fetchall()]
        if len(hits) == 1:
            keys.append(hits[0])
            resolved.append((item, hits[0]))
        elif hits:
            ambiguous.append(f"{item} is a code in {len(hits)} schemes ({', '.join(hits)})")
        else:
            unknown.append(item)
    problems = []
    if unknown:
        problems.append(f"unknown unit(s): {', '.join(unknown)}")
    if ambiguous:
        problems.append("; ".join(ambiguous) + ": give the unit key")
    if problems:
        raise UsageError("; ".join(problems))
    return list(dict.fromkeys(keys)), resolved


def resolve_target(con: duckdb.DuckDBPyConnection, target: str) -> str:
    """The qualification id for what was typed: an id, or a number (``4430-03``) that ends exactly one id."""
    ids: list[str] = [q for (q,) in con.execute("SELECT DISTINCT qualification_id FROM unit_memberships ORDER BY 1").fetchall()]
    if target in ids:
        return target
    hits = [q for q in ids if q.endswith("-" + target)]
    if len(hits) == 1:
        return hits[0]
    known = ", ".join(ids)
    if hits:
        raise UsageError(f"{target} names {len(hits)} qualifications ({', '.join(hits)}): give the id")
    raise UsageError(f"unknown qualification {target!r}; qualifications with units: {known}")


def _records(con: duckdb.DuckDBPyConnection, statement: str, params: list[object]) -> list[Row]:
    cursor = con.execute(statement, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class Inputs:
    """What the engine reads, as plain rows: the page gives it the same rows from its inlined data."""

    members: list[Row]  # unit_key, title, group, mandatory, level, credits, groups, doc_id; in the answer's order
    mappings: list[Row]  # unit_map rows: from_key, to_key, relation, method, status, criteria_total, to_status, ...
    criteria: list[Row]  # criterion_key, unit_key, criterion_no, text
    pairs: list[Row]  # criterion_map rows: from_criterion_key, to_criterion_key
    rules: list[Row]  # rules rows
    units: dict[str, Row]  # unit_key -> status, withdrawn_by, doc_id (withdrawn successors, editions of held units)
    documents: dict[str, Row]  # doc_id -> qualification, published (editions used, dates of withdrawals)
    target: str = ""  # the qualification id, whose own documents are editions used


def load(con: duckdb.DuckDBPyConnection, target: str, held: list[str]) -> Inputs:
    """The rows of the published datasets that the engine needs for ``held`` against ``target``."""
    con.execute("CREATE OR REPLACE TEMP TABLE held AS SELECT unnest(?::VARCHAR[]) AS unit_key", [held])
    members = _records(con, """SELECT m.unit_key, u.title, m."group", m.mandatory, u.level, u.credits, u.doc_id, u.theme
                               FROM unit_memberships m JOIN units u USING (unit_key)
                               WHERE m.qualification_id = ? ORDER BY m.mandatory DESC, m."group", m.unit_key""",
                       [target])
    for m in members:
        m["groups"] = member_groups(m["group"], m.pop("theme"), m["mandatory"])
    mappings = _records(con, """SELECT from_key, to_key, relation, method, status, criteria_total, to_status,
                                       justification FROM unit_map
                                WHERE from_key IN (SELECT unit_key FROM held)""", [])
    criteria = _records(con, """SELECT c.criterion_key, c.unit_key, c.criterion_no, c.text FROM criteria c
                                JOIN unit_memberships m ON m.unit_key = c.unit_key AND m.qualification_id = ?""",
                       [target])
    pairs = _records(con, """SELECT from_criterion_key, to_criterion_key FROM criterion_map
                             WHERE split_part(from_criterion_key, '#', 1) IN (SELECT unit_key FROM held)""", [])
    rules = _records(con, """SELECT kind, "group", level, min_credits, max_credits, min_units, max_units, text
                             FROM rules WHERE qualification_id = ?""", [target])
    units = {r.pop("unit_key"): r for r in _records(con, "SELECT unit_key, status, withdrawn_by, doc_id FROM units", [])}
    documents = {r.pop("doc_id"): r for r in _records(
        con, "SELECT doc_id, qualification, CAST(published AS VARCHAR) AS published FROM documents", [])}
    return Inputs(members, mappings, criteria, pairs, rules, units, documents, target)


def run(inputs: Inputs, held: list[str]) -> Row:
    """The engine's answer as plain data, from the rows of ``inputs``."""
    return rpl_engine.run({"target": inputs.target, "held": held, "members": inputs.members,
                           "mappings": inputs.mappings, "criteria": inputs.criteria, "pairs": inputs.pairs,
                           "rules": inputs.rules, "units": inputs.units, "documents": inputs.documents})


def _unit(u: Row) -> TargetUnit:
    return TargetUnit(u["unit_key"], u["title"], u["group"], u["mandatory"], u["level"], u["credits"], u["state"],
                      tuple(Evidence(**e) for e in u["evidence"]), u["criteria_total"], u["criteria_covered"],
                      tuple(Criterion(**c) for c in u["still_to_show"]), u["reason"])


def _rule(r: Row) -> RuleCheck:
    return RuleCheck(**dict(r, credited=Achieved(**r["credited"]), with_pending=Achieved(**r["with_pending"]),
                            candidates=tuple(Candidate(**c) for c in r["candidates"])))


def evaluate(inputs: Inputs, held: list[str]) -> tuple[list[TargetUnit], list[RuleCheck], list[Withdrawal], list[str]]:
    """The engine's units, rules and held units that earn nothing, as typed records."""
    return _typed(run(inputs, held))


def _typed(answer: Row) -> tuple[list[TargetUnit], list[RuleCheck], list[Withdrawal], list[str]]:
    return ([_unit(u) for u in answer["units"]], [_rule(r) for r in answer["rules"]],
            [Withdrawal(**w) for w in answer["withdrawn"]], answer["unmapped"])


def assess(con: duckdb.DuckDBPyConnection, held: list[str], target: str) -> RplResult:
    """Every unit of ``target`` with what the held units do for it, the rules checked, and what earns nothing."""
    target = resolve_target(con, target)
    keys, resolved = resolve_held(con, held)
    title = con.execute("SELECT title FROM qualifications WHERE qualification_id = ?", [target]).fetchone()
    answer = run(load(con, target, keys), keys)
    units, rules, withdrawn, unmapped = _typed(answer)
    return RplResult(target, title[0] if title else target, tuple(keys), tuple(resolved), tuple(units), tuple(rules),
                     tuple(withdrawn), tuple(unmapped), tuple((e["doc_id"], e["published"]) for e in answer["editions"]),
                     answer["credits"], answer["pending"], answer["complete"], answer["complete_with_pending"])
