"""The evidence behind a mapping, in words a centre's quality assurance can read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.core.records import Unit
from pipeline.match.comparisons import CRITERIA, NOS, TITLE, UAN
from pipeline.match.pairs import PairColumns, distinct_combinations, distinct_rows
from pipeline.match.scoring import decide, level_matrix

T = TypeVar("T")

# How many shared title words a justification quotes.
SHOWN_WORDS = 3
# Rows whose texts are joined at a time: each clause of each row is spelled out only for these.
JOINED_ROWS = 1 << 14
# The texts pass through Arrow on their way to Python strings: from the system's allocator, which hands a slice's
# buffers back as they are freed, rather than Arrow's own pool, which keeps them.
PASSING = pa.system_memory_pool()

# Evidence kinds in the order they win a tie (the map's ``method`` column).
_METHODS = (("uan", UAN), ("nos", NOS), ("criteria", CRITERIA), ("title", TITLE))


def strongest_methods(pairs: PairColumns, rows: np.ndarray) -> list[str]:
    """The kind of evidence that weighed most (uan, nos, criteria, title; titles by default) for each of ``rows`` of
    ``pairs``: from the levels the pairs land on, each pattern of levels weighed once."""
    patterns, inverse, _ = distinct_rows(level_matrix(tuple(comparison for _, comparison in _METHODS), pairs, rows))
    methods = [_strongest(levels) for levels in patterns.tolist()]
    return [methods[i] for i in inverse.tolist()]


def _strongest(levels: list[int]) -> str:
    weighed = [
        (comparison.levels[level].weight, -i, name)
        for i, ((name, comparison), level) in enumerate(zip(_METHODS, levels))
    ]
    weight, _, name = max(weighed)
    return name if weight > 0 else "title"


def quotes_shared_words(title_score: np.ndarray) -> np.ndarray:
    """Whether a justification quotes the title words a pair shares: where titles were compared and differ."""
    quotes: np.ndarray = ~np.isnan(title_score) & (title_score != 1.0)
    return quotes


@dataclass(frozen=True)
class Evidence:
    """What the map's rows say of their pairs, a column each as ``PairColumns`` holds them (``MISSING`` or NaN where a
    feature has no value), the title words two titles share (rarest first; only where a justification quotes them)
    and how many criterion pairs each alignment holds."""

    uan_equal: np.ndarray
    nos_equal: np.ndarray
    title_score: np.ndarray
    title_shared: Sequence[tuple[str, ...]]
    criteria_score: np.ndarray
    left_criteria: np.ndarray
    right_criteria: np.ndarray
    theme_equal: np.ndarray
    aligned: np.ndarray


@dataclass
class Wording:
    """A text's clauses, each as its distinct texts (then their capitals, then None) and each row's place among them
    (None where a row has no such clause), and which rows have begun: a clause that opens a row's text is
    capitalised."""

    clauses: list[tuple[pa.StringArray, np.ndarray]]
    begun: np.ndarray

    def add(self, present: np.ndarray, columns: Sequence[np.ndarray], word: Callable[..., str]) -> None:
        """A clause where ``present``: ``word`` of the row's values in ``columns`` (as Python values), each distinct
        combination of them worded once."""
        rows = np.flatnonzero(present)
        if columns:
            first, inverse, _ = distinct_combinations([column[rows] for column in columns])
            texts = [word(*values) for values in zip(*(column[rows[first]].tolist() for column in columns))]
        else:  # the same words wherever present
            inverse, texts = np.zeros(len(rows), dtype=np.int64), [word()] if len(rows) else []
        at = np.full(len(present), 2 * len(texts), dtype=np.int64)  # the None after the texts and their capitals
        at[rows] = inverse + np.where(self.begun[rows], 0, len(texts))
        self.begun[rows] = True
        self.clauses.append((pa.array([*texts, *(text[0].upper() + text[1:] for text in texts), None], pa.string(),
                                      memory_pool=PASSING), at))

    def joined(self, prefix: Sequence[str] | None = None) -> list[str]:
        """Each row's clauses in order, joined by semicolons, after its ``prefix``: a slice of rows at a time, so that
        only the slice's clauses are ever spelled out."""
        # Arrow's join leaves out a row whose every clause is None, rather than giving it an empty text.
        assert self.begun.all(), "every row has a clause"
        found: list[str] = []
        for start in range(0, len(self.begun), JOINED_ROWS):
            part = slice(start, start + JOINED_ROWS)
            spelled = [pc.take(texts, pa.array(at[part], pa.int64()), memory_pool=PASSING) for texts, at in self.clauses]
            text = pc.binary_join_element_wise(*spelled, "; ", null_handling="skip",  # type: ignore[call-overload]
                                               memory_pool=PASSING)
            if prefix is not None:
                text = pc.binary_join_element_wise(pa.array(prefix[part], pa.string(), memory_pool=PASSING), text, "",
                                                   memory_pool=PASSING)
            found += text.to_pylist()
        return found


