"""Fixtures for the extraction tests: each real handbook read as text and as a PDF render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pytest

from pipeline.extract import Extraction, extract_file
from tests.conftest import RAW, manifest
from tests.pdf_render import Render, render


@dataclass(frozen=True)
class RenderedHandbook:
    """A raw text handbook as the text reader sees it, and its PDF render as the PDF reader sees it."""

    doc_id: str
    title: str
    text: Extraction
    render: Render
    pdf: Extraction


@cache
def _rendered(doc_id: str) -> RenderedHandbook:
    entry = manifest()[doc_id]
    source = RAW / entry.path
    title = entry.title or doc_id
    made = render(source, title)
    return RenderedHandbook(
        doc_id, title, extract_file(source, doc_id, str(source)), made, extract_file(made.path, doc_id, str(made.path))
    )


@pytest.fixture(scope="session")
def rendered() -> Callable[[str], RenderedHandbook]:
    """Render (cached in tests/.renders/) and read a handbook once per session."""
    return _rendered
