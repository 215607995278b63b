"""Typed rows passed between stages; each is named after a row of its dataset.

Field names match the columns of DESIGN.md letter for letter. Storage types that a
plain Python annotation cannot express are named with ``Annotated`` (``"int16"``);
the Arrow schemas in ``pipeline.core.schemas`` are derived from these classes and nowhere
else, so the records themselves depend on no storage library.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import deque
from collections.abc import Iterable, Sequence, Sized
from dataclasses import dataclass, fields
from dataclasses import field as _field
from itertools import repeat
from typing import Annotated, Any, TypeVar

Int8 = Annotated[int, "int8"]
Int16 = Annotated[int, "int16"]
Int32 = Annotated[int, "int32"]
Money = Annotated[decimal.Decimal, "decimal(9,2)"]
Strings = tuple[str, ...]


# --- extraction -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a document as extracted, with its provenance.

    ``line`` is 1-based: the file's own line number for text sources, the line
    within the page for PDF and HTML sources. Font fields are PDF-only.
    """

    page: Int32
    line: Int32
    text: str
    font: str | None = None
    size: float | None = None
    bold: bool | None = None


# --- published datasets (extracted/) ----------------------------------------


@dataclass(frozen=True, slots=True)
class Document:
    doc_id: str
    path: str
    sha256: str
    publisher: str
    scheme: str
    qualification: str | None
    title: str
    published: dt.date | None
    supersedes: Strings
    replaces: str | None
    format: str
    media_type: str
    pages: Int32
    status: str  # ok / partial / failed / stale
    error: str | None
    parser_version: str
    # The split of the document's text (pipeline.parse.Conservation.shares); None for a failed document.
    share_in_records: float | None = None
    share_set_aside: float | None = None
    share_furniture: float | None = None
    share_unaccounted: float | None = None
    pdf_producer: str | None = None
    pdf_creator: str | None = None


@dataclass(frozen=True, slots=True)
class Qualification:
    qualification_id: str
    scheme: str
    awarding_body: str
    title: str
    level: Int8 | None = None
    accreditation_number: str | None = None
    credits_min: Int16 | None = None
    glh_min: Int16 | None = None
    glh_max: Int16 | None = None
    tqt: Int16 | None = None
    last_registration: dt.date | None = None
    last_certification: dt.date | None = None
    fee_gbp: Money | None = None
    replaced_by: str | None = None
    doc_id: str = ""
    page: Int32 | None = None


@dataclass(frozen=True, slots=True)
class QualificationFact:
    qualification_id: str
    field: str
    value: str
    doc_id: str
    page: Int32 | None = None
    document_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    qualification_id: str
    kind: str  # a key of pipeline.rule_kinds.KINDS
    group: str
    level: Int8 | None
    min_credits: Int16 | None
    max_credits: Int16 | None
    min_units: Int16 | None
    max_units: Int16 | None
    text: str


@dataclass(frozen=True, slots=True)
class Unit:
    unit_key: str
    scheme: str
    unit_code: str
    title: str
    level: Int8 | None = None
    credits: Int16 | None = None
    glh: Int16 | None = None
    uan: str | None = None
    nos_code: str | None = None
    ics_unit: str | None = None
    theme: str | None = None
    has_body: bool = False
    status: str = "current"  # current / withdrawn
    withdrawn_by: str | None = None
    doc_id: str = ""
    page_start: Int32 | None = None
    page_end: Int32 | None = None


@dataclass(frozen=True, slots=True)
class UnitMembership:
    qualification_id: str
    unit_key: str
    group: str
    mandatory: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    unit_key: str
    outcome_no: str
    title: str
    doc_id: str
    page: Int32 | None = None


@dataclass(frozen=True, slots=True)
class Criterion:
    criterion_key: str
    unit_key: str
    outcome_no: str | None
    criterion_no: str
    kind: str  # assessment / performance / knowledge
    text: str
    verb: str | None
    doc_id: str
    page: Int32 | None = None


@dataclass(frozen=True, slots=True)
class EvidenceRequirement:
    unit_key: str
    number: str
    text: str
    items: Strings
    doc_id: str
    page: Int32 | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """A note under an outcome's criteria or a unit's knowledge: "Range", "Guidance" or "Note"."""

    unit_key: str
    outcome_no: str | None
    kind: str  # range / guidance / note
    text: str
    doc_id: str
    page: Int32 | None = None


