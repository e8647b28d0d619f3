"""Arms transfers between the two (SIPRI TIV) by year and weapon category."""

from __future__ import annotations

import pandas as pd

from dyadwatch.report.altair_spec import alt
from dyadwatch.report.base import ReportContext, Section, YearSpan, chart, esc, table_html

ORDER = 52
TITLE = "Arms transfers"


def render(ctx: ReportContext) -> Section | None:
    from dyadwatch.indicators import arms as ia

    wh = ctx.wh
    if "sipri" not in wh.sources_of("arms_transfers"):
        ctx.lack("Arms transfers (SIPRI)", "dyadwatch ingest sipri trade_register.csv (from armstrade.sipri.org)")
        return None
    span: YearSpan = {"year_from": ctx.year_from, "year_to": ctx.year_to}
    a, b = ctx.a, ctx.b
    both = pd.concat(
        [ia.transfers(wh, a.iso3, b.iso3, **span).assign(direction=f"{a.name} → {b.name}"),
         ia.transfers(wh, b.iso3, a.iso3, **span).assign(direction=f"{b.name} → {a.name}")]
    )  # fmt: skip
    lo, hi = ia.coverage(wh)
    ctx.cover("sipri", lo, hi)
    if both["tiv"].sum() == 0:
        return Section(TITLE, f"<p>SIPRI records no arms delivery between {esc(a.name)} and {esc(b.name)} "
                       f"in {lo}–{hi}.</p>", sources=["sipri"])  # fmt: skip
    # The main direction (more TIV) gets the category chart, the shares and the top systems.
    fwd_total = both.loc[both.supplier == a.iso3, "tiv"].sum()
    s_, r_ = (a, b) if fwd_total >= both.loc[both.supplier == b.iso3, "tiv"].sum() else (b, a)
    cat = ia.by_category(wh, s_.iso3, r_.iso3, **span)
    lines = (
        alt.Chart(both)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="delivery year"),
            y=alt.Y("tiv:Q", title="TIV (millions)"),
            color=alt.Color("direction:N", title=None),
            tooltip=["direction", "year", alt.Tooltip("tiv:Q", format=",.1f")],
        )
        .properties(width=760, height=200, title="Arms delivered per year (SIPRI trend-indicator values)")
    )
    parts = [chart(lines)]
    if not cat.empty:
        bars = (
            alt.Chart(cat)
            .mark_bar()
            .encode(
                x=alt.X("year:O", title="delivery year"),
                y=alt.Y("sum(tiv):Q", title="TIV (millions)"),
                color=alt.Color("category:N", title="category"),
                tooltip=["year", "category", alt.Tooltip("tiv:Q", format=",.1f")],
            )
            .properties(width=760, height=200, title=f"{s_.name} → {r_.name} by weapon category")
        )
        parts.append(chart(bars))
    main = both[both.supplier == s_.iso3].set_index("year")
    back = both[both.supplier == r_.iso3].set_index("year")
    table = pd.DataFrame(
        {
            "year": main.index,
            f"TIV {s_.iso3}→{r_.iso3}": main["tiv"].to_numpy(),
            f"TIV {r_.iso3}→{s_.iso3}": back["tiv"].reindex(main.index).to_numpy(),
            f"share of {s_.iso3}'s exports": main["share_of_a_exports"].to_numpy(),
            f"share of {r_.iso3}'s imports": main["share_of_b_imports"].to_numpy(),
        }
    )
    parts.append(
        table_html(
            table,
            caption=f"TIV (millions) per delivery year; shares for {s_.name} → {r_.name}",
            fmt="{:,.1f}",
            pct=(f"share of {s_.iso3}'s exports", f"share of {r_.iso3}'s imports"),
            ints=("year",),
        )
    )
    top = ia.top_systems(wh, s_.iso3, r_.iso3, **span)
    if not top.empty:
        parts.append(table_html(top, caption=f"Top systems delivered {s_.name} → {r_.name}", fmt="{:,.1f}"))
    note = (
        "<p class='note'>TIV measures the military capability transferred, not the price paid. "
        "Years of the register without a delivery count as 0.</p>"
    )
    return Section(TITLE, "".join(parts) + note, sources=["sipri"])
