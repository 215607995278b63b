"""The bench's PDF corpus, rendered from the real handbooks by the test renderer (cached in tests/.renders).

- ``handbook_pdfs``: each handbook of raw/ as a PDF;
- ``pdf_project``: a project whose raw/ holds those PDFs copied into ``count`` handbooks;
- ``long_pdf``: one document of 1,000 pages, the 4430-03 handbook's text repeated;
- ``long_project``: a project whose raw/ holds that document alone.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.core.manifest import Entry
from tests.conftest import RAW, manifest
from tests.pdf_render import RENDERS, render

LONG_PAGES = 1000


def handbook_pdfs() -> list[tuple[Entry, Path]]:
    """Every handbook of raw/ rendered as a PDF, with its manifest entry."""
    return [(e, render(RAW / e.path, e.title or e.doc_id).path) for e in manifest().values()]


def pdf_project(root: Path, count: int) -> Path:
    """A project folder whose raw/ holds ``count`` PDF handbooks (the renders, copied round), and its manifest."""
    pdfs = handbook_pdfs()
    tables = {t["doc_id"]: t for t in tomllib.loads((RAW / "manifest.toml").read_text())["document"]}
    _empty_project(root)
    lines = []
    for n in range(count):
        entry, pdf = pdfs[n % len(pdfs)]
        table = dict(tables[entry.doc_id], doc_id=f"{entry.doc_id}-{n:03d}", path=f"{entry.doc_id}-{n:03d}.pdf")
        table.pop("replaces", None)
        shutil.copy(pdf, root / "raw" / table["path"])
        lines += ["[[document]]", *(f"{k} = {_toml(v)}" for k, v in table.items()), ""]
    (root / "raw" / "manifest.toml").write_text("\n".join(lines), encoding="utf-8")
    return root


def _toml(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, (bool, int, dt.date)):
        return str(value).lower() if isinstance(value, bool) else str(value)
    raise TypeError(f"no TOML for {value!r}")


def long_pdf() -> tuple[Path, int]:
    """A PDF of ``LONG_PAGES`` pages (the longest handbook's render repeated and cut), and its page count."""
    target = RENDERS / f"bench-long-{LONG_PAGES}.pdf"
    if not target.exists():
        _entry, source = max(handbook_pdfs(), key=lambda item: item[1].stat().st_size)
        original = pdfium.PdfDocument(str(source))
        made = pdfium.PdfDocument.new()
        while len(made) < LONG_PAGES:
            made.import_pages(original, pages=list(range(min(len(original), LONG_PAGES - len(made)))))
        temporary = target.with_suffix(".tmp")
        made.save(str(temporary))
        temporary.replace(target)
    return target, LONG_PAGES


def long_project(root: Path) -> Path:
    """A project folder whose raw/ holds the 1,000-page document alone."""
    pdf, _ = long_pdf()
    _empty_project(root)
    shutil.copy(pdf, root / "raw" / "long.pdf")
    (root / "raw" / "manifest.toml").write_text(
        '[[document]]\ndoc_id = "long"\npath = "long.pdf"\npublisher = "City & Guilds"\nscheme = "cg-4430"\n'
        f'title = "{LONG_PAGES} pages"\n', encoding="utf-8")
    return root


def _empty_project(root: Path) -> None:
    """A project folder with an empty raw/, extracted/ and mappings/ (the overrides' header only)."""
    (root / "raw").mkdir(parents=True)
    (root / "extracted").mkdir()
    (root / "mappings").mkdir()
    shutil.copy(RAW.parent / "mappings" / "overrides.csv", root / "mappings" / "overrides.csv")
