"""Central Asia: each side's trade with the five states, from reported or mirror data, plus published facts."""

from __future__ import annotations

from dyadwatch.errors import NoDataError
from dyadwatch.indicators import trade_region as trg
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html

ORDER = 46
TITLE = "Central Asia"
STATES = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]


def render(ctx: ReportContext) -> Section:
    import altair as alt

    wh = ctx.wh
    a, b = ctx.a.iso3, ctx.b.iso3
    if wh is None or not (wh.has("trade_flows") or wh.has("trade_dyad_year")):
        return Section(TITLE, "<p>No trade data ingested: run `dyadwatch ingest cow_trade …` or "
                              "`dyadwatch ingest china_tables …`.</p>")  # fmt: skip
    try:
        df = trg.region(wh, a, b, STATES, year_from=ctx.year_from or 1992, year_to=ctx.year_to)
    except NoDataError as e:
        return Section(TITLE, f"<p>{esc(e)}</p>")
    used = sorted({s for c in ("source_a", "source_b") for v in df[c].dropna() for s in str(v).split(",")})
    long = df.melt(id_vars=["state", "period"], value_vars=["turnover_a", "turnover_b"], var_name="partner",
                   value_name="turnover").dropna()  # fmt: skip
    long["partner"] = long.partner.map({"turnover_a": a, "turnover_b": b})
    long["year"] = long.period.str[:4].astype(int)
    long["turnover"] = long.turnover / 1e9
    parts = []
    if not long.empty:
        c = (
            alt.Chart(long, title=f"Trade turnover of each Central Asian state with {a} and {b} (bn USD)")
            .mark_line(point=True)
            .encode(x=alt.X("year:Q", axis=alt.Axis(format="d")), y=alt.Y("turnover:Q", title="bn USD"),
                    color="partner:N", facet=alt.Facet("state:N", columns=3))
            .properties(width=220, height=140)
        )  # fmt: skip
        parts.append(chart(c))
    latest = df.sort_values("period").groupby("state").tail(1).copy()
    for c in ("turnover_a", "turnover_b"):
        latest[c] = latest[c] / 1e9
    latest = latest[["state", "period", "turnover_a", "turnover_b", "share_a", "share_b", "basis_a", "basis_b"]]
    latest = latest.rename(columns={"turnover_a": f"with {a} (bn USD)", "turnover_b": f"with {b} (bn USD)",
                                    "share_a": f"{a}'s share", "share_b": f"{b}'s share"})  # fmt: skip
    parts.append(table_html(latest, caption="Latest period per state"))
    gaps = [s for s in STATES if s not in set(df.state)]
    notes = []
    if gaps:
        notes.append(f"No trade data for {', '.join(gaps)}.")
    if df.share_a.isna().all():
        notes.append(
            "The states' total trade is not in the warehouse after COW's last year (2014), so shares are "
            "not computed for later years; turnovers come from partners' reports where the state is silent."
        )
    facts = trg.facts_for(wh, STATES)
    if not facts.empty:
        used.append("facts")
        parts.append(table_html(facts[["metric", "period", "value", "unit", "publisher"]],
                                caption="Published figures (not computed)", fmt="{:.1f}"))  # fmt: skip
    html = "".join(parts) + "".join(f"<p class='note'>{esc(n)}</p>" for n in notes)
    return Section(TITLE, html, sources=sorted(set(used)))
