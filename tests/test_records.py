"""Records made a field at a time from columns are the records their constructor makes."""

from __future__ import annotations

import pytest

from pipeline.core.records import CriterionMapRow, Line, from_columns


def test_records_from_columns_equal_the_constructors_rows_including_defaults_given_as_columns() -> None:
    pages, numbers, texts = [1, 1, 2], [1, 2, 1], ["Unit 201", "Learning outcome 1", "Assessment criteria"]
    fonts, sizes, bold = ["Arial", None, "Arial-Bold"], [10.0, None, 11.5], [False, None, True]
    made = from_columns(Line, pages, numbers, iter(texts), fonts, sizes, bold)
    assert made == [Line(*row) for row in zip(pages, numbers, texts, fonts, sizes, bold)]
    assert [hash(line) for line in made] == [hash(Line(*row)) for row in zip(pages, numbers, texts, fonts, sizes, bold)]
    assert from_columns(CriterionMapRow, [], [], []) == []


def test_a_column_too_few_or_too_short_is_refused() -> None:
    with pytest.raises(AssertionError, match="a column a field"):
        from_columns(CriterionMapRow, ["a"], ["b"])
    with pytest.raises(AssertionError, match="one length"):
        from_columns(CriterionMapRow, ["a", "b"], ["c"], [0.5, 0.7])
