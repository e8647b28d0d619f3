"""What every Spark engine must compute exactly as DuckDB does: shared by the Spark and Spark Connect tests.

``FAMILIES`` are the indicator families on the shared data, each a check ``(duckdb_store, other_store)`` that
computes the family through both stores and compares the frames (``assert_same``: same rows, numbers equal to
1e-9, NULL equal to NULL). ``write_edge_lake`` writes the edge fixtures (zero denominators, an all-NULL column,
duplicate event ids, a state that only imports) as a tiny lake, and ``EDGES`` are the checks on it. Keeping them
in one place means ``spark+parquet`` and ``sc://`` are held to the same list, not to two that drift apart.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dyadwatch import api, lake

# A short-lived JVM on two busy cores: C1-only JIT and the serial GC spend less CPU compiling and collecting
# than they save (measured: the first indicator 57 s → 32 s). Results do not depend on it. Used for the local
# session and for the Connect server.
FAST_START_JAVA = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def need_spark() -> None:
    """Skip without Java or PySpark on a laptop; under CI their absence is a broken install, so a failure."""
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


def same(dk, sp, fn, what: str, min_rows: int = 1) -> pd.DataFrame:
    """``fn`` through DuckDB (``dk``) and through ``sp``, compared; returns DuckDB's frame."""
    a, b = fn(dk), fn(sp)
    a, b = (getattr(a, "data", a), getattr(b, "data", b))
    assert len(a) >= min_rows, f"{what}: the DuckDB reference is empty, so the comparison would prove nothing"
    assert_same(a, b, what=what)
    return a


# --------------------------------------------------------------------------- the store itself


def check_store_reads_the_lake_log(sp, full_wh) -> None:
    """What the lake holds comes from its log, and the tables have the canonical types whatever the files say."""
    s = sp.stores[0]
    assert s.basis == "spark" and sp.basis_of("votes") == "spark"
    for name in ("votes", "events", "trade_flows", "speeches"):
        assert s.sources_of(name) == full_wh.sources_of(name)
    assert s.version() == str(len(lake.log(s.root)))
    assert not s.has("mids") and not s.has("votes", "no-such-source")
    sch = s.table("votes").schema()
    assert str(sch["cow"]) == "int16" and str(sch["vote"]) == "int8"  # canonical, whatever the file wrote


# --------------------------------------------------------------------------- every indicator family


def _votes_measures(source: str) -> Callable:
    def check(dk, sp) -> None:
        df = same(dk, sp, lambda s: api.votes("CHN", "RUS", wh=s, source=source, measure="all"), f"votes/{source}")
        assert df.year.nunique() > 20

    return check


def _votes_subset(dk, sp) -> None:
    same(dk, sp, lambda s: api.votes("USA", "GBR", wh=s, measure="kappa,s_sq", issue="hr"), "votes/issue", 20)


def _votes_all_dyads_panel(dk, sp) -> None:
    from dyadwatch.indicators import votes_panel as vp

    df = same(dk, sp, lambda s: vp.all_dyads(s, source="unvotes", year_from=2010, year_to=2019), "all-dyads", 10_000)
    assert df.year.nunique() == 10


def _idealpoints(dk, sp) -> None:
    same(dk, sp, lambda s: api.idealpoints(states=["CHN", "RUS", "USA"], wh=s), "idealpoints")


def _alliances(a: str, b: str) -> Callable:
    def check(dk, sp) -> None:
        same(dk, sp, lambda s: api.alliances(a, b, wh=s), f"alliances/{a}-{b}")

    return check


def _cow_trade_dyadic_and_all_dyads(dk, sp) -> None:
    from dyadwatch.indicators import trade

    same(dk, sp, lambda s: api.trade("CHN", "RUS", wh=s), "trade/CHN-RUS")
    same(dk, sp, lambda s: trade.cow_all_dyads(s, 2012, 2014), "cow all dyads", 10_000)


def _trade_shares_and_tii_with_states_that_only_import(dk, sp) -> None:
    """The China tables' partner totals (HS level 0) through the all-dyad expressions: WLD only imports."""
    from dyadwatch.indicators import trade_composition as tc

    def dyads(s):
        return tc.all_dyad_indices_expr(s, "2020", source="china_tables", level=0)[0].to_pandas()

    ref = same(dk, sp, dyads, "all-dyad indices", 50)
    only_imports = ref[ref.i == "WLD"]
    assert len(only_imports) and only_imports.tii.isna().all()  # x / 0 exports: NULL, never inf or an error
    assert np.isfinite(ref.tii.dropna()).all() and ref.tii.notna().sum() > 50


def _energy_crude_and_gas_shares(dk, sp) -> None:
    same(dk, sp, lambda s: api.energy_crude("CHN", "RUS", benchmarks=("SAU",), wh=s), "energy/crude", 24)
    same(dk, sp, lambda s: api.energy_gas("CHN", freq="M", wh=s), "energy/gas", 24)
    same(dk, sp, lambda s: api.pipelines(wh=s), "pipelines")


