"""Recognition of prior learning: what held units credit in a target qualification, against its rules of combination.

A unit of the target is *credited* when it is held, when the held units together give
each of its criteria a counterpart, or when a held unit maps to it as ``equivalent``
(whole coverage or stated identity) or ``confirmed`` by a person. Otherwise a mapped
unit is a *gap* (its credits pending, the criteria to evidence listed) or
*unverified* (criteria could not be compared). A held unit whose only successor was
withdrawn earns nothing, and the edition that withdrew it is named. Every rule of
``rules.parquet`` is evaluated by one engine, the kinds of ``pipeline.rule_kinds``,
on the credited units and on the credited plus pending ones.

The lookup page runs the same steps in JavaScript on the same inputs; a parity test
holds the two to identical answers.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field

import duckdb

from pipeline.errors import UsageError
from pipeline.rule_kinds import BOUNDS, KINDS, in_scope, member_groups

CREDITED, GAP, UNVERIFIED, OPEN = "credited", "gap", "unverified", "open"
PENDING = (GAP, UNVERIFIED)
_COMPARE = {">=": operator.ge, "<=": operator.le}


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
        """True when the credited units pass one of the rule's maximums."""
        return _over(self.__dict__, self.credited)

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
    generation: str | None = None  # the published generation the answer was read from

    @property
    def credits(self) -> int:
        return sum(u.credits or 0 for u in self.units if u.state == CREDITED)

    @property
    def pending(self) -> int:
        return sum(u.credits or 0 for u in self.units if u.state in PENDING)

    @property
    def complete(self) -> bool:
        evaluated = [r for r in self.rules if r.evaluated]
        return bool(evaluated) and all(r.met for r in evaluated)

    @property
    def complete_with_pending(self) -> bool:
        evaluated = [r for r in self.rules if r.evaluated]
        return bool(evaluated) and all(r.met_with_pending for r in evaluated)


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
    ids = [q for (q,) in con.execute("SELECT DISTINCT qualification_id FROM unit_memberships ORDER BY 1").fetchall()]
    if target in ids:
        return target
    hits = [q for q in ids if q.endswith("-" + target)]
    if len(hits) == 1:
        return hits[0]
    known = ", ".join(ids)
    if hits:
        raise UsageError(f"{target} names {len(hits)} qualifications ({', '.join(hits)}): give the id")
    raise UsageError(f"unknown qualification {target!r}; qualifications with units: {known}")


