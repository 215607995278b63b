"""Reading order of a page from its geometry."""

from __future__ import annotations

from pipeline.extract.glyphs import PageContent
from pipeline.extract.lines import TextLine, text_lines, without_fake_bold


def page_lines(content: PageContent) -> list[TextLine]:
    """The page's lines in reading order."""
    return text_lines(without_fake_bold(list(content.glyphs)))
