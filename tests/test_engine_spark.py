"""The same indicators on Spark: every family computed through ``SparkStore`` (local[2]) equals DuckDB's.

The session warehouse is exported to a lake once; each test computes one indicator family through the DuckDB
warehouse and through Spark over the lake and compares the frames (same rows, numbers equal to 1e-9, NULL
equal to NULL). Edge fixtures (zero denominators, an all-NULL column, duplicate event ids, a state that only
imports) are a tiny lake, read by DuckDB views (``LakeStore``) and by Spark. The families and the edge checks
are ``engine_checks``'s, shared with the Spark Connect tests (``test_engine_spark_connect.py``).

One Spark session for the whole run (its JVM takes ~10-20 s to start on this machine).
"""

from __future__ import annotations

import pytest

from dyadwatch import api
from dyadwatch.engines import EngineError, open_engine, parse
from engine_checks import EDGES, FAMILIES, FAST_START_JAVA, check_store_reads_the_lake_log, need_spark, same

pytestmark = pytest.mark.spark


@pytest.fixture(scope="session")
def spark():
    """The run's one Spark session: local[2], bound to 127.0.0.1, no UI (``engines.spark.LOCAL``)."""
    need_spark()
    from dyadwatch.engines.spark import local_session

    session = local_session({"spark.driver.extraJavaOptions": FAST_START_JAVA, "spark.sql.shuffle.partitions": "2"})
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def sp(spark, full_lake):
    from dyadwatch.engines.spark import SparkStore

    store = SparkStore(full_lake, spark)
    yield api.as_store(store)
    store.close()


# --------------------------------------------------------------------------- every indicator family


def test_spark_store_reads_the_lake_log(sp, full_wh):
    check_store_reads_the_lake_log(sp, full_wh)


@pytest.mark.parametrize("family", FAMILIES)
def test_family_equals_duckdb(sp, dk, family):
    FAMILIES[family](dk, sp)


# --------------------------------------------------------------------------- edge fixtures: a tiny lake


@pytest.fixture(scope="module")
def edge_stores(spark, edge_lake):
    from dyadwatch.engines.lakeviews import LakeStore
    from dyadwatch.engines.spark import SparkStore

    duck, spk = LakeStore(edge_lake), SparkStore(edge_lake, spark)
    yield duck, spk
    duck.close()
    spk.close()


@pytest.mark.parametrize("edge", EDGES)
def test_edge_equals_duckdb(edge_stores, edge):
    EDGES[edge](*edge_stores)


# --------------------------------------------------------------------------- the factory and the CLI


def test_open_engine_urls(tmp_path, full_wh_path):
    u = parse("spark+parquet:///data/lake?spark.sql.shuffle.partitions=8")
    assert (u.scheme, u.path, u.options) == ("spark+parquet", "/data/lake", {"spark.sql.shuffle.partitions": "8"})
    assert parse("lake://rel/lake").path == "rel/lake"
    c = parse("sc://cluster.example:15002/?lake=/mnt/lake&token=abc")
    assert (c.host, c.port, c.path, c.options) == ("cluster.example", 15002, "/mnt/lake", {"token": "abc"})
    for bad, says in [
        ("postgres://x/y", "Unknown engine 'postgres'"),
        ("/just/a/path", "is not a URL"),
        ("sc://:15002", "names no Spark Connect host"),
        ("sc://host:port", "port is not a number"),
    ]:
        with pytest.raises(EngineError, match=says) as e:
            parse(bad)
        assert "spark+parquet:///path/lake" in str(e.value)  # every error names the accepted forms
    with pytest.raises(EngineError, match="say where the lake is"):
        open_engine("sc://localhost:15002")
    with pytest.raises(EngineError, match="must be absolute"):  # the server would resolve it elsewhere
        open_engine("sc://localhost:15002/?lake=rel/lake")
    with pytest.raises(EngineError, match="names no path"):
        open_engine("lake://")
    with open_engine(f"duckdb://{full_wh_path}") as wh:
        assert wh.basis == "warehouse" and wh.has("votes")
    from dyadwatch.errors import NoDataError

    with pytest.raises(NoDataError, match="not a dyadwatch lake"):
        open_engine(f"lake://{tmp_path}")


def test_lake_engine_matches_the_warehouse(full_lake, dk):
    with api.open_store(engine=f"lake://{full_lake}") as lk:  # the engine's store, then the pack
        assert lk.basis == "lake" and lk.basis_of("facts") == "lake" and lk.pack is not None
        same(dk, lk, lambda s: api.votes("CHN", "RUS", wh=s, measure="all"), "lake/votes")


def test_cli_engine_gives_the_warehouse_csv(spark, full_lake, full_wh_path, capsys, monkeypatch):
    from helpers import run_cli

    for k in ("DYADWATCH_ENGINE", "DYADWATCH_DB"):
        monkeypatch.setenv(k, "")  # restored (unset) after the test: the global options set them
        monkeypatch.delenv(k)
    code, ref, err = run_cli(capsys, "--db", full_wh_path, "votes", "CHN", "RUS", "--format", "csv")
    assert code == 0, err
    monkeypatch.delenv("DYADWATCH_DB")
    code, got, err = run_cli(
        capsys, "--engine", f"spark+parquet://{full_lake}", "votes", "CHN", "RUS", "--format", "csv"
    )
    assert code == 0, err
    assert got == ref and ref.count("\n") > 20
    code, _, err = run_cli(capsys, "--engine", "nosuch:///x", "votes", "CHN", "RUS")
    assert code == 2 and "Unknown engine 'nosuch'" in err
