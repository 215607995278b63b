"""Checks a raw file passes before any reader opens it, so a hostile or broken file fails with a reason a person reads."""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, cast

from pipeline.core.errors import DocumentError, Location
from pipeline.core.manifest import Limits
from pipeline.extract import Extraction
from pipeline.extract.pdf import page_count

_TEXT_SUFFIXES = (".txt", ".html", ".htm")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

T = TypeVar("T")


def _over(what: str, value: float, limit: float, key: str) -> str:
    return f"{what} {value:g}, over the limit of {limit:g} (limits.{key} in the manifest)"


def check_file(path: Path, shown: str, limits: Limits | None = None) -> None:
    """Raise ``DocumentError`` for a file no reader should be given: too big, empty, binary text, an encrypted PDF."""
    limits = limits or Limits()
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


def check_extraction(extraction: Extraction, shown: str, limits: Limits | None = None) -> None:
    """Raise ``DocumentError`` when the extracted text is past the page count or page size limits."""
    limits = limits or Limits()
    if extraction.pages > limits.max_pages:
        raise DocumentError(_over("the page count is", extraction.pages, limits.max_pages, "max_pages"), Location(shown))
    chars: Counter[int] = Counter()
    for line in extraction.lines:
        chars[line.page] += len(line.text)
    page, most = max(chars.items(), key=lambda item: item[1], default=(None, 0))
    if most > limits.max_page_chars:
        raise DocumentError(_over("the characters on the page are", most, limits.max_page_chars, "max_page_chars"),
                            Location(shown, page=page))


class TimeLimit(DocumentError):
    """A document took longer than ``limits.max_seconds``."""


def within(seconds: float, shown: str, what: str, work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` in a forked child that is stopped once ``seconds`` have passed (``TimeLimit``).

    A child can be stopped from any thread (a Dask worker's, a pool's), where an alarm
    signal reaches only the main thread; a child that dies (a crash in the PDF library)
    fails its document alone too. Its answer, or the exception it raised, comes back pickled.
    """
    read, write = os.pipe()
    # What the parent holds is left out of the child's collections: a collection there would write to every
    # object's pages and copy them all (spaCy's tables, a worker's caches), for each document.
    gc.freeze()
    pid = os.fork()
    if pid:
        gc.unfreeze()
    if pid == 0:  # the child: answer through the pipe, then leave without running the parent's exit handlers
        os.close(read)
        status = 1
        try:
            try:
                answer: tuple[bool, Any] = (True, work(*args))
            except BaseException as exc:  # handed to the parent, which raises it
                answer = (False, exc)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    end = time.monotonic() + seconds
    chunks: list[bytes] = []
    try:
        with os.fdopen(read, "rb", buffering=0) as pipe:
            while chunk := _next_chunk(pipe, end):
                chunks.append(chunk)
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
        raise TimeLimit(f"took longer than {seconds:g} s to {what} (limits.max_seconds in the manifest)",
                        Location(shown)) from None
    finally:
        _, status = os.waitpid(pid, 0)
    if not chunks:
        raise DocumentError(f"the work to {what} it stopped without an answer ({_ended(status)})", Location(shown))
    done, value = pickle.loads(b"".join(chunks))
    if done:
        return cast(T, value)
    raise cast(BaseException, value)


def _next_chunk(pipe: BinaryIO, end: float) -> bytes:
    """The next bytes from the child, empty at its end; ``TimeoutError`` when none come before ``end``."""
    left = end - time.monotonic()
    if left <= 0 or not select.select([pipe], [], [], left)[0]:
        raise TimeoutError
    return pipe.read(1 << 20) or b""


def _ended(status: int) -> str:
    """How a child process ended, from its wait status."""
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
