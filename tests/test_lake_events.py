"""The lake's dyad-month aggregate (``lake.DYAD_MONTH``): written beside each streamed events part in the same
commit, and the events index answered from it equal to the index read from the rows.

Equality is checked through the same store (``use_aggregates`` off reads the rows), on generated GDELT 2.0 files
and on the shared real GDELT files, with event ids repeated within and across files, a file re-read with other
content (its part and its aggregate replaced), and every index option the aggregate answers.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import duckdb
import ibis
import pandas as pd
import pytest

from dyadwatch import lake, lake_ingest
from dyadwatch.engines.lakeviews import LakeStore
from dyadwatch.errors import InvalidValueError
from dyadwatch.indicators import events as ie
from dyadwatch.sources import gdelt
from dyadwatch.warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from gdelt_generate import generate  # noqa: E402

REAL = ["events/gdelt1_georgia_2012-08.csv", "events/gdelt1_georgia_2012-12.csv"]

# Every option the aggregate answers (whole months), alone and combined.
OPTIONS = [
    {},
    {"period": "quarter"},
    {"period": "year"},
    {"weight": "articles"},
    {"weight": "none"},
    {"direction": "a_to_b"},
    {"direction": "b_to_a"},
    {"root_only": True},
    {"source": "gdelt"},
    {"period": "quarter", "weight": "none", "direction": "b_to_a", "root_only": True},
]


def _from_aggregate(store: LakeStore, a: str, b: str, **kw) -> bool:
    """Whether the index's expressions read the aggregate (and not the events rows)."""
    sql = str(ibis.to_sql(ie.dyad_events_expr(store, a, b, **kw)["combined"])) if store.aggregate_current else ""
    return f'FROM "{lake.DYAD_MONTH}"' in sql and 'FROM "events"' not in sql


def _assert_same(root: Path, dyads: list[tuple[str, str]], options: list[dict], *, current: bool = True) -> int:
    """The index from the aggregate equals the index from the rows; returns the dyad events compared."""
    total = 0
    with LakeStore(root) as ls:
        assert ls.aggregate_current is current
        for a, b in dyads:
            for kw in options:
                ls.use_aggregates = True
                assert _from_aggregate(ls, a, b, **kw) is current, (a, b, kw)
                fast = ie.dyad_events(ls, a, b, **kw)
                ls.use_aggregates = False
                rows = ie.dyad_events(ls, a, b, **kw)
                pd.testing.assert_frame_equal(fast, rows, rtol=1e-9, atol=1e-12, obj=f"{a}-{b} {kw}")
                total += int(rows.events.sum())
    return total


@pytest.fixture(scope="module")
def days(tmp_path_factory) -> list[Path]:
    """Three days of generated 2.0 files: ids repeated within each file and across consecutive files."""
    return generate(tmp_path_factory.mktemp("gdelt-agg"), days=3, per_day=60_000)


