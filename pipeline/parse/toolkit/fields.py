"""The labelled-field reader: "Label: value" and "Label value" lines, each label naming the columns it fills."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.core.records import Line
from pipeline.core.text import clean, strip_bullet
from pipeline.parse.toolkit.values import read_int, read_unit_reference


@dataclass(frozen=True)
class Field:
    """A label, the columns its value fills (a range fills two) and how its value is read.

    ``label`` matches from the start of the line up to where the value begins; a
    lookahead in it can ask for the value's shape ("GLH: 40" and not "GLH: see below").
    """

    label: re.Pattern[str]
    columns: tuple[str, ...]
    read: Callable[[str], Any]

    def value_text(self, text: str) -> str | None:
        """The text after the label when ``text`` opens with it (bullet and spacing aside), else None."""
        match = self.label.match(strip_bullet(clean(text))[1])
        return match.string[match.end():].strip() if match else None

    def values(self, value: str) -> dict[str, Any] | None:
        """The columns the value fills, or None when it cannot be read."""
        read = self.read(value)
        if read is None:
            return None
        return dict(zip(self.columns, read if len(self.columns) > 1 else (read,)))


def find_field(text: str, fields: tuple[Field, ...]) -> tuple[Field, str] | None:
    """The first field whose label opens ``text``, with the value text after the label."""
    for known in fields:
        value = known.value_text(text)
        if value is not None:
            return known, value
    return None


def read_field(text: str, fields: tuple[Field, ...]) -> dict[str, Any] | None:
    """The columns a "Label: value" line fills, when one of ``fields`` labels it and its value reads."""
    found = find_field(text, fields)
    return found[0].values(found[1]) if found else None


# The overview fields of a unit specification, as the QCF and RQF rules ask every publisher to state them:
# "Level: 3", "Credit value: 6", "Unit reference number: R/506/2134", "Guided learning hours: 40".
# Without a colon the value must stand alone after the label, so a title ("Level 3 Diploma") is no field.
UNIT_FIELDS = (
    Field(re.compile(r"^(?:Unit )?Level(?:\s*:\s*|\s+(?=\d\s*$))(?=\d\b)", re.I), ("level",), read_int),
    Field(re.compile(r"^(?:Credit value|Credits?)(?:\s*\(CV\))?(?:\s*:\s*|\s+(?=\d+\s*$))(?=\d)", re.I),
          ("credits",), read_int),
    Field(re.compile(r"^(?:NDAQ number|Unit accreditation number|UAN|Unit reference(?: number)?|"
                     r"Ofqual (?:unit )?(?:reference|number))\s*:?\s*(?=[A-Z]\s*/\s*\d{3}\s*/\s*\d{4}\s*$)", re.I),
          ("uan",), read_unit_reference),
    Field(re.compile(r"^(?:GLH|Guided learning hours)(?:\s*:\s*|\s+)(?=\d+\s*$)", re.I), ("glh",), read_int),
)


# A label alone on its line is short, and so is the value on the next line.
MAX_LABEL_WORDS, MAX_VALUE_WORDS = 5, 3


def read_block(lines: Sequence[Line], fields: tuple[Field, ...], value_words: int = MAX_VALUE_WORDS
               ) -> tuple[dict[str, Any], list[Line]]:
    """The columns a block of fields fills, first statement winning, and the lines it used.

    A label may stand alone with its value on the next line, as a web page's definition list or a
    two-column table extracted line by line gives it ("Level" / "3").
    """
    values: dict[str, Any] = {}
    used: list[Line] = []
    for i, line in enumerate(lines):
        found, taken = read_field(line.text, fields), [line]
        label, value = clean(line.text), clean(lines[i + 1].text) if i + 1 < len(lines) else ""
        if found is None and value and len(label.split()) <= MAX_LABEL_WORDS and len(value.split()) <= value_words:
            found, taken = read_field(f"{label}: {value}", fields), [line, lines[i + 1]]
        if found:
            for name, value in found.items():
                values.setdefault(name, value)
            used += taken
    return values, used
