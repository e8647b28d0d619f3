"""Issue 14, item 18: CLI conventions — --version, a global --db, quiet, clean --help, data on stdout only."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from helpers import run_cli


@pytest.fixture(autouse=True)
def _restore_env(monkeypatch):
    # a global --db sets DYADWATCH_DB in this process: set it first so monkeypatch records it and puts the
    # environment back afterwards (delenv of an unset variable records nothing)
    monkeypatch.setenv("DYADWATCH_DB", "unset-by-the-test")
    monkeypatch.delenv("DYADWATCH_DB")


def test_version(capsys) -> None:
    from importlib.metadata import version

    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and out == f"dyadwatch {version('dyadwatch')}\n"


def test_global_db_before_the_command(capsys, votes_wh, tmp_path) -> None:
    code, out, err = run_cli(capsys, "--db", votes_wh.path, "votes", "CHN", "RUS", "--from", "2018", "-f", "csv")
    assert code == 0, err
    assert "your warehouse" in err and len(pd.read_csv(io.StringIO(out))) == 2
    code, out, err = run_cli(capsys, "--db", tmp_path / "typo.duckdb", "alliances", "CHN", "RUS")
    assert code == 2 and "No warehouse at" in err and out == ""


def test_help_has_no_bool_metavar_and_documents_exit_codes(capsys) -> None:
    for words in (["--help"], ["votes", "dyad", "--help"], ["report", "--help"], ["ingest", "--help"]):
        code, out, _ = run_cli(capsys, *words)
        assert code == 0 and "<bool>" not in out, words
    code, out, _ = run_cli(capsys, "--help")
    assert "Exit codes" in out and "--install-completion" in out and "--quiet" in out and "--version" in out


@pytest.mark.parametrize(
    "words",
    [["votes", "CHN", "RUS", "--from", "2018"], ["alliances", "CHN", "RUS", "--from", "2015"], ["sources"],
     ["pack", "show"], ["trade", "CHN", "RUS", "--from", "2012"]],
    ids=lambda w: w[0] + ("-" + w[1] if len(w) > 1 else ""),
)  # fmt: skip
def test_tables_on_stdout_notes_on_stderr(capsys, fresh_machine, words) -> None:
    code, out, err = run_cli(capsys, *words)
    assert code == 0, err
    assert out.splitlines()[0].strip() != ""  # no blank first line
    assert "Basis:" not in out and "embedded pack" not in out.split("\n", 3)[-1]  # the basis note is on stderr
    code, out, err = run_cli(capsys, "--quiet", *words)
    assert code == 0 and err == "" and out.strip()


def test_quiet_leaves_errors(capsys, fresh_machine) -> None:
    code, out, err = run_cli(capsys, "-q", "votes", "CHN", "RUS", "--from", "2018", "-f", "csv")
    assert code == 0 and err == "" and out.startswith("year,")
    code, _, err = run_cli(capsys, "-q", "votes", "CHN", "Chna")
    assert code == 2 and re.search(r"Chna", err)
