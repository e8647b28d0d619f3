"""Events: monthly cooperation and conflict between the two (GDELT/CAMEO), with change points."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.report.altair_spec import alt
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html
from dyadwatch.report.gaps import with_gaps

ORDER = 50
TITLE = "Events: cooperation and conflict"


MIN_EVENTS = 30  # fewer events than this in the period: monthly means and change points would be noise
MIN_MONTHS_FOR_CHANGE = 12  # change-point detection needs a series, not a handful of months
INGEST = "dyadwatch ingest gdelt FILES (GDELT 1.0 or 2.0 event files, as published)"


def month_axis(months: pd.Series):
    """Monthly ticks labelled with the year ("Aug 2012") for short series, yearly ticks for long ones."""
    span = (months.max().year - months.min().year) * 12 + months.max().month - months.min().month + 1
    if span <= 24:
        return alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 1 if span <= 12 else 3},
                        labelAngle=-45, title=None)  # fmt: skip
    return alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1}, title=None)


def render(ctx: ReportContext) -> Section | None:
    from dyadwatch.indicators import events as ie

    wh = ctx.wh
    if not wh.sources_of("events"):
        ctx.lack("Events (cooperation and conflict)", INGEST)
        return None
    d0 = dt.date(ctx.year_from, 1, 1) if ctx.year_from else None
    d1 = dt.date(ctx.year_to, 12, 31) if ctx.year_to else None
    a, b = ctx.a.iso3, ctx.b.iso3
    try:
        df = ie.dyad_events(wh, a, b, date_from=d0, date_to=d1)
    except NoDataError:
        ctx.lack("Events (cooperation and conflict)", INGEST)
        return None
    sources = wh.sources_of("events")
    total = int(df["events"].sum())
    if total == 0:
        return None  # the ingested events say nothing about this pair
    for s in sources:
        ctx.cover(s, df.period.min(), df.period.max())
    if total < MIN_EVENTS:
        return Section(
            TITLE,
            f"<p>Too few events: the ingested event data ({len(df)} months, {esc(df.period.min())} to "
            f"{esc(df.period.max())}) hold {total} event{'s' if total != 1 else ''} between {esc(ctx.a.name)} and "
            f"{esc(ctx.b.name)}, fewer than the {MIN_EVENTS} below which monthly means and change points would be "
            "noise. Ingest more months of GDELT to see them.</p>",
            sources=sources,
        )
    months_with_events = int((df["events"] > 0).sum())
    cps = ie.dyad_change_points(df) if months_with_events >= MIN_MONTHS_FOR_CHANGE else []
    long = df.melt(id_vars=["period"], value_vars=["net_cooperation", "goldstein"], var_name="measure")
    long["measure"] = long.measure.map({"net_cooperation": "net cooperation", "goldstein": "Goldstein mean"})
    long = with_gaps(long, "period", ["measure"], freq="month")  # months not ingested break the lines
    long["month"] = long["period"]
    axis = month_axis(long["month"])
    base = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", axis=axis),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("measure:N", title=None),
            tooltip=[alt.Tooltip("month:T", format="%Y-%m"), "measure", alt.Tooltip("value:Q", format=".2f")],
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
        .encode(x=alt.X("month:T", axis=axis), y=alt.Y("events:Q", title="events"), tooltip=["period", "events"])
        .properties(width=760, height=90)
    )
    used = list(sources)
    top = ie.top_event_codes(wh, a, b, date_from=d0, date_to=d1)
    if "description" in top.columns:
        used.append("cameo")
    if months_with_events < MIN_MONTHS_FOR_CHANGE:
        cp_text = (f"Change points are not sought: {months_with_events} months with events, fewer than the "
                   f"{MIN_MONTHS_FOR_CHANGE} a change-point search needs.")  # fmt: skip
    elif cps:
        cp_text = f"Change points (PELT on the z-scored monthly net cooperation, marked in red): {', '.join(cps)}."
    else:
        cp_text = "No change point detected in monthly net cooperation."
    html = (
        "<p>Both directions, each event counted once; Goldstein mean weighted by mentions. "
        "<em>Net cooperation</em> = (verbal + material cooperation − verbal − material conflict) / events, "
        "from −1 to 1.</p>"
        + chart(alt.vconcat(c, vol))
        + f"<p>{esc(cp_text)}</p>"
        + table_html(
            top, caption="Most frequent CAMEO root codes between the two", labels={"root_code": "CAMEO root code"}
        )
        + table_html(df.tail(24), caption="Last months", fmt="{:.2f}")
    )
    return Section(TITLE, html, sources=used)
