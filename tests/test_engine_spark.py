"""The same indicators on Spark: every family computed through ``SparkStore`` (local[2]) equals DuckDB's.

The session warehouse is exported to a lake once; each test computes one indicator family through the DuckDB
warehouse and through Spark over the lake and compares the frames (same rows, numbers equal to 1e-9, NULL
equal to NULL). Edge fixtures (zero denominators, an all-NULL column, duplicate event ids, a state that only
imports) are a tiny lake written here, read by DuckDB views (``LakeStore``) and by Spark.

One Spark session for the whole run (its JVM takes ~10-20 s to start on this machine).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dyadwatch import api, lake
from dyadwatch.engines import EngineError, open_engine, parse

pytestmark = pytest.mark.spark


def _need_spark():
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if os.environ.get("CI"):
            pytest.fail("java is missing: .ci/run must install default-jre-headless")
        pytest.skip("no Java runtime on this machine")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("pyspark is missing: it is in the [test] extra and requirements.lock")
        pytest.skip("pyspark is not installed (pip install dyadwatch[spark])")


@pytest.fixture(scope="session")
def spark():
    """The run's one Spark session: local[2], bound to 127.0.0.1, no UI (``engines.spark.LOCAL``)."""
    _need_spark()
    from dyadwatch.engines.spark import local_session

    # A short-lived JVM on two busy cores: C1-only JIT and the serial GC spend less CPU compiling and
    # collecting than they save (measured: the first indicator 57 s → 32 s). Results do not depend on it.
    fast_start = {
        "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        "spark.sql.shuffle.partitions": "2",
    }
    session = local_session(fast_start)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def full_lake(full_wh, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lake") / "lake"
    lake.export(full_wh.con, root)
    return root


@pytest.fixture(scope="session")
def sp(spark, full_lake):
    from dyadwatch.engines.spark import SparkStore

    store = SparkStore(full_lake, spark)
    yield api.as_store(store)
    store.close()


@pytest.fixture(scope="session")
def dk(full_wh):
    return api.as_store(full_wh)


# --------------------------------------------------------------------------- comparing frames


def _is_num(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _norm(df: pd.DataFrame) -> pd.DataFrame:
    """Comparable form: datetimes as datetimes, numbers as float64, everything else as text (NULL as None)."""
    out = {}
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_datetime64_any_dtype(s) or (s.dtype == object and s.map(type).eq(dt.date).any()):
            out[c] = pd.to_datetime(s)
        elif _is_num(s) or pd.api.types.is_bool_dtype(s):
            out[c] = pd.to_numeric(s, errors="raise").astype("float64")
        else:
            out[c] = s.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    return pd.DataFrame(out, index=range(len(df)))


def assert_same(a: pd.DataFrame, b: pd.DataFrame, *, what: str) -> None:
    assert list(a.columns) == list(b.columns), what
    assert len(a) == len(b), f"{what}: {len(a)} rows on DuckDB, {len(b)} on Spark"
    na, nb = _norm(a.reset_index(drop=True)), _norm(b.reset_index(drop=True))
    # Sort on the keys first (text, dates), then on numbers rounded past the tolerance.
    keys = [c for c in na.columns if na[c].dtype != "float64"]
    nums = [c for c in na.columns if na[c].dtype == "float64"]
    for n in (na, nb):
        for c in nums:
            n[f"_r_{c}"] = n[c].round(6)
    by = keys + [f"_r_{c}" for c in nums]
    na = na.sort_values(by, na_position="last", kind="mergesort").reset_index(drop=True)[list(a.columns)]
    nb = nb.sort_values(by, na_position="last", kind="mergesort").reset_index(drop=True)[list(a.columns)]
    for c in a.columns:
        x, y = na[c], nb[c]
        assert (x.isna() == y.isna()).all(), f"{what}.{c}: NULL in one engine only"
        m = x.notna()
        if x.dtype == "float64":
            xv, yv = x[m].to_numpy(), y[m].to_numpy()
            bad = np.abs(xv - yv) > 1e-9 * np.maximum(1.0, np.abs(xv))
            bad |= np.isinf(xv) != np.isinf(yv)
            assert not bad.any(), f"{what}.{c}: {xv[bad][:3]} (DuckDB) vs {yv[bad][:3]} (Spark)"
        else:
            assert (x[m] == y[m]).all(), f"{what}.{c}: {x[m][x[m] != y[m]].head(3).tolist()}"


def _same(dk, sp, fn, what: str, min_rows: int = 1) -> pd.DataFrame:
    a, b = fn(dk), fn(sp)
    a, b = (getattr(a, "data", a), getattr(b, "data", b))
    assert len(a) >= min_rows, f"{what}: the DuckDB reference is empty, so the comparison would prove nothing"
    assert_same(a, b, what=what)
    return a


# --------------------------------------------------------------------------- every indicator family


def test_spark_store_reads_the_lake_log(sp, dk, full_wh):
    s = sp.stores[0]
    assert s.basis == "spark" and sp.basis_of("votes") == "spark"
    for name in ("votes", "events", "trade_flows", "speeches"):
        assert s.sources_of(name) == full_wh.sources_of(name)
    assert s.version() == str(len(lake.log(s.root)))
    assert not s.has("mids") and not s.has("votes", "no-such-source")
    sch = s.table("votes").schema()
    assert str(sch["cow"]) == "int16" and str(sch["vote"]) == "int8"  # canonical, whatever the file wrote


@pytest.mark.parametrize("source", ["voeten", "unvotes"])
def test_votes_measures_per_year(sp, dk, source):
    df = _same(dk, sp, lambda s: api.votes("CHN", "RUS", wh=s, source=source, measure="all"), f"votes/{source}")
    assert df.year.nunique() > 20


def test_votes_subset(sp, dk):
    _same(dk, sp, lambda s: api.votes("USA", "GBR", wh=s, measure="kappa,s_sq", issue="hr"), "votes/issue", 20)


def test_votes_all_dyads_panel(sp, dk):
    from dyadwatch.indicators import votes_panel as vp

    df = _same(dk, sp, lambda s: vp.all_dyads(s, source="unvotes", year_from=2010, year_to=2019), "all-dyads", 10_000)
    assert df.year.nunique() == 10


def test_idealpoints(sp, dk):
    _same(dk, sp, lambda s: api.idealpoints(states=["CHN", "RUS", "USA"], wh=s), "idealpoints")


@pytest.mark.parametrize(("a", "b"), [("CHN", "RUS"), ("USA", "GBR")])
def test_alliances(sp, dk, a, b):
    _same(dk, sp, lambda s: api.alliances(a, b, wh=s), f"alliances/{a}-{b}")


def test_cow_trade_dyadic_and_all_dyads(sp, dk):
    from dyadwatch.indicators import trade

    _same(dk, sp, lambda s: api.trade("CHN", "RUS", wh=s), "trade/CHN-RUS")
    _same(dk, sp, lambda s: trade.cow_all_dyads(s, 2012, 2014), "cow all dyads", 10_000)


def test_trade_shares_and_tii_with_states_that_only_import(sp, dk):
    """The China tables' partner totals (HS level 0) through the all-dyad expressions: WLD only imports."""
    from dyadwatch.indicators import trade_composition as tc

    def dyads(s):
        return tc.all_dyad_indices_expr(s, "2020", source="china_tables", level=0)[0].to_pandas()

    ref = _same(dk, sp, dyads, "all-dyad indices", 50)
    only_imports = ref[ref.i == "WLD"]
    assert len(only_imports) and only_imports.tii.isna().all()  # x / 0 exports: NULL, never inf or an error
    assert np.isfinite(ref.tii.dropna()).all() and ref.tii.notna().sum() > 50


def test_energy_crude_and_gas_shares(sp, dk):
    _same(dk, sp, lambda s: api.energy_crude("CHN", "RUS", benchmarks=("SAU",), wh=s), "energy/crude", 24)
    _same(dk, sp, lambda s: api.energy_gas("CHN", freq="M", wh=s), "energy/gas", 24)
    _same(dk, sp, lambda s: api.pipelines(wh=s), "pipelines")


def test_events_dyad_month_index(sp, dk):
    from dyadwatch.indicators import events

    _same(dk, sp, lambda s: api.events("GEO", "RUS", wh=s), "events/month", 2)
    _same(dk, sp, lambda s: api.events("GEO", "RUS", period="day", weight="none", wh=s), "events/day", 10)
    _same(dk, sp, lambda s: events.top_event_codes(s, "GEO", "RUS"), "events/top codes", 3)


def test_arms(sp, dk):
    _same(dk, sp, lambda s: api.arms("RUS", "CHN", wh=s), "arms/year", 5)
    _same(dk, sp, lambda s: api.arms("RUS", "IND", by="category", wh=s), "arms/category", 3)


def test_rhetoric_and_speeches(sp, dk):
    _same(dk, sp, lambda s: api.rhetoric_rates("CHN", "USA", year_from=2000, year_to=2010, wh=s), "rhetoric", 5)
    _same(dk, sp, lambda s: api.speech_similarity("CHN", "RUS", year_from=2000, year_to=2010, wh=s), "textsim", 5)


def test_conflict_tables_are_not_in_the_shared_warehouse(sp, full_wh):
    # The conflict sources (MIDs, rivalries, capabilities) are not among the shared files, so there is nothing
    # to compare; if they are ever added, this fails and asks for the comparison.
    for name in ("mids", "rivalries", "capabilities"):
        assert not full_wh.has(name) and not sp.has(name)


# --------------------------------------------------------------------------- edge fixtures: a tiny lake


def _write(root: Path, source: str, tables: dict[str, list[dict]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dyadwatch.tables import TABLES

    written = {}
    for name, rows in tables.items():
        schema = TABLES[name].schema
        full = [{c: r.get(c, source if c == "source" else None) for c in schema.names} for r in rows]
        part = lake.stage(root, name, source, "edge")
        pq.write_table(pa.Table.from_pylist(full, schema=schema), part / "data.parquet")
        written[name] = [part]
    lake.commit(root, source, "replace", written)


@pytest.fixture(scope="module")
def edge_lake(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("edge") / "lake"

    def flow(i, j, v, k="010101"):
        return dict(basis="reported", reporter=i, partner=j, period="2020", freq="A", flow="X", hs_version="H5",
                    hs_level=6, hs_code=k, value_usd=v, file="edge.csv")  # fmt: skip

    flows = [
        flow("AAA", "BBB", 10.0),
        flow("BBB", "AAA", 5.0),
        flow("AAA", "CCC", 3.0),  # CCC only imports: no exports, so X_i = NULL for the pair (CCC, AAA)
        flow("DDD", "EEE", 0.0),  # a zero flow: every denominator of the pair D–E is 0
        flow("AAA", "BBB", 2.0, "020202"),
    ]

    def event(eid, day, a, b, quad, file, goldstein=None):
        return dict(event_id=eid, date=dt.date(2020, 1, day), actor_a=a, actor_b=b, cameo="010", root_code="01",
                    is_root=True, quad_class=quad, goldstein=goldstein, mentions=2, sources=1, articles=2,
                    avg_tone=None, file=file)  # fmt: skip

    events = [
        event(1, 1, "AAA", "BBB", 1, "f1"),
        event(1, 1, "AAA", "BBB", 1, "f2"),  # the same event from an overlapping file
        event(2, 2, "BBB", "AAA", 4, "f2"),
        event(3, 3, "AAA", "CCC", 3, "f2"),
        event(4, 3, "BBB", "CCC", 3, "f2"),
        event(2, 2, "BBB", "AAA", 4, "f3"),
    ]  # goldstein and avg_tone: all NULL
    _write(root, "baci", {"trade_flows": flows})
    _write(root, "gdelt", {"events": events})
    return root


@pytest.fixture(scope="module")
def edge_stores(spark, edge_lake):
    from dyadwatch.engines.lakeviews import LakeStore
    from dyadwatch.engines.spark import SparkStore

    duck, spk = LakeStore(edge_lake), SparkStore(edge_lake, spark)
    yield duck, spk
    duck.close()
    spk.close()


def test_edge_zero_denominators_and_a_state_that_only_imports(edge_stores):
    from dyadwatch.indicators import trade_composition as tc

    duck, spk = edge_stores
    (d1, r1), (d2, r2) = (tc.all_dyad_indices(s, "2020", source="baci") for s in (duck, spk))
    assert_same(d1, d2, what="edge dyads")
    assert_same(r1, r2, what="edge rca")
    d = d1.set_index(["i", "j"])
    for col in ("tii", "grubel_lloyd", "share_of_a_trade", "share_of_b_trade", "asymmetry"):
        assert d.loc[("DDD", "EEE"), col] != d.loc[("DDD", "EEE"), col], f"{col}: 0/0 must be NULL"
    assert np.isnan(d.loc[("CCC", "AAA"), "tii"])  # x / NULL exports
    # A real value beside them: AAA→BBB, x_ij 12 of AAA's 15 exports; BBB imports 12 of the world's 20.
    assert d.loc[("AAA", "BBB"), "tii"] == pytest.approx((12 / 15) / (12 / 20), abs=1e-12)
    assert np.isfinite(
        d1.select_dtypes("number").to_numpy(dtype=float)[~np.isnan(d1.select_dtypes("number").to_numpy(dtype=float))]
    ).all()


def test_edge_duplicate_event_ids_and_an_all_null_column(edge_stores):
    from dyadwatch.indicators import events

    duck, spk = edge_stores
    a, b = (events.dyad_events(s, "AAA", "BBB", weight="none") for s in (duck, spk))
    assert_same(a, b, what="edge events")
    row = a.iloc[0]
    assert row.events == 2  # ids 1 and 2, each read from two files, counted once
    assert np.isnan(row.goldstein) and np.isnan(row.avg_tone)  # every weight's goldstein is NULL
    assert row.share_of_a == pytest.approx(2 / 3)  # AAA is in 3 distinct events
    a, b = (events.top_event_codes(s, "AAA", "BBB") for s in (duck, spk))
    assert_same(a, b, what="edge codes")
    assert a.events.tolist() == [2] and np.isnan(a.goldstein.iloc[0])


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
        _same(dk, lk, lambda s: api.votes("CHN", "RUS", wh=s, measure="all"), "lake/votes")


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
