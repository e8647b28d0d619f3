"""The metric registry: metric name → function that measures it from indicators.

A metric function takes ``(ctx, params)`` and returns a :class:`Measured`
(value, the formula or query, the sources, the basis) or raises
:class:`NotCheckable` naming the data or indicator that is missing. Indicator
modules are imported lazily and looked up by name, so a metric "lights up"
the moment its indicator lands; until then the claim says which one it waits
for. Nothing here types in a figure: every value comes from a table.
"""

from __future__ import annotations

import pandas as pd

from dyadwatch.claims.base import (
    METRICS,
    Context,
    Measured,
    Metric,
    NotCheckable,
    agg,
    dyad_of,
    get,
    metric,
    num,
    year_of,
)
from dyadwatch.claims.model import Params
from dyadwatch.errors import DyadwatchError, NoDataError

__all__ = ["METRICS", "Context", "Measured", "Metric", "NotCheckable", "get", "metric"]


# --------------------------------------------------------------- explicit gaps


@metric(
    "unavailable",
    "A figure no dataset in dyadwatch covers: always not checkable, naming the data that would settle it.",
    ("missing",),
)
def unavailable(ctx: Context, p: Params) -> Measured:
    raise NotCheckable(str(p.get("missing", "a dataset dyadwatch does not have")))


# ------------------------------------------------------------ published facts


def fact_period_spellings(period: str) -> list[str]:
    """The spellings a period may have in a facts table: 2023-01..2023-08 ~ 2023Jan-Aug; 2023-01..2023-06 ~ 2023H1."""
    out = [period]
    if ".." in period:
        lo, hi = period.split("..")
        y, m1, m2 = lo[:4], int(lo[5:7]), int(hi[5:7])
        from dyadwatch.sources.facts import MONTHS

        out.append(f"{y}{MONTHS[m1 - 1]}-{MONTHS[m2 - 1]}")
        if (m1, m2) == (1, 6):
            out.append(f"{y}H1")
        if (m1, m2) == (7, 12):
            out.append(f"{y}H2")
    return out


def _facts_frame(ctx: Context) -> pd.DataFrame:
    """The facts table: the warehouse's when it has one, else the embedded pack's (transcribed with citations)."""
    if "facts_frame" not in ctx.cache:
        from dyadwatch import api

        try:
            ctx.cache["facts_frame"] = api.facts(wh=ctx.wh).data
        except NoDataError as e:
            raise NotCheckable(
                "table 'facts' is empty (ingest the published figures: `dyadwatch ingest facts reference_facts.csv`)"
            ) from e
    return ctx.cache["facts_frame"]


def _fact(ctx: Context, name: str, period: str, entity: str | None = None) -> tuple[float, dict]:
    t = _facts_frame(ctx)
    key = ("fact", name, period, entity)
    if key not in ctx.cache:
        spellings = fact_period_spellings(period)
        q = t[(t.metric == name) & t.period.isin(spellings)]
        if entity:
            q = q[(q.entity_a == entity) | (q.entity_b == entity)]
        ctx.cache[key] = q
    rows = ctx.cache[key]
    if rows.empty:
        have = t[t.metric == name].period.tolist()
        hint = f"; published periods for it: {', '.join(sorted(map(str, have)))}" if have else ""
        raise NotCheckable(f"published fact {name!r} for {period} (not in the facts table{hint})")
    r = rows.iloc[0]
    return float(r["value"]), r.to_dict()


@metric(
    "fact",
    "A figure as a statistics office or central bank published it (facts table), kept apart from computed figures.",
    ("fact", "entity"),
)
def fact(ctx: Context, p: Params) -> Measured:
    name = p.get("fact")
    if not name or not p.period:
        raise NotCheckable("params.fact and params.period name the published figure")
    value, row = _fact(ctx, name, p.period, p.get("entity"))
    pub = row.get("publisher") or "unknown publisher"
    return Measured(
        value,
        f"facts[metric={name!r}, period={row.get('period')!r}] = {value:g} {row.get('unit') or ''}".strip(),
        ["facts"],
        f"published fact ({pub})",
        detail=str(row.get("url") or ""),
    )


