"""Spreadsheet-safe CSV and the unit map as an XLSX workbook.

A CSV is opened by a double click, so every text cell is read by a spreadsheet
that evaluates formulas and guesses types: a cell beginning with ``=``, ``+``,
``-``, ``@``, tab or CR would run as a formula (CSV injection), and ``1:1`` would
become a time. Such cells get a leading apostrophe, the spreadsheet's own mark
for "this is text". The BOM makes Excel read the file as UTF-8, not cp1252.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    import pandas as pd  # imported where a frame is made: extracting a document never needs pandas

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text a spreadsheet would turn into a time, date or fraction: 1:1, 3/4, 2010-01-02.
_LOOKS_LIKE_A_VALUE = re.compile(r"^\s*(\d+:\d+(:\d+)?|\d+/\d+(/\d+)?|\d{4}-\d{1,2}-\d{1,2})\s*$")
# Workbook properties fixed so that equal inputs give equal bytes (XlsxWriter also dates the zip entries by it).
_FIXED_DATE = dt.datetime(2000, 1, 1)


def safe_text(value: str) -> str:
    """A text cell a spreadsheet shows as written: formulas inert, time- or date-like text kept as text."""
    if value.startswith(_FORMULA_START) or _LOOKS_LIKE_A_VALUE.match(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell passed through :func:`safe_text`."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        values = out[column].tolist()
        if any(isinstance(v, str) for v in values):
            # an object Series, so that whole numbers beside nulls are not turned into floats
            out[column] = pd.Series([safe_text(v) if isinstance(v, str) else v for v in values],
                                    index=out.index, dtype=object)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A spreadsheet-safe CSV of ``frame``: UTF-8 with a BOM, neutralised text cells."""
    return (BOM + safe_frame(frame).to_csv(index=False)).encode("utf-8")


def table_frame(table: pa.Table) -> pd.DataFrame:
    """A table as a frame whose whole-number columns stay whole where they hold nulls."""
    return table.to_pandas(integer_object_nulls=True)


def table_csv(table: pa.Table) -> bytes:
    """A table as a CSV a spreadsheet opens directly and safely (BOM, inert formulas, whole numbers stay whole)."""
    return csv_bytes(table_frame(table))


def xlsx_bytes(sheets: Sequence[tuple[str, pa.Table]]) -> bytes:
    """A workbook, one sheet per (name, table): header row, filters, frozen header, fitted widths."""
    import xlsxwriter  # imported here: only publishing needs it

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    workbook.set_properties({"created": _FIXED_DATE, "title": "Unit map"})
    header = workbook.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
    for name, table in sheets:
        sheet = workbook.add_worksheet(name)
        rows = table.to_pylist()
        for col, column in enumerate(table.column_names):
            sheet.write_string(0, col, column, header)
            width = len(column)
            for row_no, row in enumerate(rows, start=1):
                value = row[column]
                if value is None:
                    continue
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    # write_string: text is never read as a formula, number or date
                    value = str(value)
                    sheet.write_string(row_no, col, value)
                else:
                    sheet.write_number(row_no, col, value)
                width = max(width, len(str(value)))
            sheet.set_column(col, col, min(width + 2, 60))
        sheet.autofilter(0, 0, max(len(rows), 1), len(table.column_names) - 1)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
