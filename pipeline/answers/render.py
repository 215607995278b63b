"""The answers of ``lookup`` and ``rpl`` as text, JSON, CSV or Markdown."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pandas as pd

from pipeline.answers.rpl import CREDITED, GAP, OPEN, UNVERIFIED, RplResult, RuleCheck, TargetUnit, Withdrawal
from pipeline.publish.spreadsheet import csv_bytes


def csv_text(frame: pd.DataFrame) -> str:
    """The one CSV writer of every ``--csv``: the published CSVs' guard (BOM, inert formulas, ``1:1`` as text)."""
    return csv_bytes(frame).decode("utf-8").rstrip("\n")


def lookup_text(result: dict[str, Any], fmt: str = "text") -> str:
    """A lookup answer: each unit, its family and its mappings."""
    if fmt == "json":
        return json.dumps(result, indent=2, ensure_ascii=False, default=str)
    rows = [dict(m, looked_up=u["unit_key"]) for u in result["units"] for m in u["mappings"]]
    if fmt == "csv":
        columns = ["looked_up"] + [c for c in (rows[0] if rows else {}) if c != "looked_up"]
        return csv_text(pd.DataFrame(rows, columns=columns or ["looked_up"]))
    blocks = [result["note"]] if result["note"] else []
    for unit in result["units"]:
        head = f"{unit['unit_key']}  {unit['title']}" + (f"  (level {unit['level']})" if unit["level"] is not None else "")
        head += f"  NOS {unit['nos_code']}" if unit["nos_code"] else ""
        head += f"  [withdrawn by {unit['withdrawn_by']}]" if unit["status"] == "withdrawn" else ""
        family = [f"{f['family_id']}  {f['unit_key']}  {f['title']}"
                  + (f"  (level {f['level']})" if f["level"] is not None else "")
                  for f in unit["family"]] or ["(none)"]
        mapped = [_mapping_line(m) for m in unit["mappings"]] or ["(none)"]
        blocks.append("\n".join([head, "  same competence:", *_indent(family), "  mappings:", *_indent(mapped)]))
    return "\n\n".join(blocks)


def _mapping_line(m: dict[str, Any]) -> str:
    target = m["to_key"] or "no successor"
    if m["to_status"] == "withdrawn":
        target += f" [withdrawn by {m['to_withdrawn_by']}: no credit]"
    coverage = (f"{m['criteria_covered']}/{m['criteria_total']} criteria" if m["criteria_total"] is not None
                else "criteria not compared")
    return (f"{m['from_key']} -> {target}  {m['relation']}  confidence {m['confidence']:.3f}  {coverage}  "
            f"{m['method']}, {m['status']}\n      {m['justification']}")


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def rpl_text(result: RplResult, fmt: str = "text") -> str:
    """An RPL answer: units credited, gaps with their criteria, what earns nothing, and the rules of combination."""
    if fmt == "json":
        return json.dumps(rpl_data(result), indent=2, ensure_ascii=False)
    if fmt == "csv":
        return csv_text(pd.DataFrame([_unit_row(u) for u in result.units]))
    if fmt == "markdown":
        return _rpl_markdown(result)
    lines = [f"RPL for {result.target} ({result.target_title}), holding {', '.join(result.held)}"]
    lines += [f"  {typed} read as {key}" for typed, key in result.resolved]
    for unit in result.units:
        if unit.state == OPEN:
            continue
        lines.append(f"\n{unit.unit_key}  {unit.title}  [{'mandatory' if unit.mandatory else unit.group}]"
                     + (f"  {unit.credits} credits" if unit.credits is not None else ""))
        lines.append(f"  {_state_line(unit)}")
        lines += [f"  to evidence {c.criterion_no}: {c.text}" for c in unit.still_to_show]
    if result.withdrawn or result.unmapped:
        lines.append("\nheld units that earn no credit:")
        lines += [f"  {_withdrawal_line(w)}" for w in result.withdrawn]
        lines += [f"  {key}: maps to no unit of {result.target}" for key in result.unmapped]
    lines.append("\n" + "\n".join(_summary(result)))
    return "\n".join(lines)


def _evidence(unit: TargetUnit) -> str:
    return ", ".join(e.unit_key if e.relation == "held" else f"{e.unit_key} ({e.relation}, {e.method}, {e.status})"
                     for e in unit.evidence)


def _state_line(unit: TargetUnit) -> str:
    """How a unit stands: credited, a gap with its credits pending, or unverified and why."""
    by = _evidence(unit)
    if unit.state == CREDITED:
        return f"credited by {by}" + ("" if unit.criteria_total is None else f": {unit.coverage}")
    if unit.state == GAP:
        return f"gap: {unit.coverage} by {by}; {unit.credits or 0} credits pending until the rest is evidenced"
    return f"unverified: {unit.reason} (mapped from {by}); {unit.credits or 0} credits pending until an assessor checks"


def _withdrawal_line(w: Withdrawal) -> str:
    when = f" (published {w.published})" if w.published else ""
    return (f"{w.held}: no credit: its only successor {w.successor} was withdrawn by "
            f"{w.withdrawn_by or 'a later edition'}{when}")


def _verdict(rule: RuleCheck) -> str:
    if not rule.evaluated:
        return "not evaluated: no unit of the qualification is in this group"
    if rule.met:
        return "met"
    return "not met; met once the gaps are filled" if rule.met_with_pending else "not met"


def _rule_name(rule: RuleCheck) -> str:
    return f"{rule.group} ({rule.kind})"


