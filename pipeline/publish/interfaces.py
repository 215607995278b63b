"""The files people open rather than query: data dictionaries, the workbook, SSSOM, CASE and the lookup page."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core.manifest import Publishing
from pipeline.core.schemas import DATASETS
from pipeline.publish.case import case_packages
from pipeline.publish.data_dictionary import data_dictionary
from pipeline.publish.lookup_page import lookup_page
from pipeline.publish.spreadsheet import xlsx_bytes
from pipeline.publish.sssom import FILE_NAME as SSSOM_FILE
from pipeline.publish.sssom import sssom_tsv
from pipeline.store import staging
from pipeline.store.tables import to_table

if TYPE_CHECKING:
    import pyarrow as pa

_EXTRACTED = ("documents", "units", "outcomes", "criteria", "qualifications", "unit_memberships", "rules")
_MAPPINGS = ("families", "unit_map", "criterion_map")


def stage_interfaces(extracted: Path, mappings: Path, publishing: Publishing) -> list[str]:
    """Stage every interface file from the staged (or published) datasets; returns their names."""
    records = {name: staging.read_dataset(extracted, DATASETS[name]) for name in _EXTRACTED}
    records |= {name: staging.read_dataset(mappings, DATASETS[name]) for name in _MAPPINGS}
    files = {
        (extracted, "README.md"): data_dictionary("extracted").encode("utf-8"),
        (mappings, "README.md"): data_dictionary("mappings").encode("utf-8"),
        (mappings, "unit_map.xlsx"): xlsx_bytes([
            ("unit_map", to_table(DATASETS["unit_map"], records["unit_map"])),
            ("criterion_map", _criterion_alignments(records)),
        ]),
        (mappings, SSSOM_FILE): sssom_tsv(records["unit_map"], publishing),
        (mappings, "index.html"): lookup_page(records),
    }
    for name, content in case_packages(records["documents"], records["units"], records["outcomes"],
                                       records["criteria"], records["unit_map"], publishing).items():
        files[(mappings, f"case/{name}")] = content
    for (folder, name), content in files.items():
        staging.stage_file(folder, name, content)
    return sorted(f"{folder.name}/{name}" for folder, name in files)


def _criterion_alignments(records: dict[str, list[Any]]) -> pa.Table:
    """The criterion map with both criteria's texts, for the workbook's second sheet."""
    import pyarrow as pa

    text = {c.criterion_key: c.text for c in records["criteria"]}
    table = to_table(DATASETS["criterion_map"], records["criterion_map"])
    return table.append_column("from_text", pa.array([text.get(k) for k in table["from_criterion_key"].to_pylist()],
                                                     pa.string())) \
                .append_column("to_text", pa.array([text.get(k) for k in table["to_criterion_key"].to_pylist()],
                                                   pa.string()))
