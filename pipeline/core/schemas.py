"""Arrow schemas of every published dataset, derived once from ``pipeline.core.records``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from pipeline.core import records as r
from pipeline.core.dictionary import ROWS, describe

_PLAIN_TYPES: dict[Any, pa.DataType] = {
    str: pa.string(),
    bool: pa.bool_(),
    float: pa.float64(),
    int: pa.int64(),
    dt.date: pa.date32(),
}


# The storage types ``pipeline.core.records`` names in its ``Annotated`` fields.
_NAMED_TYPES: dict[str, pa.DataType] = {
    "int8": pa.int8(), "int16": pa.int16(), "int32": pa.int32(), "decimal(9,2)": pa.decimal128(9, 2),
}


def _arrow_type(annotation: Any) -> tuple[pa.DataType, bool]:
    """Map one field annotation to (Arrow type, nullable)."""
    nullable = False
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(annotation))
        (annotation,) = args
    if typing.get_origin(annotation) is typing.Annotated:
        return _NAMED_TYPES[typing.get_args(annotation)[1]], nullable
    if typing.get_origin(annotation) is tuple:
        return pa.list_(_PLAIN_TYPES[typing.get_args(annotation)[0]]), nullable
    return _PLAIN_TYPES[annotation], nullable


def schema_of(record_type: type) -> pa.Schema:
    """The Arrow schema of a record dataclass, field for field."""
    hints = typing.get_type_hints(record_type, include_extras=True)
    fields = []
    for field in dataclasses.fields(record_type):
        arrow_type, nullable = _arrow_type(hints[field.name])
        fields.append(pa.field(field.name, arrow_type, nullable=nullable))
    return pa.schema(fields)


@dataclass(frozen=True)
class Dataset:
    """A published dataset: where it lives, its row type and the key its rows are sorted by."""

    name: str
    folder: str  # "extracted" or "mappings"
    record: type
    key: tuple[str, ...]
    csv: bool = False

    @property
    def schema(self) -> pa.Schema:
        """The record's schema, each field carrying its ``description`` and ``example`` from the dictionary."""
        fields = []
        for field in schema_of(self.record):
            described = describe(self.name, field.name)
            if described:
                field = field.with_metadata({"description": described[0], "example": described[1]})
            fields.append(field)
        return pa.schema(fields, metadata={"description": ROWS.get(self.name, "")})

    @property
    def filename(self) -> str:
        return f"{self.name}.parquet"


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("documents", "extracted", r.Document, ("doc_id",)),
        Dataset("qualifications", "extracted", r.Qualification, ("qualification_id",)),
        Dataset(
            "qualification_facts",
            "extracted",
            r.QualificationFact,
            ("qualification_id", "field", "doc_id"),
        ),
        Dataset("rules", "extracted", r.Rule, ("qualification_id", "group", "text")),
        Dataset("units", "extracted", r.Unit, ("unit_key",)),
        Dataset("unit_memberships", "extracted", r.UnitMembership, ("qualification_id", "unit_key")),
        Dataset("outcomes", "extracted", r.Outcome, ("unit_key", "outcome_no")),
        Dataset("criteria", "extracted", r.Criterion, ("criterion_key",)),
        Dataset("evidence_requirements", "extracted", r.EvidenceRequirement, ("unit_key", "number")),
        Dataset("key_words", "extracted", r.KeyWord, ("unit_key", "number")),
        Dataset("notes", "extracted", r.Note, ("unit_key", "outcome_no", "kind", "text")),
        Dataset("unit_versions", "extracted", r.UnitVersion, ("unit_key", "doc_id")),
        Dataset("outcome_versions", "extracted", r.OutcomeVersion, ("unit_key", "outcome_no", "doc_id")),
        Dataset("criterion_versions", "extracted", r.CriterionVersion, ("criterion_key", "doc_id")),
        Dataset("issues", "extracted", r.Issue, ("doc_id", "page", "line", "code", "message")),
        Dataset("unit_matches", "mappings", r.UnitMatch, ("left_key", "right_key")),
        Dataset("families", "mappings", r.Family, ("family_id", "unit_key")),
        Dataset("unit_map", "mappings", r.UnitMapRow, ("from_key", "to_key"), csv=True),
        Dataset(
            "criterion_map",
            "mappings",
            r.CriterionMapRow,
            ("from_criterion_key", "to_criterion_key"),
            csv=True,
        ),
    )
}
