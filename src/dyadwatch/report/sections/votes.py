"""UN General Assembly voting: every similarity measure with bootstrap bands, context, ideal points.

Reads results only: ``api.votes`` and the panel/ideal-point functions, from the warehouse when it
holds votes, else from the embedded pack (focus countries). Each piece that cannot be shown says why.
"""

from __future__ import annotations

import pandas as pd

from dyadwatch import api
from dyadwatch.errors import NoDataError
from dyadwatch.indicators import votes as iv
from dyadwatch.indicators import votes_measures as vm
from dyadwatch.indicators import votes_panel as vp
from dyadwatch.report.altair_spec import alt
from dyadwatch.report.base import ReportContext, Section, chart, esc, table_html
from dyadwatch.report.gaps import with_gaps

ORDER = 20
TITLE = "Voting together at the UN General Assembly"

LABEL = {
    "agreement": "Agreement",
    "agreement_half": "Agreement (half credit)",
    "s_abs": "S (absolute)",
    "s_sq": "S (squared)",
    "pi": "Scott's π",
    "kappa": "Cohen's κ",
    "pi_sq": "Weighted π",
    "kappa_sq": "Weighted κ",
}
CI = iv.PACK_CI


INGEST = "dyadwatch ingest unvotes un_votes.rda un_roll_calls.rda un_roll_call_issues.rda"


def render(ctx: ReportContext) -> Section | None:
    a, b = ctx.a, ctx.b
    kw = {"wh": ctx.wh, "year_from": ctx.year_from, "year_to": ctx.year_to}
    try:
        main = api.votes(a.iso3, b.iso3, measure="all", ci=CI, seed=iv.PACK_SEED, **kw)
    except NoDataError:
        ctx.lack("UN General Assembly votes", INGEST)
        return None
    ctx.basis_notes.append(main.basis_note())
    sources = list(main.sources)
    have = main.data[main.data.n > 0]
    for s in sources:
        ctx.cover(s, have.year.min(), have.year.max())
    context = []
    for x in (a, b):
        if x.iso3 != "USA" and "USA" not in (a.iso3, b.iso3):
            try:
                ref = api.votes(x.iso3, "USA", measure="all", **kw)
                context.append(ref.data.assign(dyad=f"{x.name}–United States (context)"))
            except NoDataError:
                pass
    dyad = f"{a.name}–{b.name}"
    parts = [_intro(main.data, dyad), _measures_chart(main.data, context, dyad), _plain_sentences()]
    # From the user's roll calls, every dyad-year (neighbours and the matrix among all states); the pack's focus
    # dyads are read through api below.
    panel = vp.all_dyads(ctx.wh) if main.basis != "pack" else None
    parts.append(_percentile(ctx, panel, dyad))
    ip_html, ip_src = _idealpoints(ctx)
    parts.append(ip_html)
    sources += ip_src
    parts.append(_issues(ctx, main.basis))
    parts.append(_neighbours(ctx, panel))
    parts.append(_matrix(ctx, panel))
    notes = "".join(f"<p class='note'>{esc(n)}</p>" for n in main.notes)
    cols = ["year", "n", "agreement", "agreement_lo", "agreement_hi", "s_abs", "kappa", "kappa_lo", "kappa_hi"]
    table = table_html(
        main.data[[c for c in cols if c in main.data]].sort_values("year", ascending=False),
        caption=f"{dyad} by year (low/high: {CI:.0%} bootstrap interval over roll calls)",
        pct=("agreement", "agreement_lo", "agreement_hi"),
        ints=("year", "n"),
    )
    return Section(TITLE, "".join(parts) + notes + table, sources=sorted(dict.fromkeys(sources)))


