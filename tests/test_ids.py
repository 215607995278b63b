"""Unit and criterion keys: round trips, and the malformed keys they refuse."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.ids import criterion_key, split_criterion_key, split_unit_key, unit_key

schemes = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
# Codes and criterion numbers as the schemes write them, and any other text the keys allow.
codes = st.one_of(
    st.sampled_from(["4430-303", "207", "A13", "F1", "R/601/1226"]),
    st.text(min_size=1).filter(lambda s: ":" not in s and "#" not in s),
)
numbers = st.one_of(
    st.sampled_from(["1.1", "3.10", "207.1.1", "k.a", "1"]),
    st.text(min_size=1).filter(lambda s: "#" not in s),
)


@given(schemes, codes)
def test_unit_key_round_trips(scheme, code):
    key = unit_key(scheme, code)
    assert key == f"{scheme}:{code}"
    assert split_unit_key(key) == (scheme, code)


@given(schemes, codes, numbers)
def test_criterion_key_round_trips(scheme, code, number):
    key = criterion_key(unit_key(scheme, code), number)
    assert key == f"{scheme}:{code}#{number}"
    assert split_criterion_key(key) == (unit_key(scheme, code), number)
    assert split_unit_key(split_criterion_key(key)[0]) == (scheme, code)


@pytest.mark.parametrize(
    ("key", "parts"),
    [
        ("cg-4430:4430-303", ("cg-4430", "4430-303")),
        ("cg-legacy:207", ("cg-legacy", "207")),
        ("nos-2010:A13", ("nos-2010", "A13")),
    ],
)
def test_unit_keys_of_the_contract(key, parts):
    assert split_unit_key(key) == parts and unit_key(*parts) == key


@pytest.mark.parametrize(
    ("key", "parts"),
    [
        ("cg-4430:4430-303#1.1", ("cg-4430:4430-303", "1.1")),
        ("cg-legacy:207#207.1.1", ("cg-legacy:207", "207.1.1")),
        ("cg-legacy:207#k.a", ("cg-legacy:207", "k.a")),
    ],
)
def test_criterion_keys_of_the_contract(key, parts):
    assert split_criterion_key(key) == parts and criterion_key(*parts) == key


@pytest.mark.parametrize(
    ("make", "args"),
    [
        (unit_key, ("CG", "303")),  # schemes are lower case
        (unit_key, ("4430", "303")),  # and start with a letter
        (unit_key, ("cg", "")),
        (unit_key, ("cg", "a:b")),
        (unit_key, ("cg", "a#b")),
        (split_unit_key, ("cg-4430",)),
        (split_unit_key, (":303",)),
        (split_unit_key, ("cg-4430:",)),
        (split_unit_key, ("CG:303",)),
        (criterion_key, ("cg:303", "")),
        (criterion_key, ("cg:303", "1#2")),
        (criterion_key, ("303", "1.1")),
        (split_criterion_key, ("cg:303",)),
        (split_criterion_key, ("303#1.1",)),
        (split_criterion_key, ("cg:303#",)),  # an empty criterion number
        (split_unit_key, ("cg:a:b",)),  # codes hold no ':'
        (split_unit_key, ("cg:a#b",)),  # nor '#'
        (split_criterion_key, ("cg:a#b#1",)),
        (split_unit_key, ("cg\n:303",)),  # a scheme is the whole part before ':'
    ],
)
def test_malformed_keys_are_refused(make, args):
    with pytest.raises(ValueError):
        make(*args)