def _records(con: duckdb.DuckDBPyConnection, statement: str, params: list) -> list[dict]:
    cursor = con.execute(statement, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class Inputs:
    """What the engine reads, as plain rows: the page inlines the same rows."""

    members: list[dict]  # unit_key, title, group, mandatory, level, credits, groups
    mappings: list[dict]  # unit_map rows: from_key, to_key, relation, method, status, criteria_total, to_status, ...
    criteria: list[dict]  # criterion_key, unit_key, criterion_no, text
    pairs: list[dict]  # criterion_map rows: from_criterion_key, to_criterion_key
    rules: list[dict]  # rules rows
    units: dict[str, dict]  # unit_key -> withdrawn_by, status (for the withdrawn successors)
    published: dict[str, str | None]  # doc_id -> published date


def load(con: duckdb.DuckDBPyConnection, target: str, held: list[str]) -> Inputs:
    """The rows of the published datasets that the engine needs for ``held`` against ``target``."""
    con.execute("CREATE OR REPLACE TEMP TABLE held AS SELECT unnest(?::VARCHAR[]) AS unit_key", [held])
    members = _records(con, """SELECT m.unit_key, u.title, m."group", m.mandatory, u.level, u.credits, u.theme
                               FROM unit_memberships m JOIN units u USING (unit_key)
                               WHERE m.qualification_id = ? ORDER BY m.mandatory DESC, m."group", m.unit_key""",
                       [target])
    for m in members:
        m["groups"] = member_groups(m["group"], m.pop("theme"), m["mandatory"])
    mappings = _records(con, """SELECT from_key, to_key, relation, method, status, criteria_total, to_status,
                                       justification FROM unit_map
                                WHERE from_key IN (SELECT unit_key FROM held) ORDER BY from_key, to_key""", [])
    criteria = _records(con, """SELECT c.criterion_key, c.unit_key, c.criterion_no, c.text FROM criteria c
                                JOIN unit_memberships m ON m.unit_key = c.unit_key AND m.qualification_id = ?
                                ORDER BY c.criterion_key""", [target])
    pairs = _records(con, """SELECT from_criterion_key, to_criterion_key FROM criterion_map
                             WHERE split_part(from_criterion_key, '#', 1) IN (SELECT unit_key FROM held)
                             ORDER BY 1, 2""", [])
    rules = _records(con, """SELECT kind, "group", level, min_credits, max_credits, min_units, max_units, text
                             FROM rules WHERE qualification_id = ? ORDER BY "group", text""", [target])
    units = {r["unit_key"]: r for r in _records(con, "SELECT unit_key, status, withdrawn_by FROM units", [])}
    published = {r["doc_id"]: r["published"] for r in
                 _records(con, "SELECT doc_id, CAST(published AS VARCHAR) AS published FROM documents", [])}
    return Inputs(members, mappings, criteria, pairs, rules, units, published)


def _target_unit(member: dict, held: set[str], by: list[dict], criteria: list[dict], covered: set[str]) -> TargetUnit:
    """One target unit's state from the mapping rows of held units that reach it and the criteria they cover."""
    evidence = [Evidence(r["from_key"], r["relation"], r["method"], r["status"], r["justification"]) for r in by]
    if member["unit_key"] in held:
        evidence.insert(0, Evidence(member["unit_key"], "held", "held", "held", "the candidate holds this unit"))
    hits = [c for c in criteria if c["criterion_key"] in covered]
    compared = bool(criteria) and any(r["criteria_total"] is not None for r in by)
    total = len(criteria) if compared else None
    still = tuple(Criterion(c["criterion_no"], c["text"]) for c in criteria if c["criterion_key"] not in covered)
    reason = None
    if member["unit_key"] in held or any(r["relation"] == "equivalent" or r["status"] == "confirmed" for r in by):
        state, still = CREDITED, ()
    elif not by:
        state, total, still = OPEN, None, ()
    elif compared and not still:
        state = CREDITED
    elif compared:
        state = GAP
    else:
        state, still = UNVERIFIED, ()
        reason = ("criteria could not be compared: " + (f"{member['unit_key']} states no criteria" if not criteria else
                  f"{', '.join(r['from_key'] for r in by)} state(s) no criteria"))
    return TargetUnit(member["unit_key"], member["title"], member["group"], member["mandatory"], member["level"],
                      member["credits"], state, tuple(evidence), total, len(hits) if total is not None else None,
                      still, reason)


def _achieved(units: list[TargetUnit]) -> Achieved:
    return Achieved(sum(u.credits or 0 for u in units), len(units))


def _over(rule: dict, achieved: Achieved) -> bool:
    return any(rule[b] is not None and op == "<=" and not _COMPARE[op](getattr(achieved, measure), rule[b])
               for b, (measure, op) in BOUNDS.items())


def _meets(rule: dict, achieved: Achieved) -> bool:
    return all(_COMPARE[op](getattr(achieved, measure), rule[bound])
               for bound, (measure, op) in BOUNDS.items() if rule[bound] is not None)


def check_rule(rule: dict, members: list[dict], units: list[TargetUnit]) -> RuleCheck:
    """One rule against the target's units: achieved on credited and on credited plus pending, and what would help."""
    scoped = [u for m, u in zip(members, units) if in_scope(rule["kind"], rule, m)]
    evaluated = bool(scoped) or KINDS[rule["kind"]] != "group"  # a group no unit belongs to cannot be counted
    credited = _achieved([u for u in scoped if u.state == CREDITED])
    with_pending = _achieved([u for u in scoped if u.state == CREDITED or u.state in PENDING])
    met, met_with_pending = evaluated and _meets(rule, credited), evaluated and _meets(rule, with_pending)
    if met or not evaluated:
        helping = []
    elif _over(rule, credited):  # a maximum passed: the credited units it counts
        helping = [u for u in scoped if u.state == CREDITED]
    else:  # a minimum short: the units it counts that are not credited, pending ones first
        helping = sorted((u for u in scoped if u.state != CREDITED), key=lambda u: (u.state == OPEN, u.unit_key))
    return RuleCheck(rule["kind"], rule["group"], rule["level"], rule["min_credits"], rule["max_credits"],
                     rule["min_units"], rule["max_units"], rule["text"], evaluated, credited, with_pending, met,
                     met_with_pending, tuple(Candidate(u.unit_key, u.credits, u.state) for u in helping))


def distinct_rules(rules: list[dict]) -> list[dict]:
    """One rule per distinct constraint: documents that state the same rule (handbook, catalogue) give one check."""
    merged: dict[tuple, dict] = {}
    for rule in rules:
        key = (rule["kind"], rule["group"].lower(), rule["level"], *(rule[b] for b in BOUNDS))
        if key in merged:
            merged[key] = dict(merged[key], text=merged[key]["text"] + " / " + rule["text"])
        else:
            merged[key] = dict(rule)
    return list(merged.values())


def evaluate(inputs: Inputs, held: list[str]) -> tuple[list[TargetUnit], list[RuleCheck], list[Withdrawal], list[str]]:
    """The engine: every target unit's state, every rule checked, and the held units that earn nothing."""
    held_set = set(held)
    live = [r for r in inputs.mappings if r["from_key"] in held_set and r["relation"] != "none"
            and r["status"] != "rejected"]
    covered = {p["to_criterion_key"] for p in inputs.pairs if p["from_criterion_key"].split("#")[0] in held_set}
    criteria_of: dict[str, list[dict]] = {}
    for c in inputs.criteria:
        criteria_of.setdefault(c["unit_key"], []).append(c)
    units = [_target_unit(m, held_set, [r for r in live if r["to_key"] == m["unit_key"]],
                          criteria_of.get(m["unit_key"], []), covered) for m in inputs.members]
    rules = [check_rule(rule, inputs.members, units) for rule in distinct_rules(inputs.rules)]
    member_keys = {m["unit_key"] for m in inputs.members}
    withdrawn, unmapped = [], []
    for key in held:
        if key in member_keys:
            continue
        rows = [r for r in live if r["from_key"] == key]
        if any(r["to_key"] in member_keys for r in rows):
            continue
        gone = [r for r in rows if r["to_status"] == "withdrawn"]
        if gone:
            for r in gone:
                by = inputs.units.get(r["to_key"], {}).get("withdrawn_by")
                withdrawn.append(Withdrawal(key, r["to_key"], by, inputs.published.get(by) if by else None))
        else:
            unmapped.append(key)
    return units, rules, withdrawn, unmapped


def assess(con: duckdb.DuckDBPyConnection, held: list[str], target: str) -> RplResult:
    """Every unit of ``target`` with what the held units do for it, the rules checked, and what earns nothing."""
    target = resolve_target(con, target)
    keys, resolved = resolve_held(con, held)
    title = con.execute("SELECT title FROM qualifications WHERE qualification_id = ?", [target]).fetchone()
    units, rules, withdrawn, unmapped = evaluate(load(con, target, keys), keys)
    editions = con.execute(
        """SELECT doc_id, CAST(published AS VARCHAR) FROM documents
           WHERE qualification = $1 OR doc_id IN (
               SELECT u.doc_id FROM units u WHERE u.unit_key IN (SELECT unit_key FROM held)
                   OR u.unit_key IN (SELECT unit_key FROM unit_memberships WHERE qualification_id = $1))
           ORDER BY 1""", [target]).fetchall()
    return RplResult(target, title[0] if title else target, tuple(keys), tuple(resolved), tuple(units), tuple(rules),
                     tuple(withdrawn), tuple(unmapped), tuple(editions))
