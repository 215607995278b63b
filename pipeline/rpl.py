"""Recognition of prior learning: what held units credit in a target qualification, against its rules of combination.

A target unit is *credited* when it is held, when a held unit maps to it as ``equivalent``, or as
``partial`` with every compared criterion covered by the held units together; it
is *partly credited* when only some held unit maps to it as ``partial``. Credits
count towards a rule only for credited units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from pipeline.errors import UsageError

# Rule groups that are not a membership group, named as the rule parsers name them.
_LEVEL_GROUP = re.compile(r"^level (\d+)$", re.IGNORECASE)
_WHOLE_GROUPS = {"overall", "total"}


@dataclass(frozen=True)
class Criterion:
    criterion_no: str
    text: str


@dataclass(frozen=True)
class TargetUnit:
    """One unit of the target qualification and what the held units do for it."""

    unit_key: str
    title: str
    group: str
    mandatory: bool
    level: int | None
    credits: int | None
    credited_by: tuple[tuple[str, str], ...]  # (held unit key, relation)
    criteria_total: int | None  # None: the criteria were never compared
    criteria_covered: int | None
    still_to_show: tuple[Criterion, ...]

    @property
    def state(self) -> str:
        """``credited``, ``partly credited`` or ``open``."""
        if not self.credited_by:
            return "open"
        if any(relation in ("equivalent", "held") for _, relation in self.credited_by):
            return "credited"
        complete = self.criteria_total and self.criteria_covered == self.criteria_total
        return "credited" if complete else "partly credited"

    @property
    def coverage(self) -> str:
        if self.criteria_total is None:
            return "criteria not compared"
        return f"{self.criteria_covered}/{self.criteria_total} criteria covered"


@dataclass(frozen=True)
class RuleCheck:
    """One group of the rules of combination, with what the credited units achieve of it."""

    group: str
    min_credits: int | None
    min_units: int | None
    credits: int
    units: int
    evaluated: bool  # False: the group names no units the data can count
    text: str

    @property
    def met(self) -> bool:
        return self.evaluated and (self.min_credits or 0) <= self.credits and (self.min_units or 0) <= self.units

    @property
    def needs(self) -> str:
        parts = []
        if self.min_credits is not None:
            parts.append(f"{self.credits}/{self.min_credits} credits")
        if self.min_units is not None:
            parts.append(f"{self.units}/{self.min_units} units")
        return ", ".join(parts)


@dataclass(frozen=True)
class RplResult:
    target: str
    target_title: str
    credits_min: int | None
    held: tuple[str, ...]
    resolved: tuple[tuple[str, str], ...]  # (as typed, unit key) where a bare code was read as a key
    units: tuple[TargetUnit, ...]
    rules: tuple[RuleCheck, ...] = field(default=())

    @property
    def credits(self) -> int:
        return sum(u.credits or 0 for u in self.units if u.state == "credited")

    @property
    def complete(self) -> bool:
        return all(r.met for r in self.rules if r.evaluated) and (self.credits_min or 0) <= self.credits


def resolve_held(con: duckdb.DuckDBPyConnection, held: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Unit keys for what was typed: a key as it is, a bare code where exactly one unit has it."""
    keys, resolved, unknown, ambiguous = [], [], [], []
    for item in held:
        if con.execute("SELECT 1 FROM units WHERE unit_key = ?", [item]).fetchone():
            keys.append(item)
            continue
        hits = [k for (k,) in con.execute("SELECT unit_key FROM units WHERE unit_code = ? ORDER BY 1", [item]).fetchall()]
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


