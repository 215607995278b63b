"""HTML handbooks and web pages through an HTML parser: one line per block of text."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, Tag

from pipeline.core.records import Line
from pipeline.core.text import clean
from pipeline.extract import Extraction
from pipeline.extract.txt import decode

_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "caption", "br", "section", "article",
           "blockquote", "pre")
_CELLS = {"td", "th"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "th"}
_SKIP = {"script", "style", "noscript", "template", "head"}


def _append(out: list[tuple[str, bool]], text: str, bold: bool) -> None:
    """Add text to the current run; the run stays bold only if all its words are."""
    run, all_bold = out[-1]
    if text.strip():
        all_bold = (all_bold or not run.strip()) and bold
    out[-1] = (run + text, all_bold)


def _blocks(root: Tag, out: list[tuple[str, bool]]) -> None:
    """Collect (text, all bold) runs, starting a new one at every block element.

    Newlines of the source are only whitespace, except inside ``<pre>`` where each ends a line.
    The tree is walked with a stack of its own, never by recursion: any depth reads.
    """
    # (node, bold, pre), or None where a block element closes.
    stack: list[tuple[PageElement, bool, bool] | None] = [(c, False, False) for c in reversed(root.contents)]
    while stack:
        item = stack.pop()
        if item is None:
            out.append(("", False))
            continue
        child, bold, pre = item
        # Comments, CDATA and doctypes are NavigableString subclasses, not text.
        if type(child) is NavigableString:
            for n, piece in enumerate(child.split("\n") if pre else [str(child)]):
                if n:
                    out.append(("", False))
                _append(out, piece, bold)
        elif isinstance(child, Tag) and child.name not in _SKIP:
            # A cell of several blocks stands on lines of its own, as a ruled table's cell of several
            # paragraphs does in a PDF; a run of one-line cells stays one line.
            block = child.name in _BLOCKS or (child.name in _CELLS and child.find(_BLOCKS) is not None)
            if block:
                out.append(("", False))
                stack.append(None)
            elif child.name in _CELLS:
                # Cells of a row stay on one line, as in the text handbooks' tables.
                _append(out, " ", bold)
            inner = (bold or child.name in _HEADINGS, pre or child.name == "pre")
            stack.extend((c, *inner) for c in reversed(child.contents))


def read_html(path: Path, doc_id: str, shown: str) -> Extraction:
    """Read an HTML file: one page; ``bold`` marks headings and strong text."""
    text, issues = decode(path.read_bytes(), doc_id, shown)
    soup = BeautifulSoup(text, "html.parser")
    runs: list[tuple[str, bool]] = [("", False)]
    _blocks(soup.body or soup, runs)
    lines: list[Line] = []
    for run, bold in runs:
        if cleaned := clean(run):
            lines.append(Line(page=1, line=len(lines) + 1, text=cleaned, bold=bold))
    return Extraction("text/html", 1, tuple(lines), tuple(issues))
