"""Publishing is all or nothing: staged files replace the published ones together."""

from __future__ import annotations

import pytest

from pipeline.core.errors import PipelineError
from pipeline.core.records import Criterion, Unit
from pipeline.core.schemas import DATASETS
from pipeline.publish.validate import validate_staged
from pipeline.store import staging


def unit(key: str) -> Unit:
    scheme, code = key.split(":")
    return Unit(unit_key=key, scheme=scheme, unit_code=code, title=f"Unit {code}", doc_id="d")


def criterion(unit_key: str, number: str) -> Criterion:
    return Criterion(f"{unit_key}#{number}", unit_key, None, number, "assessment", "explain", None, "d")


def test_rows_are_sorted_by_key_and_read_back(tmp_path):
    staging.stage(tmp_path, {"units": [unit("s:2"), unit("s:10"), unit("r:1")]})
    staging.swap_in([tmp_path])
    keys = [u.unit_key for u in staging.read_dataset(tmp_path, DATASETS["units"])]
    assert keys == ["r:1", "s:10", "s:2"]
    assert not staging.staging_dir(tmp_path).exists()


def test_duplicate_keys_stage_nothing(tmp_path):
    with pytest.raises(PipelineError, match=r"units: 1 duplicate key\(s\), first \('s:1',\)"):
        staging.stage(tmp_path, {"units": [unit("s:1"), unit("s:1")]})
    assert staging.staged_names(tmp_path) == []


def test_dangling_reference_publishes_nothing(tmp_path):
    extracted, mappings = tmp_path / "extracted", tmp_path / "mappings"
    extracted.mkdir(), mappings.mkdir()
    staging.stage(extracted, {"units": [unit("s:1")], "criteria": [criterion("s:1", "1.1")]})
    staging.swap_in([extracted, mappings])
    published = (extracted / "units.parquet").read_bytes()

    staging.stage(extracted, {"units": [unit("s:2")], "criteria": [criterion("s:1", "1.1")]})
    with pytest.raises(PipelineError, match=r"criteria.unit_key: 1 unknown unit key\(s\), e.g. s:1"):
        validate_staged(extracted, mappings)
    assert (extracted / "units.parquet").read_bytes() == published


def test_same_rows_give_the_same_bytes(tmp_path):
    rows = [unit("s:1"), unit("s:2")]
    staging.stage(tmp_path / "a", {"units": rows})
    staging.stage(tmp_path / "b", {"units": list(reversed(rows))})
    a = staging.staging_dir(tmp_path / "a") / "units.parquet"
    b = staging.staging_dir(tmp_path / "b") / "units.parquet"
    assert a.read_bytes() == b.read_bytes()
