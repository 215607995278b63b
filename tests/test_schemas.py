"""The published datasets have exactly the columns and types of DESIGN.md."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipeline.core.schemas import DATASETS

# Copied from DESIGN.md ("Published datasets" and "Mappings"): the contract, by hand.
DESIGN_COLUMNS = {
    "documents": "doc_id path sha256 publisher scheme qualification title published supersedes replaces format "
                 "media_type pages status error parser_version share_in_records share_set_aside share_furniture "
                 "share_unaccounted pdf_producer pdf_creator",
    "qualifications": "qualification_id scheme awarding_body title level accreditation_number credits_min glh_min "
                      "glh_max tqt last_registration last_certification fee_gbp replaced_by doc_id page",
    "qualification_facts": "qualification_id field value doc_id page document_date",
    "rules": "qualification_id kind group level min_credits max_credits min_units max_units text",
    "units": "unit_key scheme unit_code title level credits glh uan nos_code ics_unit theme has_body status "
             "withdrawn_by doc_id page_start page_end",
    "unit_memberships": "qualification_id unit_key group mandatory",
    "outcomes": "unit_key outcome_no title doc_id page",
    "criteria": "criterion_key unit_key outcome_no criterion_no kind text verb doc_id page",
    "evidence_requirements": "unit_key number text items doc_id page",
    "key_words": "unit_key number text doc_id page",  # an addition to DESIGN.md: the legacy key words
    "notes": "unit_key outcome_no kind text doc_id page",  # an addition to DESIGN.md: Range/Guidance/Note
    "issues": "doc_id page line severity code message unit_code accepted",
    "families": "family_id unit_key",
    "unit_map": "from_key from_scheme from_code from_title to_key to_scheme to_code to_title nos_code relation "
                "predicate cardinality confidence method justification criteria_covered criteria_total status reviewer "
                "to_status",
    "criterion_map": "from_criterion_key to_criterion_key score",
}


@pytest.mark.parametrize("name", sorted(DESIGN_COLUMNS))
def test_columns_match_the_design(name):
    assert DATASETS[name].schema.names == DESIGN_COLUMNS[name].split()


def test_unit_matches_carry_the_design_features():
    names = DATASETS["unit_matches"].schema.names
    assert names[:2] == ["left_key", "right_key"]
    assert {"nos_equal", "title_score", "criteria_score", "level_diff", "score", "decision"} <= set(names)


@pytest.mark.parametrize("dataset, column, arrow_type, nullable", [
    ("documents", "pages", pa.int32(), False),
    ("documents", "pdf_producer", pa.string(), True),
    ("documents", "pdf_creator", pa.string(), True),
    ("qualifications", "level", pa.int8(), True),
    ("qualifications", "credits_min", pa.int16(), True),
    ("qualifications", "last_registration", pa.date32(), True),
    ("qualifications", "fee_gbp", pa.decimal128(9, 2), True),
    ("units", "has_body", pa.bool_(), False),
    ("units", "glh", pa.int16(), True),
    ("evidence_requirements", "items", pa.list_(pa.string()), False),
    ("criteria", "verb", pa.string(), True),
    ("notes", "outcome_no", pa.string(), True),
    ("unit_map", "criteria_total", pa.int16(), True),
    ("unit_map", "confidence", pa.float64(), False),
])
def test_types(dataset, column, arrow_type, nullable):
    field = DATASETS[dataset].schema.field(column)
    assert (field.type, field.nullable) == (arrow_type, nullable)
