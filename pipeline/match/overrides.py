"""Human decisions from ``mappings/overrides.csv``: read, checked, and applied last.

The file is only ever read here: the pipeline never writes it, so a person's
decision survives every run.
"""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.records import Issue, UnitMatch

HEADER = ("from_key", "to_key", "decision", "note")
DECISIONS = {"confirm": "match", "reject": "non-match"}
DOC_ID = "overrides"


@dataclass(frozen=True)
class Override:
    """One decision: a pair of unit keys confirmed or rejected, with the reviewer's note."""

    from_key: str
    to_key: str
    decision: str  # confirm / reject
    note: str
    line: int

    @property
    def status(self) -> str:
        return "confirmed" if self.decision == "confirm" else "rejected"

    @property
    def source(self) -> str:
        """Where the decision is written down, for the map's ``reviewer`` column."""
        return f"overrides.csv:{self.line}"


def _issue(code: str, message: str, line: int | None, severity: str = "warning") -> Issue:
    return Issue(DOC_ID, None, line, severity, code, message)


def read_overrides(path: Path) -> tuple[list[Override], list[Issue]]:
    """The decisions in the file (none if it is absent), and issues for rows that cannot apply."""
    if not path.exists():
        return [], []
    with path.open(newline="", encoding="utf-8-sig") as handle:  # a spreadsheet saves it with a BOM
        rows = list(csv.reader(handle))
    if not rows:
        return [], []
    if tuple(c.strip() for c in rows[0]) != HEADER:
        return [], [_issue("override-bad-header", f"header must be {','.join(HEADER)}; file ignored", 1, "error")]
    overrides, issues = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        from_key, to_key, decision, note = [*(c.strip() for c in row), "", "", "", ""][:4]
        if decision not in DECISIONS or not from_key or not to_key:
            issues.append(
                _issue("override-bad-row", f"needs from_key, to_key and decision confirm/reject: {','.join(row)}", number)
            )
            continue
        overrides.append(Override(from_key, to_key, decision, note, number))
    return overrides, issues


def known_only(overrides: list[Override], unit_keys: set[str]) -> tuple[list[Override], list[Issue]]:
    """The overrides whose two units exist; an issue for each that names an unknown unit."""
    kept, issues = [], []
    for o in overrides:
        unknown = [k for k in (o.from_key, o.to_key) if k not in unit_keys]
        if unknown:
            issues.append(_issue("override-unknown-key", f"{o.decision} {o.from_key} -> {o.to_key} not applied: "
                                 f"no unit {', '.join(unknown)} in units.parquet", o.line))
        else:
            kept.append(o)
    return kept, issues


def overridden(pair: UnitMatch, override: Override) -> UnitMatch:
    """The pair with the person's decision in place of the matcher's."""
    return dataclasses.replace(
        pair,
        decision=DECISIONS[override.decision],
        explanation=f"{pair.explanation}; override {override.decision} ({override.source})",
    )
