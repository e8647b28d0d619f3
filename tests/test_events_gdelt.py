"""GDELT and CAMEO: loaders for every published layout, dyad indicators against pandas, change points, bad input."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch.errors import NoDataError, SourceFormatError
from dyadwatch.indicators import events as ie
from dyadwatch.sources import cameo, gdelt
from dyadwatch.sources._files import DataWarning
from dyadwatch.warehouse import Warehouse
from helpers import run_cli, snapshot

FILES = ("events/gdelt1_georgia_2012-08.csv", "events/gdelt1_georgia_2012-12.csv")


@pytest.fixture(scope="module")
def events_wh(full_wh, ingest_notes):
    assert ingest_notes["gdelt"]["rows"]["events"] > 2000
    return full_wh


@pytest.fixture(scope="module")
def raw(shared) -> pd.DataFrame:
    """The shared files read by pandas alone (the December file carries R row names; pandas drops them)."""
    frames = [pd.read_csv(shared / f, dtype={"EventRootCode": str, "EventCode": str}) for f in FILES]
    df = pd.concat(frames, ignore_index=True).drop_duplicates("GLOBALEVENTID")
    df["month"] = pd.to_datetime(df.SQLDATE.astype(str), format="%Y%m%d").dt.strftime("%Y-%m")
    return df


def _dyad(raw: pd.DataFrame, a: str, b: str, both: bool = True) -> pd.DataFrame:
    ab = (raw.Actor1CountryCode == a) & (raw.Actor2CountryCode == b)
    ba = (raw.Actor1CountryCode == b) & (raw.Actor2CountryCode == a)
    return raw[ab | ba] if both else raw[ab]


@pytest.mark.parametrize(("a", "b"), [("RUS", "USA"), ("GEO", "RUS"), ("USA", "GEO")])
def test_dyad_month_counts_and_goldstein_match_pandas(events_wh, raw, a, b):
    got = ie.dyad_events(events_wh, a, b).set_index("period")
    assert list(got.index) == ["2012-08", "2012-12"]
    for month, g in _dyad(raw, a, b).groupby("month"):
        row = got.loc[month]
        assert row["events"] == len(g)
        w = g.NumMentions
        assert row["goldstein"] == pytest.approx((g.GoldsteinScale * w).sum() / w.sum())
        q = g.QuadClass.value_counts(normalize=True).reindex([1, 2, 3, 4], fill_value=0)
        assert [row[f"q{k}"] for k in (1, 2, 3, 4)] == pytest.approx(q.tolist())
        assert row["net_cooperation"] == pytest.approx(q[1] + q[2] - q[3] - q[4])
        assert row["material_share"] == pytest.approx(q[2] + q[4])
        vol_a = ((raw.Actor1CountryCode == a) | (raw.Actor2CountryCode == a)) & (raw.month == month)
        assert row["share_of_a"] == pytest.approx(len(g) / vol_a.sum())
    unweighted = ie.dyad_events(events_wh, a, b, weight="none").set_index("period")
    by_articles = ie.dyad_events(events_wh, a, b, weight="articles").set_index("period")
    for month, g in _dyad(raw, a, b).groupby("month"):
        assert unweighted.loc[month, "goldstein"] == pytest.approx(g.GoldsteinScale.mean())
        assert unweighted.loc[month, "avg_tone"] == pytest.approx(g.AvgTone.mean())
        assert by_articles.loc[month, "goldstein"] == pytest.approx(np.average(g.GoldsteinScale, weights=g.NumArticles))


def test_direction_root_only_and_empty_months(events_wh, raw):
    one = ie.dyad_events(events_wh, "RUS", "USA", direction="a_to_b", root_only=True).set_index("period")
    d = _dyad(raw, "RUS", "USA", both=False)
    d = d[d.IsRootEvent == 1]
    assert one.loc["2012-12", "events"] == (d.month == "2012-12").sum()
    none = ie.dyad_events(events_wh, "CHN", "BRA")
    assert (none.events == 0).all() and none.goldstein.isna().all()  # no events: 0 events, NULL means


def test_ingest_keeps_state_actors_and_maps_codes(events_wh, raw, shared):
    t = events_wh.table("events").to_pandas()
    assert t.event_id.is_unique
    states = raw[raw.Actor1CountryCode.notna() | raw.Actor2CountryCode.notna()]
    assert len(t) <= len(states) and len(t) > 0.9 * len(states)
    assert t[["actor_a", "actor_b"]].notna().any(axis=1).all()
    # In the warehouse a file is known by its resolved path: two events.csv in two folders stay two files.
    assert set(t.file) == {str((shared / f).resolve()) for f in FILES}


def test_file_index_agrees_with_the_warehouse(events_wh, shared):
    idx = ie.file_index([shared / f for f in FILES])
    got = ie.dyad_events(events_wh, "RUS", "USA", direction="a_to_b").set_index("period")
    rows = idx[(idx.actor_a == "RUS") & (idx.actor_b == "USA")].set_index("period")
    assert (rows.events == got.events.loc[rows.index]).all()
    assert (rows.g_w_sum / rows.mentions).to_numpy() == pytest.approx(got.goldstein.loc[rows.index].to_numpy())


def test_top_codes_use_cameo_names(events_wh):
    top = ie.top_event_codes(events_wh, "RUS", "USA", n=3)
    assert top.root_code.iloc[0] == "04" and top.description.iloc[0] == "CONSULT"


def test_cli_events_csv(events_wh, capsys):
    code, out, err = run_cli(capsys, "events", "Russia", "United States", "--format", "csv", "--db", events_wh.path)
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert {"period", "events", "goldstein", "net_cooperation", "q1", "q2", "q3", "q4"} <= set(df.columns)
    assert "Change points" in err


# --- the published tab-separated layouts ------------------------------------------------------------


def _row(columns: list[str], **values) -> str:
    base = {"GLOBALEVENTID": "1", "SQLDATE": "20240115", "IsRootEvent": "1", "EventCode": "042",
            "EventBaseCode": "042", "EventRootCode": "04", "QuadClass": "1", "GoldsteinScale": "1.9",
            "NumMentions": "10", "NumSources": "2", "NumArticles": "10", "AvgTone": "-1.5"}  # fmt: skip
    base.update({k: str(v) for k, v in values.items()})
    return "\t".join(base.get(c, "") for c in columns) + "\n"


@pytest.mark.parametrize("columns", [gdelt.V1_COLUMNS, gdelt.V1_DAILY_COLUMNS, gdelt.V2_COLUMNS])
def test_tab_separated_layouts(tmp_path, columns):
    assert len(columns) in (57, 58, 61)
    p = tmp_path / "20240115.export.CSV"
    p.write_text(
        _row(columns, GLOBALEVENTID=1, Actor1CountryCode="CHN", Actor2CountryCode="RUS")
        + _row(columns, GLOBALEVENTID=2, Actor1CountryCode="ROM", Actor2CountryCode="EUR", GoldsteinScale=-5)
        + _row(columns, GLOBALEVENTID=3, Actor1CountryCode="", Actor2CountryCode="")
        + _row(
            columns,
            GLOBALEVENTID=4,
            Actor1CountryCode="RUS",
            Actor2CountryCode="CHN",
            QuadClass=4,
            GoldsteinScale=-10,
            SOURCEURL='http://x.org/a"b',
        )
    )
    t = gdelt.load([p])["events"].to_pandas().sort_values("event_id")
    assert list(t.event_id) == [1, 2, 4]  # no state actor: dropped
    assert t.set_index("event_id").loc[2, "actor_a"] == "ROU" and pd.isna(t.set_index("event_id").loc[2, "actor_b"])
    r4 = t.set_index("event_id").loc[4]
    assert (r4.actor_a, r4.actor_b, r4.quad_class, r4.goldstein, r4.cameo) == ("RUS", "CHN", 4, -10.0, "042")
    assert str(r4.date) == "2024-01-15" and r4.mentions == 10 and r4.file == p.name


def test_zip_files_and_overlaps_counted_once(tmp_path):
    cols = gdelt.V2_COLUMNS
    body = "".join(_row(cols, GLOBALEVENTID=i, Actor1CountryCode="CHN", Actor2CountryCode="RUS") for i in (7, 8))
    z = tmp_path / "20240115000000.export.CSV.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("20240115000000.export.CSV", body)
    copy = tmp_path / "20240115000000.copy.CSV"
    copy.write_text(body)
    with Warehouse(tmp_path / "z.duckdb") as wh:
        res = wh.ingest(gdelt, [z, copy])
        assert any("repeat an event id" in n for n in res.notes)
        df = ie.dyad_events(wh, "CHN", "RUS")
    assert df.events.tolist() == [2]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a\tb\tc\n", "line 1 has 3 tab-separated columns"),
        (_row(gdelt.V2_COLUMNS) * 2 + "\t".join(["x"] * 60) + "\n", "line 3 has 60 columns"),
        (_row(gdelt.V1_COLUMNS, GoldsteinScale="strong"), "do not parse"),
        (_row(gdelt.V1_COLUMNS, QuadClass=7), "QuadClass"),
        ("GLOBALEVENTID,SQLDATE\n1,20240101\n", "lacks GDELT column"),
    ],
)
def test_bad_gdelt_files_fail_and_change_nothing(tmp_path, shared, content, message):
    db = tmp_path / "w.duckdb"
    with Warehouse(db) as wh:
        wh.ingest(gdelt, [shared / FILES[0]])
    before = snapshot(db)
    bad = tmp_path / "20240101.export.CSV"
    bad.write_text(content)
    with Warehouse(db) as wh, pytest.raises(SourceFormatError, match=message) as e:
        wh.ingest(gdelt, [shared / FILES[1], bad])
    assert bad.name in str(e.value)
    assert snapshot(db) == before


def test_unknown_actor_codes_warn(tmp_path):
    p = tmp_path / "x.export.CSV"
    p.write_text(_row(gdelt.V1_DAILY_COLUMNS, Actor1CountryCode="QQQ", Actor2CountryCode="CHN"))
    with pytest.warns(DataWarning, match="QQQ"):
        t = gdelt.load([p])["events"]
    assert t.num_rows == 1


# --- CAMEO -------------------------------------------------------------------------------------------


def test_cameo_codes(shared, tmp_path):
    t = cameo.load([shared / "events/cameo_eventcodes.txt", shared / "events/cameo_goldsteinscale.txt"])
    df = t["cameo_codes"].to_pandas().set_index("code")
    assert len(df) == 311 and df.loc["190", "goldstein"] == -10.0 and df.loc["010", "level"] == 2
    assert df.loc["04", "description"] == "CONSULT"
    bad = tmp_path / "codes.txt"
    bad.write_text("CODE,NAME\n01,x\n")
    with pytest.raises(SourceFormatError, match="CAMEOEVENTCODE"):
        cameo.load([bad])


# --- change points -----------------------------------------------------------------------------------


def test_change_point_found_at_a_step():
    rng = np.random.default_rng(3)
    s = np.r_[rng.normal(0.5, 0.05, 30), rng.normal(-0.2, 0.05, 30)]
    assert ie.change_points(s) == [30]
    assert ie.change_points(np.full(40, 0.3)) == []
    with_gaps = pd.Series(np.r_[np.full(10, 1.0), [np.nan] * 3, np.full(10, -1.0)])
    assert ie.change_points(with_gaps) == [13]  # index into the original series, gaps skipped


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1, 1, allow_nan=False), min_size=0, max_size=80))
def test_property_change_points_are_sorted_indices_in_range(values):
    cps = ie.change_points(values)
    assert cps == sorted(set(cps)) and all(0 < i < len(values) for i in cps)


def test_change_points_on_the_composite_series(shared):
    """The gzemo composite (non-commercial licence: tests only) as a real monthly series."""
    g = pd.read_csv(shared / "events/gzemo_composite_dyad_month_2018_2023_NC.csv")
    s = g[(g.iso3_a == "CHN") & (g.iso3_b == "USA")].sort_values("yearmonth")
    assert len(s) == 66
    df = pd.DataFrame({"period": s.yearmonth.astype(str), "w": s.edge_weight.to_numpy()})
    cps = ie.dyad_change_points(df, column="w")
    assert 1 <= len(cps) <= 10 and all(p in set(df.period) for p in cps)


# --- report section ----------------------------------------------------------------------------------


def test_events_section(events_wh):
    from dyadwatch import countries
    from dyadwatch.report.base import ReportContext
    from dyadwatch.report.sections import events as section

    ctx = ReportContext(countries.resolve("RUS"), countries.resolve("USA"), None, None, events_wh)
    sec = section.render(ctx)
    assert "<svg" in sec.html and "gdelt" in sec.sources and "cameo" in sec.sources
    assert "CONSULT" in sec.html
    fresh = ReportContext(ctx.a, ctx.b, None, None, None)
    assert section.render(fresh) is None and "ingest gdelt" in fresh.missing[0].fix


def test_file_index_rejects_bad_values_and_folds_codes(tmp_path):
    cols = gdelt.V2_COLUMNS
    good = tmp_path / "20240201000000.export.CSV"
    good.write_text(
        _row(
            cols,
            GLOBALEVENTID=1,
            SQLDATE="20240201",
            Actor1CountryCode="ISR",
            Actor2CountryCode="WSB",
            GoldsteinScale=-4,
        )
        + _row(
            cols,
            GLOBALEVENTID=2,
            SQLDATE="20240210",
            Actor1CountryCode="ISR",
            Actor2CountryCode="GZS",
            GoldsteinScale=-8,
        )
        + _row(cols, GLOBALEVENTID=3, SQLDATE="20240229", Actor1CountryCode="ISR", Actor2CountryCode="PSE")
    )
    idx = ie.file_index([good]).set_index(["actor_a", "actor_b"])
    assert idx.loc[("ISR", "PSE"), "events"] == 3 and idx.loc[("ISR", "PSE"), "period"] == "2024-02"
    assert idx.loc[("ISR", "PSE"), "g_sum"] == pytest.approx(-4 - 8 + 1.9)
    bad = tmp_path / "20240202000000.export.CSV"
    bad.write_text(_row(cols, Actor1CountryCode="CHN", Actor2CountryCode="RUS", NumMentions="many"))
    with pytest.raises(SourceFormatError, match=bad.name):
        ie.file_index([good, bad])


# --- property: any mix of rows loads, and the dyad indicator equals a direct pandas count -----------

event_row = st.tuples(
    st.sampled_from(["CHN", "RUS", "USA", "EUR", ""]), st.sampled_from(["CHN", "RUS", "USA", "EUR", ""]),
    st.sampled_from(["20240105", "20240220", "20240311"]), st.integers(1, 4),
    st.integers(-100, 100).map(lambda x: x / 10), st.integers(1, 30),
)  # fmt: skip


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(st.lists(event_row, min_size=1, max_size=40), st.sampled_from([gdelt.V1_DAILY_COLUMNS, gdelt.V2_COLUMNS]))
def test_property_loader_and_dyad_counts(tmp_path_factory, rows, columns):
    tmp = tmp_path_factory.mktemp("gprop")
    p = tmp / "events.export.CSV"
    p.write_text(
        "".join(
            _row(
                columns,
                GLOBALEVENTID=i,
                Actor1CountryCode=a,
                Actor2CountryCode=b,
                SQLDATE=d,
                QuadClass=q,
                GoldsteinScale=g,
                NumMentions=m,
            )
            for i, (a, b, d, q, g, m) in enumerate(rows)
        )
    )
    states = {"CHN", "RUS", "USA"}
    keep = [r for r in rows if r[0] in states or r[1] in states]
    if not keep:  # a file without any state actor is valid: nothing to keep, and then no data
        with Warehouse(tmp / "g.duckdb") as wh, pytest.raises(NoDataError):
            assert wh.ingest(gdelt, [p]).rows["events"] == 0
            ie.dyad_events(wh, "CHN", "RUS")
        return
    with Warehouse(tmp / "g.duckdb") as wh:
        assert wh.ingest(gdelt, [p]).rows["events"] == len(keep)
        got = ie.dyad_events(wh, "CHN", "RUS").set_index("period")
    dyad = [r for r in rows if {r[0], r[1]} == {"CHN", "RUS"}]
    for month in got.index:
        sel = [r for r in dyad if f"{r[2][:4]}-{r[2][4:6]}" == month]
        assert got.loc[month, "events"] == len(sel)
        if sel:
            exp = sum(r[4] * r[5] for r in sel) / sum(r[5] for r in sel)
            assert got.loc[month, "goldstein"] == pytest.approx(exp)
        else:
            assert pd.isna(got.loc[month, "goldstein"])
