"""Questions centres and analysts ask of the published outputs, answered with DuckDB."""

from __future__ import annotations

import dataclasses
import math
from contextlib import closing
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipeline.answers.rpl import RplResult, assess
from pipeline.core.errors import UsageError
from pipeline.core.paths import Paths
from pipeline.core.schemas import DATASETS
from pipeline.store.generations import current, published_dirs


def connect(paths: Paths) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per published dataset (``units``, ``unit_map``, ...)."""
    con = duckdb.connect()
    found = 0
    # Resolved once: every view reads the same generation even if a run publishes meanwhile.
    folders = published_dirs([paths.extracted, paths.mappings])
    for dataset in DATASETS.values():
        path: Path = folders[dataset.folder] / dataset.filename
        if path.exists():
            literal = str(path).replace("'", "''")  # views cannot take prepared parameters
            con.execute(f"CREATE VIEW {dataset.name} AS SELECT * FROM read_parquet('{literal}')")
            found += 1
    if not found:
        con.close()
        raise UsageError(f"no published datasets in {paths.extracted}: run `handbooks run` (or `make`) in the "
                         "project first, or give its folder with --root")
    return con


def sql(paths: Paths, statement: str) -> pd.DataFrame:
    """The result of one SQL statement over the datasets."""
    with closing(connect(paths)) as con:
        try:
            return con.execute(statement).df()
        except duckdb.Error as exc:
            raise UsageError(f"SQL error: {exc}") from exc


def find_units(con: duckdb.DuckDBPyConnection, needle: str) -> list[str]:
    """Unit keys named by a key, a code, a NOS code, or failing those, title words.

    A bare code also finds the units whose code ends in ``-<code>``: City & Guilds
    QCF codes carry the qualification number (``4430-303``), so "303" names both
    legacy ``303`` and ``4430-303``, and the answer must say so. The lookup page searches by the same rule.
    """
    needle = needle.strip()
    exact = con.execute(
        """SELECT unit_key FROM units
           WHERE unit_key = $1 OR unit_code = $1 OR nos_code = $1 OR ends_with(unit_code, '-' || $1)
           ORDER BY unit_code <> $1, unit_key""",
        [needle],
    ).fetchall()
    if exact:
        return [k for (k,) in exact]
    words = [w for w in needle.lower().split() if w]
    if not words:
        return []
    condition = " AND ".join(f"lower(title) LIKE ${i + 1}" for i in range(len(words)))
    rows = con.execute(f"SELECT unit_key FROM units WHERE {condition} ORDER BY unit_key", [f"%{w}%" for w in words])
    return [k for (k,) in rows.fetchall()]


_MAP_COLUMNS = [f.name for f in DATASETS["unit_map"].schema]


def lookup(paths: Paths, needle: str) -> dict[str, Any]:
    """Each unit the needle names, its family across schemes, and its old-to-new mappings, as plain data."""
    with closing(connect(paths)) as con:
        keys = find_units(con, needle)
        if not keys:
            raise UsageError(f"no unit found for {needle!r} (try a unit key such as cg-legacy:207, a code or title words)")
        units: list[dict[str, Any]] = []
        for key in keys:
            unit = con.execute("SELECT unit_key, scheme, unit_code, title, level, credits, nos_code, status, "
                               "withdrawn_by FROM units WHERE unit_key = ?", [key]).df().to_dict("records")[0]
            unit["family"] = con.execute(
                """SELECT f.family_id, u.unit_key, u.title, u.level FROM families f JOIN units u USING (unit_key)
                   WHERE f.family_id IN (SELECT family_id FROM families WHERE unit_key = ?) AND u.unit_key <> ?
                   ORDER BY u.unit_key""",
                [key, key],
            ).df().to_dict("records")
            unit["mappings"] = con.execute(
                f"SELECT {', '.join('m.' + c for c in _MAP_COLUMNS)}, t.withdrawn_by AS to_withdrawn_by "
                "FROM unit_map m LEFT JOIN units t ON t.unit_key = m.to_key WHERE m.from_key = $1 OR m.to_key = $1 "
                "ORDER BY m.from_key, m.to_key", [key]).df().to_dict("records")
            units.append(_plain(unit))
    schemes = sorted({u["scheme"] for u in units})
    note = None
    if len(schemes) > 1:
        named = [u["unit_key"] + ("" if needle in (u["unit_key"], u["unit_code"]) else
                                  f" (NOS {needle})" if u["nos_code"] == needle else f" (code {u['unit_code']})")
                 for u in units]
        note = f"{needle} names units in {len(schemes)} schemes: {', '.join(named)}"
    return {"query": needle, "note": note, "units": units}


def _plain(value: Any) -> Any:
    """Frame values as JSON-ready Python (no NaN, NA or numpy scalars)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def rpl(paths: Paths, held: list[str], target: str) -> RplResult:
    """What the held units credit in the target qualification, and what remains to complete it."""
    with closing(connect(paths)) as con:
        result = assess(con, held, target)
    generation = current(paths.extracted)
    return dataclasses.replace(result, generation=generation.name if generation else None)

