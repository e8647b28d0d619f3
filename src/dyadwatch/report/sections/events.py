"""Events: monthly cooperation and conflict between the two (GDELT/CAMEO), with change points."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html

ORDER = 50
TITLE = "Events: cooperation and conflict"


def render(ctx: ReportContext) -> Section:
    import altair as alt

    from dyadwatch.indicators import events as ie

    wh = ctx.wh
    if not wh.sources_of("events"):
        return Section(
            TITLE,
            "<p>No event data ingested, so this report says nothing about events. Run "
            "<code>dyadwatch ingest gdelt FILES</code> with GDELT event files (1.0 or 2.0, as published).</p>",
        )
    d0 = dt.date(ctx.year_from, 1, 1) if ctx.year_from else None
    d1 = dt.date(ctx.year_to, 12, 31) if ctx.year_to else None
    a, b = ctx.a.iso3, ctx.b.iso3
    try:
        df = ie.dyad_events(wh, a, b, date_from=d0, date_to=d1)
    except NoDataError as e:
        return Section(TITLE, f"<p>{esc(e)}</p>")
    sources = wh.sources_of("events")
    if df["events"].sum() == 0:
        return Section(
            TITLE, f"<p>The ingested event data ({len(df)} months) hold no event between {esc(ctx.a.name)} "
            f"and {esc(ctx.b.name)}.</p>", sources=sources,
        )  # fmt: skip
    cps = ie.dyad_change_points(df)
    long = df.melt(id_vars=["period"], value_vars=["net_cooperation", "goldstein"], var_name="measure")
    long["month"] = pd.to_datetime(long["period"])
    base = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title=None),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("measure:N", title=None),
            tooltip=["period", "measure", alt.Tooltip("value:Q", format=".2f")],
        )
    )
    layers = [base]
    if cps:
        rules = pd.DataFrame({"month": pd.to_datetime(cps), "change": cps})
        layers.append(
            alt.Chart(rules).mark_rule(strokeDash=[4, 3], color="firebrick").encode(x="month:T", tooltip=["change"])
        )
    c = alt.layer(*layers).properties(
        width=760, height=240, title=f"{ctx.a.name}–{ctx.b.name}: net cooperation and Goldstein mean per month"
    )
    vol = (
        alt.Chart(df.assign(month=pd.to_datetime(df.period)))
        .mark_bar()
        .encode(x=alt.X("month:T", title=None), y=alt.Y("events:Q", title="events"), tooltip=["period", "events"])
        .properties(width=760, height=90)
    )
    used = list(sources)
    top = ie.top_event_codes(wh, a, b, date_from=d0, date_to=d1)
    if "description" in top.columns:
        used.append("cameo")
    cp_text = (
        f"Change points (PELT on the z-scored monthly net cooperation, marked in red): {esc(', '.join(cps))}."
        if cps else "No change point detected in monthly net cooperation."
    )  # fmt: skip
    html = (
        "<p>Both directions, each event counted once; Goldstein mean weighted by mentions. "
        "<em>Net cooperation</em> = (verbal + material cooperation − verbal − material conflict) / events, "
        "from −1 to 1.</p>"
        + chart(alt.vconcat(c, vol))
        + f"<p>{cp_text}</p>"
        + table_html(top, caption="Most frequent CAMEO root codes between the two")
        + table_html(df.tail(24), caption="Last months")
    )
    return Section(TITLE, html, sources=used)
