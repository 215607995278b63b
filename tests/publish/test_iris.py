"""IRIs and CURIEs of keys: a CURIE expanded through the curie map is the key's IRI, and keys never share one."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.ids import criterion_key, unit_key
from pipeline.publish.iris import curie, curie_prefix, iri, outcome_iri, scheme_prefix
from tests.test_ids import codes, numbers, schemes

BASE = "https://units.example.ac.uk/v1/"
keys = st.one_of(st.builds(unit_key, schemes, codes),
                 st.builds(lambda s, c, n: criterion_key(unit_key(s, c), n), schemes, codes, numbers))


def test_the_documents_examples():
    assert iri(BASE, "cg-legacy:207") == "https://units.example.ac.uk/v1/scheme/cg-legacy/207"
    assert iri(BASE, "cg-legacy:207#207.1.1") == "https://units.example.ac.uk/v1/scheme/cg-legacy/207#207.1.1"
    assert curie("cg-4430:4430-303") == "cg_4430:4430-303"
    assert outcome_iri(BASE, "cg-4430:4430-303", "1") == "https://units.example.ac.uk/v1/scheme/cg-4430/4430-303/1"
    # a unit reference as a code stays one path segment
    assert iri(BASE, "ofqual:R/601/1226") == "https://units.example.ac.uk/v1/scheme/ofqual/R%2F601%2F1226"


@given(keys)
def test_a_curie_expanded_through_the_curie_map_is_the_iri(key):
    scheme = key.split(":", 1)[0]
    prefix, local = curie(key).split(":", 1)
    assert prefix == curie_prefix(scheme) and prefix.replace("_", "").isalnum()  # sssom-py's [A-Za-z0-9_.]+
    assert scheme_prefix(BASE, scheme) + local == iri(BASE, key)
    assert not any(c.isspace() for c in iri(BASE, key)) and urlsplit(iri(BASE, key)).netloc == "units.example.ac.uk"


@given(keys, keys)
def test_two_keys_share_an_iri_only_if_they_are_one_key(one, other):
    assert (iri(BASE, one) == iri(BASE, other)) == (one == other)
    assert (curie(one) == curie(other)) == (one == other)

