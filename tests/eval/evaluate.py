"""Score the published mappings against pairs labelled by reading the handbooks.

Labels (written by hand, never read by the pipeline):

- ``unit_pairs.csv``: for every legacy unit, the 4430 unit(s) carrying the same
  competence (``equivalent`` where the documents show the old unit covering the new one
  whole: every criterion has a counterpart, or the same unit reference; else ``partial``),
  or one row with an empty ``to_key``
  and ``none``;
- ``criterion_pairs.csv``: criterion counterparts for a few fully read unit pairs.

Reads what the pipeline published (``mappings/unit_map.parquet``,
``criterion_map.parquet``, ``unit_matches.parquet``, ``extracted/units.parquet``),
prints precision, recall and F1 for unit and criterion pairs and the blocking
figures, and exits 1 when unit precision or recall is under the target.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
TARGET = 0.95


def read_labels(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_rows(path: Path) -> list[dict]:
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `make` (handbooks run) first")
    return pq.read_table(path).to_pylist()


def scores(predicted: set, truth: set) -> tuple[float, float, float]:
    """Precision, recall and F1 of a predicted set against a true set."""
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def unit_of(criterion_key: str) -> str:
    return criterion_key.rpartition("#")[0]


def show_errors(predicted: set, truth: set) -> None:
    for pair in sorted(predicted - truth):
        print(f"    wrong:  {pair[0]} -> {pair[1]}")
    for pair in sorted(truth - predicted):
        print(f"    missed: {pair[0]} -> {pair[1]}")


def evaluate_units(unit_map: list[dict]) -> tuple[float, float]:
    labels = read_labels("unit_pairs.csv")
    labelled_from = {r["from_key"] for r in labels}
    truth = {(r["from_key"], r["to_key"]) for r in labels if r["to_key"]}
    relation = {(r["from_key"], r["to_key"]): r["relation"] for r in labels if r["to_key"]}
    rows = [r for r in unit_map if r["from_key"] in labelled_from]
    mapped = [r for r in rows if r["to_key"] and r["status"] != "rejected" and r["method"] != "override"]
    predicted = {(r["from_key"], r["to_key"]) for r in mapped}
    precision, recall, f1 = scores(predicted, truth)
    print(f"unit pairs ({len(labelled_from)} labelled old units; method other than override)")
    print(f"  labelled {len(truth)}, predicted {len(predicted)}")
    print(f"  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    agree = sum(1 for r in mapped if relation.get((r["from_key"], r["to_key"])) == r["relation"])
    print(f"  relation (equivalent/partial) agrees on {agree} of {len(predicted & truth)} correct pairs")
    without = {r["from_key"] for r in labels if not r["to_key"]}
    said_none = {r["from_key"] for r in rows if r["relation"] == "none" and not r["to_key"]}
    print(f"  no successor: {len(without & said_none)} of {len(without)} labelled units say none"
          f" ({len(said_none - without)} wrongly)")
    unlisted = labelled_from - {r["from_key"] for r in rows}
    if unlisted:
        print(f"  not in the map at all: {', '.join(sorted(unlisted))}")
    show_errors(predicted, truth)
    return precision, recall


def evaluate_criteria(criterion_map: list[dict]) -> None:
    labels = read_labels("criterion_pairs.csv")
    truth = {(r["from_criterion_key"], r["to_criterion_key"]) for r in labels}
    unit_pairs = {(unit_of(a), unit_of(b)) for a, b in truth}
    predicted = {
        (r["from_criterion_key"], r["to_criterion_key"])
        for r in criterion_map
        if (unit_of(r["from_criterion_key"]), unit_of(r["to_criterion_key"])) in unit_pairs
    }
    precision, recall, f1 = scores(predicted, truth)
    print(f"criterion pairs ({len(unit_pairs)} labelled unit pairs)")
    print(f"  labelled {len(truth)}, predicted {len(predicted)}")
    print(f"  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    for from_unit, to_unit in sorted(unit_pairs):
        inside = {p for p in truth if unit_of(p[0]) == from_unit and unit_of(p[1]) == to_unit}
        found = {p for p in predicted if unit_of(p[0]) == from_unit and unit_of(p[1]) == to_unit}
        p, r, _ = scores(found, inside)
        print(f"  {from_unit} -> {to_unit}: precision {p:.3f} recall {r:.3f}")
    show_errors(predicted, truth)


def evaluate_blocking(units: list[dict], unit_matches: list[dict]) -> None:
    sizes = Counter(u["scheme"] for u in units)
    all_pairs = sum(a * b for a, b in combinations(sizes.values(), 2))
    compared = {frozenset((m["left_key"], m["right_key"])) for m in unit_matches}
    truth = {frozenset((r["from_key"], r["to_key"])) for r in read_labels("unit_pairs.csv") if r["to_key"]}
    kept = len(truth & compared)
    saved = 1 - len(compared) / all_pairs if all_pairs else 0.0
    print("blocking")
    print(f"  {len(compared)} comparisons of {all_pairs} cross-scheme pairs ({saved:.1%} saved)")
    print(f"  keeps {kept} of {len(truth)} labelled true pairs ({kept / len(truth):.1%})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE.parent.parent, help="project root (default: this checkout)")
    root = parser.parse_args(argv).root
    unit_map = read_rows(root / "mappings" / "unit_map.parquet")
    precision, recall = evaluate_units(unit_map)
    print()
    evaluate_criteria(read_rows(root / "mappings" / "criterion_map.parquet"))
    print()
    evaluate_blocking(read_rows(root / "extracted" / "units.parquet"), read_rows(root / "mappings" / "unit_matches.parquet"))
    met = precision >= TARGET and recall >= TARGET
    print()
    print(f"unit pairs {'meet' if met else 'MISS'} the target of {TARGET} precision and recall")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
