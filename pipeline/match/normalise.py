"""Text normalisation for matching: content lemmas, and how rare each word is.

Titles and criteria are compared as sequences of lemmas with the function words
taken out: case, punctuation and apostrophes go ("customers’" and "customer's"
both become ``customer``), plurals fold into singulars through the lookup
lemmatizer, and possessives ("your", "their") are dropped, since the older
standards address the candidate ("your customer") where the QCF units speak of
the learner ("their customer").

Two general rules then make spellings of one word agree, each only where the
corpus itself writes the other form: a hyphenated or spaced compound is written
as one word when the corpus has that word ("on-line"/"online", "hand
over"/"handover"), else split ("customer-friendly" is "customer friendly"); and
a spelling variant folds into the other spelling by its ending ("organization"
is "organisation", "behavior" is "behaviour") when the corpus has that spelling.

A text's content words are so a function of the text and of which words the corpus
writes: a run that keeps them (``Settled``) with that vocabulary takes them again for
the old texts of a release whose new texts add no word an old text's words join or
fold into, and settles only the new texts.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from itertools import chain

from rapidfuzz.distance import Prefix

from pipeline.core.nlp import lemma_lists

# Function words: articles, prepositions, conjunctions, pronouns, possessives and
# auxiliaries. Kept short and explicit (spaCy's list also drops "make", "call" and
# "give", which carry meaning in unit titles such as "make telephone calls").
STOPWORDS = frozenset(
    """
    a an the and or nor but if then than so as of to in into on onto at by for from with
    within without about across through over under via per
    i me my mine myself we us our ours ourselves you your yours yourself yourselves
    he him his himself she her hers herself it its itself they them their theirs themselves
    one one's who whom whose which what that this these those
    be am is are was were been being do does did have has had can could may might must
    shall should will would all any each every some such other others
    """.split()  # noqa: SIM905 -- a word list reads best as the words
)

# A word counts as agreeing with a longer spelling of itself ("deliver"/"delivery",
# "organise"/"organisation", "improve"/"improvement") when they share this many
# leading letters, and the shared part covers most of the shorter word.
MIN_SHARED_PREFIX = 6
MIN_PREFIX_SHARE = 0.75

_APOSTROPHES = re.compile(r"[\u2019\u2018'`]")
# Each byte as itself if it is one of a-z, else a space.
_LETTERS_ONLY = bytes(byte if 97 <= byte <= 122 else 32 for byte in range(256))
# A hyphen standing alone between letters, digits or the text's ends (not in a run such as "--"): one of the
# joiners that may stand between a compound's halves, read as a space.
_HYPHEN = re.compile(r"(?<![^a-z0-9])[-\u2010\u2011](?![^a-z0-9])")
# Two words of letters alone with one space between: each such pair in turn, the second word left for the next.
_PAIRS = re.compile(r"(?<![a-z0-9])([a-z]+) (?=([a-z]+)(?![a-z0-9]))")
# Spelling variants by ending (one spelling, the other): a word folds into the other
# spelling only where the corpus writes that spelling too.
SPELLING_ENDINGS = (
    ("ization", "isation"), ("izing", "ising"), ("ized", "ised"), ("ize", "ise"), ("yze", "yse"),
    ("or", "our"), ("ter", "tre"), ("ense", "ence"), ("og", "ogue"), ("am", "amme"),
)


def _prepare(text: str) -> str:
    """Lower case, with apostrophes removed so possessives fold into their noun."""
    return _APOSTROPHES.sub(" ", text.lower())


def _vocabulary(prepared: list[str]) -> frozenset[str]:
    """The words (lower case, letters only) that texts already ``_prepare``d write."""
    # Read ten thousand texts at a time as UTF-8, every byte but a-z made a space (a character outside a-z is bytes
    # outside it too): the words are what the spaces leave. Each distinct word is made a string once.
    found: set[bytes] = set()
    for start in range(0, len(prepared), 10_000):
        found.update("\n".join(prepared[start:start + 10_000]).encode("utf-8", "surrogatepass")
                     .translate(_LETTERS_ONLY).split())
    return frozenset(word.decode("ascii") for word in found)


def compounds_joined(texts: list[str], known: frozenset[str]) -> list[str]:
    """Each of ``texts`` (prepared) with each two-word compound written as ``known`` writes it: one word, or two.

    A compound is two words of letters with a hyphen or one space between them; read from the left, a word joined
    to the one before is not joined to the one after.
    """
    return _compounds_joined(texts, known, _vocabulary(texts))


def _compounds_joined(texts: list[str], known: frozenset[str], written: frozenset[str]) -> list[str]:
    """``compounds_joined``, ``written`` the words of ``texts``."""
    spaced = [_HYPHEN.sub(" ", text) if "-" in text or "\u2010" in text or "\u2011" in text else text
              for text in texts]
    # The compounds are found from the words ``known`` writes, split in two where both halves are words of the
    # texts: most texts hold none of them, and only a text that may (it writes one's two words, a space between,
    # the second ending a word) is read pair by pair.
    joins = {(word[:cut], word[cut:]) for word in _joinable(known) for cut in range(1, len(word))
             if word[:cut] in written and word[cut:] in written}
    joins = {(first, second) for first, second in joins if _joins(first, second, known)}
    if not joins:
        return spaced
    holds = re.compile(f"(?<![a-z0-9]){_any_of(sorted(f'{first} {second}' for first, second in joins))}(?![a-z0-9])")
    return [_joined(text, joins) if holds.search(text) else text for text in spaced]


def _any_of(strings: list[str]) -> str:
    """A pattern matching any of ``strings`` (sorted, each of letters and spaces), their common openings written
    once: the regex engine then tries a few letters at each place of a text, not each string."""
    by_first: dict[str, list[str]] = {}
    for string in strings:
        by_first.setdefault(string[:1], []).append(string[1:])
    ends = by_first.pop("", None) is not None
    branches = "|".join(first + _any_of(rests) for first, rests in by_first.items())
    if not branches:
        return ""
    return f"(?:{branches})?" if ends else f"(?:{branches})"


def _joinable(known: frozenset[str]) -> set[str]:
    """The words two words of a compound may join into: those ``known`` writes, and those it writes as plurals."""
    return set(known).union(word[:-1] for word in known if word.endswith("s"))


def _joins(first: str, second: str, known: frozenset[str]) -> bool:
    """Whether two words are one compound: ``known`` writes them as one word (or its plural), a word of content."""
    joined = first + second
    # Two function words ("any one") are no compound; a compound is one word of content.
    return ((joined in known or f"{joined}s" in known) and joined not in STOPWORDS
            and not (first in STOPWORDS and second in STOPWORDS))


def _joined(text: str, joins: set[tuple[str, str]]) -> str:
    """``text`` with each pair of words of ``joins`` written as one word, from the left."""
    out: list[str] = []
    done = 0  # where the text not yet written out starts
    for match in _PAIRS.finditer(text):
        start, pair = match.start(), match.groups()
        if start >= done and pair in joins:
            out += [text[done:start], pair[0], pair[1]]
            done = start + len(pair[0]) + 1 + len(pair[1])
    out.append(text[done:])
    return "".join(out)


def spelling_folds(words: Iterable[str]) -> dict[str, str]:
    """For each word with a variant spelling among ``words``, the spelling it folds into."""
    known = set(words)
    return {word: variant for word in sorted(known) if (variant := _folded(word, known))}


def _folded(word: str, known: Container[str]) -> str | None:
    """The spelling ``word`` folds into among ``known``: its variant by the first ending that has one there."""
    for one, other in SPELLING_ENDINGS:
        if word.endswith(one) and len(word) > len(one) + 2:
            variant = word[: -len(one)] + other
            if variant in known:
                return variant
    return None


@dataclass(frozen=True)
class Settled:
    """Each text's content words as a run settled them, and the vocabulary they were settled against: the words the
    texts write (``written``), and those with the words of the texts' lemmas (``known``)."""

    words: dict[str, tuple[str, ...]]
    written: frozenset[str]
    known: frozenset[str]
    # What they grew from (an earlier run's, the texts ``added`` settled on top of it), and how a file held them
    # (``stored``): so that a release writes back the few texts it adds, not every text anew (``pipeline.match.kept``).
    earlier: Settled | None = field(default=None, compare=False, repr=False)
    added: tuple[str, ...] = field(default=(), compare=False, repr=False)
    stored: object = field(default=None, compare=False, repr=False)


