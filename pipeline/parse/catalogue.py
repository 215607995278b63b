"""Placeholder until the family parser lands: recognises nothing."""

from __future__ import annotations

from typing import Sequence

from pipeline.parse import ParseContext, ParseResult
from pipeline.records import Line


def detect(lines: Sequence[Line]) -> float:
    """How strongly the wording says this is the family (0..1)."""
    return 0.0


def parse(ctx: ParseContext) -> ParseResult:
    """Records of one document of this family."""
    return ParseResult()