@dataclass(frozen=True, slots=True)
class KeyWord:
    """A numbered entry of a unit's "Key words and phrases" list."""

    unit_key: str
    number: Int16
    text: str
    doc_id: str
    page: Int32 | None = None


@dataclass(frozen=True, slots=True)
class UnitVersion:
    """A unit exactly as one document states it; ``content_sha256`` covers its title, figures, outcomes and criteria."""

    unit_key: str
    doc_id: str
    scheme: str
    unit_code: str
    title: str
    level: Int8 | None
    credits: Int16 | None
    glh: Int16 | None
    uan: str | None
    nos_code: str | None
    ics_unit: str | None
    theme: str | None
    has_body: bool
    published: dt.date | None
    content_sha256: str
    page_start: Int32 | None = None
    page_end: Int32 | None = None


@dataclass(frozen=True, slots=True)
class OutcomeVersion:
    unit_key: str
    outcome_no: str
    doc_id: str
    title: str


@dataclass(frozen=True, slots=True)
class CriterionVersion:
    criterion_key: str
    doc_id: str
    text: str
    kind: str
    outcome_no: str | None


@dataclass
class Versions:
    """The version rows of one or more documents: each document's own statement of its units."""

    units: list[UnitVersion] = _field(default_factory=list)
    outcomes: list[OutcomeVersion] = _field(default_factory=list)
    criteria: list[CriterionVersion] = _field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Issue:
    doc_id: str
    page: Int32 | None
    line: Int32 | None
    severity: str  # error / warning
    code: str
    message: str
    unit_code: str | None = None  # the unit the issue concerns, for the manifest's "code:unit_code" accepts
    accepted: bool = False  # an error the manifest's `accept` names: reported, but it does not fail the run


# --- mappings (mappings/) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """A scored candidate pair; ``explanation`` lists each comparison level hit and its weight."""

    left_key: str
    right_key: str
    uan_equal: bool | None
    nos_equal: bool | None
    title_score: float | None
    criteria_score: float | None
    level_diff: Int8 | None
    theme_equal: bool | None
    body_score: float | None
    match_weight: float
    score: float
    decision: str  # match / possible / non-match
    explanation: str


@dataclass(frozen=True, slots=True)
class Family:
    family_id: str
    unit_key: str


@dataclass(frozen=True, slots=True)
class UnitMapRow:
    from_key: str
    from_scheme: str
    from_code: str
    from_title: str
    to_key: str | None
    to_scheme: str | None
    to_code: str | None
    to_title: str | None
    nos_code: str | None
    relation: str  # equivalent / partial / none
    predicate: str
    cardinality: str
    confidence: float
    method: str
    justification: str
    criteria_covered: Int16 | None
    criteria_total: Int16 | None
    status: str  # auto / confirmed / rejected
    reviewer: str | None
    to_status: str | None = None  # current / withdrawn


@dataclass(frozen=True, slots=True)
class CriterionMapRow:
    from_criterion_key: str
    to_criterion_key: str
    score: float


R = TypeVar("R")


def from_columns(kind: type[R], first: Sequence[Any], *rest: Iterable[Any]) -> list[R]:
    """Records of the frozen, slotted dataclass ``kind``, as ``kind(*row)`` makes them from the rows of its fields'
    columns (in field order): each field set through its slot for all the records at once.

    A frozen record's ``__init__`` sets each field through ``object.__setattr__``, row by row: several times the
    cost, over the hundreds of thousands of records matching builds.
    """
    names = [f.name for f in fields(kind)]  # type: ignore[arg-type]
    assert len(names) == 1 + len(rest) and "__slots__" in vars(kind), f"{kind.__name__}: a slotted record, a column a field"
    assert all(len(column) == len(first) for column in rest if isinstance(column, Sized)), "columns of one length"
    made = list(map(object.__new__, repeat(kind, len(first))))
    for name, column in zip(names, (first, *rest)):
        deque(map(getattr(kind, name).__set__, made, column), maxlen=0)
    return made
