"""Every golden command gives, byte for byte, the output the code gave before the store refactor.

``tests/golden/generate.py`` wrote those outputs (stdout and exit code) once, on the embedded pack and on a
warehouse holding every shared file. A deliberate change of output regenerates them with
``python tests/golden/generate.py FULL_WAREHOUSE`` and says why in its commit.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from helpers import run_cli

HERE = Path(__file__).parent / "golden"
sys.path.insert(0, str(HERE))
from generate import RESTRICTED, commands, stored  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def full_db(full_wh_path) -> Path:
    return full_wh_path  # the session's warehouse of every shared file (conftest.py)


def _check(basis: str, name: str, argv: list[str], capsys, db: Path | None = None) -> None:
    code, out, _ = run_cli(capsys, *argv)
    want = (HERE / basis / f"{name}.txt").read_text("utf-8")
    got = stored(name, code, out, db)
    if name in RESTRICTED:
        assert got == want, f"{name}: digest {hashlib.sha256(out.encode()).hexdigest()}"
    elif got != want and argv[-1] == "csv" and got.split("\n", 1)[0] == want.split("\n", 1)[0]:
        # DuckDB sums in parallel: a mean can differ in its last bits from run to run. Same table, 1e-9.
        import io

        import pandas as pd

        g, w = (pd.read_csv(io.StringIO(x.split("\n", 1)[1])) for x in (got, want))
        pd.testing.assert_frame_equal(g, w, check_exact=False, rtol=1e-9, atol=1e-12)
    else:
        assert got == want


@pytest.mark.parametrize(("name", "argv"), commands(), ids=[n for n, _ in commands()])
def test_pack(name, argv, capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("DYADWATCH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the default warehouse location, empty
    monkeypatch.setenv("COLUMNS", "200")
    _check("pack", name, argv, capsys)


@pytest.mark.parametrize(("name", "argv"), commands(), ids=[n for n, _ in commands()])
def test_warehouse(name, argv, capsys, monkeypatch, full_db) -> None:
    monkeypatch.setenv("DYADWATCH_DB", str(full_db))
    monkeypatch.setenv("COLUMNS", "200")
    _check("warehouse", name, argv, capsys, full_db)