def test_generated_files_index_from_the_aggregate_equals_the_rows(days, tmp_path):
    root = tmp_path / "lake"
    dyads = [("CHN", "RUS"), ("USA", "CHN"), ("RUS", "UKR"), ("USA", "USA"), ("NZL", "CHN")]
    # Out of name order, in two commands: the middle file is deduped against both neighbours' live parts.
    lake_ingest.ingest(root, gdelt, [days[0], days[2]])
    res = lake_ingest.ingest(root, gdelt, [days[1]])
    assert res.notes and "repeat an event id" in res.notes[0]
    entry = lake.current(root)["gdelt"]
    assert sorted(entry.live[lake.DYAD_MONTH]) == sorted(map(lake.aggregate_of, entry.live["events"]))
    assert all(i["aggregates"] == [lake.aggregate_of(p) for p in i["parts"]] for i in entry.inputs)
    assert _assert_same(root, dyads, OPTIONS) > 1000
    # The middle day again from another path (its last lines gone): a new file, deduped against all three.
    lines = days[1].read_text().splitlines(keepends=True)
    changed = tmp_path / days[1].name
    changed.write_text("".join(lines[: len(lines) * 3 // 4]))
    old = {i["identity"]: i for i in entry.inputs}
    lake_ingest.ingest(root, gdelt, [changed], allow_shrink=True)
    entry = lake.current(root)["gdelt"]
    new_aggs = next(i["aggregates"] for i in entry.inputs if i["identity"] == str(changed.resolve()))
    assert set(new_aggs) <= set(entry.live[lake.DYAD_MONTH])
    assert len(entry.live[lake.DYAD_MONTH]) == len(entry.live["events"]) == 4
    assert str(days[1].resolve()) in old  # a new path is a new identity: the old file's part stays live too
    _assert_same(root, dyads[:3], OPTIONS[:4])


def test_generated_files_reread_under_the_same_path_replace_the_aggregate(days, tmp_path):
    files = []
    for f in days[:2]:
        files.append(tmp_path / f.name)
        files[-1].write_bytes(f.read_bytes())
    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, files)
    with LakeStore(root) as ls:
        before = ie.dyad_events(ls, "CHN", "RUS")
    lines = files[0].read_text().splitlines(keepends=True)
    files[0].write_text("".join(lines[::2]))  # half the events: a changed file, the same identity
    lake_ingest.ingest(root, gdelt, [files[0]], allow_shrink=True)
    entry = lake.current(root)["gdelt"]
    assert len(entry.live["events"]) == len(entry.live[lake.DYAD_MONTH]) == 2
    after = _assert_same(root, [("CHN", "RUS"), ("USA", "IRN")], OPTIONS[:3] + OPTIONS[7:8])
    assert 0 < after
    with LakeStore(root) as ls:
        assert ie.dyad_events(ls, "CHN", "RUS").events.sum() < before.events.sum()
    # (Not compared with a warehouse of the files as they are now: the second file's part was deduped against
    # the first file's old part, whose ids it then left out; the aggregate sums the live rows, which is the point.)


def test_real_files_with_repeated_ids_index_from_the_aggregate_equals_rows_and_warehouse(shared, tmp_path):
    files = [shared / f for f in REAL]
    lines = files[0].read_text().splitlines(keepends=True)
    # A third file repeating 400 of the first file's events, 50 of them twice in itself (later by name).
    dup = tmp_path / "gdelt1_georgia_2012-99.csv"
    dup.write_text("".join([lines[0], *lines[1:401], *lines[1:51]]))
    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, [*files, dup])
    dyads = [("GEO", "RUS"), ("GEO", "USA"), ("RUS", "USA")]
    assert _assert_same(root, dyads, OPTIONS) > 100
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest(gdelt, [*files, dup])
        want = {d: ie.dyad_events(wh, *d) for d in dyads}
    with LakeStore(root) as ls:
        assert ls.aggregate_current
        for d, df in want.items():
            pd.testing.assert_frame_equal(ie.dyad_events(ls, *d), df, rtol=1e-9, atol=1e-12)
    # Re-read with fewer lines: the part and its aggregate are replaced, still equal to the rows.
    dup.write_text("".join([lines[0], *lines[1:201]]))
    lake_ingest.ingest(root, gdelt, [dup])
    _assert_same(root, dyads, OPTIONS[:2])


def test_questions_the_aggregate_cannot_answer_read_the_rows(days, tmp_path):
    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, days[:2])
    with LakeStore(root) as ls:
        assert ls.aggregate_current
        for kw in (
            {"period": "day"},
            {"date_from": dt.date(2023, 12, 15)},
            {"date_to": dt.date(2024, 1, 30)},
        ):
            assert not _from_aggregate(ls, "CHN", "RUS", **kw)
    aligned = [{"date_from": dt.date(2023, 11, 1), "date_to": dt.date(2023, 12, 31)}, {"date_to": dt.date(2024, 2, 29)}]
    _assert_same(root, [("CHN", "RUS")], aligned)


def test_no_aggregate_where_it_does_not_cover_every_live_part(days, tmp_path):
    """A lake copied from a warehouse, and parts written before aggregates existed, are read row by row."""
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest(gdelt, days[:1])
        want = ie.dyad_events(wh, "CHN", "RUS")
        lake.export(wh.con, tmp_path / "exported", ["events"])
    with LakeStore(tmp_path / "exported") as ls:
        assert not ls.aggregate_current and not _from_aggregate(ls, "CHN", "RUS")
        pd.testing.assert_frame_equal(ie.dyad_events(ls, "CHN", "RUS"), want, rtol=1e-9, atol=1e-12)
    # An older lake: its entry names events parts only (as ingests before the aggregate wrote them).
    root = tmp_path / "old"
    lake_ingest.ingest(root, gdelt, days[:1])
    prev = lake.current(root)["gdelt"]
    events_only = {"events": [root / p for p in prev.live["events"]]}
    lake.commit(root, "gdelt", "replace", events_only, rows=prev.rows, inputs=prev.inputs)
    _assert_same(root, [("CHN", "RUS")], OPTIONS[:2], current=False)
    lake_ingest.ingest(root, gdelt, days[1:2])  # a new part with its aggregate does not make the old one current
    _assert_same(root, [("CHN", "RUS")], OPTIONS[:2], current=False)


