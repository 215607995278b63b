"""The house reads top-down: no module imports from a layer above its own, or from a sibling stage.

The layers, lowest first, are those of the README's architecture section; every module of
``pipeline/`` must belong to one, so a new module is placed deliberately.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "pipeline"

# Module (or package) -> layer; the longest matching name decides.
LAYER_OF = {
    "pipeline": "core", "pipeline.core": "core", "pipeline.store": "store",
    "pipeline.extract": "extract", "pipeline.parse": "parse", "pipeline.match": "match",
    "pipeline.publish": "publish", "pipeline.answers": "answers",
    "pipeline.runner": "runner", "pipeline.cli": "cli", "pipeline.__main__": "cli",
}
# What each layer may import besides itself. The three stages know nothing of each other; publish
# writes what they made without their internals; the answers read only what was published (and
# write their CSV with publish's one formula-safe writer), never how it was made.
MAY_IMPORT = {
    "core": set(),
    "store": {"core"},
    "extract": {"core", "store"},
    "parse": {"core", "store"},
    "match": {"core", "store"},
    "publish": {"core", "store"},
    "answers": {"core", "store", "publish"},
    "runner": {"core", "store", "extract", "parse", "match", "publish", "answers"},
    "cli": {"core", "store", "extract", "parse", "match", "publish", "answers", "runner"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str | None:
    # The package itself holds only the version: a module directly under it needs its own line.
    names = [name for name in LAYER_OF if module == name or (name != "pipeline" and module.startswith(name + "."))]
    return LAYER_OF[max(names, key=len)] if names else None


def imports(source: str) -> list[tuple[int, str]]:
    """Every ``pipeline`` module a source imports, at the top or inside a function, with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] == "pipeline":
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "pipeline"]
    return found


def violations(module: str, source: str) -> list[str]:
    """The imports of ``module`` that climb to a layer above it or cross to a sibling stage."""
    own = layer_of(module)
    wrong = []
    for line, target in imports(source):
        # ``from pipeline.x import y`` names a module or a name in x: the layer of the longest known prefix.
        theirs = layer_of(target)
        if theirs not in (own, None) and theirs not in MAY_IMPORT[own]:
            wrong.append(f"{module}:{line}: {own} imports {target} ({theirs})")
    return wrong


def test_every_module_has_a_layer():
    assert [module_name(p) for p in PACKAGE.rglob("*.py") if layer_of(module_name(p)) is None] == []


def test_no_import_climbs_or_crosses_between_stages():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += violations(module_name(path), path.read_text(encoding="utf-8"))
    assert found == []


def test_the_check_finds_climbing_and_sideways_imports():
    source = "from pipeline.core.records import Unit\n\ndef f():\n    from pipeline.publish.spreadsheet import csv_bytes\n"
    assert violations("pipeline.store.tables", source) == [
        "pipeline.store.tables:4: store imports pipeline.publish.spreadsheet.csv_bytes (publish)"]
    assert violations("pipeline.parse.cache", "from pipeline.match import cache\n") == [
        "pipeline.parse.cache:1: parse imports pipeline.match.cache (match)"]
    assert violations("pipeline.runner", "from pipeline.match import cache\n") == []
