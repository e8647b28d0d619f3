"""The HTML pages: home, dyad, state, compare, claims, sources, and the API reference.

Each page is a GET whose query string is the whole view (years, measure, dyads, filters), so
every view is a permalink. Pages read numbers only through ``web/data.py``; charts fetch the
same numbers from the JSON API, whose URLs are also the CSV/JSON download links.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dyadwatch.errors import BadParameterError
from dyadwatch.web import charts, data, params, sections_more
from dyadwatch.web.routes_api import filter_claims
from dyadwatch.web.views import Section, section, table

router = APIRouter(include_in_schema=False)

From = Annotated[int | None, params.EmptyIsNone, Query(alias="from")]
To = Annotated[int | None, params.EmptyIsNone, Query(alias="to")]
Year = Annotated[int | None, params.EmptyIsNone, Query()]


def render(request: Request, name: str, **ctx) -> HTMLResponse:
    store: data.WebStore = request.app.state.store
    lo, hi = store.year_range()
    html = request.app.state.env.get_template(name).render(
        basis=store.basis,
        store_version=store.version,
        year_lo=lo,
        year_hi=hi,
        path=request.url.path,
        permalink=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **ctx,
    )
    return HTMLResponse(html)


@router.get("/")
def home(request: Request) -> Response:
    store: data.WebStore = request.app.state.store
    refs = [{"a": a, "b": b, "label": f"{data.name(a)} – {data.name(b)}"} for a, b in data.reference_dyads()]
    return render(request, "home.html", summary=store.summary(), refs=refs)


@router.get("/dyad")
def dyad_form(request: Request, a: Annotated[str, Query(max_length=60)] = "",
              b: Annotated[str, Query(max_length=60)] = "") -> Response:  # fmt: skip
    """The home page's form: resolve the two states and go to the dyad's permalink."""
    ca, cb = params.state(a, "first state"), params.state(b, "second state")
    return RedirectResponse(f"/dyad/{ca.iso3}/{cb.iso3}", status_code=303)


@router.get("/dyad/{a}/{b}")
def dyad(request: Request, a: str, b: str, year_from: From = None, year_to: To = None,
         measure: Annotated[str, Query(max_length=40)] = "agreement", year: Year = None) -> Response:  # fmt: skip
    store: data.WebStore = request.app.state.store
    ca, cb = params.state(a, "first state"), params.state(b, "second state")
    if ca.iso3 == cb.iso3:
        raise BadParameterError(f"A dyad needs two different states; got {ca.iso3} twice.")
    yf, yt = params.years(store, year_from, year_to)
    m = params.measure(measure, allow_all=False)
    vy = params.year(store, year)
    A, B = ca.iso3, cb.iso3
    yrs = {"from": yf, "to": yt}
    sections: list[Section] = []

    def verdict(s: Section) -> None:
        r = store.assess(A, B, year=vy)
        s.extra = {"verdict": r["verdict"], "year": r["year"], "basis": r["basis"]}
        s.data_url = charts.api_url("assess", a=A, b=B, year=vy)
        import pandas as pd

        ev = pd.DataFrame(r["evidence"])[["dimension", "rule", "value", "threshold", "source", "fired"]]
        s.table = table(ev)
        s.notes, s.sources, s.basis = r["notes"], r["sources"], r["basis"]

    def votes(s: Section) -> None:
        f = store.votes(A, B, measure=m, year_from=yf, year_to=yt)
        s.data_url = charts.api_url("votes", a=A, b=B, measure=m, **yrs)
        s.chart = charts.line(f"UNGA voting similarity ({m}), {A} and {B}", s.data_url, "year", m, y_title=m)
        s.table, s.notes, s.sources, s.basis = table(f.data), f.notes, f.sources, f.basis

    def ideal(s: Section) -> None:
        f = store.ideal_distance(A, B, year_from=yf, year_to=yt)
        s.data_url = charts.api_url("idealpoints", state=[A, B], **yrs)
        s.chart = charts.line(f"UNGA ideal points, {A} and {B}", s.data_url, "year", "ideal_point",
                              color="iso3", y_title="ideal point")  # fmt: skip
        s.table, s.sources, s.basis = table(f.data), f.sources, f.basis
        s.extra = {"second_url": charts.api_url("ideal_distance", a=A, b=B, **yrs)}

    def alliances(s: Section) -> None:
        f = store.alliances(A, B, year_from=yf, year_to=yt)
        s.data_url = charts.api_url("alliances", a=A, b=B, **yrs)
        s.chart = charts.obligations(f"Alliance obligations of {A} towards {B} ({', '.join(f.sources)})", s.data_url)
        s.table, s.notes, s.sources, s.basis = table(f.data), f.notes, f.sources, f.basis

    def economy(s: Section) -> None:
        f = store.trade(A, B, year_from=yf, year_to=yt)
        s.data_url = charts.api_url("trade", a=A, b=B, **yrs)
        s.chart = charts.line(f"Trade of {A} with {B} (USD)", s.data_url, "period", "value", x_type="temporal",
                              fold=["exports_a_to_b", "imports_a_from_b"], y_title="USD", y_format="~s",
                              labels={"exports_a_to_b": f"{ca.name}'s exports to {cb.name}",
                                      "imports_a_from_b": f"{ca.name}'s imports from {cb.name}"})  # fmt: skip
        s.table, s.notes, s.sources, s.basis = table(f.data), f.notes, f.sources, f.basis

    def energy(s: Section) -> None:
        imp, org = (A, B) if A == "CHN" or B != "CHN" else (B, A)
        f = store.energy_crude(imp, org)
        s.data_url = charts.api_url("energy_crude", importer=imp, origin=org)
        s.chart = charts.line(f"{org}'s crude in {imp}'s imports: share by value and unit-value discount",
                              s.data_url, "period", "value", x_type="temporal", fold=["share_value", "discount"],
                              y_title="share / discount", labels={"share_value": "share of imports by value",
                                                                  "discount": "unit-value discount"})  # fmt: skip
        s.table, s.notes, s.sources, s.basis = table(f.data), f.notes, f.sources, f.basis

    def regimes(s: Section) -> None:
        f = store.regimes(A, B, year_from=yf, year_to=yt)
        s.data_url = charts.api_url("regimes", a=A, b=B, **yrs)
        s.intro = (f"V-Dem electoral democracy (polyarchy, 0–1; above 0.5 an electoral democracy): "
                   f"polyarchy_a is {ca.name}, polyarchy_b {cb.name}.")  # fmt: skip
        s.chart = charts.line(f"Electoral democracy (V-Dem polyarchy), {A} and {B}", s.data_url, "year", "value",
                              fold=["polyarchy_a", "polyarchy_b"], y_title="polyarchy",
                              labels={"polyarchy_a": ca.name, "polyarchy_b": cb.name})  # fmt: skip
        s.table, s.sources, s.basis = table(f.data), f.sources, f.basis

    def facts(s: Section) -> None:
        f = store.facts([A, B])
        s.data_url = charts.api_url("facts", entity=[A, B])
        s.table, s.sources, s.basis = table(f.data), f.sources, f.basis
        if f.data.empty:
            s.error = f"No published facts about {ca.name} or {cb.name} in the store."

    for anchor, title, fn in (
        ("verdict", "Verdict", verdict),
        ("votes", "Voting together at the UN General Assembly", votes),
        ("idealpoints", "Ideal points", ideal),
        ("alliances", "Alliance obligations", alliances),
        ("economy", "Economic interdependence", economy),
        ("energy", "Energy", energy),
        ("regimes", "Political systems", regimes),
        ("facts", "Published facts", facts),
    ):
        sections.append(section(anchor, title, fn))
    # The other families come after the first paint, each from its own URL (see sections_more).
    qs = charts.api_url("", **yrs).removeprefix("/api/")
    for anchor, (title, _) in sections_more.LAZY.items():
        lazy = Section(anchor, title, lazy_url=f"/dyad/{A}/{B}/section/{anchor}{qs}")
        if anchor == "scorecard":  # under the verdict, as in the report
            sections.insert(1, lazy)
        else:
            sections.append(lazy)
    return render(request, "dyad.html", a=ca, b=cb, sections=sections, measure=m, measures=data.VOTE_MEASURES,
                  year_from=yf, year_to=yt, year=vy)  # fmt: skip


@router.get("/dyad/{a}/{b}/section/{anchor}")
def dyad_section(request: Request, a: str, b: str, anchor: str, year_from: From = None,
                 year_to: To = None) -> Response:  # fmt: skip
    """One section of the dyad page as an HTML fragment: the page loads these after its first paint."""
    store: data.WebStore = request.app.state.store
    if anchor not in sections_more.LAZY:
        raise HTTPException(404)  # the app's 404 page (the anchor is not echoed unescaped)
    ca, cb = params.state(a, "first state"), params.state(b, "second state")
    if ca.iso3 == cb.iso3:
        raise BadParameterError(f"A dyad needs two different states; got {ca.iso3} twice.")
    yf, yt = params.years(store, year_from, year_to)
    title, build = sections_more.LAZY[anchor]
    view = sections_more.DyadView(store, ca, cb, yf, yt)
    s = section(anchor, title, lambda sec: build(sec, view), ingest=sections_more.INGEST.get(anchor, ""))
    return HTMLResponse(request.app.state.env.get_template("_section.html").render(s=s))


@router.get("/state/{s}")
def state(request: Request, s: str, year: Year = None,
          measure: Annotated[str, Query(max_length=40)] = "agreement") -> Response:  # fmt: skip
    store: data.WebStore = request.app.state.store
    c = params.state(s)
    y = params.year(store, year)
    m = params.measure(measure, allow_all=False)
    S = c.iso3

    def similar(sec: Section) -> None:
        f = store.similarity(S, year=y, measure=m)
        sec.data_url = charts.api_url("similarity", state=S, year=y, measure=m)
        sec.chart = charts.bars(f"Closest and farthest states to {S} by {m}", sec.data_url, "iso3", m, color="side")
        sec.table, sec.notes, sec.sources, sec.basis = table(f.data), f.notes, f.sources, f.basis

    def ideal(sec: Section) -> None:
        f = store.idealpoints([S])
        sec.data_url = charts.api_url("idealpoints", state=[S])
        sec.chart = charts.line(f"Ideal point of {S} over time", sec.data_url, "year", "ideal_point",
                                band=("ideal_point_lo", "ideal_point_hi"), y_title="ideal point")  # fmt: skip
        sec.table, sec.sources, sec.basis = table(f.data), f.sources, f.basis

    def partners(sec: Section) -> None:
        f = store.alliance_partners(S)
        sec.data_url = charts.api_url("partners", state=S)
        sec.table, sec.notes, sec.sources, sec.basis = table(f.data), f.notes, f.sources, f.basis
        if f.data.empty:
            sec.error = f"No alliance obligation of {c.name} towards any state in the store's last year."

    sections = [
        section("similarity", "Closest and farthest in UN votes", similar),
        section("idealpoint", "Ideal point over time", ideal),
        section("partners", "Alliance partners", partners),
    ]
    return render(request, "state.html", c=c, sections=sections, measure=m, measures=data.VOTE_MEASURES, year=y)


@router.get("/compare")
def compare(request: Request, dyad: Annotated[list[str] | None, Query()] = None,
            indicator: Annotated[str, Query(max_length=40)] = "agreement", year_from: From = None,
            year_to: To = None) -> Response:  # fmt: skip
    store: data.WebStore = request.app.state.store
    pairs = params.dyads(dyad or ["CHN-RUS", "USA-GBR", "IND-RUS"])
    ind = params.choice(indicator, data.COMPARE_INDICATORS, "indicator")
    yf, yt = params.years(store, year_from, year_to)
    labels = [f"{a.iso3}-{b.iso3}" for a, b in pairs]

    def build(sec: Section) -> None:
        f = store.compare([(a.iso3, b.iso3) for a, b in pairs], ind, year_from=yf, year_to=yt)
        sec.data_url = charts.api_url("compare", dyad=labels, indicator=ind, **{"from": yf, "to": yt})
        sec.chart = charts.line(f"{ind} for {len(pairs)} dyads", sec.data_url, "year", "value", color="dyad",
                                y_title=ind)  # fmt: skip
        sec.table, sec.notes, sec.sources, sec.basis = table(f.data), f.notes, f.sources, f.basis

    slots = [*labels, *[""] * (data.MAX_COMPARE - len(labels))]
    return render(request, "compare.html", sections=[section("compare", "Compare dyads", build)], slots=slots,
                  indicator=ind, indicators=data.COMPARE_INDICATORS, year_from=yf, year_to=yt)  # fmt: skip


@router.get("/claims")
def claims(request: Request, status: Annotated[str, Query(max_length=20)] = "",
           q: Annotated[str, Query(max_length=100)] = "") -> Response:  # fmt: skip
    statuses = ("supported", "contradicted", "not checkable")
    st = params.choice(status, ("", *statuses), "status") or None
    rep = request.app.state.store.claims()
    shown = filter_claims(rep["claims"], st, q)
    return render(request, "claims.html", report=rep, claims=shown, status=st or "", q=q, statuses=statuses)


@router.get("/sources")
def sources(request: Request) -> Response:
    store: data.WebStore = request.app.state.store
    return render(request, "sources.html", sources=store.sources(), summary=store.summary())


@router.get("/api")
def api_reference(request: Request) -> Response:
    """The OpenAPI schema as a page (FastAPI's own docs pages load from a CDN, which the CSP forbids)."""
    schema = request.app.openapi()
    eps = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            ps = [{"name": p["name"], "required": p.get("required", False),
                   "about": p.get("description") or p.get("schema", {}).get("description", "")}
                  for p in op.get("parameters", [])]  # fmt: skip
            eps.append({"path": path, "method": method.upper(), "summary": op.get("summary", ""), "params": ps})
    return render(request, "api.html", endpoints=eps)
