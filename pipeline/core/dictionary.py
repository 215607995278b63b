"""What each published dataset and column means, with an example value: the data dictionary.

``pipeline.core.schemas`` attaches these as Arrow field metadata (``description``,
``example``), and the publish stage writes ``extracted/README.md`` and
``mappings/README.md`` from those schemas, so the files and their documentation
cannot drift apart.
"""

from __future__ import annotations

# Columns that mean the same in every dataset that has them: (meaning, example).
COMMON: dict[str, tuple[str, str]] = {
    "doc_id": ("the document (a `documents` row) the row was read from", "cg-4430-03-handbook"),
    "page": ("page of that document where the row starts, where known", "14"),
    "unit_key": ("the unit, as `<scheme>:<unit_code>`, unique across the corpus", "cg-4430:4430-303"),
    "qualification_id": ("the qualification: awarding body and number, or scheme and level", "cg-4430-03"),
    "scheme": ("the unit numbering scheme, as declared in the manifest", "cg-4430"),
    "title": ("the title as the document writes it", "Deal with customers in writing or electronically"),
    "text": ("the text as written, whitespace normalised and words broken across lines joined",
             "Minimum Credit Value: 42"),
    "group": ("the group of the rules of combination (`Mandatory`, an optional group's name, `Level 3`, "
              "`Optional`, `Overall`)", "Impression and Image"),
}

# One line per dataset: what one row is.
ROWS: dict[str, str] = {
    "documents": "one raw document of `raw/`, as this run read it",
    "qualifications": "one qualification seen in any document (values from the most recent document)",
    "qualification_facts": "one value a document states about a qualification, so conflicts stay visible",
    "rules": "one rule of combination of a qualification",
    "units": "one unit of a scheme, merged from every document that names it",
    "unit_memberships": "one unit offered by one qualification, in one group",
    "outcomes": "one learning outcome (QCF) or element (N/SVQ) of a unit",
    "criteria": "one assessment criterion, performance criterion or knowledge item of a unit",
    "evidence_requirements": "one numbered evidence requirement of a unit",
    "key_words": "one entry of a legacy unit's \"key words and phrases\" list",
    "issues": "one problem met while reading or parsing, or an override that could not apply",
    "notes": "one \"Range\", \"Guidance\" or \"Note\" paragraph under an outcome's criteria or a unit's knowledge",
    "unit_versions": "one unit as one document (edition) states it, whatever other documents say",
    "outcome_versions": "one outcome as one document (edition) states it",
    "criterion_versions": "one criterion as one document (edition) states it",
    "unit_matches": "one candidate pair of units from different schemes that the matcher scored",
    "families": "one unit in a family of units that are the same competence across schemes and levels",
    "unit_map": "one (old unit, new unit) row of the old-to-new table for APEL/RPL",
    "criterion_map": "one aligned pair of criteria between two matched units",
}

