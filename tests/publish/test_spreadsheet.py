"""CSV and XLSX are safe to open in a spreadsheet: BOM, inert formulas, 1:1 kept as text; the workbook's layout."""

from __future__ import annotations

import csv
import dataclasses
import io

import openpyxl
import pyarrow.parquet as pq
import pytest

from pipeline.core.records import Unit, UnitMapRow, UnitMatch
from pipeline.core.schemas import DATASETS
from pipeline.publish.spreadsheet import BOM, safe_text, table_csv, xlsx_bytes
from pipeline.runner import review_csv
from pipeline.store.tables import to_table


@pytest.mark.parametrize("value, shown", [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+44 20 7294 2800", "'+44 20 7294 2800"),
    ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("1:1", "'1:1"),
    ("n:1", "n:1"),
    ("3/4", "'3/4"),
    ("2010-01-02", "'2010-01-02"),
    ("Deal with customers in writing", "Deal with customers in writing"),
    ("cg-4430:4430-303", "cg-4430:4430-303"),
    ("", ""),
])
def test_safe_text(value, shown):
    assert safe_text(value) == shown


TITLE = "=HYPERLINK(\"http://evil.example\",\"Customer’s ‘care’\")"


def hostile_row() -> UnitMapRow:
    return UnitMapRow(
        from_key="cg-legacy:999", from_scheme="cg-legacy", from_code="999", from_title=TITLE,
        to_key="cg-4430:4430-999", to_scheme="cg-4430", to_code="4430-999", to_title="Work with ‘others’",
        nos_code=None, relation="equivalent", predicate="skos:exactMatch", cardinality="1:1", confidence=0.5,
        method="title", justification="-titles alike", criteria_covered=None, criteria_total=3, status="auto",
        reviewer=None,
    )


def test_a_formula_title_is_inert_in_the_csv_which_opens_as_utf8_with_bom(tmp_path):
    path = tmp_path / "unit_map.csv"
    path.write_bytes(table_csv(to_table(DATASETS["unit_map"], [hostile_row()])))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    assert text.startswith(BOM + "from_key,")
    (row,) = csv.DictReader(io.StringIO(text[1:]))
    assert row["from_title"] == "'" + TITLE
    assert row["to_title"] == "Work with ‘others’"
    assert row["cardinality"] == "'1:1"
    assert row["justification"] == "'-titles alike"
    assert row["criteria_covered"] == "" and row["criteria_total"] == "3"


def test_review_csv_is_safe_too():
    pair = UnitMatch("cg-legacy:999", "cg-4430:4430-999", None, None, 0.5, None, None, None, None, 0.0, 0.5, "possible",
                     "=1+1")
    units = [Unit("cg-legacy:999", "cg-legacy", "999", TITLE)]
    text = review_csv([pair], units).decode("utf-8")
    assert text.startswith(BOM + "from_key,to_key,decision,note,")
    (row,) = csv.DictReader(io.StringIO(text[1:]))
    assert row["from_title"] == "'" + TITLE and row["explanation"] == "'=1+1"


def test_a_formula_title_is_inert_in_the_xlsx():
    table = to_table(DATASETS["unit_map"], [hostile_row()])
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([("unit_map", table)])))
    sheet = book["unit_map"]
    header = [c.value for c in sheet[1]]
    assert header == DATASETS["unit_map"].schema.names
    cells = dict(zip(header, sheet[2]))
    assert cells["from_title"].data_type == "s" and cells["from_title"].value == TITLE
    assert cells["cardinality"].data_type == "s" and cells["cardinality"].value == "1:1"
    assert cells["confidence"].data_type == "n" and cells["confidence"].value == 0.5
    assert cells["criteria_covered"].value is None


def test_the_published_workbook(published):
    book = openpyxl.load_workbook(published / "mappings" / "unit_map.xlsx")
    assert book.sheetnames == ["unit_map", "criterion_map"]
    unit_map = pq.read_table(published / "mappings" / "unit_map.parquet")
    criterion_map = pq.read_table(published / "mappings" / "criterion_map.parquet")
    sheet = book["unit_map"]
    assert [c.value for c in sheet[1]] == unit_map.column_names
    assert sheet.max_row == unit_map.num_rows + 1
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
    assert all(c.font.b for c in sheet[1])
    widths = {c.column_letter: sheet.column_dimensions[c.column_letter].width for c in sheet[1]}
    assert widths["D"] > widths["A"] > 10  # from_title is wider than from_key; none left at the default
    pairs = book["criterion_map"]
    assert [c.value for c in pairs[1]] == [*criterion_map.column_names, "from_text", "to_text"]
    assert pairs.max_row == criterion_map.num_rows + 1
    texts = {r[0]: r[3] for r in pairs.iter_rows(min_row=2, values_only=True)}
    # the legacy standards' criterion 207.1.1, as worded there
    assert texts["cg-legacy:207#207.1.1"].startswith("operate equipment used to communicate in writing or using ICT")


def test_equal_tables_give_equal_workbook_bytes():
    table = to_table(DATASETS["unit_map"], [hostile_row(), dataclasses.replace(hostile_row(), from_key="cg-legacy:998")])
    assert xlsx_bytes([("unit_map", table)]) == xlsx_bytes([("unit_map", table)])


def test_whole_numbers_beside_nulls_stay_whole_in_the_csv(tmp_path):
    rows = [hostile_row(), dataclasses.replace(hostile_row(), from_key="cg-legacy:998", criteria_covered=25, criteria_total=25)]
    path = tmp_path / "unit_map.csv"
    path.write_bytes(table_csv(to_table(DATASETS["unit_map"], rows)))
    parsed = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [(r["criteria_covered"], r["criteria_total"]) for r in parsed] == [("25", "25"), ("", "3")]
