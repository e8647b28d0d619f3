"""Central Asia: China's and Russia's trade with the five states, as the article compares them.

The article's comparison, so it appears in the China–Russia report only (for other pairs it would be China–Russia
material, or show a Central Asian state trading with itself).
"""

from __future__ import annotations

from dyadwatch import api, countries
from dyadwatch.errors import NoDataError
from dyadwatch.report.altair_spec import alt
from dyadwatch.report.base import ARTICLE_TITLE, ReportContext, Section, chart, esc, table_html
from dyadwatch.report.gaps import with_gaps
from dyadwatch.report.sections.economy import published_table

ORDER = 46
TITLE = "Central Asia"
STATES = list(countries.group("central_asia"))


def render(ctx: ReportContext) -> Section | None:
    if not ctx.is_article_dyad():
        return None
    wh = ctx.wh
    a, b = ctx.a.iso3, ctx.b.iso3
    try:
        # The warehouse's trade when it has any, else the embedded pack's COW figures (to 2014).
        res = api.region(a, b, STATES, year_from=ctx.year_from or 1992, year_to=ctx.year_to, wh=wh)
    except NoDataError:
        ctx.lack("Central Asia's trade with China and Russia", "dyadwatch ingest cow_trade cow_trade_ndy.rda "
                 "cow_trade_sy.rda")  # fmt: skip
        return None
    df, basis = res.data, res.basis
    used = sorted({s for c in ("source_a", "source_b") for v in df[c].dropna() for s in str(v).split(",")})
    long = df.melt(id_vars=["state", "period"], value_vars=["turnover_a", "turnover_b"], var_name="partner",
                   value_name="turnover").dropna()  # fmt: skip
    long["partner"] = long.partner.map({"turnover_a": a, "turnover_b": b})
    long["year"] = long.period.str[:4].astype(int)
    long["turnover"] = long.turnover / 1e9
    long = with_gaps(long[["state", "partner", "year", "turnover"]], "year", ["state", "partner"])
    parts = [
        f"<p>The article “{esc(ARTICLE_TITLE)}” compares China's and Russia's weight in Central Asia; "
        "these are the trade figures behind that comparison.</p>"
    ]
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
    for col in ("turnover_a", "turnover_b"):
        latest[col] = latest[col] / 1e9
    latest = latest[["state", "period", "turnover_a", "turnover_b", "share_a", "share_b", "basis_a", "basis_b"]]
    labels = {"turnover_a": f"trade with {a} (bn USD)", "turnover_b": f"trade with {b} (bn USD)",
              "share_a": f"{a}'s share of the state's trade", "share_b": f"{b}'s share of the state's trade",
              "basis_a": f"basis ({a})", "basis_b": f"basis ({b})"}  # fmt: skip
    parts.append(table_html(latest, caption="Latest period per state", labels=labels, pct=("share_a", "share_b"),
                            fmt="{:,.2f}"))  # fmt: skip
    gaps = [s for s in STATES if s not in set(df.state)]
    notes = []
    if gaps:
        notes.append(f"No trade data for {', '.join(gaps)}.")
    if basis == "pack":
        notes.insert(0, api.pack_note(used))
        ctx.basis_notes.append(notes[0])
    if df.share_a.isna().all():
        notes.append(
            "The states' total trade is not in the warehouse after COW's last year (2014), so shares are "
            "not computed for later years; turnovers come from partners' reports where the state is silent."
        )
    f = api.facts(STATES, wh=wh)
    facts, fbasis = f.data, f.basis
    facts = facts[facts.entity_a.isin([a, b]) | facts.entity_b.isin([a, b])]  # the region with one of the two
    if not facts.empty:
        used.append("facts")
        where = "; transcribed in the embedded pack with their publisher" if fbasis == "pack" else ""
        parts.append(published_table(facts, f"Published figures (not computed by dyadwatch{where})"))
    html = "".join(parts) + "".join(f"<p class='note'>{esc(n)}</p>" for n in notes)
    return Section(TITLE, html, sources=sorted(set(used)))