def _intro(df: pd.DataFrame, dyad: str) -> str:
    have = df[df.n > 0]
    if have.empty:
        return f"<p>{esc(dyad)}: no shared roll calls in the period.</p>"
    last = have.iloc[-1]
    recent = have[have.year >= last.year - 9]
    return (
        "<p>At the UN General Assembly every member votes yes, abstains or votes no on each recorded resolution. "
        "How often two states vote alike is the field's standard gauge of diplomatic alignment. Only roll calls "
        "on which both cast one of those three votes count (<em>n</em>); absences and years before membership "
        f"are left out and show as no data, never as zero. In {int(last.year)}, {esc(dyad)} voted identically on "
        f"{last.agreement:.0%} of {int(last.n)} shared roll calls (Cohen's κ {last.kappa:.2f}); over the last ten "
        f"years with votes the agreement averaged {recent.agreement.mean():.0%}.</p>"
    )


def _measures_chart(df: pd.DataFrame, context: list[pd.DataFrame], dyad: str) -> str:
    rows = []
    for k in vm.MEASURES:
        m = df[["year", k, f"{k}_lo", f"{k}_hi"]].rename(columns={k: "value", f"{k}_lo": "lo", f"{k}_hi": "hi"})
        rows.append(m.assign(measure=LABEL[k], dyad=dyad))
        for c in context:
            rows.append(c[["year", k, "dyad"]].rename(columns={k: "value"}).assign(measure=LABEL[k]))
    # Years without shared roll calls stay as NULL rows, so that the lines break there instead of joining.
    long = with_gaps(pd.concat(rows, ignore_index=True), "year", ["measure", "dyad"])
    base = alt.Chart(long)
    band = (
        base.transform_filter(alt.datum.dyad == dyad)
        .mark_area(opacity=0.25, color="#8b1e3f")
        .encode(x=alt.X("year:Q", axis=alt.Axis(format="d", title=None)), y=alt.Y("lo:Q", title=None), y2="hi:Q")
    )
    line = base.mark_line(strokeWidth=1.6).encode(
        x="year:Q",
        y=alt.Y("value:Q", title=None),
        color=alt.Color("dyad:N", legend=alt.Legend(orient="bottom", title=None)),
        strokeDash=alt.condition(alt.datum.dyad == dyad, alt.value([1, 0]), alt.value([4, 3])),
    )
    c = (
        alt.layer(band, line)
        .properties(width=330, height=130)
        .facet(facet=alt.Facet("measure:N", sort=[LABEL[k] for k in vm.MEASURES], title=None), columns=2)
        .resolve_scale(y="independent")
        .properties(title=f"Eight ways to score voting similarity ({dyad}; shaded: {CI:.0%} bootstrap band)")
    )
    return chart(c)


def _plain_sentences() -> str:
    items = "".join(f"<dt>{esc(LABEL[k])} (<code>{k}</code>)</dt><dd>{esc(vm.PLAIN[k])}</dd>" for k in vm.MEASURES)
    return (
        "<h3>What each measure means</h3><dl class='measures'>" + items + "</dl>"
        "<p class='note'>The shaded bands come from resampling the year's roll calls 500 times (seed "
        f"{iv.PACK_SEED}); a wide band means few shared votes. Formulas and citations: docs/votes.md.</p>"
    )


def _percentile(ctx: ReportContext, panel, dyad: str) -> str:
    names = ["agreement", "kappa"]
    if panel is not None:
        df = vp.dyad_rows(vp.all_dyads_percentiles(ctx.wh, names), ctx.a.iso3, ctx.b.iso3)
    else:
        try:
            df = api.votes(ctx.a.iso3, ctx.b.iso3, measure=names, percentile=True, wh=ctx.wh).data
        except NoDataError as e:
            return f"<h3>Among all pairs of states</h3><p>{esc(e)}</p>"
    long = df.melt(id_vars="year", value_vars=[f"{k}_pct" for k in names], var_name="measure", value_name="pct")
    long = long.assign(measure=lambda d: d.measure.str.replace("_pct", "").map(LABEL))
    if long.pct.isna().all():
        return ""
    long = with_gaps(long.dropna(subset=["pct"]), "year", ["measure"])
    last = df.dropna(subset=["agreement_pct"]).iloc[-1]
    c = (
        alt.Chart(long, title=f"Percentile of {dyad} among all pairs of UN members, each year")
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=alt.X("year:Q", axis=alt.Axis(format="d")),
            y=alt.Y("pct:Q", scale=alt.Scale(domain=[0, 100]), title="percentile"),
            color=alt.Color("measure:N", legend=alt.Legend(orient="bottom", title=None)),
        )
        .properties(width=760, height=220)
    )
    return (
        "<h3>Among all pairs of states</h3>"
        f"<p>In {int(last.year)} the pair voted more alike than {last.agreement_pct:.0f}% of all pairs of UN "
        "members (by agreement). A high percentile means the two are closer than most of the world, not merely "
        "that both vote with the majority.</p>" + chart(c)
    )


