"""The word-split check: pages of a PDF whose words look glued together or parted inside, as misread spacing leaves them.

A PDF prints positioned glyphs, not words; where its producer sets word spaces in
a way the reader misjudges, words run together ("ofother", "ifany") or fall apart
("perform ance"). Both leave the same trace: a word found on no other page of the
document that is two words found on other pages, or two neighbours that are one word
found on other pages while one of them is found nowhere else. A glued word (or a
whole line read as one) holds one of the document's commonest words (its "of", "if",
"the"); compounds of two content words ("database", "feedback") are left alone. The
document's own vocabulary is the dictionary, so the check holds for any subject and
language.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from pipeline.core.records import Issue, Line

CODE = "pdf-words-split"
_WORD = re.compile(r"[^\W\d_]+")
# Parts shorter than this are not taken for words ("a" + "bout").
MIN_PART = 2
# The document's commonest words, by occurrences: the ones a glued word begins or ends with.
COMMONEST = 30
# A page is reported when this many different words of it, and this share of its words, look misread.
MIN_SUSPECTS = 3
MIN_SHARE = 0.02
EXAMPLES = 3


def _suspects(words: list[list[str]], here: set[str], pages_of: dict[str, set[int]], common: set[str]) -> set[str]:
    """The words of one page's lines that look glued ("ofother") or split ("perform ance"); ``here`` holds the
    document's words found on this page alone."""

    def elsewhere(word: str) -> bool:
        return word in pages_of and word not in here

    def glued(word: str) -> bool:
        """Whether the word is two or more words found on other pages, one of them among the commonest."""
        # reach[i]: word[:i] is made of such words; True once one of them is a common one.
        reach: dict[int, bool] = {0: False}
        for end in range(MIN_PART, len(word) + 1):
            for start, with_common in list(reach.items()):
                part = word[start:end]
                if len(part) >= MIN_PART and part != word and elsewhere(part):
                    reach[end] = reach.get(end, False) or with_common or part in common
        return reach.get(len(word), False)

    found: set[str] = set()
    for line in words:
        # Every word of a line is the document's: it is found elsewhere unless it is found here alone.
        found.update(word for word in line if word in here and len(word) >= 2 * MIN_PART and glued(word))
        found.update(f"{left} {right}" for left, right in itertools.pairwise(line)
                     if (left in here or right in here) and elsewhere(left + right))
    return found


def check_word_split(lines: Sequence[Line], doc_id: str) -> list[Issue]:
    """One warning naming the pages whose words look glued or split, if any do."""
    by_page: dict[int, list[list[str]]] = defaultdict(list)
    pages_of: dict[str, set[int]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for line in lines:
        words = _WORD.findall(line.text.lower())
        by_page[line.page].append(words)
        counts.update(words)
        for word in words:
            pages_of[word].add(line.page)
    if len(by_page) < 2:
        return []  # a single page has no other pages to compare with
    common = {word for word, _ in counts.most_common(COMMONEST)}
    only_on: dict[int, set[str]] = defaultdict(set)  # page -> the words found on it alone
    for word, pages in pages_of.items():
        if len(pages) == 1:
            only_on[next(iter(pages))].add(word)
    reported: list[tuple[int, list[str]]] = []
    for page, words in sorted(by_page.items()):
        suspects = sorted(_suspects(words, only_on[page], pages_of, common))
        total = sum(len(line) for line in words)
        if len(suspects) >= MIN_SUSPECTS and len(suspects) >= MIN_SHARE * total:
            reported.append((page, suspects))
    if not reported:
        return []
    examples = ", ".join(repr(s) for s in [s for _, suspects in reported for s in suspects][:EXAMPLES])
    named = ", ".join(str(page) for page, _ in reported)
    count = sum(len(suspects) for _, suspects in reported)
    return [Issue(doc_id, reported[0][0], None, "warning", CODE,
                  f"{count} word(s) look glued together or split apart on page(s) {named} "
                  f"(e.g. {examples}): the PDF's word spacing may be misread")]
