"""Score the published mappings against pairs labelled by reading the handbooks, and on a real successor.

Labels (written by hand, never read by the pipeline), split by scheme pair:

- tuning, ``unit_pairs.csv`` (cg-legacy -> cg-4430): for every legacy unit, the
  4430 unit(s) carrying the same competence (``equivalent`` where the documents
  show the old unit covering the new one whole: every criterion has a
  counterpart, or the same unit reference; else ``partial``), or one row with
  an empty ``to_key`` and ``none``; the pairs the matcher was developed against;
- held out, ``heldout_pairs.csv`` (cg-legacy -> nos-2010): the legacy units
  against the NOS standards, which state no level and no criteria; scored on the
  ``match`` decisions of ``unit_matches``, since no supersession links the two;
- ``criterion_pairs.csv``: criterion counterparts for a few fully read unit pairs.

Reads what the pipeline published (``mappings/unit_map.parquet``,
``criterion_map.parquet``, ``unit_matches.parquet``, ``extracted/*.parquet``),
prints precision, recall and F1 for each, the number traps (legacy ``N`` mapped
to ``4430-N`` against the labels) and the blocking figures; then matches the
2013 NOS development set (``--successor``, see ``successor.py``) next to the
published units and scores it. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections import Counter
from itertools import combinations
from pathlib import Path

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
TARGET = 0.95
SUCCESSOR_TARGET = 0.97
TUNING = ("cg-legacy", "cg-4430")
HELD_OUT = ("cg-legacy", "nos-2010")


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


def number_traps(predicted: set, truth: set, units: list[dict]) -> tuple[int, int]:
    """(traps fallen into, traps): legacy ``N`` -> ``4430-N`` where the labels say otherwise."""
    old = [u["unit_key"] for u in units if u["scheme"] == TUNING[0]]
    new = [u["unit_key"] for u in units if u["scheme"] == TUNING[1]]
    code = lambda key: key.partition(":")[2].rpartition("-")[2]  # noqa: E731
    traps = {(a, b) for a in old for b in new if code(a) == code(b) and (a, b) not in truth}
    return len(traps & predicted), len(traps)


def evaluate_units(unit_map: list[dict], units: list[dict]) -> tuple[float, float]:
    labels = read_labels("unit_pairs.csv")
    labelled_from = {r["from_key"] for r in labels}
    truth = {(r["from_key"], r["to_key"]) for r in labels if r["to_key"]}
    relation = {(r["from_key"], r["to_key"]): r["relation"] for r in labels if r["to_key"]}
    rows = [r for r in unit_map if r["from_key"] in labelled_from]
    mapped = [r for r in rows if r["to_key"] and r["status"] != "rejected" and r["method"] != "override"]
    predicted = {(r["from_key"], r["to_key"]) for r in mapped}
    precision, recall, f1 = scores(predicted, truth)
    print(f"tuning: unit pairs {' -> '.join(TUNING)} ({len(labelled_from)} labelled old units; method other than override)")
    print(f"  labelled {len(truth)}, predicted {len(predicted)}")
    print(f"  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    agree = sum(1 for r in mapped if relation.get((r["from_key"], r["to_key"])) == r["relation"])
    print(f"  relation (equivalent/partial) agrees on {agree} of {len(predicted & truth)} correct pairs")
    without = {r["from_key"] for r in labels if not r["to_key"]}
    said_none = {r["from_key"] for r in rows if r["relation"] == "none" and not r["to_key"]}
    print(f"  no successor: {len(without & said_none)} of {len(without)} labelled units say none"
          f" ({len(said_none - without)} wrongly)")
    fallen, traps = number_traps(predicted, truth, units)
    print(f"  number traps: {fallen} of {traps} (legacy N mapped to 4430-N against the labels)")
    unlisted = labelled_from - {r["from_key"] for r in rows}
    if unlisted:
        print(f"  not in the map at all: {', '.join(sorted(unlisted))}")
    show_errors(predicted, truth)
    return precision, recall


def evaluate_held_out(unit_matches: list[dict]) -> tuple[float, float]:
    labels = read_labels("heldout_pairs.csv")
    labelled_from = {r["from_key"] for r in labels}
    truth = {(r["from_key"], r["to_key"]) for r in labels if r["to_key"]}
    predicted = {
        (m["left_key"], m["right_key"]) for m in unit_matches
        if m["decision"] == "match" and m["left_key"] in labelled_from and m["right_key"].startswith(f"{HELD_OUT[1]}:")
    }
    precision, recall, f1 = scores(predicted, truth)
    print(f"held out: unit pairs {' -> '.join(HELD_OUT)} ({len(labelled_from)} labelled old units; `match` decisions)")
    print(f"  labelled {len(truth)}, predicted {len(predicted)}")
    print(f"  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    show_errors(predicted, truth)
    return precision, recall


def evaluate_successor(root: Path, folder: Path, tmp: Path) -> tuple[float, float]:
    from successor import NEW_SCHEME, OLD_SCHEME, match_with_successor, read_successor_units, truth

    successor = read_successor_units(folder)
    overrides = tmp / "overrides.csv"
    overrides.write_text("from_key,to_key,decision,note\n", encoding="utf-8")
    result, units = match_with_successor(root, successor, overrides)
    true = truth(units, successor)
    rows = [r for r in result.unit_map if r.from_scheme == OLD_SCHEME]
    predicted = {(r.from_key, r.to_key) for r in rows if r.to_key and r.to_scheme == NEW_SCHEME}
    precision, recall, f1 = scores(predicted, true)
    print(f"development set: {OLD_SCHEME} -> {NEW_SCHEME} ({len(successor)} units of {folder / 'nos_2013.tsv'}, "
          "codes and titles only)")
    print(f"  true pairs {len(true)}, predicted {len(predicted)}, none rows {sum(not r.to_key for r in rows)}")
    print(f"  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    successors = {b for _, b in true}
    without = sorted(u.unit_key for u in successor if u.unit_key not in successors)
    for key in without:
        found = sorted(a for a, b in predicted if b == key)
        print(f"  {key} (no predecessor in {OLD_SCHEME}): {'given ' + ', '.join(found) if found else 'none'}")
    review = sum(1 for p in result.review if p.right_key.startswith(f"{NEW_SCHEME}:"))
    print(f"  {review} pair(s) with the new scheme left for review")
    show_errors(predicted, true)
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
    parser.add_argument("--successor", type=Path, default=None,
                        help="folder of the development set (default: ../shared/successor beside the root)")
    parser.add_argument("--no-successor", action="store_true", help="leave the development set out")
    args = parser.parse_args(argv)
    root = args.root
    unit_map = read_rows(root / "mappings" / "unit_map.parquet")
    unit_matches = read_rows(root / "mappings" / "unit_matches.parquet")
    units = read_rows(root / "extracted" / "units.parquet")
    precision, recall = evaluate_units(unit_map, units)
    print()
    held = evaluate_held_out(unit_matches)
    print()
    evaluate_criteria(read_rows(root / "mappings" / "criterion_map.parquet"))
    print()
    evaluate_blocking(units, unit_matches)
    met = precision >= TARGET and recall >= TARGET
    dev_met = True
    if not args.no_successor:
        print()
        sys.path.insert(0, str(HERE))
        with tempfile.TemporaryDirectory() as tmp:
            dev = evaluate_successor(root, args.successor or root.resolve().parent / "shared" / "successor", Path(tmp))
        dev_met = min(dev) >= SUCCESSOR_TARGET
    print()
    print(f"{'tuning':<16}precision {precision:.3f}  recall {recall:.3f}  "
          f"({'meets' if met else 'MISSES'} the target of {TARGET})")
    print(f"{'held out':<16}precision {held[0]:.3f}  recall {held[1]:.3f}")
    if not args.no_successor:
        print(f"{'development set':<16}precision {dev[0]:.3f}  recall {dev[1]:.3f}  "
              f"({'meets' if dev_met else 'MISSES'} the target of {SUCCESSOR_TARGET})")
    return 0 if met and dev_met else 1


if __name__ == "__main__":
    sys.exit(main())
