"""Checks a raw file passes before any reader opens it, so a hostile or broken file fails with a reason a person reads."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import DocumentError, Location

_TEXT_SUFFIXES = (".txt", ".html", ".htm")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def check_file(path: Path, shown: str) -> None:
    """Raise ``DocumentError`` for a file no reader should be given: empty, binary text, an encrypted PDF."""
    data = path.read_bytes()
    where = Location(shown)
    if not data.strip():
        raise DocumentError("the file is empty", where)
    suffix = path.suffix.lower()
    if suffix in _TEXT_SUFFIXES and b"\x00" in data:
        if data.startswith(_UTF16_BOMS):
            raise DocumentError("the text is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8", where)
        raise DocumentError(f"the text holds NUL bytes (first at byte {data.index(0)}): binary data, not text", where)
    # The trailer of an encrypted PDF names its /Encrypt dictionary; pdfminer then fails without a message.
    if suffix == ".pdf" and b"/Encrypt" in data:
        raise DocumentError("the PDF is encrypted (password protected): save an unprotected copy", where)
