"""The dyad page's sections for the report's other families: events, arms, speeches, currency, Central Asia.

Each builder fills a ``Section`` from ``WebStore`` (so from ``dyadwatch.api``), with a chart reading the
JSON API and the table of the same rows. These sections are loaded by the page after its first paint
(``/dyad/A/B/section/ANCHOR``): on a full warehouse speech similarity alone takes seconds, and the page
must not wait for it. Without the data, the section is the "no data" box with the report's ingest command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dyadwatch import countries
from dyadwatch.report.base import ARTICLE_DYAD
from dyadwatch.web import charts
from dyadwatch.web.data_more import central_asia
from dyadwatch.web.views import Section, table

# The report's words (``dyadwatch report`` lists these under "Not in this report, for lack of data").
INGEST = {
    "events": "dyadwatch ingest gdelt FILES (GDELT 1.0 or 2.0 event files, as published)",
    "arms": "dyadwatch ingest sipri trade_register.csv (from armstrade.sipri.org)",
    "words": "dyadwatch ingest ungdc UNGDC_FOLDER",
    "speeches": "dyadwatch ingest ungdc UNGDC_FOLDER",
    "currency": "dyadwatch ingest facts reference_facts.csv",
    "central_asia": "dyadwatch ingest cow_trade cow_trade_ndy.rda cow_trade_sy.rda",
}
CONCEPTS_SHOWN = ("democracy", "human_rights", "sovereignty", "hegemony", "multipolarity", "cold_war_mentality")
MIN_EVENTS = 30  # as the report: fewer events than this and monthly means are noise
REGION_FROM = 1992  # the Central Asian states' first year


@dataclass
class DyadView:
    """What a dyad page shows: the two states and the query's years (the store is the server's)."""

    store: object  # data.WebStore (not imported here: web/data imports nothing of the pages)
    a: countries.Country
    b: countries.Country
    year_from: int | None
    year_to: int | None

    @property
    def yrs(self) -> dict:
        return {"from": self.year_from, "to": self.year_to}

    @property
    def span(self) -> dict:
        return {"year_from": self.year_from, "year_to": self.year_to}


def scorecard(s: Section, v: DyadView) -> None:
    # After the first paint too: for a dyad not seen before it costs as much as the rest of the page.
    f = v.store.scorecard(v.a.iso3, v.b.iso3)  # type: ignore[attr-defined]
    s.data_url = charts.api_url("scorecard", a=v.a.iso3, b=v.b.iso3)
    s.table, s.sources, s.basis = table(f.data), f.sources, f.basis


def events(s: Section, v: DyadView) -> None:
    A, B = v.a.iso3, v.b.iso3
    f = v.store.events(A, B, **v.span)  # type: ignore[attr-defined]
    total = int(f.data["events"].fillna(0).sum()) if not f.data.empty else 0
    s.sources, s.basis = f.sources, f.basis
    if total == 0:
        s.error = (f"the ingested event data hold no event between {v.a.name} and {v.b.name}"
                   + (f" ({f.data.period.min()} to {f.data.period.max()})." if not f.data.empty else "."))  # fmt: skip
        return
    s.intro = (
        "Both directions, each event counted once; Goldstein and tone means weighted by mentions. Net "
        "cooperation = (verbal + material cooperation − verbal − material conflict) / events, from −1 to 1."
    )
    s.data_url = charts.api_url("events", a=A, b=B, **v.yrs)
    labels = {"net_cooperation": "net cooperation", "goldstein": "Goldstein mean", "avg_tone": "tone"}
    s.chart = charts.line(f"Events {A}–{B} per month: net cooperation, Goldstein mean, tone", s.data_url, "period",
                          "value", x_type="temporal", fold=list(labels), y_title="mean per month",
                          labels=labels)  # fmt: skip
    s.table, s.notes = table(f.data), list(f.notes)
    if total < MIN_EVENTS:
        s.notes.insert(0, f"Only {total} events between the two, fewer than the {MIN_EVENTS} below which monthly "
                          "means and change points are noise: ingest more months of GDELT.")  # fmt: skip


def arms(s: Section, v: DyadView) -> None:
    A, B = v.a.iso3, v.b.iso3
    fwd = v.store.arms(A, B, **v.span)  # type: ignore[attr-defined]
    back = v.store.arms(B, A, **v.span)  # type: ignore[attr-defined]
    s.sources, s.basis, s.notes = fwd.sources, fwd.basis, list(fwd.notes)
    tf, tb = float(fwd.data.tiv.sum()), float(back.data.tiv.sum())
    sup, rec, main = (v.a, v.b, fwd) if tf >= tb else (v.b, v.a, back)
    s.data_url = charts.api_url("arms", a=sup.iso3, b=rec.iso3, **v.yrs)
    if tf + tb == 0:
        lo, hi = main.data.year.min(), main.data.year.max()
        s.intro = f"SIPRI records no arms delivery between {v.a.name} and {v.b.name} in {lo}–{hi}."
        return
    s.intro = (f"The main direction is {sup.name} → {rec.name} ({max(tf, tb):,.0f} million TIV against "
               f"{min(tf, tb):,.0f}); the table and downloads are that direction.")  # fmt: skip
    back_url = charts.api_url("arms", a=rec.iso3, b=sup.iso3, **v.yrs)
    s.chart = charts.directions("Arms delivered per year (SIPRI trend-indicator values, millions)",
                                {f"{sup.name} → {rec.name}": s.data_url, f"{rec.name} → {sup.name}": back_url},
                                "year", "tiv", y_title="TIV (millions)")  # fmt: skip
    s.table = table(main.data)
    s.notes.append("Years of the register without a delivery count as 0 (SIPRI's register covers them).")


def words(s: Section, v: DyadView) -> None:
    A, B = v.a.iso3, v.b.iso3
    terms = list(CONCEPTS_SHOWN)
    f = v.store.rhetoric_rates(A, B, terms=terms, **v.span)  # type: ignore[attr-defined]
    s.data_url = charts.api_url("rhetoric_rates", a=A, b=B, term=terms, **v.yrs)
    s.intro = "How often each side uses these concepts per 10,000 words of its UN General Debate speeches."
    s.chart = charts.facets(f"Concepts in the General Debate speeches of {A} and {B} (per 10,000 words)",
                            s.data_url, x="year", y="per_10k", facet="term", color="iso3",
                            y_title="per 10,000 words")  # fmt: skip
    s.table, s.notes, s.sources, s.basis = table(f.data), f.notes, f.sources, f.basis


def speeches(s: Section, v: DyadView) -> None:
    A, B = v.a.iso3, v.b.iso3
    f = v.store.speech_similarity(A, B, **v.span)  # type: ignore[attr-defined]
    s.data_url = charts.api_url("speech_similarity", a=A, b=B, **v.yrs)
    s.intro = (f"TF-IDF cosine similarity of {v.a.name}'s and {v.b.name}'s General Debate speeches per year, "
               "among that year's speakers; rank 1 = the nearest speech.")  # fmt: skip
    s.chart = charts.line(f"Speech similarity of {A} and {B}", s.data_url, "year", "similarity",
                          y_title="cosine similarity")  # fmt: skip
    s.table, s.notes, s.sources, s.basis = table(f.data), f.notes, f.sources, f.basis


def currency(s: Section, v: DyadView) -> None:
    A, B = v.a.iso3, v.b.iso3
    f = v.store.currency(A, B)  # type: ignore[attr-defined]
    s.sources, s.basis = f.sources, f.basis
    if f.data.empty:
        # As in the report: nothing published about this pair is not a gap in the user's data, so no ingest hint.
        s.intro = (f"No published figure about {v.a.name}'s and {v.b.name}'s currencies is in the facts table "
                   "(the article's figures are about Russia, China and Kazakhstan). Your own published figures "
                   "can be added with `dyadwatch ingest facts FILE`.")  # fmt: skip
        return
    s.data_url = charts.api_url("currency", a=A, b=B)
    s.intro = "Settlement-currency and exchange-turnover shares as their publishers give them (not computed here)."
    if f.data.period.str.fullmatch(r"\d{4}-\d{2}").any():
        s.chart = charts.line("Published currency shares (%), monthly figures", s.data_url, "month", "value",
                              x_type="temporal", color="metric", y_title="%")  # fmt: skip
        # Vega-Lite parses a temporal field before any transform, and "2022" would read as January 2022: keep
        # the period a string, keep the monthly figures (YYYY-MM), then make the dates.
        s.chart["data"]["format"]["parse"] = {"period": None}
        s.chart["transform"] = [{"filter": "length(datum.period) === 7"},
                                {"calculate": "toDate(datum.period + '-01')", "as": "month"}]  # fmt: skip
    s.table, s.notes = table(f.data), f.notes


def central_asia_section(s: Section, v: DyadView) -> None:
    A, B = v.a.iso3, v.b.iso3
    if {A, B} != ARTICLE_DYAD:
        s.intro = ("The report compares China's and Russia's weight in Central Asia, the article's comparison, so "
                   "it is shown on the China–Russia page only.")  # fmt: skip
        s.extra = {"link": "/dyad/CHN/RUS#central_asia"}
        return
    states = central_asia()
    yf = v.year_from or REGION_FROM
    f = v.store.region(A, B, states, year_from=yf, year_to=v.year_to)  # type: ignore[attr-defined]
    s.data_url = charts.api_url("region", a=A, b=B, state=states, **{"from": yf, "to": v.year_to})
    s.intro = (f"How much each Central Asian state trades with {v.a.name} and with {v.b.name}, and what part of "
               "the state's total trade each takes (share_a, share_b).")  # fmt: skip
    labels = f"datum.series === 'turnover_a' ? {A!r} : {B!r}"
    s.chart = charts.facets(f"Trade turnover of each Central Asian state with {A} and {B} (bn USD)", s.data_url,
                            x="year", y="bn_usd", facet="state", color="partner", fold=["turnover_a", "turnover_b"],
                            calculate=[{"calculate": "toNumber(substring(datum.period, 0, 4))", "as": "year"},
                                       {"calculate": "datum.value === null ? null : datum.value / 1e9",
                                        "as": "bn_usd"},
                                       {"calculate": labels, "as": "partner"}],
                            y_title="bn USD")  # fmt: skip
    latest = f.data.sort_values("period").groupby("state").tail(1)
    s.table = table(latest.reset_index(drop=True), caption="Latest period per state (the CSV holds every year)")
    s.notes, s.sources, s.basis = list(f.notes), f.sources, f.basis
    gaps = [x for x in states if x not in set(f.data.state)]
    if gaps:
        s.notes.append(f"No trade data for {', '.join(gaps)}.")
    if f.basis == "pack":
        s.notes.append("Basis: the embedded pack's Correlates of War trade figures (COW ends in 2014); ingest "
                       "trade data to see later years.")  # fmt: skip


# anchor -> (title, builder). The scorecard goes under the verdict; the rest follow in the report's order
# (currency 44, Central Asia 46, events 50, arms 52, words 54).
LAZY: dict[str, tuple[str, Callable[[Section, DyadView], None]]] = {
    "scorecard": ("Concord and tension scorecard", scorecard),
    "currency": ("Currency", currency),
    "central_asia": ("Central Asia", central_asia_section),
    "events": ("Events: cooperation and conflict", events),
    "arms": ("Arms transfers", arms),
    "words": ("Words: concepts in UN General Debate speeches", words),
    "speeches": ("Speech similarity", speeches),
}
