"""Small helpers for tests: run the real CLI entry point and snapshot a warehouse."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

# As the machine notes advise: without these, Chromium tries the (closed) network at every start.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium_path() -> str:
    """Debian's Chromium; under CI its absence fails the test (never a downloaded browser)."""
    exe = os.environ.get("DYADWATCH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: .ci/run must apt-get install chromium")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    return exe


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``dyadwatch ARGS`` through ``dyadwatch.cli.main``; return (exit code, stdout, stderr)."""
    from dyadwatch.cli import main

    code = 0
    try:
        main([str(a) for a in args])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    out = capsys.readouterr()
    return code, out.out, out.err


def snapshot(path) -> dict:
    """Every table's full contents, to compare a warehouse before and after."""
    if not path.exists():
        return {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}
    finally:
        con.close()
