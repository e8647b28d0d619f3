"""Currency: settlement-currency and exchange-turnover shares over time, from published facts.

The facts come from the warehouse when it holds them, else from the embedded pack, where they are
transcribed with their publisher and page.
"""

from __future__ import annotations

import pandas as pd

from dyadwatch import api
from dyadwatch.errors import NoDataError
from dyadwatch.report.altair_spec import alt
from dyadwatch.report.base import ReportContext, Section, chart, esc
from dyadwatch.report.gaps import with_gaps
from dyadwatch.report.sections.economy import published_table

ORDER = 44
TITLE = "Currency"
# The state that issues the currency a share is of ("cny_share_…" is the yuan's share): a fact about one state's
# settlements in another's currency is about that pair only, so the Bank of Russia's yuan shares stay out of the
# Kazakhstan–Russia report.
ISSUER = {"cny": "CHN", "rub": "RUS", "usd": "USA", "kzt": "KAZ", "inr": "IND", "jpy": "JPN", "gbp": "GBR"}


def about_dyad(f: pd.DataFrame, dyad: set[str], article: bool) -> pd.DataFrame:
    """The currency facts about this pair; the article's whole currency story only in the China–Russia report."""
    if article:
        return f
    other = f.entity_b.where(f.entity_b.notna(), f.metric.str.split("_").str[0].map(ISSUER))
    pair = [{x, y} == dyad for x, y in zip(f.entity_a, other, strict=True)]
    return f[pair]


def monthly_data(f: pd.DataFrame) -> pd.DataFrame:
    """The monthly figures for the chart: a time axis (not nominal months) so that the gaps between published
    months keep their width, and a NULL row for every month without a figure so that the lines break there."""
    monthly = f[f.period.astype(str).str.fullmatch(r"\d{4}-\d{2}")]
    if monthly.empty:
        return monthly
    out = with_gaps(monthly[["metric", "period", "value", "publisher"]], "period", ["metric"], freq="month")
    return out.assign(month=out.period, metric=out.metric.str.replace("_", " "))


def render(ctx: ReportContext) -> Section | None:
    try:
        res = api.currency([ctx.a.iso3, ctx.b.iso3], wh=ctx.wh)
    except NoDataError:
        ctx.lack("Currency shares (published figures)", "dyadwatch ingest facts reference_facts.csv")
        return None
    f = about_dyad(res.data, ctx.dyad, ctx.is_article_dyad())
    if f.empty:
        return None  # nothing published about this pair's currencies: not a gap in the user's data
    f = f.assign(period=f.period.astype(str))
    ctx.cover_facts(f.period)
    monthly = monthly_data(f)
    parts = []
    if not monthly.empty:
        c = (
            alt.Chart(monthly, title="Published currency shares (%)")
            .mark_line(point=True)
            .encode(x=alt.X("month:T", title="month", axis=alt.Axis(format="%b %Y")), y=alt.Y("value:Q", title="%"),
                    color=alt.Color("metric:N", legend=alt.Legend(orient="bottom", columns=2, labelLimit=400)),
                    tooltip=["metric", alt.Tooltip("month:T", format="%Y-%m"), "value", "publisher"])
            .properties(width=760, height=260)
        )  # fmt: skip
        parts.append(chart(c))
    parts.append(published_table(f, "As published (not computed by dyadwatch)"))
    for note in res.notes:  # the basis, when the pack's transcription answers
        ctx.basis_notes.append(note)
        parts.append(f"<p class='note'>{esc(note)}</p>")
    return Section(TITLE, "".join(parts), sources=["facts"])
