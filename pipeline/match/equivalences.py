"""Word equivalences learned from the corpus: words that stand for each other in the titles of units the
documents themselves link.

Two units of different schemes that state the same NOS code or the same unit
reference are one competence by the documents' own word, where the code names one
unit in each scheme (a code that names several units of one scheme identifies none). Where their titles differ,
the words one title has and the other lacks are candidates for saying the same
thing ("knowledge set" / "knowledge base"). A pair of words becomes an equivalence
only when it recurs across ``MIN_LINKS`` distinct linked pairs of titles: once may be
a rewording, twice is the corpus's habit. No list of synonyms is written by hand.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import product

from pipeline.core.records import Unit

MIN_LINKS = 2
# Titles that differ by more words than this are reworded whole: their words pair with nothing.
MAX_DIFFERENT_WORDS = 2


def learned_equivalences(titled: Iterable[tuple[Unit, tuple[str, ...]]]) -> dict[str, frozenset[str]]:
    """For each word, the words the corpus's linked titles use in its place (symmetric), from (unit, title words)."""
    # Each code as the documents write it, with the units stating it: a few codes stand for tens of thousands of units.
    written: dict[tuple[str, str], list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for unit, words in titled:
        if unit.nos_code:
            written["nos", unit.nos_code].append((unit.scheme, words))
        if unit.uan:
            written["uan", unit.uan].append((unit.scheme, words))
    # Each code given or taken case and spaces.
    by_key: dict[tuple[str, str], list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for (kind, code), stated in written.items():
        by_key[kind, code.strip().casefold()] += stated
    linked: set[frozenset[frozenset[str]]] = set()
    for members in by_key.values():
        schemes = [scheme for scheme, _ in members]
        if len(schemes) != len(set(schemes)):
            continue
        sets = [(scheme, frozenset(words)) for scheme, words in members]
        for (scheme_a, a), (scheme_b, b) in product(sets, sets):
            if scheme_a < scheme_b and a != b and a and b:
                linked.add(frozenset((a, b)))
    counts: Counter[frozenset[str]] = Counter()
    for link in linked:
        a, b = sorted(link, key=sorted)
        only_a, only_b = a - b, b - a
        if 0 < len(only_a) <= MAX_DIFFERENT_WORDS and 0 < len(only_b) <= MAX_DIFFERENT_WORDS:
            counts.update(frozenset(p) for p in product(only_a, only_b))
    found: dict[str, set[str]] = defaultdict(set)
    for swapped, n in counts.items():
        if n >= MIN_LINKS and len(swapped) == 2:
            first, second = sorted(swapped)
            found[first].add(second)
            found[second].add(first)
    return {w: frozenset(others) for w, others in sorted(found.items())}