def _events_dyad_month_index(dk, sp) -> None:
    from dyadwatch.indicators import events

    same(dk, sp, lambda s: api.events("GEO", "RUS", wh=s), "events/month", 2)
    same(dk, sp, lambda s: api.events("GEO", "RUS", period="day", weight="none", wh=s), "events/day", 10)
    same(dk, sp, lambda s: events.top_event_codes(s, "GEO", "RUS"), "events/top codes", 3)


def _arms(dk, sp) -> None:
    same(dk, sp, lambda s: api.arms("RUS", "CHN", wh=s), "arms/year", 5)
    same(dk, sp, lambda s: api.arms("RUS", "IND", by="category", wh=s), "arms/category", 3)


def _rhetoric_and_speeches(dk, sp) -> None:
    same(dk, sp, lambda s: api.rhetoric_rates("CHN", "USA", year_from=2000, year_to=2010, wh=s), "rhetoric", 5)
    same(dk, sp, lambda s: api.speech_similarity("CHN", "RUS", year_from=2000, year_to=2010, wh=s), "textsim", 5)


def _conflict_tables_are_not_in_the_shared_warehouse(dk, sp) -> None:
    # The conflict sources (MIDs, rivalries, capabilities) are not among the shared files, so there is nothing
    # to compare; if they are ever added, this fails and asks for the comparison.
    for name in ("mids", "rivalries", "capabilities"):
        assert not dk.has(name) and not sp.has(name)


# id → check(duckdb_store, other_store); the ids are the tests' parameter ids.
FAMILIES: dict[str, Callable] = {
    "votes-voeten": _votes_measures("voeten"),
    "votes-unvotes": _votes_measures("unvotes"),
    "votes-subset": _votes_subset,
    "votes-all-dyads-panel": _votes_all_dyads_panel,
    "idealpoints": _idealpoints,
    "alliances-CHN-RUS": _alliances("CHN", "RUS"),
    "alliances-USA-GBR": _alliances("USA", "GBR"),
    "cow-trade-dyadic-and-all-dyads": _cow_trade_dyadic_and_all_dyads,
    "trade-shares-and-tii-with-states-that-only-import": _trade_shares_and_tii_with_states_that_only_import,
    "energy-crude-and-gas-shares": _energy_crude_and_gas_shares,
    "events-dyad-month-index": _events_dyad_month_index,
    "arms": _arms,
    "rhetoric-and-speeches": _rhetoric_and_speeches,
    "conflict-tables-absent": _conflict_tables_are_not_in_the_shared_warehouse,
}


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


def write_edge_lake(root: Path) -> Path:
    """A lake of a few trade flows and events with every edge the engines could disagree on."""

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


def _edge_zero_denominators_and_a_state_that_only_imports(duck, spk) -> None:
    from dyadwatch.indicators import trade_composition as tc

    (d1, r1), (d2, r2) = (tc.all_dyad_indices(s, "2020", source="baci") for s in (duck, spk))
    assert_same(d1, d2, what="edge dyads")
    assert_same(r1, r2, what="edge rca")
    d = d1.set_index(["i", "j"])
    for col in ("tii", "grubel_lloyd", "share_of_a_trade", "share_of_b_trade", "asymmetry"):
        assert d.loc[("DDD", "EEE"), col] != d.loc[("DDD", "EEE"), col], f"{col}: 0/0 must be NULL"
    assert np.isnan(d.loc[("CCC", "AAA"), "tii"])  # x / NULL exports
    # A real value beside them: AAA→BBB, x_ij 12 of AAA's 15 exports; BBB imports 12 of the world's 20.
    assert d.loc[("AAA", "BBB"), "tii"] == pytest.approx((12 / 15) / (12 / 20), abs=1e-12)
    nums = d1.select_dtypes("number").to_numpy(dtype=float)
    assert np.isfinite(nums[~np.isnan(nums)]).all()


def _edge_duplicate_event_ids_and_an_all_null_column(duck, spk) -> None:
    from dyadwatch.indicators import events

    a, b = (events.dyad_events(s, "AAA", "BBB", weight="none") for s in (duck, spk))
    assert_same(a, b, what="edge events")
    row = a.iloc[0]
    assert row.events == 2  # ids 1 and 2, each read from two files, counted once
    assert np.isnan(row.goldstein) and np.isnan(row.avg_tone)  # every weight's goldstein is NULL
    assert row.share_of_a == pytest.approx(2 / 3)  # AAA is in 3 distinct events
    a, b = (events.top_event_codes(s, "AAA", "BBB") for s in (duck, spk))
    assert_same(a, b, what="edge codes")
    assert a.events.tolist() == [2] and np.isnan(a.goldstein.iloc[0])


# id → check(duckdb_lake_store, spark_store) on the lake ``write_edge_lake`` wrote.
EDGES: dict[str, Callable] = {
    "zero-denominators-and-a-state-that-only-imports": _edge_zero_denominators_and_a_state_that_only_imports,
    "duplicate-event-ids-and-an-all-null-column": _edge_duplicate_event_ids_and_an_all_null_column,
}
