"""The workbook and the CSV as a spreadsheet application opens them: LibreOffice Calc, converting headless."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess

import openpyxl
import pyarrow.parquet as pq
import pytest

from pipeline.core.schemas import DATASETS
from pipeline.publish.spreadsheet import safe_text, table_csv, xlsx_bytes
from pipeline.store.tables import to_table
from tests.publish.test_spreadsheet import TITLE, hostile_row

ACCENTED = "Café’s ‘résumé’ — a naïve “façade”"
# What a person picks in Calc's Text Import dialog: comma, double quote, UTF-8, from row 1. Headless and without
# options, Calc 7.4 reads every CSV as Windows-1252 whatever its BOM (the first header shows as ï»¿from_key).
CSV_IMPORT = "CSV:44,34,76,1"


def _calc(sources: list, out, profile, infilter: str | None = None) -> None:
    """Open each file in LibreOffice Calc and save it as .xlsx in ``out``: what Calc holds, for openpyxl to read."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice Calc is installed by `make test` (apt-get install libreoffice-calc-nogui)"
    # a profile of our own: a second soffice on the machine would otherwise take this conversion over
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
               "--outdir", str(out), *map(str, sources)]
    if infilter:
        command.insert(3, f"--infilter={infilter}")
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for source in sources:
        assert (out / f"{source.stem}.xlsx").exists(), result.stdout + result.stderr


@pytest.fixture(scope="module")
def calc(published, tmp_path_factory):
    """name -> the workbook Calc saved after opening the published file or a hostile one of that name."""
    work = tmp_path_factory.mktemp("calc")
    inputs, out, profile = work / "in", work / "out", work / "profile"
    inputs.mkdir()
    table = to_table(DATASETS["unit_map"], [dataclasses.replace(hostile_row(), to_title=ACCENTED)])
    (inputs / "hostile-csv.csv").write_bytes(table_csv(table))
    (inputs / "hostile-xlsx.xlsx").write_bytes(xlsx_bytes([("unit_map", table)]))
    shutil.copy(published / "mappings" / "unit_map.csv", inputs / "published-csv.csv")
    shutil.copy(published / "mappings" / "unit_map.xlsx", inputs / "published-xlsx.xlsx")
    _calc(sorted(inputs.glob("*.xlsx")), out, profile)
    _calc(sorted(inputs.glob("*.csv")), out, profile, CSV_IMPORT)
    return {path.stem: openpyxl.load_workbook(path) for path in out.glob("*.xlsx")}


def _rows(sheet) -> list[dict]:
    """The rows of a sheet under its header row, as Calc holds them."""
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, values)) for values in sheet.iter_rows(min_row=2, values_only=True)]


def _formulas(book) -> list[str]:
    return [c.coordinate for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_calc_opens_the_published_workbook_with_every_row_and_no_formula(calc, published):
    book = calc["published-xlsx"]
    assert book.sheetnames == ["unit_map", "criterion_map"]
    assert _formulas(book) == []
    unit_map = pq.read_table(published / "mappings" / "unit_map.parquet").to_pylist()
    rows = _rows(book["unit_map"])
    assert [r["from_key"] for r in rows] == [r["from_key"] for r in unit_map]
    assert [r["to_key"] for r in rows] == [r["to_key"] for r in unit_map]
    assert [r["cardinality"] for r in rows] == [r["cardinality"] for r in unit_map]  # 1:1 stays text, not a time
    assert [r["justification"] for r in rows] == [r["justification"] for r in unit_map]
    criterion_map = pq.read_table(published / "mappings" / "criterion_map.parquet")
    assert book["criterion_map"].max_row == criterion_map.num_rows + 1


def test_calc_keeps_an_injected_formula_in_the_workbook_as_text(calc):
    assert _formulas(calc["hostile-xlsx"]) == []
    (row,) = _rows(calc["hostile-xlsx"]["unit_map"])
    assert row["from_title"] == TITLE and row["to_title"] == ACCENTED and row["cardinality"] == "1:1"


def test_calc_decodes_the_csv_accents_and_curly_quotes_and_shows_the_guard(calc, published):
    (row,) = _rows(calc["hostile-csv"].active)
    assert row["to_title"] == ACCENTED
    # the formula guard is an apostrophe Calc shows as written, in the formula and in time-like text alike
    assert row["from_title"] == "'" + TITLE and row["cardinality"] == "'1:1"
    assert _formulas(calc["hostile-csv"]) == []
    sheet = calc["published-csv"].active
    assert sheet["A1"].value == "from_key"  # the BOM is read as the encoding's mark, not as text
    unit_map = pq.read_table(published / "mappings" / "unit_map.parquet").to_pylist()
    rows = _rows(sheet)
    assert len(rows) == len(unit_map)
    assert [r["justification"] for r in rows] == [safe_text(r["justification"]) for r in unit_map]
    assert any("‘" in r["justification"] for r in rows)  # curly quotes, as the justifications quote titles