def test_failed_ingest_leaves_no_aggregate_and_kill_leaves_the_aggregate_as_before(days, tmp_path):
    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, days[:1])
    live = {root / p for p in lake.current(root)["gdelt"].live[lake.DYAD_MONTH]}
    bad = tmp_path / "20240109.export.CSV"
    bad.write_text(days[1].read_text()[:200_000].rsplit("\n", 1)[0] + "\n" + _bad_line())
    with pytest.raises(InvalidValueError, match="Goldstein"):
        lake_ingest.ingest(root, gdelt, [days[1], bad])
    assert set((root / lake.DYAD_MONTH).glob("source=gdelt/part=*")) == live
    assert set(lake.parts(root, lake.DYAD_MONTH)) == live
    n = duckdb.sql(f"SELECT sum(events) FROM read_parquet({[str(f) for f in lake.files(root, lake.DYAD_MONTH)]})")
    with LakeStore(root) as ls:
        assert n.fetchone()[0] == ls.con.execute("SELECT count(*) FROM events").fetchone()[0]


def _bad_line() -> str:
    """One 2.0 event line whose Goldstein score is out of range."""
    values = {"GLOBALEVENTID": "7", "SQLDATE": "20240109", "Actor1CountryCode": "CHN", "Actor2CountryCode": "RUS",
              "IsRootEvent": "1", "EventCode": "042", "EventBaseCode": "042", "EventRootCode": "04",
              "QuadClass": "1", "GoldsteinScale": "11", "NumMentions": "1", "NumSources": "1", "NumArticles": "1",
              "AvgTone": "0"}  # fmt: skip
    return "\t".join(values.get(c, "") for c in gdelt.V2_COLUMNS) + "\n"


@pytest.mark.spark
@pytest.mark.slow
def test_spark_reads_the_aggregate_with_the_same_figures(days, tmp_path):
    """``SparkStore`` shares the lake's reader: its index from the aggregate equals its index from the rows and
    DuckDB's (the same Ibis expressions, compiled to Spark SQL)."""
    import shutil

    if shutil.which("java") is None or importlib.util.find_spec("pyspark") is None:
        pytest.skip("no Java runtime or no pyspark on this machine (pip install dyadwatch[spark])")
    from pyspark.sql import SparkSession

    from dyadwatch.engines.spark import SparkStore, local_session

    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, days[:2])
    had = SparkSession.getActiveSession()
    # As tests/test_engine_spark.py: C1-only JIT and the serial GC start a short-lived JVM sooner on two cores.
    session = local_session({"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
                             "spark.sql.shuffle.partitions": "2"})  # fmt: skip
    try:
        spark, duck = SparkStore(root, session), LakeStore(root)
        assert spark.aggregate_current and duck.aggregate_current
        for kw in (OPTIONS[0], OPTIONS[1], OPTIONS[-1]):
            assert _spark_reads_aggregate(spark, **kw)
            got = ie.dyad_events(spark, "CHN", "RUS", **kw)
            spark.use_aggregates = False
            rows = ie.dyad_events(spark, "CHN", "RUS", **kw)
            spark.use_aggregates = True
            want = ie.dyad_events(duck, "CHN", "RUS", **kw)
            pd.testing.assert_frame_equal(got, rows, rtol=1e-9, atol=1e-12, check_dtype=False)
            pd.testing.assert_frame_equal(got, want, rtol=1e-9, atol=1e-12, check_dtype=False)
        spark.close()
        duck.close()
    finally:
        if had is None:
            session.stop()


def _spark_reads_aggregate(store, **kw) -> bool:
    combined = ie.dyad_events_expr(store, "CHN", "RUS", **kw)["combined"]
    return "dw_" + lake.DYAD_MONTH in str(store.ibis.compile(combined))


# --- the typed fast path (``lake_ingest._fast_rows``) and its fallback to the loader's pass -------------------


def _line(**values: str) -> str:
    base = {"GLOBALEVENTID": "1", "SQLDATE": "20240115", "Actor1CountryCode": "CHN", "Actor2CountryCode": "RUS",
            "IsRootEvent": "1", "EventCode": "042", "EventBaseCode": "042", "EventRootCode": "04", "QuadClass": "1",
            "GoldsteinScale": "1.9", "NumMentions": "10", "NumSources": "2", "NumArticles": "10",
            "AvgTone": "-1.5"}  # fmt: skip
    base.update(values)
    return "\t".join(base.get(c, "") for c in gdelt.V2_COLUMNS) + "\n"


