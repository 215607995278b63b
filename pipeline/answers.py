"""The answers of ``lookup`` and ``rpl`` as text, JSON, CSV or Markdown."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd

from pipeline.rpl import RplResult, TargetUnit

FORMATS = ("text", "json", "csv", "markdown")


def lookup_text(result: dict, fmt: str = "text") -> str:
    """A lookup answer: each unit, its family and its mappings."""
    if fmt == "json":
        return json.dumps(result, indent=2, ensure_ascii=False, default=str)
    rows = [dict(m, looked_up=u["unit_key"]) for u in result["units"] for m in u["mappings"]]
    if fmt == "csv":
        columns = ["looked_up"] + [c for c in (rows[0] if rows else {}) if c != "looked_up"]
        return pd.DataFrame(rows, columns=columns or ["looked_up"]).to_csv(index=False).rstrip("\n")
    blocks = [result["note"]] if result["note"] else []
    for unit in result["units"]:
        head = f"{unit['unit_key']}  {unit['title']}" + (f"  (level {unit['level']})" if unit["level"] is not None else "")
        head += f"  NOS {unit['nos_code']}" if unit["nos_code"] else ""
        head += "  [withdrawn]" if unit["status"] == "withdrawn" else ""
        family = [f"{f['family_id']}  {f['unit_key']}  {f['title']}" + (f"  (level {f['level']})" if f["level"] is not None else "")
                  for f in unit["family"]] or ["(none)"]
        mapped = [_mapping_line(m) for m in unit["mappings"]] or ["(none)"]
        blocks.append("\n".join([head, "  same competence:", *_indent(family), "  mappings:", *_indent(mapped)]))
    return "\n\n".join(blocks)


def _mapping_line(m: dict) -> str:
    target = m["to_key"] or "no successor"
    coverage = (f"{m['criteria_covered']}/{m['criteria_total']} criteria" if m["criteria_total"] is not None
                else "criteria not compared")
    return (f"{m['from_key']} -> {target}  {m['relation']}  confidence {m['confidence']:.3f}  {coverage}  "
            f"{m['method']}, {m['status']}\n      {m['justification']}")


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def rpl_text(result: RplResult, fmt: str = "text") -> str:
    """An RPL answer: units credited, criteria still to show, and the rules of combination."""
    if fmt == "json":
        return json.dumps(_rpl_data(result), indent=2, ensure_ascii=False)
    if fmt == "csv":
        frame = pd.DataFrame([_unit_row(u) for u in result.units])
        return frame.to_csv(index=False).rstrip("\n")
    if fmt == "markdown":
        return _rpl_markdown(result)
    lines = [f"RPL for {result.target} ({result.target_title}), holding {', '.join(result.held)}"]
    lines += [f"  {typed} read as {key}" for typed, key in result.resolved]
    for unit in result.units:
        if not unit.credited_by:
            continue
        by = ", ".join(f"{k} ({relation})" for k, relation in unit.credited_by)
        lines.append(f"\n{unit.unit_key}  {unit.title}  [{'mandatory' if unit.mandatory else unit.group}]")
        lines.append(f"  {unit.state} by {by}: {unit.coverage}")
        lines += [f"  still to show {c.criterion_no}: {c.text}" for c in unit.still_to_show]
    lines.append("\n" + "\n".join(_summary(result)))
    return "\n".join(lines)


def _summary(result: RplResult) -> list[str]:
    credited = sum(u.state == "credited" for u in result.units)
    partly = sum(u.state == "partly credited" for u in result.units)
    lines = [f"units credited: {credited} of {len(result.units)} units of {result.target}"
             + (f"; {partly} partly credited" if partly else ""),
             f"credits: {result.credits}" + (f" of {result.credits_min} needed" if result.credits_min else ""),
             "rules of combination:"]
    for rule in result.rules:
        verdict = ("met" if rule.met else "not met") if rule.evaluated else "not evaluated"
        lines.append(f"  {rule.group}: {rule.needs or rule.text}  {verdict}")
    lines.append("the qualification is complete" if result.complete else "to complete: " + "; ".join(_remaining(result)))
    return lines


def _remaining(result: RplResult) -> list[str]:
    out = [f"{rule.group} ({rule.needs})" for rule in result.rules if rule.evaluated and not rule.met]
    overall = any(r.evaluated and (r.min_credits or 0) >= (result.credits_min or 0) for r in result.rules)
    if result.credits_min and result.credits < result.credits_min and not overall:
        out.append(f"{result.credits_min - result.credits} more credits")
    return out or ["see the rules not evaluated"]


def _unit_row(unit: TargetUnit) -> dict:
    return {
        "unit_key": unit.unit_key, "title": unit.title, "group": unit.group, "mandatory": unit.mandatory,
        "level": unit.level, "credits": unit.credits, "state": unit.state,
        "credited_by": "; ".join(f"{k} ({relation})" for k, relation in unit.credited_by),
        "criteria_covered": unit.criteria_covered, "criteria_total": unit.criteria_total,
        "still_to_show": "; ".join(c.criterion_no for c in unit.still_to_show),
    }


def _rpl_data(result: RplResult) -> dict:
    return {
        "target": result.target, "target_title": result.target_title, "held": list(result.held),
        "read_as": dict(result.resolved), "credits": result.credits, "credits_min": result.credits_min,
        "complete": result.complete,
        "units": [dict(_unit_row(u), credited_by=[{"unit_key": k, "relation": r} for k, r in u.credited_by],
                       still_to_show=[dataclasses.asdict(c) for c in u.still_to_show]) for u in result.units],
        "rules": [dict(dataclasses.asdict(r), met=r.met) for r in result.rules],
    }


def _rpl_markdown(result: RplResult) -> str:
    out = [f"# Recognition of prior learning: {result.target_title} ({result.target})", "",
           "Candidate: ____________________  Assessor: ____________________  Date: ____________", "",
           "## Units held", ""]
    out += [f"- {key}" + "".join(f" (entered as {typed})" for typed, k in result.resolved if k == key)
            for key in result.held]
    out += ["", "## Units credited", "", "| unit | title | group | credits | credited by | criteria |", "|---|---|---|---|---|---|"]
    for u in (u for u in result.units if u.credited_by):
        by = ", ".join(f"{k} ({relation})" for k, relation in u.credited_by)
        out.append(f"| {u.unit_key} | {u.title} | {u.group} | {u.credits if u.credits is not None else ''} | "
                   f"{by} ({u.state}) | {u.coverage} |")
    still = [(u, c) for u in result.units if u.credited_by for c in u.still_to_show]
    out += ["", "## Criteria still to show", ""]
    out += [f"- [ ] {u.unit_key} {c.criterion_no}: {c.text}" for u, c in still] or ["None among the credited units."]
    out += ["", "## Rules of combination", "", "| rule | achieved | verdict |", "|---|---|---|"]
    for rule in result.rules:
        verdict = ("met" if rule.met else "not met") if rule.evaluated else "not evaluated"
        out.append(f"| {rule.group} | {rule.needs} | {verdict} |")
    out += ["", f"Credits: {result.credits}" + (f" of {result.credits_min}" if result.credits_min else ""), "",
            "Complete." if result.complete else "To complete: " + "; ".join(_remaining(result)) + "."]
    return "\n".join(out)
