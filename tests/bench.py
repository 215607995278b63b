"""`make bench`: time each stage on the real handbooks and on their PDF renders; prints figures."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline import runner  # noqa: E402
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
        for entry in entries:
            pdf = timed(f"render PDF {entry.doc_id}", render_pdf, ROOT / "raw" / entry.path, root / f"{entry.doc_id}.pdf")
            extraction = timed(f"pdfplumber {entry.doc_id}", extract_file, pdf, entry.doc_id, str(pdf))
            print(f"{'':<44} {extraction.pages} pages, {len(extraction.lines)} lines")


if __name__ == "__main__":
    main()
