"""Checks run on staged outputs before they replace the published ones."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.errors import PipelineError
from pipeline.core.schemas import DATASETS
from pipeline.store import staging

# (dataset, column) pairs whose values must be unit keys of units.parquet.
_UNIT_REFERENCES = (
    ("extracted", "unit_memberships", "unit_key"),
    ("extracted", "outcomes", "unit_key"),
    ("extracted", "criteria", "unit_key"),
    ("extracted", "evidence_requirements", "unit_key"),
    ("extracted", "key_words", "unit_key"),
    ("extracted", "notes", "unit_key"),
    ("extracted", "unit_versions", "unit_key"),
    ("extracted", "outcome_versions", "unit_key"),
    ("mappings", "families", "unit_key"),
    ("mappings", "unit_map", "from_key"),
    ("mappings", "unit_map", "to_key"),
    ("mappings", "unit_matches", "left_key"),
    ("mappings", "unit_matches", "right_key"),
)


def validate_staged(extracted: Path, mappings: Path) -> None:
    """Every reference to a unit resolves; raises listing what does not."""
    folders = {"extracted": extracted, "mappings": mappings}
    if not staging.staged_names(extracted) and not staging.staged_names(mappings):
        raise PipelineError("nothing is staged: run extract/parse/match first")
    units = {u.unit_key for u in staging.read_dataset(extracted, DATASETS["units"])}
    problems = []
    for folder, name, column in _UNIT_REFERENCES:
        try:
            rows = staging.read_dataset(folders[folder], DATASETS[name])
        except PipelineError:
            continue  # not produced yet (e.g. parse run alone): nothing to check
        missing = sorted({getattr(r, column) for r in rows} - units - {None})
        if missing:
            problems.append(f"{name}.{column}: {len(missing)} unknown unit key(s), e.g. {missing[0]}")
    if problems:
        raise PipelineError("staged outputs are inconsistent, nothing published: " + "; ".join(problems))
