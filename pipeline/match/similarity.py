"""Word-set similarity: rarity-weighted agreement of two texts' content words (titles, criteria)."""

from __future__ import annotations

from pipeline.match.normalise import Rarity, words_agree


def _agreeing(words: frozenset[str], others: frozenset[str]) -> frozenset[str]:
    """The words that have a counterpart (same lemma or a longer spelling) among ``others``."""
    return frozenset(w for w in words if any(words_agree(w, o) for o in others))


def weighted_overlap(a: tuple[str, ...], b: tuple[str, ...], rarity: Rarity) -> float | None:
    """Weighted Dice coefficient of two word sets (0..1), each word weighing its rarity.

    A word shared by nearly every title ("customer", "service") adds almost
    nothing; a word only a few titles use ("telephone", "premise") decides.
    None when either side has no content words.
    """
    left, right = frozenset(a), frozenset(b)
    if not left or not right:
        return None
    left_agree, right_agree = _agreeing(left, right), _agreeing(right, left)
    if left_agree == left and right_agree == right:
        return 1.0
    # Summed in sorted order: set order varies between runs, float sums must not.
    total = _weight(left, rarity) + _weight(right, rarity)
    if total == 0:
        return 0.0
    return (_weight(left_agree, rarity) + _weight(right_agree, rarity)) / total


def _weight(words: frozenset[str], rarity: Rarity) -> float:
    return sum(rarity.weight(w) for w in sorted(words))


def shared_words(a: tuple[str, ...], b: tuple[str, ...], rarity: Rarity) -> tuple[str, ...]:
    """The words of ``a`` that ``b`` also has (or a longer spelling of), rarest first."""
    agreeing = _agreeing(frozenset(a), frozenset(b))
    return tuple(sorted(agreeing, key=lambda w: (-rarity.weight(w), w)))
