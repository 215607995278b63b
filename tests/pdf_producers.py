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

A handbook too long to print whole in a test is sliced: ``slice_text`` keeps some of
its text pages, lines as written, and that slice is the text twin the prints are
compared with.
"""

from __future__ import annotations

import base64
import itertools
import shutil
import subprocess
from collections.abc import Collection
from html import escape
from pathlib import Path

from pipeline.extract.txt import read_text
from tests import pdf_render

PRODUCERS = ("reportlab", "chromium", "weasyprint", "ghostscript", "libreoffice")

# Body text in a serif face, headings and tables in a sans: faces with
# "ff", "fi", "fl", "ffi" and "ffl" ligatures, which pango and LibreOffice set by
# default, as desktop publishing tools do.
CSS = """
@page { size: A4; margin: 22mm 18mm 20mm 18mm; }
body { font-family: "DejaVu Serif"; font-size: 9pt; line-height: 1.28; margin: 0; }
h1, h2, h3, td { font-family: "DejaVu Sans"; }
section + section { break-before: page; page-break-before: always; }
p, h1, h2, h3 { margin: 0; }
.gap { margin-top: 0.5em; }
h1 { font-size: 12pt; } h2 { font-size: 11pt; } h3 { font-size: 9.5pt; }
table { border-collapse: collapse; margin-top: 2pt; }
td { border: 0.5pt solid black; padding: 1pt 3pt; font-size: 8.5pt; vertical-align: top; }
.tab { display: inline-block; width: 2em; }
"""

_HEADINGS = {"title": "h1", "section": "h2", "subhead": "h3"}


def slice_text(source: Path, pages: Collection[int] | None, target: Path) -> Path:
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


def _command(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed (make test installs it as root)")
    return found


def _check(done: subprocess.CompletedProcess, what: str) -> None:
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}): {done.stderr[-2000:]}")


def _libreoffice(pages: list[Path], folder: Path) -> subprocess.Popen:
    """LibreOffice Writer exporting every page, in one process started now (its start-up is the slow part)."""
    # Opened as Writer documents (not Writer/Web) and exported with Writer's PDF filter.
    profile = folder / "libreoffice-profile"
    return subprocess.Popen(
        [_command("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--infilter=HTML (StarWriter)",
         "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(folder / "libreoffice"), *map(str, pages)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _chromium(pages: list[Path], targets: list[Path]) -> None:
    """Headless Chromium printing every page in one session, with its default header and footer."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _command("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    browser = webdriver.Chrome(service=Service(_command("chromedriver")), options=options)
    try:
        for page, target in zip(pages, targets):
            browser.get(page.as_uri())
            # The DevTools call its --print-to-pdf makes: the date and title above, the URL and "n/N" below.
            printed = browser.execute_cdp_cmd("Page.printToPDF", {"displayHeaderFooter": True, "preferCSSPageSize": True})
            target.write_bytes(base64.b64decode(printed["data"]))
    finally:
        browser.quit()


def _ghostscript(source: Path, target: Path) -> None:
    # The legacy interpreter: Ghostscript 10.0's new one drops the ToUnicode map of a simple
    # TrueType font, so characters past ASCII ("’", "–") would read as control codes.
    _check(subprocess.run([_command("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dNEWPDF=false",
                           "-sDEVICE=pdfwrite", f"-sOutputFile={target}", str(source)],
                          capture_output=True, text=True, timeout=120), "ghostscript pdfwrite")


def print_all(twins: dict[str, tuple[Path, str]], folder: Path) -> dict[tuple[str, str], Path]:
    """Print each text twin (name -> (text file, title)) through every producer into ``folder``.

    Returns the PDF of each (name, producer). LibreOffice runs in its own process
    meanwhile, so the matrix costs little more than its slowest producer.
    """
    def target(name: str, producer: str) -> Path:
        return folder / f"{name}.{producer}.pdf"

    pages = []
    for name, (twin, title) in twins.items():
        pages.append(folder / f"{name}.html")
        pages[-1].write_text(html_of(twin, title), encoding="utf-8")
    office = _libreoffice(pages, folder)
    try:
        for name, (twin, title) in twins.items():
            pdf_render.render_pdf(twin, target(name, "reportlab"), title)
            _ghostscript(target(name, "reportlab"), target(name, "ghostscript"))
        _chromium(pages, [target(name, "chromium") for name in twins])
        import weasyprint

        for page, name in zip(pages, twins):
            weasyprint.HTML(filename=str(page)).write_pdf(str(target(name, "weasyprint")))
        _, errors = office.communicate(timeout=180)
    except BaseException:
        office.kill()
        raise
    _check(subprocess.CompletedProcess(office.args, office.returncode, "", errors), "libreoffice --convert-to pdf")
    for name in twins:
        (folder / "libreoffice" / f"{name}.pdf").replace(target(name, "libreoffice"))
    return {(name, producer): target(name, producer) for name in twins for producer in PRODUCERS}
