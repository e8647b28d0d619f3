"""Conflict and power: a timeline of disputes and rivalries, and the capability and GDP ratios over time."""

from __future__ import annotations

import pandas as pd

from dyadwatch import api
from dyadwatch.errors import DyadwatchError
from dyadwatch.indicators import conflict
from dyadwatch.report.altair_spec import alt
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html

ORDER = 35
TITLE = "Conflict and power"


def _timeline(riv: pd.DataFrame, mids: pd.DataFrame, src_r: str | None, src_m: str | None, lo: int):
    rows = []
    if src_r:
        for r in riv[(riv.source == src_r) & (riv.end >= lo)].itertuples():
            rows.append({"track": "strategic rivalry", "start": max(int(r.start), lo), "end": int(r.end) + 1,
                         "label": f"{r.name} ({int(r.start)}–{int(r.end)})", "hostility": "rivalry"})  # fmt: skip
    if src_m:
        for r in mids[(mids.source == src_m) & (mids.year >= lo)].itertuples():
            level = conflict.HOSTLEV.get(int(r.hostlev), "unknown") if pd.notna(r.hostlev) else "unknown"
            fatal = " (fatal)" if r.fatal == 1 else ""
            label = f"{int(r.year)}: {level}{fatal}, dispute {r.dispnums}"
            rows.append({"track": "militarized disputes", "start": int(r.year), "end": int(r.year) + 1,
                         "label": label, "hostility": level})  # fmt: skip
    if not rows:
        return None
    df = pd.DataFrame(rows)
    return (
        alt.Chart(df, title="Rivalries and militarized disputes")
        .mark_bar(height=16)
        .encode(x=alt.X("start:Q", title="year", axis=alt.Axis(format="d"), scale=alt.Scale(zero=False)),
                x2="end:Q", y=alt.Y("track:N", title=None), color=alt.Color("hostility:N", title=None),
                tooltip=["label"])
        .properties(width=760, height=90)
    )  # fmt: skip


def _ratios(pw: pd.DataFrame, a: str, b: str, lo: int):
    d = pw[pw.year >= lo][["year", "cinc_ratio", "gdp_ratio"]].melt("year", var_name="measure", value_name="ratio")
    d = d.dropna()
    if d.empty:
        return None
    d["measure"] = d.measure.map({"cinc_ratio": f"CINC {a} ÷ {b}", "gdp_ratio": f"GDP {a} ÷ {b}"})
    return (
        alt.Chart(d, title=f"Power ratios, {a} over {b} (above 1: {a} is the larger)")
        .mark_line()
        .encode(x=alt.X("year:Q", axis=alt.Axis(format="d")), y=alt.Y("ratio:Q", scale=alt.Scale(type="log")),
                color="measure:N", tooltip=["year", "measure", alt.Tooltip("ratio:Q", format=".2f")])
        .properties(width=760, height=240)
    )  # fmt: skip


def render(ctx: ReportContext) -> Section | None:
    a, b = ctx.a.iso3, ctx.b.iso3
    lo = ctx.year_from or 1900
    try:
        riv, basis = conflict.dyad_rivalries(ctx.wh, a, b)
        mids, _ = conflict.dyad_mids(ctx.wh, a, b)
        cov = api.dispute_coverage(wh=ctx.wh).data
        pw = api.power(a, b, wh=ctx.wh).data
    except DyadwatchError:
        # Nothing about this dyad: said once, in the report's "missing data" box (issue 14, item 14).
        ctx.lack("Conflict and power (rivalries, disputes, capabilities)",
                 "dyadwatch ingest tss_rivalry tss_rivalries.rda; dyadwatch ingest cow_mid cow_mid_ddydisps.rda; "
                 "dyadwatch ingest cow_nmc cow_nmc.rda")  # fmt: skip
        return None
    src_r = next((s for s in conflict.RIVALRY_SOURCES if s in set(riv.source)), None)
    src_m = next((s for s in conflict.MID_SOURCES if s in set(cov.source)), None)
    parts = []
    r = riv[riv.source == src_r] if src_r else riv.iloc[0:0]
    if src_r and len(r):
        spells = "; ".join(f"{esc(x['name'])} {int(x.start)}–{int(x.end)}" for _, x in r.iterrows())
        end = int(r.data_end.iloc[0])
        ctx.cover(src_r, int(r.start.min()), end)
        tail = f" A rivalry listed to {end} may still be in force after it." if (r.end == end).any() else ""
        parts.append(f"<p>Strategic rivalries ({esc(src_r)}, data to {end}): {spells}.{tail}</p>")
    else:
        parts.append(f"<p>No strategic rivalry between {esc(ctx.a.name)} and {esc(ctx.b.name)} is recorded.</p>")
    m = mids[mids.source == src_m] if src_m else mids.iloc[0:0]
    if src_m:
        hi = int(cov.set_index("source").loc[src_m].hi)
        ctx.cover(src_m, int(cov.set_index("source").loc[src_m].lo), hi)
        fatal = m[m.fatal == 1].year.astype(int).tolist()
        parts.append(f"<p>Militarized disputes ({esc(src_m)}, data to {hi}): {len(m)} dispute-years"
                     + (f", fatal in {', '.join(map(str, fatal))}" if fatal else ", none fatal") + ".</p>")  # fmt: skip
    tl = _timeline(riv, mids, src_r, src_m, lo)
    if tl is not None:
        parts.append(chart(tl))
    for src, col in (("cow_nmc", "cinc_a"), ("sdp_gdp", "ln_gdp_a")):  # the years both sides have a value
        both = pw.dropna(subset=[col, col[:-1] + "b"]).year
        if len(both):
            ctx.cover(src, int(both.min()), int(both.max()))
    rc = _ratios(pw, a, b, lo)
    if rc is not None:
        parts.append(chart(rc))
        last = pw.dropna(subset=["cinc_ratio"]).tail(1)
        if len(last):
            x = last.iloc[0]
            junior = b if x.cinc_ratio >= 1 else a
            parts.append(f"<p>In {int(x.year)} {esc(a)}'s CINC was {x.cinc_ratio:.2f}× {esc(b)}'s: {esc(junior)} "
                         "is the junior partner in material capabilities.</p>")  # fmt: skip
    if len(m):
        show = m[m.year >= lo][["year", "disputes", "onset", "hostlev", "fatal", "dispnums"]].copy()
        show["hostlev"] = show.hostlev.map(lambda v: conflict.HOSTLEV.get(int(v), "unknown") if pd.notna(v) else None)
        parts.append(table_html(show.rename(columns={"hostlev": "highest hostility", "dispnums": "dispute"}),
                                caption=f"Dispute-years since {lo} ({src_m})", fmt="{:.0f}"))  # fmt: skip
    if basis == "pack":
        parts.append("<p class='note'>From dyadwatch's embedded pack (computed from the COW, GML, Thompson and "
                     "Anders–Fariss–Markowitz files).</p>")  # fmt: skip
    used = [s for s in (src_r, src_m, "cow_nmc", "sdp_gdp") if s]
    return Section(TITLE, "".join(parts), used)