@metric(
    "fact_expr",
    "Arithmetic on published facts: (sum of `terms`) / (sum of `denominator`) × scale; terms may carry sign -1.",
    ("terms", "denominator", "scale"),
)
def fact_expr(ctx: Context, p: Params) -> Measured:
    terms = p.get("terms") or []
    den = p.get("denominator") or []
    if not terms:
        raise NotCheckable("params.terms lists the published facts to combine")
    pubs: set[str] = set()

    def total(items: list[dict]) -> tuple[float, str]:
        s, parts = 0.0, []
        for it in items:
            v, row = _fact(ctx, it["fact"], str(it.get("period", p.period)), it.get("entity"))
            sign = float(it.get("sign", 1))
            s += sign * v
            pubs.add(str(row.get("publisher")))
            parts.append(f"{'-' if sign < 0 else '+'} {it['fact']}[{row.get('period')}]={v:g}")
        return s, " ".join(parts).lstrip("+ ")

    num, fnum = total(terms)
    value, formula = num, f"({fnum})"
    if den:
        d, fden = total(den)
        if d == 0:
            raise NotCheckable("the published denominator is zero")
        value, formula = num / d, f"({fnum}) / ({fden})"
    scale = float(p.get("scale", 1))
    if scale != 1:
        formula += f" × {scale:g}"
    return Measured(value * scale, formula, ["facts"], f"published fact ({'; '.join(sorted(pubs))})")


# ------------------------------------------------------------------- alliances


def _obligations(ctx: Context, a: str, b: str, source: str | None) -> tuple[pd.DataFrame, str, str]:
    from dyadwatch import api

    key = ("alliances", a, b, source)
    if key not in ctx.cache:
        try:
            res = api.alliances(a, b, wh=ctx.wh, db=ctx.db, source=source)
        except NoDataError as e:
            raise NotCheckable(f"alliance data for {a}–{b} ({e})") from e
        ctx.cache[key] = (res.data, res.basis, res.sources[0] if res.sources else "atop")
    return ctx.cache[key]


@metric(
    "alliance_obligation",
    "1 if the obligation (measure: defense, offense, neutral, nonagg, consul, entente) is in force in `year`, else 0.",
    ("year", "source"),
)
def alliance_obligation(ctx: Context, p: Params) -> Measured:
    a, b = dyad_of(p)
    year = year_of(p)
    ob = p.measure or "defense"
    df, basis, src = _obligations(ctx, a, b, p.get("source"))
    row = df[df.year == year]
    v = num(row[ob].iloc[0]) if not row.empty else None
    if v is None:
        raise NotCheckable(f"{src} has no {ob} value for {a}–{b} in {year} (outside its coverage or not measured)")
    return Measured(v, f"{src}: {ob}({a}→{b}, {year})", [src], f"computed ({basis})")


@metric(
    "alliance_years_gap",
    "Years with an `alignment` obligation and none of `exclude`, minus years with `alliance` obligations, "
    "from `since`.",
    ("alignment", "exclude", "alliance", "since", "source"),
)
def alliance_years_gap(ctx: Context, p: Params) -> Measured:
    a, b = dyad_of(p)
    df, basis, src = _obligations(ctx, a, b, p.get("source"))
    df = df[df.year >= int(p.get("since", 1946))]
    al = list(p.get("alignment", ["nonagg", "consul"]))
    ex = list(p.get("exclude", ["defense", "offense"]))
    ally = list(p.get("alliance", ["defense"]))
    f = df.fillna(0)
    aligned = f[al].max(axis=1).eq(1) & f[ex].max(axis=1).eq(0)
    allied = f[ally].max(axis=1).eq(1)
    n_al, n_ally = int(aligned.sum()), int(allied.sum())
    yrs = f"{int(df.year.min())}–{int(df.year.max())}" if len(df) else "none"
    return Measured(
        float(n_al - n_ally),
        f"{src} {yrs}: years with any of {al} and none of {ex} ({n_al}) − years with any of {ally} ({n_ally})",
        [src],
        f"computed ({basis})",
    )


# ----------------------------------------------------------------------- votes


@metric("unga_agreement", "Mean UNGA voting agreement of the dyad over `period` (a year or YYYY..YYYY).", ())
def unga_agreement(ctx: Context, p: Params) -> Measured:
    from dyadwatch import api

    a, b = dyad_of(p)
    lo, _, hi = (p.period or "").partition("..")
    lo_y, hi_y = int(lo), int(hi or lo)
    try:
        res = api.votes(a, b, wh=ctx.wh, db=ctx.db, year_from=lo_y, year_to=hi_y)
    except NoDataError as e:
        raise NotCheckable(f"UNGA votes for {a}–{b} ({e})") from e
    d = res.data.dropna(subset=["agreement"])
    d = d[d.n > 0]
    if d.empty:
        raise NotCheckable(f"UNGA votes for {a}–{b} in {p.period} ({', '.join(res.sources)} has no shared roll calls)")
    w = (d.agreement * d.n).sum() / d.n.sum()
    return Measured(
        float(w),
        f"Σ agree / Σ n over {len(d)} years {int(d.year.min())}–{int(d.year.max())} ({int(d.n.sum())} roll calls)",
        list(res.sources),
        f"computed ({res.basis})",
    )


