"""``make eval`` on the real successor development set: the 2013 NOS, fed as codes and titles, after the 2010 NOS.

The set lives beside the clone (``../shared/successor``, read-only), or where
``SUCCESSOR_DIR`` says; it is never part of the pipeline's input.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

SUCCESSOR = Path(os.environ.get("SUCCESSOR_DIR", ROOT.parent / "shared" / "successor"))


def evaluate_module():
    spec = importlib.util.spec_from_file_location("evaluate", ROOT / "tests" / "eval" / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (SUCCESSOR / "nos_2013.tsv").exists(), reason=f"no development set at {SUCCESSOR}")
def test_the_2013_standards_map_to_their_predecessors_and_the_new_ones_to_none(published: Path, capsys):
    assert evaluate_module().main(["--root", str(published), "--successor", str(SUCCESSOR)]) == 0
    printed = capsys.readouterr().out
    scores = {name: (float(p), float(r)) for name, p, r in
              re.findall(r"^(tuning|held out|development set)\s+precision ([\d.]+)\s+recall ([\d.]+)", printed, re.M)}
    assert set(scores) == {"tuning", "held out", "development set"}
    assert scores["tuning"] == (1.0, 1.0)
    assert min(scores["development set"]) >= 0.97
    for code in ("CFACSA19", "CFACSA20", "CFACSB17"):  # new in 2013: no predecessor
        assert f"nos-2013:{code} (no predecessor in nos-2010): none" in printed
    assert "number traps: 0 of 37" in printed