def _idealpoints(ctx: ReportContext) -> tuple[str, list[str]]:
    from dyadwatch.indicators import idealpoints as ip

    states = list(dict.fromkeys([ctx.a.iso3, ctx.b.iso3, "USA"]))
    head = "<h3>Ideal points</h3>"
    try:
        if api.basis_for(ctx.wh, "ideal_points") == "pack":  # the pack covers the focus states only
            states = [s for s in states if s in ctx.wh.focus]
        df = api.idealpoints(states=states, year_from=ctx.year_from, year_to=ctx.year_to, wh=ctx.wh).data
    except NoDataError as e:
        return head + f"<p>No ideal points: {esc(e)}</p>", []
    if df.ideal_point.isna().all():
        return head + "<p>No published ideal points for these states in the period.</p>", []
    names = {ctx.a.iso3: ctx.a.name, ctx.b.iso3: ctx.b.name, "USA": "United States"}
    c = idealpoints_chart(df, names)
    have = df.dropna(subset=["ideal_point"])
    ctx.cover("idealpoints", have.year.min(), have.year.max())
    dist = ip.distance(df, ctx.a.iso3, ctx.b.iso3).dropna()
    text = (
        "<p>An ideal point places each state on one line from how it votes, using all states' votes at once and "
        "linking years through resolutions that recur, so shifts in the agenda do not masquerade as shifts in "
        "position. The United States sits at the Western end.</p>"
    )
    if not dist.empty:
        r = dist.iloc[-1]
        text += (
            f"<p>In {int(r.year)} the distance between {esc(ctx.a.name)} and {esc(ctx.b.name)} was "
            f"{r.distance:.2f} on that scale.</p>"
        )
    return head + text + chart(c), ["idealpoints"]


