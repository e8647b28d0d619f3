"""Political systems: "both autocracies, but different" — regime scores of both sides beside reference dyads."""

from __future__ import annotations

import pandas as pd

from dyadwatch import api, assess
from dyadwatch.errors import DyadwatchError
from dyadwatch.indicators import regimes
from dyadwatch.report.altair_spec import alt
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html
from dyadwatch.report.gaps import with_gaps

ORDER = 60
TITLE = "Political systems"
_SIMILAR = assess.config()["regimes"]["similar_gap"]


def _row(df: pd.DataFrame, a: str, b: str) -> dict:
    out = {"dyad": f"{a}–{b}"}
    for m in regimes.MEASURES:
        la, lb = regimes.latest(df, a, m), regimes.latest(df, b, m)
        f = "{:+.0f}" if m == "polity2" else "{:.2f}"
        out[m] = f"{f.format(la[1])} vs {f.format(lb[1])} ({la[0]})" if la and lb else "no data"
    p2 = [regimes.latest(df, x, "polity2") for x in (a, b)]
    out["Polity reading"] = " / ".join(regimes.regime_type(p[1] if p else None) for p in p2)
    return out


def render(ctx: ReportContext) -> Section | None:
    a, b = ctx.a.iso3, ctx.b.iso3
    refs = [tuple(d) for d in assess.config()["reference_dyads"]]
    states = sorted({a, b, *[s for d in refs for s in d]})
    if api.basis_for(ctx.wh, "regimes") == "pack":  # the pack covers the focus states only
        states = [s for s in states if s in ctx.wh.focus]
    try:
        res = api.regimes(states, wh=ctx.wh)
        df, basis = res.data, res.basis
    except DyadwatchError:
        ctx.lack("Political systems (V-Dem, Polity)", "dyadwatch ingest democracy ccode_democracy.rda")
        return None
    mine = df[df.iso3.isin([a, b]) & (df.year >= 1946)]
    if mine.empty:
        ctx.lack("Political systems (V-Dem, Polity)", "dyadwatch ingest democracy ccode_democracy.rda")
        return None
    scored = mine.dropna(subset=["polyarchy"])
    ctx.cover("democracy", scored.year.min(), scored.year.max())
    d = regimes.dyad(df, a, b).dropna(subset=["polyarchy_a", "polyarchy_b"])
    last = d.iloc[-1] if len(d) else None
    p2a, p2b = regimes.latest(df, a, "polity2"), regimes.latest(df, b, "polity2")
    lead = ""
    if last is not None:
        both = last.polyarchy_a < 0.5 and last.polyarchy_b < 0.5
        head = "Both autocracies, but different. " if both and last.polyarchy_gap >= _SIMILAR else ""
        lead = (
            f"<p><strong>{head}</strong>In {int(last.year)} V-Dem rates {esc(ctx.a.name)}'s electoral democracy at "
            f"{last.polyarchy_a:.2f} and "
            f"{esc(ctx.b.name)}'s at {last.polyarchy_b:.2f} on a 0–1 scale (electoral democracies score above 0.5)"
        )
        if p2a and p2b:
            lead += (
                f"; Polity2 scores them {p2a[1]:+.0f} ({regimes.regime_type(p2a[1])}) and {p2b[1]:+.0f} "
                f"({regimes.regime_type(p2b[1])}) in {min(p2a[0], p2b[0])} on −10…10"
            )
        lead += (
            f". Neither is a democracy; the gap between them is {last.polyarchy_gap:.2f} polyarchy points."
            if both
            else "."
        ) + " Regime similarity is one line of evidence in the verdict, never the verdict by itself.</p>"
    long = with_gaps(mine[["iso3", "year", "polyarchy"]].dropna().rename(columns={"polyarchy": "score"}), "year",
                     ["iso3"])  # fmt: skip
    c = (
        alt.Chart(long, title="V-Dem polyarchy (electoral democracy), 0–1")
        .mark_line()
        .encode(x=alt.X("year:Q", axis=alt.Axis(format="d")), y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 1])),
                color=alt.Color("iso3:N", title="state"))
        .properties(width=640, height=220)
    )  # fmt: skip
    table = pd.DataFrame([_row(df, a, b), *[_row(df, x, y) for x, y in refs if {x, y} <= set(df.iso3)]])
    html = lead + chart(c) + "<h3>Beside the reference dyads (latest scores)</h3>"
    html += table_html(table, labels=regimes.LABELS)
    html += f"<p class='note'>Basis: {esc(basis)}. Scores from V-Dem, Polity5 and Marquez's extended UDS " \
            "via peacesciencer (<a href='#src-democracy'>democracy</a>).</p>"  # fmt: skip
    return Section(TITLE, html, sources=["democracy"], anchor="regimes")
