"""What changed between two editions of a document, unit by unit, from each edition's own versions.

Units pair by ``unit_key`` (same scheme, same code). A unit both editions state
identically is ``kept``; one whose title changed is ``retitled``; one whose title
stayed but whose figures, outcomes or criteria changed is ``changed``. Both of the
last two carry the detail: changed fields, criteria added, removed, reworded, and
renumbered (same wording under a new number).
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core import ids
from pipeline.core.errors import UsageError
from pipeline.core.records import UnitVersion, Versions
from pipeline.core.schemas import DATASETS
from pipeline.store.tables import read_records

# The fields of a unit a new edition can restate.
COMPARED_FIELDS = ("level", "credits", "glh", "uan", "nos_code")
CATEGORIES = ("kept", "retitled", "changed", "added", "removed")


@dataclass(frozen=True)
class Reworded:
    """A number stated in both editions with other wording."""

    number: str
    old_text: str
    new_text: str


@dataclass(frozen=True)
class TextChanges:
    """How numbered texts (criteria, or outcome titles) differ between two statements of a unit."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    reworded: tuple[Reworded, ...] = ()
    renumbered: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.reworded or self.renumbered)

    def to_json(self, kind: str) -> dict[str, object]:
        """``<kind>_added``, ``_removed``, ``_reworded`` (numbers) and ``_renumbered`` ({old, new})."""
        return {
            f"{kind}_added": list(self.added),
            f"{kind}_removed": list(self.removed),
            f"{kind}_reworded": [r.number for r in self.reworded],
            f"{kind}_renumbered": [{"old": a, "new": b} for a, b in self.renumbered],
        }


@dataclass(frozen=True)
class UnitChange:
    """A unit both editions state, and how the new one differs."""

    old: UnitVersion
    new: UnitVersion
    fields: dict[str, tuple[object, object]] = field(default_factory=dict)
    criteria: TextChanges = TextChanges()
    outcomes: TextChanges = TextChanges()

    @property
    def retitled(self) -> bool:
        return self.old.title != self.new.title

    @property
    def content_changed(self) -> bool:
        """Whether anything but the title differs."""
        return bool(self.fields or self.criteria or self.outcomes)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"unit_key": self.new.unit_key, "unit_code": self.new.unit_code}
        if self.retitled:
            out |= {"old_title": self.old.title, "new_title": self.new.title}
        else:
            out["title"] = self.new.title
        out["fields"] = {name: {"old": old, "new": new} for name, (old, new) in self.fields.items()}
        out |= self.criteria.to_json("criteria") | self.outcomes.to_json("outcomes")
        out["wording"] = [{"criterion_no": r.number, "old_text": r.old_text, "new_text": r.new_text}
                          for r in self.criteria.reworded]
        out["outcome_titles"] = [{"outcome_no": r.number, "old_title": r.old_text, "new_title": r.new_text}
                                 for r in self.outcomes.reworded]
        return out


@dataclass(frozen=True)
class EditionDiff:
    """Every unit of two editions, sorted into the five categories."""

    old_doc: str
    new_doc: str
    kept: list[UnitVersion]
    retitled: list[UnitChange]
    changed: list[UnitChange]
    added: list[UnitVersion]
    removed: list[UnitVersion]

    def summary(self) -> str:
        """E.g. ``57 kept, 1 retitled, 1 changed, 1 added, 1 removed``."""
        return ", ".join(f"{len(getattr(self, name))} {name}" for name in CATEGORIES)

    def to_json(self) -> dict[str, object]:
        """One object with the five keys, each a list of objects carrying ``unit_key``."""
        def listed(v: UnitVersion) -> dict[str, str]:
            return {"unit_key": v.unit_key, "unit_code": v.unit_code, "title": v.title}

        return {
            "old_doc": self.old_doc,
            "new_doc": self.new_doc,
            "kept": [listed(v) for v in self.kept],
            "retitled": [c.to_json() for c in self.retitled],
            "changed": [c.to_json() for c in self.changed],
            "added": [listed(v) for v in self.added],
            "removed": [listed(v) for v in self.removed],
        }


def _number_order(number: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in number.split("."))


