"""The report opens here: the verdict, its three strongest lines of evidence, reference dyads, scorecard."""

from __future__ import annotations

import pandas as pd

from dyadwatch import assess
from dyadwatch.errors import DyadwatchError
from dyadwatch.report.base import ReportContext, Section, esc, table_html

ORDER = 5
TITLE = "Verdict"

_MEANING = {
    "alliance": "an active defence or offence obligation binds them",
    "alignment": "no defence or offence obligation, but treaty ties or voting that puts them among the closest pairs",
    "unaligned": "neither treaty ties nor distinctive voting closeness",
    "rivalry": "no treaty tie and UN voting among the most opposed pairs of states",
}


def _src(name: str) -> str:
    return ", ".join(f'<a href="#src-{esc(s)}">{esc(s)}</a>' for s in str(name).split(",") if s)


# What each scorecard value is measured in; shares are fractions and show as percentages.
UNITS = {
    "treaties": ("level 0–2", False),
    "UN votes": ("percentile among all pairs", False),
    "trade dependence": ("share of trade", True),
    "energy": ("share of crude imports", True),
    "arms": ("share of arms imports", True),
    "events": ("Goldstein mean, −10…10", False),
    "rhetoric": ("TF-IDF cosine, 0–1", False),
    "third region": ("agreement gap, 0–1", False),
    "political systems": ("polyarchy gap, 0–1", False),
}


def scorecard_table(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard as a reader sees it: each latest value with its unit, shares as percentages."""

    def latest(row) -> str:
        unit, share = UNITS.get(row.dimension, ("", False))
        try:
            v = float(row.latest)
        except (TypeError, ValueError):
            return str(row.latest)  # "no data"
        return f"{v:.1%} ({unit})" if share else f"{row.latest} ({unit})" if unit else str(row.latest)

    return card.assign(latest=card.apply(latest, axis=1), year=card.year.astype("Int64"))


def render(ctx: ReportContext) -> Section | None:
    try:
        res = assess.assess(ctx.a.iso3, ctx.b.iso3, year=ctx.year_to, wh=ctx.wh)
    except DyadwatchError:
        ctx.lack("The verdict (needs alliance or UN vote data)",
                 "dyadwatch ingest atop atop_alliance.rda; dyadwatch ingest unvotes un_votes.rda un_roll_calls.rda "
                 "un_roll_call_issues.rda")  # fmt: skip
        return None
    used = list(res.sources)
    lines = "".join(
        f"<li><strong>{esc(e.dimension)}</strong>: {esc(e.rule)} — {esc(e.value)} "
        f"(threshold: {esc(e.threshold)}; source {_src(e.source)})</li>"
        for e in res.strongest(3)
    )
    html = [
        f'<div class="callout"><p class="verdict">{esc(ctx.a.name)} and {esc(ctx.b.name)}, {res.year}: '
        f"{esc(res.verdict)}</p><p>{esc(_MEANING[res.verdict])}.</p>"
        f"<p>The three strongest lines of evidence:</p><ol>{lines}</ol>"
        f'<p class="note">Rules version {esc(res.config_version)} (see docs/assess.md); basis: {esc(res.basis)}.'
        "</p></div>"
    ]
    if res.notes:
        html.append("<ul class='note'>" + "".join(f"<li>{esc(n)}</li>" for n in res.notes) + "</ul>")
    try:
        refs = assess.references(year=res.year, wh=ctx.wh)
        html.append(
            "<h3>Reference dyads</h3><p>The same rules, the same year, on pairs whose relationship is known:"
            " treaty allies, a close partnership without a defence pact, and the United States and China.</p>"
        )
        html.append(table_html(refs, labels={"un_votes": "UN votes", "regimes": "political systems"}, ints=("year",)))
    except DyadwatchError as e:
        html.append(f"<p>Reference dyads unavailable: {esc(e)}</p>")
    try:
        card = assess.scorecard(ctx.a.iso3, ctx.b.iso3, wh=ctx.wh)
        card = scorecard_table(card)
        html.append("<h3>Concord and tension, dimension by dimension</h3>"
                    f"<p>Latest value and direction over the last {assess.config()['scorecard']['years']} years with "
                    "data: converging (closer), diverging (further apart) or stable.</p>")  # fmt: skip
        html.append(table_html(card, labels={"latest": "latest value"}))
        used += [s for v in card.source for s in str(v).split(",") if s]
    except DyadwatchError as e:
        html.append(f"<p>Scorecard unavailable: {esc(e)}</p>")
    return Section(TITLE, "".join(html), sources=list(dict.fromkeys(used)), anchor="verdict")
