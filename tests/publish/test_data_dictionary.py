"""Every column of every dataset is described; the published READMEs are generated from those schemas."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from pipeline.core.schemas import DATASETS
from pipeline.publish.data_dictionary import data_dictionary


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_column_has_a_description_and_an_example(name):
    schema = DATASETS[name].schema
    assert schema.metadata[b"description"], name
    for field in schema:
        assert field.metadata and field.metadata[b"description"] and field.metadata[b"example"], f"{name}.{field.name}"


def test_published_files_carry_the_descriptions(published):
    table = pq.read_table(published / "mappings" / "unit_map.parquet")
    assert table.schema.field("relation").metadata[b"description"].startswith(b"`equivalent`")


@pytest.mark.parametrize("folder", ["extracted", "mappings"])
def test_the_published_readme_is_the_dictionary_of_every_column(published, folder):
    text = (published / folder / "README.md").read_text(encoding="utf-8")
    assert text == data_dictionary(folder)
    for dataset in (d for d in DATASETS.values() if d.folder == folder):
        assert f"### `{dataset.filename}`" in text
        for field in dataset.schema:
            assert f"| `{field.name}` | {field.type}" in text, f"{dataset.name}.{field.name}"


def test_the_mappings_readme_tells_a_centre_how_to_read_a_row():
    text = data_dictionary("mappings")
    for term in ("**relation**", "**confidence**", "**method**", "**coverage**", "**status**", "criteria not compared"):
        assert term in text


def test_the_mappings_readme_says_the_csv_guard_shows_and_points_analysts_to_parquet():
    text = data_dictionary("mappings")
    assert "shows the apostrophe as part of its text" in text
    assert "**For analysis, read the Parquet files** (`unit_map.parquet`" in text
