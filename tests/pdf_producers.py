"""Print a text handbook through the PDF producers real handbooks come from, not only reportlab.

A handbook (or a slice of its pages) is laid out as HTML and CSS of our own, its
lines set as ``tests.pdf_render`` sets them (headings bold, structure table rows as
ruled cells, tabs as gaps), one text page per printed page, and printed by:

- ``reportlab``: the suite's own renderer (``tests.pdf_render``), from the text;
- ``chromium``: headless Chromium's print-to-PDF (Skia), with its header and footer
  furniture (date and title, file URL and "n/N");
- ``weasyprint``: WeasyPrint (pango shaping: "ff", "fi", "ffi" set as ligatures);
- ``ghostscript``: Ghostscript's ``pdfwrite`` re-distilling the reportlab print;
- ``libreoffice``: LibreOffice Writer's PDF export of the same HTML.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path
from typing import Callable

from tests import pdf_render
from pipeline.extract.txt import read_text

PRODUCERS = ("reportlab", "chromium", "weasyprint", "ghostscript", "libreoffice")

# A body face with "ff", "fi", "fl", "ffi" and "ffl" ligatures, which pango and
# LibreOffice set by default, as desktop publishing tools do.
CSS = """
@page { size: A4; margin: 22mm 18mm 20mm 18mm; }
body { font-family: "DejaVu Sans"; font-size: 9pt; line-height: 1.28; margin: 0; }
section + section { break-before: page; page-break-before: always; }
p, h1, h2, h3 { margin: 0; }
p.gap, h1.gap, h2.gap, h3.gap, table.gap { margin-top: 0.5em; }
h1 { font-size: 12pt; } h2 { font-size: 11pt; } h3 { font-size: 9.5pt; }
table { border-collapse: collapse; margin-top: 2pt; }
td { border: 0.5pt solid black; padding: 1pt 3pt; font-size: 8.5pt; vertical-align: top; }
.tab { display: inline-block; width: 2em; }
"""

_HEADINGS = {"title": "h1", "section": "h2", "subhead": "h3"}


def slice_text(source: Path, pages: range | None, target: Path) -> Path:
    """The text pages ``pages`` (1-based; None: all) of a text handbook, its lines as written, as a new text file."""
    lines = read_text(source, "slice", str(source)).lines
    kept = [line.text for line in lines if pages is None or line.page in pages]
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


def _inline(text: str) -> str:
    """A line's text as HTML, a tab set as a gap with no glyph (as a word processor sets a tab stop)."""
    return '<span class="tab"></span>'.join(escape(part) for part in text.split("\t"))


def _table(rows: list[str]) -> str:
    return f'<table border="1" cellspacing="0" cellpadding="2">{"".join(rows)}</table>'


def html_of(source: Path, title: str) -> str:
    """The HTML page of a text handbook: one section per text page, each line one block."""
    classifier = pdf_render._Classifier()
    sections = []
    for _, group in itertools.groupby(read_text(source, "html", str(source)).lines, key=lambda line: line.page):
        parts: list[str] = []
        table: list[str] = []
        for block in pdf_render.blocks_of(list(group), classifier):
            gap = ' class="gap"' if block.gap_before else ""
            if block.kind == "table":
                # Widths and alignment as attributes too: LibreOffice's HTML import reads those, not the CSS.
                cells = "".join(f'<td width="{w * 4 / 3:.0f}" valign="top" style="width:{w:.0f}pt">{escape(c)}</td>'
                                for c, w in zip(block.cells, block.columns))
                table.append(f"<tr>{cells}</tr>")
                continue
            if table:
                parts.append(_table(table))
                table = []
            tag = _HEADINGS.get(block.kind, "p")
            parts.append(f"<{tag}{gap}>{_inline(block.text)}</{tag}>")
        if table:
            parts.append(_table(table))
        sections.append("<section>\n" + "\n".join(parts) + "\n</section>")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{CSS}</style></head>\n<body>\n" + "\n".join(sections) + "\n</body></html>\n")


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}): {done.stderr[-2000:]}")


def _reportlab(twin: Path, html: Path, title: str, target: Path) -> None:
    pdf_render.render_pdf(twin, target, title)


def _chromium(twin: Path, html: Path, title: str, target: Path) -> None:
    # Headless Chromium prints its header (date, title) and footer (file URL, "n/N") by default.
    with tempfile.TemporaryDirectory() as profile:
        _run([_command("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
              f"--user-data-dir={profile}", f"--print-to-pdf={target}", html.as_uri()], "chromium --print-to-pdf")


def _weasyprint(twin: Path, html: Path, title: str, target: Path) -> None:
    import weasyprint

    weasyprint.HTML(filename=str(html)).write_pdf(str(target))


def _ghostscript(twin: Path, html: Path, title: str, target: Path) -> None:
    printed = target.with_name(f"{target.stem}.reportlab.pdf")
    pdf_render.render_pdf(twin, printed, title)
    _run([_command("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dNEWPDF=false", "-sDEVICE=pdfwrite", f"-sOutputFile={target}",
          str(printed)], "ghostscript pdfwrite")


def _libreoffice(twin: Path, html: Path, title: str, target: Path) -> None:
    # Opened as a Writer document (not Writer/Web) and exported with Writer's PDF filter.
    with tempfile.TemporaryDirectory() as work:
        _run([_command("soffice"), f"-env:UserInstallation={Path(work, 'profile').as_uri()}", "--headless",
              "--infilter=HTML (StarWriter)", "--convert-to", "pdf:writer_pdf_Export", "--outdir", work, str(html)],
             "libreoffice --convert-to pdf")
        shutil.move(Path(work) / f"{html.stem}.pdf", target)


_PRINTERS: dict[str, Callable[[Path, Path, str, Path], None]] = {
    "reportlab": _reportlab, "chromium": _chromium, "weasyprint": _weasyprint,
    "ghostscript": _ghostscript, "libreoffice": _libreoffice,
}


def _command(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed (make test installs it as root)")
    return found


def print_pdf(producer: str, twin: Path, title: str, folder: Path) -> Path:
    """Print the text handbook ``twin`` through ``producer`` into ``folder``; returns the PDF."""
    html = folder / f"{twin.stem}.html"
    if not html.exists():
        html.write_text(html_of(twin, title), encoding="utf-8")
    target = folder / f"{twin.stem}.{producer}.pdf"
    _PRINTERS[producer](twin, html, title, target)
    return target
