"""Formal alliance obligations as a timeline (ATOP, with COW where ingested)."""

from __future__ import annotations

import pandas as pd

from dyadwatch import api
from dyadwatch.errors import NoDataError
from dyadwatch.indicators.alliances import LABELS, OBLIGATIONS
from dyadwatch.report.altair_spec import alt
from dyadwatch.report.base import ReportContext, Section, chart, esc

ORDER = 30
TITLE = "Alliance obligations"


def _periods(df: pd.DataFrame) -> list[tuple[str, int, int]]:
    """Contiguous runs of years in which each obligation is in force."""
    runs: list[tuple[str, int, int]] = []
    for o in OBLIGATIONS:
        on: list[int] = df.loc[df[o].fillna(0).astype(int) == 1, "year"].tolist()
        start: int | None = None
        prev: int | None = None
        for y in [*on, None]:
            if start is None or prev is None:  # the two are set together: both None or neither
                start = prev = y
            elif y is not None and y == prev + 1:  # None (the end) is never prev + 1
                prev = y
            else:
                runs.append((o, start, prev))
                start = prev = y
    return [r for r in runs if r[1] is not None]


def render(ctx: ReportContext) -> Section | None:
    parts, used = [], []
    for source in ("atop", "cow_alliance"):
        try:
            res = api.alliances(
                ctx.a.iso3, ctx.b.iso3, source=source, wh=ctx.wh, year_from=ctx.year_from, year_to=ctx.year_to
            )
        except NoDataError:
            continue
        used.append(source)
        ctx.basis_notes.append(res.basis_note())
        runs = _periods(res.data)
        lo, hi = int(res.data.year.min()), int(res.data.year.max())
        ctx.cover(source, lo, hi)
        label = "ATOP v5" if source == "atop" else "COW alliances v4.1"
        if not runs:
            parts.append(f"<p>{label}: no alliance obligation between the two in {lo}–{hi}.</p>")
            continue
        bars = pd.DataFrame(
            [{"obligation": LABELS[o], "start": s, "end": e + 1, "years": f"{s}–{e}"} for o, s, e in runs]
        )
        c = (
            alt.Chart(bars, title=f"{label}: {ctx.a.name}'s obligations towards {ctx.b.name}")
            .mark_bar(height=14)
            .encode(
                x=alt.X("start:Q", title="year", scale=alt.Scale(domain=[lo, hi + 1]), axis=alt.Axis(format="d")),
                x2="end:Q",
                y=alt.Y("obligation:N", title=None, sort=[LABELS[o] for o in OBLIGATIONS]),
                color=alt.Color("obligation:N", legend=None),
                tooltip=["obligation", "years"],
            )
            .properties(width=760, height=28 * bars.obligation.nunique())
        )
        items = "".join(f"<li>{esc(LABELS[o])}: {s}–{e}</li>" for o, s, e in runs)
        parts.append(chart(c) + f"<ul>{items}</ul><p class='note'>{label} covers {lo}–{hi}; later years: no data.</p>")
    if not used:
        ctx.lack("Alliance obligations (ATOP)", "dyadwatch ingest atop atop_alliance.rda")
        return None
    intro = (
        "<p>A <em>defence</em> or <em>offence</em> obligation is an alliance in the strict sense; "
        "<em>consultation</em>, <em>non-aggression</em> and <em>neutrality</em> pacts are looser forms of "
        "alignment.</p>"
    )
    return Section(TITLE, intro + "".join(parts), sources=used)
