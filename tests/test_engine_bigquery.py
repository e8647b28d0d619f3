"""BigQuery engine: every indicator expression compiles to BigQuery SQL equal to its snapshot, and the GDELT view.

No BigQuery here (no credentials): expressions are compiled over compile-only stores and the SQL is checked
three ways: against the committed snapshot in ``tests/snapshots/bigquery/`` (``DYADWATCH_UPDATE_SNAPSHOTS=1``
rewrites them), by parsing it back with sqlglot's BigQuery dialect, and for events by the table and the
partition filter it names. The GDELT column mapping itself is proved on data: the same view expression, run
on DuckDB over a real GDELT file loaded under the BigQuery table's column names, gives the loader's rows.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from pathlib import Path

import ibis
import pandas as pd
import pytest
import sqlglot

from dyadwatch.engines import bigquery as bq
from dyadwatch.engines import bigquery_gdelt as gd
from dyadwatch.errors import BadParameterError, MissingExtraError, NoDataError
from dyadwatch.indicators import alliances, arms, trade, votes
from dyadwatch.indicators import events as ie
from dyadwatch.indicators.roll_calls import roll_calls_expr
from dyadwatch.sources import gdelt
from dyadwatch.store import Store
from dyadwatch.tables import TABLES

SNAPSHOTS = Path(__file__).parent / "snapshots" / "bigquery"
UPDATE = os.environ.get("DYADWATCH_UPDATE_SNAPSHOTS") == "1"
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "events"
GDELT_FILES = [DATA / "gdelt1_georgia_2012-08.csv", DATA / "gdelt1_georgia_2012-12.csv"]
Y2022 = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
DECLARED = {
    "votes": ["unvotes"],
    "roll_calls": ["unvotes"],
    "alliance_dyad_year": ["atop", "cow_alliance"],
    "trade_dyad_year": ["cow_trade"],
    "trade_state_year": ["cow_trade"],
    "arms_transfers": ["sipri"],
    "events": ["gdelt"],
}


@pytest.fixture(scope="module")
def gdelt_store() -> bq.BigQueryStore:
    store = bq.open_bigquery("bigquery://gdelt-bq/gdeltv2?connect=false")
    assert isinstance(store, bq.BigQueryStore)
    return store


@pytest.fixture(scope="module")
def dataset_store() -> bq.BigQueryStore:
    return bq.BigQueryStore("my-project", "dyadwatch", connect=False, tables=DECLARED)


def _events_cases(s):
    y0, y1 = Y2022
    month = ie.dyad_events_expr(s, "CHN", "RUS", date_from=y0, date_to=y1)
    whole = ie.dyad_events_expr(s, "CHN", "RUS", period="year", weight="none", root_only=True)
    return {
        **{f"events_dyad_month_2022_{k}": v for k, v in month.items()},
        "events_dyad_year_all": whole["dyad"],
        "events_top_codes_2022": ie.top_event_codes_expr(s, "CHN", "RUS", date_from=y0, date_to=y1),
        "events_index_month_2022": ie.index_expr(s, date_from=y0, date_to=y1),
        "events_view": s.table("events"),
    }


def _dataset_cases(s):
    pair = votes.dyad_votes_expr(s, "CHN", "RUS", "unvotes", 1990, 2019)
    return {
        "votes_agreement": votes.agreement_expr(s, "CHN", "RUS", "unvotes", 1990, 2019),
        "votes_measures_cells": votes._cells_expr(pair),
        "votes_measures_years": roll_calls_expr(s, "unvotes", 1990, 2019).select("year").distinct(),
        "votes_measures_cells_issue_nu": votes._cells_expr(
            votes.dyad_votes_expr(s, "CHN", "RUS", "unvotes", issue="nu", important=True)
        ),
        "alliances_coverage": alliances.coverage_expr(s, "atop"),
        "alliances_obligations": alliances.obligations_expr(s, "CHN", "RUS", "atop"),
        "alliances_panel": alliances.panel_expr(s, ["CHN", "KAZ", "RUS"], "cow_alliance"),
        "trade_cow_all_dyads": trade.cow_all_dyads_expr(s, 2000, 2014),
        "arms_coverage": arms.coverage_expr(s),
        "arms_transfers": arms.transfers_expr(s, "RUS", "CHN", 2000, 2023),
        "arms_by_category": arms.by_category_expr(s, "RUS", "CHN", year_from=2010),
        "arms_top_systems": arms.top_systems_expr(s, "RUS", "CHN", n=5),
    }


# Named here rather than built at collection: building the events expressions costs seconds (the crosswalk CASE).
EVENT_CASES = ["events_dyad_month_2022_dyad", "events_dyad_month_2022_periods", "events_dyad_month_2022_volume_a",
               "events_dyad_month_2022_volume_b", "events_dyad_year_all", "events_index_month_2022",
               "events_top_codes_2022", "events_view"]  # fmt: skip
DATASET_CASES = sorted(_dataset_cases(bq.BigQueryStore("my-project", "dyadwatch", connect=False, tables=DECLARED)))


@pytest.fixture(scope="module")
def compiled(gdelt_store, dataset_store) -> dict[str, str]:
    """Every case's SQL, compiled once: the events indicators over a dataset's canonical ``events`` table (the
    snapshots) and over the public GDELT view (``gdelt:NAME``: its table names and partition filters are checked;
    only the view itself is a snapshot, so the long crosswalk CASE is stored once)."""
    out = {f"gdelt:{k}": _compile(gdelt_store, e) for k, e in _events_cases(gdelt_store).items()}
    cases = _events_cases(dataset_store) | _dataset_cases(dataset_store)
    return out | {k: _compile(dataset_store, e) for k, e in cases.items() if k != "events_view"}


def _normalised(sql: str) -> str:
    # In-memory tables (a year grid, a list of states) get a random name per process; a live run uploads them.
    names: dict[str, str] = {}
    return re.sub(r"ibis_pandas_memtable_[a-z0-9]+", lambda m: names.setdefault(m[0], f"memtable_{len(names)}"), sql)


def _check_snapshot(name: str, sql: str) -> None:
    path = SNAPSHOTS / f"{name}.sql"
    text = _normalised(sql).rstrip("\n") + "\n"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        return
    assert path.exists(), f"no snapshot {path}: run with DYADWATCH_UPDATE_SNAPSHOTS=1 and review the new file"
    want = path.read_text("utf-8")
    if text != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True), str(path), "compiled"))
        pytest.fail(f"BigQuery SQL of {name} differs from its snapshot (DYADWATCH_UPDATE_SNAPSHOTS=1 to accept):\n"
                    + diff[:20000])  # fmt: skip


def _compile(store: bq.BigQueryStore, expr) -> str:
    sql = store.sql(expr)
    parsed = sqlglot.parse_one(sql, read="bigquery")  # raises on SQL the BigQuery dialect cannot read
    assert parsed.find(sqlglot.exp.Select) is not None
    return sql


@pytest.mark.parametrize("name", EVENT_CASES)
def test_events_sql_matches_snapshot(compiled, name):
    if name == "events_view":
        assert "`gdelt-bq`.`gdeltv2`.`events" in compiled["gdelt:events_view"]
        _check_snapshot(name, compiled["gdelt:events_view"])
        return
    assert "`gdelt-bq`.`gdeltv2`.`events" in compiled[f"gdelt:{name}"]  # compiles over the public view too
    assert "`my-project`.`dyadwatch`.`events`" in compiled[name]
    _check_snapshot(name, compiled[name])


@pytest.mark.parametrize("name", DATASET_CASES)
def test_dataset_sql_matches_snapshot(compiled, name):
    assert "`my-project`.`dyadwatch`." in compiled[name]
    _check_snapshot(name, compiled[name])


def test_snapshots_have_no_orphans(compiled):
    on_disk = {p.stem for p in SNAPSHOTS.glob("*.sql")}
    snapshotted = {k for k in compiled if not k.startswith("gdelt:")} | {"events_view"}
    assert on_disk == snapshotted == set(EVENT_CASES) | set(DATASET_CASES)


@pytest.mark.parametrize("name", [n for n in EVENT_CASES if "2022" in n])
def test_date_range_reads_only_its_partitions(compiled, name):
    sql = compiled[f"gdelt:{name}"]
    assert "`gdelt-bq`.`gdeltv2`.`events_partitioned`" in sql
    assert "`gdelt-bq`.`gdeltv2`.`events`" not in sql
    # The bound is a TIMESTAMP literal: BigQuery prunes partitions only on constant _PARTITIONTIME filters, and
    # rejects a TIMESTAMP compared with a DATETIME.
    assert "`_PARTITIONTIME` >= TIMESTAMP('2022-01-01T00:00:00+00:00')" in sql
    assert "`_PARTITIONTIME` < TIMESTAMP('2023-02-01T00:00:00+00:00')" in sql  # 31 late days after 2022-12-31
    assert "`SQLDATE` >= 20220101" in sql and "`SQLDATE` <= 20221231" in sql


def test_no_range_reads_the_whole_table(compiled):
    sql = compiled["gdelt:events_dyad_year_all"]
    assert "`gdelt-bq`.`gdeltv2`.`events` AS" in sql and "_PARTITIONTIME" not in sql


def test_late_days_none_leaves_the_upper_partition_open():
    store = bq.open_bigquery("bigquery://gdelt-bq/gdeltv2?connect=false&late_days=none")
    assert isinstance(store, bq.BigQueryStore) and store.late_days is None
    sql = store.sql(gd.within(gd.raw_table(True), dt.date(2022, 3, 1), dt.date(2022, 3, 31), store.late_days))
    assert "`_PARTITIONTIME` >= TIMESTAMP('2022-03-01T00:00:00+00:00')" in sql
    assert "`_PARTITIONTIME` <" not in sql


def test_view_has_the_canonical_events_schema(gdelt_store):
    want = ibis.schema(TABLES["events"].schema)
    got = gdelt_store.table("events").schema()
    assert list(got) == list(want)
    # BigQuery has one integer type, so int8/int32 columns stay integers of another width: compare kinds only.
    for col in want:
        assert got[col].is_integer() == want[col].is_integer() and got[col].is_string() == want[col].is_string()


def test_crosswalk_case_is_generated_from_the_loader_rule():
    same, renamed = gd.iso3_rules()
    # Every code the CASE maps is one the loader maps the same way, and regions stay unmapped (NULL).
    codes = [*same, *(k for k, _ in renamed), "EUR", "AFR", "XXX"]
    mapping, _ = gdelt.cameo_country_map(codes)
    assert dict(renamed) | {c: c for c in same} == mapping
    assert "EUR" not in mapping and "CHN" in same and len(same) > 150


def test_metadata_without_scans(gdelt_store, dataset_store):
    assert gdelt_store.con is None and dataset_store.con is None  # compile-only: nothing to scan with
    assert gdelt_store.has("events") and gdelt_store.has("events", "gdelt") and not gdelt_store.has("votes")
    assert gdelt_store.sources_of("events") == ["gdelt"] and gdelt_store.basis == "bigquery"
    assert dataset_store.sources_of("alliance_dyad_year") == ["atop", "cow_alliance"]
    assert alliances.pick_source(dataset_store) == "atop"
    with pytest.raises(NoDataError, match="no 'votes' table"):
        gdelt_store.table("votes")
    assert isinstance(gdelt_store, Store)


def test_dataset_metadata_from_its_sources_table():
    # A live dataset says what it holds in a small table; DuckDB stands in for BigQuery's Ibis backend.
    con = ibis.duckdb.connect()
    con.create_table("dyadwatch_sources", pd.DataFrame({"table_name": ["votes", "votes", "gone"],
                                                        "source": ["voeten", "unvotes", "x"]}))  # fmt: skip
    con.create_table("votes", schema=ibis.schema(TABLES["votes"].schema))
    store = bq.BigQueryStore("p", "d", con=con)
    assert store.sources_of("votes") == ["unvotes", "voeten"] and not store.has("gone")
    assert store.table("votes").count().execute() == 0
    bare = bq.BigQueryStore("p", "d", con=ibis.duckdb.connect())
    with pytest.raises(NoDataError, match="dyadwatch_sources"):
        bare.has("votes")


@pytest.mark.parametrize(
    "url",
    [
        "duckdb:///x",
        "bigquery://gdelt-bq",
        "bigquery://p/d/e",
        "bigquery:///d",
        "bigquery://p/d?late_days=x",
        "bigquery://p/d?limit=3",
    ],
)
def test_bad_urls_say_the_form(url):
    with pytest.raises(BadParameterError, match=r"bigquery://|late_days|unknown option"):
        bq.open_bigquery(url)


def test_compile_only_needs_declared_tables():
    with pytest.raises(BadParameterError, match="tables="):
        bq.open_bigquery("bigquery://my-project/dyadwatch?connect=false")


def test_connect_without_the_extra_names_the_install():
    pytest.importorskip("ibis")
    try:
        import google.cloud.bigquery  # noqa: F401
    except ImportError:
        with pytest.raises(MissingExtraError, match=re.escape("pip install 'dyadwatch[bigquery]'")):
            bq.open_bigquery("bigquery://gdelt-bq/gdeltv2")
    else:
        pytest.skip("google-cloud-bigquery is installed: connecting would need credentials")


def test_cost_is_bytes_at_the_on_demand_price():
    assert bq.cost_usd(2**40) == pytest.approx(6.25)
    assert bq.cost_usd(3 * 2**30, usd_per_tib=5.0) == pytest.approx(3 * 5.0 / 1024)


# ------------------------------------------------------------------ the mapping, proved on a real GDELT file

_DUCK = {"int64": "BIGINT", "float64": "DOUBLE", "string": "VARCHAR"}


def _raw_gdelt_duckdb(paths: list[Path]):
    """The files as the BigQuery table holds them: GDELT 2.0 column names and types, ``_PARTITIONTIME`` too."""
    con = ibis.duckdb.connect()
    schema = gd.raw_schema()
    parts = []
    for p in paths:
        layout, cols = gdelt.detect(p)  # the loader's reading of the layout (header row, row names)
        spec = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols) + "}"
        opts = "delim=',', quote='\"', escape='\"', nullstr='NA', skip=1" if layout.startswith("csv") else "delim='\\t'"
        sel = ", ".join(
            (f'TRY_CAST("{c}" AS {_DUCK[str(schema[c])]})' if c in cols else f"CAST(NULL AS {_DUCK[str(schema[c])]})")
            + f' AS "{c}"'
            for c in schema
        )
        parts.append(f"SELECT {sel} FROM read_csv('{p}', {opts}, header=false, columns={spec}, auto_detect=false)")
    con.raw_sql(f"CREATE TABLE events AS {' UNION ALL '.join(parts)}")
    # The day the event was added is the partition it lives in on BigQuery.
    con.raw_sql("CREATE TABLE events_partitioned AS SELECT *, timezone('UTC', strptime(left(CAST(DATEADDED AS "
                "VARCHAR), 8), '%Y%m%d')) AS _PARTITIONTIME FROM events")  # fmt: skip
    return con


@pytest.fixture(scope="module")
def real_gdelt():
    missing = [p for p in GDELT_FILES if not p.exists()]
    if missing:
        pytest.skip(f"shared data not found: {missing}")
    loaded = gdelt.load(GDELT_FILES)["events"].to_pandas()
    return _raw_gdelt_duckdb(GDELT_FILES), loaded


COMPARED = ["event_id", "date", "actor_a", "actor_b", "cameo", "root_code", "is_root", "quad_class", "goldstein",
            "mentions", "sources", "articles", "avg_tone"]  # fmt: skip


def _same_rows(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got = got[COMPARED].sort_values("event_id").reset_index(drop=True)
    want = want[COMPARED].sort_values("event_id").reset_index(drop=True)
    assert len(got) == len(want) and len(want) > 0
    assert (got.event_id.to_numpy() == want.event_id.to_numpy()).all()
    for c in ("goldstein", "avg_tone"):
        pd.testing.assert_series_equal(got[c].astype("float64"), want[c].astype("float64"), rtol=0, atol=1e-9)
    for c in ("date",):
        assert (pd.to_datetime(got[c]) == pd.to_datetime(want[c])).all()
    for c in ("actor_a", "actor_b", "cameo", "root_code", "is_root", "quad_class", "mentions", "sources", "articles"):
        g, w = got[c].astype("object"), want[c].astype("object")
        same = (g == w) | (g.isna() & w.isna())
        assert same.all(), f"{c}: {pd.DataFrame({'id': got.event_id, 'view': g, 'loader': w})[~same].head()}"


def test_view_on_a_real_gdelt_file_equals_the_loader(real_gdelt):
    con, loaded = real_gdelt
    raw = con.table("events")
    assert raw.GLOBALEVENTID.nunique().execute() == raw.count().execute()  # so the loader's dedup is moot
    got = gd.events_view(raw).to_pandas()
    _same_rows(got, loaded)
    # Many states, and CAMEO regions (EUR, AFR, CAS, WST) that must become NULL rather than pass through.
    codes = set(raw.Actor1CountryCode.execute()) | set(raw.Actor2CountryCode.execute())
    assert {"EUR", "AFR"} <= codes and not {"EUR", "AFR"} & (set(got.actor_a) | set(got.actor_b))
    assert got.actor_a.nunique() > 20 and (got.file.str.fullmatch(r"\d{8}\.export\.CSV")).all()


def test_crosswalk_case_executes_as_the_loader_maps():
    # The real files hold no code CAMEO renames (e.g. ROM), so every code the crosswalk knows is run through here.
    same, renamed = gd.iso3_rules()
    codes = [*same, *(k for k, _ in renamed), "EUR", "AFR", "XXX", ""]
    t = ibis.memtable({"code": codes})
    got = t.select("code", iso3=gd.iso3_of(t.code)).to_pandas()
    mapping, _ = gdelt.cameo_country_map([c for c in codes if c])
    want = got.code.map(mapping)
    assert len(renamed) > 5 and got.iso3.isna().sum() == 4
    assert ((got.iso3 == want) | (got.iso3.isna() & want.isna())).all()


def test_partitioned_range_on_a_real_gdelt_file(real_gdelt):
    con, loaded = real_gdelt
    lo, hi = dt.date(2012, 8, 10), dt.date(2012, 12, 20)
    want = loaded[(loaded.date >= lo) & (loaded.date <= hi)]
    raw = con.table("events_partitioned")
    # These events were added months later (a 2013 backfill): an open upper bound finds them all ...
    _same_rows(gd.events_view(gd.within(raw, lo, hi, late_days=None)).to_pandas(), want)
    # ... and the default window of late days leaves them out, as docs/bigquery.md says.
    assert gd.events_view(gd.within(raw, lo, hi)).count().execute() == 0
    late = gd.within(raw, lo, hi, late_days=400)
    assert gd.events_view(late).count().execute() == len(want)


def test_indicators_through_the_view_equal_the_loader(real_gdelt):
    """dyad_events and the index over the view (a store on DuckDB) equal the same over the loaded rows."""
    con, loaded = real_gdelt
    view_store = bq.BigQueryStore("gdelt-bq", "gdeltv2", con=_Rebind(con), late_days=None)  # a 2013 backfill
    frame_con = ibis.duckdb.connect()
    frame_con.create_table("events", loaded.assign(source="gdelt"))
    frame_store = bq.BigQueryStore("p", "d", con=frame_con, tables={"events": ["gdelt"]})
    for a, b in (("GEO", "RUS"), ("GEO", "USA")):
        kw = {"date_from": dt.date(2012, 8, 1), "date_to": dt.date(2012, 12, 31)}
        got = ie.dyad_events(view_store, a, b, **kw)
        want = ie.dyad_events(frame_store, a, b, **kw)
        assert got["events"].sum() >= 5
        pd.testing.assert_frame_equal(got, want, rtol=0, atol=1e-9)
    idx = ie.index_expr(view_store).to_pandas().sort_values(["p", "actor_a", "actor_b"]).reset_index(drop=True)
    files = ie.file_index(GDELT_FILES)
    assert len(idx) == len(files) > 0
    assert (ie.period_label(idx.pop("p"), "month") == files.pop("period")).all()
    pd.testing.assert_frame_equal(idx, files, check_dtype=False, rtol=0, atol=1e-9)


class _Rebind:
    """A DuckDB Ibis backend answering for the public GDELT tables, as the BigQuery backend would."""

    def __init__(self, con):
        self.con = con

    def table(self, name: str, database=None):
        assert database == (gd.PROJECT, gd.DATASET)
        return self.con.table(name)


def test_docs_state_the_window_the_store_uses(gdelt_store):
    doc = (Path(__file__).resolve().parents[1] / "docs" / "bigquery.md").read_text("utf-8")
    assert f"**{gd.LATE_DAYS} late days**" in doc and f"${bq.USD_PER_TIB} per TiB" in doc
    sql = gdelt_store.sql(gd.within(gd.raw_table(True), *Y2022))
    for line in ("_PARTITIONTIME >= TIMESTAMP('2022-01-01T00:00:00+00:00')",
                 "_PARTITIONTIME <  TIMESTAMP('2023-02-01T00:00:00+00:00')"):  # fmt: skip
        assert line in doc and line.replace("<  ", "< ").replace("_PARTITIONTIME", "`_PARTITIONTIME`") in sql