@dataclass
class Lemmas:
    """Content lemmas (``_is_content``) by text: those an earlier run found (``known``, or read by ``unread`` when first
    needed), the texts this run asks for (``used``), and how many of them spaCy was asked for (``asked``); and the
    content words an earlier run settled (``settled``) and this run's (``settles``)."""

    known: dict[str, tuple[str, ...]] = field(default_factory=dict)
    used: dict[str, tuple[str, ...]] = field(default_factory=dict)
    asked: int = 0
    settled: Settled | None = None
    unread: Callable[[], dict[str, tuple[str, ...]]] | None = None
    settles: Settled | None = None

    def __call__(self, texts: list[str]) -> list[tuple[str, ...]]:
        """The content lemmas of each text, spaCy asked only for the texts not known."""
        if self.unread is not None:
            self.known.update(self.unread())
            self.unread = None
        known = self.known
        if missing := list(dict.fromkeys(t for t in texts if t not in known)):
            known.update(zip(missing, _lemmatised(missing)))
            self.asked += len(missing)
        found = list(map(known.__getitem__, texts))
        self.used.update(zip(texts, found))
        return found

    @property
    def changed(self) -> bool:
        """Whether the texts asked for, with their lemmas, differ from those known before this run."""
        return bool(self.asked) or len(self.used) != len(self.known)


