"""HTML handbooks and web pages through an HTML parser: one line per block of text."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from pipeline.extract import Extraction
from pipeline.extract.txt import decode
from pipeline.records import Line
from pipeline.text import clean

_BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "caption", "br", "section", "article", "blockquote", "pre"}
_CELLS = {"td", "th"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "th"}
_SKIP = {"script", "style", "noscript", "template", "head"}


def _blocks(node: Tag, out: list[tuple[str, bool]], bold: bool = False) -> None:
    """Collect (text, all bold) runs, starting a new one at every block element."""
    for child in node.children:
        if isinstance(child, NavigableString):
            # Comments, CDATA and doctypes are NavigableString subclasses, not text.
            if type(child) is NavigableString and child.strip():
                text, all_bold = out[-1]
                out[-1] = (text + str(child), (all_bold or not text.strip()) and bold)
            elif type(child) is NavigableString:
                out[-1] = (out[-1][0] + str(child), out[-1][1])
        elif isinstance(child, Tag) and child.name not in _SKIP:
            block = child.name in _BLOCKS
            if block:
                out.append(("", False))
            elif child.name in _CELLS:
                # Cells of a row stay on one line, as in the text handbooks' tables.
                out[-1] = (out[-1][0] + " ", out[-1][1])
            _blocks(child, out, bold or child.name in _HEADINGS)
            if block:
                out.append(("", False))


def read_html(path: Path, doc_id: str, shown: str) -> Extraction:
    """Read an HTML file: one page; ``bold`` marks headings and strong text."""
    text, issues = decode(path.read_bytes(), doc_id, shown)
    soup = BeautifulSoup(text, "html.parser")
    runs: list[tuple[str, bool]] = [("", False)]
    _blocks(soup.body or soup, runs)
    lines = []
    for text_run, bold in runs:
        for part in text_run.split("\n"):
            if clean(part):
                lines.append(Line(page=1, line=len(lines) + 1, text=clean(part), bold=bold))
    return Extraction("text/html", 1, tuple(lines), tuple(issues))