def _compare_texts(old: dict[str, str], new: dict[str, str]) -> TextChanges:
    """What differs between two {number: text} statements."""
    reworded = tuple(Reworded(n, old[n], new[n]) for n in sorted(old.keys() & new.keys(), key=_number_order)
                     if old[n] != new[n])
    gone = sorted(old.keys() - new.keys(), key=_number_order)
    fresh = sorted(new.keys() - old.keys(), key=_number_order)
    renumbered = []
    by_text: dict[str, list[str]] = defaultdict(list)
    for number in fresh:
        by_text[new[number]].append(number)
    for number in gone:
        if by_text.get(old[number]):
            renumbered.append((number, by_text[old[number]].pop(0)))
    moved_from = {a for a, _ in renumbered}
    moved_to = {b for _, b in renumbered}
    return TextChanges(
        tuple(n for n in fresh if n not in moved_to),
        tuple(n for n in gone if n not in moved_from),
        reworded,
        tuple(renumbered),
    )


def _unit_change(
    old: UnitVersion, new: UnitVersion,
    criteria: dict[tuple[str, str], dict[str, str]], outcomes: dict[tuple[str, str], dict[str, str]],
) -> UnitChange:
    fields = {name: (getattr(old, name), getattr(new, name)) for name in COMPARED_FIELDS
              if getattr(old, name) != getattr(new, name)}
    def texts(by_unit: dict[tuple[str, str], dict[str, str]]) -> TextChanges:
        return _compare_texts(by_unit.get((old.unit_key, old.doc_id), {}), by_unit.get((new.unit_key, new.doc_id), {}))

    return UnitChange(old, new, fields, texts(criteria), texts(outcomes))


def compare_editions(old_doc: str, new_doc: str, versions: Versions) -> EditionDiff:
    """The unit-by-unit comparison of two documents' own statements."""
    units: dict[str, dict[str, UnitVersion]] = {old_doc: {}, new_doc: {}}
    for v in versions.units:
        if v.doc_id in units:
            units[v.doc_id][v.unit_key] = v
    criteria: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for c in versions.criteria:
        if c.doc_id in units:
            unit_key, number = ids.split_criterion_key(c.criterion_key)
            criteria[(unit_key, c.doc_id)][number] = c.text
    outcomes: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for o in versions.outcomes:
        if o.doc_id in units:
            outcomes[(o.unit_key, o.doc_id)][o.outcome_no] = o.title
    old, new = units[old_doc], units[new_doc]
    kept, retitled, changed = [], [], []
    for key in sorted(old.keys() & new.keys()):
        change = _unit_change(old[key], new[key], criteria, outcomes)
        if change.retitled:
            retitled.append(change)
        elif change.content_changed:
            changed.append(change)
        else:
            kept.append(new[key])
    return EditionDiff(
        old_doc, new_doc, kept, retitled, changed,
        added=[new[k] for k in sorted(new.keys() - old.keys())],
        removed=[old[k] for k in sorted(old.keys() - new.keys())],
    )


def diff_published(extracted: Path, old_doc: str, new_doc: str) -> tuple[EditionDiff, Versions]:
    """Compare two published documents; an unknown doc_id is a usage error naming the known ones."""
    def read(name: str) -> list[Any]:
        path = extracted / DATASETS[name].filename
        if not path.exists():
            raise UsageError(f"no published {name} in {extracted}: run `handbooks run` (or `make`) in the project "
                             "first, or give its folder with --root")
        return read_records(DATASETS[name], path)

    known = sorted(d.doc_id for d in read("documents"))
    for doc in (old_doc, new_doc):
        if doc not in known:
            raise UsageError(f"unknown document {doc!r} (known: {', '.join(known)})")
    versions = Versions(read("unit_versions"), read("outcome_versions"), read("criterion_versions"))
    return compare_editions(old_doc, new_doc, versions), versions


