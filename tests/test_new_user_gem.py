"""Issue 14, item 23: GEM's subset ingested after the full tracker (or before it) counts each pipeline once."""

from __future__ import annotations

import pytest

from dyadwatch import sources
from dyadwatch.warehouse import Warehouse
from helpers import run_cli

FULL = "energy/gem_asia_gas_tracker_utf16.csv"
SUBSET = "energy/gem_pipelines_ru_ca_cn_subset.csv"


def _rows(db, name: str) -> int:
    with Warehouse(db, read_only=True) as wh:
        return wh.con.execute("SELECT count(*) FROM pipelines WHERE name = ?", [name]).fetchone()[0]


def _total(db) -> int:
    with Warehouse(db, read_only=True) as wh:
        return wh.con.execute("SELECT count(*) FROM pipelines").fetchone()[0]


@pytest.mark.parametrize("order", [(FULL, SUBSET), (SUBSET, FULL)], ids=["subset-after-full", "full-after-subset"])
def test_each_unit_once_whatever_the_order(shared, tmp_path, capsys, order) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse(db) as wh:
        wh.ingest(sources.get("gem"), [shared / FULL])
    n_full = _total(db)
    db.unlink()
    for f in order:
        code, _, err = run_cli(capsys, "ingest", "gem", shared / f, "--db", db)
        assert code == 0, err
    assert _total(db) == n_full  # every subset unit is a unit of the full tracker
    assert _rows(db, "Power of Siberia 2 Gas Pipeline – Soyuz Vostok Gas Pipeline") == 1
    code, out, err = run_cli(capsys, "energy", "pipelines", "--name", "Power of Siberia 2", "-f", "csv", "--db", db)
    assert code == 0, err
    assert out.count("Power of Siberia 2") == 1
