"""Questions centres and analysts ask of the published outputs, answered with DuckDB."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import duckdb

from pipeline.errors import UsageError
from pipeline.publish.generations import published_dirs
from pipeline.schemas import DATASETS


def connect(paths) -> duckdb.DuckDBPyConnection:
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
        raise UsageError("no published datasets: run `handbooks run` (or `make`) first")
    return con


def _table(con: duckdb.DuckDBPyConnection, statement: str, params: list | None = None) -> str:
    frame = con.execute(statement, params or []).df()
    return frame.to_string(index=False) if len(frame) else "(none)"


def sql(paths, statement: str, as_csv: bool = False) -> str:
    """The result of one SQL statement over the datasets, as a table or CSV."""
    with closing(connect(paths)) as con:
        try:
            frame = con.execute(statement).df()
        except duckdb.Error as exc:
            raise UsageError(f"SQL error: {exc}") from exc
    if as_csv:
        return frame.to_csv(index=False).rstrip("\n")
    return frame.to_string(index=False) if len(frame) else "(no rows)"


def _find_units(con: duckdb.DuckDBPyConnection, needle: str) -> list[str]:
    """Unit keys named by a key, a code, a NOS code, or failing those, title words."""
    exact = con.execute(
        "SELECT unit_key FROM units WHERE unit_key = $1 OR unit_code = $1 OR nos_code = $1 ORDER BY unit_key",
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


def lookup(paths, needle: str) -> str:
    """Each unit the needle names, its family across schemes, and its old-to-new mappings."""
    with closing(connect(paths)) as con:
        keys = _find_units(con, needle)
        if not keys:
            raise UsageError(f"no unit matches {needle!r} (try a unit key such as cg-legacy:207, a code or title words)")
        blocks = []
        for key in keys:
            unit = con.execute("SELECT unit_key, title, level, nos_code FROM units WHERE unit_key = ?", [key]).fetchone()
            head = f"{unit[0]}  {unit[1]}" + (f"  (level {unit[2]})" if unit[2] is not None else "") + (
                f"  NOS {unit[3]}" if unit[3] else "")
            family = _table(
                con,
                """SELECT f.family_id, u.unit_key, u.title, u.level FROM families f JOIN units u USING (unit_key)
                   WHERE f.family_id IN (SELECT family_id FROM families WHERE unit_key = ?) AND u.unit_key <> ?
                   ORDER BY u.unit_key""",
                [key, key],
            )
            mapped = _table(
                con,
                """SELECT from_key, to_key, relation, confidence, criteria_covered || '/' || criteria_total AS coverage,
                          method, status FROM unit_map WHERE from_key = $1 OR to_key = $1 ORDER BY from_key, to_key""",
                [key],
            )
            blocks.append(f"{head}\n  same competence:\n{_indent(family)}\n  mappings:\n{_indent(mapped)}")
        return "\n\n".join(blocks)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def rpl(paths, held: list[str], target: str) -> str:
    """Per unit of the target qualification: which held unit covers it and which criteria are still to show."""
    with closing(connect(paths)) as con:
        if not con.execute("SELECT 1 FROM unit_memberships WHERE qualification_id = ?", [target]).fetchone():
            raise UsageError(f"unknown qualification {target!r}; see `handbooks sql \"SELECT qualification_id, title FROM qualifications\"`")
        unknown = [k for k in held if not con.execute("SELECT 1 FROM units WHERE unit_key = ?", [k]).fetchone()]
        if unknown:
            raise UsageError(f"unknown unit key(s): {', '.join(unknown)}")
        con.execute("CREATE TEMP TABLE held AS SELECT unnest(?::VARCHAR[]) AS unit_key", [held])
        units = con.execute(
            """SELECT m.unit_key, u.title, m."group", m.mandatory,
                      string_agg(DISTINCT um.from_key || ' (' || um.relation || ')', ', ') AS credited_by
               FROM unit_memberships m JOIN units u USING (unit_key)
               LEFT JOIN unit_map um ON um.to_key = m.unit_key AND um.status <> 'rejected'
                    AND um.relation <> 'none' AND um.from_key IN (SELECT unit_key FROM held)
               WHERE m.qualification_id = ?
               GROUP BY ALL ORDER BY m.mandatory DESC, m."group", m.unit_key""",
            [target],
        ).fetchall()
        lines = [f"RPL for {target}, holding {', '.join(held)}"]
        for unit_key, title, group, mandatory, credited_by in units:
            if not credited_by:
                continue
            missing = con.execute(
                """SELECT c.criterion_no, c.text FROM criteria c
                   WHERE c.unit_key = ? AND c.criterion_key NOT IN (
                       SELECT cm.to_criterion_key FROM criterion_map cm
                       JOIN criteria old ON old.criterion_key = cm.from_criterion_key
                       WHERE old.unit_key IN (SELECT unit_key FROM held))
                   ORDER BY c.criterion_key""",
                [unit_key],
            ).fetchall()
            total = con.execute("SELECT count(*) FROM criteria WHERE unit_key = ?", [unit_key]).fetchone()[0]
            lines.append(f"\n{unit_key}  {title}  [{'mandatory' if mandatory else group}]")
            lines.append(f"  credited by {credited_by}: {total - len(missing)}/{total} criteria covered")
            lines += [f"  still to show {no}: {text}" for no, text in missing]
        open_units = [u for u in units if not u[4]]
        lines.append(f"\nnot covered by held units: {len(open_units)} of {len(units)} units of {target}")
        return "\n".join(lines)


def diff(paths, old_doc: str, new_doc: str) -> str:
    """Units of two documents paired by family: kept (with title changes), removed, added."""
    with closing(connect(paths)) as con:
        for doc in (old_doc, new_doc):
            if not con.execute("SELECT 1 FROM documents WHERE doc_id = ?", [doc]).fetchone():
                raise UsageError(f"unknown document {doc!r}; see `handbooks sql \"SELECT doc_id FROM documents\"`")
        con.execute(
            """CREATE TEMP TABLE side AS
               SELECT u.doc_id, u.unit_key, u.title, coalesce(f.family_id, u.unit_key) AS family_id
               FROM units u LEFT JOIN families f USING (unit_key) WHERE u.doc_id IN (?, ?)""",
            [old_doc, new_doc],
        )
        pairs = _table(
            con,
            """SELECT o.family_id, o.unit_key AS old_unit, n.unit_key AS new_unit,
                      CASE WHEN lower(o.title) = lower(n.title) THEN '' ELSE o.title || ' -> ' || n.title END AS title_change
               FROM side o JOIN side n USING (family_id) WHERE o.doc_id = $1 AND n.doc_id = $2 ORDER BY 1, 2, 3""",
            [old_doc, new_doc],
        )
        removed = _table(con, """SELECT unit_key, title FROM side o WHERE doc_id = $1 AND family_id NOT IN
                                 (SELECT family_id FROM side WHERE doc_id = $2) ORDER BY 1""", [old_doc, new_doc])
        added = _table(con, """SELECT unit_key, title FROM side n WHERE doc_id = $2 AND family_id NOT IN
                               (SELECT family_id FROM side WHERE doc_id = $1) ORDER BY 1""", [old_doc, new_doc])
        return f"kept (same family):\n{pairs}\n\nonly in {old_doc}:\n{removed}\n\nonly in {new_doc}:\n{added}"
