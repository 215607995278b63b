"""Checks a raw file passes before any reader opens it, so a hostile or broken file fails with a reason a person reads."""

from __future__ import annotations

import signal
import threading
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline.core.errors import DocumentError, Location
from pipeline.extract import Extraction
from pipeline.extract.pdf import page_count
from pipeline.core.manifest import Limits

_TEXT_SUFFIXES = (".txt", ".html", ".htm")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _over(what: str, value: float, limit: float, key: str) -> str:
    return f"{what} {value:g}, over the limit of {limit:g} (limits.{key} in the manifest)"


def check_file(path: Path, shown: str, limits: Limits = Limits()) -> None:
    """Raise ``DocumentError`` for a file no reader should be given: too big, empty, binary text, an encrypted PDF."""
    where = Location(shown)
    size_mb = path.stat().st_size / 1e6
    if size_mb > limits.max_file_mb:
        raise DocumentError(_over("the file's size in MB is", round(size_mb, 1), limits.max_file_mb, "max_file_mb"), where)
    data = path.read_bytes()
    if not data.strip():
        raise DocumentError("the file is empty", where)
    suffix = path.suffix.lower()
    # UTF-16 text holds NUL bytes by nature; with its byte-order mark the text reader decodes it.
    if suffix in _TEXT_SUFFIXES and b"\x00" in data and not data.startswith(_UTF16_BOMS):
        raise DocumentError(f"the text holds NUL bytes (first at byte {data.index(0)}): binary data, not text", where)
    # PDFium says "Data format error" for all of these; a person needs to know which.
    if suffix == ".pdf" and not data.lstrip()[:5] == b"%PDF-":
        raise DocumentError("not a PDF: the file does not start with the %PDF- header", where)
    if suffix == ".pdf" and b"%%EOF" not in data[-2048:]:
        raise DocumentError("not a readable PDF: it has no end-of-file marker (%%EOF), so it is cut short or damaged; "
                            "copy or download it again",
                            where)
    # The trailer of an encrypted PDF names its /Encrypt dictionary.
    if suffix == ".pdf" and b"/Encrypt" in data:
        raise DocumentError("the PDF is encrypted (password protected): save an unprotected copy", where)
    if suffix == ".pdf":
        pages = page_count(path)
        if pages is not None and pages > limits.max_pages:
            raise DocumentError(_over("the PDF's page count is", pages, limits.max_pages, "max_pages"), where)


def check_extraction(extraction: Extraction, shown: str, limits: Limits = Limits()) -> None:
    """Raise ``DocumentError`` when the extracted text is past the page count or page size limits."""
    if extraction.pages > limits.max_pages:
        raise DocumentError(_over("the page count is", extraction.pages, limits.max_pages, "max_pages"), Location(shown))
    chars: Counter = Counter()
    for line in extraction.lines:
        chars[line.page] += len(line.text)
    page, most = max(chars.items(), key=lambda item: item[1], default=(None, 0))
    if most > limits.max_page_chars:
        raise DocumentError(_over("the characters on the page are", most, limits.max_page_chars, "max_page_chars"),
                            Location(shown, page=page))


class TimeLimit(DocumentError):
    """A document took longer than ``limits.max_seconds``."""


@contextmanager
def deadline(seconds: float, shown: str, what: str) -> Iterator[None]:
    """Raise ``TimeLimit`` inside the block once ``seconds`` have passed (main thread only: SIGALRM)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise TimeLimit(f"took longer than {seconds:g} s to {what} (limits.max_seconds in the manifest)",
                        Location(shown))

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
