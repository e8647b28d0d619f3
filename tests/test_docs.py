"""Docs are tested: the CLI reference is current and every command has help."""

from pathlib import Path

import pytest

from dyadwatch.cli._docs import markdown
from helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current():
    assert (ROOT / "docs/cli.md").read_text("utf-8") == markdown(), (
        "docs/cli.md is stale: run `.venv/bin/python -m dyadwatch.cli._docs > docs/cli.md`"
    )


def _commands():
    import typer

    from dyadwatch.cli import _docs, app

    return [p.split()[1:] for p, _ in _docs._walk(typer.main.get_command(app), "dyadwatch") if p != "dyadwatch"]


@pytest.mark.parametrize("words", _commands(), ids=lambda w: " ".join(w))
def test_every_command_has_help(capsys, words):
    code, out, _ = run_cli(capsys, *words, "--help")
    assert code == 0 and "Usage" in out and len(out) > 200


def test_readme_opens_with_the_two_commands():
    text = (ROOT / "README.md").read_text("utf-8")
    block = text.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make report", "make test"]
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert "\nreport:" in makefile and "\ntest:" in makefile
    assert "make test" in (ROOT / ".ci/run").read_text("utf-8")