def to_csv(diff: EditionDiff) -> str:
    """One row per unit: its category, titles, changed fields and criterion numbers."""
    rows = []
    for name in ("kept", "added", "removed"):
        rows += [{"category": name, "unit_key": v.unit_key, "unit_code": v.unit_code,
                  "old_title": "" if name == "added" else v.title, "new_title": "" if name == "removed" else v.title}
                 for v in getattr(diff, name)]
    for name in ("retitled", "changed"):
        for c in getattr(diff, name):
            rows.append({
                "category": name, "unit_key": c.new.unit_key, "unit_code": c.new.unit_code,
                "old_title": c.old.title, "new_title": c.new.title,
                "fields": "; ".join(f"{k} {a} -> {b}" for k, (a, b) in c.fields.items()),
                "criteria_added": " ".join(c.criteria.added), "criteria_removed": " ".join(c.criteria.removed),
                "criteria_reworded": " ".join(r.number for r in c.criteria.reworded),
                "criteria_renumbered": " ".join(f"{a}->{b}" for a, b in c.criteria.renumbered),
            })
    columns = ["category", "unit_key", "unit_code", "old_title", "new_title", "fields", "criteria_added",
               "criteria_removed", "criteria_reworded", "criteria_renumbered"]
    order = {name: i for i, name in enumerate(CATEGORIES)}
    rows.sort(key=lambda r: (order[r["category"]], r["unit_key"]))
    import pandas as pd  # here: the runner compares editions without pandas

    from pipeline.answers.render import csv_text

    return csv_text(pd.DataFrame(rows, columns=columns).astype(object).fillna(""))


# --- the readable form -------------------------------------------------------

_COLUMN = 48


def _side_by_side(old: str, new: str, indent: str) -> list[str]:
    """Old and new wording in two columns."""
    left = textwrap.wrap(old, _COLUMN) or [""]
    right = textwrap.wrap(new, _COLUMN) or [""]
    rows = max(len(left), len(right))
    left += [""] * (rows - len(left))
    right += [""] * (rows - len(right))
    return [f"{indent}{a:<{_COLUMN}} | {b}".rstrip() for a, b in zip(left, right)]


def _text_lines(changes: TextChanges, kind: str, same: str, new_text: dict[str, str]) -> list[str]:
    lines = [f"    {kind} {n} added" + (f": {new_text[n]}" if n in new_text else "") for n in changes.added]
    lines += [f"    {kind} {n} removed" for n in changes.removed]
    lines += [f"    {kind} {a} is now {b} (same {same})" for a, b in changes.renumbered]
    for r in changes.reworded:
        lines.append(f"    {kind} {r.number} reworded:")
        lines += _side_by_side("old: " + r.old_text, "new: " + r.new_text, "      ")
    return lines


def _change_lines(change: UnitChange, criteria_text: dict[str, str]) -> list[str]:
    lines = [f"    {name}: {old} -> {new}" for name, (old, new) in change.fields.items()]
    return (lines + _text_lines(change.criteria, "criterion", "wording", criteria_text)
            + _text_lines(change.outcomes, "outcome", "title", {}))


def render(diff: EditionDiff, versions: Versions) -> str:
    """The diff as a person reads it: a summary line, then each category that has units."""
    new_text: dict[str, dict[str, str]] = defaultdict(dict)
    for c in versions.criteria:
        if c.doc_id == diff.new_doc:
            unit_key, number = ids.split_criterion_key(c.criterion_key)
            new_text[unit_key][number] = c.text
    lines = [f"{diff.old_doc} -> {diff.new_doc}: {diff.summary()}"]
    if diff.retitled:
        lines.append("\nretitled:")
        for change in diff.retitled:
            lines.append(f"  {change.new.unit_key}")
            lines += _side_by_side("old: " + change.old.title, "new: " + change.new.title, "    ")
            lines += _change_lines(change, new_text[change.new.unit_key])
    if diff.changed:
        lines.append("\nchanged:")
        for change in diff.changed:
            lines.append(f"  {change.new.unit_key}  {change.new.title}")
            lines += _change_lines(change, new_text[change.new.unit_key])
    for name in ("added", "removed"):
        listed: list[UnitVersion] = getattr(diff, name)
        if listed:
            lines.append(f"\n{name}:")
            lines += [f"  {v.unit_key}  {v.title}" for v in listed]
    if not (diff.retitled or diff.changed or diff.added or diff.removed):
        lines.append("nothing changed")
    return "\n".join(lines)
