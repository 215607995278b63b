"""The real successor development set: the 2013 Customer Service NOS, matched next to what ``raw/`` publishes.

``nos_2013.tsv`` lists the 2013 standards' codes and titles as printed. They are fed
to ``match_corpus`` as unit records with a code and a title only, from a scheme
declared to supersede ``nos-2010``. The 2013 code keeps the 2010 number
(``A13`` -> ``CFACSA13``): that gives the truth here, and only here; the matcher
never compares codes of two schemes.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from pipeline.core.manifest import Entry, load_manifest
from pipeline.core.records import Unit
from pipeline.core.schemas import DATASETS
from pipeline.match import MatchResult, match_corpus
from pipeline.parse.profiles import PROFILES
from pipeline.store.tables import read_records

FILE = "nos_2013.tsv"
OLD_SCHEME = "nos-2010"
NEW_SCHEME = "nos-2013"
CODE_PREFIX = "CFACS"  # the 2013 code is the 2010 code behind this prefix (truth only)


def read_successor_units(folder: Path) -> list[Unit]:
    """The 2013 standards as unit records: code and title, nothing else."""
    path = folder / FILE
    if not path.exists():
        raise SystemExit(f"{path} is missing: give the development set's folder with --successor DIR")
    with path.open(newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [Unit(f"{NEW_SCHEME}:{r['code']}", NEW_SCHEME, r["code"], r["title"], doc_id=NEW_SCHEME)
            for r in csv.DictReader(lines, delimiter="\t")]


def match_with_successor(root: Path, successor: list[Unit], overrides: Path) -> tuple[MatchResult, list[Unit]]:
    """``match_corpus`` on the published units, criteria and outcomes plus the successor units; and those units."""
    extracted = root / "extracted"
    units = read_records(DATASETS["units"], extracted / "units.parquet")
    criteria = read_records(DATASETS["criteria"], extracted / "criteria.parquet")
    outcomes = read_records(DATASETS["outcomes"], extracted / "outcomes.parquet")
    entries = load_manifest(root / "raw", frozenset(PROFILES))
    entries.append(Entry(NEW_SCHEME, FILE, "Skills CFA", NEW_SCHEME, "Customer Service NOS 2013 (contents list)",
                         published=dt.date(2013, 2, 1), supersedes=(OLD_SCHEME,)))
    return match_corpus(units + successor, criteria, entries, overrides, outcomes=outcomes), units


def truth(result_units: list[Unit], successor: list[Unit]) -> set[tuple[str, str]]:
    """(2010 standard, 2013 standard) pairs by code continuity, for the 2013 codes the list holds."""
    listed = {u.unit_code for u in successor}
    return {(u.unit_key, f"{NEW_SCHEME}:{CODE_PREFIX}{u.unit_code}") for u in result_units
            if u.scheme == OLD_SCHEME and f"{CODE_PREFIX}{u.unit_code}" in listed}
