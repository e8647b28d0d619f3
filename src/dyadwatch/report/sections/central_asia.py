"""Central Asia: each side's trade with the five states, from reported or mirror data, plus published facts."""

from __future__ import annotations

from dyadwatch import countries
from dyadwatch.errors import NoDataError
from dyadwatch.indicators import trade_pack as tp
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html

ORDER = 46
TITLE = "Central Asia"
STATES = list(countries.group("central_asia"))


def render(ctx: ReportContext) -> Section:
    import altair as alt

    wh = ctx.wh
    a, b = ctx.a.iso3, ctx.b.iso3
    try:
        # The warehouse's trade when it has any, else the embedded pack's COW figures (to 2014).
        df, basis = tp.load_region(wh, a, b, STATES, year_from=ctx.year_from or 1992, year_to=ctx.year_to)
    except NoDataError as e:
        return Section(TITLE, f"<p>No trade data for the Central Asian states: {esc(e)} Run "
                              "`dyadwatch ingest cow_trade …` or `dyadwatch ingest china_tables …`.</p>")  # fmt: skip
    used = sorted({s for c in ("source_a", "source_b") for v in df[c].dropna() for s in str(v).split(",")})
    long = df.melt(id_vars=["state", "period"], value_vars=["turnover_a", "turnover_b"], var_name="partner",
                   value_name="turnover").dropna()  # fmt: skip
    long["partner"] = long.partner.map({"turnover_a": a, "turnover_b": b})
    long["year"] = long.period.str[:4].astype(int)
    long["turnover"] = long.turnover / 1e9
    parts = []
    if basis == "pack":
        parts.append(
            f"<p>How much each Central Asian state trades with {esc(ctx.a.name)} and with {esc(ctx.b.name)}, and "
            "what part of the state's total trade each takes, from the Correlates of War trade data "
            f"({df.period.min()}–{df.period.max()}; COW ends in 2014).</p>"
        )
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
    if basis == "pack":
        notes.insert(0, tp.pack_note(used))
        ctx.basis_notes.append(notes[0])
    if df.share_a.isna().all():
        notes.append(
            "The states' total trade is not in the warehouse after COW's last year (2014), so shares are "
            "not computed for later years; turnovers come from partners' reports where the state is silent."
        )
    facts, fbasis = tp.facts_for(wh, STATES)
    if not facts.empty:
        used.append("facts")
        where = "; transcribed in the embedded pack with their publisher" if fbasis == "pack" else ""
        parts.append(table_html(facts[["metric", "period", "value", "unit", "publisher"]],
                                caption=f"Published figures (not computed{where})", fmt="{:.1f}"))  # fmt: skip
    html = "".join(parts) + "".join(f"<p class='note'>{esc(n)}</p>" for n in notes)
    return Section(TITLE, html, sources=sorted(set(used)))