def _summary(result: RplResult) -> list[str]:
    counts = {state: sum(u.state == state for u in result.units) for state in (CREDITED, GAP, UNVERIFIED)}
    lines = [f"units: {counts[CREDITED]} credited, {counts[GAP]} gap, {counts[UNVERIFIED]} unverified, "
             f"of {len(result.units)} units of {result.target}",
             f"credits: {result.credits} credited, {result.pending} pending", "rules of combination:"]
    lines += [f"  {_rule_name(rule)}: {rule.needs}  {_verdict(rule)}" for rule in result.rules]
    if result.complete:
        lines.append("the qualification is complete")
    else:
        lines.append("the qualification is complete once the gaps are filled" if result.complete_with_pending
                     else "to complete:")
        lines += [f"  {line}" for line in _remaining(result, shown=8)]
    return lines


def _remaining(result: RplResult, shown: int | None = None) -> list[str]:
    """Each unmet rule with the units that would meet it (or, for a maximum, the units over it), ``shown`` at most."""
    out = []
    for rule in result.rules:
        if not rule.evaluated or rule.met:
            continue
        named = [f"{c.unit_key} ({c.credits if c.credits is not None else '?'} credits, {c.state})"
                 for c in rule.candidates]
        if shown is not None and len(named) > shown:
            named = [*named[:shown], f"and {len(named) - shown} more"]
        units = ", ".join(named)
        out.append(f"{_rule_name(rule)} ({rule.needs}): " + (f"over the limit with {units}" if rule.over else
                                                            f"from {units}" if units else "no unit left to take"))
    return out


def _unit_row(unit: TargetUnit) -> dict[str, object]:
    return {
        "unit_key": unit.unit_key, "title": unit.title, "group": unit.group, "mandatory": unit.mandatory,
        "level": unit.level, "credits": unit.credits, "state": unit.state,
        "evidence": "; ".join(f"{e.unit_key} ({e.relation})" for e in unit.evidence),
        "criteria_covered": unit.criteria_covered, "criteria_total": unit.criteria_total,
        "still_to_show": "; ".join(c.criterion_no for c in unit.still_to_show), "reason": unit.reason,
    }


def rpl_data(result: RplResult) -> dict[str, object]:
    """The answer as plain data: what ``--json`` prints and what the page computes."""
    return {
        "target": result.target, "target_title": result.target_title, "held": list(result.held),
        "read_as": dict(result.resolved), "generation": result.generation,
        "editions": [{"doc_id": d, "published": p} for d, p in result.editions],
        "credits": result.credits, "pending": result.pending,
        "complete": result.complete, "complete_with_pending": result.complete_with_pending,
        "units": [dict(_unit_row(u), evidence=[dataclasses.asdict(e) for e in u.evidence],
                       still_to_show=[dataclasses.asdict(c) for c in u.still_to_show]) for u in result.units],
        "rules": [dataclasses.asdict(r) for r in result.rules],
        "withdrawn": [dataclasses.asdict(w) for w in result.withdrawn],
        "unmapped": list(result.unmapped),
    }


def _cell(value: object) -> str:
    """A Markdown table cell: pipes escaped, nothing for None."""
    return "" if value is None else str(value).replace("|", "\\|")


def _rpl_markdown(result: RplResult) -> str:
    """A record to file: who, when, from which data, each credit with its evidence, the gaps and the rules."""
    editions = ", ".join(f"{d} ({p or 'undated'})" for d, p in result.editions)
    out = [f"# Recognition of prior learning: {result.target_title} ({result.target})", "",
           f"Date: {dt.date.today().isoformat()}  ",
           f"Published generation: {result.generation or 'unnumbered'}  ",
           f"Editions used: {editions}", "",
           "Candidate: ____________________  Assessor: ____________________  Signed: ____________", "",
           "## Units held", ""]
    out += [f"- {key}" + "".join(f" (entered as {typed})" for typed, k in result.resolved if k == key)
            for key in result.held]
    out += [f"- {_withdrawal_line(w)}" for w in result.withdrawn]
    out += [f"- {key}: maps to no unit of {result.target}" for key in result.unmapped]
    out += ["", "## Units credited", "", "| unit | title | group | credits | evidence (relation, method, status) "
            "| criteria covered |", "|---|---|---|---|---|---|"]
    out += [f"| {u.unit_key} | {_cell(u.title)} | {_cell(u.group)} | {_cell(u.credits)} | {_cell(_evidence(u))} | "
            f"{u.coverage} |" for u in result.units if u.state == CREDITED] or ["| none | | | | | |"]
    out += ["", "## Pending: gaps and unverified units", ""]
    pending = [u for u in result.units if u.state in (GAP, UNVERIFIED)]
    for u in pending:
        out.append(f"- {u.unit_key} {u.title} ({u.credits or 0} credits pending): {_state_line(u)}")
        out += [f"  - [ ] {c.criterion_no}: {c.text}" for c in u.still_to_show]
    if not pending:
        out.append("None.")
    out += ["", "## Rules of combination", "", "| rule | kind | needs (credited) | with pending | verdict |",
            "|---|---|---|---|---|"]
    out += [f"| {_cell(r.group)} | {r.kind} | {r.needs} | {r.with_pending.credits} credits, {r.with_pending.units} "
            f"units | {_verdict(r)} |" for r in result.rules]
    out += ["", f"Credits: {result.credits} credited, {result.pending} pending.", ""]
    if result.complete:
        out.append("Complete.")
    else:
        out.append("Complete once the gaps are filled." if result.complete_with_pending else "To complete:")
        out += [f"- {line}" for line in _remaining(result)]
    return "\n".join(out)
