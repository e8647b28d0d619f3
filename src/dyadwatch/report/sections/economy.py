"""Economy: bilateral trade, asymmetric shares, composition, and the basis (reported/mirror) of each figure."""

from __future__ import annotations

import pandas as pd

from dyadwatch import api
from dyadwatch.errors import NoDataError
from dyadwatch.indicators import trade_composition as tc
from dyadwatch.report.altair_spec import alt
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html
from dyadwatch.report.gaps import with_gaps

ORDER = 40
TITLE = "Economic interdependence"


def render(ctx: ReportContext) -> Section | None:
    wh, a, b = ctx.wh, ctx.a.iso3, ctx.b.iso3
    try:
        # The warehouse's flows when it holds trade data, else the embedded pack's COW figures (to 2014).
        # From 1946 unless asked otherwise, like the other sections: COW's shares before then swing wildly
        # (Russia's 1920 total trade was tiny, so China's share of it is ~100%) and flatten the modern lines.
        res = api.trade(a, b, year_from=ctx.year_from or 1946, year_to=ctx.year_to, wh=wh)
    except NoDataError:
        ctx.lack("Trade (COW, Comtrade)", "dyadwatch ingest cow_trade cow_trade_ndy.rda cow_trade_sy.rda")
        return None
    df, basis, used = res.data, res.basis, list(res.sources)
    with_turnover = df.dropna(subset=["turnover"])
    for s in used:
        mine = with_turnover[with_turnover.source.fillna("").str.contains(s)]
        ctx.cover(s, mine.period.min(), mine.period.max())
    parts = []
    if basis == "pack":
        parts.append(
            f"<p>Trade between {esc(ctx.a.name)} and {esc(ctx.b.name)} as the Correlates of War trade data give it, "
            f"{df.period.iloc[0]}–{df.period.iloc[-1]}: each side's share of the other's total trade, the "
            "asymmetry between the shares and each side's rank among the other's partners. COW ends in 2014; "
            "later years need Comtrade files.</p>"
        )
    # NULL shares are kept (not dropped) so the lines break where there is no data instead of bridging gaps.
    annual = df[df.period.str.fullmatch(r"\d{4}")].assign(y=lambda d: d.period.astype(int)).set_index("y")
    long = annual.reset_index().melt(
        id_vars=["y"], value_vars=["share_of_a_trade", "share_of_b_trade"], var_name="side", value_name="share"
    )
    if long.share.notna().any():
        long["side"] = long.side.map({"share_of_a_trade": f"{b}'s share of {a}'s trade",
                                      "share_of_b_trade": f"{a}'s share of {b}'s trade"})  # fmt: skip
        long = with_gaps(long.rename(columns={"y": "year"}), "year", ["side"])
        long["period"] = long.year.astype(str)
        c = (
            alt.Chart(long, title="Each side's share of the other's total trade")
            .mark_line(point=True)
            .encode(x=alt.X("year:Q", axis=alt.Axis(format="d")), y=alt.Y("share:Q", axis=alt.Axis(format="%")),
                    color="side:N", tooltip=["period", "side", alt.Tooltip("share:Q", format=".1%")])
            .properties(width=760, height=260)
        )  # fmt: skip
        parts.append(chart(c))
    last = df.dropna(subset=["turnover"]).tail(8)
    show = last[["period", "exports_a_to_b", "imports_a_from_b", "turnover", "growth", "share_of_a_trade",
                 "share_of_b_trade", "asymmetry", "rank", "basis"]].copy()  # fmt: skip
    for c_ in ("exports_a_to_b", "imports_a_from_b", "turnover"):
        show[c_] = show[c_] / 1e9
    show["rank"] = show["rank"].astype("Int64")
    labels = {"exports_a_to_b": f"{a} exports to {b} (bn USD)", "imports_a_from_b": f"{a} imports from {b} (bn USD)",
              "turnover": "turnover (bn USD)", "growth": "turnover growth", "share_of_a_trade": f"share of {a}'s trade",
              "share_of_b_trade": f"share of {b}'s trade", "asymmetry": f"asymmetry ({b}'s share / {a}'s)",
              "rank": f"{b}'s rank among {a}'s partners", "basis": "basis (reported or mirror)"}  # fmt: skip
    parts.append(table_html(show, caption="Latest periods", fmt="{:,.2f}", labels=labels,
                            pct=("growth", "share_of_a_trade", "share_of_b_trade")))  # fmt: skip
    notes = list(res.notes)
    if df.share_of_b_trade.isna().all():
        notes.append(f"{b}'s total trade is not in the warehouse for these periods, so its share cannot be computed.")
    comp = _composition(wh, a, b) if wh.has("trade_flows") else None
    if comp is not None:
        label, cdf = comp
        used.append("comtrade")
        bar = (
            alt.Chart(cdf.head(10), title=label)
            .mark_bar()
            .encode(x=alt.X("share:Q", axis=alt.Axis(format="%")), y=alt.Y("name:N", sort="-x", title=None),
                    tooltip=["code", "name", alt.Tooltip("share:Q", format=".1%")])
            .properties(width=600, height=240)
        )  # fmt: skip
        parts.append(chart(bar))
    f = api.facts([a, b], wh=wh)
    facts, fbasis = f.data, f.basis
    facts = facts[facts.entity_a.isin([a, b]) & facts.entity_b.isin([a, b])]
    if not facts.empty:
        used.append("facts")
        where = " — transcribed in the embedded pack" if fbasis == "pack" else ""
        parts.append(published_table(facts, f"Published figures (as their publishers give them; not computed by "
                                             f"dyadwatch{where})"))  # fmt: skip
        ctx.cover_facts(facts.period.astype(str))
    ctx.basis_notes.extend(notes)
    html = "".join(parts) + "".join(f"<p class='note'>{esc(n)}</p>" for n in notes)
    return Section(TITLE, html, sources=sorted(set(used)))


UNITS = {"USD bn": "bn USD", "pct": "%", "pct yoy": "% year on year"}


def published_table(facts: pd.DataFrame, caption: str) -> str:
    """Published figures with their unit beside the number ("76.1 bn USD", "3.0 %") and a readable name."""
    show = pd.DataFrame(
        {
            "figure": facts.metric.str.replace("_", " "),
            "period": facts.period.astype(str),
            "value": [
                "no data" if pd.isna(v) else f"{v:,.1f} {UNITS.get(u, u)}"
                for v, u in zip(facts.value, facts.unit.fillna(""), strict=True)
            ],
            "publisher": facts.publisher,
        }
    )
    return table_html(show, caption=caption)


def _composition(wh, a: str, b: str) -> tuple[str, pd.DataFrame] | None:
    """The latest HS-chapter composition available for either direction."""
    latest = tc.latest_chapters(wh, a, b)
    if latest is None:
        return None
    x, flow, period = latest
    y = b if x == a else a
    try:
        df = tc.composition(wh, x, y, period, level="chapter", flow=flow)
    except NoDataError:
        return None
    df["name"] = df.code + " " + df.description.fillna("").str.slice(0, 40)
    verb = "imports from" if flow == "M" else "exports to"
    return f"{x}'s {verb} {y} by HS chapter, {period} ({df.basis.iloc[0]})", df
