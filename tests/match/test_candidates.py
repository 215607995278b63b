"""Rows ranked by their values, as the successor links, families and the map read them."""

from __future__ import annotations

import numpy as np

from pipeline.match.candidates import sorted_rows


def test_rows_come_in_the_order_of_their_columns_the_first_first_and_tied_rows_keep_their_order():
    weight = np.array([1.5, 2.0, 1.5, 2.0, 1.5])
    unit = np.array([3, 1, 3, 0, 2])
    assert sorted_rows([-weight, unit]).tolist() == [3, 1, 4, 0, 2]  # rows 0 and 2 tie
    assert sorted_rows([-weight[:2], unit[:2]]).tolist() == [1, 0]
    assert sorted_rows([np.zeros(0), np.zeros(0, dtype=np.int64)]).tolist() == []
