"""The data dictionaries ``extracted/README.md`` and ``mappings/README.md``, written from the Arrow schemas."""

from __future__ import annotations

from pipeline.core.schemas import DATASETS

_INTRO = {
    "extracted": (
        "# Data dictionary: `extracted/`\n\n"
        "The datasets read from the handbooks in `raw/`: Parquet, zstd-compressed, one file per dataset, rows "
        "sorted by their key. Each column below also carries its description and example in the Parquet file's "
        "Arrow schema (field metadata `description`, `example`). `?` marks a column that may be empty.\n\n"
        "Keys: `unit_key` = `<scheme>:<unit_code>` (`cg-4430:4430-303`), `criterion_key` = "
        "`<unit_key>#<criterion_no>`. Never join units on bare numbers: legacy `303` is `cg-legacy:303`, "
        "not `cg-4430:4430-303`.\n"
    ),
    "mappings": (
        "# Data dictionary: `mappings/`\n\n"
        "How the units of the old schemes map to the new ones. `?` marks a column that may be empty.\n\n"
        "## Reading the unit map (for centres)\n\n"
        "Each row of `unit_map` (also `unit_map.csv`, `unit_map.xlsx`, and the lookup page `index.html`) "
        "says what one old unit, the one on a candidate's certificate, counts as in the new scheme.\n\n"
        "- **relation**: `equivalent`: the old unit covers the new one as a whole (one for one). "
        "`partial`: the old unit was split or merged, so it covers part of the new unit; check the criteria "
        "still to show. `none`: the old unit was looked at and no new unit matches it; no credit follows.\n"
        "- **confidence** (0–1): how complete the evidence is. 1.0 only where it is complete (same NOS code "
        "and aligned criteria, or a person's decision); lower values say what to check before crediting.\n"
        "- **method**: the strongest evidence used: `uan` (same unit reference), `nos` (same National "
        "Occupational Standard), `title` (titles alike), `criteria` (criteria texts alike), or `override` "
        "(a person's decision in `overrides.csv`). **justification** says in one line what agreed.\n"
        "- **coverage** (`criteria_covered` of `criteria_total`): of the new unit's criteria, how many have a "
        "counterpart among the old unit's. Empty when the criteria were not compared (one of the units has no "
        "criteria in the handbooks held): this is \"criteria not compared\", not zero.\n"
        "- **status**: `auto` (made by the matcher), `confirmed` or `rejected` (a person decided, in "
        "`overrides.csv`; a rejected row gives no credit). **to_status**: `withdrawn` when the new unit has "
        "since been withdrawn from its qualification.\n\n"
        "In CSV files, a text cell that a spreadsheet would run as a formula or read as a time or date "
        "(`=…`, `+…`, `-…`, `@…`, `1:1`) begins with an apostrophe, the spreadsheet's mark for text. That "
        "guard is visible: opened in a spreadsheet the cell shows the apostrophe as part of its text "
        "(LibreOffice Calc shows `'1:0`, `'=HYPERLINK(…)`). The CSV files are UTF-8 with a byte-order mark; "
        "if accents or curly quotes show as `â€™`, choose Unicode (UTF-8) in the import dialog. The workbook "
        "`unit_map.xlsx` needs no guard: every text is a text cell. **For analysis, read the Parquet files** "
        "(`unit_map.parquet`, `criterion_map.parquet`, …): every value as published, typed, with no "
        "apostrophes.\n\n"
        "## Other files\n\n"
        "| file | what |\n|---|---|\n"
        "| `index.html` | the lookup page for centres: open it in a browser, no server or network needed |\n"
        "| `unit_map.xlsx` | the unit map (sheet `unit_map`) and criterion alignments (sheet `criterion_map`) |\n"
        "| `unit_map.sssom.tsv` | the unit map as SSSOM (Simple Standard for Sharing Ontological Mappings); a "
        "unit is a CURIE such as `cg_legacy:207` (`-` in a scheme becomes `_`), which its `curie_map` expands "
        "to the unit's IRI under the manifest's `base_uri` |\n"
        "| `case/` | units, outcomes, criteria and mappings as 1EdTech CASE 1.1 packages (`CFPackage`), one file "
        "per scheme; each item's `uri` is the same IRI |\n"
        "| `review.csv` | pairs the matcher was unsure of, as a decision sheet in `overrides.csv`'s columns |\n"
        "| `model.json` | the matching model fitted to this corpus: each comparison's levels with m, u, Bayes factor "
        "and weight (log2), the prior match probability, and how EM converged; `unit_matches.explanation` "
        "reads from it |\n"
        "| `overrides.csv` | human decisions (`from_key`, `to_key`, `decision` confirm/reject, `note`), kept in git |\n"
    ),
}


def data_dictionary(folder: str) -> str:
    """The README of one output folder (``extracted`` or ``mappings``): every dataset and column."""
    parts = [_INTRO[folder], "\n## Datasets\n"]
    for dataset in (d for d in DATASETS.values() if d.folder == folder):
        schema = dataset.schema
        parts.append(f"\n### `{dataset.filename}`\n\n")
        parts.append(f"One row per {schema.metadata[b'description'].decode()}. Sorted by "
                     f"{', '.join(f'`{k}`' for k in dataset.key)}."
                     + (f" Also as `{dataset.name}.csv`." if dataset.csv else "") + "\n\n")
        parts.append("| column | type | meaning | example |\n|---|---|---|---|\n")
        for field in schema:
            meta = field.metadata or {}
            meaning = meta.get(b"description", b"").decode()
            example = meta.get(b"example", b"").decode()
            kind = f"{field.type}{'?' if field.nullable else ''}"
            parts.append(f"| `{field.name}` | {kind} | {_cell(meaning)} | {_cell(example)} |\n")
    return "".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
