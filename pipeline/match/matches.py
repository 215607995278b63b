"""The ``unit_matches`` dataset from columns: written in batches, each batch's explanations built as it is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from pipeline.core.records import UnitMatch
from pipeline.core.schemas import DATASETS
from pipeline.match.pairs import MISSING, YES_NO, PairColumns
from pipeline.match.scoring import DECISIONS, UNIT_MATCH_FEATURES, Scored
from pipeline.store.tables import BATCH_ROWS, write_batches

SCHEMA = DATASETS["unit_matches"].schema


@dataclass(frozen=True)
class UnitMatches:
    """Every scored pair in key order, as ``unit_matches`` rows; ``patches`` are rows a person's decision changed."""

    pairs: PairColumns
    scored: Scored
    patches: dict[int, UnitMatch] = field(default_factory=dict)
    order: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", self.pairs.key_order())  # the order the run's lookups sorted already

    def __len__(self) -> int:
        return len(self.pairs)

    def __iter__(self) -> Iterator[UnitMatch]:
        for start in range(0, len(self), BATCH_ROWS):
            rows = self.order[start:start + BATCH_ROWS]
            for row, record in zip(rows.tolist(), self.scored.records(self.pairs, rows)):
                yield self.patches.get(row) or record

    def write(self, path: Path) -> None:
        """Write the rows as Parquet, a batch at a time."""
        write_batches(self.batches(), SCHEMA, path)

    def batches(self, size: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """The rows in key order, ``size`` at a time, in the dataset's schema."""
        keys = np.array(self.pairs.keys, dtype=object)
        for start in range(0, len(self), size):
            rows = self.order[start:start + size]
            columns: dict[str, pa.Array[Any]] = {
                "left_key": pa.array(keys[self.pairs.left[rows]], pa.string()),
                "right_key": pa.array(keys[self.pairs.right[rows]], pa.string()),
            }
            for name in UNIT_MATCH_FEATURES:
                raw = self.pairs.columns[name][rows]
                if name in YES_NO:
                    columns[name] = pa.array(raw == 1, mask=raw == MISSING)
                elif name == "level_diff":
                    columns[name] = pa.array(raw, mask=raw == MISSING)
                else:
                    columns[name] = pa.array(raw, mask=np.isnan(raw))
            decisions = [DECISIONS[d] for d in self.scored.decision[rows].tolist()]
            explanations = self.scored.explanations(self.pairs, rows)
            for i, row in enumerate(rows.tolist()):
                if row in self.patches:
                    decisions[i], explanations[i] = self.patches[row].decision, self.patches[row].explanation
            columns |= {"match_weight": pa.array(self.scored.weight[rows]), "score": pa.array(self.scored.score[rows]),
                        "decision": pa.array(decisions, pa.string()), "explanation": pa.array(explanations, pa.string())}
            yield pa.RecordBatch.from_arrays([columns[f.name].cast(f.type) for f in SCHEMA], schema=SCHEMA)
