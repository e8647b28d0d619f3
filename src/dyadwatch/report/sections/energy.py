"""Energy: the crude discount, pipeline-gas shares and the pipelines the article compares.

From the warehouse when it holds the energy files, else from the embedded pack (China's imports).
"""

from __future__ import annotations

from dyadwatch.errors import NoDataError
from dyadwatch.indicators import trade_pack as tp
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html

ORDER = 42
TITLE = "Energy"


def render(ctx: ReportContext) -> Section:
    import altair as alt

    wh = ctx.wh
    parts, used, pack_used = [], [], []
    # Importer/origin: the energy files are China's imports, so the importer is whichever side has them.
    for imp, org in ((ctx.a.iso3, ctx.b.iso3), (ctx.b.iso3, ctx.a.iso3)):
        try:
            m, basis = tp.load_crude(wh, imp, org)
        except NoDataError:
            continue
        used.append("china_crude")
        if basis == "pack":
            pack_used.append("china_crude")
        c = (
            alt.Chart(m, title=f"{org}'s crude in {imp}'s imports: share by value and unit-value discount")
            .transform_fold(["share_value", "discount"], as_=["measure", "value"])
            .mark_line()
            .encode(x=alt.X("period:N", title="month", axis=alt.Axis(labelAngle=-60)),
                    y=alt.Y("value:Q", axis=alt.Axis(format="%")), color="measure:N")
            .properties(width=760, height=260)
        )  # fmt: skip
        parts.append(chart(c))
        parts.append(
            "<p class='note'>share_value: the origin's part of the importer's crude imports by value; discount: "
            "1 − the origin's unit value (USD per tonne) / the average unit value of all origins.</p>"
        )
        try:
            g, _ = tp.load_gains(wh, imp, org, "2022-04", m.period.max(), benchmark="others")
            parts.append(f"<p>Implied gains for {esc(imp)} from 2022-04 to {esc(g.period.max())}, against the "
                         "average unit value of all other origins: "
                         f"<strong>{g.gain.sum() / 1e9:.1f} bn USD</strong>.</p>")  # fmt: skip
        except NoDataError:
            pass
        break
    for imp, org in ((ctx.a.iso3, ctx.b.iso3), (ctx.b.iso3, ctx.a.iso3)):
        try:
            gs, basis = tp.load_gas(wh, imp)
        except NoDataError:
            continue
        if org not in set(gs.origin):
            continue
        used.append("china_gas")
        if basis == "pack":
            pack_used.append("china_gas")
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
    comp, basis = tp.load_comparisons(wh)
    # The pack's registry covers Russia, Central Asia and China: shown beside their energy flows only.
    if comp.source.notna().any() and (basis == "warehouse" or parts):
        used.append("gem")
        if basis == "pack":
            pack_used.append("gem")
        parts.append(table_html(comp[["pipeline", "capacity_bcm_y", "status", "article_bcm_y", "note"]],
                                caption="Pipeline capacities the article compares (bcm/y)", fmt="{:.1f}"))  # fmt: skip
    if not parts:
        return Section(
            TITLE,
            f"<p>No energy flows between {esc(ctx.a.name)} and {esc(ctx.b.name)} in the warehouse or the embedded "
            "pack: run `dyadwatch ingest china_crude FILE`, `dyadwatch ingest china_gas FILE` or "
            "`dyadwatch ingest gem FILE`.</p>",
        )
    if pack_used:
        note = tp.pack_note(pack_used)
        ctx.basis_notes.append(note)
        parts.append(f"<p class='note'>{esc(note)}</p>")
    return Section(TITLE, "".join(parts), sources=used)
