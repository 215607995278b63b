"""Bad raw files of every kind an operator may drop into raw/, made on the fly (never kept in raw/)."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas


def _pdf(encrypt: str | None = None, image: bool = False) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=encrypt)
    if image:  # a scan: one picture, no text layer
        page.drawImage(ImageReader(Image.new("L", (200, 100), 255)), 72, 500, 400, 200)
    else:
        for n in range(30):
            page.drawString(72, 760 - 14 * n, "Unit 201 Give customers a positive impression")
    page.showPage()
    page.save()
    return buffer.getvalue()


def write_bad_files(raw: Path) -> dict[str, str]:
    """Write one file of each bad kind; return each one's expected error after ``raw/<doc_id>``."""
    files = {
        "empty.txt": (b"", ": the file is empty"),
        "random.pdf": (random.Random(9).randbytes(4096), ": not a PDF: the file does not start with the %PDF- header"),
        "truncated.pdf": (_pdf()[:900],
                          ": not a readable PDF: it has no end-of-file marker (%%EOF), so it is cut short or damaged; "
                          "copy or download it again"),
        "encrypted.pdf": (_pdf(encrypt="secret"), ": the PDF is encrypted (password protected): save an unprotected copy"),
        "scanned.pdf": (_pdf(image=True), ": the PDF has no extractable text (scanned images?)"),
        "utf16.txt": ("Unit 201 Give customers a positive impression\n".encode("utf-16"),
                      # decoded (its byte-order mark says UTF-16), then found to be no handbook
                      ": no handbook family recognised (best: unit-page at 0.20); set format in the manifest"),
        "nul.txt": (b"Unit 201\x00 Give customers a positive impression\n",
                    ": the text holds NUL bytes (first at byte 8): binary data, not text"),
    }
    for name, (content, _) in files.items():
        (raw / name).write_bytes(content)
    return {name.rsplit(".", 1)[0]: name[len(name.rsplit(".", 1)[0]):] + reason for name, (_, reason) in files.items()}
