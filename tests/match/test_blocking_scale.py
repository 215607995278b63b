"""Blocking at scale: bounded blocks, and recall on a synthetic corpus made from the real units."""

from __future__ import annotations

import pytest

from pipeline.match.blocking import MAX_BLOCK, block
from pipeline.match.features import prepare
from pipeline.match.succession import scheme_rank
from pipeline.parse.corpus import build_corpus
from tests.bench.synthetic import SyntheticCorpus, synthetic_corpus
from tests.conftest import manifest, parsed
from tests.match.factories import unit


@pytest.fixture(scope="module")
def synthetic() -> SyntheticCorpus:
    entries = list(manifest().values())
    real = build_corpus({e.doc_id: parsed(e.doc_id) for e in entries}, entries, "nos-2010")
    return synthetic_corpus(real.units, real.criteria, n_units=2000, schemes=4, seed=11)


def test_the_synthetic_corpus_knows_its_true_pairs(synthetic):
    assert len(synthetic.units) >= 2000
    keys = {u.unit_key for u in synthetic.units}
    assert all(a in keys and b in keys and a < b for a, b in synthetic.true_pairs)
    assert {u.scheme for u in synthetic.units} == {"syn-0", "syn-1", "syn-2", "syn-3"}


def test_blocking_finds_at_least_99_percent_of_the_true_pairs(synthetic):
    rank = scheme_rank(synthetic.entries, {u.scheme for u in synthetic.units})
    result = block(prepare(synthetic.units, synthetic.criteria), rank.__getitem__)
    found = synthetic.true_pairs & set(result.pairs)
    assert len(found) / len(synthetic.true_pairs) >= 0.99
    # and it is blocking: a small share of all cross-scheme pairs is compared
    assert result.comparisons < 0.05 * result.all_pairs


def _word(i: int) -> str:
    """A made-up title word of letters only (the lemmatizer drops digits)."""
    return "topic" + "".join(chr(ord("a") + int(d)) for d in str(i))


def test_a_key_that_too_many_units_share_is_split_by_title_words():
    # Hundreds of units name one NOS code: compared only where a title word also agrees.
    many = [unit(f"s{i % 2}", str(i), f"Deliver service {'tea' if i < 4 else _word(i)}", nos_code="A1")
            for i in range(MAX_BLOCK * 3)]
    result = block(prepare(many, []), {"s0": 0, "s1": 1}.__getitem__)
    assert ("s0:0", "s1:1") in result.rules and result.rules[("s0:0", "s1:1")][0] == "nos"
    assert ("s0:0", "s1:5") not in result.rules
    assert result.comparisons < MAX_BLOCK * MAX_BLOCK


def test_a_key_of_few_titles_that_many_schemes_state_is_kept_whole():
    # Ten titles, each stated by four schemes: forty units, but ten titles to tell apart.
    schemes = {f"s{s}": s for s in range(4)}
    units = [unit(scheme, f"{t}", f"Deliver service {_word(t)}", nos_code="A1") for scheme in schemes for t in range(10)]
    assert len(units) > MAX_BLOCK
    result = block(prepare(units, []), schemes.__getitem__)
    assert result.rules[("s0:0", "s1:1")] == ("nos",)
    assert result.comparisons == 6 * 10 * 10 and result.blocks_left_out == 0
