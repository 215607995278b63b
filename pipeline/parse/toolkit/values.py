"""The values a fact states, read the one way every family reads them: dates, ranges, counts, references."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

_NUMERIC_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\b")
_WORDED_DATE = re.compile(r"(\d{1,2}) ([A-Za-z]{3,9}) (\d{4})\b")
_RANGE = re.compile(r"(\d+)(?:\s*(?:-|\u2013|to)\s*(\d+))?\b")
_INT = re.compile(r"(\d+)\b")
_FEE = re.compile(r"\u00a3\s*(\d[\d,]*(?:\.\d{2})?)\b")
# An Ofqual accreditation number of a qualification, "500/8818/X" (spaces inside dropped).
_ACCREDITATION = re.compile(r"(\d{3})\s*/\s*(\d{4})\s*/\s*([0-9A-Z])\b")
# A unit reference number (UAN) as the regulator issues it: "K/601/1622", "R/506/2134".
UNIT_REFERENCE = re.compile(r"\b([A-Z])\s*/\s*(\d{3})\s*/\s*(\d{4})\b")


def read_date(text: str) -> dt.date | None:
    """A date at the start of a value, day first: "31/07/2014", "31 Dec 2023" or "31 December 2023"."""
    formats: tuple[str, ...]
    if match := _NUMERIC_DATE.match(text):
        written, formats = match.group(), ("%d/%m/%Y",)
    elif match := _WORDED_DATE.match(text):
        written, formats = match.group(), ("%d %b %Y", "%d %B %Y")
    else:
        return None
    for fmt in formats:
        try:
            return dt.datetime.strptime(written, fmt).date()
        except ValueError:
            continue
    return None


def read_range(text: str) -> tuple[int, int] | None:
    """A figure or a range at the start of a value, "153 - 173", "153 to 173" or "279": (low, high)."""
    match = _RANGE.match(text)
    return (int(match.group(1)), int(match.group(2) or match.group(1))) if match else None


def read_int(text: str) -> int | None:
    """A whole number at the start of a value."""
    match = _INT.match(text)
    return int(match.group(1)) if match else None


def read_fee(text: str) -> Decimal | None:
    """A fee in pounds at the start of a value, "\u00a3 1,234.50"."""
    match = _FEE.match(text)
    return Decimal(match.group(1).replace(",", "")) if match else None


def read_accreditation(text: str) -> str | None:
    """A qualification accreditation number at the start of a value, "500/ 8818/X" -> "500/8818/X"."""
    match = _ACCREDITATION.match(text)
    return "/".join(match.groups()) if match else None


def read_unit_reference(text: str) -> str | None:
    """The first unit reference number in a text, "K / 601 / 1622" -> "K/601/1622"."""
    match = UNIT_REFERENCE.search(text)
    return "/".join(match.groups()) if match else None
