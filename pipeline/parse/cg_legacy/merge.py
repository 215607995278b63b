"""One Unit per code from everything the document says of it: body, structure table, lists, themes table.

Unit codes are unique in the scheme, so a unit named in several places (303 in the
structure table, its body, and the Level 3 and Level 4 columns of the themes table) is
one unit. Its title is the body's, else the structure table's, else the mapping list's,
else the themes table's; a different wording elsewhere (beyond case and quote style,
"customer services" for "customer service") is reported as title-mismatch. Its level is
the lowest themes-table column offering it, since a unit of a lower level (205, 211,
212) is imported into the higher qualifications; a unit the table does not show takes
the level of the qualification whose structure lists it. Its theme is the body's; else
the themes table's heading, spelt as a body spells the same theme ("Impression and
image" -> "Impression and Image", "Foundations" -> "Customer Service Foundations").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pipeline.core import ids
from pipeline.core.records import Rule, Unit, UnitMembership
from pipeline.parse import ParseContext
from pipeline.parse.cg_legacy.structure import Listing, RuleClause
from pipeline.parse.cg_legacy.text import fold
from pipeline.parse.cg_legacy.themes import ThemeEntry
from pipeline.parse.cg_legacy.units import Body
from pipeline.parse.toolkit.rules import typed_rule


def theme_spelling(table_themes: Sequence[str], body_themes: Sequence[str]) -> dict[str, str]:
    """Each themes-table heading spelt as a body names the same theme, where one does."""
    spelling = {}
    for heading in table_themes:
        same = {t for t in body_themes if fold(t) == fold(heading) or fold(t).endswith(" " + fold(heading))}
        spelling[heading] = same.pop() if len(same) == 1 else heading
    return spelling


def merge_units(
    ctx: ParseContext, scheme: str, level: int | None, table: Sequence[Listing], mapping: Sequence[Listing],
    bodies: Sequence[Body], cells: Sequence[ThemeEntry],
) -> list[Unit]:
    """The document's units, one per code, sorted by code."""
    body_of = {b.code: b for b in bodies}
    table_of = {l.code: l for l in table}
    mapping_of = {l.code: l for l in mapping}
    cells_of: dict[str, list[ThemeEntry]] = defaultdict(list)
    for cell in cells:
        cells_of[cell.code].append(cell)
    spelling = theme_spelling([c.theme for c in cells], [b.theme for b in bodies if b.theme])
    units = []
    for code in sorted({*body_of, *table_of, *mapping_of, *cells_of}):
        body, row, listed, offered = body_of.get(code), table_of.get(code), mapping_of.get(code), cells_of.get(code, [])
        # Every place that names the unit, the most authoritative first.
        named = [("body heading", body.title, body.heading)] if body else []
        named += [(f"{source} row", listing.title, listing.line)
                  for source, listing in (("structure table", row), ("mapping list", listed)) if listing]
        named += [("themes table", c.title, c.line) for c in offered]
        title = named[0][1]
        for source, other, line in named[1:]:
            if fold(other) != fold(title):
                ctx.issue("title-mismatch", f"unit {code}: the {source} reads {other!r}, not {title!r}", at=line)
        themes = list(dict.fromkeys(spelling[c.theme] for c in offered))
        theme = body.theme if body and body.theme else (themes[0] if themes else None)
        if any(fold(t) != fold(theme or "") for t in themes):
            ctx.issue("theme-mismatch", f"unit {code}: themes table puts it under {', '.join(themes)}, not {theme}",
                      at=offered[0].line)
        first = named[0][2]
        units.append(Unit(
            unit_key=ids.unit_key(scheme, code), scheme=scheme, unit_code=code, title=title,
            level=min(c.level for c in offered) if offered else (level if body or row else None),
            uan=row.uan if row else None, ics_unit=row.ics_unit if row else None, theme=theme,
            has_body=body is not None, doc_id=ctx.doc_id, page_start=first.page,
            page_end=body.last.page if body else None,
        ))
    _check_lists(ctx, table, mapping, body_of)
    return units


def _check_lists(
    ctx: ParseContext, table: Sequence[Listing], mapping: Sequence[Listing], body_of: dict[str, Body],
) -> None:
    """Units of the structure table without a body, and lists that disagree with the table."""
    for row in table:
        if row.code not in body_of:
            ctx.issue("unit-body-missing", f"unit {row.code} ({row.title}) is in the structure table but has no body",
                      at=row.line)
    if not table:
        return
    codes = {row.code for row in table}
    for listed in mapping:
        if listed.code not in codes:
            ctx.issue("unit-list-mismatch", f"unit {listed.code} is in the mapping list, not the structure table",
                      at=listed.line)
    for code, body in body_of.items():
        if code not in codes:
            ctx.issue("unit-list-mismatch", f"unit {code} has a body but is not in the structure table",
                      at=body.heading)
    if mapping and {l.code for l in mapping} == codes:
        # The heading promises old-to-new pairs; the list gives only the new units.
        ctx.issue("mapping-lists-new-units", "the 'Mapping of old standards to new' list names only this "
                  f"qualification's own {len(codes)} units, with no old unit to map from", at=mapping[0].line)


def memberships(qualification_id: str, scheme: str, table: Sequence[Listing]) -> list[UnitMembership]:
    """The structure table's units as members of the qualification, by group."""
    return [
        UnitMembership(qualification_id, ids.unit_key(scheme, row.code), row.group or "", row.group == "Mandatory")
        for row in table
    ]


def rules(
    qualification_id: str, clauses: Sequence[RuleClause], units: Sequence[Unit], table: Sequence[Listing],
) -> list[Rule]:
    """Rule rows; "at least one optional unit from each theme" becomes one row per theme of the optional units."""
    theme_of = {u.unit_code: u.theme for u in units}
    optional_themes = list(dict.fromkeys(
        t for row in table if row.group != "Mandatory" and (t := theme_of.get(row.code))
    ))
    out = []
    for clause in clauses:
        groups = (optional_themes or ["Each theme"]) if clause.group == "each-theme" else [clause.group]
        out += [typed_rule(qualification_id, g, clause.text, min_units=clause.min_units, max_units=clause.max_units)
                for g in groups]
    return out
