"""``mappings/index.html``: the lookup page for centres, one static file with its data inlined."""

from __future__ import annotations

import json
from importlib import resources
from typing import Mapping, Sequence

# What the page needs of each dataset; the rest stays in the Parquet files.
_FIELDS = {
    "units": ("unit_key", "scheme", "unit_code", "title", "level", "credits", "nos_code", "status"),
    "criteria": ("criterion_key", "unit_key", "criterion_no", "text"),
    "families": ("family_id", "unit_key"),
    "unit_map": ("from_key", "from_scheme", "from_title", "to_key", "to_title", "relation", "confidence", "method",
                 "justification", "criteria_covered", "criteria_total", "status", "to_status"),
    "criterion_map": ("from_criterion_key", "to_criterion_key"),
    "qualifications": ("qualification_id", "scheme", "title", "credits_min"),
    "unit_memberships": ("qualification_id", "unit_key", "group", "mandatory"),
    "rules": ("qualification_id", "group", "min_credits", "min_units"),
}


def lookup_page(records: Mapping[str, Sequence[object]]) -> bytes:
    """The page, with the records it needs (by dataset name) inlined as JSON."""
    data = {
        "memberships" if name == "unit_memberships" else name:
            [{f: getattr(r, f) for f in fields} for r in records[name]]
        for name, fields in _FIELDS.items()
    }
    # "</" would end the script element that holds the data
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    template = resources.files("pipeline.publish").joinpath("lookup_page.html").read_text(encoding="utf-8")
    return template.replace("__DATA__", payload).encode("utf-8")