def _codes(values: Sequence[T]) -> tuple[np.ndarray, list[T]]:
    """Each value's number among the distinct values, and the distinct values, in order of first appearance."""
    numbers: dict[T, int] = {}
    codes = np.fromiter((numbers.setdefault(value, len(numbers)) for value in values), dtype=np.int64,
                        count=len(values))
    return codes, list(numbers)


def _title_words(score: float) -> str:
    """What two titles that differ have in common, and the title score, up to the words they share."""
    if score >= 0.8:
        strength = "titles nearly identical"
    elif score >= 0.6:
        strength = "titles similar"
    elif score >= 0.4:
        strength = "titles share key words"
    else:
        strength = "titles differ"
    return f"{strength} ({score:.2f}"


def _level_words(old: int, new: int) -> str:
    return f"same level ({new})" if old == new else f"level {old} to {new}"


def wording(units: Sequence[Unit], old: np.ndarray, new: np.ndarray, evidence: Evidence, scores: np.ndarray,
            parts: np.ndarray) -> Wording:
    """The clauses for each pair (``units[old[i]]``, ``units[new[i]]``): what agreed, how strongly, and the resulting
    match probability (``scores``); ``parts``: how many new units the old unit's links reach. Each distinct
    combination of a clause's values is put in words once."""
    found = Wording([], np.zeros(len(old), dtype=bool))
    levels = list(map(attrgetter("level"), units))
    known = np.array([level is not None for level in levels], dtype=bool)
    level = np.array([level or 0 for level in levels], dtype=np.int64)
    found.add(parts > 1, [parts], lambda part: f"split: one of {part} new units that together carry this competence")
    # A unit's codes are worded once for each unit (or pair of units) that states them.
    found.add(evidence.uan_equal == 1, [new], lambda i: f"same unit reference ({units[i].uan})")
    found.add(evidence.nos_equal == 1, [new], lambda i: f"same NOS code ({units[i].nos_code})")
    found.add(evidence.nos_equal == 0, [old, new],
              lambda a, b: f"different NOS codes ({units[a].nos_code} / {units[b].nos_code})")
    title = evidence.title_score
    quoted = quotes_shared_words(title)
    # Two titles' shared words repeat across pairs: each set of them is quoted once.
    words, shared = _codes([words for words, quotes in zip(evidence.title_shared, quoted.tolist()) if quotes])
    said = [", ".join([f"\u2018{word}\u2019" for word in one[:SHOWN_WORDS]]) for one in shared]
    said_at = np.zeros(len(title), dtype=np.int64)
    said_at[quoted] = words
    found.add(quoted, [title, said_at], lambda score, i: f"{_title_words(score)}; shared {said[i]})" if said[i] else
              f"{_title_words(score)})")
    found.add(title == 1.0, [], lambda: "titles identical once normalised")
    criteria = evidence.criteria_score
    compared = ~np.isnan(criteria)
    found.add(~compared, [], lambda: "criteria not compared (one side lists none)")
    found.add(compared, [evidence.aligned, evidence.right_criteria, evidence.left_criteria, criteria],
              lambda covered, right, left, score: f"{covered} of the new unit's {right} criteria have a counterpart "
              f"among the old unit's {left} (criteria score {score:.2f})")
    found.add(known[old] & known[new], [level[old], level[new]], _level_words)
    found.add(evidence.theme_equal == 1, [], lambda: "same theme")
    found.add(evidence.theme_equal == 0, [], lambda: "different themes")
    # The matcher's own decision, from the score: a person's override is told separately.
    found.add(np.ones(len(old), dtype=bool), [scores], lambda score: f"match probability {score:.3f} ({decide(score)})")
    return found