def idealpoints_data(df: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """One row per state and year from each state's first to last ideal point; NULL in the years between with
    none (South Africa, 1974–1991), so its line breaks there."""
    df = df.dropna(subset=["ideal_point"]).assign(state=lambda d: d.iso3.map(names).fillna(d.iso3))
    return with_gaps(df[["state", "year", "ideal_point", "ideal_point_lo", "ideal_point_hi"]], "year", ["state"])


def idealpoints_chart(df: pd.DataFrame, names: dict[str, str]):
    data = idealpoints_data(df, names)
    order = list(dict.fromkeys(names.values()))
    # One colour scale with its legend (named states) shared by the bands and the lines.
    color = alt.Color("state:N", sort=order, legend=alt.Legend(orient="bottom", title="state"))
    base = alt.Chart(data)
    return alt.layer(
        base.mark_area(opacity=0.2).encode(x="year:Q", y="ideal_point_lo:Q", y2="ideal_point_hi:Q", color=color),
        base.mark_line().encode(
            x=alt.X("year:Q", axis=alt.Axis(format="d")), y=alt.Y("ideal_point:Q", title="ideal point"), color=color
        ),
    ).properties(width=760, height=240, title="UNGA ideal points (Bailey–Strezhnev–Voeten), 90% intervals")


def _issues(ctx: ReportContext, basis: str) -> str:
    head = "<h3>By issue area</h3>"
    df = api.vote_issues(ctx.a.iso3, ctx.b.iso3, wh=ctx.wh).data
    df = df[df.n > 0]
    if df.empty:
        return head + "<p>No issue-coded roll calls shared by the two states.</p>"
    names = {"all": "all roll calls", **iv.ISSUE_AREAS}
    df = df.assign(area=df.issue.map(names), decade=df.period.astype(int).astype(str) + "s")
    c = (
        alt.Chart(df, title="Agreement by issue area and decade")
        .mark_rect()
        .encode(
            x=alt.X("decade:O", title=None),
            y=alt.Y("area:N", title=None, sort=list(names.values())),
            color=alt.Color("agreement:Q", scale=alt.Scale(domain=[0, 1], scheme="blues")),
            tooltip=["area", "decade", "n", alt.Tooltip("agreement:Q", format=".2f")],
        )
        .properties(width=600, height=200)
    )
    labels = c.mark_text(fontSize=10).encode(text=alt.Text("agreement:Q", format=".2f"), color=alt.value("black"))
    hr = df[df.issue == "hr"].sort_values("period")
    text = (
        "<p>The roll calls carry issue codes. Human-rights votes matter for the question whether two states share "
        "norms, not just interests: states that defend each other against country-specific human-rights "
        "resolutions vote alike there even when they differ elsewhere.</p>"
    )
    if not hr.empty:
        r = hr.iloc[-1]
        allr = df[(df.issue == "all") & (df.period == r.period)]
        if not allr.empty:
            text += (
                f"<p>In the {int(r.period)}s they agreed on {r.agreement:.0%} of {int(r.n)} human-rights roll calls, "
                f"against {allr.agreement.iloc[0]:.0%} on all roll calls.</p>"
            )
    return head + text + chart(c + labels)


def _neighbours(ctx: ReportContext, panel) -> str:
    head = "<h3>Nearest voting neighbours</h3>"
    blocks = []
    for s in (ctx.a, ctx.b):
        try:
            if panel is not None:
                nb = vp.neighbours(panel, s.iso3, int(panel.year.max()), top=5)
            else:
                nb = api.neighbours(s.iso3, top=5, wh=ctx.wh).data
        except NoDataError as e:
            blocks.append(f"<p>{esc(s.name)}: {esc(e)}</p>")
            continue
        year = int(nb.year.iloc[0]) if len(nb) else None
        blocks.append(
            table_html(
                nb[["rank", "iso3", "n", "agreement", "kappa"]],
                caption=f"{s.name}, {year}",
                pct=("agreement",),
                ints=("rank", "n"),
            )
        )
    return (
        head + "<p>The five states that voted most like each side in the latest year (by agreement; at least "
        "10 shared roll calls), among all UN members.</p>" + "".join(blocks)
    )


def _matrix(ctx: ReportContext, panel) -> str:
    head = "<h3>Who votes with whom</h3>"
    focus = sorted(set(ctx.wh.focus) | {ctx.a.iso3, ctx.b.iso3})
    try:
        if panel is not None:
            year = int(panel.year.max())
            m = vp.matrix(panel, year, states=focus)
        else:
            res = api.matrix(wh=ctx.wh)
            m, year = res.data, res.coverage["year"]
    except NoDataError as e:
        return head + f"<p>{esc(e)}</p>"
    order = list(m.index)
    long = m.rename_axis("row").reset_index().melt(id_vars="row", var_name="col", value_name="agreement").dropna()
    c = (
        alt.Chart(long, title=f"Voting agreement, {year}, states ordered by hierarchical clustering")
        .mark_rect()
        .encode(
            x=alt.X("col:N", sort=order, title=None),
            y=alt.Y("row:N", sort=order, title=None),
            color=alt.Color("agreement:Q", scale=alt.Scale(domain=[0, 1], scheme="viridis")),
        )
        .properties(width=480, height=480)
    )
    return (
        head + "<p>Each cell is the agreement of two states in the latest year; the order groups states that vote "
        "alike (average-linkage clustering), so blocs appear as bright squares on the diagonal. "
        f"Shown: the report's focus countries{' and the two sides' if panel is not None else ''}.</p>" + chart(c)
    )
