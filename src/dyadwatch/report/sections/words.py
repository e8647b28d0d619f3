"""Words: the normative vocabulary of the two against a reference country, KWIC, and speech similarity."""

from __future__ import annotations

from dyadwatch.errors import NoDataError
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html

ORDER = 54
TITLE = "Words: concepts and speech similarity"
CONCEPTS_SHOWN = ("democracy", "human_rights", "sovereignty", "hegemony", "multipolarity", "cold_war_mentality")


def reference_for(a: str, b: str) -> str:
    """The reference speaker: the USA, or the UK when the USA is one of the two."""
    return "GBR" if "USA" in (a, b) else "USA"


def render(ctx: ReportContext) -> Section:
    import altair as alt

    from dyadwatch.indicators import rhetoric as rh
    from dyadwatch.indicators import textsim

    wh = ctx.wh
    if wh is None or not wh.sources_of("speeches"):
        return Section(
            TITLE,
            "<p>No speeches ingested. Run <code>dyadwatch ingest ungdc UNGDC_FOLDER</code> (UN General Debate "
            "Corpus) or add statements with <code>dyadwatch ingest text FILE</code>.</p>",
        )
    a, b = ctx.a.iso3, ctx.b.iso3
    ref = reference_for(a, b)
    span = {"year_from": ctx.year_from, "year_to": ctx.year_to}
    df = rh.rates(wh, [a, b, ref], **span, kinds=["ungd"])
    if df.empty:
        return Section(TITLE, "<p>No UN General Debate speech of these countries in the years asked for.</p>",
                       sources=wh.sources_of("speeches"))  # fmt: skip
    pooled = df.groupby(["iso3", "term"], as_index=False)[["count", "words"]].sum()
    pooled["per_10k"] = pooled["count"] * rh.PER / pooled["words"]
    labels = {k: c.label for k, c in rh.lexicon().concepts.items()}
    pooled["concept"] = pooled["term"].map(labels)
    years = f"{int(df.year.min())}–{int(df.year.max())}"
    pooled = pooled[pooled.groupby("term")["count"].transform("sum") > 0]
    order = [labels[k] for k in rh.lexicon().concepts if k in set(pooled.term)]
    bars = (
        alt.Chart(pooled)
        .mark_bar()
        .encode(
            y=alt.Y("concept:N", title=None, sort=order),
            yOffset=alt.YOffset("iso3:N"),
            x=alt.X("per_10k:Q", title="uses per 10,000 words"),
            color=alt.Color("iso3:N", title=None),
            tooltip=["iso3", "concept", "count", "words", alt.Tooltip("per_10k:Q", format=".1f")],
        )
        .properties(width=620, height=alt.Step(7), title=f"Concept use in UN General Debate speeches, {years}")
    )
    parts = [
        f"<p>Concept uses per 10,000 words in the General Debate speeches of {esc(ctx.a.name)}, {esc(ctx.b.name)} "
        f"and, for reference, {esc(ref)}, pooled over {years}. Lexicon version {esc(rh.lexicon().version)}.</p>",
        chart(bars),
    ]
    for term in ("democracy", "hegemony"):
        k = rh.kwic(wh, [a, b], term, **span, kinds=["ungd"])
        if not k.empty:
            latest = k.groupby("iso3", group_keys=False).tail(3)  # the latest uses of each side
            parts.append(table_html(latest, caption=f"“{labels[term]}” in context (latest uses of each)"))
    try:
        col = rh.collocates(wh, [a, b], ref, "democracy", n=8, **span, kinds=["ungd"])
        parts.append(table_html(col[["side", "word", "count_target", "count_reference", "z"]],
                                caption=f"Words near “democracy”: {a}+{b} (z > 0) versus {ref} (z < 0)"))  # fmt: skip
    except NoDataError as e:
        parts.append(f"<p class='note'>{esc(e)}</p>")
    try:
        sim = textsim.dyad_similarity(wh, a, b, **span)
        line = (
            alt.Chart(sim)
            .mark_line(point=True)
            .encode(
                x=alt.X("year:O"),
                y=alt.Y("similarity:Q", title="TF-IDF cosine similarity"),
                tooltip=["year", alt.Tooltip("similarity:Q", format=".3f"), "rank_b_for_a", "rank_a_for_b", "n_peers"],
            )
            .properties(width=760, height=180, title=f"How alike are {ctx.a.name}'s and {ctx.b.name}'s speeches?")
        )
        parts.append(chart(line))
        few = sim[sim.n_peers < 50]
        if not few.empty:
            parts.append(
                f"<p class='note'>In {int(few.year.min())}–{int(few.year.max())} the ingested corpus holds only "
                f"{int(few.n_peers.max()) + 1} speakers a year, so ranks there are among few peers.</p>"
            )
        parts.append(table_html(sim.tail(10), caption="Similarity and rank among each side's nearest speakers"))
    except NoDataError as e:
        parts.append(f"<p class='note'>{esc(e)}</p>")
    return Section(TITLE, "".join(parts), sources=wh.sources_of("speeches"))
