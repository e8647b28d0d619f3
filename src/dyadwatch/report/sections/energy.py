"""Energy: the crude discount, pipeline-gas shares and the pipelines the article compares."""

from __future__ import annotations

from dyadwatch.errors import NoDataError
from dyadwatch.indicators import energy as en
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html

ORDER = 42
TITLE = "Energy"


def render(ctx: ReportContext) -> Section:
    import altair as alt

    wh = ctx.wh
    if wh is None or not (wh.has("energy_flows") or wh.has("pipelines")):
        return Section(TITLE, "<p>No energy data ingested: run `dyadwatch ingest china_crude FILE`, "
                              "`dyadwatch ingest china_gas FILE` or `dyadwatch ingest gem FILE`.</p>")  # fmt: skip
    parts, used = [], []
    # Importer/origin: the energy files are China's imports, so the importer is whichever side has them.
    for imp, org in ((ctx.a.iso3, ctx.b.iso3), (ctx.b.iso3, ctx.a.iso3)):
        try:
            m = en.crude(wh, imp, org)
        except NoDataError:
            continue
        used.append("china_crude")
        c = (
            alt.Chart(m, title=f"{org}'s crude in {imp}'s imports: share by value and unit-value discount")
            .transform_fold(["share_value", "discount"], as_=["measure", "value"])
            .mark_line()
            .encode(x=alt.X("period:N", title="month", axis=alt.Axis(labelAngle=-60)),
                    y=alt.Y("value:Q", axis=alt.Axis(format="%")), color="measure:N")
            .properties(width=760, height=260)
        )  # fmt: skip
        parts.append(chart(c))
        try:
            g = en.gains(wh, imp, org, "2022-04", m.period.max(), benchmark="others")
            parts.append(f"<p>Implied gains for {esc(imp)} from 2022-04 to {esc(g.period.max())}, against the "
                         "average unit value of all other origins: "
                         f"<strong>{g.gain.sum() / 1e9:.1f} bn USD</strong>.</p>")  # fmt: skip
        except NoDataError:
            pass
        break
    for imp, org in ((ctx.a.iso3, ctx.b.iso3), (ctx.b.iso3, ctx.a.iso3)):
        try:
            gs = en.gas(wh, imp)
        except NoDataError:
            continue
        if org not in set(gs.origin):
            continue
        used.append("china_gas")
        c = (
            alt.Chart(gs, title=f"{imp}'s pipeline-gas imports by origin (share by value)")
            .mark_bar()
            .encode(x="period:N", y=alt.Y("share_value:Q", axis=alt.Axis(format="%"), stack="normalize"),
                    color="origin:N")
            .properties(width=500, height=240)
        )  # fmt: skip
        parts.append(
            chart(c) + "<p class='note'>Shares by value: the file's gas quantities are derived from values.</p>"
        )
        break
    if wh.has("pipelines"):
        used.append("gem")
        comp = en.article_comparisons(wh)
        parts.append(table_html(comp[["pipeline", "capacity_bcm_y", "status", "article_bcm_y", "note"]],
                                caption="Pipeline capacities the article compares (bcm/y)", fmt="{:.1f}"))  # fmt: skip
    if not parts:
        return Section(
            TITLE, f"<p>No energy flows between {esc(ctx.a.name)} and {esc(ctx.b.name)} in the warehouse.</p>"
        )
    return Section(TITLE, "".join(parts), sources=used)
