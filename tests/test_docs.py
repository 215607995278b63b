"""The README documents every command and the two top commands; every command has help."""

from __future__ import annotations

import pytest

from pipeline.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_two_commands_come_first():
    first_block = README.split("```")[1]
    assert first_block.split() [:2] == ["sh", "make"]
    assert "make test" in first_block


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_is_documented(name):
    assert f"`handbooks {name}" in README
    assert cli.commands[name].help


def test_documented_commands_exist():
    import re

    documented = set(re.findall(r"`handbooks (\w+)", README))
    assert documented == set(cli.commands)


def test_makefile_targets_are_documented():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("test", "eval", "bench", "clean"):
        assert f"\n{target}:" in makefile
        assert f"make {target}" in README