def _rows_of(root: Path) -> list[tuple]:
    with LakeStore(root) as ls:
        return ls.con.execute("SELECT * EXCLUDE (file) FROM events ORDER BY event_id").fetchall()


def _spy_fast(monkeypatch, *, off: bool = False) -> list[bool]:
    """Record what ``_fast_rows`` answered per file; ``off`` forces the loader's pass for every file."""
    answers: list[bool] = []
    real = lake_ingest._fast_rows

    def spy(*args):
        answers.append(False if off else real(*args))
        return answers[-1]

    monkeypatch.setattr(lake_ingest, "_fast_rows", spy)
    return answers


def test_fast_path_writes_the_rows_and_aggregate_of_the_loaders_pass(days, tmp_path, monkeypatch):
    # Values the typed reader accepts in other spellings than the generator's: each must read as TRY_CAST reads it.
    odd = tmp_path / "20240110.export.CSV"
    odd.write_text(
        _line(GLOBALEVENTID="+900", NumMentions="1.5", NumArticles="1e2", GoldsteinScale=" -2", AvgTone="nan")
        + _line(GLOBALEVENTID="901", SQLDATE="2024011", QuadClass="", GoldsteinScale="", NumSources="0x10")
        + _line(GLOBALEVENTID="902", Actor1CountryCode="chn", Actor2CountryCode="EUR")  # no state: left out
        + _line(GLOBALEVENTID="903", Actor1CountryCode="", Actor2CountryCode="DEU", IsRootEvent="0")
    )
    files = [*days[:2], odd]
    answers = _spy_fast(monkeypatch)
    lake_ingest.ingest(tmp_path / "fast", gdelt, files)
    assert answers == [True, True, True]
    monkeypatch.undo()
    _spy_fast(monkeypatch, off=True)
    lake_ingest.ingest(tmp_path / "loader", gdelt, files)
    assert _rows_of(tmp_path / "fast") == _rows_of(tmp_path / "loader")
    keys = "source, month, actor_a, actor_b, is_root"  # a key can be in several parts: summed over them
    aggs = [
        duckdb.sql(
            f"SELECT {keys}, sum(COLUMNS(* EXCLUDE ({keys}))) FROM read_parquet("
            f"{[str(f) for f in lake.files(tmp_path / r, lake.DYAD_MONTH)]}, hive_partitioning = false) "
            f"GROUP BY {keys} ORDER BY {keys}"
        ).df()
        for r in ("fast", "loader")
    ]
    pd.testing.assert_frame_equal(aggs[0], aggs[1], rtol=1e-12)  # sums: the order of a parallel sum may differ


def test_values_the_loader_reads_as_null_fall_back_to_its_pass(tmp_path, monkeypatch):
    # The typed reader refuses these; the loader keeps the rows with NULLs (no parse check covers them).
    p = tmp_path / "20240111.export.CSV"
    p.write_text(
        _line(GLOBALEVENTID="1", IsRootEvent="yes", NumSources="many")
        + _line(GLOBALEVENTID="2", NumArticles="n/a", QuadClass="x")
    )
    answers = _spy_fast(monkeypatch)
    assert lake_ingest.ingest(tmp_path / "lake", gdelt, [p]).rows == {"events": 2}
    assert answers == [False]
    cols = "event_id, is_root, quad_class, sources, articles"
    with LakeStore(tmp_path / "lake") as ls:
        got = ls.con.execute(f"SELECT {cols} FROM events ORDER BY event_id").fetchall()
    assert got == [(1, None, 1, None, 10), (2, True, None, 2, None)]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest(gdelt, [p])
        assert wh.con.execute(f"SELECT {cols} FROM events ORDER BY event_id").fetchall() == got


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        # The reader's refusal of a lenient value must not hide the loader's range error after it.
        ([_line(IsRootEvent="yes"), _line(GLOBALEVENTID="2", GoldsteinScale="12")], r"line 2, column 'goldstein'"),
        ([_line(), _line(GLOBALEVENTID="2", SQLDATE="20240230")], r"line 2: 1 event row.*SQLDATE='20240230'"),
        ([_line(), _line(GLOBALEVENTID="")], r"line 2: 1 event row.*do not parse"),
        ([_line(), _line(GLOBALEVENTID="2", NumMentions="-3")], r"line 2, column 'mentions': -3 is not"),
    ],
)
def test_errors_after_the_fast_path_are_the_loaders(tmp_path, lines, message):
    p = tmp_path / "20240112.export.CSV"
    p.write_text("".join(lines))
    with pytest.raises(Exception, match=message):
        lake_ingest.ingest(tmp_path / "lake", gdelt, [p])
    assert not lake.current(tmp_path / "lake")
