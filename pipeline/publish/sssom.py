"""The unit map as SSSOM TSV: a YAML header of ``#`` lines, then one mapping per row.

Units are written as CURIEs (``cg_legacy:207`` for ``cg-legacy:207``, see
:mod:`pipeline.publish.iris`): each scheme has a prefix in the ``curie_map`` that
expands to its units' IRIs under the manifest's ``base_uri``, and the mapping set
is named by the IRI it is published at there. Rows with ``relation = none``
state no mapping and are left out; rejected rows are kept as negated mappings
(``predicate_modifier: Not``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence

from pipeline.core.manifest import Publishing
from pipeline.core.records import UnitMapRow
from pipeline.publish.iris import curie, curie_prefix, file_iri, scheme_prefix

FILE_NAME = "unit_map.sssom.tsv"
# method -> SEMAPV justification: a shared unit code, NOS code or unit reference is background knowledge,
# titles and criteria texts are compared lexically, overrides are a person's curation.
JUSTIFICATION = {
    "code": "semapv:BackgroundKnowledgeBasedMatching",
    "nos": "semapv:BackgroundKnowledgeBasedMatching",
    "uan": "semapv:BackgroundKnowledgeBasedMatching",
    "title": "semapv:LexicalMatching",
    "criteria": "semapv:LexicalMatching",
    "override": "semapv:ManualMappingCuration",
}
COLUMNS = ("subject_id", "subject_label", "predicate_id", "predicate_modifier", "object_id", "object_label",
           "mapping_justification", "confidence", "comment", "author_label")
STANDARD_PREFIXES = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "semapv": "https://w3id.org/semapv/vocab/",
}


def sssom_tsv(rows: Sequence[UnitMapRow], publishing: Publishing) -> bytes:
    """The SSSOM TSV of the unit map's rows that name a new unit."""
    import pandas as pd  # here: only publishing the mappings needs pandas

    mapped = [(r, to_key) for r in rows if (to_key := r.to_key) and r.predicate]
    schemes = sorted({r.from_scheme for r, _ in mapped} | {r.to_scheme for r, _ in mapped if r.to_scheme})
    header = {
        "mapping_set_id": file_iri(publishing.base_uri, FILE_NAME),
        "mapping_set_title": "Old-to-new unit map of the qualification handbooks",
        "license": publishing.license,
        "curie_map": {**{curie_prefix(s): scheme_prefix(publishing.base_uri, s) for s in schemes},
                      **STANDARD_PREFIXES},
    }
    frame = pd.DataFrame(
        [
            {
                "subject_id": curie(r.from_key),
                "subject_label": r.from_title,
                "predicate_id": r.predicate,
                "predicate_modifier": "Not" if r.status == "rejected" else "",
                "object_id": curie(to_key),
                "object_label": r.to_title or "",
                "mapping_justification": JUSTIFICATION[r.method],
                "confidence": r.confidence,
                "comment": r.justification,
                "author_label": r.reviewer or ("" if r.status == "auto" else "reviewer"),
            }
            for r, to_key in mapped
        ],
        columns=list(COLUMNS),
    )
    out = io.StringIO()
    out.write("".join(f"#{line}\n" for line in _yaml(header)))
    frame.to_csv(out, sep="\t", index=False, lineterminator="\n")
    return out.getvalue().encode("utf-8")


def _yaml(header: Mapping[str, object]) -> list[str]:
    """The header as YAML lines; scalars are written as JSON strings, which YAML reads as they are."""
    lines = []
    for key, value in header.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [f"  {k}: {json.dumps(v)}" for k, v in value.items()]
        else:
            lines.append(f"{key}: {json.dumps(value)}")
    return lines