_VOTE = {1: "yes", 2: "abstain", 3: "no", 8: "absent", 9: "not a member"}


def resolution_spellings(symbol: str) -> list[str]:
    """A/RES/68/262 as the vote files write it: unvotes uses R/68/262, Voeten's file 68/262."""
    s = str(symbol).strip()
    core = s.split("A/RES/", 1)[1] if s.upper().startswith("A/RES/") else s.removeprefix("R/")
    return list(dict.fromkeys([s, f"A/RES/{core}", f"R/{core}", core]))


def _last_vote_date(rc):
    """The date of the last ingested roll call, for "needs votes after ..." messages."""
    return pd.Timestamp(rc.aggregate(m=rc.date.max()).to_pandas().m.iloc[0]).date()


@metric(
    "unga_vote",
    "How `country` voted on the UNGA roll call with `resolution` (or on `date`): yes, abstain, no.",
    ("country", "resolution", "date"),
)
def unga_vote(ctx: Context, p: Params) -> Measured:
    from dyadwatch import countries

    rc = ctx.need_table("roll_calls", "ingest UN votes: `dyadwatch ingest unvotes ...`")
    iso3 = countries.resolve(p.get("country")).iso3
    res = p.get("resolution")
    if res:
        q = rc.filter(rc.resolution.isin(resolution_spellings(res)))
    else:
        q = rc.filter(rc.date.cast("string") == str(p.get("date")))
    calls = q.select("rcid", "source", "date").to_pandas()
    if calls.empty:
        last = _last_vote_date(rc)
        raise NotCheckable(
            f"UNGA roll call {res or p.get('date')} (the ingested vote data end on {last}; "
            "needs UN votes after that date, e.g. the UN Digital Library voting records)"
        )
    v = ctx.wh.table("votes")
    got = v.filter(v.rcid.isin(calls.rcid.tolist()) & (v.iso3 == iso3)).to_pandas()
    if got.empty:
        raise NotCheckable(f"{iso3}'s vote on {res} is not recorded")
    return Measured(
        _VOTE.get(int(got.vote.iloc[0]), "unknown"),
        f"votes[rcid={int(calls.rcid.iloc[0])}, iso3={iso3}]",
        sorted(set(calls.source)),
    )


@metric(
    "unga_vote_share",
    "Share of `country`'s votes on the roll calls of `resolutions` that were `vote` (yes, abstain, no).",
    ("country", "resolutions", "vote"),
)
def unga_vote_share(ctx: Context, p: Params) -> Measured:
    from dyadwatch import countries

    rc = ctx.need_table("roll_calls", "ingest UN votes: `dyadwatch ingest unvotes ...`")
    iso3 = countries.resolve(p.get("country")).iso3
    wanted = [str(r) for r in p.get("resolutions") or []]
    spell = {x: w for w in wanted for x in resolution_spellings(w)}
    calls = rc.filter(rc.resolution.isin(list(spell))).select("rcid", "source", "resolution").to_pandas()
    missing = sorted(set(wanted) - {spell[r] for r in calls.resolution})
    if missing:
        last = _last_vote_date(rc)
        raise NotCheckable(
            f"UNGA roll calls {', '.join(missing)} (the ingested vote data end on {last}; needs UN votes after "
            "that date, e.g. the UN Digital Library voting records)"
        )
    v = ctx.wh.table("votes")
    got = v.filter(v.rcid.isin(calls.rcid.tolist()) & (v.iso3 == iso3) & v.vote.isin([1, 2, 3])).to_pandas()
    if got.empty:
        raise NotCheckable(f"{iso3}'s votes on {', '.join(wanted)}")
    want = {"yes": 1, "abstain": 2, "no": 3}[str(p.get("vote", "abstain"))]
    share = float((got.vote == want).mean())
    return Measured(share, f"share of {iso3}'s {len(got)} votes on {len(wanted)} resolutions = {p.get('vote')}",
                    sorted(set(calls.source)))  # fmt: skip


# --------------------------------------------------------------------- regimes


