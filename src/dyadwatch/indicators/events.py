"""Event-data indicators for a dyad per period (GDELT/CAMEO), and change points.

A dyad's events are those with a as one actor and b as the other, in both
directions unless asked otherwise, each event id counted once. Per period:

* ``events``: the number of events; ``goldstein``: the Goldstein score's mean,
  weighted by mentions (default), articles, or unweighted; ``avg_tone`` alike;
* ``q1``..``q4``: QuadClass shares (verbal/material cooperation, verbal/material
  conflict); ``net_cooperation`` = (Q1+Q2−Q3−Q4)/N; ``material_share`` = (Q2+Q4)/N;
* ``share_of_a``/``share_of_b``: the dyad's events as a share of all events with a
  (b) as an actor in the period: the volume-normalised version.

Periods inside the ingested event data with no dyad event have ``events`` = 0
and NULL means (missing is not zero); periods outside it are not listed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dyadwatch.errors import DyadwatchError, NoDataError

if TYPE_CHECKING:
    from pathlib import Path

    import ibis

    from dyadwatch.store import PathStore

PERIODS = {"day": "D", "month": "M", "quarter": "Q", "year": "Y"}
WEIGHTS = ("mentions", "articles", "none")
DIRECTIONS = ("both", "a_to_b", "b_to_a")
COLUMNS = ["period", "events", "goldstein", "net_cooperation", "q1", "q2", "q3", "q4", "material_share",
           "avg_tone", "share_of_a", "share_of_b"]  # fmt: skip


def _check(period: str, weight: str, direction: str) -> None:
    for val, allowed, name in ((period, PERIODS, "period"), (weight, WEIGHTS, "weight"),
                               (direction, DIRECTIONS, "direction")):  # fmt: skip
        if val not in allowed:
            raise DyadwatchError(f"Unknown {name} {val!r}: use one of {', '.join(allowed)}.")


def events_table(
    wh: PathStore, source: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> ibis.Table:
    have = wh.sources_of("events")
    if not have:
        raise NoDataError(
            f"No event data in {wh.path}. Fix: `dyadwatch ingest gdelt FILES` (GDELT event files as published, "
            "e.g. 20240101.export.CSV or the 2.0 15-minute .export.CSV.zip files)."
        )
    # A store that reads, or bills, by partition (BigQuery's GDELT) narrows its scan to the dates asked for;
    # ``_bounds`` still decides which rows count, so the result is the same on every store.
    between = getattr(wh, "events_between", None)
    if between is not None and (date_from is not None or date_to is not None):
        t = between(date_from, date_to)
    else:
        t = wh.table("events")
    if source:
        if source not in have:
            raise NoDataError(f"No events from {source!r} in {wh.path} (have: {have}).")
        t = t.filter(t.source == source)
    return t


def _bounds(t: ibis.Table, date_from: dt.date | None, date_to: dt.date | None) -> ibis.Table:
    if date_from is not None:
        t = t.filter(t.date >= date_from)
    if date_to is not None:
        t = t.filter(t.date <= date_to)
    return t


def period_label(d: pd.Series, period: str) -> pd.Series:
    """'2012-08' (month), '2012-Q3', '2012', '2012-08-01' for period starts."""
    d = pd.to_datetime(d)
    if period == "month":
        return d.dt.strftime("%Y-%m")
    if period == "quarter":
        return d.dt.year.astype(str) + "-Q" + d.dt.quarter.astype(str)
    if period == "year":
        return d.dt.year.astype(str)
    return d.dt.strftime("%Y-%m-%d")


def _trunc(col: ibis.Value, period: str) -> ibis.Value:
    return col.truncate(PERIODS[period]) if period != "day" else col


def dyad_events_expr(
    wh: PathStore,
    a: str,
    b: str,
    *,
    period: str = "month",
    weight: str = "mentions",
    root_only: bool = False,
    direction: str = "both",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    source: str | None = None,
) -> dict[str, ibis.Table]:
    """The expressions behind :func:`dyad_events`: ``dyad`` (per-period sums), ``volume_a``/``volume_b``
    (each state's events per period) and ``periods`` (every period inside the event data).

    A store that declares ``unique_event_ids`` (its ingest keeps each id once, e.g. a lake) gets instead
    ``combined`` (see ``_combined``) and ``periods``: the same numbers from two scans."""
    _check(period, weight, direction)
    t = _bounds(events_table(wh, source, date_from, date_to), date_from, date_to)
    if root_only:
        t = t.filter(t.is_root)
    # A lake with a current pre-aggregate answers from it (a few rows per dyad-month), or says None.
    agg = getattr(wh, "dyad_events_aggregate", None)
    kw = dict(period=period, weight=weight, root_only=root_only, direction=direction, date_from=date_from,
              date_to=date_to, source=source)  # fmt: skip
    if agg is not None and (got := agg(a, b, **kw)) is not None:
        parts: dict[str, Any] = got
        return parts
    ab = (t.actor_a == a) & (t.actor_b == b)
    ba = (t.actor_a == b) & (t.actor_b == a)
    if getattr(wh, "unique_event_ids", False):
        return {
            "combined": _combined(t, a, b, {"both": ab | ba, "a_to_b": ab, "b_to_a": ba}[direction], period, weight),
            "periods": _periods(t, period),
        }
    dyad = t.filter({"both": ab | ba, "a_to_b": ab, "b_to_a": ba}[direction])
    # One row per event id: overlapping files ingested twice must not count twice.
    dyad = dyad.distinct(on="event_id", keep="first")
    dyad = dyad.mutate(p=_trunc(dyad.date, period), w=_weight(dyad, weight))
    q = {k: (dyad.quad_class == k).cast("float64") for k in (1, 2, 3, 4)}
    has_g = dyad.goldstein.notnull() & dyad.w.notnull()
    has_t = dyad.avg_tone.notnull() & dyad.w.notnull()
    per = dyad.group_by("p").aggregate(
        events=dyad.count(),
        g_num=(dyad.goldstein * dyad.w).sum(where=has_g),
        g_den=dyad.w.sum(where=has_g),
        t_num=(dyad.avg_tone * dyad.w).sum(where=has_t),
        t_den=dyad.w.sum(where=has_t),
        q1=q[1].mean(),
        q2=q[2].mean(),
        q3=q[3].mean(),
        q4=q[4].mean(),
    )
    out = {"dyad": per}
    for key, who in (("volume_a", a), ("volume_b", b)):
        v = t.filter((t.actor_a == who) | (t.actor_b == who)).distinct(on="event_id", keep="first")
        v = v.mutate(p=_trunc(v.date, period))
        out[key] = v.group_by("p").aggregate(n=v.count())
    out["periods"] = t.select(p=_trunc(t.date, period)).distinct().order_by("p")
    return out


def _combined(t: ibis.Table, a: str, b: str, in_dyad: ibis.Value, period: str, weight: str) -> ibis.Table:
    """The dyad and both volumes of :func:`dyad_events_expr` as one aggregate per period (with ``_periods``, two
    scans instead of four).

    Only for a store whose event ids are unique (its ingest keeps each id once): then the per-subset
    ``distinct(on="event_id")`` is the identity and every part is a filtered aggregate of the same rows.
    Columns: p, events, g_num, g_den, t_num, t_den, q1..q4 (the ``dyad`` part), n_a, n_b (the volumes).
    """
    # Only rows with a or b as an actor can count: the filter goes into the scan (Parquet, partitions), and the
    # per-row work (period, weight) is done on that subset only.
    t = t.filter(t.actor_a.isin([a, b]) | t.actor_b.isin([a, b]))
    t = t.mutate(p=_trunc(t.date, period), w=_weight(t, weight), _d=in_dyad)
    has_g = t._d & t.goldstein.notnull() & t.w.notnull()
    has_t = t._d & t.avg_tone.notnull() & t.w.notnull()
    q = {f"q{k}": (t.quad_class == k).cast("float64").mean(where=t._d) for k in (1, 2, 3, 4)}
    return (
        t.group_by("p")
        .aggregate(
            events=t.count(where=t._d),
            g_num=(t.goldstein * t.w).sum(where=has_g),
            g_den=t.w.sum(where=has_g),
            t_num=(t.avg_tone * t.w).sum(where=has_t),
            t_den=t.w.sum(where=has_t),
            **q,
            n_a=t.count(where=(t.actor_a == a) | (t.actor_b == a)),
            n_b=t.count(where=(t.actor_a == b) | (t.actor_b == b)),
        )
        .order_by("p")
    )


def _periods(t: ibis.Table, period: str) -> ibis.Table:
    """Every period with an event: the distinct dates first (a few thousand), then their periods."""
    d = t.select("date").distinct()
    return d.select(p=_trunc(d.date, period)).distinct().order_by("p")


def _weight(t: ibis.Table, weight: str) -> ibis.Value:
    import ibis

    return {"mentions": t.mentions, "articles": t.articles, "none": ibis.literal(1)}[weight].cast("float64")


def _parts(exprs: dict[str, ibis.Table]) -> tuple[pd.DataFrame, pd.DataFrame, list[pd.Series]]:
    """(periods, dyad per period, [volume of a, volume of b]) as frames, from either form of the expressions."""
    if "combined" in exprs:
        df = exprs["combined"].to_pandas()
        vols = [df.set_index("p")[n] for n in ("n_a", "n_b")]
        return exprs["periods"].to_pandas(), df.drop(columns=["n_a", "n_b"]), vols
    vols = [exprs[k].to_pandas().set_index("p")["n"] for k in ("volume_a", "volume_b")]
    return exprs["periods"].to_pandas(), exprs["dyad"].to_pandas(), vols


def dyad_events(
    wh: PathStore,
    a: str,
    b: str,
    *,
    period: str = "month",
    weight: str = "mentions",
    root_only: bool = False,
    direction: str = "both",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """One row per period: events, goldstein, net_cooperation, q1..q4, material_share, avg_tone, shares."""
    exprs = dyad_events_expr(
        wh, a, b, period=period, weight=weight, root_only=root_only, direction=direction,
        date_from=date_from, date_to=date_to, source=source,
    )  # fmt: skip
    periods, got, vols = _parts(exprs)
    if periods.empty:
        raise NoDataError(f"No events in the period asked for in {wh.path}.")
    df = periods.merge(got, on="p", how="left")
    df["events"] = df["events"].fillna(0).astype(int)
    df["goldstein"] = (df["g_num"] / df["g_den"]).where(df["g_den"] > 0)
    df["avg_tone"] = (df["t_num"] / df["t_den"]).where(df["t_den"] > 0)
    df["net_cooperation"] = df["q1"] + df["q2"] - df["q3"] - df["q4"]
    df["material_share"] = df["q2"] + df["q4"]
    for col, vol in (("share_of_a", vols[0]), ("share_of_b", vols[1])):
        tot = df["p"].map(vol).astype("float64")
        df[col] = (df["events"] / tot).where(tot > 0)
    df["period"] = period_label(df["p"], period)
    out = df[COLUMNS].reset_index(drop=True)
    out.attrs.update(period=period, weight=weight, direction=direction, root_only=root_only)
    return out


def index_expr(
    wh: PathStore, *, period: str = "month", date_from: dt.date | None = None, date_to: dt.date | None = None
) -> ibis.Table:
    """Directed state pair × period sums over the ``events`` table: :func:`file_index` for a store.

    Columns p (period start), actor_a, actor_b, events, g_sum, g_w_sum, mentions, q1..q4, tone_sum; events
    with both actors states only. Like ``file_index`` it does not deduplicate event ids: a warehouse removes
    duplicates at ingest, and GDELT 2.0's own ids are unique.
    """
    _check(period, "none", "both")
    t = _bounds(events_table(wh, None, date_from, date_to), date_from, date_to)
    t = t.filter(t.actor_a.notnull() & t.actor_b.notnull()).mutate(p=lambda t: _trunc(t.date, period))
    q = {f"q{k}": (t.quad_class == k).cast("int64").sum() for k in (1, 2, 3, 4)}
    return t.group_by(["p", "actor_a", "actor_b"]).aggregate(
        events=t.count(),
        g_sum=t.goldstein.sum(),
        g_w_sum=(t.goldstein * t.mentions).sum(),
        mentions=t.mentions.sum(),
        **q,
        tone_sum=t.avg_tone.sum(),
    )


def change_points(
    series: pd.Series | np.ndarray, *, penalty: float | None = None, min_size: int = 3, model: str = "l2"
) -> list[int]:
    """Indices where the series' level changes (PELT from ``ruptures``), on the z-scored series.

    NaN values are dropped before detection; returned indices point into the
    original series (the first index of each new segment). The default penalty
    3·log(n) on a unit-variance series is a BIC-like guard against over-splitting.
    """
    import ruptures as rpt

    s = pd.Series(np.asarray(series, dtype="float64"))
    valid = s.dropna()
    n = len(valid)
    if n < 2 * min_size:
        return []
    x = valid.to_numpy()
    sd = x.std()
    if sd == 0 or not math.isfinite(sd):
        return []
    z = ((x - x.mean()) / sd).reshape(-1, 1)
    pen = penalty if penalty is not None else 3.0 * math.log(n)
    ends = rpt.Pelt(model=model, min_size=min_size, jump=1).fit(z).predict(pen=pen)
    return [int(valid.index[e]) for e in ends[:-1]]


def dyad_change_points(df: pd.DataFrame, column: str = "net_cooperation", **kw: Any) -> list[str]:
    """The periods (labels of ``df.period``) at which ``column`` changes level."""
    return [df["period"].iloc[i] for i in change_points(df[column], **kw)]


def top_event_codes_expr(
    wh: PathStore, a: str, b: str, *, n: int = 10, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> ibis.Table:
    """The expression behind :func:`top_event_codes` (without the code descriptions)."""
    import ibis

    t = _bounds(events_table(wh, None, date_from, date_to), date_from, date_to)
    d = t.filter(((t.actor_a == a) & (t.actor_b == b)) | ((t.actor_a == b) & (t.actor_b == a)))
    d = d.distinct(on="event_id", keep="first")
    out = d.group_by("root_code").aggregate(events=d.count(), goldstein=d.goldstein.mean())
    return out.order_by([ibis.desc("events"), "root_code"]).limit(n)


def top_event_codes(
    wh: PathStore, a: str, b: str, *, n: int = 10, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> pd.DataFrame:
    """The most frequent CAMEO root codes between a and b (both directions), with descriptions if ingested."""
    df = top_event_codes_expr(wh, a, b, n=n, date_from=date_from, date_to=date_to).to_pandas()
    if wh.sources_of("cameo_codes"):
        c = wh.table("cameo_codes")
        names = c.filter(c.level == 1).select("code", "description").to_pandas()
        df = df.merge(names.rename(columns={"code": "root_code"}), on="root_code", how="left")
    return df


def file_index(
    paths: Sequence[Path], *, period: str = "month", memory_limit: str | None = "4GB", threads: int | None = None
) -> pd.DataFrame:
    """Directed actor-pair × period aggregates straight from GDELT files, streamed by DuckDB.

    For indexing large file sets without ingesting every event: one pass over
    the files grouped by the raw date and CAMEO country codes (a few tens of
    thousands of groups a month, so memory stays bounded by DuckDB's
    ``memory_limit``); dates are parsed, values checked and codes mapped to iso3
    on the groups, not on the millions of rows. Columns: period, actor_a,
    actor_b, events, g_sum, g_w_sum, mentions, q1..q4, tone_sum. Events are
    assumed distinct across the files (GDELT's export files are); a value that
    does not parse raises SourceFormatError naming the file, as ``load`` does.
    """
    import duckdb

    from dyadwatch.sources import gdelt

    _check(period, "none", "both")
    con = duckdb.connect()
    try:
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        with gdelt.unpacked(paths) as files:
            # Each typed value is counted beside its raw text: fewer typed than raw values means a bad value.
            sql = f"""
                SELECT SQLDATE AS d, Actor1CountryCode AS code_a, Actor2CountryCode AS code_b, count(*) AS events,
                       sum(g) AS g_sum, sum(g * m) AS g_w_sum, sum(m) AS mentions, sum(t) AS tone_sum,
                       count(g) AS g_n, count(GoldsteinScale) AS g_raw, count(m) AS m_n, count(NumMentions) AS m_raw,
                       count(t) AS t_n, count(AvgTone) AS t_raw, count(QuadClass) AS quad_raw,
                       count(*) FILTER (QuadClass = '1') AS q1, count(*) FILTER (QuadClass = '2') AS q2,
                       count(*) FILTER (QuadClass = '3') AS q3, count(*) FILTER (QuadClass = '4') AS q4
                FROM (SELECT SQLDATE, Actor1CountryCode, Actor2CountryCode, QuadClass, GoldsteinScale, NumMentions,
                             AvgTone, TRY_CAST(GoldsteinScale AS DOUBLE) AS g, TRY_CAST(NumMentions AS INTEGER) AS m,
                             TRY_CAST(AvgTone AS DOUBLE) AS t
                      FROM ({gdelt.raw_sql(files)})
                      WHERE Actor1CountryCode IS NOT NULL AND Actor2CountryCode IS NOT NULL)
                GROUP BY ALL
            """
            try:
                df = con.execute(sql).df()
            except (duckdb.InvalidInputException, duckdb.ConversionException) as e:
                raise gdelt.read_error(e, files) from e
            day = pd.to_datetime(df["d"], format="%Y%m%d", errors="coerce")
            bad = (
                day.isna() | (df.g_n < df.g_raw) | (df.m_n < df.m_raw) | (df.t_n < df.t_raw)
                | (df.q1 + df.q2 + df.q3 + df.q4 < df.quad_raw)
            )  # fmt: skip
            if bad.any():
                con.execute(f"CREATE TEMP VIEW typed AS {gdelt.typed_sql(files)}")
                gdelt.check_bad(con, "typed")
    finally:
        con.close()
    df = df.drop(columns=["d", "g_n", "g_raw", "m_n", "m_raw", "t_n", "t_raw", "quad_raw"])
    df["p"] = day.dt.to_period(PERIODS[period]).dt.start_time if period != "day" else day
    mapping, _ = gdelt.cameo_country_map(sorted(set(df.code_a) | set(df.code_b)))
    df["actor_a"] = df.pop("code_a").map(mapping)
    df["actor_b"] = df.pop("code_b").map(mapping)
    df = df.dropna(subset=["actor_a", "actor_b"])
    keys = ["p", "actor_a", "actor_b"]
    # Several days, and several CAMEO codes (WSB, GZS → PSE), fold into one row per state pair and period.
    df = df.groupby(keys, as_index=False).sum()
    df.insert(0, "period", period_label(df.pop("p"), period))
    cols = ["period", "actor_a", "actor_b", "events", "g_sum", "g_w_sum", "mentions", "q1", "q2", "q3", "q4",
            "tone_sum"]  # fmt: skip
    return df[cols].sort_values(["period", "actor_a", "actor_b"]).reset_index(drop=True)