def _lemmatised(texts: list[str]) -> list[tuple[str, ...]]:
    """The content lemmas of each text, from spaCy."""
    found = lemma_lists(texts)
    # A corpus writes a few thousand lemmas over a hundred thousand texts: each is judged a content word once, and
    # each spelling is held once.
    content = {lemma: sys.intern(lemma) for lemma in set(chain.from_iterable(found)) if _is_content(lemma)}
    return [tuple(map(content.__getitem__, filter(content.__contains__, lemmas))) for lemmas in found]


def content_words(texts: list[str], lemmas: Lemmas | None = None) -> list[tuple[str, ...]]:
    """For each text, its lemmas without function words, in order, compounds and spellings as the texts' own
    vocabulary writes them. ``lemmas`` may know some texts' lemmas, or their content words, from an earlier run.
    """
    lemmas = lemmas or Lemmas()
    settles = _settled_again(texts, lemmas.settled) if lemmas.settled is not None else None
    if settles is None:
        each = list(dict.fromkeys(texts))  # each distinct text once
        prepared = [_prepare(t) for t in each]
        known = _vocabulary(prepared)
        # Criteria repeat word for word across units and schemes: each distinct text goes through spaCy once.
        found = lemmas(_compounds_joined(prepared, known, known))
        del prepared
        vocabulary = known.union(chain.from_iterable(found))
        folds = spelling_folds(vocabulary)
        if folds:
            found = [words if folds.keys().isdisjoint(words) else tuple(folds.get(w, w) for w in words)
                     for words in found]
        settles = Settled(dict(zip(each, found)), known, vocabulary)
    lemmas.settles = settles
    return list(map(settles.words.__getitem__, texts))


def _settled_again(texts: list[str], settled: Settled) -> Settled | None:
    """The content words of ``texts`` settled from those ``settled`` holds, the new texts' found anew; None unless
    ``texts`` hold every text settled and the new texts change none of their words.

    An old text's words change only when a compound its words may join into, or a spelling its words may fold
    into, comes or goes from the vocabulary: new texts only add words to it, so each word added is checked.
    """
    distinct = set(texts)
    new = sorted(distinct.difference(settled.words))
    if len(distinct) - len(new) != len(settled.words):  # a text settled before is gone: its words may have gone too
        return None
    del distinct
    if not new:
        return settled
    prepared = [_prepare(t) for t in new]
    written = _vocabulary(prepared)
    vocabulary = settled.written | written
    for word in written - settled.written:
        for joined in (word, word[:-1]) if word.endswith("s") else (word,):
            for cut in range(1, len(joined)):
                first, second = joined[:cut], joined[cut:]
                if (first in settled.written and second in settled.written
                        and _joins(first, second, vocabulary) != _joins(first, second, settled.written)):
                    return None
    found = _lemmatised(_compounds_joined(prepared, vocabulary, written))
    known = settled.known.union(written, chain.from_iterable(found))
    for word in known - settled.known:
        for one, other in SPELLING_ENDINGS:
            if word.endswith(other):
                spelling = word[: -len(other)] + one  # a word that may now fold into ``word``
                if spelling in settled.known and _folded(spelling, known) != _folded(spelling, settled.known):
                    return None
    folds = {word: folded for word in set(chain.from_iterable(found)) if (folded := _folded(word, known))}
    return Settled({**settled.words, **{text: tuple(folds.get(w, w) for w in words) for text, words in zip(new, found)}},
                   vocabulary, known, settled, tuple(new))


