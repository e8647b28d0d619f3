"""Energy: the crude discount, pipeline-gas shares and the pipelines the article compares.

From the warehouse when it holds the energy files, else from the embedded pack (China's imports).
"""

from __future__ import annotations

from dyadwatch import api
from dyadwatch.errors import NoDataError
from dyadwatch.report.altair_spec import alt
from dyadwatch.report.base import ARTICLE_TITLE, ReportContext, Section, chart, esc, table_html
from dyadwatch.report.gaps import with_gaps

ORDER = 42
TITLE = "Energy"


def render(ctx: ReportContext) -> Section | None:
    wh = ctx.wh
    parts, used, pack_used = [], [], []
    # Importer/origin: the energy files are China's imports, so the importer is whichever side has them.
    for imp, org in ((ctx.a.iso3, ctx.b.iso3), (ctx.b.iso3, ctx.a.iso3)):
        try:
            res = api.energy_crude(imp, org, wh=wh)
        except NoDataError:
            continue
        m = res.data
        used.append("china_crude")
        ctx.cover("china_crude", m.period.min(), m.period.max())
        if res.basis == "pack":
            pack_used.append("china_crude")
        long = m[["period", "share_value", "discount"]].melt(id_vars=["period"], var_name="measure")
        long["measure"] = long.measure.map({"share_value": f"{org}'s share of the imports (value)",
                                            "discount": f"discount of {org}'s crude (unit value)"})  # fmt: skip
        long = with_gaps(long, "period", ["measure"], freq="month")  # a month without figures breaks the line
        c = (
            alt.Chart(long, title=f"{org}'s crude in {imp}'s imports: share by value and unit-value discount")
            .mark_line()
            .encode(x=alt.X("period:T", title=None, axis=alt.Axis(format="%b %Y")),
                    y=alt.Y("value:Q", axis=alt.Axis(format="%"), title=None),
                    color=alt.Color("measure:N", legend=alt.Legend(orient="bottom", title=None, labelLimit=400)))
            .properties(width=760, height=260)
        )  # fmt: skip
        parts.append(chart(c))
        parts.append(
            "<p class='note'>Share: the origin's part of the importer's crude imports by value; discount: "
            "1 − the origin's unit value (USD per tonne) / the average unit value of all origins.</p>"
        )
        try:
            g = api.crude_gains(imp, org, "2022-04", m.period.max(), benchmark="others", wh=wh).data
            parts.append(f"<p>Implied gains for {esc(imp)} from 2022-04 to {esc(g.period.max())}, against the "
                         "average unit value of all other origins: "
                         f"<strong>{g.gain.sum() / 1e9:.1f} bn USD</strong>.</p>")  # fmt: skip
        except NoDataError:
            pass
        break
    for imp, org in ((ctx.a.iso3, ctx.b.iso3), (ctx.b.iso3, ctx.a.iso3)):
        try:
            res = api.energy_gas(imp, wh=wh)
        except NoDataError:
            continue
        gs = res.data
        if org not in set(gs.origin):
            continue
        used.append("china_gas")
        ctx.cover("china_gas", gs.period.min(), gs.period.max())
        if res.basis == "pack":
            pack_used.append("china_gas")
        c = (
            alt.Chart(gs, title=f"{imp}'s pipeline-gas imports by origin (share by value)")
            .mark_bar()
            .encode(x=alt.X("period:N", title=None), color=alt.Color("origin:N", title="origin"),
                    y=alt.Y("share_value:Q", axis=alt.Axis(format="%"), stack="normalize", title="share by value"))
            .properties(width=500, height=240)
        )  # fmt: skip
        parts.append(
            chart(c) + "<p class='note'>Shares by value: the file's gas quantities are derived from values.</p>"
        )
        break
    # The pipelines the article compares (Power of Siberia, Nord Stream …): the article's own comparison, so it
    # belongs in the China–Russia report only, and says whose comparison it is.
    if ctx.is_article_dyad():
        res = api.pipeline_comparisons(wh=wh)
        comp = res.data
        if comp.source.notna().any():
            used.append("gem")
            if res.basis == "pack":
                pack_used.append("gem")
            parts.append(table_html(comp[["pipeline", "capacity_bcm_y", "status", "article_bcm_y", "note"]],
                                    caption=f"Pipeline capacities compared in “{ARTICLE_TITLE}” (bcm/year), "
                                            "beside the Global Energy Monitor tracker", fmt="{:.1f}"))  # fmt: skip
    if not parts:
        if "CHN" in ctx.dyad:
            ctx.lack("Energy flows (China's crude and pipeline-gas imports)",
                     "dyadwatch ingest china_crude FILE; dyadwatch ingest china_gas FILE")  # fmt: skip
        return None  # the energy files are China's imports: other pairs have no energy section
    if pack_used:
        note = api.pack_note(pack_used)
        ctx.basis_notes.append(note)
        parts.append(f"<p class='note'>{esc(note)}</p>")
    return Section(TITLE, "".join(parts), sources=used)
