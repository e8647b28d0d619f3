"""Currency: settlement-currency and exchange-turnover shares over time, from published facts."""

from __future__ import annotations

from dyadwatch.indicators import trade_region as trg
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html

ORDER = 44
TITLE = "Currency"


def render(ctx: ReportContext) -> Section:
    import altair as alt

    wh = ctx.wh
    if wh is None or not wh.has("facts"):
        return Section(TITLE, "<p>No published currency figures ingested: run `dyadwatch ingest facts "
                              "reference_facts.csv`.</p>")  # fmt: skip
    f = trg.currency_shares(wh, [ctx.a.iso3, ctx.b.iso3])
    if f.empty:
        return Section(TITLE, "<p>No published settlement-currency or exchange shares for these states.</p>")
    monthly = f[f.period.str.fullmatch(r"\d{4}-\d{2}")].copy()
    parts = []
    if not monthly.empty:
        c = (
            alt.Chart(monthly, title="Published currency shares (%)")
            .mark_line(point=True)
            .encode(x=alt.X("period:N", title="month"), y=alt.Y("value:Q", title="%"), color="metric:N",
                    tooltip=["metric", "period", "value", "publisher"])
            .properties(width=760, height=260)
        )  # fmt: skip
        parts.append(chart(c))
    parts.append(
        table_html(f[["metric", "period", "value", "unit", "publisher"]], caption="As published", fmt="{:.1f}")
    )
    pubs = sorted(f.publisher.unique())
    parts.append(f"<p class='note'>Published figures, not computed by dyadwatch: {esc('; '.join(pubs))}.</p>")
    return Section(TITLE, "".join(parts), sources=["facts"])
