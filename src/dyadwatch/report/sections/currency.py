"""Currency: settlement-currency and exchange-turnover shares over time, from published facts.

The facts come from the warehouse when it holds them, else from the embedded pack, where they are
transcribed with their publisher and page.
"""

from __future__ import annotations

from dyadwatch.errors import NoDataError
from dyadwatch.indicators import trade_pack as tp
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html

ORDER = 44
TITLE = "Currency"


def render(ctx: ReportContext) -> Section:
    import altair as alt

    try:
        f, basis = tp.currency_shares(ctx.wh, [ctx.a.iso3, ctx.b.iso3])
    except NoDataError:
        return Section(TITLE, "<p>No published currency figures ingested: run `dyadwatch ingest facts "
                              "reference_facts.csv`.</p>")  # fmt: skip
    if f.empty:
        return Section(TITLE, "<p>No published settlement-currency or exchange shares for these states.</p>")
    f = f.assign(period=f.period.astype(str))
    monthly = f[f.period.str.fullmatch(r"\d{4}-\d{2}")].copy()
    parts = []
    if not monthly.empty:
        # A time axis (not nominal months) so that the gaps between published months keep their width.
        monthly["month"] = monthly.period + "-01"
        c = (
            alt.Chart(monthly, title="Published currency shares (%)")
            .mark_line(point=True)
            .encode(x=alt.X("month:T", title="month", axis=alt.Axis(format="%Y-%m")), y=alt.Y("value:Q", title="%"),
                    color=alt.Color("metric:N", legend=alt.Legend(orient="bottom", columns=2, labelLimit=400)),
                    tooltip=["metric", "period", "value", "publisher"])
            .properties(width=760, height=260)
        )  # fmt: skip
        parts.append(chart(c))
    parts.append(
        table_html(f[["metric", "period", "value", "unit", "publisher"]], caption="As published", fmt="{:.1f}")
    )
    pubs = sorted(f.publisher.unique())
    parts.append(f"<p class='note'>Published figures, not computed by dyadwatch: {esc('; '.join(pubs))}.</p>")
    if basis == "pack":
        note = (
            "Basis: dyadwatch's embedded pack — these published figures are transcribed there with their "
            "publisher and the page they were read from (the URLs are in the pack's facts table); ingest "
            "`dyadwatch ingest facts FILE` to use your own."
        )
        ctx.basis_notes.append(note)
        parts.append(f"<p class='note'>{esc(note)}</p>")
    return Section(TITLE, "".join(parts), sources=["facts"])
