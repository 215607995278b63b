"""`make bench`: time each stage on the real handbooks and on their PDF renders; prints figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline import runner  # noqa: E402
from pipeline.manifest import Entry  # noqa: E402
from pipeline.match import match_corpus  # noqa: E402
from pipeline.publish import staging  # noqa: E402
from pipeline.schemas import DATASETS  # noqa: E402
from pipeline.extract import extract_file  # noqa: E402
from tests.conftest import ROOT  # noqa: E402
from tests.pdf_render import render_pdf  # noqa: E402


def timed(label: str, work, *args):
    start = time.perf_counter()
    result = work(*args)
    print(f"{label:<44} {time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "raw", root / "raw")
        (root / "extracted").mkdir()
        shutil.copytree(ROOT / "mappings", root / "mappings", ignore=shutil.ignore_patterns(".staged"))
        paths = runner.Paths(root)
        entries = runner.manifest_entries(paths)
        timed(f"extract, cold ({len(entries)} handbooks)", runner.extract, paths, entries)
        timed("extract, warm (cache hits)", runner.extract, paths, entries)
        report = timed("parse + corpus merge", runner.parse, paths, entries)
        summary = timed("match", runner.match, paths, entries)
        timed("publish", runner.publish, paths)
        print(f"criteria {sum(d.counts.get('criteria', 0) for d in report.documents)}, "
              + ", ".join(f"{k} {v}" for k, v in summary.items()))
        match_at_scale(paths, entries, copies=8)
        for entry in entries:
            pdf = timed(f"render PDF {entry.doc_id}", render_pdf, ROOT / "raw" / entry.path, root / f"{entry.doc_id}.pdf")
            extraction = timed(f"pdfplumber {entry.doc_id}", extract_file, pdf, entry.doc_id, str(pdf))
            print(f"{'':<44} {extraction.pages} pages, {len(extraction.lines)} lines")


def match_at_scale(paths: runner.Paths, entries: list, copies: int) -> None:
    """The matcher on the published corpus copied into ``copies`` more releases of every scheme.

    Each copy is a new scheme superseding the one before it, so blocking, scoring and
    the old-to-new map all grow as they would with years of releases.
    """
    units = staging.read_dataset(paths.extracted, DATASETS["units"])
    criteria = staging.read_dataset(paths.extracted, DATASETS["criteria"])
    all_units, all_criteria, all_entries = list(units), list(criteria), list(entries)
    for n in range(1, copies + 1):
        scheme = {s: f"{s}-r{n}" for s in {u.scheme for u in units}}
        key = {u.unit_key: f"{scheme[u.scheme]}:{u.unit_code}" for u in units}
        all_units += [dataclasses.replace(u, unit_key=key[u.unit_key], scheme=scheme[u.scheme]) for u in units]
        all_criteria += [
            dataclasses.replace(c, unit_key=key[c.unit_key], criterion_key=f"{key[c.unit_key]}#{c.criterion_no}")
            for c in criteria
        ]
        previous = {s: (s if n == 1 else f"{s}-r{n - 1}") for s in scheme}
        all_entries += [
            Entry(f"bench-{new}", "bench", None, new, None, published=dt.date(2030 + n, 1, 1),
                  supersedes=(previous[old],))
            for old, new in scheme.items()
        ]
    result = timed(f"match, corpus x{copies + 1} ({len(all_units)} units)", match_corpus, all_units, all_criteria,
                   all_entries, paths.mappings / "overrides.csv")
    s = result.summary
    print(f"{'':<44} {s['comparisons']} of {s['all_pairs']} pairs compared, {s['map_rows']} map rows")


if __name__ == "__main__":
    main()
