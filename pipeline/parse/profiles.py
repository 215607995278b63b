"""The registry of handbook families: detect a document's family from its wording."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pipeline.core.errors import DocumentError, Location
from pipeline.core.nlp import command_verbs
from pipeline.core.records import Issue, Line
from pipeline.parse import (
    ParseContext,
    ParseResult,
    catalogue,
    cg_legacy,
    cg_qcf,
    nos,
    nos_standard,
    ocr,
    regulator,
    structure,
    unit_bank,
    unit_page,
)
from pipeline.parse.toolkit.swallowed import swallowed_text

# Below this detection score a document matches no family.
MIN_DETECTION = 0.5


class Family(Protocol):
    """What a family module offers: ``detect`` scores its wording, ``parse`` reads its records."""

    def detect(self, lines: Sequence[Line]) -> float: ...

    def parse(self, ctx: ParseContext) -> ParseResult: ...


@dataclass(frozen=True)
class Profile:
    """A handbook family: its manifest ``format`` name and the module that parses it.

    The module offers ``detect(lines) -> float`` (0..1, from wording and structure)
    and ``parse(ctx: ParseContext) -> ParseResult``. ``yields_records`` is False only
    for a family whose documents feed the corpus step something other than records
    (the NOS suite page: its themes); any other family's document with body text and
    no unit, outcome, criterion, rule or qualification is a ``no-records`` error.
    """

    name: str
    module: Family
    yields_records: bool = True


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("cg-qcf", cg_qcf),
        Profile("cg-legacy", cg_legacy),
        Profile("ocr-nvq", ocr),
        Profile("cg-catalogue", catalogue),
        Profile("ics-nos", nos, yields_records=False),
        Profile("uk-nos", nos_standard),
        Profile("unit-page", unit_page),
        Profile("regulator-unit", regulator),
        Profile("qualification-structure", structure),
        Profile("unit-bank", unit_bank),
    )
}


def detect_profile(lines: Sequence[Line], shown: str) -> Profile:
    """The family whose wording the document matches best."""
    scored = sorted(((p.module.detect(lines), p.name) for p in PROFILES.values()), reverse=True)
    best_score, best = scored[0]
    if best_score < MIN_DETECTION:
        raise DocumentError(
            f"no handbook family recognised (best: {best} at {best_score:.2f}); set format in the manifest",
            Location(shown),
        )
    return PROFILES[best]


def parse_lines(ctx: ParseContext, profile: Profile, shown: str | None = None) -> ParseResult:
    """Run a family parser, fill in criteria verbs, report swallowed text, an empty result and the lines nothing
    used (``shown``: the file as messages name it)."""
    result = profile.module.parse(ctx)
    verbs = command_verbs([c.text for c in result.criteria])
    result.criteria = [dataclasses.replace(c, verb=v) for c, v in zip(result.criteria, verbs)]
    empty = _no_records(ctx, profile, result, shown or ctx.entry.path)
    result.issues = ctx.issues + result.issues + empty + swallowed_text(ctx.doc_id, result) + ctx.leftovers()
    return result


def _no_records(ctx: ParseContext, profile: Profile, result: ParseResult, shown: str) -> list[Issue]:
    """Never an empty success: body text from which the family read nothing is an error naming file and family."""
    found = (result.units, result.outcomes, result.criteria, result.rules, result.qualifications)
    if not profile.yields_records or any(found) or not ctx.conservation().body_chars:
        return []
    return [Issue(ctx.doc_id, None, None, "error", "no-records",
                  f"{shown}: the {profile.name} family read no unit, outcome, criterion, rule or qualification "
                  f"from its {len(ctx.lines)} line(s); set format in the manifest if another family fits")]
