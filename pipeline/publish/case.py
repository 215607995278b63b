"""Units, outcomes, criteria and mappings as 1EdTech CASE 1.1 packages: one CFPackage JSON file per scheme.

A file is what CASE 1.1 serves for ``GET /CFPackages/{id}`` (``CFPackageDType``):
``CFDocument``, ``CFItems`` and ``CFAssociations`` at the top level, in their package
shapes, which leave out the ``CFDocumentURI`` and ``CFPackageURI`` that the package
itself implies. Identifiers are UUIDv5 of the pipeline's keys, so they stay the same
across runs and releases; each ``uri`` is the key's IRI under the manifest's
``base_uri``, the same IRI that the SSSOM file's curie map gives it. Associations:
every item ``isChildOf`` its parent (criterion -> outcome -> unit -> document);
mappings give ``exactMatchOf`` (SKOS exact match) or ``isRelatedTo`` (other
relations, not rejected), and a withdrawn unit is ``replacedBy`` what it maps to.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from pipeline.core.manifest import Publishing
from pipeline.core.records import Criterion, Document, Outcome, Unit, UnitMapRow
from pipeline.publish.iris import case_iri, iri, outcome_iri, scheme_prefix

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:handbook-pipeline")
CASE_VERSION = "1.1"
_EPOCH = "1970-01-01T00:00:00+00:00"


def _id(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


class _Link(TypedDict):
    """A link to an item or document, as an association's origin or destination."""

    title: str
    identifier: str
    uri: str


class _Association(TypedDict):
    """A CFAssociation in its package shape."""

    identifier: str
    uri: str
    associationType: str
    originNodeURI: _Link
    destinationNodeURI: _Link
    lastChangeDateTime: str


@dataclass
class _Contents:
    """The CFItems and CFAssociations of one scheme's package, each stamped with the package's last change."""

    base: str
    changed: str
    items: list[dict[str, str]] = field(default_factory=list)
    associations: list[_Association] = field(default_factory=list)

    def ref(self, kind: str, key: str, title: str, uri: str | None = None) -> _Link:
        """A link to an item or document: its title, identifier and IRI (the key's, unless given)."""
        return {"title": title, "identifier": _id(kind, key), "uri": uri or iri(self.base, key)}

    def item(self, kind: str, key: str, statement: str, code: str, item_type: str, uri: str | None = None) -> _Link:
        link = self.ref(kind, key, statement, uri)
        self.items.append({"identifier": link["identifier"], "uri": link["uri"], "fullStatement": statement,
                           "humanCodingScheme": code, "CFItemType": item_type, "lastChangeDateTime": self.changed})
        return link

    def associate(self, kind: str, origin: _Link, destination: _Link) -> None:
        key = f"{kind}:{origin['identifier']}:{destination['identifier']}"
        identifier = _id("association", key)
        self.associations.append({"identifier": identifier, "uri": case_iri(self.base, "association", identifier),
                                  "associationType": kind, "originNodeURI": origin, "destinationNodeURI": destination,
                                  "lastChangeDateTime": self.changed})


def case_packages(documents: Sequence[Document], units: Sequence[Unit], outcomes: Sequence[Outcome],
                  criteria: Sequence[Criterion], unit_map: Sequence[UnitMapRow], publishing: Publishing) -> dict[str, bytes]:
    """File name -> CFPackage JSON, one per scheme that has units."""
    base = publishing.base_uri
    dated = {d.doc_id: d.published for d in documents}
    publisher = {d.doc_id: d.publisher for d in documents}
    by_scheme: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        by_scheme[unit.scheme].append(unit)
    outcomes_of: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        outcomes_of[outcome.unit_key].append(outcome)
    criteria_of: dict[str, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        criteria_of[criterion.unit_key].append(criterion)
    titles = {u.unit_key: u.title for u in units}
    withdrawn = {u.unit_key for u in units if u.status == "withdrawn"}
    packages: dict[str, bytes] = {}
    for scheme, members in sorted(by_scheme.items()):
        dates = sorted(str(dated[u.doc_id]) for u in members if dated.get(u.doc_id))
        changed = f"{dates[-1]}T00:00:00+00:00" if dates else _EPOCH
        contents = _Contents(base, changed)
        document = contents.ref("document", scheme, f"Units of scheme {scheme}", scheme_prefix(base, scheme))
        creators = sorted({publisher.get(u.doc_id) or "" for u in members} - {""})
        for unit in sorted(members, key=lambda u: u.unit_key):
            unit_ref = contents.item("unit", unit.unit_key, unit.title, unit.unit_code, "Unit")
            contents.associate("isChildOf", unit_ref, document)
            outcome_refs: dict[str, _Link] = {}
            for outcome in sorted(outcomes_of[unit.unit_key], key=lambda o: o.outcome_no):
                key = f"{unit.unit_key}/{outcome.outcome_no}"
                outcome_refs[outcome.outcome_no] = contents.item(
                    "outcome", key, outcome.title, f"{unit.unit_code}/{outcome.outcome_no}", "Learning outcome",
                    outcome_iri(base, unit.unit_key, outcome.outcome_no))
                contents.associate("isChildOf", outcome_refs[outcome.outcome_no], unit_ref)
            for criterion in sorted(criteria_of[unit.unit_key], key=lambda c: c.criterion_key):
                link = contents.item("criterion", criterion.criterion_key, criterion.text,
                                     f"{unit.unit_code}#{criterion.criterion_no}", f"{criterion.kind.capitalize()} criterion")
                contents.associate("isChildOf", link, outcome_refs.get(criterion.outcome_no or "", unit_ref))
        for row in unit_map:
            if row.from_scheme != scheme or not row.to_key or row.relation == "none" or row.status == "rejected":
                continue
            origin = contents.ref("unit", row.from_key, row.from_title)
            destination = contents.ref("unit", row.to_key, titles.get(row.to_key, ""))
            contents.associate("exactMatchOf" if row.predicate == "skos:exactMatch" else "isRelatedTo", origin, destination)
            if row.from_key in withdrawn:
                contents.associate("replacedBy", origin, destination)
        package = {
            # creator is required: where no document names its publisher, the package says so
            "CFDocument": {**{k: document[k] for k in ("identifier", "uri", "title")},
                           "creator": ", ".join(creators) or "publisher not stated", "caseVersion": CASE_VERSION,
                           "subject": [scheme], "lastChangeDateTime": changed},
            "CFItems": contents.items,
            "CFAssociations": sorted(contents.associations, key=lambda a: a["identifier"]),
        }
        packages[f"{scheme}.json"] = json.dumps(package, indent=1, ensure_ascii=False).encode("utf-8")
    return packages
