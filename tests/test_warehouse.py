import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

from dyadwatch import sources
from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.warehouse import Warehouse
from helpers import snapshot


def test_ingest_records_provenance_and_is_idempotent(shared, wh_path):
    f = shared / "alliances/cow_alliance.rda"
    with Warehouse(wh_path) as wh:
        first = wh.ingest(sources.get("cow_alliance"), [f])
        again = wh.ingest(sources.get("cow_alliance"), [f])
        forced = wh.ingest(sources.get("cow_alliance"), [f], force=True)
        assert first.rows == {"alliance_dyad_year": 120359}  # 120,784 rows less 425 FRG/Germany 1990 merges
        assert again.skipped and not forced.skipped
        assert wh.con.execute("SELECT count(*) FROM alliance_dyad_year").fetchone()[0] == 120359
        rec = wh.ingests()[0]
        assert rec["source"] == "cow_alliance" and rec["version"].startswith("4.1")
        from dyadwatch.warehouse import sha256

        assert sha256(f) in rec["sha256"]


def test_holds_means_exactly_these_files(shared, full_wh):
    """``holds`` is what lets `pack.build` read an existing warehouse: only the very files (sha256s) ingested."""
    atop, unvotes = sources.get("atop"), sources.get("unvotes")
    rda, csv = shared / "alliances/atop_alliance.rda", shared / "alliances/atop_v4_member_level.csv"
    assert full_wh.holds(atop, [csv, rda])  # the order of the files does not matter
    assert not full_wh.holds(atop, [rda])  # a subset is another ingest
    assert not full_wh.holds(unvotes, [rda, csv])  # the same files under another source
    trio = [shared / "unga" / f for f in ("un_votes.rda", "un_roll_calls.rda", "un_roll_call_issues.rda")]
    assert full_wh.holds(unvotes, trio)
    with pytest.raises(SourceFormatError, match="no such file"):
        full_wh.holds(atop, [shared / "alliances/absent.rda"])


class _Broken:
    """A source whose loader writes part of a table and then fails."""

    META = SourceMeta("cow_alliance", "t", "p", "l", "c", "u", "v", ("alliance_dyad_year",), "f")

    @staticmethod
    def load(paths):
        raise SourceFormatError("boom")


class _BadRows:
    META = SourceMeta("cow_alliance", "t", "p", "l", "c", "u", "v", ("alliance_dyad_year",), "f")

    @staticmethod
    def load(paths):
        # Second table fails to conform after the first was written: the transaction must undo both.
        good = pa.table(
            {
                "version": ["x"],
                "iso3_a": ["CHN"],
                "iso3_b": ["RUS"],
                "cow_a": [710],
                "cow_b": [365],
                "year": [1950],
                "defense": [1],
                "offense": [1],
                "neutral": [0],
                "nonagg": [0],
                "consul": [0],
                "entente": [None],
            }
        )
        return {"alliance_dyad_year": good, "votes": pa.table({"rcid": ["not a number"]})}


@pytest.mark.parametrize("source", [_Broken, _BadRows])
def test_failed_ingest_leaves_warehouse_unchanged(shared, wh_path, source):
    with Warehouse(wh_path) as wh:
        wh.ingest(sources.get("cow_alliance"), [shared / "alliances/cow_alliance.rda"])
    before = snapshot(wh_path)
    with Warehouse(wh_path) as wh, pytest.raises(Exception):  # noqa: B017 - any failure must roll back
        wh.ingest(source, [shared / "alliances/cow_alliance.rda"], force=True)
    assert snapshot(wh_path) == before


@pytest.mark.slow
def test_killed_ingest_leaves_warehouse_unchanged(shared, tmp_path):
    db = tmp_path / "kill.duckdb"
    with Warehouse(db) as wh:
        wh.ingest(sources.get("cow_alliance"), [shared / "alliances/cow_alliance.rda"])
    before = snapshot(db)
    marker = tmp_path / "inside-transaction"
    env = {**os.environ, "DYADWATCH_TEST_PAUSE_IN_INGEST": str(marker), "DYADWATCH_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dyadwatch", "ingest", "atop", str(shared / "alliances/atop_alliance.rda")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while not marker.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the ingest never reached its transaction"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert snapshot(db) == before
    with Warehouse(db) as wh:  # and the file is still usable
        assert wh.sources_of("alliance_dyad_year") == ["cow_alliance"]


def test_default_path_honours_env(monkeypatch, tmp_path):
    from dyadwatch.warehouse import default_path

    monkeypatch.setenv("DYADWATCH_DB", str(tmp_path / "x.duckdb"))
    assert default_path() == Path(tmp_path / "x.duckdb")


def test_ibis_create_table_works(wh_path):
    # sqlglot >= 30.18 breaks Ibis create_table on DuckDB: this guards the pin.
    with Warehouse(wh_path) as wh:
        wh.ibis.create_table("t", pa.table({"a": [1, 2]}))
        assert wh.ibis.table("t").count().execute() == 2