def _regimes(ctx: Context, states: list[str], year: int | None) -> tuple[pd.DataFrame, str]:
    from dyadwatch import api

    try:
        res = api.regimes(states, wh=ctx.wh)
        df, basis = res.data, res.basis
    except DyadwatchError as e:
        raise NotCheckable(f"regime scores for {', '.join(states)} ({e})") from e
    return (df if year is None else df[df.year == year]), basis


@metric(
    "regime_score",
    "A regime score (measure: polyarchy, polity2, uds) in `year`; for several `countries`, their `agg` (max/min/mean).",
    ("countries", "year", "agg"),
)
def regime_score(ctx: Context, p: Params) -> Measured:
    from dyadwatch import countries

    states = [countries.resolve(c).iso3 for c in (p.get("countries") or p.dyad or [])]
    year, m = year_of(p), p.measure or "polyarchy"
    df, basis = _regimes(ctx, states, year)
    vals = {r.iso3: num(getattr(r, m)) for r in df.itertuples()}
    scores = {s: score for s in states if (score := vals.get(s)) is not None}
    miss = [s for s in states if s not in scores]
    if miss:
        raise NotCheckable(f"{m} for {', '.join(miss)} in {year} (the democracy source has no value)")
    how = p.get("agg", "max")
    v = agg([scores[s] for s in states], how)
    parts = ", ".join(f"{s} {scores[s]:g}" for s in states)
    return Measured(v, f"{how}({m} {year}: {parts})" if len(states) > 1 else f"{m}({parts}, {year})",
                    ["democracy"], f"computed ({basis})")  # fmt: skip


@metric("regime_gap", "Regime score of the dyad's first state minus the second's (measure) in `year`.", ("year",))
def regime_gap(ctx: Context, p: Params) -> Measured:
    a, b = dyad_of(p)
    year, m = year_of(p), p.measure or "polyarchy"
    df, basis = _regimes(ctx, [a, b], year)
    va = num(df[df.iso3 == a][m].iloc[0]) if (df.iso3 == a).any() else None
    vb = num(df[df.iso3 == b][m].iloc[0]) if (df.iso3 == b).any() else None
    if va is None or vb is None:
        raise NotCheckable(f"{m} for {a} and {b} in {year}")
    return Measured(
        va - vb, f"{m}({a}, {year}) − {m}({b}, {year}) = {va:g} − {vb:g}", ["democracy"], f"computed ({basis})"
    )


@metric(
    "democratic_since",
    "First year of the unbroken democratic spell running to the latest score (polity2 ≥ 6, or polyarchy ≥ 0.5).",
    ("country", "threshold"),
)
def democratic_since(ctx: Context, p: Params) -> Measured:
    from dyadwatch import countries
    from dyadwatch.indicators import regimes

    iso3 = countries.resolve(p.get("country")).iso3
    m = p.measure or "polity2"
    df, basis = _regimes(ctx, [iso3], None)
    start = regimes.democratic_since(df, iso3, m, p.get("threshold"))
    if start is None:
        raise NotCheckable(f"{iso3} is not scored a democracy on {m} in its latest year")
    last = regimes.latest(df, iso3, m)
    assert last is not None  # democratic_since found a scored year of iso3 on m, so there is a latest one
    thr = p.get("threshold") or (regimes.POLITY_DEMOCRACY if m == "polity2" else regimes.POLYARCHY_DEMOCRACY)
    return Measured(float(start), f"first year of {iso3}'s run of {m} ≥ {thr} ending {last[0]}", ["democracy"],
                    f"computed ({basis})")  # fmt: skip


# ---------------------------------------------------------------------- verdict


@metric(
    "verdict",
    "The dyad's verdict from `dyadwatch assess` (alliance, alignment, unaligned, rivalry) in `year`.",
    ("year",),
)
def verdict(ctx: Context, p: Params) -> Measured:
    from dyadwatch import assess

    a, b = dyad_of(p)
    year = p.get("year") or p.period
    try:
        res = assess.assess(a, b, year=int(year) if year else None, wh=ctx.wh, db=ctx.db)
    except DyadwatchError as e:
        raise NotCheckable(f"the assessment of {a}–{b} ({e})") from e
    lines = "; ".join(f"{e.rule} ({e.value})" for e in res.evidence[:3])
    return Measured(res.verdict, f"assess({a}, {b}, {res.year}): {lines}", res.sources, f"computed ({res.basis})")


from dyadwatch.claims import metrics_conflict as _metrics_conflict  # noqa: E402,F401  (registers MID metrics)
from dyadwatch.claims import metrics_data as _metrics_data  # noqa: E402,F401  (registers trade/energy metrics)
