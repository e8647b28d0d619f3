"""Words: the normative vocabulary of the two against a reference country, KWIC, and speech similarity.

From ``api.rhetoric``: the warehouse's speeches when it holds them; otherwise, for
two focus countries, the embedded pack's derived tables (``indicators/speech_tables.py``:
concept counts, similarities and ranks, collocate scores computed from the UN
General Debate Corpus). Keyword-in-context lines quote the speeches, so only the
warehouse shows them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dyadwatch import api
from dyadwatch.errors import NoDataError
from dyadwatch.indicators.speech_tables import REFERENCE as PACK_REFERENCE  # the pack's collocates: each vs it
from dyadwatch.report.altair_spec import alt
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html
from dyadwatch.report.gaps import with_gaps

ORDER = 54
TITLE = "Words: concepts and speech similarity"
CONCEPTS_SHOWN = ("democracy", "human_rights", "sovereignty", "hegemony", "multipolarity", "cold_war_mentality")
PERIOD = 5  # years pooled per point of the concepts-over-time chart: one speech a year is a noisy rate
UNGD = "ungd"  # the kind of speech: UN General Debate


def reference_for(a: str, b: str) -> str:
    """The reference speaker: the USA, or the UK when the USA is one of the two."""
    return "GBR" if "USA" in (a, b) else "USA"


def render(ctx: ReportContext) -> Section | None:
    a, b = ctx.a.iso3, ctx.b.iso3
    ref = reference_for(a, b)
    try:
        rates = _words(ctx, [a, b, ref], "rates")
    except NoDataError:  # no speeches ingested, and a state the pack does not cover
        rates = None
    if rates is None or rates.data.empty:
        what = "" if rates is None else " of these states in the years asked for"
        ctx.lack(f"Words (UN General Debate speeches{what})", "dyadwatch ingest ungdc UNGDC_FOLDER")
        return None
    if rates.basis == "pack":
        ctx.basis_notes.append(
            "Words: dyadwatch's embedded pack (concept counts, similarities and collocate scores computed from "
            "the UN General Debate Corpus); ingest the corpus (`dyadwatch ingest ungdc UNGDC_FOLDER`) for "
            "keyword-in-context lines and other countries."
        )
    return _render(ctx, ref, rates)


def _words(ctx: ReportContext, states: list[str], view: str, **kw: Any) -> api.Result:
    """``api.rhetoric`` on the report's store, UN General Debate speeches, the report's years."""
    span = {"year_from": ctx.year_from, "year_to": ctx.year_to} | kw
    return api.rhetoric(states, view, kind=UNGD, wh=ctx.wh, **span)


def _collocates(ctx: ReportContext, basis: str, ref: str) -> list[str]:
    a, b = ctx.a.iso3, ctx.b.iso3
    if basis != "pack":
        try:
            col = _words(ctx, [a, b], "collocates", terms=["democracy"], reference=ref, n=8).data
        except NoDataError as e:
            return [f"<p class='note'>{esc(e)}</p>"]
        return [_collocate_table(col, f"Words near “democracy”: {a}+{b} (z > 0) versus {ref} (z < 0)")]
    out = []
    for x in (a, b):  # the pack holds each focus country against the USA since 1992, not the pair pooled
        if x == PACK_REFERENCE:
            continue
        try:
            col = api.rhetoric([x], "collocates", terms=["democracy"], wh=ctx.wh).data
        except NoDataError as e:
            out.append(f"<p class='note'>{esc(e)}</p>")
            continue
        since = int(col.year_from.iloc[0])
        cap = f"Words near “democracy”: {x} (z > 0) versus {PACK_REFERENCE} (z < 0), speeches since {since}"
        out.append(_collocate_table(col, cap))
    return out


def _kwic(ctx: ReportContext, basis: str, labels: dict[str, str]) -> list[str]:
    if basis == "pack":
        return [
            "<p class='note'>Keyword-in-context lines quote the speeches, which the embedded pack does not hold: "
            "ingest the corpus (<code>dyadwatch ingest ungdc UNGDC_FOLDER</code>) to read how each side uses "
            "“democracy” and “hegemony”.</p>"
        ]
    out = []
    for term in ("democracy", "hegemony"):
        k = _words(ctx, [ctx.a.iso3, ctx.b.iso3], "kwic", terms=[term]).data
        if not k.empty:
            latest = k.groupby("iso3", group_keys=False).tail(3)  # the latest uses of each side
            out.append(table_html(latest, caption=f"“{labels[term]}” in context (latest uses of each)"))
    return out


def _collocate_table(col: pd.DataFrame, caption: str) -> str:
    return table_html(col[["side", "word", "count_target", "count_reference", "z"]], caption=caption)


def _common_years(df: pd.DataFrame, iso3s: list[str]) -> pd.DataFrame:
    """The rows of the years in which every one of ``iso3s`` spoke (all rows when there is none)."""
    have = df.groupby("year")["iso3"].agg(lambda s: set(iso3s) <= set(s))
    years = have[have].index
    return df[df.year.isin(years)] if len(years) else df


def _concept_bars(df: pd.DataFrame, labels: dict[str, str], order: list[str], years: str):
    pooled = df.groupby(["iso3", "term"], as_index=False)[["count", "words"]].sum()
    pooled["per_10k"] = pooled["count"] * 10_000 / pooled["words"]
    pooled["concept"] = pooled["term"].map(labels)
    pooled = pooled[pooled.groupby("term")["count"].transform("sum") > 0]
    return (
        alt.Chart(pooled)
        .mark_bar()
        .encode(
            y=alt.Y("concept:N", title=None, sort=[o for o in order if o in set(pooled.concept)]),
            yOffset=alt.YOffset("iso3:N"),
            x=alt.X("per_10k:Q", title="uses per 10,000 words"),
            color=alt.Color("iso3:N", title=None),
            tooltip=["iso3", "concept", "count", "words", alt.Tooltip("per_10k:Q", format=".1f")],
        )
        .properties(width=620, height=alt.Step(7), title=f"Concept use in UN General Debate speeches, {years}")
    )


def _concepts_over_time(df: pd.DataFrame, labels: dict[str, str]):
    """Small multiples: the key concepts per 10,000 words, speeches pooled over PERIOD-year spans."""
    d = df[df.term.isin(CONCEPTS_SHOWN)].assign(period=lambda x: (x.year // PERIOD) * PERIOD)
    p = d.groupby(["iso3", "term", "period"], as_index=False)[["count", "words"]].sum()
    p["per_10k"] = p["count"] * 10_000 / p["words"]
    p["concept"] = p["term"].map(labels)
    p = with_gaps(p, "period", ["iso3", "concept"], step=PERIOD)  # a period without a speech breaks the line
    return (
        alt.Chart(p)
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("period:Q", title=f"{PERIOD}-year period (from)", axis=alt.Axis(format="d")),
            y=alt.Y("per_10k:Q", title="per 10,000 words"),
            color=alt.Color("iso3:N", title=None),
            tooltip=["iso3", "concept", "period", "count", "words", alt.Tooltip("per_10k:Q", format=".1f")],
        )
        .properties(width=230, height=110)
        .facet(facet=alt.Facet("concept:N", title=None, sort=[labels[k] for k in CONCEPTS_SHOWN]), columns=3)
        .resolve_scale(y="independent")
        .properties(title="Key concepts over time (uses per 10,000 words)")
    )


def _similarity(ctx: ReportContext) -> list[str]:
    a, b = ctx.a, ctx.b
    try:
        sim = _words(ctx, [a.iso3, b.iso3], "similarity").data
    except NoDataError as e:
        return [f"<p class='note'>{esc(e)}</p>"]
    long = pd.concat(
        [
            sim[["year", "similarity"]].assign(series=f"{a.iso3}–{b.iso3}"),
            sim[["year", "mean_sim_a"]].rename(columns={"mean_sim_a": "similarity"})
            .assign(series=f"{a.iso3} with all speakers (mean)"),
            sim[["year", "mean_sim_b"]].rename(columns={"mean_sim_b": "similarity"})
            .assign(series=f"{b.iso3} with all speakers (mean)"),
        ],
        ignore_index=True,
    )  # fmt: skip
    long = with_gaps(long, "year", ["series"])  # a year without a speech breaks the line
    line = (
        alt.Chart(long)
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=alt.X("year:Q", axis=alt.Axis(format="d", title=None)),
            y=alt.Y("similarity:Q", title="TF-IDF cosine similarity"),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            strokeDash=alt.condition(alt.datum.series == f"{a.iso3}–{b.iso3}", alt.value([1, 0]), alt.value([4, 3])),
            tooltip=["year", "series", alt.Tooltip("similarity:Q", format=".3f")],
        )
        .properties(width=760, height=200, title=f"How alike are {a.name}'s and {b.name}'s speeches?")
    )
    out = [
        chart(line),
        "<p>Each year's speeches are compared with that year's debate as the corpus (TF-IDF, cosine); the dashed "
        "lines are each side's mean similarity with every other speaker that year, the baseline the pair's "
        "similarity should beat. The rank says how many speakers were nearer: 1 = the nearest.</p>",
    ]
    few = sim[sim.n_peers < 50]
    if not few.empty:
        out.append(
            f"<p class='note'>In {int(few.year.min())}–{int(few.year.max())} the corpus holds only "
            f"{int(few.n_peers.max()) + 1} speakers a year, so ranks there are among few peers.</p>"
        )
    if "CHN" in (a.iso3, b.iso3) and (sim.year < 1971).any():
        out.append("<p class='note'>Speeches under CHN before 1971 are the Republic of China's delegation.</p>")
    labels = {"rank_b_for_a": f"{b.iso3}'s rank among {a.iso3}'s nearest", "rank_a_for_b":
              f"{a.iso3}'s rank among {b.iso3}'s nearest", "mean_sim_a": f"{a.iso3}'s mean similarity",
              "mean_sim_b": f"{b.iso3}'s mean similarity"}  # fmt: skip
    out.append(table_html(sim.tail(10), caption="Similarity and rank among each side's nearest speakers",
                          labels=labels, ints=("year", "rank_b_for_a", "rank_a_for_b", "n_peers")))  # fmt: skip
    return out


def _render(ctx: ReportContext, ref: str, rates: api.Result) -> Section | None:
    from dyadwatch.indicators import rhetoric as rh

    a, b = ctx.a.iso3, ctx.b.iso3
    df, sources = rates.data, rates.sources
    for s in sources:
        ctx.cover(s, df.year.min(), df.year.max())
    labels = {k: c.label for k, c in rh.lexicon().concepts.items()}
    order = [labels[k] for k in rh.lexicon().concepts]
    common = _common_years(df, [a, b, ref])
    years = f"{int(common.year.min())}–{int(common.year.max())}"
    n_years = common.year.nunique()
    parts = []
    if rates.basis == "pack":
        parts.append(
            "<p class='note'>Basis: dyadwatch's embedded pack — concept counts, speech similarities and collocate "
            "scores computed from the UN General Debate Corpus for the focus countries (no speech text).</p>"
        )
    parts += [
        f"<p>Concept uses per 10,000 words in the General Debate speeches of {esc(ctx.a.name)}, {esc(ctx.b.name)} "
        f"and, for reference, {esc(ref)}, pooled over the {n_years} years {years} in which all three spoke. "
        f"Lexicon version {esc(rh.lexicon().version)}.</p>",
        chart(_concept_bars(common, labels, order, years)),
        (
            "<p class='note'>Speeches under CHN before 1971 are the Republic of China's delegation.</p>"
            if "CHN" in (a, b, ref) and (df.year < 1971).any()
            else ""
        ),
        chart(_concepts_over_time(df, labels)),
    ]
    parts += _kwic(ctx, rates.basis, labels)
    parts += _collocates(ctx, rates.basis, ref)
    parts += _similarity(ctx)
    return Section(TITLE, "".join(parts), sources=sources)
