"""The lake: streamed GDELT ingest (``lake_ingest``), its atomicity under kill -9 and Ctrl-C, the log's folding
(``lake.commit``), and the events indicators read through ``LakeStore`` equal to the warehouse's."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch import lake, lake_ingest
from dyadwatch.api import open_store
from dyadwatch.engines.lakeviews import LakeStore
from dyadwatch.errors import InvalidValueError, SourceFormatError
from dyadwatch.indicators import events as ie
from dyadwatch.sources import gdelt
from dyadwatch.warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from gdelt_generate import generate  # noqa: E402

from helpers import kill_lake_ingest_before_commit, signal_lake_ingest, start_lake_ingest  # noqa: E402

REAL = ["events/gdelt1_georgia_2012-08.csv", "events/gdelt1_georgia_2012-12.csv"]


def _row(cols: list[str], **values) -> str:
    base = {
        "GLOBALEVENTID": "1",
        "SQLDATE": "20240115",
        "IsRootEvent": "1",
        "EventCode": "042",
        "EventBaseCode": "042",
        "EventRootCode": "04",
        "QuadClass": "1",
        "GoldsteinScale": "1.9",
        "NumMentions": "10",
        "NumSources": "2",
        "NumArticles": "10",
        "AvgTone": "-1.5",
        "Actor1CountryCode": "CHN",
        "Actor2CountryCode": "RUS",
    }
    base.update({k: str(v) for k, v in values.items()})
    return "\t".join(base.get(c, "") for c in cols) + "\n"


def _content(root: Path) -> tuple:
    """What a reader sees: the current entries and a digest of every live row and of the live dyad-month sums."""
    found = lake.files(root, "events")
    if not found:
        return lake.current(root), None, lake.files(root, lake.DYAD_MONTH)
    lst = "[" + ", ".join(f"'{f}'" for f in found) + "]"
    digest = duckdb.sql(
        f"SELECT count(*), sum(hash(event_id, date, actor_a, actor_b, goldstein, file)) FROM read_parquet({lst})"
    ).fetchone()
    aggs = "[" + ", ".join(f"'{f}'" for f in lake.files(root, lake.DYAD_MONTH)) + "]"
    summed = duckdb.sql(f"SELECT count(*), sum(events), sum(g_num_mentions) FROM read_parquet({aggs})").fetchone()
    return lake.current(root), digest, summed


def _index(store, a: str, b: str) -> pd.DataFrame:
    return ie.dyad_events(store, a, b)


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> list[Path]:
    """Three days of generated GDELT 2.0 files (100k events each): long enough to be killed mid-ingest."""
    return generate(tmp_path_factory.mktemp("gdelt"), days=3, per_day=100_000)


# --- the same indicators as the warehouse ----------------------------------------------------------------


def test_real_files_index_equals_the_warehouse(shared, tmp_path):
    files = [shared / f for f in REAL]
    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, files)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest(gdelt, files)
        want = _index(wh, "GEO", "RUS")
        n_wh = wh.con.execute("SELECT count(*) FROM events").fetchone()[0]
    with LakeStore(root) as ls:
        got = _index(ls, "GEO", "RUS")
        n_lake = ls.con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert n_lake == n_wh > 1000
    assert len(want) >= 2 and want.events.sum() > 0
    pd.testing.assert_frame_equal(got, want, rtol=1e-9, atol=1e-12)


def test_generated_files_index_and_rows_equal_the_warehouse(synth, tmp_path):
    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, synth)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest(gdelt, synth)
        want = {d: _index(wh, *d) for d in (("CHN", "RUS"), ("USA", "IRN"))}
        rows_wh = wh.con.execute("SELECT * EXCLUDE (source) FROM events ORDER BY event_id").df()
    store = open_store(root)  # --db LAKE_DIR: the reader's own door
    try:
        assert store.describe().startswith("the lake")
        assert store.sources_of("events") == ["gdelt"] and store.has("events", "gdelt")
        for d, df in want.items():
            pd.testing.assert_frame_equal(_index(store, *d), df, rtol=1e-9, atol=1e-12)
        rows = store.stores[0].con.execute("SELECT * EXCLUDE (source) FROM events ORDER BY event_id").df()
    finally:
        store.close()
    pd.testing.assert_frame_equal(rows, rows_wh, check_dtype=False)


def test_cli_ingest_and_events_over_the_lake(synth, tmp_path):
    root = tmp_path / "lake"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "dyadwatch"]
    r = subprocess.run(
        [*cmd, "ingest", "gdelt", str(synth[0]), "--lake", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "streamed" in r.stdout
    r = subprocess.run(
        [*cmd, "events", "CHN", "RUS", "--db", str(root), "--format", "csv"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("a,b,a_cow,b_cow,period,events") and "2024-01" in r.stdout


def test_a_relative_lake_folder_is_read_from_anywhere(shared, tmp_path, monkeypatch):
    """`--lake lake/` (the README's example): the log held part paths under the relative root, which readers
    could then not find (a lake store read no events at all)."""
    monkeypatch.chdir(tmp_path)
    lake_ingest.ingest(Path("lake"), gdelt, [shared / REAL[0]])
    monkeypatch.chdir(tmp_path.parent)
    with LakeStore(tmp_path / "lake") as ls:
        assert ls.con.execute("SELECT count(*) FROM events").fetchone()[0] > 600


# --- mode add, sha256 skip, re-read, vacuum --------------------------------------------------------------


def test_second_ingest_skipped_and_changed_file_replaces_its_part(tmp_path):
    cols = gdelt.V2_COLUMNS
    a, b = tmp_path / "20240101.export.CSV", tmp_path / "20240102.export.CSV"
    a.write_text("".join(_row(cols, GLOBALEVENTID=i) for i in range(1, 11)))
    b.write_text("".join(_row(cols, GLOBALEVENTID=i, SQLDATE="20240102") for i in range(100, 105)))
    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, [a, b])
    assert lake.current(root)["gdelt"].rows == {"events": 15}
    before = _content(root)
    assert lake_ingest.ingest(root, gdelt, [a]).skipped
    assert _content(root) == before and lake.last_id(root) == 1
    old_parts = {i["identity"]: i["parts"] for i in lake.current(root)["gdelt"].inputs}
    a.write_text("".join(_row(cols, GLOBALEVENTID=i, GoldsteinScale=-3) for i in range(1, 9)))  # 8 events now
    res = lake_ingest.ingest(root, gdelt, [a])
    assert not res.skipped and res.removed == {"events": 10}
    entry = lake.current(root)["gdelt"]
    assert entry.rows == {"events": 13}
    assert {i["identity"] for i in entry.inputs} == {str(a.resolve()), str(b.resolve())}
    assert not set(old_parts[str(a.resolve())]) & set(entry.live["events"])  # the old part is no longer live
    assert set(old_parts[str(b.resolve())]) <= set(entry.live["events"])
    with LakeStore(root) as ls:
        g = ls.con.execute("SELECT count(*), sum(goldstein) FROM events WHERE date = '2024-01-15'").fetchone()
    assert g[0] == 8 and g[1] == pytest.approx(-24)
    stale = root / old_parts[str(a.resolve())][0]
    assert stale.exists()  # superseded parts stay for readers that opened before
    orphan = lake.stage(root, "events", "gdelt", "killed")  # what a killed ingest leaves
    (orphan / "data.parquet").write_bytes(b"half")
    removed = lake.vacuum(root)
    assert stale in removed and orphan in removed and not stale.exists() and not orphan.exists()
    assert (
        _content(root)[1]
        == duckdb.sql(
            "SELECT count(*), sum(hash(event_id, date, actor_a, actor_b, goldstein, file)) FROM read_parquet(["
            + ", ".join(f"'{f}'" for f in lake.files(root, "events"))
            + "])"
        ).fetchone()
    )


def test_shrinking_reread_refused(tmp_path):
    cols = gdelt.V2_COLUMNS
    a = tmp_path / "20240101.export.CSV"
    a.write_text("".join(_row(cols, GLOBALEVENTID=i) for i in range(1, 21)))
    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, [a])
    before = _content(root)
    a.write_text(_row(cols, GLOBALEVENTID=1))
    with pytest.raises(Exception, match="would delete 19 of the 20"):
        lake_ingest.ingest(root, gdelt, [a])
    assert _content(root) == before
    assert lake_ingest.ingest(root, gdelt, [a], allow_shrink=True).rows == {"events": 1}


# --- duplicate ids, zip, bad input ------------------------------------------------------------------------


def test_duplicate_event_ids_kept_once_within_and_across_files(tmp_path):
    cols = gdelt.V2_COLUMNS
    a, b = tmp_path / "20240101.export.CSV", tmp_path / "20240102.export.CSV"
    a.write_text("".join(_row(cols, GLOBALEVENTID=i) for i in (1, 2, 2, 3)))
    b.write_text("".join(_row(cols, GLOBALEVENTID=i, GoldsteinScale=5) for i in (3, 4)))
    z = tmp_path / "20240103.export.CSV.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("20240103.export.CSV", "".join(_row(cols, GLOBALEVENTID=i) for i in (4, 5)))
    root = tmp_path / "lake"
    res = lake_ingest.ingest(root, gdelt, [b, z, a])  # given out of order: kept first by file name, as the loader
    assert res.rows == {"events": 5}
    assert sum("repeat an event id" in n for n in res.notes) == 3
    with LakeStore(root) as ls:
        got = ls.con.execute("SELECT event_id, goldstein, file FROM events ORDER BY event_id").fetchall()
        assert ie.dyad_events(ls, "CHN", "RUS").events.tolist() == [5]
    assert [r[0] for r in got] == [1, 2, 3, 4, 5]
    assert got[2][1] == pytest.approx(1.9)  # event 3 from the first file by name (a), not b
    assert got[4][2] == f"{z.resolve()}!20240103.export.CSV"
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest(gdelt, [b, z, a])
        want = wh.con.execute("SELECT event_id, goldstein, file FROM events ORDER BY event_id").fetchall()
    assert got == want


def test_index_without_dedupe_only_on_a_lake_whose_ids_the_ingest_made_unique(tmp_path):
    """The single-scan index (``unique_event_ids``) is used only where the ingest guarantees one row per id.

    A warehouse fed two overlapping files in two ingests holds id 3 twice; exported to a lake, those parts
    carry that repeat, so the lake must keep the per-subset dedupe and count the event once, as the warehouse.
    """
    cols = gdelt.V2_COLUMNS
    a, b = tmp_path / "20240101.export.CSV", tmp_path / "20240102.export.CSV"
    a.write_text("".join(_row(cols, GLOBALEVENTID=i) for i in (1, 2, 3)))
    # id 3 again as the same row (a repeat download): which copy a dedupe keeps cannot change the numbers
    b.write_text(_row(cols, GLOBALEVENTID=3) + _row(cols, GLOBALEVENTID=4, SQLDATE="20240215"))
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest(gdelt, [a])
        wh.ingest(gdelt, [b])
        assert wh.con.execute("SELECT count(*) - count(DISTINCT event_id) FROM events").fetchone()[0] == 1
        want = ie.dyad_events(wh, "CHN", "RUS")
        lake.export(wh.con, tmp_path / "exported", ["events"])
    with LakeStore(tmp_path / "exported") as ls:
        assert not ls.unique_event_ids
        pd.testing.assert_frame_equal(ie.dyad_events(ls, "CHN", "RUS"), want)
    lake_ingest.ingest(tmp_path / "streamed", gdelt, [a, b])
    with LakeStore(tmp_path / "streamed") as ls:
        assert ls.unique_event_ids
        got = ie.dyad_events(ls, "CHN", "RUS")
    assert got.events.tolist() == want.events.tolist() == [3, 1]  # id 3 counted once
    pd.testing.assert_frame_equal(got, want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        ("", SourceFormatError, "the file is empty"),
        ("a\tb\tc\n", SourceFormatError, "line 1 has 3 tab-separated columns"),
        (_row(gdelt.V2_COLUMNS) * 2 + "\t".join(["x"] * 60) + "\n", SourceFormatError, "line 3 has 60 columns"),
        (
            _row(gdelt.V2_COLUMNS, GLOBALEVENTID=2) + _row(gdelt.V2_COLUMNS, GoldsteinScale="strong"),
            SourceFormatError,
            "line 2: 1 event row.*do not parse",
        ),
        (
            "".join(_row(gdelt.V2_COLUMNS, GLOBALEVENTID=i) for i in range(3)) + _row(gdelt.V2_COLUMNS, QuadClass=7),
            SourceFormatError,
            "line 4: .*QuadClass",
        ),
        (
            _row(gdelt.V2_COLUMNS) + _row(gdelt.V2_COLUMNS, GLOBALEVENTID=9, GoldsteinScale=11),
            InvalidValueError,
            r"line 2, column 'goldstein': 11.0 is not a Goldstein score",
        ),
    ],
)
def test_bad_input_named_by_line_and_nothing_committed(tmp_path, content, error, message):
    good = tmp_path / "20240101.export.CSV"
    good.write_text("".join(_row(gdelt.V2_COLUMNS, GLOBALEVENTID=i) for i in range(100, 110)))
    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, [good])
    before = _content(root)
    bad = tmp_path / "20240109.export.CSV"
    bad.write_text(content)
    other = tmp_path / "20240102.export.CSV"  # read (and staged) before the bad file fails
    other.write_text(_row(gdelt.V2_COLUMNS, GLOBALEVENTID=500))
    with pytest.raises(error, match=message) as e:
        lake_ingest.ingest(root, gdelt, [other, bad])
    assert bad.name in str(e.value)
    assert _content(root) == before
    staged = sorted(p.name for p in (root / "events" / "source=gdelt").iterdir())
    assert len(staged) == 1  # the other file's staged part was removed, not left for vacuum
    assert not [p for p in (root / "_staging").iterdir() if p.is_dir()]


def test_file_of_non_state_events_is_an_empty_part(tmp_path):
    p = tmp_path / "20240101.export.CSV"
    p.write_text(_row(gdelt.V2_COLUMNS, Actor1CountryCode="EUR", Actor2CountryCode=""))
    root = tmp_path / "lake"
    assert lake_ingest.ingest(root, gdelt, [p]).rows == {"events": 0}
    with LakeStore(root) as ls:
        assert not ls.has("events") and ls.sources_of("events") == []


# --- atomicity: kill -9 and Ctrl-C at random points -------------------------------------------------------


def test_kill_and_interrupt_at_random_points_leave_the_lake_as_before(synth, tmp_path):
    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, synth[:1])
    before = _content(root)
    lake_ingest.ingest(tmp_path / "timing", gdelt, synth[:1])  # the same two ingests, undisturbed
    t0 = time.perf_counter()
    lake_ingest.ingest(tmp_path / "timing", gdelt, synth[1:])  # how long the killed ingest would take
    took = time.perf_counter() - t0 + 1.5  # plus the CLI's start-up

    def landed(after) -> None:
        # The generated files repeat some ids across files: the count is the undisturbed run's, not a sum.
        assert after[0]["gdelt"].rows == lake.current(tmp_path / "timing")["gdelt"].rows

    signal_lake_ingest(lambda: start_lake_ingest("gdelt", synth[1:], root), lambda: _content(root), took, landed)
    # With every part written and nothing committed (the pause before the commit): still nothing visible.
    lake2 = tmp_path / "lake2"

    def staged() -> None:
        parts = list((lake2 / "events").glob("source=gdelt/part=*/data.parquet"))
        assert parts and parts[0].stat().st_size > 1_000_000

    kill_lake_ingest_before_commit(lambda **env: start_lake_ingest("gdelt", synth[1:2], lake2, **env),
                                   tmp_path / "paused", staged)  # fmt: skip
    assert lake.current(lake2) == {} and lake.files(lake2, "events") == []
    assert lake.files(lake2, lake.DYAD_MONTH) == []  # its staged aggregate is not live either
    # The next ingest removes what the killed ones left and lands.
    res = lake_ingest.ingest(root, gdelt, synth[1:])
    assert res.skipped or lake.current(root)["gdelt"].rows["events"] > before[0]["gdelt"].rows["events"]
    assert lake.vacuum(root, keep_superseded=True) == []


def test_concurrent_ingest_and_stale_commit_refused(synth, tmp_path):
    root = tmp_path / "lake"
    lake_ingest.ingest(root, gdelt, synth[:1])
    with lake.writer(root), pytest.raises(lake.LakeBusyError, match="another ingest is writing"):
        lake_ingest.ingest(root, gdelt, synth[1:2])
    part = lake.stage(root, "events", "gdelt", "late")
    with pytest.raises(lake.LakeError, match="another ingest committed"):
        lake.commit(root, "gdelt", "add", {"events": [part]}, base=0)  # it started before entry 1
    assert lake.last_id(root) == 1
    # Two writers that read the same log: the second's entry id is taken, and its link is refused.
    entry2 = lake.log(root)[-1]
    (root / lake.LOG / "00000002.json").write_text(entry2.to_json())
    orig = lake.log
    try:
        lake.log = lambda r: orig(r)[:1]  # type: ignore[assignment]  # the state the second writer read
        with pytest.raises(lake.LakeError, match="at the same time"):
            lake.commit(root, "gdelt", "add", {"events": [part]})
    finally:
        lake.log = orig  # type: ignore[assignment]


# --- the log's folding, against a model ---------------------------------------------------------------------

_op = st.tuples(
    st.sampled_from(["a", "b"]),  # source
    st.sampled_from(["replace", "add"]),
    st.lists(st.sampled_from(["t1", "t2"]), min_size=1, max_size=2, unique=True),  # tables written
    st.integers(0, 3),  # how many of the source's live parts the commit replaces (mode add)
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_op, min_size=1, max_size=8))
def test_property_commit_folding_equals_a_model(tmp_path_factory, ops):
    root = tmp_path_factory.mktemp("fold")
    model: dict[str, dict[str, list[str]]] = {}
    for src, mode, tables, k in ops:
        written = {t: [lake.stage(root, t, src, "p")] for t in tables}
        rels = {t: [p.relative_to(root).as_posix() for p in ps] for t, ps in written.items()}
        live = model.get(src, {})
        replaced = sorted(p for ps in live.values() for p in ps)[:k]
        lake.commit(root, src, mode, written, replaced=replaced, base=lake.last_id(root))
        if mode == "replace" or src not in model:
            model[src] = rels
        else:
            folded = {t: [p for p in ps if p not in replaced] for t, ps in live.items()}
            for t, ps in rels.items():
                folded[t] = folded.get(t, []) + ps
            model[src] = folded
    assert {s: e.live for s, e in lake.current(root).items()} == model
    for t in ("t1", "t2"):
        assert lake.sources_of(root, t) == sorted(s for s, m in model.items() if m.get(t))
        want = sorted(root / p for s in sorted(model) for p in model[s].get(t, []))
        assert sorted(lake.parts(root, t)) == want
    assert lake.last_id(root) == len(ops)
