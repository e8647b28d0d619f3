"""Issue 14, items 19 and 20 (in part): narrow terminals show whole columns and say what is hidden; integral
values print as integers in tables; `ingests --format json` has real arrays, not JSON strings inside JSON."""

from __future__ import annotations

import json

from dyadwatch import sources
from dyadwatch.warehouse import Warehouse
from helpers import run_cli


def test_narrow_trade_table_drops_columns_and_says_so(capsys, fresh_machine, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run_cli(capsys, "trade", "CHN", "RUS", "--from", "2012")
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "…" not in out  # no cell cut short
    assert "51,743,000,000" in out and ".000" not in out.split("growth")[0]  # money as whole numbers
    assert "do not fit in 80 characters" in err and "--format csv" in err


def test_narrow_matrix_shows_the_top_left_and_says_so(capsys, fresh_machine, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run_cli(capsys, "votes", "matrix", "--year", "2019")
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= 80 and "do not fit" in err


def test_matrix_of_all_states_shows_its_top_rows_and_says_so(capsys, full_wh_path, monkeypatch) -> None:
    """193 states: the table gives the first rows in clustering order and names the way to the rest."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run_cli(capsys, "votes", "matrix", "--year", "2019", "--db", full_wh_path)
    assert code == 0, err
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == 25 and "The first 25 of 193 states" in err and "--format csv" in err
    code, out, err = run_cli(capsys, "votes", "matrix", "--year", "2019", "--db", full_wh_path, "-f", "csv")
    assert code == 0 and len(out.splitlines()) == 194  # the whole matrix in a file


def test_ingests_json_has_real_arrays(capsys, shared, tmp_path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse(db) as wh:
        wh.ingest(sources.get("voeten"), [shared / "unga/UNVotesPublished.RData"])
    code, out, err = run_cli(capsys, "ingests", "--history", "--db", db, "--format", "json")
    assert code == 0, err
    rec = json.loads(out)[0]
    assert isinstance(rec["files"], list) and rec["files"][0].endswith("UNVotesPublished.RData")
    assert isinstance(rec["sha256"], list) and len(rec["sha256"][0]) == 64
    assert rec["rows"]["votes"] > 1_000_000 and isinstance(rec["notes"], list)
    code, out, err = run_cli(capsys, "ingests", "--db", db)
    assert code == 0 and '["' not in out and "{" not in out
