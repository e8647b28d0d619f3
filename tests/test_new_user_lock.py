"""Issue 14, item 22: a read while another process writes waits (bounded, with a message) instead of failing with
DuckDB's lock text; a folder or a non-DuckDB file gets its own message, never the "another process" hint."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

import dyadwatch.api
import dyadwatch.cli
from dyadwatch.warehouse import Warehouse
from helpers import run_cli

HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); "
    "time.sleep(float(sys.argv[2]))"
)


@pytest.fixture
def writer(tmp_path):
    """Start a process holding the warehouse's write lock for N seconds (stopped by the test)."""
    db = tmp_path / "w.duckdb"
    Warehouse(db).close()
    procs = []

    def start(seconds: float) -> subprocess.Popen:
        p = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "locked"
        procs.append(p)
        return p

    yield db, start
    for p in procs:
        p.kill()
        p.wait()


def test_a_read_waits_for_a_short_write(capsys, writer, monkeypatch) -> None:
    db, start = writer
    monkeypatch.setenv("DYADWATCH_LOCK_WAIT", "30")
    dyadwatch.api.open_store(db).close()  # warm: pandas, Ibis and DuckDB loaded
    start(4)
    t = time.perf_counter()
    code, _, err = run_cli(capsys, "ingests", "--db", db, "--format", "csv")
    assert code == 0, err
    assert "Waiting for process" in err and "up to 30 s" in err
    assert 0.5 < time.perf_counter() - t < 25
    assert "Conflicting lock" not in err


def test_a_long_write_is_one_clear_error_after_the_bound(capsys, writer, monkeypatch) -> None:
    db, start = writer
    monkeypatch.setenv("DYADWATCH_LOCK_WAIT", "1")
    p = start(30)
    code, out, err = run_cli(capsys, "votes", "CHN", "RUS", "--db", db)
    assert code == 5 and out == ""
    assert f"being written by process {p.pid}" in err and "DYADWATCH_LOCK_WAIT" in err
    assert "Traceback" not in err and "duckdb.org" not in err


def test_a_folder_or_a_foreign_file_is_not_a_lock(capsys, tmp_path) -> None:
    code, _, err = run_cli(capsys, "votes", "CHN", "RUS", "--db", tmp_path)
    assert code == 2 and "is a folder" in err and "another" not in err
    other = tmp_path / "notes.duckdb"
    other.write_text("not a database\n" * 10)
    for args in (["votes", "CHN", "RUS"], ["ingest", "facts", tmp_path / "x.csv"]):
        code, _, err = run_cli(capsys, *args, "--db", other)
        assert code == 2 and "is not a DuckDB database" in err and "another" not in err, err
    assert other.read_text() == "not a database\n" * 10