# Per dataset, columns not in COMMON or meaning more there: (meaning, example).
COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "documents": {
        "doc_id": ("the document's id, from the manifest (or the file name)", "cg-4430-03-handbook"),
        "path": ("the file, relative to `raw/`", "cg-4430-03-level3-nvq-diploma-handbook.txt"),
        "sha256": ("SHA-256 of the file's bytes; an unchanged hash is not extracted again", "185a437b…"),
        "publisher": ("who published the document", "City & Guilds"),
        "qualification": ("the qualification the document is about, where it is about one", "cg-4430-03"),
        "title": ("the document's title, from the manifest", "Level 3 NVQ Diploma in Customer Service handbook"),
        "published": ("publication date (a year is stored as 1 January)", "2010-01-01"),
        "supersedes": ("schemes or qualifications this document replaces: decides old and new", "['cg-legacy']"),
        "replaces": ("the doc_id of the earlier edition of the same document", "cg-4430-03-handbook-2009"),
        "format": ("the handbook family it was parsed as", "cg-qcf"),
        "media_type": ("the file's media type", "application/pdf"),
        "pages": ("number of pages", "71"),
        "status": ("`ok`, `partial` (error-level issues), `failed` (unreadable), or `stale` (failed this run; "
                   "last good records kept)", "ok"),
        "error": ("why the document failed, as `file:page:line: message`", "raw/broken.pdf: not a readable PDF"),
        "parser_version": ("pipeline and parser version that produced the records", "0.1.0+parser.2"),
        "share_in_records": ("the share of the document's text (characters of its non-blank lines) in records",
                             "0.695"),
        "share_set_aside": ("the share set aside by name: chapters deliberately not modelled, each reported as "
                            "`section-not-modelled`", "0.0"),
        "share_furniture": ("the share that is page furniture: running headers, footers, page numbers, "
                            "headings restated at a page top", "0.017"),
        "share_unaccounted": ("the share no record holds and nothing set aside by name: the `unparsed-text` "
                              "issues (the four shares sum to 1; empty for a failed document)", "0.288"),
        "pdf_producer": ("the tool that wrote the PDF, from its metadata (`Producer`); empty for other files",
                         "Skia/PDF m120"),
        "pdf_creator": ("the application the PDF was made from, from its metadata (`Creator`)",
                        "Adobe InDesign CS5 (7.0.4)"),
    },
    "qualifications": {
        "scheme": ("the scheme of the qualification's own units", "cg-4430"),
        "awarding_body": ("the awarding body", "City & Guilds"),
        "title": ("the qualification's title", "Level 3 NVQ Diploma in Customer Service"),
        "level": ("the qualification's level", "3"),
        "accreditation_number": ("Ofqual accreditation number (QAN)", "500/8818/X"),
        "credits_min": ("minimum credits to achieve the qualification", "42"),
        "glh_min": ("guided learning hours, lower bound", "153"),
        "glh_max": ("guided learning hours, upper bound", "173"),
        "tqt": ("total qualification time, hours", "220"),
        "last_registration": ("last date candidates can be registered", "2023-12-31"),
        "last_certification": ("last date candidates can be certificated", "2025-12-31"),
        "fee_gbp": ("registration fee in pounds", "66.00"),
        "replaced_by": ("the qualification that replaces it", "cg-4430-03"),
        "doc_id": ("the document the values come from", "cg-4430-catalogue"),
    },
    "qualification_facts": {
        "field": ("a column name of `qualifications`", "accreditation_number"),
        "value": ("the value as text (dates as YYYY-MM-DD)", "500/9348/4"),
        "document_date": ("publication date of the stating document", "2023-08-03"),
    },
    "rules": {
        "kind": ("what the rule constrains: `total`, `mandatory`, `group_min`, `group_max`, `level_min` (credits at "
                 "`level` or above), `units_min`, `units_max` or `import_cap` (units at exactly `level`); every bound "
                 "on the row is checked against the units of that scope", "level_min"),
        "level": ("the level of a `level_min` or `import_cap` rule", "3"),
        "min_credits": ("credits the rule's units need at least", "12"),
        "max_credits": ("credits the rule's units may give at most", "30"),
        "min_units": ("units the rule needs at least", "1"),
        "max_units": ("units the rule allows at most", "6"),
        "text": ("the sentence of the handbook the rule was read from", "A minimum of 22 credits must be at level 3"),
    },
    "units": {
        "unit_code": ("the code as the scheme writes it", "4430-303"),
        "level": ("the unit's level", "3"),
        "credits": ("credit value", "5"),
        "glh": ("guided learning hours", "33"),
        "uan": ("Ofqual/NDAQ or QCA/SQA unit reference: one unit, whoever publishes it", "R/601/1226"),
        "nos_code": ("the National Occupational Standard the unit is based on; for a standard itself (`uk-nos`), "
                     "its Original URN, the code it had before", "A13"),
        "ics_unit": ("Institute of Customer Service unit number", "13"),
        "theme": ("the handbook's theme or group heading for the unit", "Impression and Image"),
        "has_body": ("true when a document states the unit in full (outcomes, criteria)", "true"),
        "status": ("`current`, or `withdrawn` when the newest edition of a qualification no longer lists it",
                   "current"),
        "withdrawn_by": ("the doc_id of the edition that withdrew it", "cg-4430-03-handbook-2012"),
        "doc_id": ("the document its body came from, else the newest that lists it", "cg-4430-03-handbook"),
        "page_start": ("first page of the unit in that document", "40"),
        "page_end": ("last page of the unit in that document", "42"),
    },
    "unit_memberships": {
        "mandatory": ("true when the unit is mandatory in the qualification", "false"),
    },
    "outcomes": {
        "outcome_no": ("the outcome's number as written", "1"),
    },
    "criteria": {
        "criterion_key": ("the criterion, as `<unit_key>#<criterion_no>`", "cg-4430:4430-303#1.1"),
        "outcome_no": ("the outcome it belongs to", "1"),
        "criterion_no": ("the criterion's number as written (knowledge items `k.a`; a standard's `P1` and `K1`; a "
                         "grid's knowledge beside criterion 1.1, `K1.1`)", "1.1"),
        "kind": ("`assessment`, `performance` or `knowledge`", "assessment"),
        "verb": ("the lemmatised command verb", "explain"),
    },
    "evidence_requirements": {
        "number": ("the requirement's number as written", "1"),
        "items": ("the requirement's listed items", "['a letter', 'an email']"),
    },
    "key_words": {
        "number": ("the entry's number", "1"),
    },
    "notes": {
        "outcome_no": ("the outcome whose criteria the note follows; empty under knowledge", "1"),
        "kind": ("`range`, `guidance` or `note`, from the note's heading", "range"),
        "text": ("the note's text, its heading left out", "Customers: internal, external"),
    },
    "unit_versions": {
        "unit_code": ("the code as the scheme writes it", "4430-312"),
        "title": ("the title as this edition writes it", "Process customer service complaints"),
        "level": ("the level this edition states", "3"),
        "credits": ("the credit value this edition states", "6"),
        "glh": ("the guided learning hours this edition states", "40"),
        "uan": ("the unit reference this edition states", "D/601/1522"),
        "nos_code": ("the NOS code this edition states", "C7"),
        "ics_unit": ("the ICS unit number this edition states", "13"),
        "theme": ("the group or theme this edition puts it under", "Handling Problems"),
        "has_body": ("true when this edition states the unit in full", "true"),
        "published": ("this edition's publication date, where the manifest gives one", "2010-01-01"),
        "content_sha256": ("SHA-256 of the title, level, credits, GLH, outcomes and criteria as this edition "
                           "states them: equal hashes, same unit", "9f2c…"),
        "page_start": ("first page of the unit in this edition", "40"),
        "page_end": ("last page of the unit in this edition", "42"),
    },
    "outcome_versions": {
        "outcome_no": ("the outcome's number in this edition", "1"),
        "title": ("the outcome's title in this edition", "Deal with a complaint effectively"),
    },
    "criterion_versions": {
        "criterion_key": ("the criterion, as `<unit_key>#<criterion_no>`", "cg-4430:4430-303#1.3"),
        "text": ("the criterion's wording in this edition", "use language that is clear and concise"),
        "kind": ("`assessment`, `performance` or `knowledge`", "assessment"),
        "outcome_no": ("the outcome it belongs to in this edition", "1"),
    },
    "issues": {
        "doc_id": ("the document the problem is in (`overrides` for mappings/overrides.csv)", "cg-nsvq-l3-standards"),
        "line": ("line on that page (text files: line of the file)", "12"),
        "severity": ("`error` (fails the run unless accepted in the manifest) or `warning`", "warning"),
        "code": ("a stable code for the kind of problem; those of the reading stage: `pdf-unmapped-glyph` (glyphs "
                 "with no text mapping dropped from a page), `pdf-words-split` (words on the pages named look glued "
                 "together or split apart: the PDF's word spacing may be misread), `text-not-utf8` (a text file read "
                 "in another encoding)", "unit-body-missing"),
        "message": ("what was wrong, readable", "2 line(s) not parsed into any record: …"),
        "unit_code": ("the unit the problem concerns, where it concerns one (what `accept = [\"code:unit_code\"]` "
                      "in the manifest names)", "212"),
        "accepted": ("true when the manifest's `accept` for the document names this error", "false"),
    },
    "unit_matches": {
        "left_key": ("one unit of the pair", "cg-4430:4430-202"),
        "right_key": ("the other unit", "nos-2010:A3"),
        "uan_equal": ("whether the unit references agree (empty: one is missing)", "true"),
        "nos_equal": ("whether the NOS codes agree (empty: one is missing)", "true"),
        "title_score": ("title similarity, 0–1", "1.0"),
        "criteria_score": ("criteria text similarity, 0–1", "0.82"),
        "level_diff": ("level of right minus level of left", "0"),
        "theme_equal": ("whether the themes agree", "true"),
        "body_score": ("how much of one unit's title the other unit's outcome titles and criteria say, the better "
                       "of the two directions, 0–1 (empty: neither has a body)", "0.67"),
        "match_weight": ("the prior and every level's weight summed (log2 odds of a match): what ranks "
                         "a unit's candidates where probabilities round to 1", "12.4"),
        "score": ("match probability, 0–1, from the fitted model in `model.json`", "0.97"),
        "decision": ("`match`, `possible` (for a person to review) or `non-match`", "match"),
        "explanation": ("each comparison level hit and its weight", "nos exact +10.0; title exact (1.00) +10.0 …"),
    },
    "families": {
        "family_id": ("the family: the NOS code where there is one", "A13"),
    },
    "unit_map": {
        "from_key": ("the old unit (the one a candidate holds)", "cg-legacy:207"),
        "from_scheme": ("its scheme", "cg-legacy"),
        "from_code": ("its code", "207"),
        "from_title": ("its title", "Deal with customers in writing"),
        "to_key": ("the new unit it maps to; empty when relation is `none`", "cg-4430:4430-303"),
        "to_scheme": ("its scheme", "cg-4430"),
        "to_code": ("its code", "4430-303"),
        "to_title": ("its title", "Deal with customers in writing or electronically"),
        "nos_code": ("the NOS code both units share", "A13"),
        "relation": ("`equivalent` (the old unit covers the new one whole: every criterion of the new unit has a "
                     "counterpart, or identity is stated by the same unit reference, an Original URN or a person's "
                     "`confirm`), `partial` (anything less: a share of a split or merge, or coverage short of whole, "
                     "stated in `criteria_covered`/`criteria_total`) or `none` (looked at, no successor)",
                     "equivalent"),
        "predicate": ("the SKOS predicate, as in SSSOM; empty for `none`", "skos:exactMatch"),
        "cardinality": ("how many new units the old one maps to, and back", "1:1"),
        "confidence": ("how sure the mapping is, 0–1 (1.0 only on complete evidence)", "0.98"),
        "method": ("the strongest evidence used: `uan` (the same unit reference), `nos`, `criteria`, `title` or "
                   "`override`", "nos"),
        "justification": ("what agreed and how strongly, in one line", "same NOS A13; titles 0.92 alike; …"),
        "criteria_covered": ("of the new unit's criteria, how many have a counterpart in the old unit; "
                             "empty when criteria were not compared", "25"),
        "criteria_total": ("the new unit's criteria that were compared", "25"),
        "status": ("`auto` (the matcher), `confirmed` or `rejected` (a person, in overrides.csv)", "auto"),
        "reviewer": ("the note of the person who decided", "checked against both handbooks"),
        "to_status": ("`current`, or `withdrawn` when the new unit has since been withdrawn (a held unit whose only "
                      "successor is withdrawn earns no credit in RPL)", "current"),
    },
    "criterion_map": {
        "from_criterion_key": ("the old unit's criterion", "cg-legacy:207#207.1.1"),
        "to_criterion_key": ("the new unit's criterion it aligns with", "cg-4430:4430-303#1.1"),
        "score": ("text similarity of the two, 0–1", "0.91"),
    },
}


def describe(dataset: str, column: str) -> tuple[str, str] | None:
    """(meaning, example) of one column of one dataset, or None when undocumented."""
    return COLUMNS.get(dataset, {}).get(column) or COMMON.get(column)
