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
    assert code == 0 and err == "" and out.startswith("a,b,a_cow,b_cow,year,")
    code, _, err = run_cli(capsys, "-q", "votes", "CHN", "Chna")
    assert code == 2 and re.search(r"Chna", err)


@pytest.mark.parametrize(
    "words",
    [["votes", "CHN", "RUS", "--from", "2018"], ["alliances", "CHN", "RUS", "--from", "2010"],
     ["trade", "CHN", "RUS", "--from", "2010"], ["rhetoric", "CHN", "RUS", "--terms", "hegemony"],
     ["energy", "crude", "--importer", "CHN", "--origin", "RUS", "--period", "2022"]],
    ids=lambda w: w[0] + "-" + w[1],
)  # fmt: skip
def test_dyad_csv_and_json_carry_the_dyad_codes_integers_and_one_precision(capsys, fresh_machine, words) -> None:
    """Item 20: every dyad CSV starts with a, b (ISO3) and their COW codes; whole numbers are integers."""
    code, out, err = run_cli(capsys, *words, "--format", "csv")
    assert code == 0, err
    header, first = out.splitlines()[:2]
    assert header.startswith("a,b,a_cow,b_cow,") and first.startswith("CHN,RUS,710,365,"), (header, first)
    for cell in first.split(","):
        assert not re.fullmatch(r"-?\d+\.0", cell), f"a whole number written as a float: {cell} in {first}"
        if re.fullmatch(r"-?\d+\.\d+(e-?\d+)?", cell):  # 12 significant digits at most
            assert len(re.sub(r"[^0-9]", "", cell.split("e")[0]).lstrip("0")) <= 12, cell
    code, out, err = run_cli(capsys, *words, "--format", "json")
    row = __import__("json").loads(out)[0]
    assert (row["a"], row["b"], row["a_cow"], row["b_cow"]) == ("CHN", "RUS", 710, 365)


def test_cow_codes_follow_the_year(capsys, fresh_machine) -> None:
    """Germany is COW 260 until 1990 and 255 from 1991: a panel across unification says so row by row."""
    code, out, err = run_cli(capsys, "votes", "DEU", "RUS", "--from", "1989", "--to", "1992", "--format", "csv")
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert dict(zip(df.year, df.a_cow, strict=True)) == {1989: 260, 1990: 260, 1991: 255, 1992: 255}
