"""The README and docs/ document every command and the two top commands; every command has help; examples run."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
# The front page and the pages for operators, analysts, centres and developers.
ALL_DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))


def test_two_commands_come_first():
    first_block = README.split("```")[1]
    assert first_block.split() [:2] == ["sh", "make"]
    assert "make test" in first_block


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_is_documented(name):
    assert f"`handbooks {name}" in ALL_DOCS
    assert cli.commands[name].help


def test_documented_commands_exist():
    documented = set(re.findall(r"`handbooks (\w+)", ALL_DOCS))
    assert documented == set(cli.commands)


def test_makefile_targets_are_documented():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("test", "eval", "bench", "clean"):
        assert f"\n{target}:" in makefile
        assert f"make {target}" in ALL_DOCS


# Every ```console block of the README and docs/ is run: each "$ handbooks ..." line against a
# project on which `handbooks run` published raw/, its output compared with the lines shown.
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_CONSOLE = re.compile(r"^```console\n(.*?)^```", re.S | re.M)


def console_examples() -> list[tuple[str, str, str]]:
    """(where, command, expected output) for every example shown in the documentation."""
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for block in _CONSOLE.finditer(text):
            line = text.count("\n", 0, block.start()) + 2
            for example in re.split(r"^(?=\$ )", block.group(1), flags=re.M):
                if example.startswith("$ "):
                    command, _, output = example.partition("\n")
                    found.append((f"{path.relative_to(ROOT)}:{line}", command[2:], output))
    return found


def _plain(text: str) -> str:
    """The text to compare: trailing spaces aside, and the day's date and the generation number shown as placeholders."""
    text = re.sub(r"^(Date:|Published generation:) \S+", r"\1 …", text.strip("\n"), flags=re.M)
    return "\n".join(line.rstrip() for line in text.splitlines())


@pytest.mark.parametrize(("where", "command", "expected"), console_examples(), ids=[w for w, _, _ in console_examples()])
def test_documented_examples_print_what_they_show(published, where, command, expected):
    args = shlex.split(command)
    assert args[0] == "handbooks", f"{where}: examples run `handbooks` commands"
    result = CliRunner().invoke(cli, ["--root", str(published), *args[1:]])
    assert _plain(result.output) == _plain(expected), f"{where}: `{command}` prints otherwise"


def test_the_documentation_shows_examples_that_run():
    assert len(console_examples()) >= 3


def test_the_front_page_leads_to_a_page_for_each_reader():
    for page in ("operators", "analysts", "centres", "developers"):
        assert f"](docs/{page}.md)" in README and (ROOT / "docs" / f"{page}.md").is_file()
    assert len(README.splitlines()) < 120  # a front page, not the manual
