"""Trade and energy metrics for claims, over ``indicators.trade`` and ``indicators.energy``.

Registered into :data:`dyadwatch.claims.metrics.METRICS` on import. They read
the warehouse when it holds the trade or energy files, else the embedded pack
(COW trade to 2014 for the focus dyads; China's crude and pipeline-gas import
shares, unit values and gains; the pipeline registry). What neither holds is
"not checkable", naming the ingest that would settle it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dyadwatch.claims.base import Context, Measured, NotCheckable, agg, dyad_of, metric, num
from dyadwatch.claims.model import Params
from dyadwatch.errors import DyadwatchError

if TYPE_CHECKING:
    from dyadwatch.indicators.trade import Period

_TRADE_FIX = "`dyadwatch ingest comtrade FILE` / `china_tables` / `cow_trade cow_trade_ndy.rda cow_trade_sy.rda`"
_ENERGY_FIX = "`dyadwatch ingest china_crude …` / `china_gas …` / `gem …`"


def _sc(formula: str, scale: float) -> str:
    return formula + (f" × {scale:g}" if scale != 1 else "")


def _need_wh(ctx: Context, what: str, fix: str):
    if ctx.wh is None or ctx.wh.warehouse is None:
        raise NotCheckable(f"{what}: no warehouse (the embedded pack holds none); ingest it: {fix}")
    return ctx.wh


def _call(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except DyadwatchError as e:  # NoDataError, PeriodError …: the data for this period is not there
        raise NotCheckable(str(e).split(". Fix")[0]) from e


# ----------------------------------------------------------------------- trade

TRADE_MEASURES = ("turnover", "exports_a_to_b", "imports_a_from_b", "growth", "share_of_a_trade", "share_of_b_trade",
                  "asymmetry", "rank")  # fmt: skip


def _trade_rows(ctx: Context, a: str, b: str, period: str | None, year_from=None, year_to=None) -> pd.DataFrame:
    from dyadwatch import api
    from dyadwatch.indicators import trade as tr
    from dyadwatch.indicators import trade_tables as tt

    key = ("trade", a, b, period, year_from, year_to)
    if key in ctx.cache:
        return ctx.cache[key]

    def derived(s) -> pd.DataFrame:  # the embedded pack's COW figures: annual, focus dyads, to 2014
        why = f"trade {a}–{b}{' in ' + period if period else ''}: the embedded pack holds COW trade to 2014 only"
        if period and not period.isdigit():
            raise NotCheckable(f"{why} (annual); ingest {_TRADE_FIX}")
        yf, yt = (int(period), int(period)) if period else (year_from, year_to)
        try:
            return tt.trade(s, a, b, yf, yt)
        except DyadwatchError as e:
            raise NotCheckable(f"{why}; ingest {_TRADE_FIX}") from e

    own = lambda s: _call(tr.trade, s, a, b, period, year_from=year_from, year_to=year_to)  # noqa: E731
    ctx.cache[key] = api.answer(ctx.wh, "trade", own, derived)[0]
    return ctx.cache[key]


_NO_PERIOD = "the claim names no period (params.period)"


def _period(period: str | None) -> Period:
    """The claim's period parsed. A claim without one (None, "") fails with the AttributeError reading the
    missing period always gave it, now saying what is missing."""
    from dyadwatch.indicators.trade import parse_period

    parsed = parse_period(period)
    if parsed is None:
        raise AttributeError(_NO_PERIOD)
    return parsed


def _label(period: str | None) -> str:
    return _period(period).label()


@metric(
    "trade",
    "A dyad's trade in `period` (year, month, or YYYY-MM..YYYY-MM): measure turnover, exports_a_to_b, "
    "imports_a_from_b (USD), growth (fraction on a year earlier), share_of_a_trade, share_of_b_trade, rank.",
    ("scale",),
)
def trade(ctx: Context, p: Params) -> Measured:
    a, b = dyad_of(p)
    m = p.measure or "turnover"
    if m not in TRADE_MEASURES:
        raise NotCheckable(f"trade measure {m!r} (known: {', '.join(TRADE_MEASURES)})")
    df = _trade_rows(ctx, a, b, p.period)
    row = df[df.period == _label(p.period)]
    v = num(row[m].iloc[0]) if not row.empty else None
    if v is None:
        raise NotCheckable(f"{m} of {a}–{b} trade in {p.period} (the ingested trade data give no value)")
    scale = float(p.get("scale", 1))
    r = row.iloc[0]
    src = [s for s in str(r.get("source") or "").split(",") if s]
    return Measured(v * scale, _sc(f"trade({a}, {b}, {p.period}).{m} [{r.get('basis')}]", scale), src, "computed")


@metric(
    "trade_rank_span",
    "B's rank among A's trade partners in each year of `period` (YYYY..YYYY), aggregated by `agg` (max: worst year).",
    ("agg",),
)
def trade_rank_span(ctx: Context, p: Params) -> Measured:
    a, b = dyad_of(p)
    lo, _, hi = (p.period or "").partition("..")
    df = _trade_rows(ctx, a, b, None, int(lo), int(hi or lo))
    df = df[df["rank"].notna()]
    years = set(range(int(lo), int(hi or lo) + 1))
    got = {int(str(x)[:4]) for x in df.period}
    if years - got:
        raise NotCheckable(f"{b}'s rank among {a}'s partners for {sorted(years - got)} (no trade data for those years)")
    how = p.get("agg", "max")
    v = agg(df["rank"].tolist(), how)
    src = sorted({s for x in df.source.dropna() for s in str(x).split(",")})
    return Measured(v, f"{how} over {lo}–{hi or lo} of rank({b} among {a}'s partners)", src, "computed")


@metric(
    "trade_group",
    "`country`'s trade with a group of `partners` in `period`: sum of the measure (turnover by default), × scale.",
    ("country", "partners", "scale"),
)
def trade_group(ctx: Context, p: Params) -> Measured:
    from dyadwatch import countries

    a = countries.resolve(p.get("country")).iso3
    parts = [countries.resolve(x).iso3 for x in p.get("partners") or []]
    m = p.measure or "turnover"
    vals, srcs = [], set()
    for b in parts:
        row = _trade_rows(ctx, a, b, p.period)
        row = row[row.period == _label(p.period)]
        v = num(row[m].iloc[0]) if not row.empty else None
        if v is None:
            raise NotCheckable(f"{m} of {a}–{b} trade in {p.period}")
        vals.append(v)
        srcs |= {s for s in str(row.source.iloc[0] or "").split(",") if s}
    scale = float(p.get("scale", 1))
    formula = _sc(f"Σ {m}({a}, b, {p.period}) for b in {parts}", scale)
    return Measured(sum(vals) * scale, formula, sorted(srcs), "computed")


@metric(
    "trade_hs",
    "`reporter`'s exports to (flow X) or imports from (flow M) `partner` in HS chapters/headings `hs` (list of "
    "codes, all of one length) in `period`, USD × scale (reported, else the partner's mirror report); with "
    "`share: true`, as a share of that flow (indicators.trade_composition.composition).",
    ("reporter", "partner", "flow", "hs", "share", "scale"),
)
def trade_hs(ctx: Context, p: Params) -> Measured:
    from dyadwatch import countries

    wh = _need_wh(ctx, "HS-level trade", _TRADE_FIX)
    rep, par = (countries.resolve(p.get(k)).iso3 for k in ("reporter", "partner"))
    flow, codes = p.get("flow", "X"), [str(c) for c in p.get("hs") or []]
    if not codes or len({len(c) for c in codes}) != 1 or len(codes[0]) not in (2, 4, 6):
        raise NotCheckable("params.hs: HS codes of one length (2, 4 or 6 digits)")
    level = {2: "chapter", 4: "heading", 6: "hs6"}[len(codes[0])]
    if not wh.has("trade_flows"):
        raise NotCheckable(f"HS-level trade flows (table 'trade_flows' is empty; {_TRADE_FIX})")
    from dyadwatch.indicators.trade_composition import composition

    df = _call(composition, wh, rep, par, p.period, level=level, flow=flow)
    sel = df[df.code.isin(codes)]
    col = "share" if p.get("share") else "value_usd"
    v = float(sel[col].sum())  # a code with no trade is absent from the table: it adds 0, which is what it is
    basis = str(df.basis.iloc[0]) if len(df) else "reported"
    scale = float(p.get("scale", 1))
    formula = _sc(f"Σ composition({rep}, {par}, {p.period}, {level}, flow {flow})[{'+'.join(codes)}].{col} [{basis}]",
                  scale)  # fmt: skip
    src = sorted(wh.sources_of("trade_flows"))
    return Measured(v * scale, formula, src, "computed")


# ---------------------------------------------------------------------- energy


@metric(
    "energy_imports",
    "An importer's imports of `commodity` (crude_oil, pipeline_gas) from `origin` in `period`: measure value "
    "(USD), volume, share_value, share_volume, unit_value; × scale.",
    ("importer", "origin", "commodity", "scale"),
)
def energy_imports(ctx: Context, p: Params) -> Measured:
    from dyadwatch import api, countries
    from dyadwatch.indicators import energy as en
    from dyadwatch.indicators import trade_tables as tt

    imp, org = (countries.resolve(p.get(k)).iso3 for k in ("importer", "origin"))
    com, m = p.get("commodity", "crude_oil"), p.measure or "value"
    label = _label(p.period)
    commodity = en.COMMODITIES.get(com, com)

    def own(s) -> tuple[pd.DataFrame, list[str], str]:
        return _call(en.origin_shares, s, com, imp, p.period), s.sources_of("energy_flows"), ""

    def derived(s) -> tuple[pd.DataFrame, list[str], str]:
        # The pack keeps shares and unit values per month and full year (no values or volumes, no ranges).
        freq = "A" if len(label) == 4 else "M"
        if commodity == "pipeline_gas":
            df = _call(tt.gas, s, imp, freq)
        else:
            df = _call(tt.crude, s, imp, org, freq=freq).assign(origin=org)
        return df, [_ENERGY_SOURCE.get(commodity, com)], " [embedded pack]"

    (df, src, where), basis = api.answer(ctx.wh, commodity, own, derived)
    in_wh = basis != "pack"
    row = df[(df.origin == org) & (df.period == label)] if m in df.columns else df.iloc[0:0]
    v = num(row[m].iloc[0]) if not row.empty else None
    if v is None:
        extra = "" if in_wh else f" (not in the embedded pack; {_ENERGY_FIX})"
        raise NotCheckable(f"{m} of {imp}'s {com} imports from {org} in {p.period}{extra}")
    scale = float(p.get("scale", 1))
    formula = _sc(f"origin_shares({com}, {imp}, {p.period})[{org}].{m}{where}", scale)
    return Measured(v * scale, formula, src, "computed")


_ENERGY_SOURCE = {"crude_oil": "china_crude", "pipeline_gas": "china_gas"}


def _crude(ctx: Context, imp: str, org: str) -> tuple[pd.DataFrame, list[str], str]:
    """Monthly crude figures for (importer, origin): warehouse else pack; with sources and a formula tag."""
    from dyadwatch import api

    res = _call(api.energy_crude, imp, org, wh=ctx.wh)
    df = res.data
    if res.basis == "pack":
        return df, ["china_crude"], " [embedded pack]"
    return df, ctx.wh.sources_of("energy_flows"), ""


@metric(
    "crude_discount",
    "Discount of `origin`'s crude on the importer's average (measure discount or discount_vs_others), per month; "
    "over a range `agg` = mean (of monthly discounts) or max; × scale (100 for percent).",
    ("importer", "origin", "agg", "scale"),
)
def crude_discount(ctx: Context, p: Params) -> Measured:
    from dyadwatch import countries

    imp, org = (countries.resolve(p.get(k)).iso3 for k in ("importer", "origin"))
    m = p.measure or "discount"
    df, src, tag = _crude(ctx, imp, org)
    if p.period is None:  # len(None) below: the TypeError it always was, saying what is missing
        raise TypeError(_NO_PERIOD)
    months = [p.period] if len(p.period) == 7 else _period(p.period).months()
    sel = df[df.period.isin(months)]
    if len(sel) < len(months) or sel[m].isna().any():
        raise NotCheckable(f"monthly crude unit values for {', '.join(sorted(set(months) - set(sel.period)))}")
    how = p.get("agg", "mean")
    v = agg(sel[m].tolist(), how)
    scale = float(p.get("scale", 1))
    return Measured(v * scale, f"{how} over {len(sel)} months of {m} = 1 − unit value({org}) / unit value(average)"
                    + tag + (f" × {scale:g}" if scale != 1 else ""), src, "computed")  # fmt: skip


@metric(
    "crude_first_month",
    "First month from `start` in which the origin's crude `measure` reaches `threshold` (value: 'YYYY-MM').",
    ("importer", "origin", "start", "threshold"),
)
def crude_first_month(ctx: Context, p: Params) -> Measured:
    from dyadwatch import countries

    imp, org = (countries.resolve(p.get(k)).iso3 for k in ("importer", "origin"))
    m, thr = p.measure or "discount", float(p.get("threshold"))
    df, src, tag = _crude(ctx, imp, org)
    df = df[df.period >= str(p.get("start"))].sort_values("period")
    hit = df[df[m] >= thr]
    if hit.empty:
        raise NotCheckable(f"no month from {p.get('start')} with {m} ≥ {thr} in the data")
    return Measured(str(hit.period.iloc[0]), f"min(month ≥ {p.get('start')} : {m}({org}) ≥ {thr:g}){tag}",
                    src, "computed")  # fmt: skip


@metric(
    "crude_gains",
    "Implied gains (USD × scale) on the origin's crude from `start` to `end` (YYYY-MM): Σ (benchmark − origin "
    "unit value) × volume; benchmark 'average', 'others' or an origin.",
    ("importer", "origin", "start", "end", "benchmark", "scale"),
)
def crude_gains(ctx: Context, p: Params) -> Measured:
    from dyadwatch import api, countries

    imp, org = (countries.resolve(p.get(k)).iso3 for k in ("importer", "origin"))
    bm = p.get("benchmark", "average")
    res = _call(api.crude_gains, imp, org, str(p.get("start")), str(p.get("end")), benchmark=bm, wh=ctx.wh)
    df = res.data
    src, tag = (["china_crude"], " [embedded pack]") if res.basis == "pack" else (ctx.wh.sources_of("energy_flows"), "")
    if df.gain.isna().any():
        raise NotCheckable(f"unit values for months {df.period[df.gain.isna()].tolist()}")
    scale = float(p.get("scale", 1))
    return Measured(float(df.gain.sum()) * scale,
                    f"Σ over {len(df)} months (unit value[{bm}] − unit value[{org}]) × volume[{org}]{tag}"
                    + (f" × {scale:g}" if scale != 1 else ""), src, "computed")  # fmt: skip


@metric(
    "pipeline_capacity",
    "Capacity (bcm/y) of the pipeline(s) whose name contains `name` in the registry; `status` filters; agg max/sum.",
    ("name", "status", "agg"),
)
def pipeline_capacity(ctx: Context, p: Params) -> Measured:
    from dyadwatch import api

    df = _call(api.pipelines, str(p.get("name")), wh=ctx.wh).data
    if p.get("status"):
        df = df[df.status == p.get("status")]
    df = df[df.capacity_bcm_y.notna()]
    if df.empty:
        raise NotCheckable(f"pipeline {p.get('name')!r} with a capacity in the ingested registry")
    how = p.get("agg", "max")
    v = agg(df.capacity_bcm_y.tolist(), how)
    return Measured(v, f"{how}(capacity_bcm_y of {len(df)} registry rows named like {p.get('name')!r})",
                    sorted(set(df.source)), "computed")  # fmt: skip


# ---------------------------------------------------------------------- events


@metric(
    "events_dyad",
    "Coded events between the dyad in `period` (a year): measure goldstein (weighted mean), net_cooperation, "
    "events (count), material_share; from indicators.events.dyad_events.",
    ("weight",),
)
def events_dyad(ctx: Context, p: Params) -> Measured:
    wh = _need_wh(ctx, "event data", "`dyadwatch ingest gdelt FILES` (GDELT 2.0 event files for the dyad)")
    a, b = dyad_of(p)
    m = p.measure or "net_cooperation"
    from dyadwatch.indicators.events import dyad_events

    df = _call(dyad_events, wh, a, b, period="year", weight=p.get("weight", "mentions"))
    row = df[df.period == str(p.period)]
    v = num(row[m].iloc[0]) if not row.empty else None
    if v is None or (m != "events" and int(row.events.iloc[0]) == 0):
        raise NotCheckable(f"coded events between {a} and {b} in {p.period} (none in the ingested event files)")
    return Measured(v, f"dyad_events({a}, {b}, year)[{p.period}].{m}", wh.sources_of("events"), "computed")
