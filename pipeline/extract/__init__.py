"""Extract stage: every raw file becomes one line model with page and line provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.errors import DocumentError, Location
from pipeline.core.records import Issue, Line
from pipeline.store.keys import CORE, Stage

# What an extraction depends on besides the file: this package's code and the readers' libraries.
STAGE = Stage("extract", ("extract", *CORE), ("pypdfium2", "pdfplumber", "beautifulsoup4", "charset-normalizer"))


@dataclass(frozen=True)
class Extraction:
    """The lines of one document, with what the reader had to report about it.

    ``pdf_producer`` and ``pdf_creator`` are a PDF's own metadata: the tool that wrote
    the PDF, and the application it was made from.
    """

    media_type: str
    pages: int
    lines: tuple[Line, ...]
    issues: tuple[Issue, ...] = field(default=())
    pdf_producer: str | None = None
    pdf_creator: str | None = None


def extract_file(path: Path, doc_id: str, shown: str) -> Extraction:
    """Read one raw file with the reader for its kind; ``shown`` names it in errors."""
    from pipeline.extract import html, pdf, txt

    readers = {".pdf": pdf.read_pdf, ".txt": txt.read_text, ".html": html.read_html, ".htm": html.read_html}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise DocumentError(f"no reader for {path.suffix or 'files without a suffix'} (use .pdf, .txt or .html)", Location(shown))
    return reader(path, doc_id, shown)
