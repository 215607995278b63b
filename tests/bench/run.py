"""`make bench`: throughput of every stage, side by side with pdfplumber and pypdfium2, and matching at scale.

Prints each figure as it is measured and writes tests/bench/results.json with the
keys of DESIGN.md "Benchmarks", ``long_document_speedup`` (one PDF read in page
ranges on all cores) and ``incremental_match_peak_rss_mb`` (the match stage's peak in a
release that adds a handbook). ``--quick`` measures the speed-up on 10 handbooks
(not 100) and matching on 20,000 units (not 100,000).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pdfplumber
import pypdfium2 as pdfium

from pipeline import runner
from pipeline.core.parallel import Engine, default_workers
from pipeline.extract import extract_file
from pipeline.match import cache as match_cache
from pipeline.parse import cache as parse_cache
from tests.bench.corpus import LONG_PAGES, handbook_pdfs, long_pdf, long_project, pdf_project
from tests.conftest import ROOT

RESULTS = Path(__file__).resolve().parent / "results.json"


def say(label: str, value: str) -> None:
    print(f"{label:<52} {value}", flush=True)


def matching_apart(units: int) -> dict[str, float]:
    """``tests.bench.matching``: the first run, then the run with a handbook added, each in a process of its own."""
    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for step in ("first", "again"):
            out = Path(tmp) / f"{step}.json"
            subprocess.run([sys.executable, "-m", "tests.bench.matching", step, str(units), str(Path(tmp) / "kept" / "s"),
                            str(out)], cwd=ROOT, check=True)
            found.update(json.loads(out.read_text(encoding="utf-8")))
    return found


def timed(work, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = work(*args, **kwargs)
    return time.perf_counter() - start, result


def cpu_timed(work) -> tuple[float, float]:
    """The wall time and this process's CPU time of ``work()``: on a loaded machine the CPU time is the steadier."""
    start, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - start, time.process_time() - cpu


# Each reader's throughput is the best of this many rounds, the readers taking turns: other
# work on the machine only ever slows a round down, in wall and in CPU time alike.
ROUNDS = 3


def extraction(pdfs: list[Path]) -> dict[str, float]:
    """Pages per second of our extract stage, pdfplumber words with fonts, and pypdfium2 text, same PDFs."""
    pages = sum(len(pdfium.PdfDocument(str(p))) for p in pdfs)

    def ours() -> None:
        for p in pdfs:
            extract_file(p, "bench", str(p))

    def plumber_words() -> None:
        for p in pdfs:
            with pdfplumber.open(p) as pdf:
                for page in pdf.pages:
                    page.extract_words(extra_attrs=["fontname", "size"])
                    page.close()

    def pdfium_text() -> None:
        for p in pdfs:
            document = pdfium.PdfDocument(str(p))
            for page in document:
                page.get_textpage().get_text_range()
            document.close()

    readers = (("extract_pages_per_s", "our extract stage", ours),
               ("pdfplumber_words_pages_per_s", "pdfplumber extract_words(fontname, size)", plumber_words),
               ("pypdfium2_pages_per_s", "pypdfium2 get_text_range", pdfium_text))
    best = {key: (float("inf"), float("inf")) for key, _, _ in readers}
    for _ in range(ROUNDS):
        for key, _, work in readers:
            seconds, cpu = cpu_timed(work)
            best[key] = (min(best[key][0], seconds), min(best[key][1], cpu))
    rates = {}
    per_cpu = {}
    for key, label, _ in readers:
        seconds, cpu = best[key]
        rates[key], per_cpu[key] = pages / seconds, pages / cpu
        say(f"{label} ({pages} pages, best of {ROUNDS})",
            f"{rates[key]:8.1f} pages/s  ({per_cpu[key]:.1f} pages per CPU-second)")
    say("  ours / pdfplumber extract_words", f"{rates['extract_pages_per_s'] / rates['pdfplumber_words_pages_per_s']:8.2f}x")
    rates["extract_pypdfium2_ratio"] = rates["extract_pages_per_s"] / rates["pypdfium2_pages_per_s"]
    rates["extract_pypdfium2_cpu_ratio"] = per_cpu["extract_pages_per_s"] / per_cpu["pypdfium2_pages_per_s"]
    say("  ours / pypdfium2", f"{rates['extract_pypdfium2_ratio']:8.2f}x  target >= 0.2")
    say("  ours / pypdfium2, in CPU time", f"{rates['extract_pypdfium2_cpu_ratio']:8.2f}x  target >= 0.2")
    return rates


