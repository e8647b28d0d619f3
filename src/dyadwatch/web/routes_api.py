"""The JSON API: one endpoint per function of the Python API, with the same parameters and numbers.

``/api/votes?a=CHN&b=RUS&measure=kappa&from=2000`` is ``api.votes("CHN", "RUS", measure="kappa",
year_from=2000)``. Tables come back as ``{"data": [rows], "columns", "basis", "sources", "notes"}``
(NULL stays null, never 0), or with ``format=csv`` as the CSV ``dyadwatch ... --format csv`` prints.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from dyadwatch.web import data, params
from dyadwatch.web.data import Frame
from dyadwatch.web.data_more import central_asia

router = APIRouter(prefix="/api", tags=["data"])

Fmt = Annotated[Literal["json", "csv"], Query(alias="format", description="json (default) or csv (as the CLI)")]
A = Annotated[str, Query(description="First state: name, ISO2/ISO3 or COW code", max_length=60)]
B = Annotated[str, Query(description="Second state", max_length=60)]
From = Annotated[int | None, params.EmptyIsNone, Query(alias="from", description="First year (inclusive)")]
To = Annotated[int | None, params.EmptyIsNone, Query(alias="to", description="Last year (inclusive)")]
Year = Annotated[int | None, params.EmptyIsNone, Query(description="Year (default: the latest with data)")]
Measure = Annotated[str, Query(description="agreement, agreement_half, s_abs, s_sq, pi, kappa, pi_sq, kappa_sq",
                               max_length=100)]  # fmt: skip
States = Annotated[list[str] | None, Query(alias="state", description="Repeat for several states")]


def _store(request: Request) -> data.WebStore:
    return request.app.state.store


def cell(v):
    """A JSON-safe value: NaN/NA → null, numpy scalars → Python, dates → ISO."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        v = v.item()
        return None if isinstance(v, float) and math.isnan(v) else v
    if isinstance(v, dt.date | dt.datetime | pd.Timestamp):
        return v.isoformat()
    return v


def records(df: pd.DataFrame) -> list[dict]:
    cols = [str(c) for c in df.columns]
    return [dict(zip(cols, (cell(v) for v in row), strict=True)) for row in df.itertuples(index=False, name=None)]


def frame_response(f: Frame, fmt: str, name: str, dyad: tuple[str, str] | None = None) -> Response:
    """JSON for the page; a CSV download as the CLI writes one (``outputs.machine_frame``: the dyad's codes first)."""
    if fmt == "csv":
        from dyadwatch.outputs import SIGNIFICANT, machine_frame

        return Response(
            machine_frame(f.data, dyad).to_csv(index=False, float_format=f"%.{SIGNIFICANT}g"),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}.csv"'},
        )
    body = {"data": records(f.data), "columns": [str(c) for c in f.data.columns], "basis": f.basis,
            "sources": f.sources, "notes": f.notes}  # fmt: skip
    return JSONResponse(body)


def json_response(obj) -> Response:
    return Response(json.dumps(obj, ensure_ascii=False, default=cell), media_type="application/json")


