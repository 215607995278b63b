"""``mappings/index.html``: the lookup page for centres, one static file with its data inlined.

The page's RPL is the one engine, ``pipeline/core/rpl_engine.js``, inlined as it is and run on
the inlined rows with the rule kinds of ``pipeline.core.rule_kinds``; ``handbooks rpl`` runs the
same file, and a parity test holds the page and ``rpl --json`` to identical answers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from pipeline.core import rpl_engine
from pipeline.core.rule_kinds import description, member_groups

# What the page needs of each dataset; the rest stays in the Parquet files.
_FIELDS = {
    "units": ("unit_key", "scheme", "unit_code", "title", "level", "credits", "nos_code", "status", "withdrawn_by",
              "doc_id"),
    "criteria": ("criterion_key", "unit_key", "criterion_no", "text"),
    "families": ("family_id", "unit_key"),
    "unit_map": ("from_key", "from_scheme", "from_title", "to_key", "to_title", "relation", "confidence", "method",
                 "justification", "criteria_covered", "criteria_total", "status", "to_status"),
    "criterion_map": ("from_criterion_key", "to_criterion_key"),
    "qualifications": ("qualification_id", "scheme", "title", "credits_min"),
    "unit_memberships": ("qualification_id", "unit_key", "group", "mandatory"),
    "rules": ("qualification_id", "kind", "group", "level", "min_credits", "max_credits", "min_units", "max_units",
              "text"),
    "documents": ("doc_id", "title", "qualification", "published"),
}


def lookup_page(records: Mapping[str, Sequence[Any]]) -> bytes:
    """The page, with the records it needs (by dataset name) inlined as JSON."""
    data: dict[str, Any] = {  # the page's JSON
        "memberships" if name == "unit_memberships" else name:
            [{f: getattr(r, f) for f in fields} for r in records[name]]
        for name, fields in _FIELDS.items()
    }
    theme = {u.unit_key: u.theme for u in records["units"]}
    for m in data["memberships"]:  # the rule groups each unit counts in, as rpl reads them
        m["groups"] = member_groups(m["group"], theme.get(m["unit_key"]), m["mandatory"])
    data["rule_kinds"] = description()
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    data["digest"] = hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    template = resources.files("pipeline.publish").joinpath("lookup_page.html").read_text(encoding="utf-8")
    engine = rpl_engine.source()
    if "</" in engine:  # it would end the script element that holds it
        raise ValueError(f"pipeline/{rpl_engine.ENGINE} contains '</', which cannot be inlined in a script element")
    page = template.replace("__ENGINE__", engine)
    # "</" would end the script element that holds the data
    return page.replace("__DATA__", payload.replace("</", "<\\/")).encode("utf-8")