def stages(tmp: Path) -> dict[str, float]:
    """Cold and warm `handbooks run` on raw/, and parse, match and publish throughput; returns the warm run's figures."""
    root = tmp / "raw-project"
    shutil.copytree(ROOT / "raw", root / "raw")
    (root / "extracted").mkdir()
    (root / "mappings").mkdir()
    shutil.copy(ROOT / "mappings" / "overrides.csv", root / "mappings")
    command = [sys.executable, "-m", "pipeline", "--root", str(root), "-q", "run"]
    cold, _ = timed(subprocess.run, command, check=True, capture_output=True)
    generations = sorted((root / "extracted" / ".generations").iterdir())
    warm, _ = timed(subprocess.run, command, check=True, capture_output=True)
    wrote = sorted((root / "extracted" / ".generations").iterdir()) != generations
    say("handbooks run on raw/, cold", f"{cold:8.2f} s")
    say("handbooks run on raw/, warm (nothing changed)", f"{warm:8.2f} s   target <= 2 s")
    say("  a new generation written", f"{'yes' if wrote else 'no':>8}   target: no")
    paths = runner.Paths(root)
    entries = runner.manifest_entries(paths)
    # The stages below are timed doing their work, not reading their caches.
    for folder in paths.extracted.glob(f"*/{parse_cache.FOLDER}"):
        shutil.rmtree(folder)
    shutil.rmtree(paths.extracted / match_cache.FOLDER)
    shutil.rmtree(paths.extracted / match_cache.KEPT)
    seconds, report = timed(runner.parse, paths, entries)
    lines = sum(len(d.extraction.lines) for d in report.documents if d.extraction)
    say(f"parse ({lines} lines; extraction cached, parse not)", f"{lines / seconds:8.0f} lines/s")
    seconds, (summary, _) = timed(runner.match, paths, entries)
    say(f"match ({summary['units']} units, {summary['comparisons']} pairs)", f"{summary['units'] / seconds:8.0f} units/s")
    seconds, published = timed(runner.publish, paths)
    say(f"publish ({len(published)} files)", f"{len(published) / seconds:8.0f} files/s")
    return {"warm_run_seconds": warm, "noop_run_seconds": warm, "noop_run_wrote_generation": wrote}


# Printed last by a measured child: its own peak RSS in kB, or that of the largest process
# it forked (a document is read in one, to be stopped at its time limit), if larger.
# getrusage and wait4 on the child itself would also count the pages of this bench
# process, which the child was forked from.
_PRINT_PEAK = ("\nimport resource; print(max(int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]), "
               "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))")


def child_peak(code: str, *args: str) -> tuple[float, float]:
    """Run ``code`` in a new Python (``sys.argv[1:]`` = ``args``): its wall time (s) and its peak RSS (MB)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code + _PRINT_PEAK, *args], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    return time.perf_counter() - start, int(done.stdout.split()[-1]) / 1024


def peak_memory(tmp: Path) -> float:
    """Peak RSS (MB) of the PDF reader alone, and of `handbooks extract` on one worker, on the 1,000-page document."""
    pdf, pages = long_pdf()
    reader = "import sys; from pathlib import Path; from pipeline.extract import extract_file; " \
             "extract_file(Path(sys.argv[1]), 'long', sys.argv[1])"
    seconds, peak = child_peak(reader, str(pdf))
    say(f"PDF reader, {pages}-page PDF: peak RSS", f"{peak:8.0f} MB  ({pages / seconds:.1f} pages/s)")
    root = long_project(tmp / "long-peak")
    command = "import sys; from pipeline.cli import cli; cli.main(sys.argv[1:], standalone_mode=False)"
    seconds, stage = child_peak(command, "--root", str(root), "-q", "--workers", "1", "extract")
    say(f"handbooks extract, {pages}-page PDF, 1 worker: peak RSS", f"{stage:8.0f} MB  ({pages / seconds:.1f} pages/s)"
        "  target <= 200")
    return stage


def speedup(tmp: Path, label: str, project: Callable[[Path], Path], stage: Callable) -> float:
    """``stage`` (a runner function) on a new ``project`` with one worker, then on all cores; the speed-up."""
    workers = default_workers()
    times = []
    for n in (1, workers):
        paths = runner.Paths(project(tmp / f"{label}-{n}-workers"))
        with Engine(n) as engine:
            seconds, _ = timed(stage, paths, runner.manifest_entries(paths), engine=engine)
        times.append(seconds)
        say(f"{label}, {n} worker(s)", f"{seconds:8.2f} s")
    say(f"  speed-up on {workers} cores", f"{times[0] / times[1]:8.2f}x")
    return times[0] / times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 handbooks and 20,000 units")
    quick = parser.parse_args().quick
    results: dict[str, float | bool] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results.update(extraction([pdf for _, pdf in handbook_pdfs()]))
        results.update(stages(Path(tmp)))
        results["peak_rss_mb_1000_pages"] = peak_memory(Path(tmp))
        handbooks = 10 if quick else 100
        results["workers_speedup"] = speedup(Path(tmp), f"extract + parse, {handbooks} PDF handbooks",
                                             partial(pdf_project, count=handbooks), runner.parse)
        results["long_document_speedup"] = speedup(Path(tmp), f"extract, {LONG_PAGES}-page PDF in page ranges",
                                                   long_project, runner.extract)
    results.update(matching_apart(20_000 if quick else 100_000))
    rounded = {k: v if isinstance(v, bool) else round(v, 3) for k, v in sorted(results.items())}
    RESULTS.write_text(json.dumps(rounded, indent=2) + "\n")
    say("written", str(RESULTS.relative_to(ROOT)))


if __name__ == "__main__":
    main()