@router.get("/votes", summary="api.votes: UNGA voting similarity per year")
def votes(request: Request, a: A, b: B, measure: Measure = "agreement", year_from: From = None,
          year_to: To = None, issue: Annotated[Literal["me", "nu", "di", "hr", "co", "ec"] | None, Query()] = None,
          important: bool = False, fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    ca, cb = params.state(a, "a"), params.state(b, "b")
    yf, yt = params.years(s, year_from, year_to)
    f = s.votes(ca.iso3, cb.iso3, measure=params.measure(measure), year_from=yf, year_to=yt, issue=issue,
                important=important)  # fmt: skip
    return frame_response(f, fmt, f"votes-{ca.iso3}-{cb.iso3}", (ca.iso3, cb.iso3))


@router.get("/alliances", summary="api.alliances: alliance obligations of a towards b per year")
def alliances(request: Request, a: A, b: B, year_from: From = None, year_to: To = None,
              source: Annotated[Literal["atop", "cow_alliance"] | None, Query()] = None,
              fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    ca, cb = params.state(a, "a"), params.state(b, "b")
    yf, yt = params.years(s, year_from, year_to)
    return frame_response(s.alliances(ca.iso3, cb.iso3, year_from=yf, year_to=yt, source=source), fmt,
                          f"alliances-{ca.iso3}-{cb.iso3}", (ca.iso3, cb.iso3))  # fmt: skip


@router.get("/trade", summary="api.trade: the dyad's trade per period (USD)")
def trade(request: Request, a: A, b: B, year_from: From = None, year_to: To = None, fmt: Fmt = "json") -> Response:
    s = _store(request)
    ca, cb = params.state(a, "a"), params.state(b, "b")
    yf, yt = params.years(s, year_from, year_to)
    return frame_response(
        s.trade(ca.iso3, cb.iso3, year_from=yf, year_to=yt), fmt, f"trade-{ca.iso3}-{cb.iso3}", (ca.iso3, cb.iso3)
    )


@router.get("/energy_crude", summary="api.energy_crude: one origin's crude in an importer's imports")
def energy_crude(request: Request, importer: Annotated[str, Query(max_length=60)] = "CHN",
                 origin: Annotated[str, Query(max_length=60)] = "RUS",
                 freq: Annotated[Literal["M", "A"], Query()] = "M", fmt: Fmt = "json") -> Response:  # fmt: skip
    ci, co = params.state(importer, "importer"), params.state(origin, "origin")
    return frame_response(_store(request).energy_crude(ci.iso3, co.iso3, freq=freq), fmt,
                          f"crude-{ci.iso3}-{co.iso3}", (ci.iso3, co.iso3))  # fmt: skip


@router.get("/facts", summary="api.facts: published facts about the states, as their publishers give them")
def facts(request: Request, entity: Annotated[list[str], Query()], fmt: Fmt = "json") -> Response:
    iso = [c.iso3 for c in params.states(entity, "entity")]
    return frame_response(_store(request).facts(iso), fmt, "facts-" + "-".join(iso))


@router.get("/idealpoints", summary="api.idealpoints: published ideal points")
def idealpoints(request: Request, state: States = None, year_from: From = None, year_to: To = None,
                fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    iso = [c.iso3 for c in params.states(state)]
    yf, yt = params.years(s, year_from, year_to)
    return frame_response(s.idealpoints(iso, year_from=yf, year_to=yt), fmt, "idealpoints")


@router.get("/ideal_distance", summary="indicators.idealpoints.distance: the dyad's ideal points and distance")
def ideal_distance(request: Request, a: A, b: B, year_from: From = None, year_to: To = None,
                   fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    ca, cb = params.state(a, "a"), params.state(b, "b")
    yf, yt = params.years(s, year_from, year_to)
    return frame_response(s.ideal_distance(ca.iso3, cb.iso3, year_from=yf, year_to=yt), fmt,
                          f"ideal-distance-{ca.iso3}-{cb.iso3}", (ca.iso3, cb.iso3))  # fmt: skip


@router.get("/regimes", summary="api.regimes: both states' regime scores per year and their gaps")
def regimes(request: Request, a: A, b: B, year_from: From = None, year_to: To = None, fmt: Fmt = "json") -> Response:
    s = _store(request)
    ca, cb = params.state(a, "a"), params.state(b, "b")
    yf, yt = params.years(s, year_from, year_to)
    return frame_response(
        s.regimes(ca.iso3, cb.iso3, year_from=yf, year_to=yt), fmt, f"regimes-{ca.iso3}-{cb.iso3}", (ca.iso3, cb.iso3)
    )


@router.get("/neighbours", summary="api.neighbours: the states voting most alike")
def neighbours(request: Request, state: Annotated[str, Query(max_length=60)], year: Year = None,
               measure: Measure = "agreement", top: Annotated[int, Query(ge=1, le=200)] = 10,
               fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    c = params.state(state)
    f = s.neighbours(c.iso3, year=params.year(s, year), measure=params.measure(measure, allow_all=False), top=top)
    return frame_response(f, fmt, f"neighbours-{c.iso3}")


@router.get("/matrix", summary="api.matrix: clustered similarity matrix of a year")
def matrix(request: Request, year: Annotated[int, Query()], measure: Measure = "agreement", state: States = None,
           fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    iso = [c.iso3 for c in params.states(state)]
    y = params.year(s, year)
    return frame_response(s.matrix(y, measure=params.measure(measure, allow_all=False), states=iso), fmt,
                          f"matrix-{y}")  # fmt: skip


@router.get("/similarity", summary="The state's closest and farthest states by a vote measure in a year")
def similarity(request: Request, state: Annotated[str, Query(max_length=60)], year: Year = None,
               measure: Measure = "agreement", top: Annotated[int, Query(ge=1, le=50)] = 10,
               fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    c = params.state(state)
    f = s.similarity(c.iso3, year=params.year(s, year), measure=params.measure(measure, allow_all=False), top=top)
    return frame_response(f, fmt, f"similarity-{c.iso3}")


@router.get("/partners", summary="The states a state has an alliance obligation towards in a year")
def partners(request: Request, state: Annotated[str, Query(max_length=60)], year: Year = None,
             fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    c = params.state(state)
    return frame_response(s.alliance_partners(c.iso3, year=params.year(s, year)), fmt, f"partners-{c.iso3}")


@router.get("/compare", summary="One indicator for up to six dyads (dyad=CHN-RUS&dyad=USA-GBR)")
def compare(request: Request, dyad: Annotated[list[str], Query(description="A-B, repeat up to 6 times")],
            indicator: Annotated[str, Query(description=", ".join(data.COMPARE_INDICATORS))] = "agreement",
            year_from: From = None, year_to: To = None, fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    pairs = params.dyads(dyad)
    ind = params.choice(indicator, data.COMPARE_INDICATORS, "indicator")
    yf, yt = params.years(s, year_from, year_to)
    f = s.compare([(a.iso3, b.iso3) for a, b in pairs], ind, year_from=yf, year_to=yt)
    return frame_response(f, fmt, f"compare-{ind}")


@router.get("/assess", summary="assess.assess: alliance, alignment, unaligned or rivalry, with the evidence")
def assess(request: Request, a: A, b: B, year: Year = None) -> Response:
    s = _store(request)
    ca, cb = params.state(a, "a"), params.state(b, "b")
    return json_response(s.assess(ca.iso3, cb.iso3, year=params.year(s, year)))


@router.get("/scorecard", summary="assess.scorecard: concord and tension per dimension")
def scorecard(request: Request, a: A, b: B, fmt: Fmt = "json") -> Response:
    ca, cb = params.state(a, "a"), params.state(b, "b")
    return frame_response(
        _store(request).scorecard(ca.iso3, cb.iso3), fmt, f"scorecard-{ca.iso3}-{cb.iso3}", (ca.iso3, cb.iso3)
    )


@router.get("/claims", summary="claims.engine.check: the article's claims, checked")
def claims(request: Request, status: Annotated[Literal["supported", "contradicted", "not checkable"] | None,
           Query()] = None, q: Annotated[str | None, Query(max_length=100)] = None) -> Response:  # fmt: skip
    rep = _store(request).claims()
    rep["claims"] = filter_claims(rep["claims"], status, q)
    return json_response(rep)


def filter_claims(outcomes: list[dict], status: str | None, q: str | None) -> list[dict]:
    needle = (q or "").strip().lower()
    out = [o for o in outcomes if status is None or o["status"] == status]
    if needle:
        out = [o for o in out if needle in " ".join(str(o[k]) for k in ("id", "quote", "metric", "section")).lower()]
    return out


@router.get("/countries", summary="countries: states whose name or code matches q (search as you type)")
def countries(q: Annotated[str, Query(max_length=60)] = "", limit: Annotated[int, Query(ge=1, le=50)] = 8):
    return json_response({"data": data.search(q, limit)})


@router.get("/sources", summary="sources: every source with version, licence, citation, BibTeX and sha256")
def sources(request: Request) -> Response:
    return json_response({"data": _store(request).sources()})


@router.get("/store", summary="What the store holds: basis, version, tables and their coverage")
def store(request: Request) -> Response:
    return json_response(_store(request).summary())


# ------------------------------------------------------------------ the report's other families

Terms = Annotated[list[str] | None, Query(alias="term", description="Lexicon concepts; repeat (default: all)")]


@router.get("/events", summary="api.events: coded events between a and b per period (GDELT/CAMEO)")
def events(request: Request, a: A, b: B, year_from: From = None, year_to: To = None,
           period: Annotated[Literal["day", "month", "quarter", "year"], Query()] = "month",
           weight: Annotated[Literal["mentions", "articles", "none"], Query()] = "mentions",
           direction: Annotated[Literal["both", "a_to_b", "b_to_a"], Query()] = "both", root_only: bool = False,
           fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    ca, cb = params.state(a, "a"), params.state(b, "b")
    yf, yt = params.years(s, year_from, year_to)
    f = s.events(ca.iso3, cb.iso3, period=period, weight=weight, direction=direction, root_only=root_only,
                 year_from=yf, year_to=yt)  # fmt: skip
    return frame_response(f, fmt, f"events-{ca.iso3}-{cb.iso3}", (ca.iso3, cb.iso3))


@router.get("/arms", summary="api.arms: arms delivered from a to b (SIPRI TIV, millions)")
def arms(request: Request, a: A, b: B, year_from: From = None, year_to: To = None,
         by: Annotated[Literal["year", "category", "systems"], Query()] = "year",
         top: Annotated[int, Query(ge=1, le=100)] = 10, fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    ca, cb = params.state(a, "a"), params.state(b, "b")
    yf, yt = params.years(s, year_from, year_to)
    f = s.arms(ca.iso3, cb.iso3, by=by, top=top, year_from=yf, year_to=yt)
    return frame_response(f, fmt, f"arms-{ca.iso3}-{cb.iso3}", (ca.iso3, cb.iso3))


@router.get("/region", summary="api.region: a's and b's trade with each of the states, and shares of its trade")
def region(request: Request, a: A, b: B, state: States = None, year_from: From = None, year_to: To = None,
           fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    ca, cb = params.state(a, "a"), params.state(b, "b")
    iso = [c.iso3 for c in params.states(state)] or central_asia()
    yf, yt = params.years(s, year_from, year_to)
    f = s.region(ca.iso3, cb.iso3, iso, year_from=yf, year_to=yt)
    return frame_response(f, fmt, f"region-{ca.iso3}-{cb.iso3}", (ca.iso3, cb.iso3))


@router.get(
    "/rhetoric_rates", summary="api.rhetoric_rates: concept uses per 10,000 words of UN General Debate speeches"
)
def rhetoric_rates(request: Request, a: A, b: B, term: Terms = None, year_from: From = None, year_to: To = None,
                   fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    ca, cb = params.state(a, "a"), params.state(b, "b")
    yf, yt = params.years(s, year_from, year_to)
    terms = [t for item in term or [] for t in item.split(",") if t.strip()]
    f = s.rhetoric_rates(ca.iso3, cb.iso3, terms=terms, year_from=yf, year_to=yt)
    return frame_response(f, fmt, f"rhetoric-{ca.iso3}-{cb.iso3}", (ca.iso3, cb.iso3))


@router.get("/speech_similarity", summary="api.speech_similarity: TF-IDF similarity of the two sides' speeches")
def speech_similarity(request: Request, a: A, b: B, year_from: From = None, year_to: To = None,
                      fmt: Fmt = "json") -> Response:  # fmt: skip
    s = _store(request)
    ca, cb = params.state(a, "a"), params.state(b, "b")
    yf, yt = params.years(s, year_from, year_to)
    f = s.speech_similarity(ca.iso3, cb.iso3, year_from=yf, year_to=yt)
    return frame_response(f, fmt, f"speech-similarity-{ca.iso3}-{cb.iso3}", (ca.iso3, cb.iso3))


@router.get(
    "/currency", summary="api.facts, currency shares: the published figures the report's Currency section shows"
)
def currency(request: Request, a: A, b: B, fmt: Fmt = "json") -> Response:
    ca, cb = params.state(a, "a"), params.state(b, "b")
    f = _store(request).currency(ca.iso3, cb.iso3)
    return frame_response(f, fmt, f"currency-{ca.iso3}-{cb.iso3}", (ca.iso3, cb.iso3))