def assess(con: duckdb.DuckDBPyConnection, held: list[str], target: str) -> RplResult:
    """Every unit of ``target`` with the held units that credit it, and the rules of combination checked."""
    qualification = con.execute(
        "SELECT title, credits_min FROM qualifications WHERE qualification_id = ?", [target]).fetchone()
    if not con.execute("SELECT 1 FROM unit_memberships WHERE qualification_id = ?", [target]).fetchone():
        raise UsageError(f"unknown qualification {target!r}; see `handbooks sql \"SELECT qualification_id, title FROM qualifications\"`")
    keys, resolved = resolve_held(con, held)
    con.execute("CREATE OR REPLACE TEMP TABLE held AS SELECT unnest(?::VARCHAR[]) AS unit_key", [keys])
    rows = con.execute(
        """SELECT m.unit_key, u.title, m."group", m.mandatory, u.level, u.credits,
                  list(DISTINCT [um.from_key, um.relation] ORDER BY [um.from_key, um.relation])
                      FILTER (WHERE um.from_key IS NOT NULL) AS credited_by,
                  bool_or(um.criteria_total IS NOT NULL) AS compared
           FROM unit_memberships m JOIN units u USING (unit_key)
           LEFT JOIN unit_map um ON um.to_key = m.unit_key AND um.status <> 'rejected'
                AND um.relation <> 'none' AND um.from_key IN (SELECT unit_key FROM held)
           WHERE m.qualification_id = ?
           GROUP BY ALL ORDER BY m.mandatory DESC, m."group", m.unit_key""",
        [target],
    ).fetchall()
    units = []
    for unit_key, title, group, mandatory, level, credits, credited_by, compared in rows:
        credited_by = tuple(tuple(pair) for pair in credited_by or ())
        if unit_key in keys:  # the candidate holds the target's own unit
            credited_by = ((unit_key, "held"),) + credited_by
        total = covered = None
        missing: tuple[Criterion, ...] = ()
        if credited_by and compared:
            criteria = con.execute(
                """SELECT c.criterion_no, c.text, EXISTS (
                       SELECT 1 FROM criterion_map cm JOIN criteria old ON old.criterion_key = cm.from_criterion_key
                       WHERE cm.to_criterion_key = c.criterion_key AND old.unit_key IN (SELECT unit_key FROM held))
                   FROM criteria c WHERE c.unit_key = ? ORDER BY c.criterion_key""",
                [unit_key],
            ).fetchall()
            total, covered = len(criteria), sum(hit for _, _, hit in criteria)
            missing = tuple(Criterion(no, text) for no, text, hit in criteria if not hit)
        units.append(TargetUnit(unit_key, title, group, mandatory, level, credits, credited_by, total, covered, missing))
    rules = _check_rules(con, target, units)
    return RplResult(target, qualification[0] if qualification else target, qualification[1] if qualification else None,
                     tuple(keys), tuple(resolved), tuple(units), rules)


def _check_rules(con: duckdb.DuckDBPyConnection, target: str, units: list[TargetUnit]) -> tuple[RuleCheck, ...]:
    """Each rule group's minimum against the credited units it counts (several sentences of a group: the strictest)."""
    rules = con.execute(
        """SELECT "group", max(min_credits), max(min_units), string_agg(text, ' / ' ORDER BY text)
           FROM rules WHERE qualification_id = ? GROUP BY 1 ORDER BY 1""",
        [target],
    ).fetchall()
    credited = [u for u in units if u.state == "credited"]
    groups = {u.group.lower() for u in units}
    checks = []
    for group, min_credits, min_units, text in rules:
        name = group.lower()
        level = _LEVEL_GROUP.match(group)
        if name == "mandatory":
            counted, evaluated = [u for u in credited if u.mandatory], True
        elif name == "optional":
            counted, evaluated = [u for u in credited if not u.mandatory], True
        elif name in _WHOLE_GROUPS:
            counted, evaluated = credited, True
        elif level:
            # QCF rules count credits "at level N or above"
            counted, evaluated = [u for u in credited if u.level is not None and u.level >= int(level[1])], True
        elif name in groups:
            counted, evaluated = [u for u in credited if u.group.lower() == name], True
        else:
            counted, evaluated = [], False
        checks.append(RuleCheck(group, min_credits, min_units, sum(u.credits or 0 for u in counted),
                                len(counted), evaluated, text))
    return tuple(checks)
