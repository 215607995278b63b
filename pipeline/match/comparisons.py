"""Comparisons as ordered levels, each with a weight, in the manner of splink.

Each comparison looks at one feature of a pair of units and walks its levels in
order: the first level whose test passes is the level hit. A level's weight is
its log2 Bayes factor, log2(m / u), where ``m`` is the chance of landing on that
level when the two units are the same competence and ``u`` the chance when they
are not. The null level (a side has no value) weighs nothing. The m and u values
written here are starting values only, as a splink model's are: the weights a
run uses are estimated from its own data (``pipeline.match.model``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipeline.match.pairs import MISSING


@dataclass(frozen=True)
class ComparisonLevel:
    """One level of a comparison: a label, a test on the feature value, the same test on the feature's columns,
    and m/u probabilities."""

    label: str
    test: Callable[[Any], bool]
    # The test on the feature's columns (``pipeline.match.pairs``: NaN or MISSING where a pair has no value):
    # where each row passes, every pair's level found at once.
    over: Callable[[Sequence[np.ndarray]], np.ndarray] = field(compare=False, repr=False)
    m: float | None = None
    u: float | None = None

    @property
    def is_null(self) -> bool:
        return self.m is None

    @property
    def weight(self) -> float:
        """log2(m / u); 0 for the null level."""
        if self.m is None or self.u is None:
            return 0.0
        return math.log2(self.m / self.u)


@dataclass(frozen=True)
class Comparison:
    """A feature of a unit pair and its ordered levels (null first, else last)."""

    name: str
    feature: str
    levels: tuple[ComparisonLevel, ...]

    def level(self, value: Any) -> ComparisonLevel:
        """The first level whose test the value passes."""
        return self.levels[self.index(value)]

    def index(self, value: Any) -> int:
        """The position of the first level whose test the value passes (0 is the null level)."""
        for i, level in enumerate(self.levels):
            if level.test(value):
                return i
        raise ValueError(f"{self.name}: no level for {value!r}")  # an else level always passes


def _missing(column: np.ndarray) -> np.ndarray:
    """Where a feature column has no value."""
    found: np.ndarray = np.isnan(column) if column.dtype.kind == "f" else column == MISSING
    return found


def null_level() -> ComparisonLevel:
    return ComparisonLevel("null", lambda v: v is None, lambda c: _missing(c[0]))


def exact_level(m: float, u: float) -> ComparisonLevel:
    return ComparisonLevel("exact", lambda v: v is True or v == 1.0, lambda c: c[0] == 1, m, u)


def at_least(threshold: float, m: float, u: float) -> ComparisonLevel:
    return ComparisonLevel(f">={threshold:.2f}", lambda v: v >= threshold,
                           lambda c: ~_missing(c[0]) & (c[0] >= threshold), m, u)


def diff_at_most(limit: int, m: float, u: float) -> ComparisonLevel:
    label = "same" if limit == 0 else f"within {limit}"
    return ComparisonLevel(label, lambda v: v <= limit, lambda c: ~_missing(c[0]) & (c[0] <= limit), m, u)


def else_level(m: float, u: float) -> ComparisonLevel:
    return ComparisonLevel("else", lambda v: True, lambda c: np.ones(len(c[0]), dtype=bool), m, u)


# Identical Ofqual/QCA unit reference: the same unit under another number. Units of
# different schemes carry different references as a rule, so disagreement says little.
UAN = Comparison("uan", "uan_equal", (null_level(), exact_level(0.05, 0.00005), else_level(0.95, 0.99995)))

# Both units state a NOS code: the same code is the standards body's own statement of
# equivalence; two different codes are two different standards, whatever the titles say.
NOS = Comparison("nos", "nos_equal", (null_level(), exact_level(0.998, 0.001), else_level(0.002, 0.999)))


def title_at_least(threshold: float, m: float, u: float) -> ComparisonLevel:
    return ComparisonLevel(f">={threshold:.2f}", lambda v: v[0] is not None and v[0] >= threshold,
                           lambda c: c[0] >= threshold, m, u)  # NaN is never at least anything


def body_at_least(threshold: float, m: float, u: float) -> ComparisonLevel:
    return ComparisonLevel(f"body >={threshold:.2f}", lambda v: v[1] is not None and v[1] >= threshold,
                           lambda c: c[1] >= threshold, m, u)


# The titles, and a title against the other unit's outcomes and criteria, as one comparison
# of (title score, body score): both measure the title's words, so they fail together on a
# renamed unit ("Understand ..." became "Demonstrate understanding of ..."), and weighed
# apart they would count one rewording twice. A title said by the other unit's body
# ("Exceed customer expectations" against a body about exceeding expectations) ranks
# beside a similar title.
TITLE = Comparison(
    "title",
    "title_and_body",
    (
        ComparisonLevel("null", lambda v: v[0] is None and v[1] is None, lambda c: np.isnan(c[0]) & np.isnan(c[1])),
        ComparisonLevel("exact", lambda v: v[0] == 1.0, lambda c: c[0] == 1.0, 0.50, 0.0005),
        title_at_least(0.80, 0.16, 0.001),
        title_at_least(0.60, 0.10, 0.004),
        body_at_least(0.80, 0.06, 0.006),
        title_at_least(0.40, 0.08, 0.025),
        body_at_least(0.50, 0.04, 0.08),
        else_level(0.06, 0.8835),
    ),
)

# Criteria carried over to a successor align for most of both sets; units of one
# sector that are not the same competence share a few generic criteria at most, so
# two criteria sets that do not align rule a pair out whatever the titles say.
CRITERIA = Comparison(
    "criteria",
    "criteria_score",
    (
        null_level(),
        at_least(0.75, 0.60, 0.0001),
        at_least(0.50, 0.29, 0.0005),
        at_least(0.35, 0.10, 0.02),
        else_level(0.01, 0.9794),
    ),
)

# Successor units usually keep their level; one step is common (a level 2 unit
# offered in a level 3 qualification), two steps is another competence.
LEVEL = Comparison(
    "level",
    "level_diff",
    (null_level(), diff_at_most(0, 0.70, 0.35), diff_at_most(1, 0.28, 0.35), else_level(0.02, 0.30)),
)

THEME = Comparison("theme", "theme_equal", (null_level(), exact_level(0.85, 0.30), else_level(0.15, 0.70)))

COMPARISONS: tuple[Comparison, ...] = (UAN, NOS, TITLE, CRITERIA, LEVEL, THEME)
# Comparisons whose exact level is the documents' own statement that two units are one.
IDENTITY: tuple[Comparison, ...] = (UAN, NOS)
