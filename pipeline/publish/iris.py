"""The published IRIs of units, outcomes and criteria, all under the manifest's ``base_uri``.

A key (``cg-legacy:207#207.1.1``) has one IRI, ``<base_uri>scheme/cg-legacy/207#207.1.1``
(a code's own ``/`` is encoded, so a unit is one path segment and its outcomes the next),
and one CURIE, ``cg_legacy:207#207.1.1``, whose prefix the SSSOM curie map expands to
``<base_uri>scheme/cg-legacy/``: a key written in SSSOM and as a CASE ``uri`` names one thing.
The prefix is the scheme with ``_`` for ``-`` because sssom-py reads a CURIE prefix as
``[A-Za-z0-9_.]+``: a hyphenated one is not seen as a prefix, and ``sssom parse`` drops it
from the curie map (scheme ids hold no ``_``, so no two schemes share a prefix).
"""

from __future__ import annotations

from urllib.parse import quote

from pipeline.core.ids import split_criterion_key, split_unit_key


def scheme_prefix(base_uri: str, scheme: str) -> str:
    """The IRI that a scheme's prefix expands to; also the IRI of the scheme's CASE document."""
    return f"{base_uri}scheme/{scheme}/"


def curie_prefix(scheme: str) -> str:
    """The CURIE prefix of a scheme's keys."""
    return scheme.replace("-", "_")


def curie(key: str) -> str:
    """A unit or criterion key as a CURIE: its scheme's prefix, and its code (and number) percent-encoded."""
    scheme, local = _split(key)
    return f"{curie_prefix(scheme)}:{local}"


def iri(base_uri: str, key: str) -> str:
    """The IRI of a unit or criterion key: its CURIE expanded."""
    scheme, local = _split(key)
    return scheme_prefix(base_uri, scheme) + local


def outcome_iri(base_uri: str, unit_key: str, outcome_no: str) -> str:
    """The IRI of an outcome: a path below its unit's IRI."""
    return f"{iri(base_uri, unit_key)}/{quote(outcome_no, safe='')}"


def _split(key: str) -> tuple[str, str]:
    """(scheme, the unit code percent-encoded, then ``#`` and the criterion number percent-encoded, if any)."""
    unit, number = split_criterion_key(key) if "#" in key else (key, None)
    scheme, code = split_unit_key(unit)
    return scheme, quote(code, safe="") + ("" if number is None else f"#{quote(number, safe='')}")


def file_iri(base_uri: str, name: str) -> str:
    """The IRI of a published file of ``mappings/`` (a mapping set is named by where it is published)."""
    return f"{base_uri}mappings/{quote(name)}"


def case_iri(base_uri: str, kind: str, identifier: str) -> str:
    """The IRI of a CASE object that no key names (an association), by its identifier."""
    return f"{base_uri}case/{kind}/{identifier}"