def _is_content(lemma: str) -> bool:
    """Whether a lemma is a word of content: neither a function word nor a single letter."""
    return lemma not in STOPWORDS and not (len(lemma) == 1 and lemma.isalpha())


def words_agree(a: str, b: str) -> bool:
    """Same lemma, or one a longer spelling of the other (a shared stem of six letters or more)."""
    if a == b:
        return True
    shared = Prefix.similarity(a, b)
    return shared >= MIN_SHARED_PREFIX and shared >= MIN_PREFIX_SHARE * min(len(a), len(b))


def counterparts(vocabulary: Iterable[str]) -> dict[str, frozenset[str]]:
    """For each word of ``vocabulary``, the words of it that agree with it (``words_agree``), itself included."""
    # Words that are not equal agree only through a shared stem of MIN_SHARED_PREFIX
    # letters: each word is compared only with the words opening with the same letters.
    by_stem: dict[str, list[str]] = {}
    for word in set(vocabulary):
        by_stem.setdefault(word[:MIN_SHARED_PREFIX], []).append(word)
    return {w: frozenset(o for o in stem if words_agree(w, o)) for stem in by_stem.values() for w in stem}


# Counts up to EXACT_COUNTS weigh as they are; larger ones go down to the step below, with
# STEPS_PER_DOUBLING steps from one power of two to the next (a word's weight is off by at
# most a third of a nat).
EXACT_COUNTS = 16
STEPS_PER_DOUBLING = 2


def stepped(count: int) -> float:
    """A count as rarity weighs it: exact when small, else rounded down to a step of half a doubling.

    A release that adds a few units moves a common word's count, but seldom across a
    step: the weights, and so the profiles of the units using those words, stay as
    they were, and the pairs compared before need not be compared again
    (``pipeline.match.kept``).
    """
    if count <= EXACT_COUNTS:
        return float(count)
    step: float = 2.0 ** (math.floor(math.log2(count) * STEPS_PER_DOUBLING) / STEPS_PER_DOUBLING)
    return step


@dataclass(frozen=True)
class Rarity:
    """Inverse document frequency of words over a set of distinct texts (rarer words weigh more), and their counterparts."""

    idf: dict[str, float]
    unseen: float
    # Each word's counterparts among the others, found once here rather than at each of
    # the corpus's comparisons (a title takes part in dozens).
    counterparts: dict[str, frozenset[str]]

    @classmethod
    def from_texts(cls, texts: Iterable[tuple[str, ...]], also: Iterable[str] = ()) -> Rarity:
        """IDF over *distinct* word sets, so a title that several schemes repeat word for word counts once;
        counterparts also for the words ``also`` names (the texts these are compared with)."""
        distinct = set(map(frozenset, set(texts)))  # texts repeat word for word: each is made a set once
        distinct.discard(frozenset())
        counts = Counter(chain.from_iterable(distinct))
        n = stepped(len(distinct))
        idf = {w: math.log((n + 1) / (stepped(c) + 0.5)) for w, c in counts.items()}
        return cls(idf, math.log((n + 1) / 0.5), counterparts(set(counts) | set(also)))

    def with_equivalences(self, equivalent: dict[str, frozenset[str]]) -> Rarity:
        """The same rarity, with each word also agreeing with the words ``equivalent`` gives it."""
        merged = dict(self.counterparts)
        for word, others in equivalent.items():
            merged[word] = merged.get(word, frozenset({word})) | others
        return Rarity(self.idf, self.unseen, merged)

    def weight(self, word: str) -> float:
        """The word's IDF; a word never seen weighs as much as the rarest."""
        return self.idf.get(word, self.unseen)
